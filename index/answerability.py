"""Answerability: whether the best quote answers the question, as one calibrated probability, and what is missing.

A question is about things: names and numbers (kept whole: "Marco Rubio", "60-day"), rare words,
dates ("in May 2025", "last summer"), and it expects an answer of a type (how many → a number,
when → a date, who → a name, where → a place). Each is checked against the corpus, the hit's
article and its quote; with the retrieval scores these signals go into a small logistic model
fitted by `bench/fit_answerability.py` on the committed dev set (coefficients beside it, in
`bench/answerability_model.json`). Below the decision threshold the bot does not claim an answer,
and says plainly what no article covers ("No article mentions Zuppi.").
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np

from index.dates import MONTHS, Period, periods_in, published_period, relative_periods
from index.errors import ModelLoadError
from index.lexical import tokenize
from index.search import Hit, Searcher, SearchParams

FEATURES = (
    "score",
    "focus",
    "margin",
    "coverage_quote",
    "coverage_article",
    "unknown_share",
    "names_missing_corpus",
    "names_missing_article",
    "names_missing_quote",
    "coverage_focus",
    "date_matched",
    "date_in_article",
    "type_unmet",
)
JUDGED_HITS = 3  # of the ranked hits, these are judged; the most likely answer among them goes first
DATE_SLACK_DAYS = 3  # news is published a day or two after the event it reports

_WORD = re.compile(r"[\w’'-]+", re.UNICODE)
_NUMBER = re.compile(r"\d[\d,.]*(?:-\w+)?")
_OPENER_WORDS = """
    who whom whose what which when where why how is are was were do does did will would can could should
    has have had may might must shall tell list name give
"""
_QUESTION_OPENERS = frozenset(_OPENER_WORDS.split())
_NUMBER_WORDS = re.compile(
    r"\b(?:\d[\d,.]*|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|"
    r"fifty|hundred|hundreds|thousand|thousands|million|millions|billion|dozen|dozens|half|third|quarter|fifth|"
    r"several|few)\b",
    re.IGNORECASE,
)
_TIME_WORDS = re.compile(
    r"\b(?:\d{4}|monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow|yesterday|"
    r"week|weeks|month|months|year|years|day|days|hours?|morning|evening|night|earlier|later|"
    r"ago|since|after|before|until|early|late|mid|spring|summer|autumn|fall|winter|" + "|".join(MONTHS) + r")\b",
    re.IGNORECASE,
)
_CAPITALIZED = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-ZА-ЯЁІЇЄҐ][\w’'-]+")
_EXPECTS = (
    ("number", r"\bhow (?:many|much|long|large|big|far|often|old)\b|\bwhat (?:number|percentage|share|size)\b"),
    (
        "date",
        r"^\s*when (?:is|was|were|are|will|would|did|do|does|has|have|had|could|can)\b"
        r"|\b(?:what|which) (?:date|day|year|month|time)\b|\bsince when\b|\bhow soon\b",
    ),
    ("name", r"^\s*(?:who|whom|whose)\b|\bwho (?:is|was|are|were|leads?|led|heads?|headed)\b"),
    ("place", r"^\s*where\b|\bwhich (?:city|country|place|venue|palace|capital)\b|\bin what (?:city|country)\b"),
)
_TYPE_WORDS = {"number": "number", "date": "date", "name": "name", "place": "place"}


@dataclass(frozen=True)
class Term:
    """A name or number of the question, as written and as the index's tokens."""

    text: str
    tokens: tuple[str, ...]


@dataclass(frozen=True)
class QuestionFacts:
    """What a question is about: its weighted terms, names and numbers, dates, and the answer type it expects."""

    weights: dict[str, float]
    names: tuple[Term, ...]
    periods: tuple[Period, ...]
    expects: str | None


@dataclass(frozen=True)
class Evidence:
    """How one hit stands against the question's facts."""

    features: np.ndarray
    missing_names_corpus: tuple[Term, ...]
    missing_names_hit: tuple[Term, ...]
    date_unmatched: bool
    type_unmet: bool
    hit_when: str | None  # "are from March 2025" (its date) or "speak of 2022" (a date its quote writes)
    ruled_out: bool  # evidence no score outweighs: a name no article has, a number not in the article, another date


@dataclass(frozen=True)
class Judgement:
    """The hits in the order to show them, whether the first answers the question, and what is missing."""

    hits: list[Hit]
    confidence: float
    claimed: bool
    missing: list[str]


@dataclass(frozen=True)
class AnswerModel:
    """A logistic model over FEATURES (standardized), with its decision threshold."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    threshold: float

    def probability(self, x: np.ndarray) -> float:
        """P(the quote answers the question) for one feature vector."""
        z = float(((x - self.mean) / self.scale) @ self.weights + self.bias)
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))

    def to_dict(self) -> dict[str, object]:
        """The JSON form written beside the fitting script."""
        return {
            "features": list(self.features),
            "mean": [round(float(v), 6) for v in self.mean],
            "scale": [round(float(v), 6) for v in self.scale],
            "weights": [round(float(v), 6) for v in self.weights],
            "bias": round(self.bias, 6),
            "threshold": round(self.threshold, 4),
        }

    @classmethod
    def load(cls, path: Path) -> AnswerModel:
        """Read a model written by `to_dict`; one of other features is refused."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            model = cls(
                features=tuple(data["features"]),
                mean=np.asarray(data["mean"], dtype=np.float64),
                scale=np.asarray(data["scale"], dtype=np.float64),
                weights=np.asarray(data["weights"], dtype=np.float64),
                bias=float(data["bias"]),
                threshold=float(data["threshold"]),
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelLoadError(f"cannot read the answerability model {path}: {exc}") from exc
        sizes = {len(model.mean), len(model.scale), len(model.weights)}
        if model.features != FEATURES or sizes != {len(FEATURES)}:
            raise ModelLoadError(f"the answerability model {path} is for other features; refit it")
        return model


def question_facts(question: str, searcher: Searcher, newest: date | None) -> QuestionFacts:
    """The question's terms, names, numbers, dates and expected answer type, weighed by the corpus."""
    weights = searcher.index.lexical.term_weights(tokenize(question))
    periods = periods_in(question, newest.year if newest else None)
    if newest is not None:
        periods += relative_periods(question, newest)
    dated = {t for p in periods for t in tokenize(p.text)}
    names = tuple(t for t in _names(question) if not set(t.tokens) <= dated)
    expects = next((kind for kind, pattern in _EXPECTS if re.search(pattern, question, re.IGNORECASE)), None)
    return QuestionFacts(weights, names, tuple(periods), expects)


def _names(question: str) -> list[Term]:
    """Capitalized runs ("Marco Rubio", "Black Sea") and numbers ("60-day", "1,000"), never the opening word."""
    found: list[str] = []
    words = list(_WORD.finditer(question))
    run: list[str] = []
    for i, m in enumerate(words):
        word = m.group(0)
        capital = word[:1].isupper() and not (i == 0 or word.lower() in _QUESTION_OPENERS or word.lower() in MONTHS)
        if capital:
            run.append(word)
            continue
        if run:
            found.append(" ".join(run))
            run = []
        if _NUMBER.fullmatch(word):
            found.append(word)
    if run:
        found.append(" ".join(run))
    terms = [Term(text, tuple(tokenize(text))) for text in found]
    return [t for t in terms if t.tokens]


@lru_cache(maxsize=4096)
def _tokens_of(text: str) -> frozenset[str]:
    return frozenset(tokenize(text))


def evidence(facts: QuestionFacts, hit: Hit, hits: Sequence[Hit], searcher: Searcher) -> Evidence:
    """The signals of one hit against the question."""
    df = searcher.index.lexical.df
    quote = _tokens_of(hit.quote)
    article = _tokens_of(hit.article.text)
    total = sum(facts.weights.values()) or 1.0
    coverage_quote = sum(w for t, w in facts.weights.items() if t in quote) / total
    coverage_article = sum(w for t, w in facts.weights.items() if t in article) / total
    unknown_share = sum(w for t, w in facts.weights.items() if t not in df) / total
    in_corpus = [t for t in facts.names if all(tok in df for tok in t.tokens)]
    missing_corpus = tuple(t for t in facts.names if t not in in_corpus)
    wholly_absent = any(not any(tok in df for tok in t.tokens) for t in facts.names)
    number_absent = any(tok.isdigit() and tok not in article for t in facts.names for tok in t.tokens)
    missing_article = tuple(t for t in in_corpus if not set(t.tokens) <= article)
    missing_quote = tuple(t for t in in_corpus if set(t.tokens) <= article and not set(t.tokens) <= quote)
    # The names' and numbers' own words, weighed by rarity: a name no article has weighs the most.
    specific = {tok: facts.weights.get(tok, 0.0) for t in facts.names for tok in t.tokens}
    named = sum(specific.values()) or 1.0
    names_missing_corpus = sum(w for tok, w in specific.items() if tok not in df) / named
    names_missing_article = sum(w for tok, w in specific.items() if tok in df and tok not in article) / named
    names_missing_quote = sum(w for tok, w in specific.items() if tok in article and tok not in quote) / named
    focus_tokens = _tokens_of(hit.article.text[hit.focus_start : hit.focus_end])
    coverage_focus = sum(w for t, w in facts.weights.items() if t in focus_tokens) / total
    hit_periods = _hit_periods(hit)
    matched = _overlap(facts.periods, hit_periods)
    in_article = not matched and _overlap(facts.periods, _article_periods(hit.article.text, hit.article.published))
    unmatched = bool(facts.periods) and not matched and not in_article
    focus_text = hit.article.text[hit.focus_start : hit.focus_end]
    type_unmet = facts.expects is not None and not _has_type(facts.expects, focus_text, hit.quote)
    others = [h.score for h in hits if h is not hit]
    features = np.array(
        [
            hit.score,
            hit.focus,
            hit.score - max(others, default=0.0),
            coverage_quote,
            coverage_article,
            unknown_share,
            names_missing_corpus,
            names_missing_article,
            names_missing_quote,
            coverage_focus,
            float(matched),
            float(in_article),
            float(type_unmet),
        ],
        dtype=np.float64,
    )
    published = published_period(hit.article.published)
    when = f"are from {published.label}" if published else (f"speak of {hit_periods[0].label}" if hit_periods else None)
    ruled_out = wholly_absent or number_absent or unmatched
    return Evidence(features, missing_corpus, missing_article + missing_quote, unmatched, type_unmet, when, ruled_out)


def _overlap(asked: Sequence[Period], found: Sequence[Period]) -> bool:
    """Whether a period asked about meets one found (news may be dated a few days after the event)."""
    return any(q.overlaps(h, DATE_SLACK_DAYS) or h.overlaps(q) for q in asked for h in found)


@lru_cache(maxsize=1024)
def _article_periods(text: str, published: str | None) -> tuple[Period, ...]:
    period = published_period(published)
    return tuple(periods_in(text, period.start.year if period else None))


def _hit_periods(hit: Hit) -> list[Period]:
    """When the hit speaks of: its article's publication date and the dates its quote writes."""
    published = published_period(hit.article.published)
    year = published.start.year if published else None
    return ([published] if published else []) + periods_in(hit.quote, year)


def _has_type(expects: str, focus: str, quote: str) -> bool:
    """Whether the best sentence (or, for names and places, the quote) holds an answer of the expected type."""
    if expects == "number":
        return bool(_NUMBER_WORDS.search(focus))
    if expects == "date":
        return bool(_TIME_WORDS.search(focus) or periods_in(focus, 2000))
    return bool(_CAPITALIZED.search(focus) or _CAPITALIZED.search(quote))


def judge(
    question: str,
    hits: list[Hit],
    searcher: Searcher,
    model: AnswerModel,
    newest: date | None,
    min_score: float,
) -> Judgement:
    """Judge the best few hits; the likeliest answer goes first, and is claimed when its probability is high enough.

    Unclaimed hits under `min_score` are not even shown as related.
    """
    if not question:
        return Judgement([], 0.0, False, [])
    facts = question_facts(question, searcher, newest)
    if not hits:
        return Judgement([], 0.0, False, _missing_without_hits(facts, searcher))
    judged = [
        (0.0 if e.ruled_out else model.probability(e.features), i, e)
        for i, e in enumerate(evidence(facts, h, hits, searcher) for h in hits[:JUDGED_HITS])
    ]
    probability, best, ev = max(judged, key=lambda t: (t[0], -t[1]))
    ordered = [hits[best]] + [h for i, h in enumerate(hits) if i != best]
    if probability >= model.threshold:
        return Judgement(ordered, probability, True, [])
    related = [h for h in hits if h.score >= min_score]
    top_ev = judged[0][2]
    return Judgement(related, probability, False, _missing(facts, top_ev, searcher, newest))


def _missing(facts: QuestionFacts, ev: Evidence, searcher: Searcher, newest: date | None) -> list[str]:
    """What no article, or no passage found, covers, in plain sentences."""
    notes = [f"No article mentions {t.text}." for t in ev.missing_names_corpus]
    notes += [f"The closest passages do not mention {t.text}." for t in ev.missing_names_hit]
    if ev.date_unmatched:
        asked = facts.periods[0]
        dated = any(
            (p := published_period(a.published)) is not None and asked.overlaps(p, DATE_SLACK_DAYS)
            for a in searcher.index.articles.values()
        )
        closest = f"the closest passages {ev.hit_when}" if ev.hit_when else ""
        if dated:
            notes.append(f"The closest passages are not from {asked.label}" + (f"; {closest}." if closest else "."))
        else:
            notes.append(f"Nothing is dated {asked.label}" + (f"; {closest}." if closest else "."))
    if ev.type_unmet and facts.expects:
        notes.append(f"The closest passages give no {_TYPE_WORDS[facts.expects]} that answers it.")
    return list(dict.fromkeys(notes))


def _missing_without_hits(facts: QuestionFacts, searcher: Searcher) -> list[str]:
    """Names and numbers of the question that no article has (common words are not worth a sentence)."""
    df = searcher.index.lexical.df
    return list(
        dict.fromkeys(f"No article mentions {t.text}." for t in facts.names if not all(k in df for k in t.tokens))
    )


def newest_date(searcher: Searcher) -> date | None:
    """The newest article's publication date: what 'last month' and a year-less date are read against."""
    days = [p.start for a in searcher.index.articles.values() if (p := published_period(a.published))]
    return max(days, default=None)


def search_and_judge(
    searcher: Searcher, question: str, limit: int, params: SearchParams, model: AnswerModel, newest: date | None
) -> Judgement:
    """The whole answering step: ranked hits, then the judgement of them (no threshold on the ranking itself)."""
    ranked = replace(params, min_score=0.0)
    hits = searcher.search(question, limit, ranked)
    return judge(question, hits, searcher, model, newest, params.min_score)
