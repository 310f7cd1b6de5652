"""Messages stay within Telegram's limits and always show a quote, whatever the metadata looks like."""

from __future__ import annotations

import pytest

from bot.answers import Answer, Quote
from bot.render import answer_html, fitted_quote_html
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
