"""The real python-telegram-bot application against the Bot API stand-in on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from telegram.error import NetworkError, TimedOut
from telegram.ext import Application

from bench.fake_bot_api import BOT_ID, BOT_USERNAME, TOKEN, FakeBotApi
from bot.app import build_application
from bot.engine import Engine
from bot.logs import configure_logging
from bot.ratelimit import retry_safe
from bot.settings import Settings
from bot.state import STATE_KEY, BotState
from bot.texts import EN, RU, UK
from index.build import build_index
from index.lexical import tokenizer_fingerprint
from index.store import MANIFEST, read_manifest
from tests.fakes import BuildFailingEmbedder, FakeEmbedder, SlowBuildEmbedder, add_seed
from tests.telegram_html import check_telegram_html

ADMIN = 42
GROUP = -100777
QUESTION = "Who leads the Russian delegation?"
FILLER = (
    " The weather in the city stayed mild for most of the week, with light rain in the evenings."
    " Local football fans gathered in the cafes along the river to watch the cup final."
    " Tourists filled the old bazaar, where traders sold carpets, lamps and spices."
    " The ferry timetable was changed because of repairs at the northern pier."
)
EXCHANGE = [
    "The prisoner exchange agreed in Istanbul covered a thousand soldiers from each side.",
    "Officials said the prisoner exchange would happen in several stages over the coming weeks.",
    "Families of the prisoners waited at the border for news of the exchange.",
    "The Red Cross offered to oversee the prisoner exchange and to visit the camps.",
    "Negotiators called the exchange the largest since the war began.",
    "A second exchange of prisoners and of the bodies of fallen soldiers was discussed.",
    "Both delegations said the exchange showed that talks in Istanbul can bring results.",
    "Observers warned that the prisoner exchange did not mean a ceasefire was near.",
]
GRAIN = [
    "The grain corridor from Odesa reopened after the talks, and the first ships left at dawn.",
    "Insurers said the grain corridor still carried a high risk for the ships and their crews.",
    "Farmers hoped the grain corridor would stay open through the autumn harvest.",
]
DRONES = [
    "Drone strikes on the energy grid continued while the delegations met.",
    "Engineers repaired the energy grid overnight after the drone strikes.",
]


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi() as server:
        yield server


def bot_settings(api: FakeBotApi, seeds: Path, tmp_path: Path) -> Settings:
    return Settings(  # type: ignore[call-arg]
        telegram_bot_token=TOKEN,
        telegram_api_url=api.url,
        admin_ids=frozenset({ADMIN}),
        seeds_dir=seeds,
        index_dir=tmp_path / "index",
        min_score=0.05,
        _env_file=None,
    )


async def start_bot(settings: Settings, embedder: FakeEmbedder) -> Application:
    build_index(settings, embedder)
    return await run_polling(settings, Engine(settings, embedder))


async def run_polling(settings: Settings, engine: Engine) -> Application:
    """The bot over `engine`, polling the stand-in."""
    app = build_application(settings, engine)
    await app.initialize()
    if app.post_init:
        await app.post_init(app)
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=1, bootstrap_retries=0)
    return app


async def stop_bot(app: Application) -> None:
    assert app.updater is not None
    await app.updater.stop()
    await app.stop()
    await app.shutdown()


@pytest.fixture
async def bot(api: FakeBotApi, seeds: Path, tmp_path: Path) -> AsyncIterator[Application]:
    app = await start_bot(bot_settings(api, seeds, tmp_path), FakeEmbedder())
    yield app
    await stop_bot(app)


def write_odd_articles(seeds: Path) -> None:
    """Articles whose ids, titles and outlets push Telegram's limits: a long Cyrillic file name, a 93-character
    ASCII one with a 5000-character title and a huge link, and a title of 1000 '&' (5000 characters escaped)."""
    (seeds / "переговоры_о_зерновом_коридоре_в_стамбуле.txt").write_text(
        "---\ntitle: Зерновой коридор\nsource: Пример\n---\n" + "\n\n".join(GRAIN), encoding="utf-8"
    )
    (seeds / ("talks_" + "istanbul_prisoner_exchange_" * 3 + "report.txt")).write_text(
        f"---\ntitle: {'Prisoner exchange agreed ' * 200}\nurl: https://example.org/{'x' * 3000}\n---\n"
        + "\n\n".join(sentence + FILLER for sentence in EXCHANGE),
        encoding="utf-8",
    )
    title, outlet = "&" * 1000, '"' * 500
    (seeds / "ampersands.txt").write_text(
        f"---\ntitle: {title}\nsource: {outlet}\n---\n" + "\n\n".join(DRONES), encoding="utf-8"
    )


@pytest.fixture
async def odd_bot(api: FakeBotApi, seeds: Path, tmp_path: Path) -> AsyncIterator[Application]:
    write_odd_articles(seeds)
    app = await start_bot(bot_settings(api, seeds, tmp_path), FakeEmbedder())
    yield app
    await stop_bot(app)


def bot_message(text: str) -> dict[str, Any]:
    """A message the bot sent to the group, for a user to reply to."""
    return {
        "message_id": 5,
        "date": 0,
        "chat": {"id": GROUP, "type": "supergroup", "title": "G"},
        "from": {"id": BOT_ID, "is_bot": True, "first_name": "Talks"},
        "text": text,
    }


def texts(api: FakeBotApi, chat_id: int) -> list[str]:
    return [str(c.params["text"]) for c in api.sent() if int(c.params["chat_id"]) == chat_id]


async def test_commands_are_registered_for_private_chats_and_groups(bot: Application, api: FakeBotApi) -> None:
    calls = [c for c in await api.wait_for("setMyCommands", 6) if "language_code" not in c.params]  # the defaults
    scopes = sorted(c.params["scope"]["type"] for c in calls)
    assert scopes == ["all_group_chats", "all_private_chats"]
    assert {"ask", "sources", "help"} <= {cmd["command"] for cmd in calls[0].params["commands"]}


async def test_private_question_gets_quoted_answer_in_valid_html(bot: Application, api: FakeBotApi) -> None:
    api.message(QUESTION)
    [reply] = await api.wait_for("sendMessage")
    assert reply.params["parse_mode"] == "HTML"
    text = str(reply.params["text"])
    check_telegram_html(text)
    assert "<blockquote>" in text and "First Direct Russia-Ukraine Peace Talks" in text


async def test_html_in_a_question_is_escaped(bot: Application, api: FakeBotApi) -> None:
    api.message("<b>ceasefire</b> & <script>alert('x')</script> Putin?")
    [reply] = await api.wait_for("sendMessage")
    text = str(reply.params["text"])
    plain = check_telegram_html(text)
    assert "<script>" not in text and "&lt;script&gt;" in text and "&amp;" in text
    assert "<b>ceasefire</b> & <script>" in plain


async def test_start_help_and_sources(bot: Application, api: FakeBotApi) -> None:
    for command in ("/start", "/help", "/sources"):
        api.message(command)
    replies = await api.wait_for("sendMessage", 3)
    for reply in replies:
        check_telegram_html(str(reply.params["text"]))
    joined = " ".join(str(r.params["text"]) for r in replies)
    assert "1 article" in joined and f"@{BOT_USERNAME}" in joined
    assert "1 indexed article" in joined and "First Direct Russia-Ukraine" in joined


async def test_thanks_in_a_chat_and_in_reply_to_the_bot_in_a_group_gets_no_quotes(
    bot: Application, api: FakeBotApi
) -> None:
    api.message("Thanks a lot!")
    api.message("спасибо", language_code="ru")
    thanked = api.message("thank you!", chat_id=GROUP, chat_type="supergroup", reply_to=bot_message("an answer"))
    replies = await api.wait_for("sendMessage", 3)
    [in_group] = [r for r in replies if int(r.params["chat_id"]) == GROUP]
    assert int(in_group.params["reply_parameters"]["message_id"]) == thanked  # threaded to it
    said = sorted(str(r.params["text"]) for r in replies)
    assert said == sorted([EN.small_talk["thanks"], RU.small_talk["thanks"], EN.small_talk["thanks"]])


async def test_a_4000_character_question_is_answered_within_limits(bot: Application, api: FakeBotApi) -> None:
    api.message(("Will the ceasefire talks in Istanbul go ahead? " * 90)[:4000])
    [reply] = await api.wait_for("sendMessage")
    check_telegram_html(str(reply.params["text"]))


async def test_stickers_and_photos_get_a_hint(bot: Application, api: FakeBotApi) -> None:
    api.message(
        None,
        sticker={
            "file_id": "s",
            "file_unique_id": "u",
            "type": "regular",
            "width": 1,
            "height": 1,
            "is_animated": False,
            "is_video": False,
        },
    )
    [reply] = await api.wait_for("sendMessage")
    assert "only read text" in str(reply.params["text"])


async def test_group_answers_ask_mentions_and_replies_only(bot: Application, api: FakeBotApi) -> None:
    earlier = bot_message("earlier answer")
    other = {**earlier, "from": {"id": 555, "is_bot": False, "first_name": "Human"}}
    asked = [
        api.message(f"/ask@{BOT_USERNAME} {QUESTION}", chat_id=GROUP, chat_type="supergroup"),
        api.message(f"@{BOT_USERNAME} how long a ceasefire does the US want?", chat_id=GROUP, chat_type="supergroup"),
        api.message("and what about neutrality?", chat_id=GROUP, chat_type="supergroup", reply_to=earlier),
    ]
    api.message("lunch anyone? the ceasefire in Istanbul was on TV", chat_id=GROUP, chat_type="supergroup")
    api.message("replying to a human about Putin", chat_id=GROUP, chat_type="supergroup", reply_to=other)
    api.message("/ask", chat_id=GROUP, chat_type="supergroup")  # usage hint, also threaded
    replies = await api.wait_for("sendMessage", 4, chat_id=GROUP)
    await asyncio.sleep(0.5)  # room for a wrong fifth reply to the chatter
    replies = api.sent()
    assert len(replies) == 4
    threaded = sorted(int(r.params["reply_parameters"]["message_id"]) for r in replies)
    assert set(asked) < set(threaded)
    for reply in replies:
        check_telegram_html(str(reply.params["text"]))


async def test_inline_query_returns_quotes_and_empty_query_a_hint(bot: Application, api: FakeBotApi) -> None:
    api.inline(QUESTION)
    api.inline("   ")
    calls = await api.wait_for("answerInlineQuery", 2)
    full = next(c for c in calls if c.params["results"])
    empty = next(c for c in calls if not c.params["results"])
    assert 1 <= len(full.params["results"]) <= 10
    for result in full.params["results"]:
        assert result["type"] == "article"
        assert result["title"].removeprefix("May not answer: ").startswith("First Direct")
        assert result["description"]
        content = result["input_message_content"]
        assert content["parse_mode"] == "HTML"
        check_telegram_html(content["message_text"])
    assert int(full.params["cache_time"]) <= 60
    assert "question" in empty.params["button"]["text"]


async def test_more_button_shows_the_next_passages(bot: Application, api: FakeBotApi) -> None:
    api.message("Putin Zelensky ceasefire talks delegation Istanbul")
    [first] = await api.wait_for("sendMessage")
    data = first.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    assert data.startswith("more:")
    shown = first.result
    api.press(data, shown)
    await api.wait_for("answerCallbackQuery")
    replies = await api.wait_for("sendMessage", 2)
    second = str(replies[1].params["text"])
    assert "page 2 of" in second
    check_telegram_html(second)
    assert not set(_quotes(second)) & set(_quotes(str(first.params["text"])))
    await api.wait_for("editMessageReplyMarkup")
    api.press("more:unknown:1", shown)
    calls = await api.wait_for("answerCallbackQuery", 2)
    assert "expired" in calls[1].params["text"]


async def test_the_next_page_is_in_the_first_ones_language_whoever_presses(bot: Application, api: FakeBotApi) -> None:
    api.message("Путин?", language_code="uk")  # told by neither letters nor dictionaries: the asker's Telegram
    [first] = await api.wait_for("sendMessage")
    assert str(first.params["text"]).startswith(f"<b>{UK.question_label}</b>")
    api.press(first.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"], first.result, language_code="ru")
    replies = await api.wait_for("sendMessage", 2)
    assert str(replies[1].params["text"]).startswith(f"<b>{UK.question_label}</b>")


async def test_a_more_button_pages_only_the_answer_it_is_under(bot: Application, api: FakeBotApi) -> None:
    api.message("Putin Zelensky ceasefire talks delegation Istanbul")
    [mine] = await api.wait_for("sendMessage")
    data = mine.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    api.message("How long a ceasefire does the US want?", chat_id=2002, user_id=2002)
    [theirs] = await api.wait_for("sendMessage", chat_id=2002)
    welcome = {**theirs.result, "message_id": 1, "text": "Welcome!", "entities": []}
    api.press(data, welcome, user_id=2002)  # my button's data, forged onto a message in another chat
    api.press(data.replace("more:1:", "more:999:"), mine.result)  # a page that does not exist
    api.press(data, theirs.result, user_id=2002)  # forged onto another chat's answer: not its question
    calls = await api.wait_for("answerCallbackQuery", 3)
    assert all(c.params.get("show_alert") for c in calls)
    assert sum("expired" in str(c.params["text"]) for c in calls) == 2
    assert sum("no more passages" in str(c.params["text"]) for c in calls) == 1
    own = theirs.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    api.press(own, theirs.result, user_id=2002)  # their own button pages their answer only
    await api.wait_for("sendMessage", 2, chat_id=2002)
    await asyncio.sleep(0.5)  # room for a wrong message
    assert len(api.sent()) == 3
    page = texts(api, 2002)[1]
    assert "How long a ceasefire does the US want?" in page and "page 2 of" in page
    assert "Putin Zelensky" not in page


async def test_inline_claims_only_the_first_result_of_a_found_answer(
    api: FakeBotApi, seeds: Path, tmp_path: Path
) -> None:
    settings = bot_settings(api, seeds, tmp_path).model_copy(update={"answer_threshold": 0.01})
    app = await start_bot(settings, FakeEmbedder())
    try:
        api.inline(QUESTION)
        [call] = await api.wait_for("answerInlineQuery")
        first, *others = call.params["results"]
        assert others and "button" not in call.params  # found: no "no article answers this"
        assert not first["title"].startswith("May not answer")
        assert not first["input_message_content"]["message_text"].startswith("<i>A related passage")
        for result in others:
            assert result["title"].startswith("May not answer: ")
            text = result["input_message_content"]["message_text"]
            assert text.startswith(f"<i>A related passage; it may not answer “{QUESTION}”.</i>")
            check_telegram_html(text)
    finally:
        await stop_bot(app)


async def test_inline_results_have_short_unique_ids_and_fit_telegrams_limits(
    odd_bot: Application, api: FakeBotApi
) -> None:
    api.inline("prisoner exchange")  # quotes from an article with a 93-character id and a 5000-character title
    api.inline("grain corridor Odesa ships")  # the first from an article with a 44-letter Cyrillic id
    calls = await api.wait_for("answerInlineQuery", 2)
    assert api.refused() == []
    for call in calls:
        results = call.params["results"]
        assert len(results) >= 2
        assert len({r["id"] for r in results}) == len(results)
        for result in results:
            assert len(result["id"].encode()) <= 64 and len(result["title"]) <= 256
            check_telegram_html(result["input_message_content"]["message_text"])
            assert "<blockquote>" in result["input_message_content"]["message_text"]


async def test_every_page_of_an_answer_shows_a_quote_however_long_the_titles(
    odd_bot: Application, api: FakeBotApi
) -> None:
    for n, question in enumerate(["prisoner exchange", "drone strikes energy grid"]):
        chat = 3000 + n
        api.message(question, chat_id=chat, user_id=chat)
        reply = (await api.wait_for("sendMessage", chat_id=chat))[-1]
        while True:
            text = str(reply.params["text"])
            check_telegram_html(text)
            assert "<blockquote>" in text, text[:300]
            if "reply_markup" not in reply.params:
                break
            data = reply.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
            api.press(data, reply.result, user_id=chat)
            reply = (await api.wait_for("sendMessage", len(texts(api, chat)) + 1, chat_id=chat))[-1]
        assert len(texts(api, chat)) >= 2
    assert api.refused() == []


async def test_a_long_questions_more_button_never_pages_a_shortened_question(bot: Application, api: FakeBotApi) -> None:
    long_question = "Putin Zelensky ceasefire talks delegation Istanbul " * 8  # longer than the echo shows
    api.message(long_question.strip())
    [first] = await api.wait_for("sendMessage")
    data = first.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    assert len(data.encode()) <= 64
    api.press(data, first.result)
    api.press("more:1", first.result)  # the data of a button from before the hash
    calls = await api.wait_for("answerCallbackQuery", 2)
    await asyncio.sleep(0.5)  # room for a wrong page of the shortened question
    assert [c.params.get("text") for c in calls] == ["That button has expired. Please ask again."] * 2
    assert len(api.sent()) == 1


def _quotes(text: str) -> list[str]:
    return [part.split("</blockquote>")[0] for part in text.split("<blockquote>")[1:]]


async def test_reindex_is_refused_to_non_admins(bot: Application, api: FakeBotApi) -> None:
    api.message("/reindex", user_id=7)
    [reply] = await api.wait_for("sendMessage")
    assert "only the bot's admins" in str(reply.params["text"])
    await asyncio.sleep(0.3)
    state: BotState = bot.bot_data[STATE_KEY]
    assert not state.engine.rebuilding and not api.sent("editMessageText")


async def test_admin_reindex_runs_in_background_while_answers_keep_coming(
    api: FakeBotApi, seeds: Path, tmp_path: Path
) -> None:
    app = await start_bot(bot_settings(api, seeds, tmp_path), SlowBuildEmbedder(delay=3.0))
    try:
        api.message("/reindex", user_id=ADMIN, chat_id=ADMIN)
        await api.wait_for("sendMessage", chat_id=ADMIN)
        api.message("/reindex", user_id=ADMIN, chat_id=ADMIN)
        api.message(QUESTION)
        await api.wait_for("sendMessage", chat_id=1001)
        assert not [c for c in api.sent("editMessageText") if "Rebuilt" in str(c.params["text"])]
        final = await api.wait_for("editMessageText", seconds=30)
        while "Rebuilt" not in str(final[-1].params["text"]):
            final = await api.wait_for("editMessageText", len(final) + 1, seconds=30)
        report = str(final[-1].params["text"])
        assert "1 article, 18 passages" in report and "1 articles" not in report
        assert any("already running" in t for t in texts(api, ADMIN))
        api.message("Will Putin attend?", chat_id=1002, user_id=1002)
        [after] = await api.wait_for("sendMessage", chat_id=1002)
        assert "<blockquote>" in str(after.params["text"])
    finally:
        await stop_bot(app)


async def test_failed_reindex_keeps_the_old_index_serving(api: FakeBotApi, seeds: Path, tmp_path: Path) -> None:
    settings = bot_settings(api, seeds, tmp_path)
    build_index(settings, FakeEmbedder())
    live = (settings.index_dir / "current").resolve()
    add_seed(seeds, "new.txt")  # new text, for the model to fail on
    app = build_application(settings, Engine(settings, BuildFailingEmbedder()))
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=1)
        api.message("/reindex", user_id=ADMIN, chat_id=ADMIN)
        edits = await api.wait_for("editMessageText", seconds=20)
        assert "Rebuild failed" in str(edits[-1].params["text"]) and "still serving" in str(edits[-1].params["text"])
        assert "out of memory" in str(edits[-1].params["text"])
        assert (settings.index_dir / "current").resolve() == live
        api.message(QUESTION)
        [answer] = await api.wait_for("sendMessage", chat_id=1001)
        assert "<blockquote>" in str(answer.params["text"])
        await app.updater.stop()
        await app.stop()


async def test_a_failed_status_reply_does_not_block_later_rebuilds(bot: Application, api: FakeBotApi) -> None:
    api.fail("sendMessage", 400, times=1)
    api.message("/reindex", user_id=ADMIN, chat_id=ADMIN)
    await api.wait_for("sendMessage", 2, chat_id=ADMIN)  # the refused status reply, then an apology
    api.message("/reindex", user_id=ADMIN, chat_id=ADMIN)
    replies = await api.wait_for("sendMessage", 3, chat_id=ADMIN)
    assert "Rebuilding the index" in str(replies[2].params["text"])
    edits = await api.wait_for("editMessageText", seconds=20)
    while "Rebuilt" not in str(edits[-1].params["text"]):
        edits = await api.wait_for("editMessageText", len(edits) + 1, seconds=20)


async def test_the_rebuild_report_names_the_skipped_files(bot: Application, api: FakeBotApi, seeds: Path) -> None:
    (seeds / "empty.txt").write_text("", encoding="utf-8")
    (seeds / "notes" / "latin1.md").parent.mkdir()
    (seeds / "notes" / "latin1.md").write_bytes("Caf\u00e9 talks".encode("latin-1"))
    api.message("/reindex", user_id=ADMIN, chat_id=ADMIN)
    edits = await api.wait_for("editMessageText", seconds=20)
    while "Rebuilt" not in str(edits[-1].params["text"]):
        edits = await api.wait_for("editMessageText", len(edits) + 1, seconds=20)
    report = str(edits[-1].params["text"])
    assert "empty.txt: no article text found" in report and "notes/latin1.md: cannot read" in report
    assert "1 article, 18 passages" in report and "2 files skipped" in report


async def seconds_to_stop_while_rebuilding(app: Application, engine: Engine) -> float:
    """How long the bot takes to stop, stopped as soon as a rebuild of its engine runs."""
    for _ in range(50):
        if engine.rebuilding:
            break
        await asyncio.sleep(0.1)
    assert engine.rebuilding
    started = time.monotonic()
    await stop_bot(app)
    return time.monotonic() - started


async def test_stopping_cancels_a_running_rebuild_and_keeps_the_old_index(
    api: FakeBotApi, seeds: Path, tmp_path: Path
) -> None:
    settings = bot_settings(api, seeds, tmp_path).model_copy(update={"embed_batch_size": 1})
    build_index(settings, FakeEmbedder())
    live = (settings.index_dir / "current").resolve()
    for n in range(5):  # five new articles, each a group of 2 s
        add_seed(seeds, f"new-{n}.txt", topic=f"Geneva {n}", paragraphs=30)
    generations = sorted(settings.index_dir.glob("gen-*"))
    engine = Engine(settings, SlowBuildEmbedder(delay=2.0))
    app = build_application(settings, engine)
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0.0, timeout=1, bootstrap_retries=0)
    api.message("/reindex", user_id=ADMIN, chat_id=ADMIN)
    await api.wait_for("sendMessage", chat_id=ADMIN)
    assert await seconds_to_stop_while_rebuilding(app, engine) < 5.0  # the chunk in flight, not all 12 s of it
    assert (settings.index_dir / "current").resolve() == live
    assert sorted(settings.index_dir.glob("gen-*")) == generations
    assert "cancelled" in str(api.sent("editMessageText")[-1].params["text"])


def outdated_index(api: FakeBotApi, seeds: Path, tmp_path: Path) -> tuple[Settings, Path]:
    """The bot's settings and an index of six articles built as an older version would have built it (another
    tokenizer), its embedding cache gone: its live generation's folder. Written anew one article at a time (a batch
    of 1), it takes a while."""
    settings = bot_settings(api, seeds, tmp_path).model_copy(update={"embed_batch_size": 1})
    for n in range(5):
        add_seed(settings.seeds_dir, f"new-{n}.txt", topic=f"Geneva {n}", paragraphs=30)
    build_index(settings, FakeEmbedder())
    live = (settings.index_dir / "current").resolve()
    manifest = json.loads((live / MANIFEST).read_text(encoding="utf-8"))
    manifest["versions"]["tokenizer"] = "an older tokenizer"
    (live / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    shutil.rmtree(settings.embed_cache_dir)  # so that writing it anew encodes, slowly
    return settings, live


async def test_an_index_an_older_version_read_is_written_anew_while_the_bot_answers(
    api: FakeBotApi, seeds: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    settings, live = outdated_index(api, seeds, tmp_path)
    engine = Engine(settings, SlowBuildEmbedder(delay=1.0))
    assert engine.outdated is not None
    app = await run_polling(settings, engine)
    try:
        api.message(QUESTION)
        [answer] = await api.wait_for("sendMessage", chat_id=1001)
        assert "<blockquote>" in str(answer.params["text"])
        assert engine.rebuilding and (settings.index_dir / "current").resolve() == live  # answered meanwhile
        for _ in range(300):
            if engine.outdated is None:  # the new generation served
                break
            await asyncio.sleep(0.1)
        new = (settings.index_dir / "current").resolve()
        assert new != live and engine.corpus.searcher.index.path == new and engine.outdated is None
        assert read_manifest(new).versions["tokenizer"] == tokenizer_fingerprint()
        assert "written anew in the background (its words were tokenized by another version)" in caplog.text
        api.message("Will Putin attend?", chat_id=1002, user_id=1002)
        [after] = await api.wait_for("sendMessage", chat_id=1002)
        assert "<blockquote>" in str(after.params["text"])
    finally:
        await stop_bot(app)
    engine = Engine(settings, FakeEmbedder())  # as the bot's next start finds it: nothing to write anew
    assert engine.outdated is None and engine.refresh() is None


async def test_an_index_that_fails_to_be_written_anew_keeps_serving_and_stopping_cancels_it(
    api: FakeBotApi, seeds: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    settings, live = outdated_index(api, seeds, tmp_path)
    generations = sorted(settings.index_dir.glob("gen-*"))
    app = await run_polling(settings, Engine(settings, BuildFailingEmbedder()))
    try:
        api.message(QUESTION)
        [answer] = await api.wait_for("sendMessage", chat_id=1001)
        assert "<blockquote>" in str(answer.params["text"])
        for _ in range(100):
            if "could not write the index anew" in caplog.text:
                break
            await asyncio.sleep(0.1)
        assert "out of memory while embedding" in caplog.text and "answering from it as it is" in caplog.text
    finally:
        await stop_bot(app)
    assert (settings.index_dir / "current").resolve() == live
    assert sorted(settings.index_dir.glob("gen-*")) == generations
    shutil.rmtree(settings.embed_cache_dir, ignore_errors=True)
    engine = Engine(settings, SlowBuildEmbedder(delay=2.0))
    app = await run_polling(settings, engine)
    assert await seconds_to_stop_while_rebuilding(app, engine) < 5.0  # the chunk in flight, not all 12 s of it
    assert (settings.index_dir / "current").resolve() == live and engine.outdated is not None
    assert sorted(settings.index_dir.glob("gen-*")) == generations
    assert "writing the index anew was cancelled" in caplog.text


async def test_flood_limit_429_is_waited_out_and_retried(bot: Application, api: FakeBotApi) -> None:
    api.fail("sendMessage", 429, times=1, retry_after=1)
    api.message(QUESTION)
    calls = await api.wait_for("sendMessage", 2, seconds=15)
    assert calls[1].at - calls[0].at >= 1.0
    assert "<blockquote>" in str(calls[1].params["text"])


async def test_server_errors_are_retried_with_backoff_only_where_repeating_is_harmless(
    api: FakeBotApi, seeds: Path, tmp_path: Path
) -> None:
    api.fail("setMyCommands", 500, times=2)
    app = await start_bot(bot_settings(api, seeds, tmp_path), FakeEmbedder())
    try:
        calls = await api.wait_for("setMyCommands", 4, seconds=15)
        assert calls[2].at - calls[0].at >= 1.0  # 0.5 s then 1 s of backoff
        api.fail("sendMessage", 500, times=1)  # it may have been delivered all the same: never sent twice
        api.message(QUESTION)
        await api.wait_for("sendMessage", 2, seconds=15)  # the failed answer, then an apology
        await asyncio.sleep(1.0)  # room for a wrong retry
        assert [c for c in api.sent() if "<blockquote>" in str(c.params["text"])] == api.sent()[:1]
    finally:
        await stop_bot(app)


async def test_a_send_message_that_times_out_reading_is_delivered_once(bot: Application, api: FakeBotApi) -> None:
    api.slow("sendMessage", 6.0, times=1)  # past PTB's 5 s read timeout: Telegram got it, the bot never hears
    api.message(QUESTION)
    await api.wait_for("sendMessage", 2, seconds=20)
    await asyncio.sleep(1.0)  # room for a second wrong retry
    assert len([c for c in api.sent() if "<blockquote>" in str(c.params["text"])]) == 1


@pytest.mark.parametrize(
    ("endpoint", "error", "cause", "safe"),
    [
        ("sendMessage", TimedOut(), httpx.ConnectTimeout("connect"), True),
        ("sendMessage", TimedOut(), httpx.PoolTimeout("pool"), True),
        ("sendMessage", NetworkError("httpx.ConnectError"), httpx.ConnectError("refused"), True),
        ("sendMessage", TimedOut(), httpx.ReadTimeout("read"), False),
        ("sendMessage", TimedOut(), httpx.WriteTimeout("write"), False),
        ("sendMessage", NetworkError("Bad Gateway"), None, False),
        ("getMe", TimedOut(), httpx.ReadTimeout("read"), True),
        ("setMyCommands", NetworkError("Bad Gateway"), None, True),
        ("getUpdates", TimedOut(), httpx.ConnectTimeout("connect"), False),
    ],
)
def test_only_calls_that_never_reached_telegram_or_are_harmless_to_repeat_are_retried(
    endpoint: str, error: NetworkError, cause: Exception | None, safe: bool
) -> None:
    error.__cause__ = cause
    assert retry_safe(endpoint, error) is safe


async def test_polling_survives_failing_get_updates(bot: Application, api: FakeBotApi) -> None:
    api.fail("getUpdates", 500, times=2)
    await asyncio.sleep(0.2)
    api.message(QUESTION)
    await api.wait_for("sendMessage", seconds=20)


async def test_an_error_in_a_handler_gets_a_polite_reply(bot: Application, api: FakeBotApi) -> None:
    state: BotState = bot.bot_data[STATE_KEY]

    def broken(question: str, limit: int | None = None) -> Any:
        raise RuntimeError("index on fire")

    state.engine.answer = broken  # type: ignore[method-assign]
    api.message(QUESTION)
    [reply] = await api.wait_for("sendMessage")
    assert "something went wrong" in str(reply.params["text"])


async def test_the_token_never_reaches_the_logs(
    bot: Application, api: FakeBotApi, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    configure_logging("DEBUG", secrets=[TOKEN])
    api.fail("sendMessage", 500, times=1)
    api.message(QUESTION)
    await api.wait_for("sendMessage", 2, seconds=15)
    assert caplog.records and TOKEN not in caplog.text
    assert TOKEN.split(":")[1] not in caplog.text


@pytest.mark.model
async def test_hedged_replies_read_as_hedged_in_chats_and_inline(
    api: FakeBotApi, seeds: Path, tmp_path: Path, real_embedder: Any
) -> None:
    settings = bot_settings(api, seeds, tmp_path).model_copy(update={"min_score": 0.25})
    app = await start_bot(settings, real_embedder)
    try:
        api.message("Who leads the Russian delegation in Geneva?")
        [reply] = await api.wait_for("sendMessage", seconds=30)
        text = str(reply.params["text"])
        check_telegram_html(text)
        said, passages = text.index("I could not find an answer"), text.index("<blockquote>")
        assert said < text.index("No article mentions Geneva.") < passages
        api.inline("Who leads the Russian delegation in Geneva?")
        [inline] = await api.wait_for("answerInlineQuery", seconds=30)
        results = inline.params["results"]
        assert results and all(r["title"].startswith("May not answer: ") for r in results)
        assert all(r["input_message_content"]["message_text"].startswith("<i>A related passage") for r in results)
        assert "No article answers this" in inline.params["button"]["text"]
        api.message("Who leads the Russian delegation?")
        replies = await api.wait_for("sendMessage", 2, seconds=30)
        answered = str(replies[-1].params["text"])
        assert "I could not find" not in answered and "Medinsky" in answered
    finally:
        await stop_bot(app)
