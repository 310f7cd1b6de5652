"""The embedding cache: each article's split, vectors and terms, kept by the hash of its text.

A build, an addition and a resumed build all go through it: an article whose text (and date) was
encoded before with the same model and chunking is never encoded again (its dates and numbers are read
anew when their readers have learnt more since: DATES_VERSION; its terms are tokenized anew when the tokenizer's
dictionaries, stop words or glossary changed: `tokenizer_fingerprint`). Entries are written one
file per article as soon as it is encoded, atomically, so a build killed half way leaves every
finished article behind. Layout: EMBED_CACHE_DIR/<key of model and chunking>/<ab>/<hash>.npz.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from index.dates import DATES_VERSION
from index.lexical import tokenizer_fingerprint

log = logging.getLogger(__name__)

CACHE_VERSION = 2
_ARRAYS = (
    "sentences",
    "runs",
    "sentence_vectors",
    "passage_vectors",
    "cross_vectors",
    "terms",
    "term_ids",
    "term_rows",
    "numbers",
    "periods",
)


@dataclass(frozen=True)
class Entry:
    """One article made ready for an index: what the model and the tokenizer made of it."""

    sentences: np.ndarray  # (S, 2) int32 character spans, in order
    runs: np.ndarray  # (P, 2) int32: each passage's first sentence and its number of sentences
    sentence_vectors: np.ndarray  # (S, d) float16, normalized
    passage_vectors: np.ndarray  # (P, d) float16, normalized
    cross_vectors: np.ndarray  # (S, c) float16, normalized, by the multilingual model (c = 0 without it)
    terms: np.ndarray  # (T,) str: the article's distinct BM25 terms
    term_ids: np.ndarray  # int32 ids into `terms`, sentence after sentence
    term_rows: np.ndarray  # (S + 1,) int64: sentence i's terms are term_ids[term_rows[i]:term_rows[i + 1]]
    numbers: np.ndarray  # (N,) str: the numbers the article writes
    periods: np.ndarray  # (K, 2) int32: the days (ordinals, first and last) it is dated or speaks of
    dates_version: int = DATES_VERSION  # the `periods_in` that read `periods` (1: entries from before it was kept)
    tokenizer: str = field(default_factory=tokenizer_fingerprint)  # that of `terms` ("": from before it was kept)

    def damage(self, dimension: int, cross_dimension: int) -> str | None:
        """What does not fit together in the entry, or None."""
        s, p = len(self.sentences), len(self.runs)
        if self.sentence_vectors.shape != (s, dimension) or self.passage_vectors.shape != (p, dimension):
            return "vectors of the wrong shape"
        if self.cross_vectors.shape != (s, cross_dimension):
            return "multilingual vectors of the wrong shape"
        if len(self.term_rows) != s + 1 or int(self.term_rows[-1]) != len(self.term_ids):
            return "terms that do not fit the sentences"
        if p and (int((self.runs[:, 0] + self.runs[:, 1]).max()) > s or int(self.runs[:, 1].min()) < 1):
            return "passages beyond the sentences"
        return None


class EmbeddingCache:
    """Entries of one model and chunking under a folder; counts its hits and misses."""

    def __init__(self, root: Path, settings: dict[str, object]) -> None:
        # "tokenizer": 2 stays as it was when entries began to keep their tokenizer's fingerprint: terms made by
        # another tokenizer are tokenized anew from the entry's sentences, its vectors kept.
        fingerprint = json.dumps({**settings, "cache": CACHE_VERSION, "tokenizer": 2}, sort_keys=True).encode()
        self.folder = root / hashlib.blake2b(fingerprint, digest_size=8).hexdigest()
        self.hits = 0
        self.misses = 0

    def get(self, key: str, dimension: int, cross_dimension: int = 0) -> Entry | None:
        """The entry kept under `key`, or None; a damaged entry is a miss (and is encoded again)."""
        path = self._path(key)
        try:
            with np.load(path, allow_pickle=False) as data:
                version = int(data["dates_version"]) if "dates_version" in data.files else 1
                tokenizer = str(data["tokenizer"]) if "tokenizer" in data.files else ""
                entry = Entry(**{name: data[name] for name in _ARRAYS}, dates_version=version, tokenizer=tokenizer)
        except FileNotFoundError:
            self.misses += 1
            return None
        except Exception as exc:  # a torn or foreign file: whatever numpy raises
            log.warning("ignored a damaged cache entry %s: %s", path, exc)
            self.misses += 1
            return None
        problem = entry.damage(dimension, cross_dimension)
        if problem:
            log.warning("ignored a damaged cache entry %s: %s", path, problem)
            self.misses += 1
            return None
        self.hits += 1
        return entry

    def put(self, key: str, entry: Entry) -> None:
        """Keep an entry: written beside its place, then renamed over it, so it is whole or absent.

        A cache that cannot be written (full disk, read-only) is logged and skipped: the build goes on.
        """
        path = self._path(key)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as out:
                arrays = {name: getattr(entry, name) for name in _ARRAYS}
                np.savez(out, **arrays, dates_version=entry.dates_version, tokenizer=np.str_(entry.tokenizer))
            os.replace(tmp, path)
        except OSError as exc:
            log.warning("could not write the embedding cache at %s: %s", self.folder, exc)
            tmp.unlink(missing_ok=True)

    @property
    def hit_rate(self) -> float:
        """Share of lookups answered from the cache since it was opened."""
        total = self.hits + self.misses
        return self.hits / total if total else 0.0

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.npz"
