"""Recency: among hits of close score the newer comes first, and questions about "now" favour recent articles.

News ages: when two passages answer about as well, the later report is the one to show first, and
a question asking for the latest state of the talks ("now", "latest", "currently", and their Russian
and Ukrainian forms) weighs each hit by how recent its article is, relative to the newest article.
Only the order changes; a hit's score (and so the answerability decision) stays its own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from index.dates import published_period

if TYPE_CHECKING:  # index.search orders its hits with this module
    from index.search import Hit

CLOSE = 0.01  # hits whose scores differ by less than this are "about as good": the newer goes first
RECENT_WEIGHT = 0.15  # the most a recent article adds to a hit's place when the question asks for now
HALF_LIFE_DAYS = 30.0  # an article this much older than the newest counts half as recent
_NOW = re.compile(
    r"\b(now|nowadays|latest|currently|current|recent|recently|newest|today|these days|so far|"
    r"сейчас|теперь|сегодня|последн\w*|текущ\w*|нынешн\w*|на данный момент|"
    r"зараз|тепер|сьогодні|останн\w*|поточн\w*|наразі|нині)\b",
    re.IGNORECASE,
)


def asks_for_recent(question: str) -> bool:
    """Whether the question asks for the present state of things."""
    return bool(_NOW.search(question))


def freshness(published: str | None, newest: date | None) -> float:
    """1 for an article of the newest day, halving every HALF_LIFE_DAYS before it; 0 for an undated one."""
    period = published_period(published)
    if period is None or newest is None:
        return 0.0
    age = max(0, (newest - period.start).days)
    return float(0.5 ** (age / HALF_LIFE_DAYS))


def by_recency(hits: Sequence[Hit], question: str, newest: date | None) -> list[Hit]:
    """Hits best first: by score (plus RECENT_WEIGHT x freshness if the question asks for now); newer among close."""
    recent = asks_for_recent(question)
    keyed = [
        (h.score + (RECENT_WEIGHT * freshness(h.article.published, newest) if recent else 0.0), _day(h), h)
        for h in hits
    ]
    keyed.sort(key=lambda k: -k[0])
    for _ in range(len(keyed)):  # newer first among neighbours of about the same score
        swapped = False
        for i in range(len(keyed) - 1):
            if keyed[i][0] - keyed[i + 1][0] < CLOSE and keyed[i + 1][1] > keyed[i][1]:
                keyed[i], keyed[i + 1] = keyed[i + 1], keyed[i]
                swapped = True
        if not swapped:
            break
    return [h for _, _, h in keyed]


def _day(hit: Hit) -> date:
    period = published_period(hit.article.published)
    return period.start if period else date.min
