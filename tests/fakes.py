"""Test doubles: a deterministic embedder that needs no model."""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from index.embedder import encode_per_passage
from index.lexical import tokenize

_PIECE = re.compile(r"\w+|[^\w\s]", re.UNICODE)


class FakeEmbedder:
    """Hashes stemmed words into a vector: texts sharing words are near, others far."""

    def __init__(self, name: str = "fake-embedder", dimension: int = 64, max_tokens: int = 254) -> None:
        self.name = name
        self.dimension = dimension
        self.max_tokens = max_tokens

    def encode(self, texts: Sequence[str], batch_size: int = 32, progress: bool = False) -> np.ndarray:
        """One normalized bag-of-hashed-words vector per text."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for token in tokenize(text):
                slot = int(hashlib.md5(token.encode()).hexdigest(), 16) % self.dimension
                out[row, slot] += 1.0
            out[row, 0] += 0.01  # never the zero vector
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    def encode_with_spans(
        self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]], batch_size: int = 32
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Texts and each span's substring, encoded alike."""
        return FakeEmbedder.encode(self, texts), [
            FakeEmbedder.encode(self, [text[a:b] for a, b in text_spans]).reshape(len(text_spans), self.dimension)
            for text, text_spans in zip(texts, spans, strict=True)
        ]

    def encode_articles(
        self,
        texts: Sequence[str],
        sentences: Sequence[Sequence[tuple[int, int]]],
        runs: Sequence[Sequence[tuple[int, int]]],
        batch_size: int,
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """Each passage encoded on its own (through `encode_with_spans`, so its failing subclasses fail here too)."""
        return encode_per_passage(self, texts, sentences, runs, batch_size)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Words and punctuation marks, a stand-in for word pieces."""
        return [len(_PIECE.findall(t)) for t in texts]


class FailingEmbedder(FakeEmbedder):
    """Fails while encoding, as a model can."""

    def encode(self, texts: Sequence[str], batch_size: int = 32, progress: bool = False) -> np.ndarray:
        """Always fails."""
        raise RuntimeError("encoder exploded")

    def encode_with_spans(
        self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]], batch_size: int = 32
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Always fails."""
        raise RuntimeError("encoder exploded")


class SlowBuildEmbedder(FakeEmbedder):
    """Answers questions at once but takes `delay` seconds for each chunk a build embeds."""

    def __init__(self, delay: float = 2.0) -> None:
        super().__init__()
        self.delay = delay

    def encode_with_spans(
        self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]], batch_size: int = 32
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Like FakeEmbedder, slowly."""
        time.sleep(self.delay)
        return super().encode_with_spans(texts, spans, batch_size)


class BuildFailingEmbedder(FakeEmbedder):
    """Answers questions, but every build fails (an encoder crash mid-build)."""

    def encode_with_spans(
        self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]], batch_size: int = 32
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Always fails."""
        raise RuntimeError("out of memory while embedding")


def add_seed(seeds: Path, name: str, topic: str = "Geneva", paragraphs: int = 1) -> Path:
    """A new article file in the seeds folder, about rounds of talks in `topic` (`paragraphs` of them)."""
    body = "\n\n".join(
        f"Delegations met in {topic} for round {n + 1} of the talks. "
        f"They agreed to exchange prisoners of war and to meet again in {topic} next month."
        for n in range(paragraphs)
    )
    path = seeds / name
    path.write_text(
        f"---\ntitle: Talks in {topic}\nsource: Test Wire\npublished: 2025-06-02\n---\n{body}\n", encoding="utf-8"
    )
    return path
