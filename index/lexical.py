"""BM25 over passages (bm25s), with a score normalized per question so it can be thresholded."""

from __future__ import annotations

import json
import logging
import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

_TOKEN = re.compile(r"\w+", re.UNICODE)
_CYRILLIC = re.compile(r"[а-яё]")
K1 = 1.5
B = 0.75
DF_FILE = "df.json"


def _bm25s() -> Any:
    """The bm25s module, imported on first use; it sets its logger to DEBUG on import, so quiet it after."""
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)
    return bm25s


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN, STOPWORDS_RUSSIAN

    # Question words carry the question's form, not its topic: "who" must not match "who is".
    question_words = {"who", "whom", "whose", "what", "which", "when", "where", "why", "how", "does", "did"}
    question_words |= {
        "кто",
        "что",
        "какой",
        "какая",
        "какие",
        "когда",
        "где",
        "почему",
        "зачем",
        "как",
        "ли",
    }
    return frozenset(STOPWORDS_EN) | frozenset(STOPWORDS_RUSSIAN) | frozenset(question_words)


@lru_cache(maxsize=1)
def _stemmers() -> tuple[object, object]:
    import Stemmer

    return Stemmer.Stemmer("english"), Stemmer.Stemmer("russian")


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    english, russian = _stemmers()
    stemmer = russian if _CYRILLIC.search(word) else english
    return str(stemmer.stemWord(word))  # type: ignore[attr-defined]


def tokenize(text: str) -> list[str]:
    """Lower-cased, stop-word-free, stemmed word tokens (English and Russian)."""
    stop = _stopwords()
    return [_stem(w) for w in _TOKEN.findall(text.lower().replace("ё", "е")) if w not in stop]


def idf(df: int, n_docs: int) -> float:
    """Lucene's BM25 inverse document frequency; a term in no document gets the highest."""
    return math.log(1.0 + (n_docs - df + 0.5) / (df + 0.5))


class LexicalIndex:
    """A BM25 index of passages and their document frequencies."""

    def __init__(self, retriever: object, df: dict[str, int], n_docs: int) -> None:
        self._retriever = retriever
        self.df = df
        self.n_docs = n_docs

    @classmethod
    def build(cls, texts: Sequence[str]) -> LexicalIndex:
        """Index passage texts."""
        corpus = [tokenize(text) or [""] for text in texts]
        retriever = _bm25s().BM25(k1=K1, b=B, method="lucene")
        retriever.index(corpus, show_progress=False)
        df = Counter(token for doc in corpus for token in set(doc) if token)
        return cls(retriever, dict(df), len(texts))

    def save(self, folder: Path) -> None:
        """Write the index into `folder`."""
        self._retriever.save(str(folder), show_progress=False)  # type: ignore[attr-defined]
        (folder / DF_FILE).write_text(json.dumps({"n_docs": self.n_docs, "df": self.df}), encoding="utf-8")

    @classmethod
    def load(cls, folder: Path) -> LexicalIndex:
        """Read an index written by `save`."""
        retriever = _bm25s().BM25.load(str(folder), show_progress=False, verbosity=0)
        data = json.loads((folder / DF_FILE).read_text(encoding="utf-8"))
        return cls(retriever, {str(k): int(v) for k, v in data["df"].items()}, int(data["n_docs"]))

    def term_weights(self, tokens: Sequence[str]) -> dict[str, float]:
        """IDF of each distinct query term."""
        return {t: idf(self.df.get(t, 0), self.n_docs) for t in dict.fromkeys(tokens)}

    def scores(self, weights: dict[str, float]) -> np.ndarray:
        """BM25 of every passage for the query terms (`term_weights`), divided by the best any passage could score.

        The bound is sum(idf * (k1 + 1)) over the query's terms, terms absent from the corpus
        included: a question about things the articles never mention scores near zero.
        """
        bound = sum(weights.values()) * (K1 + 1)
        known = [t for t in weights if t in self.df]
        if not known or bound <= 0:
            return np.zeros(self.n_docs, dtype=np.float32)
        raw = self._retriever.get_scores(known)  # type: ignore[attr-defined]
        return np.asarray(raw, dtype=np.float32) / np.float32(bound)
