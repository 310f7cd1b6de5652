"""Answers: the quotes found for a question, as records, and their stable JSON form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.small_talk import SmallTalk
from index.answerability import Missing
from index.search import Hit

MAX_ECHO_CHARS = 300


@dataclass(frozen=True)
class Quote:
    """A verbatim quote with its source; `quote == article text[start:end]`."""

    quote: str
    title: str | None
    source: str | None
    url: str | None
    published: str | None
    score: float
    article_id: str
    start: int
    end: int
    focus_start: int
    focus_end: int

    @classmethod
    def from_hit(cls, hit: Hit) -> Quote:
        """The quote of a search hit."""
        a = hit.article
        return cls(
            quote=hit.quote,
            title=a.title,
            source=a.source,
            url=a.url,
            published=a.published,
            score=round(hit.score, 4),
            article_id=a.id,
            start=hit.start,
            end=hit.end,
            focus_start=hit.focus_start,
            focus_end=hit.focus_end,
        )

    def to_json(self) -> dict[str, Any]:
        """One passage of the `ask --json` contract; each field named, so nothing internal leaks."""
        return {
            "quote": self.quote,
            "title": self.title,
            "source": self.source,
            "url": self.url,
            "published": self.published,
            "score": self.score,
            "article_id": self.article_id,
            "start": self.start,
            "end": self.end,
            "focus_start": self.focus_start,
            "focus_end": self.focus_end,
        }

    def parts(self) -> tuple[str, str, str]:
        """The quote split around its best-matching sentence: before, sentence, after."""
        a, b = self.focus_start - self.start, self.focus_end - self.start
        return self.quote[:a], self.quote[a:b], self.quote[b:]


@dataclass(frozen=True)
class Answer:
    """What the articles say to one question, in pages of `page_size` quotes.

    Three outcomes: an answer (`found`: the first quote answers it), related passages that may not
    (quotes but not `found`, with the `reasons` why), or nothing (no quotes). A message that is no
    question ("thanks!") is not searched: it is nothing, with `small_talk` saying which it is.
    """

    question: str
    quotes: tuple[Quote, ...]
    page_size: int
    found: bool = False
    confidence: float = 0.0
    reasons: tuple[Missing, ...] = ()  # what no article, or no passage shown, covers
    small_talk: SmallTalk | None = None  # a greeting, thanks and the like: no question, not searched

    @property
    def missing(self) -> tuple[str, ...]:
        """The reasons as English sentences, as `ask --json` gives them."""
        return tuple(reason.english for reason in self.reasons)

    @property
    def pages(self) -> int:
        """How many pages of quotes there are."""
        return max(1, -(-len(self.quotes) // self.page_size))

    def page(self, number: int) -> tuple[Quote, ...]:
        """The quotes of page `number` (from 0)."""
        return self.quotes[number * self.page_size : (number + 1) * self.page_size]

    @property
    def echo(self) -> str:
        """The question, shortened for showing back to the user."""
        q = " ".join(self.question.split())
        return q if len(q) <= MAX_ECHO_CHARS else q[: MAX_ECHO_CHARS - 1].rstrip() + "…"

    def to_json(self, text: str) -> dict[str, Any]:
        """The `ask --json` contract (README): question, found, confidence, missing, text, the first page's passages,
        and small_talk (null for a question)."""
        return {
            "question": self.question,
            "found": self.found,
            "confidence": round(self.confidence, 3),
            "missing": list(self.missing),
            "text": text,
            "passages": [q.to_json() for q in self.page(0)],
            "small_talk": self.small_talk,
        }
