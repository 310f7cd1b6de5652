"""Answerability: whether the best quote answers the question, as one calibrated probability, and what is missing.

A question is about things: names (kept whole: "Marco Rubio"), numbers ("6,000"), rare words,
dates ("in May 2025", "last summer"), and it expects an answer of a type (how many → a number,
how long did it take → a length of time, what time → a time of day, when → a date, who → a name,
where → a place, what someone said → a sentence that reports it).
Each is checked against the corpus, the hit's article and its quote; with the retrieval scores
these signals go into a small logistic model fitted by `bench/fit_answerability.py` on the
committed dev set (coefficients beside it, in `bench/answerability_model.json`). Below the
decision threshold the bot does not claim an answer, and says plainly what no article covers
("No article mentions Zuppi.").
"""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from difflib import get_close_matches
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Literal, NamedTuple, TypeVar

import numpy as np

from index.articles import Article
from index.dates import (
    DAY_OR_MONTH_DAYS,
    MONTHS,
    Period,
    periods_in,
    placed_in_year,
    published_period,
    relative_periods,
    small_letters,
)
from index.errors import ModelLoadError
from index.languages import is_cyrillic, lemma, sound_key, transliterations, word_language
from index.lexical import tokenize
from index.names import (
    ACRONYMS_AS_WORDS,
    CODE,
    DOTTED_ACRONYM,
    Initials,
    acronym_for,
    acronym_of,
    capitalized_words,
    everyday_words,
    holds,
    holds_name,
    initials,
    is_adverb,
    is_everyday,
    known_acronym,
    stands_for,
    whole_word_starts,
    writes_acronym,
    written_apart,
)
from index.numbers import NUMBER_NAMES, SPELLED_NUMBERS
from index.ordinals import ORDINALS, STEMS, ordinal_forms, ordinals_asked, ordinals_in
from index.recency import asks_for_recent
from index.search import BLOCK, Hit, Searcher, SearchParams
from index.settings import IndexSettings

FEATURES = (
    "score",
    "dense",
    "lexical",
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
    "lead",
)
# Across languages only what does not depend on the question's words being English: the scores, the margin,
# and how much of the question the quote, its article and its best sentence hold (counting equivalents). Not the lead,
# though it depends on no language: the models across languages were fitted before it and not tried with it.
ACROSS_FEATURES = tuple(
    f for f in FEATURES if not f.startswith(("unknown_", "names_", "date_", "type_")) and f != "lead"
)
JUDGED_HITS = 3  # of the ranked hits, these are judged; the most likely answer among them goes first
DATE_SLACK_DAYS = 3  # news is published a day or two after the event it reports
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()  # day ordinals as numpy's days (since 1970)

_WORD = re.compile(DOTTED_ACRONYM.pattern + r"|[\w’'-]+", re.UNICODE)  # U.S. is one word
_CAPITALIZED_LATIN = re.compile(r"\b[A-Z][A-Za-z]+")
_LETTERS = re.compile(r"\b[^\W\d_]{4,}\b")
# A number as written: "30", "6,000", "1.5", or with its unit written on ("$50bn", "30km", "155mm", as British papers
# write them); compared without its thousands separators. Not a decade ("the 70's"), nor "5G" or "20th"; nor "10k"
# or "3pm", which articles write as 10,000 and 3.00pm or 15:00.
_UNIT = r"(?i:bn|bln|mn|mln|m|tn|km|kg|mm|mw|gw)\b"
_NUMBER = re.compile(rf"(?<![\w.,])\d+(?:,\d{{3}})*(?:\.\d+)?(?:(?={_UNIT})|(?!\w|(?<=0)['’]s\b))")
# Numbers an article may write in words where a question writes digits ("four rounds", "the 4 rounds"), matched
# in a text in small letters: case-blind matching is slower, and lets "ſix" (a long s) match "six".
_SPELLED_NUMBER = re.compile(r"\b(?:" + "|".join(SPELLED_NUMBERS) + r")\b")
# Roman numerals of two letters or more, up to 39, in capitals after a capitalized word: "Minsk II", "Leo XIV".
_ROMAN = re.compile(r"\b[A-Z][a-z]+\s(X{0,3})(IX|IV|V?I{0,3})\b")
_ROMAN_DIGITS = {"": 0, "I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9}
_OPENS_AFTER = frozenset('.!?…:;"“”«»(\n')  # after these (and spaces) a word opens a sentence
# What a long article holds is read around the quote, NEAR_BLOCKS blocks of BLOCK sentences on each side of its own,
# 48 sentences in all: an article of news length is read whole (no dev or XQuAD article has more), where a live blog
# or a long read holds the names, numbers and dates of a dozen other stories.
NEAR_BLOCKS = 1
NEAR_SENTENCES = (2 * NEAR_BLOCKS + 1) * BLOCK  # an article longer than this is read in parts (`Corpus.near`)
KEPT_PER_ARTICLE = 4096  # articles whose tokens, numbers and dates a corpus keeps
KEPT_TEXTS = KEPT_PER_ARTICLE // 8  # articles whose whole text, in small letters, it keeps
T = TypeVar("T")
PHRASE_PASSAGES = 8  # the passages read to find a name written whole (those BM25 ranks best for its words)
CLOSE_ACRONYM = 0.9  # the same for an acronym (ARPNET, ARPANET), whose letters are fewer and each a word's
CLOSE_SPELLING = 0.8  # a word this close to one the corpus has is another spelling of it (Zelenskyy, Zelensky)
_OPENER_WORDS = """
    who whom whose what which when where why how is are was were do does did will would can could should
    has have had may might must shall tell list name give
"""
_QUESTION_OPENERS = frozenset(_OPENER_WORDS.split())
# Words that link or place the question's things, not things of their own: "No article mentions “regarding”." says
# nothing (nor do adverbs, `is_adverb`: "finally", "currently").
_LINKING_TEXT = """
    regarding concerning including following according considering despite during towards toward within
    without upon onto among amongst between beyond versus via throughout whether whereas
"""
_LINKING_WORDS = frozenset(_LINKING_TEXT.split())
_NEVER_NAMES = _QUESTION_OPENERS | frozenset(MONTHS)  # capitalized or not
_NUMBER_WORDS = re.compile(
    r"\b(?:(?!(?:19|20)\d\d\b)\d[\d,.]*"  # a year is no count
    r"|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|"
    r"fifty|hundred|hundreds|thousand|thousands|million|millions|billion|dozen|dozens|half|third|quarter|fifth|"
    r"several|few)\b",
    re.IGNORECASE,
)
# What dates an event: a year, a day, a month, a season, "two weeks ago"; not "after", "until" or "later" alone, which
# tell of an order ("where they are to remain until the end of the war"), not of when.
_TIME_WORDS = re.compile(
    r"\b(?:\d{4}|monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|tomorrow|yesterday|"
    r"week|weeks|month|months|year|years|day|days|hours?|morning|evening|night|"
    r"ago|spring|summer|autumn|fall|winter|" + "|".join(MONTHS) + r")\b",
    re.IGNORECASE,
)
_AMOUNT = (
    r"(?:\d[\d,.]*|" + "|".join(SPELLED_NUMBERS) + r"|sixty|seventy|eighty|ninety|"
    r"dozen|several|few|many|some|half[ -]an?|(?<!\bonce )(?<!\bin )an?)"
)
_UNITS = r"(?:seconds?|minutes?|hours?|days?|nights?|weeks?|months?|years?|decades?)"
# A length of time: "about 12 hours", "a few minutes", "five-hour talks", "three and a half hours", "for hours",
# "overnight"; not a date told from another ("two days after", "a year later", "once a week") nor an age.
_DURATION = re.compile(
    rf"\b{_AMOUNT}[ -](?:and[ -]a[ -]half[ -]|more |full |long )?{_UNITS}\b"
    r"(?![ -](?:after|before|later|earlier|ago|old)\b)"
    rf"|\bfor {_UNITS}\b|\b(?:all day|all night|overnight|briefly|(?:hour|minute|day)-long)\b",
    re.IGNORECASE,
)
# A time of day: "6 p.m.", "10:30", "at noon", "15.00 Moscow time", "at 1600 GMT", "in the morning".
_CLOCK = re.compile(
    r"\b\d{1,2}(?:[:.]?\d\d)?\s?(?:a\.m\.|p\.m\.|am\b|pm\b|o['’]clock|GMT|UTC|CET|(?:local|Moscow|Kyiv) time)"
    r"|\b(?:noon|midnight|midday|dawn|dusk|(?:in the|that|this|on \w+) (?:morning|afternoon|evening))\b"
    r"|(?<![\w:.])\d{1,2}:\d\d\b",
    re.IGNORECASE,
)
_NO_WORD = re.compile(r"(?=[IVX])X{0,3}(?:IX|IV|V?I{0,3})|\d+|\w")  # of a name, no word of its own: "II", "2", "B"
_CAPITALIZED = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-ZА-ЯЁІЇЄҐ][\w’'-]+")
_EXPECTS = (
    # How long something went on ("How long did the call last?", "How long was the video call?"), not since when
    # ("How long has…") nor how long a thing is ("How long is the front line?"): answered by a length of time, not by
    # any number ("on March 18").
    (
        "duration",
        r"\bhow long (?:did|does|do|will|would|could|can|should)\b|\bfor how long\b"
        r"|\bhow long (?:is|was|were|are)\b[^?]*\b(?:last(?:s|ed|ing)?|take|talk(?:ing)?|speak(?:ing)?|calls?|"
        r"meetings?|talks|speech|summit|conversation|ceasefire|truce|visit|negotiations)\b",
    ),
    # Of day ("at 6 p.m."), not a time frame or time zone.
    (
        "clock",
        r"\b(?:what|which) time\b(?! (?:of|in) (?:the )?year|[ -]?(?:frames?|zones?|limits?|tables?|periods?|spans?)\b)"
        r"|\bat what hour\b",
    ),
    ("number", r"\bhow (?:many|much|long|large|big|far|often|old)\b|\bwhat (?:number|percentage|share|size)\b"),
    (
        "date",
        r"^\s*when (?:and where )?(?:is|was|were|are|will|would|did|do|does|has|have|had|could|can)\b"
        r"|\b(?:what|which) (?:date|day|year|month)\b|\bsince when\b|\bhow soon\b",
    ),
    ("name", r"^\s*(?:who|whom|whose)\b|\bwho (?:is|was|are|were|leads?|led|heads?|headed)\b"),
    ("place", r"^\s*where\b|\bwhich (?:city|country|place|venue|palace|capital)\b|\bin what (?:city|country)\b"),
    # What someone said, wrote or agreed: answered by a sentence that quotes or reports it, not one that only tells
    # of the meeting, the call or the letter ("handed Trump a letter from his wife"). A verb, not a noun: "What did
    # the offer include?" asks none; nor do "suggest" and "think", as often of a thing ("What does the word prime
    # suggest?").
    (
        "statement",
        # Each `…by` group holds whose words are asked for: what stands between the auxiliary and the verb of saying.
        r"\bwhat (?:did|does|do|has|have|had|will|would)\b(?P<said_by>[^?]*?)"
        r"(?<!\bthe )(?<!\ba )(?<!\ban )(?<!['’]s )(?<!\bhis )(?<!\bher )(?<!\btheir )(?<!\bits )"
        r"\b(?:say|said|write|written|tell|told|announced?|proposed?|demand(?:ed)?|offer(?:ed)?|ask(?:ed)?|agreed?|"
        r"promised?|warn(?:ed)?|call(?:ed)?|claim(?:ed)?|repl(?:y|ied)|respond(?:ed)?)\b"
        r"|\bwhat (?:was|were|is|has been|had been) (?:\w+ )?"
        r"(?:said|agreed|proposed|promised|demanded|offered|announced)\b"
        # How someone took a proposal, a demand, a walk-out: what they said of it ("in no position to dictate").
        r"|\bhow (?:did|does|do|has|have|had|will|would) (?P<reacted_by>[^?]*?)"
        r"(?<!\bthe )(?<!\ba )(?<!\ban )(?<!['’]s )(?<!\bhis )(?<!\bher )(?<!\btheir )(?<!\bits )"
        r"\b(?:respond(?:ed)?|react(?:ed)?|repl(?:y|ied))\b"
        r"|\bwhat (?:was|were|is|has been) (?P<responded_by>[^?]*?)\b(?:response|reaction|reply)"
        r"(?=\s+to\b|\s*[?.!]|\s*$)",
    ),
)
# Of whose words a question asks for, what a preposition leads is no speaker: "the delegations in Istanbul", "the
# Kremlin on Monday", "the leaders of France" (whose speakers go unread: a veto read too widely refuses answers).
_PREPOSITION = re.compile(r"\b(?:in|at|on|of|from|to|with|after|before|during|for|about|over|since|when|while)\b", re.I)
_TYPE_WORDS = {"duration": "length of time", "clock": "time of day"}  # the answer types not named by their kind
_EXPECTING = tuple((kind, re.compile(pattern, re.IGNORECASE)) for kind, pattern in _EXPECTS)
_POSSESSIVE = re.compile(r"['’]s$|(?<=s)['’]$")
# A sentence that quotes or reports what was said, or what was agreed: quotation marks, a verb of saying (of a verb
# that is a noun as well, "call", "offer", "stress", only the forms no noun has), "a statement", "the deal"; in
# Russian and Ukrainian too, where an English question meets an article in those («заявил», «домовилися»).
_REPORTED = re.compile(
    r"[\"“”«»‘]|\baccording to\b|\bset(?:s|ting)? out\b|\b(?:statements?|agreements?|deal|communiqu[eé])\b"
    r"|\b(?:say|says|said|saying|tell|tells|told|write|writes|wrote|written|reply|replies|replied|denies|denied|"
    r"stated|admitted|noted|reported|commented|threatened|dismissed|posted|believes|believed|agreeing|"
    r"(?:agre|propos|announc|urg|argu|accus|pledg|describ|declar|acknowledg|emphasi[sz]|reiterat)(?:e|es|ed|ing)|"
    r"(?:promis|outlin)(?:es|ed|ing)|(?:add|ask|stress)(?:s|es|ed|ing)|(?:warn|insist|suggest|explain|vow|condemn|"
    r"confirm|reject|accept|express|thank|repeat|respond|react)(?:s|es|ed|ing)?|welcom(?:e|es|ed|ing)|"
    r"(?:demand|offer|claim)ed|(?<!so-)called(?! off)|(?:call|demand)s? (?:for|that|on))\b"
    r"|\b(?:заяв|сказа|сообщил|сообщает|повідом|договор|домовл|домовил|предлож|пропону|запропон|пообещ|обещ|обіця|"
    r"пообіця|потребова|требова|вимага|призва|призыв|закли|отметил|зазначи|подчеркн|наголос|написа|ответил|відповів|"
    r"говорит|говорил|каже|казав|уточни|отреагир|реагир|відреагув|реагу)\w*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class AnswerModel:
    """A logistic model over FEATURES (standardized), with its decision threshold."""

    features: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    threshold: float
    # Questions in Russian or Ukrainian: a model of its own over the features that hold across languages.
    across: AnswerModel | None = None
    # English questions over Russian or Ukrainian articles: the same features, fitted on such questions too.
    english_across: AnswerModel | None = None

    def judging(self, language: str, article: Article) -> AnswerModel:
        """The model that judges a hit, by the question's language and its article's."""
        if not judged_across(language, article):
            return self
        if language == "en" and self.english_across is not None:
            return self.english_across
        return self.across or self

    def probability(self, x: np.ndarray) -> float:
        """P(the quote answers the question) for one feature vector (over FEATURES)."""
        if len(x) != len(self.features):
            x = x[[FEATURES.index(f) for f in self.features]]
        z = float(((x - self.mean) / self.scale) @ self.weights + self.bias)
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))

    def confidence(self, features: np.ndarray, ruled_out: bool) -> float:
        """The probability of a hit, or 0 where evidence rules it out whatever its score."""
        return 0.0 if ruled_out else self.probability(features)

    def to_dict(self) -> dict[str, object]:
        """The JSON form written beside the fitting script."""
        data: dict[str, object] = {
            "features": list(self.features),
            "mean": [round(float(v), 6) for v in self.mean],
            "scale": [round(float(v), 6) for v in self.scale],
            "weights": [round(float(v), 6) for v in self.weights],
            "bias": round(self.bias, 6),
            "threshold": round(self.threshold, 4),
        }
        if self.across is not None:
            data["across_languages"] = self.across.to_dict()
        if self.english_across is not None:
            data["english_across_languages"] = self.english_across.to_dict()
        return data

    @classmethod
    def for_settings(cls, settings: IndexSettings) -> AnswerModel:
        """The model the settings name, with their threshold where one is set."""
        model = cls.load(settings.answerability_model)
        return model if settings.answer_threshold is None else replace(model, threshold=settings.answer_threshold)

    @classmethod
    def load(cls, path: Path) -> AnswerModel:
        """Read a model written by `to_dict`; one of other features is refused."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            model = cls.from_dict(data)
            across, english = data.get("across_languages"), data.get("english_across_languages")
            if across is not None:
                model = replace(model, across=cls.from_dict(across))
            # Without it (a model fitted before it), English questions' hits across languages are judged by `across`.
            if english is not None:
                model = replace(model, english_across=cls.from_dict(english))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelLoadError(f"cannot read the answerability model {path}: {exc}") from exc
        for part, expected in ((model, FEATURES), (model.across, None), (model.english_across, None)):
            if part is None:
                continue
            sizes = {len(part.mean), len(part.scale), len(part.weights), len(part.features)}
            known = part.features == expected if expected else set(part.features) <= set(FEATURES)
            if not known or len(sizes) != 1:
                raise ModelLoadError(f"the answerability model {path} is for other features; refit it")
        return model

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AnswerModel:
        """The inverse of `to_dict`, for one model."""
        return cls(
            features=tuple(data["features"]),
            mean=np.asarray(data["mean"], dtype=np.float64),
            scale=np.asarray(data["scale"], dtype=np.float64),
            weights=np.asarray(data["weights"], dtype=np.float64),
            bias=float(data["bias"]),
            threshold=float(data["threshold"]),
        )


@dataclass(frozen=True)
class QuestionFacts:
    """What a question is about: its weighted terms, names, numbers, dates, and the answer type it expects."""

    weights: dict[str, float]
    names: tuple[str, ...]
    words: tuple[str, ...]  # the other words worth naming when no article has them (4+ letters, no stop words)
    numbers: tuple[str, ...]  # without thousands separators
    ordinals: tuple[tuple[str, str], ...]  # as written and as a number: ("fourth", "4"); never the first
    periods: tuple[Period, ...]
    expects: str | None
    expanded: dict[str, float]  # `weights` with the terms' equivalents in the other languages (or just `weights`)
    language: str
    # The ordinals of the series the question asks one of, "the first meeting" too: (as written, as a number).
    series: tuple[tuple[str, str], ...] = ()
    speakers: tuple[str, ...] = ()  # of its names, those whose words it asks for ("Fomin" of "What did Fomin say…")


@dataclass(frozen=True)
class Evidence:
    """How one hit stands against the question's facts."""

    features: np.ndarray
    ruled_out: bool  # evidence no score outweighs: a name no article has, a number or an ordinal not in the
    # article ("the fourth round" of an article that never writes "fourth"), another date
    date_unmatched: bool
    type_unmet: bool
    # Asked what someone said, and the best sentence reports nothing said ("handed Trump a letter from his wife"):
    # never claimed. Applied by `judge`, not in the fit: fitted with it, the threshold rule spent what it refuses
    # on claiming more of everything else (0.25 fell to 0.14), and more talk questions no article answers were claimed.
    unsaid: bool = False
    # Asked of one of a series ("the first meeting"), the best sentence tells of another ("It was the fourth
    # meeting") and never of the one asked: (the question's ordinal, the sentence's) as written. Never claimed, as
    # `unsaid`, and outside the fit.
    another: tuple[str, str] | None = None
    # Asked what someone said (in English), and the hit's article (of a long one, the part around the quote) never
    # names them in any form: its quote reports someone else's words. Never claimed, as `unsaid`, and outside the fit.
    # A country asked of, "China", where the article writes only its capital, "Beijing said", is refused too.
    unheard: bool = False


MissingKind = Literal[
    "unknown_name",  # no article mentions the name, number or word in `subject`
    "unknown_number",
    "unknown_word",
    "name_not_shown",  # some article does, but no passage shown
    "number_not_shown",
    "word_not_shown",
    "undated",  # nothing is dated in `period`
    "not_from",  # no passage shown is from `period`
    "no_type",  # the passages shown give no `subject` (a kind of _EXPECTS: "number", "date"…) that answers it
    "another_of_series",  # the closest passage tells of the `other` of a series ("fourth"), not the `subject` asked
    "speaker_unnamed",  # `subject`, whose words are asked for, is not named in or around the closest passage
]


@dataclass(frozen=True)
class Missing:
    """One thing no article, or no passage shown, covers: a kind and its arguments, worded by whoever shows it.

    For the two date kinds, `closest` is the date of the closest passages: their article's (`closest_published`)
    or one their quote writes.
    """

    kind: MissingKind
    subject: str = ""
    period: Period | None = None
    closest: Period | None = None
    closest_published: bool = False
    other: str = ""

    @property
    def english(self) -> str:
        """The reason as an English sentence (the `missing` of `ask --json`, a stable interface)."""
        if self.kind in ("undated", "not_from"):
            assert self.period is not None
            said = "Nothing is dated" if self.kind == "undated" else "No passage shown is from"
            when = ""
            if self.closest is not None:
                verb = "are from" if self.closest_published else "speak of"
                when = f"; the closest passages {verb} {self.closest.label}"
            return f"{said} {self.period.label}{when}."
        said = {
            "unknown_name": "No article mentions {}.",
            "unknown_number": "No article mentions {}.",
            "unknown_word": "No article mentions “{}”.",
            "name_not_shown": "The passages shown do not mention {}.",
            "number_not_shown": "The passages shown do not mention {}.",
            "word_not_shown": "The passages shown do not mention “{}”.",
            "no_type": "The passages shown give no {} that answers it.",
            "another_of_series": "The closest passage tells of the “{1}”, not the “{0}”.",
            "speaker_unnamed": "{} is not mentioned in or around the closest passage.",
        }[self.kind]
        subject = _TYPE_WORDS.get(self.subject, self.subject) if self.kind == "no_type" else self.subject
        said = said.format(subject, self.other)
        return one_full_stop(said)


def one_full_stop(sentence: str) -> str:
    """A reason's sentence ending in one full stop where its subject ends in a dot of its own ("U.S.")."""
    return sentence[:-1] if sentence.endswith("..") else sentence


@dataclass(frozen=True)
class Judgement:
    """The hits in the order to show them, whether the first answers the question, and what is missing."""

    hits: list[Hit]
    confidence: float
    claimed: bool
    missing: list[Missing]


class Part(NamedTuple):
    """A part of a long article around a quote (`Corpus.near`): as an article of its own, whose article it is, and
    its sentences, from `start` to `end` (excluded)."""

    part: Article
    article: Article
    start: int
    end: int


class Corpus:
    """What answerability needs of one loaded index, worked out once per article and kept for the index's life."""

    def __init__(self, searcher: Searcher, today: date | None = None) -> None:
        self.searcher = searcher
        self.df = searcher.index.lexical.df
        self.facts = searcher.index.facts
        newest_period = published_period(searcher.index.manifest.newest_published)
        newest = newest_period.start if newest_period else None
        today = today or date.today()
        self.newest = min(newest, today) if newest else None  # a mistyped future date moves nothing
        self._tokens: dict[str, frozenset[str]] = {}
        self._numbers: dict[str, frozenset[str]] = {}
        self._ordinals: dict[str, frozenset[str]] = {}
        self._ordinals_known: dict[str, bool] = {}  # by number
        self._sounds: dict[str, frozenset[str]] = {}
        self._phrases: dict[str, bool] = {}  # by phrase: whether some passage writes it whole
        self._ordered: dict[str, tuple[str, ...]] = {}
        self._initials: dict[str, Initials] = {}
        self._lowered: dict[str, str] = {}  # articles' texts in small letters ("" where that moves characters)
        self._lowered_titles: dict[str, str] = {}  # articles' titles and texts in small letters
        self._periods: dict[str, tuple[Period, ...]] = {}
        self._leads: dict[str, tuple[Period, ...]] = {}  # of long articles' quotes, by article and first sentence
        self._spellings: dict[str, bool] = {}
        self._named: dict[str, bool] = {}  # by word in small letters: whether the passages that have it capitalize it
        self._acronyms: dict[str, bool] = {}  # by article and acronym
        self._parts: dict[str, Part] = {}  # parts of long articles, by article and sentences
        self._vocabulary: dict[str, list[str]] | None = None  # the corpus's words by their first letter
        everyday_words(), capitalized_words()  # read now, at start-up, not on the first question

    def tokens(self, text: str) -> frozenset[str]:
        """The index's tokens of a text that is no whole article (a quote, a sentence), kept by the text (a quote
        is judged more than once)."""
        return _text_tokens(text)

    def numbers(self, text: str) -> frozenset[str]:
        """The numbers a text writes, in digits or words."""
        return frozenset(written_numbers(text))

    def knows_number(self, number: str, shown: Sequence[Hit]) -> bool:
        """Whether some article writes the number: in digits (the build's table), in words, or in a shown hit's
        article (its title included)."""
        if number in self.facts.numbers or any(t in self.df for t in tokenize(NUMBER_NAMES.get(number, ""))):
            return True
        return any(number in self.article_numbers(h.article) for h in shown)

    def written_as_name(self, word: str, article: Article) -> bool:
        """Whether an article writes a word (in small letters) capitalized inside sentences, and never in small
        letters; read off the article's text in small letters, kept per article."""
        text, lowered = article.text, self._lowered_text(article)
        if lowered:
            found = whole_word_starts(lowered, word)
        else:
            found = (m.start() for m in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.IGNORECASE))
        capitalized = False
        for start in found:
            if text[start].islower():
                return False
            capitalized = capitalized or not _opens_sentence(text, start)
        return capitalized

    def named_elsewhere(self, word: str) -> bool:
        """Whether the passages BM25 ranks best for a word (in small letters, of one token) write it capitalized
        inside sentences and never in small letters: a name ("fomin") that the hits' articles never write, which
        no article of theirs can tell; kept per word."""

        def read() -> bool:
            tokens = tokenize(word)
            if len(tokens) != 1 or tokens[0] not in self.df:
                return False
            written = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)
            capitalized = False
            for text, start, end in self._best_passages(tokens):
                for m in written.finditer(text, start, end):
                    if text[m.start()].islower():
                        return False
                    capitalized = capitalized or not _opens_sentence(text, m.start())
            return capitalized

        return _kept(self._named, word, read)

    def _lowered_titled(self, article: Article) -> str:
        """An article's title and text in small letters, kept per article (`written_apart` reads it per name)."""
        return _kept(self._lowered_titles, article.id, lambda: _titled(article).lower(), KEPT_TEXTS)

    def _lowered_text(self, article: Article) -> str:
        """An article's text in small letters, kept per article ("" where lowering moves characters)."""

        def lowered() -> str:
            text = article.text.lower()
            return text if len(text) == len(article.text) else ""

        return _kept(self._lowered, article.id, lowered, KEPT_TEXTS)

    def near(self, hit: Hit) -> Article:
        """The article a hit's evidence is read from: the whole of it where it is of news length, else the
        (2 NEAR_BLOCKS + 1) BLOCKs of sentences around its quote, as an article of its own with the same title, date
        and language. The part starts at a block (or as many sentences before the end), so its parts are few."""
        article = hit.article
        sentences = self.searcher.sentences_of(article)
        count, size = len(sentences.spans), NEAR_SENTENCES
        if count <= size:
            return article
        first = sentences.index_of(hit.start)  # quotes are whole sentences
        last = bisect_right(sentences.starts, hit.end - 1) - 1
        start = max(0, min((first // BLOCK - NEAR_BLOCKS) * BLOCK, count - size))
        end = min(count, max(start + size, (last // BLOCK + NEAR_BLOCKS + 1) * BLOCK))  # a long quote, whole
        key = f"{article.id}#{start}-{end}"
        text = article.text[sentences.spans[start][0] : sentences.spans[end - 1][1]]
        return _kept(
            self._parts, key, lambda: Part(replace(article, id=key, text=text), article, start, end), KEPT_TEXTS
        ).part

    def article_tokens(self, article: Article) -> frozenset[str]:
        """The tokens of an article (or of a long one's part, `near`), its title included: its sentences' as the
        index keeps them (as its build tokenized them, and many times faster than tokenizing it anew)."""
        return _kept(self._tokens, article.id, lambda: self._tokens_of(article))

    def _tokens_of(self, article: Article) -> frozenset[str]:
        """`article_tokens`, worked out: from the index's terms of the article's sentences, or of its part's; by
        tokenizing its text where it is no article of the index, nor a part of one still kept."""
        part = self._parts.get(article.id)
        whole, start, end = (part.article, part.start, part.end) if part else (article, 0, None)
        if whole.id not in self.searcher.index.articles:
            return frozenset(tokenize(_titled(article)))
        sentences = self.searcher.sentences_of(whole)
        tokens = sentences.tokens.union(start, len(sentences.spans) if end is None else end)
        return frozenset(tokens.union(tokenize(article.title)) if article.title else tokens)

    def article_numbers(self, article: Article) -> frozenset[str]:
        """The numbers of an article, its title included ("Super Bowl 50")."""
        return _kept(self._numbers, article.id, lambda: frozenset(written_numbers(_titled(article))))

    def article_ordinals(self, article: Article) -> frozenset[str]:
        """The ordinals of an article, its title included, as numbers ("fourth", "4th": "4")."""
        return _kept(self._ordinals, article.id, lambda: ordinals_in(_titled(article)))

    def knows_ordinal(self, number: str) -> bool:
        """Whether some article may write the ordinal, as the index has its words and numbers: in words or digits,
        declined in Russian or Ukrainian (looked for among its words once), or its number in digits anywhere
        («16-й», "round 2"). Generous: it only keeps "No article mentions “fourth”." from being said."""
        if number in self.facts.numbers or any(t in self.df for form in ordinal_forms(number) for t in tokenize(form)):
            return True
        return _kept(
            self._ordinals_known,
            number,
            lambda: any(number in ordinals_in(t) for t in self.df if t.startswith(STEMS)),
        )

    def has_name(self, word: str, token: str, article: Article) -> bool:
        """Whether an article holds a name's word, in another form of it or spelled out (POWs: prisoners of war)."""
        tokens = self.article_tokens(article)
        ordered = _kept(self._ordered, article.id, lambda: tuple(sorted(tokens)))
        if holds_name(word, token, tokens, lambda: self.spelled(article), ordered):
            return True
        return written_apart(word, self._lowered_titled(article), _titled(article))

    def sounds_in(self, word: str, article: Article) -> bool:
        """Whether a name's word asked in Cyrillic sounds like a capitalized word of an article in Latin letters
        ("Бронкос": Broncos, "Мерц": Merz), which transliteration alone does not find. Too loose to find the
        name by (a claim never rests on it), it is enough not to call the name missing."""
        english = article.language in (None, "en")
        return english and is_cyrillic(word) and bool(_sound_keys(word) & self.article_sounds(article))

    def article_sounds(self, article: Article) -> frozenset[str]:
        """The `sound_key`s of an article's capitalized words, title included, kept per article."""
        return _kept(self._sounds, article.id, lambda: _sounds_of(_titled(article)))

    def writes_as_acronym(self, name: str, article: Article) -> bool:
        """Whether an article (its title included) writes a name of several words as its known acronym ("United
        States" as "US" or "U.S."), kept per article and acronym."""
        acronym = acronym_for(name)
        if acronym is None:
            return False
        return _kept(self._acronyms, f"{article.id}\0{acronym}", lambda: writes_acronym(acronym, _titled(article)))

    def knows_acronym(self, name: str, hits: Sequence[Hit]) -> bool:
        """Whether some article writes a name of several words as its known acronym: as the index has it (no
        known acronym's token is another word's: the US is "usa", apart from "us"), or in one of the hits'
        articles."""
        acronym = acronym_for(name)
        if acronym is None:
            return False
        if all(t in self.df for t in tokenize(acronym)):
            return True
        return any(self.writes_as_acronym(name, h.article) for h in hits)

    def knows_spelled_out(self, word: str) -> bool:
        """Whether a known acronym ("EU", "U.S.") is in some article as the name it stands for, "European Union"
        written as one name (not "union" and "European" apart, as any news has "united" and "states")."""
        acronym = acronym_of(word)
        name = stands_for(acronym) if acronym is not None else None
        return name is not None and _kept(self._phrases, name, lambda: self._writes_phrase(name))

    def _writes_phrase(self, phrase: str) -> bool:
        """Whether one of the PHRASE_PASSAGES passages BM25 ranks best for a phrase's words writes it whole."""
        tokens = tokenize(phrase)
        if not tokens or not all(t in self.df for t in tokens):
            return False
        # Each word perhaps possessive: "Donetsk People's Republic" is the "donetsk people republic" of KNOWN_ACRONYMS.
        words = [re.escape(w) + r"(?:['’]s)?" for w in phrase.split()]
        written = re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)", re.IGNORECASE)
        return any(written.search(text, start, end) for text, start, end in self._best_passages(tokens))

    def _best_passages(self, tokens: list[str]) -> list[tuple[str, int, int]]:
        """The PHRASE_PASSAGES passages BM25 ranks best for the tokens: each as its article's text and its span."""
        index, lexical = self.searcher.index, self.searcher.index.lexical
        ids, scores = lexical.matches(lexical.term_weights(tokens))
        return [
            (
                index.articles[index.articles.ids[row]].text,
                int(index.spans[first][0]),
                int(index.spans[first + count - 1][1]),
            )
            for row, first, count in index.passages.table[ids[np.argsort(-scores)[:PHRASE_PASSAGES]]].tolist()
        ]

    def spelled(self, article: Article) -> Initials:
        """The initials of an article's words, title included, to find acronyms spelled out in it."""
        return _kept(self._initials, article.id, lambda: initials(_titled(article)))

    def lead_periods(self, hit: Hit) -> tuple[Period, ...]:
        """Of a long article (a live blog, a long read), the dates of the nearest sentence before the quote that
        writes one, up to BLOCK sentences back: such an article dates a story once, in its first lines, and its
        own date is of the newest story. None of an article of news length, which its own date covers."""
        article = hit.article
        sentences = self.searcher.sentences_of(article)
        if len(sentences.spans) <= NEAR_SENTENCES:
            return ()
        first = sentences.index_of(hit.start)

        def read() -> tuple[Period, ...]:
            published = published_period(article.published)
            reference = published.start if published else self.newest
            for start, end in reversed(sentences.spans[max(0, first - BLOCK) : first]):
                found = periods_in(article.text[start:end], reference)
                if found:
                    return tuple(found)
            return ()

        return _kept(self._leads, f"{article.id}#{first}", read)

    def periods(self, article: Article) -> tuple[Period, ...]:
        """When an article speaks of: its publication date and every date it writes."""

        def read() -> tuple[Period, ...]:
            published = published_period(article.published)
            written = periods_in(_titled(article), published.start if published else self.newest)
            return ((published,) if published else ()) + tuple(written)

        return _kept(self._periods, article.id, read)

    def knows(self, word: str) -> bool:
        """Whether some article has the word, a spelling of it close enough to be the same name, or (a known acronym)
        the name it stands for."""
        tokens = tokenize(word)
        if not tokens or any(t in self.df for t in tokens) or self.knows_spelled_out(word):
            return True
        if (self.searcher.index.foreign or is_cyrillic(word)) and any(
            t in self.df for spelling in _other_scripts(word) for t in tokenize(spelling)
        ):
            return True  # the name as another script writes it (Стамбуле: Istanbul; Medinsky: Мединский)
        # An acronym's other spellings are closer still: ARPNET is ARPANET, NATO is no "nation".
        cutoff = CLOSE_ACRONYM if word.isupper() and acronym_of(word) is not None else CLOSE_SPELLING
        return _kept(
            self._spellings,
            word,
            lambda: any(get_close_matches(t, self._near(t), n=1, cutoff=cutoff) for t in tokens if len(t) > 3),
        )

    def _near(self, token: str) -> list[str]:
        """The corpus's words that may be another spelling of `token`: the same first letter, a length that
        can reach CLOSE_SPELLING (the shorter at least 2/3 of the longer)."""
        vocabulary = self._vocabulary
        if vocabulary is None:  # filled before it is shared: another thread must never read it half-made
            vocabulary = {}
            for t in self.df:
                if len(t) >= 3 and not t.isdigit():
                    vocabulary.setdefault(t[0], []).append(t)
            self._vocabulary = vocabulary
        return [t for t in vocabulary.get(token[0], ()) if 2 * len(token) <= 3 * len(t) <= 4.5 * len(token)]

    def dated(self, period: Period) -> bool:
        """Whether any article is published in the period or writes a date inside it (the build's table of days);
        for a day asked without its year, in any year."""
        days = self.facts.periods
        if not period.yearless:
            return _any_overlap(days, period)
        # A day asked without its year: in any year of a day or a month some article speaks of (as `Period.meets`).
        short = days[days[:, 1] - days[:, 0] <= DAY_OR_MONTH_DAYS]
        since_1970 = (short[:, 0].astype(np.int64) - _EPOCH_ORDINAL).astype("datetime64[D]")
        years = np.unique(since_1970.astype("datetime64[Y]").astype(np.int64) + 1970)
        candidates = (period.in_year(int(year) + back) for year in years for back in (-1, 0))
        return any(day is not None and _any_overlap(short, day) for day in candidates)


def _any_overlap(days: np.ndarray, period: Period) -> bool:
    """Whether any row of a table of days (ordinals, first and last) meets the period (news a few days late)."""
    last = period.end.toordinal() + DATE_SLACK_DAYS
    return bool(((days[:, 0] <= last) & (days[:, 1] >= period.start.toordinal())).any())


@lru_cache(maxsize=4096)
def _text_tokens(text: str) -> frozenset[str]:
    return frozenset(tokenize(text))


def _titled(article: Article) -> str:
    """An article's title and text: what a reader sees of it, and what a question may name from either."""
    return f"{article.title}\n{article.text}" if article.title else article.text


def _shown(hit: Hit) -> str:
    """What a reader sees of a hit: its article's title and its quote."""
    return f"{hit.article.title or ''}\n{hit.quote}"


def _shows_name(words: list[str], hit: Hit, corpus: Corpus) -> bool:
    """Whether a hit's quote or title, as shown, holds every word of a name, or the name as its acronym."""
    shown = _shown(hit)
    acronym = acronym_for(" ".join(words))
    if acronym is not None and writes_acronym(acronym, shown):
        return True
    tokens = corpus.tokens(shown)
    return all(
        holds_name(w, t, tokens, lambda: initials(shown)) or written_apart(w, shown.lower(), shown)
        for w in words
        for t in tokenize(w)
    )


@lru_cache(maxsize=1024)
def _sound_keys(word: str) -> frozenset[str]:
    """The `sound_key`s of a Cyrillic word's spellings in Latin letters (its dictionary form's too)."""
    return frozenset(filter(None, map(sound_key, _other_scripts(word))))


def _sounds_of(text: str) -> frozenset[str]:
    """The `sound_key`s of a text's capitalized words in Latin letters inside sentences (not "Task" of "Task
    forces met…")."""
    words = {m.group(0) for m in _CAPITALIZED_LATIN.finditer(text) if not _opens_sentence(text, m.start())}
    return frozenset(filter(None, map(sound_key, words)))


def _other_scripts(word: str) -> list[str]:
    """A word's spellings in the other script: of its dictionary form too, for a declined Cyrillic name."""
    forms = [word]
    if is_cyrillic(word):
        forms.append(lemma(word, word_language(word)))
    return [spelling for form in forms for spelling in transliterations(form)]


def _kept(cache: dict[str, T], key: str, make: Callable[[], T], limit: int = KEPT_PER_ARTICLE) -> T:
    """`make()`, kept in `cache` under `key`; at `limit` the oldest half goes. Safe from several threads at once:
    what is returned is never read back from the cache, which another thread may be thinning."""
    found = cache.get(key)
    if found is None:
        found = make()
        if len(cache) >= limit:
            for old in list(cache)[: limit // 2]:
                cache.pop(old, None)
        cache[key] = found
    return found


def question_facts(question: str, corpus: Corpus, hits: Sequence[Hit] = ()) -> QuestionFacts:
    """The question's terms, names, numbers, dates and expected answer type, weighed by the corpus.

    `hits` (the ones to judge) tell the names of a question typed in small letters: the words their
    articles write capitalized.
    """
    language, weights, expanded = corpus.searcher.terms(question)
    periods = periods_in(question, corpus.newest)
    if corpus.newest is not None:
        periods += relative_periods(question, corpus.newest)
    undated = question
    for p in periods:
        undated = undated.replace(p.text, " ")
    periods = placed_in_year(periods)
    # Typed all in small letters (a phone capitalizes the first one at most): names are told by the words.
    typed = language == "en" and _in_small_letters(undated)
    proper = _typed_names(undated, corpus, hits) if typed else set()
    names = tuple(n for n in _names(undated, proper) if tokenize(n))
    named = {w.lower() for n in names for w in n.split()}
    words = tuple(
        w
        for w in dict.fromkeys(_LETTERS.findall(undated))
        if w.lower() not in named
        and w.lower() not in MONTHS
        and w.lower() not in ORDINALS  # told apart as ordinals, whichever way an article writes them
        and tokenize(w)
        and not _linking(w.lower())
    )
    if language != "en":  # its everyday words are not the articles' (names are, across scripts)
        words = ()
    numbers = tuple(dict.fromkeys(numbers_in(undated)))
    series = tuple(dict.fromkeys(ordinals_asked(undated, language, first=True)))
    ordinals = tuple(o for o in series if o[1] != "1")
    expects, asked = next(((kind, m) for kind, pattern in _EXPECTING if (m := pattern.search(question))), (None, None))
    speakers = _speakers(asked, names) if expects == "statement" and asked is not None else ()
    return QuestionFacts(
        weights, names, words, numbers, ordinals, tuple(periods), expects, expanded, language, series, speakers
    )


def _speakers(asked: re.Match[str], names: Sequence[str]) -> tuple[str, ...]:
    """The names whose words a statement question asks for ("Fomin" of "What did Fomin say…", "China" of "How did
    China react…"): those written between its auxiliary and its verb of saying, before any preposition."""
    span = next((g for g in asked.groups() if g), "")
    who = {_bare(w).lower() for w in _WORD.findall(_PREPOSITION.split(span, maxsplit=1)[0])}
    return tuple(n for n in names if all(w.lower() in who for w in n.split()))


def _linking(word: str) -> bool:
    """Whether a word (in small letters) links or qualifies the question's things rather than naming one."""
    return word in _LINKING_WORDS or is_adverb(word)


def _names(question: str, proper: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Capitalized runs ("Marco Rubio", "Black Sea"), never the question's opening word, and words in `proper`
    (the articles' names, for a question typed in small letters) wherever they stand, written as the articles do."""
    found: list[str] = []
    run: list[str] = []
    written = [_bare(m.group(0)) for m in _WORD.finditer(question)]
    for i, word in enumerate(written):
        if word in proper:
            run.append(word)
            continue
        # A person's initials ("J.D." of J.D. Vance) are no name to find, as a single letter is not (F.B.I. is).
        following = written[i + 1] if i + 1 < len(written) else ""
        lettered = bool(DOTTED_ACRONYM.fullmatch(word)) and not known_acronym(word) and following[:1].isupper()
        if word[:1].isupper() and not (i == 0 or len(word) == 1 or lettered or word.lower() in _NEVER_NAMES):
            run.append(word)
            continue
        if run:
            found.append(" ".join(run))
            run = []
    if run:
        found.append(" ".join(run))
    return found


def _bare(word: str) -> str:
    """A word without its possessive: Russia's, the Panthers'."""
    return _POSSESSIVE.sub("", word)


def _typed_names(question: str, corpus: Corpus, hits: Sequence[Hit]) -> set[str]:
    """The words of a question typed in small letters that are names: letters and a number ("g7"), well-known
    acronyms ("eu"), words only ever written capitalized ("vienna"), words the hits' articles write capitalized
    inside sentences and never in small letters ("kyiv", "medinsky"), and words no article has that are no
    everyday English word nor an adverb made of one ("bodrum", not "conveniently"), or that the hits' articles never
    write and the passages that have them write as a name (`Corpus.named_elsewhere`: "fomin" of "what did fomin say
    at the council", where the council's article never names him), or written with hyphens, of which a part is none
    ("mar-a-lago", not "follow-up")."""
    articles = list({h.article.id: h.article for h in hits}.values())
    names = set()
    for word in map(_bare, _WORD.findall(question)):
        small = word.lower()
        if CODE.fullmatch(small) or small in ACRONYMS_AS_WORDS:  # "g7", "mh17", "s-400"; "eu", "nato"
            names.add(word)
            continue
        parts = [p for p in small.split("-") if len(p) >= 3]
        if "-" in small and small.replace("-", "").isalpha() and parts:  # a name where a part is no everyday word
            unusual = [p for p in parts if not is_everyday(p)]  # "lago" of "mar-a-lago"; none of "follow-up"
            if unusual and not any(corpus.knows(p) for p in unusual):  # an article's "Mar 3" makes no "mar-a-lago"
                names.add(word)
            continue
        if not word.isalpha() or len(word) == 1 or small in _NEVER_NAMES or not tokenize(word):
            continue
        uncommon = not is_everyday(small) and not is_adverb(small)
        if (
            small in capitalized_words()
            or any(corpus.written_as_name(small, article) for article in articles)
            or (uncommon and not corpus.knows(word))  # the dearer checks last; a word the hits' articles have is
            or (uncommon and not _in_any(small, articles, corpus) and corpus.named_elsewhere(small))  # told by them
        ):
            names.add(word)
    return names


def _in_any(word: str, articles: Sequence[Article], corpus: Corpus) -> bool:
    """Whether one of the articles has a word (in small letters) among its tokens."""
    return any(t in corpus.article_tokens(a) for a in articles for t in tokenize(word))


def _opens_sentence(text: str, at: int) -> bool:
    """Whether the word at `at` opens a sentence (or a paragraph, a quotation, a bracket)."""
    before = text[max(0, at - 8) : at].rstrip(" \t")
    return not before or before[-1] in _OPENS_AFTER


def _in_small_letters(question: str) -> bool:
    """Whether a question is typed in small letters: none but its first letter, or a lone "I", is a capital."""
    rest = re.sub(r"\bI\b", "i", question[1:])
    return rest == rest.lower()


def numbers_in(text: str) -> list[str]:
    """The numbers a text writes, without thousands separators."""
    return [m.group(0).replace(",", "") for m in _NUMBER.finditer(text)]


def written_numbers(text: str) -> list[str]:
    """The numbers a text writes, in digits, in words ("four": 4) or as a Roman numeral after a name ("Minsk II"),
    as digits without thousands separators."""
    spelled = [SPELLED_NUMBERS[m.group(0)] for m in _SPELLED_NUMBER.finditer(small_letters(text))]
    roman = [
        str(10 * len(m.group(1)) + _ROMAN_DIGITS[m.group(2)])
        for m in _ROMAN.finditer(text)
        if len(m.group(1) + m.group(2)) >= 2  # "I", "V" and "X" alone are too often something else
    ]
    return numbers_in(text) + spelled + roman


def evidence(facts: QuestionFacts, hit: Hit, hits: Sequence[Hit], corpus: Corpus) -> Evidence:
    """The signals of one hit against the question."""
    df = corpus.df
    judged = hits[:JUDGED_HITS]
    text = hit.article.text
    near = corpus.near(hit)  # the article, or its part around the quote where it is long
    quote, article = corpus.tokens(hit.quote), corpus.article_tokens(near)
    focus_text = text[hit.focus_start : hit.focus_end]
    focus = corpus.tokens(focus_text)
    total = sum(facts.weights.values()) or 1.0

    def coverage(tokens: frozenset[str]) -> float:  # a term counts when it, or its equivalent, is there
        return min(1.0, sum(w for t, w in facts.expanded.items() if t in tokens) / total)

    # The names' own words, weighed by rarity: a name no article has weighs the most. Where each is: 0 in the
    # quote, 1 in the article only (its title included; of a long one, the part around the quote), 2 in another
    # article only, or elsewhere in a long one (as the index has it, or another form of it or spelled out in a
    # judged hit's article), 3 in none.
    specific = {tok: (word, facts.weights.get(tok, 0.0)) for word in _name_words(facts) for tok in tokenize(word)}
    where = {}
    for tok, (word, _) in specific.items():
        in_article = corpus.has_name(word, tok, near)
        # An acronym is known to the corpus where a judged hit's article spells it out, or some passage writes the
        # name it stands for whole (a known one: "EU", "European Union").
        in_corpus = (
            in_article
            or holds(df, tok, longer=False)
            or _spelled_in(word, tok, judged, corpus)
            or corpus.knows_spelled_out(word)
        )
        spelled = partial(_quote_initials, hit.quote)
        in_quote = in_article and (
            holds_name(word, tok, quote, spelled) or written_apart(word, hit.quote.lower(), hit.quote)
        )
        where[tok] = 0 if in_quote else 1 if in_article else 2 if in_corpus else 3
    for name in facts.names:  # a name of several words written as its acronym ("United States": "U.S.")
        acronym, tokens = acronym_for(name), [tok for w in name.split() for tok in tokenize(w)]
        if acronym is None or all(where[tok] == 0 for tok in tokens):
            continue
        if writes_acronym(acronym, hit.quote):
            level = 0
        elif corpus.writes_as_acronym(name, near):
            level = 1
        else:
            level = 2 if corpus.knows_acronym(name, judged) else 3
        for tok in tokens:
            where[tok] = min(where[tok], level)
    named = sum(w for _, w in specific.values()) or 1.0
    names_missing_corpus, names_missing_article, names_missing_quote = (
        sum(w for tok, (_, w) in specific.items() if where[tok] == level) / named for level in (3, 2, 1)
    )
    unknown_name = any(
        not any(corpus.knows(word) or any(where[tok] < 3 for tok in tokenize(word)) for word in name.split())
        for name in facts.names
    )
    # An article's numbers and dates are read only when the question has some (a first read parses the article).
    number_absent = bool(facts.numbers) and bool(set(facts.numbers) - corpus.article_numbers(near))
    # Another round is no answer: an article that never writes the question's ordinal, in words or digits.
    ordinal_absent = any(n not in corpus.article_ordinals(near) for _, n in facts.ordinals)
    matched = bool(facts.periods) and (
        _overlap(facts.periods, _hit_periods(hit)) or _overlap(facts.periods, corpus.lead_periods(hit))
    )
    in_article = bool(facts.periods) and not matched and _overlap(facts.periods, corpus.periods(near))
    # An article that speaks of no time at all (undated, no date written) neither meets nor misses one.
    unmatched = bool(facts.periods) and not matched and not in_article and bool(corpus.periods(near))
    type_unmet = facts.expects is not None and not has_type(facts.expects, focus_text, hit.quote)
    unsaid = type_unmet and facts.expects == "statement"  # a sentence of the meeting, not of what was said there
    another = _another_of_series(facts.series, focus_text, hit.article.language or "en")
    others = [h.score for h in hits if h is not hit]
    features = np.array(
        [
            hit.score,
            hit.dense,
            hit.lexical,
            hit.focus,
            hit.score - max(others, default=0.0),
            coverage(quote),
            coverage(article),
            sum(w for t, w in facts.weights.items() if t not in df) / total,
            names_missing_corpus,
            names_missing_article,
            names_missing_quote,
            coverage(focus),
            float(matched),
            float(in_article),
            float(type_unmet and not unsaid),  # the answer types the model is fitted on: all but "statement"
            float(opens_article(hit)),
        ],
        dtype=np.float64,
    )
    ruled_out = unknown_name or number_absent or ordinal_absent or unmatched
    # Across languages a name is not found in another script's article by its tokens (as for the names' features).
    speaking = [tok for name in facts.speakers for word in name.split() for tok in tokenize(word)]
    across = judged_across(facts.language, hit.article)
    unheard = bool(speaking) and not across and all(where[tok] >= 2 for tok in speaking)
    return Evidence(features, ruled_out, unmatched, type_unmet, unsaid, another, unheard)


def opens_article(hit: Hit) -> bool:
    """Whether the hit's best sentence is its article's first: a news article's lead, which tells who met where and
    when, and so shares the words of every question about the meeting while it answers few of them ("Which hotel…",
    "Who sat with Biden…"). Of the fitted news sets' first hits, 17 of 131 whose best sentence is the lead hold the
    answer, against 66 of 205 of the others (dev figures)."""
    return not hit.article.text[: hit.focus_start].strip()


_quote_initials = lru_cache(maxsize=1024)(initials)  # a quote's, read for each acronym it is judged against


def _another_of_series(asked: Sequence[tuple[str, str]], focus: str, language: str) -> tuple[str, str] | None:
    """(asked, told) where the best sentence tells of another of the series asked about ("the fourth meeting", asked
    of the first) and of the one asked in no form; else None."""
    if not asked:
        return None
    told = ordinals_asked(focus, language, first=True)
    if not told or {n for _, n in asked} & ({n for _, n in told} | ordinals_in(focus, first=True)):
        return None
    return asked[0][0], told[0][0]


def _spelled_in(word: str, token: str, hits: Sequence[Hit], corpus: Corpus) -> bool:
    """Whether the articles of some of the hits hold a name's word (an acronym spelled out, another form)."""
    return any(corpus.has_name(word, token, h.article) for h in hits)


def _name_words(facts: QuestionFacts) -> list[str]:
    """The words of the question's names, each once."""
    return list(dict.fromkeys(word for name in facts.names for word in name.split()))


def _overlap(asked: Sequence[Period], found: Sequence[Period]) -> bool:
    """Whether a period asked about meets one found (news may be dated a few days after the event)."""
    return any(q.meets(h, DATE_SLACK_DAYS) for q in asked for h in found)


def _hit_periods(hit: Hit) -> list[Period]:
    """When the hit speaks of: its article's publication date and the dates its quote writes."""
    return list(_quote_periods(hit.quote, hit.article.published))


@lru_cache(maxsize=4096)
def _quote_periods(quote: str, published_on: str | None) -> tuple[Period, ...]:
    """A quote's dates and its article's publication date (kept: a hit is judged more than once)."""
    published = published_period(published_on)
    return tuple(([published] if published else []) + periods_in(quote, published.start if published else None))


def has_type(expects: str, focus: str, quote: str) -> bool:
    """Whether the best sentence (or, for names and places, the quote) holds an answer of the expected type."""
    if expects == "number":
        return bool(_NUMBER_WORDS.search(focus))
    if expects == "date":
        return bool(_TIME_WORDS.search(focus) or periods_in(focus, date(2000, 12, 31)))
    if expects == "statement":
        return bool(_REPORTED.search(focus))
    if expects == "duration":
        return bool(_DURATION.search(focus))
    if expects == "clock":
        return bool(_CLOCK.search(focus))
    return bool(_CAPITALIZED.search(focus) or _CAPITALIZED.search(quote))


def judged_across(language: str, article: Article) -> bool:
    """Whether a hit is judged by a model across languages: its question or its article is not in English (the
    English model reads the question's words as English ones in the article)."""
    return language != "en" or article.language not in (None, "en")


def judge(question: str, hits: list[Hit], corpus: Corpus, model: AnswerModel, min_score: float) -> Judgement:
    """Judge the best few hits; the likeliest answer goes first, and is claimed when its probability is high enough.

    When nothing is claimed, only hits scoring `min_score` are shown; beside a claimed answer, the next ranked ones.
    """
    if not question:
        return Judgement([], 0.0, False, [])
    facts = question_facts(question, corpus, hits[:JUDGED_HITS])
    language = facts.language
    models = [model.judging(language, h.article) for h in hits]
    judged = [
        (models[i].confidence(e.features, e.ruled_out) - models[i].threshold, i, e)
        for i, e in enumerate(evidence(facts, h, hits, corpus) for h in hits[:JUDGED_HITS])
    ]
    claimable = [t for t in judged if not _vetoed(t[2])]
    surplus, best, found = max(claimable, key=lambda t: (t[0], -t[1]), default=(-1.0, 0, None))
    if asks_for_recent(question):  # the search put recent articles first: keep the first one that answers
        surplus, best, found = next((t for t in claimable if t[0] >= 0), (surplus, best, found))
    if found is not None and surplus >= 0:  # beside an answer, the next ranked passages, however they score
        others = [h for i, h in enumerate(hits) if i != best]
        return Judgement([hits[best], *others], surplus + models[best].threshold, True, [])
    # The probability is the likeliest claimable hit's (what a lower threshold would claim); but the likeliest hit
    # goes first, a vetoed one too: it is the closest passage, and what the note tells of.
    probability = surplus + models[best].threshold if found is not None else 0.0
    surplus, best, found = max(judged, key=lambda t: (t[0], -t[1]), default=(-1.0, 0, None))
    others = [h for i, h in enumerate(hits) if i != best]
    related = [h for h in others if h.score >= min_score]
    first = [hits[best]] if hits and hits[best].score >= min_score else []
    missing = _missing(facts, first + related, hits[:JUDGED_HITS], found, corpus, bool(first))
    return Judgement(first + related, probability, False, missing)


def _vetoed(found: Evidence) -> bool:
    """Whether rules applied outside the fit keep a likely hit from being claimed: a best sentence that reports
    nothing said where a statement is asked for, or that tells of another of the series asked about, or an article
    that never names whose words are asked for."""
    return found.unsaid or found.another is not None or found.unheard


def _missing(
    facts: QuestionFacts,
    shown: list[Hit],
    judged: Sequence[Hit],
    found: Evidence | None,
    corpus: Corpus,
    found_shown: bool,
) -> list[Missing]:
    """What no article, or no passage shown, covers, in order, each once (`judged`: the hits judged; `found`: the
    likeliest one's evidence, and `found_shown` whether that hit is shown, first)."""
    notes = []
    seen = [*judged, *shown]
    for name in facts.names:
        words = name.split()
        unknown = [
            w
            for w in words
            if not corpus.knows(w)
            and not any(_spelled_in(w, t, seen, corpus) or holds(corpus.df, t, longer=False) for t in tokenize(w))
            and not any(corpus.sounds_in(w, h.article) for h in seen)
        ]
        if unknown and corpus.knows_acronym(name, seen):  # "United States" where an article writes "U.S."
            unknown = []
        respelled = any(tok not in corpus.df for tok in tokenize(name))  # known only as another spelling
        if unknown:  # the name whole where what is missing of it is no word of its own ("II" of "Minsk II")
            part = len(unknown) < len(words) and not all(_NO_WORD.fullmatch(w) for w in unknown)
            notes.append(Missing("unknown_name", " ".join(unknown) if part else name))
        elif shown and not respelled and not any(_shows_name(words, h, corpus) for h in shown):
            notes.append(Missing("name_not_shown", name))
    # Other words only when no spelling close to them is in any article ("leads" is close to "led").
    notes += [Missing("unknown_word", word) for word in facts.words if not corpus.knows(word)]
    for number in facts.numbers:
        if not corpus.knows_number(number, shown):
            notes.append(Missing("unknown_number", number))
        elif shown and not any(number in corpus.numbers(_shown(h)) for h in shown):
            notes.append(Missing("number_not_shown", number))
    for written, number in facts.ordinals:
        if not corpus.knows_ordinal(number):
            notes.append(Missing("unknown_word", written))
        elif shown and not any(number in ordinals_in(_shown(h)) for h in shown):
            notes.append(Missing("word_not_shown", written))
    if facts.periods and (found is None or found.date_unmatched):
        asked = facts.periods[0]
        closest, published = _when(shown[0]) if shown else (None, False)
        kind: MissingKind = "undated" if not corpus.dated(asked) else "not_from"
        notes.append(Missing(kind, period=asked, closest=closest, closest_published=published))
    if found is not None and found.type_unmet and facts.expects and found_shown:
        notes.append(Missing("no_type", facts.expects))
    if found is not None and found.another is not None and found_shown:
        written, told = found.another
        notes.append(Missing("another_of_series", written, other=told))
    if found is not None and found.unheard and found_shown:
        notes += [Missing("speaker_unnamed", name) for name in facts.speakers]
    return list(dict.fromkeys(notes))


def _when(hit: Hit) -> tuple[Period | None, bool]:
    """The date of a passage: its article's (True), else the first date its quote writes (False); None if neither."""
    published = published_period(hit.article.published)
    if published:
        return published, True
    written = periods_in(hit.quote, None)
    return (written[0] if written else None), False


def search_and_judge(corpus: Corpus, question: str, limit: int, params: SearchParams, model: AnswerModel) -> Judgement:
    """The whole answering step: ranked hits, then the judgement of them (no threshold on the ranking itself)."""
    hits = corpus.searcher.search(question, limit, replace(params, min_score=0.0))
    return judge(question, hits, corpus, model, params.min_score)
