"""Hybrid search: dense (FAISS) and BM25 candidates, one fused score, and focused, non-overlapping quotes.

A passage's score is `w * cosine + (1 - w) * normalized BM25`. Both parts are absolute (not rank-
or min-max-based), so one threshold separates questions the articles answer from the rest. The
best candidates are then scored sentence by sentence (the share of the question's rare words a
sentence holds, and the cosine of its contextual embedding); a hit's score blends its passage's
score with its best sentence's, and its quote is that sentence widened by neighbouring sentences
of the article up to a character budget.
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_left, bisect_right
from collections import OrderedDict
from collections.abc import Sequence, Set
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Literal, Protocol

import numpy as np

from index.articles import Article
from index.chunking import Passage, Span
from index.cleaning import strip_controls
from index.dates import published_period
from index.languages import Language, cross_terms, detect_language
from index.lexical import tokenize
from index.multilingual import CROSS_PASSAGE_SCALE, CROSS_SENTENCE_SCALE, MultilingualEncoder, multilingual_encoder
from index.recency import by_recency
from index.settings import IndexSettings
from index.store import Index

Mode = Literal["hybrid", "dense", "lexical"]
MAX_QUESTION_CHARS = 1000
CANDIDATES = 40  # passages taken from each retriever
RERANK = 12  # of those, the best by passage score get their sentences scored
KEPT_QUESTIONS = 64  # questions whose terms a searcher keeps (a search and its judgement share them)
KEPT_ARTICLES = 512  # articles whose sentences and tokens a searcher keeps, most recently used
NEAR_DUPLICATE = 0.6
CROSS_DENSE_WEIGHT = 0.8  # the dense share of passage and sentence scores for questions not in English
_SHINGLE_WORD = re.compile(r"\w+", re.UNICODE)
# Lone surrogates (from invalid UTF-8 on stdin or a JSON "\\ud800") break tokenizers; controls break output.
_UNPRINTABLE = re.compile(r"[\ud800-\udfff\x00-\x1f\x7f-\x9f\u2028\u2029]")


def clean_question(text: str) -> str:
    """A question fit to search and to show back: valid Unicode, one line, no control characters, bounded."""
    return " ".join(_UNPRINTABLE.sub(" ", strip_controls(text)).split())[:MAX_QUESTION_CHARS]


@dataclass(frozen=True)
class Hit:
    """A quote that answers a question: its article, exact span, best sentence and scores."""

    article: Article
    passage: Passage
    score: float
    dense: float
    lexical: float
    focus: float
    start: int
    end: int
    focus_start: int
    focus_end: int

    @property
    def quote(self) -> str:
        """The quoted text, exactly as it stands in the cleaned article."""
        return self.article.text[self.start : self.end]


@dataclass(frozen=True)
class SearchParams:
    """How a search ranks and cuts; made from the settings (`from_settings`), the one place they live."""

    dense_weight: float
    sentence_dense_weight: float
    focus_weight: float
    min_score: float
    quote_chars: int
    mode: Mode = "hybrid"

    @classmethod
    def from_settings(cls, settings: IndexSettings) -> SearchParams:
        """The parameters configured in the settings."""
        return cls(
            dense_weight=settings.dense_weight,
            sentence_dense_weight=settings.sentence_dense_weight,
            focus_weight=settings.focus_weight,
            min_score=settings.min_score,
            quote_chars=settings.quote_chars,
        )


class QueryEncoder(Protocol):
    """What a search needs of a model: embeddings of questions."""

    def encode(self, texts: Sequence[str], batch_size: int = 32, progress: bool = False) -> np.ndarray:
        """L2-normalized float32 embeddings, one row per text."""
        ...


class SentenceTokens:
    """The word tokens of an article's sentences, each sentence tokenized when first asked for (a question
    reads a few sentences of an article, not all of them)."""

    def __init__(self, text: str, spans: Sequence[Span]) -> None:
        self._text = text
        self._spans = spans
        self._tokens: list[frozenset[str] | None] = [None] * len(spans)

    def __getitem__(self, i: int) -> frozenset[str]:
        found = self._tokens[i]
        if found is None:
            start, end = self._spans[i]
            found = self._tokens[i] = frozenset(tokenize(self._text[start:end]))
        return found

    def __len__(self) -> int:
        return len(self._spans)


@dataclass(frozen=True)
class ArticleSentences:
    """An article's sentences in order, with the row of each one's embedding and its word tokens."""

    spans: list[Span]
    starts: list[int]
    rows: list[int]
    tokens: SentenceTokens
    language: int  # the article's, as its position in LANGUAGES

    def index_of(self, start: int) -> int:
        """The position of the sentence starting at `start`."""
        return bisect_left(self.starts, start)


@dataclass(frozen=True)
class Query:
    """A question made ready to search: its language, terms and vectors (English and multilingual)."""

    text: str
    language: Language
    weights: dict[str, float]  # IDF of the question's own terms
    expanded: dict[str, float]  # the same, with the terms of its other-language equivalents
    vector: np.ndarray | None  # by the English model: for English questions
    cross: np.ndarray | None  # by the multilingual model: for questions across languages

    @property
    def dense(self) -> bool:
        """Whether the question has a vector at all."""
        return self.vector is not None or self.cross is not None

    def english_model_for(self, article_language: int) -> bool:
        """Whether the English model judges this question against an article in this language (LANGUAGES)."""
        return self.vector is not None and (article_language == 0 or self.cross is None)


class SentenceScores:
    """Scores of sentences for one question, computed on first use."""

    def __init__(self, index: Index, query: Query, dense_weight: float) -> None:
        self._index = index
        self._query = query
        self._a = dense_weight if query.dense else 0.0
        self._cache: dict[tuple[str, int], tuple[float, float]] = {}
        self._cosines: dict[str, np.ndarray] = {}

    def __call__(self, article: Article, sentences: ArticleSentences, i: int) -> tuple[float, float]:
        """(score, share of the question's word weight) of sentence `i` of `article`."""
        key = (article.id, i)
        found = self._cache.get(key)
        if found is None:
            matched = sentence_match(sentences.tokens[i], self._query.weights, self._query.expanded)
            cosine = float(self._article_cosines(article, sentences)[i]) if self._a else 0.0
            found = self._cache[key] = (self._a * cosine + (1.0 - self._a) * matched, matched)
        return found

    def _article_cosines(self, article: Article, sentences: ArticleSentences) -> np.ndarray:
        """The question's cosine with each of an article's sentences, all read at once (their rows are in a row)."""
        cosines = self._cosines.get(article.id)
        if cosines is None:
            query, index = self._query, self._index
            rows = slice(sentences.rows[0], sentences.rows[-1] + 1) if sentences.rows else slice(0, 0)
            if query.english_model_for(sentences.language):
                assert query.vector is not None
                cosines = index.sentence_vectors[rows].astype(np.float32) @ query.vector
            elif query.cross is not None and index.cross_sentence_vectors is not None:
                cosines = CROSS_SENTENCE_SCALE(index.cross_sentences(rows) @ query.cross)
            else:
                cosines = np.zeros(len(sentences.rows), np.float32)
            self._cosines[article.id] = cosines
        return cosines


class Searcher:
    """Answers questions from one loaded index with one loaded model."""

    def __init__(
        self, index: Index, embedder: QueryEncoder, cross: MultilingualEncoder | None = None, expand: bool = True
    ) -> None:
        self.index = index
        self.embedder = embedder
        self.expand = expand  # widen questions by their terms in the other languages (the bench turns it off)
        # Loaded with the index, not on the first question that needs it.
        self.cross = cross or (multilingual_encoder() if index.cross is not None else None)
        newest = published_period(index.manifest.newest_published)
        self.newest = newest.start if newest else None
        self._sentences: OrderedDict[str, ArticleSentences] = OrderedDict()
        self._terms: OrderedDict[str, tuple[Language, dict[str, float], dict[str, float]]] = OrderedDict()
        self._lock = threading.Lock()

    def sentences_of(self, article: Article) -> ArticleSentences:
        """An article's sentences with their rows and tokens, worked out on first use; the recent ones are kept."""
        with self._lock:
            found = self._sentences.get(article.id)
            if found is not None:
                self._sentences.move_to_end(article.id)
                return found
        row = self.index.articles.rows[article.id]
        first, last = int(self.index.article_sentences[row]), int(self.index.article_sentences[row + 1])
        spans = [(int(a), int(b)) for a, b in self.index.spans[first:last]]
        tokens = SentenceTokens(article.text, spans)
        language = int(self.index.languages[row])
        found = ArticleSentences(spans, [a for a, _ in spans], list(range(first, last)), tokens, language)
        with self._lock:
            self._sentences[article.id] = found
            while len(self._sentences) > KEPT_ARTICLES:
                self._sentences.popitem(last=False)
        return found

    def search(self, question: str, limit: int, params: SearchParams) -> list[Hit]:
        """Up to `limit` quotes scoring at least `params.min_score`, best first, none overlapping."""
        question = clean_question(question)
        if not question or not self.index.passages:
            return []
        query = self.query(question, params.mode)
        ids, dense, lexical = self._candidates(query, params.mode)
        # A single-retriever mode is pure: its sentences are scored by that retriever's signal alone.
        w, a = {
            "hybrid": (params.dense_weight, params.sentence_dense_weight),
            "dense": (1.0, 1.0),
            "lexical": (0.0, 0.0),
        }[params.mode]
        if params.mode == "hybrid" and query.language != "en":  # BM25 across languages sees only names and glossary
            w = a = CROSS_DENSE_WEIGHT
        fused = w * dense + (1.0 - w) * lexical
        scores = SentenceScores(self.index, query, a)
        order = np.argsort(-fused, kind="stable")[: max(RERANK, 3 * limit)]
        scored = [
            self._hit(int(ids[r]), scores, params, float(fused[r]), float(dense[r]), float(lexical[r])) for r in order
        ]
        scored = by_recency(scored, question, self.newest)
        hits: list[Hit] = []
        for hit in scored:
            if hit.score < params.min_score or len(hits) >= limit:
                break
            fresh = self._without_overlap(self._widened(hit, scores, params), hits)
            if fresh is not None and not any(_near_duplicate(fresh, kept) for kept in hits):
                hits.append(fresh)
        return hits

    def terms(self, question: str) -> tuple[Language, dict[str, float], dict[str, float]]:
        """The question's language, the IDF of its terms, and the same widened by their other-language equivalents.

        Widened only where another language is in play (a Russian or Ukrainian question, or such articles).
        Kept for the last questions: the search and the judgement of one question both ask.
        """
        with self._lock:
            found = self._terms.get(question)
        if found is not None:
            return found
        language = detect_language(question)
        lexical = self.index.lexical
        weights = lexical.term_weights(tokenize(question))
        expanded = dict(weights)
        if self.expand and self.index.cross is not None and (language != "en" or self.index.foreign):
            extra = lexical.term_weights(cross_terms(question, language))
            expanded |= {t: w for t, w in extra.items() if t not in weights}
        found = (language, weights, expanded)
        with self._lock:
            self._terms[question] = found
            while len(self._terms) > KEPT_QUESTIONS:
                self._terms.popitem(last=False)
        return found

    def query(self, question: str, mode: Mode = "hybrid") -> Query:
        """The question's language, terms and vectors.

        English questions are encoded by the English model, and also by the multilingual one when some
        articles are in another language; Russian and Ukrainian questions by the multilingual one only.
        Their terms are widened by their equivalents in the other languages (names, the talks' words).
        """
        language, weights, expanded = self.terms(question)
        crossing = self.cross is not None and self.index.cross is not None and (language != "en" or self.index.foreign)
        vector = self.embedder.encode([question])[0] if mode != "lexical" and language == "en" else None
        cross = None
        if crossing and mode != "lexical":
            assert self.cross is not None
            cross = self.cross.encode([question])[0]
        return Query(question, language, weights, expanded, vector, cross)

    def _candidates(self, query: Query, mode: Mode) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Candidate passage ids with their dense and lexical scores (BM25 reads only the question's postings)."""
        k = min(len(self.index.passages), CANDIDATES)
        matched, matched_scores = self.index.lexical.matches(query.expanded, bound_weights=query.weights)
        found: list[np.ndarray] = []
        for vector, dense_index in ((query.vector, self.index.dense), (query.cross, self.index.cross)):
            if vector is not None and dense_index is not None:
                _, dense_ids = dense_index.search(vector.reshape(1, -1), k)
                found.append(dense_ids[0][dense_ids[0] >= 0])
        if mode != "dense" and len(matched):
            found.append(matched[np.argpartition(-matched_scores, k - 1)[:k]] if k < len(matched) else matched)
        ids = np.unique(np.concatenate(found)).astype(np.int64) if found else np.zeros(0, np.int64)
        dense = np.zeros(len(ids), dtype=np.float32)
        if len(ids) and query.dense:
            languages = self.index.languages[self.index.passages.table[ids, 0]]
            english = np.asarray([query.english_model_for(int(x)) for x in languages], bool)
            if english.any():
                assert query.vector is not None
                dense[english] = self.index.dense.reconstruct_batch(ids[english]) @ query.vector
            if (~english).any() and query.cross is not None and self.index.cross is not None:
                cosines = self.index.cross.reconstruct_batch(ids[~english]) @ query.cross
                dense[~english] = CROSS_PASSAGE_SCALE(np.asarray(cosines, np.float32))
        lexical = np.zeros(len(ids), dtype=np.float32)
        if len(matched) and len(ids):
            where = np.minimum(np.searchsorted(matched, ids), len(matched) - 1)
            hit = matched[where] == ids
            lexical[hit] = matched_scores[where[hit]]
        return ids, dense, lexical

    def _hit(
        self, passage_id: int, scores: SentenceScores, params: SearchParams, fused: float, dense: float, lexical: float
    ) -> Hit:
        """The hit for a passage, ranked by its best sentence, which is all its quote holds until `_widened`."""
        passage = self.index.passages[passage_id]
        article = self.index.articles[passage.article_id]
        sentences = self.sentences_of(article)
        first_of_passage = sentences.index_of(passage.start)
        best, focus = first_of_passage, -np.inf
        for i in range(first_of_passage, first_of_passage + len(passage.sentences)):
            score = scores(article, sentences, i)[0]
            if score > focus:  # the first of equals
                best, focus = i, score
        return Hit(
            article=article,
            passage=passage,
            score=(1.0 - params.focus_weight) * fused + params.focus_weight * focus,
            dense=dense,
            lexical=lexical,
            focus=focus,
            start=sentences.spans[best][0],
            end=sentences.spans[best][1],
            focus_start=sentences.spans[best][0],
            focus_end=sentences.spans[best][1],
        )

    def _widened(self, hit: Hit, scores: SentenceScores, params: SearchParams) -> Hit:
        """The hit with its quote grown from its best sentence by the article's neighbouring sentences (only the
        hits a search looks at get this: the ranking needs their best sentences alone)."""
        sentences = self.sentences_of(hit.article)
        best = sentences.index_of(hit.focus_start)
        first, last = _widen(hit.article, sentences, best, scores, params.quote_chars)
        return replace(hit, start=sentences.spans[first][0], end=sentences.spans[last][1])

    def _without_overlap(self, hit: Hit, kept: Sequence[Hit]) -> Hit | None:
        """The hit trimmed off quotes already kept from its article; None if its best sentence is among them."""
        same = [k for k in kept if k.article.id == hit.article.id and k.start < hit.end and hit.start < k.end]
        if not same:
            return hit
        if any(k.start < hit.focus_end and hit.focus_start < k.end for k in same):
            return None
        start = max([hit.start] + [k.end for k in same if k.end <= hit.focus_start])
        end = min([hit.end] + [k.start for k in same if k.start >= hit.focus_end])
        sentences = self.sentences_of(hit.article)
        first = bisect_left(sentences.starts, start)
        last = bisect_right(sentences.starts, end) - 1
        while sentences.spans[last][1] > end:  # the sentence starting before `end` may run past it
            last -= 1
        return replace(hit, start=sentences.spans[first][0], end=sentences.spans[last][1])


def _widen(
    article: Article, sentences: ArticleSentences, best: int, scores: SentenceScores, budget: int
) -> tuple[int, int]:
    """First and last sentence of the quote around `best`: grow by the better neighbour while it fits.

    A neighbour without any of the question's words is taken only while the quote is short.
    """
    first = last = best
    spans = sentences.spans
    while True:
        short = spans[last][1] - spans[first][0] < budget // 2
        before = scores(article, sentences, first - 1) if first > 0 else None
        after = scores(article, sentences, last + 1) if last + 1 < len(spans) else None
        # The better-scoring neighbour first (the one before on a tie); each taken if it fits.
        ordered = [(first - 1, before), (last + 1, after)]
        if before is not None and after is not None and after[0] > before[0]:
            ordered.reverse()
        grown = next(
            (
                i
                for i, scored in ordered
                if scored is not None
                and (scored[1] > 0 or short)
                and spans[max(last, i)][1] - spans[min(first, i)][0] <= budget
            ),
            None,
        )
        if grown is None:
            return first, last
        first, last = min(first, grown), max(last, grown)


def sentence_match(tokens: Set[str], weights: dict[str, float], expanded: dict[str, float] | None = None) -> float:
    """Share of the question's IDF weight whose terms (or, when given, their equivalents) are among a sentence's tokens.

    Equivalents in other languages count against the question's own weight, so the share stays at most 1.
    """
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    found = sum(w for t, w in (expanded or weights).items() if t in tokens)
    return min(1.0, found / total)


def _near_duplicate(hit: Hit, kept: Hit) -> bool:
    """A quote from another article that says nearly the same thing (the same wire story twice)."""
    return hit.article.id != kept.article.id and _resemblance(hit.quote, kept.quote) >= NEAR_DUPLICATE


def _resemblance(a: str, b: str) -> float:
    """Containment of word 4-shingles: how much of the shorter text the longer one repeats."""
    return containment(_quote_shingles(a), _quote_shingles(b))


def containment(a: Set[str], b: Set[str]) -> float:
    """The share of the smaller shingle set that the other holds (0 when either is empty)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def shingles(text: str, size: int = 4) -> frozenset[str]:
    """A text's word 4-shingles, each written as its words with a space between (strings: no garbage to collect)."""
    words = _SHINGLE_WORD.findall(text.lower())
    if len(words) <= size:
        return frozenset([" ".join(words)])
    return frozenset(map(" ".join, zip(*(words[i:] for i in range(size)), strict=False)))


_quote_shingles = lru_cache(maxsize=4096)(shingles)  # quotes are compared again and again; texts are not kept
