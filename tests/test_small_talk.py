"""Greetings, thanks and goodbyes are told from questions, in three languages, and no question of the dev data,
however short, passes for one. (That they are answered with a word of the bot's own and never searched is tested
through `ask --json` and the Bot API stand-in.)"""

from __future__ import annotations

import json

import pytest

from bench.devset import DEV, FRESH, general_questions, multilingual_questions, talk_questions
from bot.small_talk import small_talk
from tests.conftest import DATA


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("thanks!", "thanks"),
        ("Thank you so much 🙏", "thanks"),
        ("ok thanks, bye", "thanks"),
        ("thanks for the answer", "thanks"),
        ("Спасибо большое!", "thanks"),
        ("понятно, спасибо", "thanks"),
        ("Щиро дякую!", "thanks"),
        ("Ещё раз спасибо, бот", "thanks"),
        ("Hi there", "greeting"),
        ("Good morning!", "greeting"),
        ("how are you?", "greeting"),
        ("Привет, как дела?", "greeting"),
        ("Вітаю всіх", "greeting"),
        ("Привет", "greeting"),
        ("Доброе утро", "greeting"),
        ("Добрий день!", "greeting"),
        ("see you later", "farewell"),
        ("До свидания", "farewell"),
        ("До побачення", "farewell"),
        ("На добраніч", "farewell"),
        ("got it", "acknowledgement"),
        ("ok", "acknowledgement"),
        ("Ясно", "acknowledgement"),
        ("Зрозуміло", "acknowledgement"),
        ("What can you do?", "about"),
        ("Кто ты?", "about"),
        ("Hi, what can you do?", "about"),
        ("Що ти вмієш?", "about"),
        ("👍", "acknowledgement"),
        ("?", "about"),
        ("🙏", "acknowledgement"),
    ],
)
def test_small_talk_in_three_languages(message: str, kind: str) -> None:
    assert small_talk(message) == kind


@pytest.mark.parametrize(
    "message",
    [
        "hi, who mediated the Istanbul talks?",
        "thanks. and what about Minsk?",
        "thank Erdogan",
        "thanks, and 2022?",
        "ok, and 2019?",
        "the U.K.?",
        "and later?",
        "помощь",
        "Nice",
        "Zuppi",
        "yes",
        "Спасибо, а кто возглавлял делегацию?",
        "ok " * 20,
        "",
        "  ",
    ],
)
def test_questions_and_messages_of_other_words_are_not_small_talk(message: str) -> None:
    assert small_talk(message) is None


def test_no_question_of_the_dev_data_is_small_talk() -> None:
    questions = [q.text for q in talk_questions() + multilingual_questions() + general_questions("")]
    questions += [r["question"] for r in json.loads((DATA / "seed_questions.json").read_text(encoding="utf-8"))]
    for name in FRESH:
        questions += [r["question"] for r in json.loads((DEV / f"questions_{name}.json").read_text(encoding="utf-8"))]
    assert len(questions) > 700
    assert [q for q in questions if small_talk(q)] == []
