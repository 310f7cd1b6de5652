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
from collections.abc import Iterable, Iterator, Sequence, Set
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal, Protocol

import numpy as np

from index.articles import Article
from index.chunking import Span
from index.cleaning import strip_controls
from index.dates import published_period
from index.languages import Language, cross_terms, detect_language
from index.lexical import SentenceTerms, tokenize
from index.multilingual import CROSS_PASSAGE_SCALE, CROSS_SENTENCE_SCALE, MultilingualEncoder, multilingual_encoder
from index.recency import by_recency
from index.settings import IndexSettings
from index.store import Index, nearest

Mode = Literal["hybrid", "dense", "lexical"]
MAX_QUESTION_CHARS = 1000
CANDIDATES = 40  # passages taken from each retriever
RERANK = 12  # of those, the best by passage score get their sentences scored
KEPT_QUESTIONS = 64  # questions whose terms a searcher keeps (a search and its judgement share them)
KEPT_ARTICLES = 512  # articles whose sentences and tokens a searcher keeps, most recently used
BLOCK = 16  # an article's sentences are tokenized, and scored for a question, this many at a time
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

    def quoting(self, start: int, end: int) -> Hit:
        """The same hit with its quote spanning `start`..`end` (`dataclasses.replace`, without its cost per call)."""
        return Hit(
            self.article,
            self.score,
            self.dense,
            self.lexical,
            self.focus,
            start,
            end,
            self.focus_start,
            self.focus_end,
        )


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
    """Where each word token of an article's sentences occurs, read a block of BLOCK sentences at a time, on
    first use (a question reads a few passages of an article, not all of it): from the terms the index keeps
    per sentence, or, in an index built before it kept them, by tokenizing the sentences."""

    def __init__(
        self,
        text: str,
        spans: Sequence[Span],
        terms: SentenceTerms | None = None,
        vocabulary: Sequence[str] = (),
        first: int = 0,
    ) -> None:
        self._text = text
        self._spans = spans
        self._terms, self._vocabulary, self._first = terms, vocabulary, first  # `first`: the article's first row
        self._blocks: list[dict[str, list[int]] | None] = [None] * -(-len(spans) // BLOCK)

    def where(self, block: int) -> dict[str, list[int]]:
        """Each token of a block's sentences, with the positions in the block of the sentences holding it."""
        found = self._blocks[block]
        if found is None:  # filled before it is shared: searches in other threads read it
            found = {}
            for i, tokens in enumerate(self._tokens(block * BLOCK, min(len(self._spans), (block + 1) * BLOCK))):
                for token in tokens:
                    found.setdefault(token, []).append(i)
            self._blocks[block] = found
        return found

    def union(self, start: int, end: int) -> set[str]:
        """The tokens of the sentences from `start` to `end` (excluded), together."""
        found: set[str] = set()
        for tokens in self._tokens(start, end):
            found.update(tokens)
        return found

    def _tokens(self, start: int, end: int) -> Iterator[Iterable[str]]:
        """The distinct tokens of each sentence from `start` to `end` (excluded)."""
        if self._terms is None:
            return (set(tokenize(self._text[a:b])) for a, b in self._spans[start:end])
        vocabulary = self._vocabulary
        return (map(vocabulary.__getitem__, ids) for ids in self._terms.of(self._first + start, self._first + end - 1))

    @property
    def blocks(self) -> int:
        """How many blocks of sentences the article has."""
        return len(self._blocks)

    def read(self, block: int) -> bool:
        """Whether a block's sentences are read yet."""
        return self._blocks[block] is not None


@dataclass(frozen=True)
class ArticleSentences:
    """An article's sentences in order, with the rows of their embeddings (one run) and their word tokens."""

    spans: list[Span]
    starts: list[int]
    rows: range
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


class ArticleScores:
    """One question's scores of an article's sentences, and the share of its word weight each one holds, filled
    in a block of sentences at a time (`SentenceScores`)."""

    def __init__(self, sentences: int, dense: bool) -> None:
        self.dense = dense  # whether a sentence's score has a dense part (its cosine, read with its block)
        self.scores = np.zeros(sentences, np.float64)
        self.shares = np.zeros(sentences, np.float64)
        self.blocks = [False] * -(-sentences // BLOCK)  # which are filled in


class SentenceScores:
    """Scores of sentences for one question, worked out in numpy a block of an article's sentences at a time."""

    def __init__(self, index: Index, query: Query, dense_weight: float) -> None:
        self._index = index
        self._query = query
        self._a = dense_weight if query.dense else 0.0
        self._scored: dict[str, ArticleScores] = {}

    def __call__(self, article: Article, sentences: ArticleSentences, first: int, last: int) -> ArticleScores:
        """The scores of `article`'s sentences, those from `first` to `last` worked out: dense weight x cosine + the
        rest x share of the question's words."""
        scored = self._scored.get(article.id)
        if scored is None:
            scored = self._scored[article.id] = ArticleScores(len(sentences.spans), bool(self._a))
        for block in range(first // BLOCK, last // BLOCK + 1):
            if not scored.blocks[block]:
                self._fill(sentences, block, scored)
        return scored

    def _fill(self, sentences: ArticleSentences, block: int, scored: ArticleScores) -> None:
        """Score a block of an article's sentences."""
        start, end = block * BLOCK, min(len(sentences.spans), (block + 1) * BLOCK)
        shares = sentence_matches(sentences.tokens.where(block), end - start, self._query)
        scored.shares[start:end] = shares
        if scored.dense:
            cosines = self._cosines(sentences, start, end).astype(np.float64)
            scored.scores[start:end] = self._a * cosines + (1.0 - self._a) * shares
        else:
            scored.scores[start:end] = shares
        scored.blocks[block] = True

    def _cosines(self, sentences: ArticleSentences, start: int, end: int) -> np.ndarray:
        """The question's cosine with an article's sentences from `start` to `end` (a block: their rows are in a row;
        a live blog has hundreds, of which a question reads a few)."""
        query, index = self._query, self._index
        rows = slice(sentences.rows.start + start, sentences.rows.start + end)
        if query.english_model_for(sentences.language):
            assert query.vector is not None
            return index.sentence_vectors[rows].astype(np.float32) @ query.vector
        if query.cross is not None and index.cross_sentence_vectors is not None:
            return CROSS_SENTENCE_SCALE(index.cross_sentences(rows) @ query.cross)
        return np.zeros(end - start, np.float32)


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
        tokens = SentenceTokens(article.text, spans, self.index.sentence_terms, self.index.lexical.terms, first)
        language = int(self.index.languages[row])
        found = ArticleSentences(spans, [a for a, _ in spans], range(first, last), tokens, language)
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
        scored = by_recency(
            self._ranked(ids[order], fused[order], dense[order], lexical[order], scores, params), question, self.newest
        )
        hits: list[Hit] = []
        for hit in scored:
            if hit.score < params.min_score or len(hits) >= limit:
                break
            if any(_quotes_focus(kept, hit) for kept in hits):  # its best sentence is quoted already
                continue
            fresh = self._without_overlap(self._widened(hit, scores, params), hits)
            if not _repeats(fresh, hits):
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
                dense_ids = nearest(dense_index, vector, k)
                found.append(dense_ids[dense_ids >= 0])
        if mode != "dense" and len(matched):
            found.append(matched[np.argpartition(-matched_scores, k - 1)[:k]] if k < len(matched) else matched)
        ids = _distinct(np.concatenate(found)) if found else np.zeros(0, np.int64)
        dense = np.zeros(len(ids), dtype=np.float32)
        if len(ids) and query.dense:
            languages = self.index.languages[self.index.passages.table[ids, 0]]
            english = languages == 0 if query.cross is not None else np.ones(len(ids), bool)
            english &= query.vector is not None  # as `query.english_model_for`, for every candidate at once
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

    def _ranked(
        self,
        ids: np.ndarray,
        fused: np.ndarray,
        dense: np.ndarray,
        lexical: np.ndarray,
        scores: SentenceScores,
        params: SearchParams,
    ) -> list[Hit]:
        """A hit for each candidate passage, ranked by its best sentence, which is all its quote holds until
        `_widened`: its score blends the passage's (`fused`) with that sentence's."""
        hits = []
        table, ids_of = self.index.passages.table[ids].tolist(), self.index.articles.ids
        f = params.focus_weight
        read: dict[int, tuple[Article, ArticleSentences]] = {}  # candidates share articles
        for (row, first, count), passage, dense_score, lexical_score in zip(
            table, fused.tolist(), dense.tolist(), lexical.tolist(), strict=True
        ):
            if row not in read:
                article = self.index.articles[ids_of[row]]
                read[row] = (article, self.sentences_of(article))
            article, sentences = read[row]
            first -= sentences.rows.start  # the passage's first sentence, counted in its article
            scored = scores(article, sentences, first, first + count - 1).scores
            best = first + int(scored[first : first + count].argmax())  # the first of equals
            focus = float(scored[best])
            start, end = sentences.spans[best]
            hits.append(
                Hit(article, (1.0 - f) * passage + f * focus, dense_score, lexical_score, focus, start, end, start, end)
            )
        return hits

    def _widened(self, hit: Hit, scores: SentenceScores, params: SearchParams) -> Hit:
        """The hit with its quote grown from its best sentence by the article's neighbouring sentences (only the
        hits a search looks at get this: the ranking needs their best sentences alone)."""
        sentences = self.sentences_of(hit.article)
        best = sentences.index_of(hit.focus_start)
        first, last = _widen(hit.article, sentences, best, scores, params.quote_chars)
        return hit.quoting(sentences.spans[first][0], sentences.spans[last][1])

    def _without_overlap(self, hit: Hit, kept: Sequence[Hit]) -> Hit:
        """The hit trimmed off quotes already kept from its article (none of which holds its best sentence)."""
        same = [k for k in kept if k.article.id == hit.article.id and k.start < hit.end and hit.start < k.end]
        if not same:
            return hit
        start = max([hit.start] + [k.end for k in same if k.end <= hit.focus_start])
        end = min([hit.end] + [k.start for k in same if k.start >= hit.focus_end])
        sentences = self.sentences_of(hit.article)
        first = bisect_left(sentences.starts, start)
        last = bisect_right(sentences.starts, end) - 1
        while sentences.spans[last][1] > end:  # the sentence starting before `end` may run past it
            last -= 1
        return hit.quoting(sentences.spans[first][0], sentences.spans[last][1])


def _distinct(ids: np.ndarray) -> np.ndarray:
    """The ids sorted, each once, as int64 (`np.unique` without its cost per call on a few dozen ids)."""
    ids = np.sort(ids).astype(np.int64)
    first = np.ones(len(ids), bool)
    first[1:] = ids[1:] != ids[:-1]
    return ids[first]


def _quotes_focus(kept: Hit, hit: Hit) -> bool:
    """Whether a kept quote holds (part of) the hit's best sentence."""
    return kept.article.id == hit.article.id and kept.start < hit.focus_end and hit.focus_start < kept.end


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
        # The better-scoring neighbour first (the one before on a tie); each taken if it fits.
        ordered = [i for i in (first - 1, last + 1) if 0 <= i < len(spans)]
        if not ordered:  # the whole article
            return first, last
        scored = scores(article, sentences, ordered[0], ordered[-1])
        if len(ordered) == 2 and scored.scores[last + 1] > scored.scores[first - 1]:
            ordered.reverse()
        grown = next(
            (
                i
                for i in ordered
                if (scored.shares[i] > 0 or short) and spans[max(last, i)][1] - spans[min(first, i)][0] <= budget
            ),
            None,
        )
        if grown is None:
            return first, last
        first, last = min(first, grown), max(last, grown)


def sentence_matches(where: dict[str, list[int]], sentences: int, query: Query) -> np.ndarray:
    """Each sentence's share of the question's IDF weight whose terms (or their equivalents) it holds, given where
    each token of those sentences occurs (a block's, `SentenceTokens.where`: each sentence once per token).

    Equivalents in other languages count against the question's own weight, so a share stays at most 1.
    """
    total = sum(query.weights.values())
    if total <= 0:
        return np.zeros(sentences, np.float64)
    found = [0.0] * sentences  # summed in Python: a block is a few sentences, and numpy costs per call
    for term, weight in query.expanded.items():
        for i in where.get(term, ()):
            found[i] += weight
    return np.minimum(1.0, np.array(found, np.float64) / total)


def _repeats(hit: Hit, kept: Sequence[Hit]) -> bool:
    """Whether a kept quote from another article says nearly the same thing (the same wire story twice)."""
    others = [k for k in kept if k.article.id != hit.article.id]
    if not others:
        return False
    said = _quote_shingles(hit.quote)
    return any(containment(said, _quote_shingles(k.quote)) >= NEAR_DUPLICATE for k in others)


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
