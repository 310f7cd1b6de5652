"""Hybrid search: dense (FAISS) and BM25 candidates, one fused score, and focused, non-overlapping quotes.

The fused score is `w * cosine + (1 - w) * normalized BM25`. Both parts are absolute (not
rank- or min-max-based), so one threshold on it separates questions the articles answer from
questions they do not. Within a passage the quote is centred on the sentence that best matches
the question and grows by neighbouring sentences up to a character budget.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from index.articles import Article
from index.chunking import Passage, Span
from index.embedder import Embedder
from index.lexical import tokenize
from index.store import Index

Mode = Literal["hybrid", "dense", "lexical"]
MAX_QUESTION_CHARS = 1000
CANDIDATES = 40
NEAR_DUPLICATE = 0.6
_SHINGLE_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Hit:
    """A quote that answers a question: its article, exact span, best sentence and scores."""

    article: Article
    passage: Passage
    score: float
    dense: float
    lexical: float
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
    """How a search ranks and cuts."""

    dense_weight: float = 0.5
    min_score: float = 0.0
    quote_chars: int = 360
    mode: Mode = "hybrid"


class Searcher:
    """Answers questions from one loaded index with one loaded model."""

    def __init__(self, index: Index, embedder: Embedder) -> None:
        self.index = index
        self.embedder = embedder

    def search(self, question: str, limit: int, params: SearchParams) -> list[Hit]:
        """Up to `limit` quotes scoring at least `params.min_score`, best first."""
        question = question.strip()[:MAX_QUESTION_CHARS]
        if not question or not self.index.passages:
            return []
        tokens = tokenize(question)
        query = self.embedder.encode([question])[0] if params.mode != "lexical" else None
        ids, dense, lexical = self._candidates(query, tokens, params.mode)
        w = {"hybrid": params.dense_weight, "dense": 1.0, "lexical": 0.0}[params.mode]
        fused = w * dense + (1.0 - w) * lexical
        weights = self.index.lexical.term_weights(tokens)
        hits: list[Hit] = []
        for rank in np.argsort(-fused, kind="stable"):
            if fused[rank] < params.min_score or len(hits) >= limit:
                break
            hit = self._quote(int(ids[rank]), weights, params.quote_chars, fused[rank], dense[rank], lexical[rank])
            if not any(_clashes(hit, kept) for kept in hits):
                hits.append(hit)
        return hits

    def _candidates(
        self, query: np.ndarray | None, tokens: list[str], mode: Mode
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Candidate passage ids with their dense and lexical scores."""
        n = len(self.index.passages)
        k = min(n, CANDIDATES)
        lexical_all = self.index.lexical.scores(tokens)
        found: list[np.ndarray] = []
        if query is not None:
            _, dense_ids = self.index.dense.search(query.reshape(1, -1), k)
            found.append(dense_ids[0][dense_ids[0] >= 0])
        if mode != "dense" and lexical_all.any():
            found.append(np.argpartition(-lexical_all, k - 1)[:k] if k < n else np.arange(n))
        ids = np.unique(np.concatenate(found)) if found else np.arange(0)
        dense = np.zeros(len(ids), dtype=np.float32)
        if query is not None and len(ids):
            dense = np.asarray(self.index.dense.reconstruct_batch(ids) @ query, dtype=np.float32)
        return ids, dense, lexical_all[ids]

    def _quote(
        self,
        passage_id: int,
        weights: dict[str, float],
        budget: int,
        score: float,
        dense: float,
        lexical: float,
    ) -> Hit:
        """The hit for a passage: its best sentence, widened by neighbours up to `budget` chars."""
        passage = self.index.passages[passage_id]
        article = self.index.articles[passage.article_id]
        sentences = passage.sentences
        matched = [sentence_match(article.text[s:e], weights) for s, e in sentences]
        best = max(range(len(sentences)), key=lambda i: (matched[i], -i))
        first = last = best
        while True:
            # Grow by the better-matching neighbour; an unrelated one only while the quote is short.
            options = [i for i in (first - 1, last + 1) if 0 <= i < len(sentences)]
            options.sort(key=lambda i: -matched[i])
            short = _span_len(sentences, first, last) < budget // 2
            grown = next(
                (
                    i
                    for i in options
                    if (matched[i] > 0 or short) and _span_len(sentences, min(first, i), max(last, i)) <= budget
                ),
                None,
            )
            if grown is None:
                break
            first, last = min(first, grown), max(last, grown)
        return Hit(
            article=article,
            passage=passage,
            score=float(score),
            dense=float(dense),
            lexical=float(lexical),
            start=sentences[first][0],
            end=sentences[last][1],
            focus_start=sentences[best][0],
            focus_end=sentences[best][1],
        )


def sentence_match(sentence: str, weights: dict[str, float]) -> float:
    """Share of the question's IDF weight whose terms the sentence contains."""
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    present = set(tokenize(sentence))
    return sum(w for t, w in weights.items() if t in present) / total


def _span_len(sentences: Sequence[Span], first: int, last: int) -> int:
    return sentences[last][1] - sentences[first][0]


def _clashes(hit: Hit, kept: Hit) -> bool:
    """Two quotes clash if they overlap in one article or say nearly the same thing."""
    if hit.article.id == kept.article.id:
        return hit.start < kept.end and kept.start < hit.end
    return _resemblance(hit.quote, kept.quote) >= NEAR_DUPLICATE


def _resemblance(a: str, b: str) -> float:
    """Containment of word 4-shingles: how much of the shorter text the longer one repeats."""
    sa, sb = _shingles(a), _shingles(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / min(len(sa), len(sb))


def _shingles(text: str, size: int = 4) -> set[tuple[str, ...]]:
    words = _SHINGLE_WORD.findall(text.lower())
    return {tuple(words[i : i + size]) for i in range(max(1, len(words) - size + 1))}
