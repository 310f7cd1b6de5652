"""The real python-telegram-bot application against the Bot API stand-in on 127.0.0.1."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bench.fake_bot_api import BOT_ID, BOT_USERNAME, TOKEN, FakeBotApi
from bot.app import build_application
from bot.engine import Engine
from bot.logs import configure_logging
from bot.settings import Settings
from bot.state import STATE_KEY, BotState
from index.build import build_index
from tests.fakes import BuildFailingEmbedder, FakeEmbedder, SlowBuildEmbedder
from tests.telegram_html import check_telegram_html

ADMIN = 42
GROUP = -100777
QUESTION = "Who leads the Russian delegation?"


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
    app = build_application(settings, Engine(settings, embedder))
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


def texts(api: FakeBotApi, chat_id: int) -> list[str]:
    return [str(c.params["text"]) for c in api.sent() if int(c.params["chat_id"]) == chat_id]


async def test_commands_are_registered_for_private_chats_and_groups(bot: Application, api: FakeBotApi) -> None:
    calls = await api.wait_for("setMyCommands", 2)
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
    bot_message = {
        "message_id": 5,
        "date": 0,
        "chat": {"id": GROUP, "type": "supergroup", "title": "G"},
        "from": {"id": BOT_ID, "is_bot": True, "first_name": "Talks"},
        "text": "earlier answer",
    }
    other = {**bot_message, "from": {"id": 555, "is_bot": False, "first_name": "Human"}}
    asked = [
        api.message(f"/ask@{BOT_USERNAME} {QUESTION}", chat_id=GROUP, chat_type="supergroup"),
        api.message(f"@{BOT_USERNAME} how long a ceasefire does the US want?", chat_id=GROUP, chat_type="supergroup"),
        api.message("and what about neutrality?", chat_id=GROUP, chat_type="supergroup", reply_to=bot_message),
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
        assert result["type"] == "article" and result["title"].startswith("First Direct")
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
    shown = {
        "message_id": 900,
        "date": 0,
        "chat": {"id": 1001, "type": "private", "first_name": "T"},
        "from": {"id": BOT_ID, "is_bot": True, "first_name": "Talks"},
        "text": "answer",
    }
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


def _quotes(text: str) -> list[str]:
    return [part.split("</blockquote>")[0] for part in text.split("<blockquote>")[1:]]


async def test_reindex_is_refused_to_non_admins(bot: Application, api: FakeBotApi) -> None:
    api.message("/reindex", user_id=7)
    [reply] = await api.wait_for("sendMessage")
    assert "only the bot's admins" in str(reply.params["text"])
    await asyncio.sleep(0.3)
    state: BotState = bot.bot_data[STATE_KEY]
    assert not state.reindexing and not api.sent("editMessageText")


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
        assert "1 articles" in str(final[-1].params["text"]) or "1 article" in str(final[-1].params["text"])
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


async def test_flood_limit_429_is_waited_out_and_retried(bot: Application, api: FakeBotApi) -> None:
    api.fail("sendMessage", 429, times=1, retry_after=1)
    api.message(QUESTION)
    calls = await api.wait_for("sendMessage", 2, seconds=15)
    assert calls[1].at - calls[0].at >= 1.0
    assert "<blockquote>" in str(calls[1].params["text"])


async def test_server_errors_are_retried_with_backoff(bot: Application, api: FakeBotApi) -> None:
    api.fail("sendMessage", 500, times=2)
    api.message(QUESTION)
    calls = await api.wait_for("sendMessage", 3, seconds=15)
    assert calls[2].at - calls[0].at >= 1.0  # 0.5 s then 1 s of backoff


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
