"""A living corpus through Telegram: admins' links and files, channel posts, /remove, /sources paging, feeds."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from telegram.ext import Application

from bench.fake_bot_api import FakeBotApi
from bot.engine import Engine
from bot.settings import Settings
from bot.state import STATE_KEY, BotState
from bot.texts import EN
from index.build import build_index
from tests.fake_site import FakeSite
from tests.fakes import BuildFailingEmbedder, FakeEmbedder, add_seed
from tests.telegram_html import check_telegram_html
from tests.test_telegram import ADMIN, QUESTION, api, bot_settings, run_polling, stop_bot, texts

__all__ = ["api"]  # the Bot API stand-in fixture

GRAIN_QUESTION = "Will the next round address grain shipments in the Black Sea?"
GRAIN_QUOTE = "safety of grain shipments"
CHANNEL, CHANNEL_NAME = -1001555, "talks_news"  # a private channel (by id) and a public one (by @username)
PUBLIC_CHANNEL = -1001556
GROUP = -1001777
STRANGER = -1001999
POST = (
    "Monitors named for the ceasefire line\n"
    "The mediators named forty monitors who will patrol the ceasefire line from Monday. "
    "Each team of monitors reports to the joint commission in Geneva every evening, and the first "
    "reports on violations of the ceasefire are due at the end of the week."
)
EDITED = (
    "Monitors postponed until spring\n"
    "The mediators postponed the deployment of observers along the front until spring. "
    "Logistics and funding were not settled, officials said, and the joint commission will meet "
    "again to set a new timetable for the observers and their equipment."
)


@pytest.fixture
async def site() -> AsyncIterator[FakeSite]:
    async with FakeSite() as server:
        yield server


def ingest_settings(api: FakeBotApi, seeds: Path, tmp_path: Path, **values: Any) -> Settings:
    """The Telegram tests' settings, fetching from 127.0.0.1, the article store and cache under `tmp_path`."""
    return bot_settings(api, seeds, tmp_path).model_copy(
        update={
            "fetch_allow_private": True,
            "fetch_timeout_seconds": 5,
            "articles_dir": tmp_path / "articles",
            "embed_cache_dir": tmp_path / "cache",
            **values,
        }
    )


async def start(settings: Settings) -> Application:
    """The bot over a fresh index of the seeds, with the fake embedder."""
    build_index(settings, FakeEmbedder())
    return await run_polling(settings, Engine(settings, FakeEmbedder()))


def engine_of(app: Application) -> Engine:
    state = app.bot_data[STATE_KEY]
    assert isinstance(state, BotState)
    return state.engine


async def until(check: Callable[[], bool], seconds: float = 20.0) -> None:
    """Wait until `check()` holds, at most `seconds`."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        await asyncio.sleep(0.05)


async def ask(api: FakeBotApi, question: str, chat: int) -> str:
    """A question from a user in their own private chat; the bot's reply."""
    before = len(texts(api, chat))
    api.message(question, chat_id=chat, user_id=chat)
    replies = await api.wait_for("sendMessage", before + 1, chat_id=chat)
    return str(replies[-1].params["text"])


async def say(api: FakeBotApi, text: str, user: int = ADMIN) -> str:
    """A message of `user` in their private chat; the bot's next reply (plain text)."""
    before = len(texts(api, user))
    api.message(text, chat_id=user, user_id=user)
    replies = await api.wait_for("sendMessage", before + 1, chat_id=user)
    return str(replies[-1].params["text"])


def test_ingest_chats_are_ids_or_usernames_and_a_typo_is_a_clear_error() -> None:
    settings = Settings(ingest_chats="-1001234567890, @Talks_News  other_channel", _env_file=None)  # type: ignore[call-arg]
    assert settings.ingests(-1001234567890, None) and settings.ingests(-5, "talks_news")
    assert settings.ingests(-6, "Other_Channel") and not settings.ingests(-1001, "someone_else")
    with pytest.raises(ValidationError, match="INGEST_CHATS must be comma-separated chat ids"):
        Settings(ingest_chats="-100123, t.me/talks", _env_file=None)  # type: ignore[call-arg]


async def test_an_admins_link_is_added_and_answerable_at_once(
    api: FakeBotApi, site: FakeSite, seeds: Path, tmp_path: Path
) -> None:
    app = await start(ingest_settings(api, seeds, tmp_path))
    try:
        assert GRAIN_QUOTE not in await ask(api, GRAIN_QUESTION, 1001)
        reply = await say(api, f"{site.url}/article")
        assert re.fullmatch(r"Added: Talks resume in Istanbul \(\d+ passages\), searchable now", reply), reply
        answer = await ask(api, GRAIN_QUESTION, 1002)
        check_telegram_html(answer)
        assert GRAIN_QUOTE in answer and "Talks resume in Istanbul" in answer and "2025-03-14" in answer
        assert "already indexed" in await say(api, f"/add {site.url}/redirect")  # the same page by another link
        assert "no article text" in await say(api, f"Please add this one: {site.url}/empty")
        assert "404" in await say(api, f"/add {site.url}/missing")
        assert "one link at a time" in await say(api, f"{site.url}/article and {site.url}/old")
        assert "Add an article like this" in await say(api, "/add")
        assert len(engine_of(app).articles) == 2
        assert len(list((tmp_path / "articles").iterdir())) == 1
    finally:
        await stop_bot(app)


async def test_nothing_from_a_non_admin_is_added(api: FakeBotApi, site: FakeSite, seeds: Path, tmp_path: Path) -> None:
    app = await start(ingest_settings(api, seeds, tmp_path))
    try:
        user = 5005
        assert await say(api, f"{site.url}/article", user) == EN.link_from_non_admin
        assert await say(api, f"/add {site.url}/article", user) == EN.only_admins_add
        api.document("notes.md", b"# Monitors\n\n" + POST.encode(), "text/markdown", chat_id=user, user_id=user)
        await api.wait_for("sendMessage", 3, chat_id=user)
        assert texts(api, user)[-1] == EN.only_admins_add
        assert await say(api, "/remove 000_03e83c080a8e0dcc", user) == EN.only_admins_remove
        answer = await say(api, f"Who leads the Russian delegation? I read {site.url}/article", user)
        assert "<blockquote>" in answer  # a question with a link in it is still a question
        assert site.hits["/article"] == 0 and api.downloads == [] and not api.sent("getFile")
        assert len(engine_of(app).articles) == 1 and not (tmp_path / "articles").exists()
        assert "/remove" not in await say(api, "/help", user) and "/remove" in await say(api, "/help")
    finally:
        await stop_bot(app)


async def test_an_admins_markdown_file_is_added_and_other_files_refused(
    api: FakeBotApi, seeds: Path, tmp_path: Path
) -> None:
    app = await start(ingest_settings(api, seeds, tmp_path, fetch_max_bytes=4000))
    try:
        body = f"---\nsource: Field notes\npublished: 2025-04-02\n---\n# Monitors named\n\n{POST}\n"
        api.document("monitors.md", body.encode(), "text/markdown", chat_id=ADMIN, user_id=ADMIN)
        [reply] = await api.wait_for("sendMessage", chat_id=ADMIN)
        assert re.fullmatch(r"Added: Monitors named \(\d+ passages?\), searchable now", str(reply.params["text"]))
        assert api.downloads == ["documents/doc1"]
        answer = await ask(api, "Who do the ceasefire monitors report to?", 1001)
        assert "joint commission in Geneva" in answer and "Field notes" in answer
        api.document("scan.pdf", b"%PDF-1.4", "application/pdf", chat_id=ADMIN, user_id=ADMIN)
        api.document("big.txt", b"x" * 10, chat_id=ADMIN, user_id=ADMIN, file_size=10_000)
        api.document("blank.txt", b"   \n", chat_id=ADMIN, user_id=ADMIN)
        await api.wait_for("sendMessage", 4, chat_id=ADMIN)
        replies = texts(api, ADMIN)[1:]
        assert any("scan.pdf is not an article file" in r and ".md" in r for r in replies)
        assert any("big.txt is larger than 4,000 bytes" in r for r in replies)
        assert any("blank.txt: no article text found" in r for r in replies)
        assert len(api.downloads) == 2  # the blank file, not the PDF nor the oversized one
        assert len(engine_of(app).articles) == 2
    finally:
        await stop_bot(app)


async def test_posts_of_allowed_chats_become_articles_and_an_edit_replaces_its_article(
    api: FakeBotApi, seeds: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.ingest")
    chats = frozenset({CHANNEL, CHANNEL_NAME, GROUP})
    app = await start(ingest_settings(api, seeds, tmp_path, ingest_chats=chats))
    engine = engine_of(app)
    try:
        api.channel_post(POST, STRANGER, username="anyone_can_add_a_bot", title="Stranger")
        await until(lambda: "ignored a post from @anyone_can_add_a_bot" in caplog.text)
        posted = api.channel_post(POST, CHANNEL, title="Talks Channel")
        api.channel_post("Short note: more soon.", CHANNEL, title="Talks Channel")
        energy = "Energy truce holds\n" + ("Neither side struck power plants this week, the monitors reported. " * 4)
        public = api.channel_post(energy, PUBLIC_CHANNEL, username=CHANNEL_NAME)
        grain = "Grain deal\n" + ("The grain deal was extended for another four months, the mediators said. " * 4)
        group_text = "Prisoner lists\n" + ("Both sides handed over lists of prisoners for the next exchange. " * 4)
        api.channel_post(grain, CHANNEL, title="Talks Channel", caption=True)
        api.message(group_text, chat_id=GROUP, user_id=77, chat_type="supergroup",
                    chat={"id": GROUP, "type": "supergroup", "title": "Talks Group"})  # fmt: skip
        await until(lambda: len(engine.articles) == 5)
        urls = {a.url: a for a in engine.articles}
        assert urls[f"https://t.me/c/1555/{posted}"].title == "Monitors named for the ceasefire line"
        assert urls[f"https://t.me/c/1555/{posted}"].source == "Talks Channel"
        assert urls[f"https://t.me/{CHANNEL_NAME}/{public}"].title == "Energy truce holds"
        assert any(a.title == "Grain deal" for a in engine.articles)
        assert any(a.title == "Prisoner lists" and a.source == "Talks Group" for a in engine.articles)
        assert "shorter than an article" in caplog.text
        before = await ask(api, "Who do the ceasefire monitors report to?", 1001)
        assert "joint commission in Geneva" in before

        api.channel_post(EDITED, CHANNEL, title="Talks Channel", message_id=posted, edited=True)
        await until(lambda: any(a.title == "Monitors postponed until spring" for a in engine.articles))
        assert len(engine.articles) == 5 and len(list((tmp_path / "articles").iterdir())) == 4
        after = await ask(api, "When will the observers be deployed along the front?", 1002)
        assert "postponed the deployment of observers along the front until spring" in after
        assert "joint commission in Geneva" not in await ask(api, "Who do the ceasefire monitors report to?", 1003)
        assert not [c for c in api.sent() if int(c.params["chat_id"]) < 0]  # nothing said in channels or groups
    finally:
        await stop_bot(app)


async def test_remove_takes_out_an_added_article_and_refuses_a_seed(
    api: FakeBotApi, site: FakeSite, seeds: Path, tmp_path: Path
) -> None:
    app = await start(ingest_settings(api, seeds, tmp_path))
    try:
        await say(api, f"/add {site.url}/article")
        listing = await say(api, "/sources")
        check_telegram_html(listing)
        ids = re.findall(r"<code>([^<]+)</code>", listing)
        [added] = [i for i in ids if i != "000_03e83c080a8e0dcc"]
        assert await say(api, f"/remove {added}") == "Removed: Talks resume in Istanbul. The index now holds 1 article."
        assert GRAIN_QUOTE not in await ask(api, GRAIN_QUESTION, 1001)
        assert list((tmp_path / "articles").iterdir()) == []
        refused = await say(api, "/remove 000_03e83c080a8e0dcc")
        assert refused.startswith("Not removed:") and "seeds folder" in refused
        assert "no article with the id nope" in await say(api, "/remove nope")
        assert "<code>" not in await say(api, "/sources", 1001)  # ids are for admins
        assert len(engine_of(app).articles) == 1
    finally:
        await stop_bot(app)


async def test_sources_pages_through_every_article_newest_first(api: FakeBotApi, seeds: Path, tmp_path: Path) -> None:
    for n in range(45):
        add_seed(seeds, f"talks-{n:02}.txt", topic=f"City {n}")
    app = await start(ingest_settings(api, seeds, tmp_path))
    try:
        api.message("/sources")
        [first] = await api.wait_for("sendMessage")
        pages, message = [str(first.params["text"])], first.result
        markup = first.params["reply_markup"]
        assert [b["text"] for b in markup["inline_keyboard"][0]] == ["Older ›"]
        while True:
            older = [b for b in markup["inline_keyboard"][0] if b["text"] == "Older ›"]
            if not older:
                break
            api.press(older[0]["callback_data"], message)
            edits = await api.wait_for("editMessageText", len(pages))
            pages.append(str(edits[-1].params["text"]))
            message, markup = edits[-1].result, edits[-1].params["reply_markup"]
        assert len(pages) == 3 and [b["text"] for b in markup["inline_keyboard"][0]] == ["‹ Newer"]
        numbers = [int(n) for page in pages for n in re.findall(r"^(\d+)\. ", check_telegram_html(page), re.M)]
        assert numbers == list(range(1, 47))
        assert "46 indexed articles · 1–20" in check_telegram_html(pages[0])
        api.press("src:9999", message)  # past the end: the last page
        edits = await api.wait_for("editMessageText", 3)
        assert str(edits[-1].params["text"]) == pages[-1]
        assert api.refused() == []
        latest = check_telegram_html(await ask(api, "/latest", 1002))
        assert "The 10 newest of 46 indexed articles" in latest
        assert len(re.findall(r"^\d+\. \d{4}-\d{2}-\d{2} · ", latest, re.M)) == 10
    finally:
        await stop_bot(app)


async def test_the_feed_job_adds_new_items_once(
    api: FakeBotApi, site: FakeSite, seeds: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.feeds")
    site.rss_items = [
        ("/article", "Talks resume in Istanbul", "Fri, 14 Mar 2025 09:30:00 GMT"),
        ("/empty", "Nothing", "Sat, 15 Mar 2025 12:00:00 GMT"),
    ]
    feeds = [f"{site.url}/feed.rss"]
    app = await start(ingest_settings(api, seeds, tmp_path, feeds=feeds, feed_interval_minutes=0.01))
    try:
        await until(lambda: "feeds: Added: Talks resume in Istanbul" in caplog.text)
        assert "no article text" in caplog.text  # the empty page is a logged failure, not a crash
        await until(lambda: "feeds: No new articles in the feeds." in caplog.text)
        assert len(engine_of(app).articles) == 2 and site.hits["/article"] == 1
        assert GRAIN_QUOTE in await ask(api, GRAIN_QUESTION, 1001)
    finally:
        await stop_bot(app)
    polls = site.hits["/feed.rss"]
    await asyncio.sleep(1.0)  # longer than the interval: a stopped bot polls no more
    assert site.hits["/feed.rss"] == polls


async def test_a_crash_while_adding_keeps_the_old_index_and_store(
    api: FakeBotApi, site: FakeSite, seeds: Path, tmp_path: Path
) -> None:
    settings = ingest_settings(api, seeds, tmp_path)
    build_index(settings, FakeEmbedder())
    live = (settings.index_dir / "current").resolve()
    app = await run_polling(settings, Engine(settings, BuildFailingEmbedder()))
    try:
        reply = await say(api, f"{site.url}/article")
        assert reply.startswith("Not added:") and "out of memory while embedding" in reply
        assert "previous index is still serving" in reply
        assert (settings.index_dir / "current").resolve() == live
        assert not any((tmp_path / "articles").glob("*.txt"))
        assert "<blockquote>" in await ask(api, QUESTION, 1001)
        assert len(engine_of(app).articles) == 1
    finally:
        await stop_bot(app)


async def test_an_added_article_survives_a_restart_and_a_full_rebuild(
    api: FakeBotApi, site: FakeSite, seeds: Path, tmp_path: Path
) -> None:
    settings = ingest_settings(api, seeds, tmp_path)
    app = await start(settings)
    try:
        assert (await say(api, f"{site.url}/article")).startswith("Added:")
    finally:
        await stop_bot(app)
    app = await run_polling(settings, Engine(settings, FakeEmbedder()))  # a new process over the same folders
    try:
        assert len(engine_of(app).articles) == 2
        assert GRAIN_QUOTE in await ask(api, GRAIN_QUESTION, 1001)
        api.message("/reindex", user_id=ADMIN, chat_id=ADMIN)
        edits = await api.wait_for("editMessageText", seconds=20)
        while "Rebuilt" not in str(edits[-1].params["text"]):
            edits = await api.wait_for("editMessageText", len(edits) + 1, seconds=20)
        assert "2 articles" in str(edits[-1].params["text"])
        assert GRAIN_QUOTE in await ask(api, GRAIN_QUESTION, 1002)
    finally:
        await stop_bot(app)
