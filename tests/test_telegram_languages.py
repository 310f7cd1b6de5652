"""The bot speaks the user's language through the Bot API stand-in: the question's, else the user's Telegram one."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram.constants import InlineKeyboardButtonLimit, MessageLimit
from telegram.ext import Application

from bench.fake_bot_api import FakeBotApi
from bot.texts import EN, RU, UK, Texts
from tests.fakes import FakeEmbedder
from tests.telegram_html import check_telegram_html
from tests.test_telegram import ADMIN, api, bot_settings, start_bot, stop_bot

__all__ = ["api"]  # the stand-in fixture, shared with tests/test_telegram.py

EXCHANGE_RU = [
    "Делегации России и Украины провели в Стамбуле переговоры об обмене пленными.",
    "Стороны договорились об обмене пленными: по тысяче военнопленных с каждой стороны.",
    "Обмен пленными пройдёт в несколько этапов в ближайшие недели, заявили чиновники.",
    "Красный Крест предложил наблюдать за обменом пленными и посетить лагеря.",
    "Переговорщики назвали обмен пленными крупнейшим с начала войны.",
    "Обсуждался и второй обмен пленными, а также передача тел погибших.",
    "Семьи пленных ждали на границе новостей об обмене.",
    "Наблюдатели предупредили, что обмен пленными ещё не означает скорого перемирия.",
]
FILLER_RU = " Погода в городе всю неделю была мягкой, по вечерам шёл лёгкий дождь."


@pytest.fixture
async def bot(api: FakeBotApi, seeds: Path, tmp_path: Path) -> AsyncIterator[Application]:
    """The bot over the seeds and one Russian article of several passages."""
    (seeds / "obmen_plennymi.txt").write_text(
        "---\ntitle: Обмен пленными\nsource: Пример\npublished: 2025-05-17\n---\n"
        + "\n\n".join(s + FILLER_RU * 3 for s in EXCHANGE_RU),
        encoding="utf-8",
    )
    app = await start_bot(bot_settings(api, seeds, tmp_path), FakeEmbedder())
    yield app
    await stop_bot(app)


def checked(text: object) -> str:
    """The message text, after checking it is valid Telegram HTML within one message."""
    text = str(text)
    check_telegram_html(text)
    assert len(text) <= MessageLimit.MAX_TEXT_LENGTH
    return text


async def test_a_russian_question_gets_russian_framing_whatever_the_users_telegram_language(
    bot: Application, api: FakeBotApi
) -> None:
    api.message("Кто такой Зуппи?", language_code="en")
    [reply] = await api.wait_for("sendMessage")
    text = checked(reply.params["text"])
    assert text.startswith(f"<b>{RU.question_label}</b> <i>Кто такой Зуппи?</i>")
    assert RU.not_answered in text and RU.related in text
    assert "Ни в одной статье не упоминается Зуппи." in text
    assert EN.not_answered not in text and "No article mentions" not in text


async def test_a_ukrainian_question_gets_a_hedged_reply_in_ukrainian(bot: Application, api: FakeBotApi) -> None:
    api.message("Чи приїде Дзуппі на переговори в Стамбулі?")
    [reply] = await api.wait_for("sendMessage")
    text = checked(reply.params["text"])
    assert text.startswith(f"<b>{UK.question_label}</b>")
    assert f"<b>{UK.not_answered}</b> У жодній статті не згадується Дзуппі." in text
    assert UK.related in text and "<blockquote>" in text


@pytest.mark.parametrize(("code", "words"), [("uk", UK), ("ru", RU)])
async def test_help_is_in_the_users_telegram_language(
    bot: Application, api: FakeBotApi, code: str, words: Texts
) -> None:
    api.message("/help", language_code=code)
    [reply] = await api.wait_for("sendMessage")
    text = checked(reply.params["text"])
    expected = {
        "uk": ("Як запитати", "2 статті"),
        "ru": ("Как спросить", "2 статьи"),
    }
    for part in expected[code]:
        assert part in text
    assert words.examples[0] in text


async def test_the_more_button_is_labelled_in_the_questions_language_and_pages_it(
    bot: Application, api: FakeBotApi
) -> None:
    api.message("обмен пленными в Стамбуле", language_code="uk")
    [first] = await api.wait_for("sendMessage")
    checked(first.params["text"])
    [[button]] = first.params["reply_markup"]["inline_keyboard"]
    assert button["text"] == RU.more_button
    assert len(button["callback_data"].encode()) <= InlineKeyboardButtonLimit.MAX_CALLBACK_DATA
    api.press(button["callback_data"], first.result, language_code="uk")
    second = checked((await api.wait_for("sendMessage", 2))[1].params["text"])
    assert second.startswith(f"<b>{RU.question_label}</b> <i>обмен пленными в Стамбуле</i>  <i>(страница 2 из ")


async def test_commands_are_registered_in_russian_and_ukrainian_too(bot: Application, api: FakeBotApi) -> None:
    calls = await api.wait_for("setMyCommands", 6)
    for code, words in (
        ("ru", "Задать вопрос о мирных переговорах"),
        ("uk", "Поставити запитання про мирні переговори"),
    ):
        mine = [c for c in calls if c.params.get("language_code") == code]
        assert sorted(c.params["scope"]["type"] for c in mine) == ["all_group_chats", "all_private_chats"]
        described = {cmd["command"]: cmd["description"] for cmd in mine[0].params["commands"]}
        assert described["ask"] == words and set(described) == {"ask", "sources", "latest", "help"}


async def test_sources_latest_and_admin_outcomes_are_in_the_users_language(bot: Application, api: FakeBotApi) -> None:
    api.message("/sources", language_code="uk")
    api.message("/latest", language_code="ru")
    api.message("/add", user_id=ADMIN, chat_id=ADMIN, language_code="ru")
    api.message("/remove", user_id=ADMIN, chat_id=ADMIN, language_code="uk")
    api.message("/add https://example.org/a", language_code="uk")  # not an admin
    replies = [checked(r.params["text"]) for r in await api.wait_for("sendMessage", 5)]
    assert any(r.startswith("<b>В індексі 2 статті</b>\n1. Обмен пленными") for r in replies)
    assert any(r.startswith("<b>Последние 2 · всего 2 статьи</b>") for r in replies)
    assert {RU.add_usage, UK.remove_usage, UK.only_admins_add} <= set(replies)


async def test_reindex_reports_in_the_admins_language(bot: Application, api: FakeBotApi) -> None:
    api.message("/reindex", user_id=ADMIN, chat_id=ADMIN, language_code="uk")
    [status] = await api.wait_for("sendMessage")
    assert status.params["text"] == UK.reindex_started
    edits = await api.wait_for("editMessageText")
    while not str(edits[-1].params["text"]).startswith("Індекс перебудовано за "):
        edits = await api.wait_for("editMessageText", len(edits) + 1)
    assert "2 статті" in str(edits[-1].params["text"]) and "Тепер відповідаю за новим." in str(edits[-1].params["text"])
