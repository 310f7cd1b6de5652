"""Messages stay within Telegram's limits and always show a quote, whatever the metadata looks like."""

from __future__ import annotations

import random
import re

import pytest

from bot.answers import Answer, Quote
from bot.render import answer_html, fitted_quote_html, sources_page_html
from index.answerability import Missing
from index.article_table import ArticleInfo
from tests.telegram_html import check_telegram_html

TEXT = "Delegations met in Istanbul. The ceasefire was the first item on the agenda & both sides spoke. " * 12


def quote(n: int, title: str, source: str, url: str) -> Quote:
    start, end = n * 10, n * 10 + len(TEXT)
    return Quote(TEXT, title, source, url, "2025-05-16", 0.5, f"article-{n}", start, end, start, start + 28)


@pytest.mark.parametrize(
    ("title", "source", "url"),
    [
        ("Talks " * 1000, "Outlet " * 200, "https://example.org/" + "x" * 5000),
        ("&" * 1000, '"' * 500, "https://example.org/?" + "&" * 3000),
        ("<" * 5000, "&" * 5000, "https://example.org/" + '"' * 900),
    ],
)
def test_every_page_of_a_found_answer_shows_a_quote_however_long_the_metadata(
    title: str, source: str, url: str
) -> None:
    answer = Answer('"' * 300, tuple(quote(n, title, source, url) for n in range(9)), 3)
    for page in range(answer.pages):
        text = answer_html(answer, page)
        check_telegram_html(text)
        assert "<blockquote>" in text


def test_an_inline_quote_fits_one_message_however_long_the_metadata() -> None:
    text = fitted_quote_html(quote(0, "&" * 5000, "&" * 5000, "https://example.org/" + "&" * 5000))
    check_telegram_html(text)
    assert "<blockquote>" in text


HOSTILE = ["'", '"', "&", "<", ">", "a", " ", "Istanbul ", "é", "&amp;"]
ENTITY = re.compile(r"&(?!amp;|lt;|gt;|quot;|#x27;)")


def hostile(rng: random.Random, longest: int) -> str:
    """Text that escaping swells most: runs of quotes, ampersands and brackets, with a few words."""
    runs = (rng.choice(HOSTILE) * rng.randint(1, 800) for _ in range(rng.randint(1, longest // 400 + 1)))
    return "".join(runs)[:longest]


def hostile_answer(rng: random.Random) -> Answer:
    """An answer whose question, missing notes and quotes are all hostile to the length of a message."""
    quotes = []
    for n in range(rng.randint(0, 7)):
        text = hostile(rng, 3000) or "x"
        focus_start = rng.randint(0, len(text) - 1)
        focus_end = rng.randint(focus_start + 1, len(text))
        title, source, url = hostile(rng, 5000), hostile(rng, 1000), "https://example.org/" + hostile(rng, 3000)
        date = hostile(rng, 100)
        quotes.append(Quote(text, title, source, url, date, 0.5, f"a{n}", 0, len(text), focus_start, focus_end))
    reasons = tuple(Missing("unknown_word", hostile(rng, 2000)) for _ in range(rng.randint(0, 6)))
    question = "Is Q" + hostile(rng, 4000) + "?"
    return Answer(question, tuple(quotes), 3, found=rng.random() < 0.5, reasons=reasons)


def test_a_hostile_question_and_missing_notes_still_fit_one_message_with_a_quote() -> None:
    reasons = (Missing("unknown_word", "&" * 700),) * 4
    answer = Answer("Is Q" + "'" * 990 + "?", (quote(0, "T", "S", "https://e.org"),), 3, reasons=reasons)
    text = answer_html(answer)
    check_telegram_html(text)
    assert "<blockquote>" in text


@pytest.mark.parametrize("seed", range(40))
def test_every_answer_fits_one_message_and_shows_a_quote_whatever_its_parts(seed: int) -> None:
    answer = hostile_answer(random.Random(seed))
    for page in range(answer.pages):
        text = answer_html(answer, page)
        check_telegram_html(text)
        assert not ENTITY.search(text), "an entity was cut"
        assert ("<blockquote>" in text) == bool(answer.quotes)


def test_sources_name_each_articles_language() -> None:
    articles = [
        ArticleInfo("a", "Переговоры в Стамбуле", "РИА", None, "2025-05-16", "ru"),
        ArticleInfo("b", "Talks in Istanbul", "Reuters", None, "2025-05-15", "en"),
    ]
    page, shown = sources_page_html(articles)
    assert shown == 2
    assert "Переговоры в Стамбуле — РИА · 2025-05-16 · RU" in page
    assert "Talks in Istanbul — Reuters · 2025-05-15 · EN" in page
