"""The index on disk: generations of (FAISS, BM25, passages, articles, manifest) and an atomic swap.

Layout of INDEX_DIR:
    current -> gen-20261124T184400-1a2b   (a symlink, replaced atomically)
    gen-.../manifest.json, dense.faiss, sentences.npy, lexical/, passages.json, articles.json
A build writes a new generation beside the live one and only then repoints `current`; a failed
build leaves `current` as it was. Readers resolve `current` once, at load.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import shutil
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from index.articles import Article
from index.chunking import Passage
from index.errors import IndexCorruptError, IndexMismatchError, IndexMissingError
from index.lexical import LexicalIndex

log = logging.getLogger(__name__)

FORMAT_VERSION = 2
CURRENT = "current"
KEEP_GENERATIONS = 2


@dataclass(frozen=True)
class Manifest:
    """What an index was built from and with; checked on every load."""

    format_version: int
    model: str
    dimension: int
    max_tokens: int
    articles: int
    passages: int
    corpus_hash: str
    built_at: str
    build_seconds: float
    passage_sentences: int
    passage_overlap: int
    versions: dict[str, str]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Manifest:
        """Read a manifest, refusing one of an unknown shape."""
        try:
            return cls(**data)
        except TypeError as exc:
            raise IndexMismatchError(f"index manifest has an unexpected shape ({exc}); rebuild it") from exc


@dataclass(frozen=True)
class Index:
    """A loaded index: everything a search needs, immutable once loaded."""

    manifest: Manifest
    articles: dict[str, Article]
    passages: list[Passage]
    dense: faiss.Index
    sentence_vectors: np.ndarray  # one row per sentence of each passage, passages in order
    sentence_rows: np.ndarray  # passage i's sentences are rows sentence_rows[i]:sentence_rows[i + 1]
    lexical: LexicalIndex
    path: Path


def library_versions() -> dict[str, str]:
    """Versions of the libraries an index depends on."""
    versions = {"python": platform.python_version()}
    for package in ("faiss-cpu", "sentence-transformers", "torch", "bm25s", "numpy"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = "absent"
    return versions


def new_generation(index_dir: Path) -> Path:
    """A fresh, empty folder for a build, beside the live generation."""
    index_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    folder = index_dir / f"gen-{stamp}-{os.getpid()}-{time.monotonic_ns() % 100000:05d}"
    folder.mkdir()
    return folder


def write_generation(
    folder: Path,
    manifest: Manifest,
    articles: list[Article],
    passages: list[Passage],
    vectors: np.ndarray,
    sentence_vectors: np.ndarray,
    lexical: LexicalIndex,
) -> None:
    """Write every part of an index into `folder`, the manifest last."""
    dense = faiss.IndexFlatIP(manifest.dimension)
    if len(vectors):
        dense.add(vectors)
    faiss.write_index(dense, str(folder / "dense.faiss"))
    np.save(folder / "sentences.npy", sentence_vectors, allow_pickle=False)
    lexical_dir = folder / "lexical"
    lexical_dir.mkdir()
    lexical.save(lexical_dir)
    _write_json(folder / "passages.json", [_passage_row(p) for p in passages])
    _write_json(folder / "articles.json", [a.to_dict() for a in articles])
    _write_json(folder / "manifest.json", asdict(manifest))


def publish(index_dir: Path, folder: Path) -> None:
    """Point `current` at `folder` in one atomic rename, then prune old generations."""
    link = index_dir / CURRENT
    if link.exists() and not link.is_symlink():
        raise IndexCorruptError(f"{link} is not a symlink; move it away and rebuild")
    tmp = index_dir / f".{CURRENT}.{os.getpid()}.tmp"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(folder.name)
    os.replace(tmp, link)
    prune(index_dir)


def prune(index_dir: Path, keep: int = KEEP_GENERATIONS) -> None:
    """Delete all but the newest `keep` generations; never the live one."""
    live = live_generation(index_dir)
    generations = sorted(index_dir.glob("gen-*"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in generations[keep:]:
        if live is None or old.resolve() != live.resolve():
            shutil.rmtree(old, ignore_errors=True)


def discard(folder: Path) -> None:
    """Remove a generation that failed to build."""
    shutil.rmtree(folder, ignore_errors=True)


def live_generation(index_dir: Path) -> Path | None:
    """The folder `current` points at, or a folder that itself holds an index."""
    if (index_dir / "manifest.json").is_file():
        return index_dir
    link = index_dir / CURRENT
    if link.is_symlink() and (link / "manifest.json").is_file():
        return link.resolve()
    return None


def read_manifest(index_dir: Path) -> Manifest:
    """The live generation's manifest."""
    folder = live_generation(index_dir)
    if folder is None:
        raise IndexMissingError(f"no index at {index_dir}: build it with `python -m index build`")
    return Manifest.from_dict(_read_json(folder / "manifest.json"))


def check_manifest(manifest: Manifest, model: str, dimension: int | None = None) -> None:
    """Refuse an index built by another format or model than the one configured."""
    if manifest.format_version != FORMAT_VERSION:
        raise IndexMismatchError(
            f"index format {manifest.format_version} is not this version's ({FORMAT_VERSION}); "
            "rebuild it with `python -m index build`"
        )
    if manifest.model != model:
        raise IndexMismatchError(
            f"the index was built with model {manifest.model!r} but EMBEDDING_MODEL is {model!r}; "
            "rebuild it with `python -m index build` or set EMBEDDING_MODEL back"
        )
    if dimension is not None and manifest.dimension != dimension:
        raise IndexMismatchError(
            f"the index holds {manifest.dimension}-dimensional vectors but the model makes {dimension}; "
            "rebuild it with `python -m index build`"
        )


def load_index(index_dir: Path, model: str, dimension: int | None = None) -> Index:
    """Load the live generation, checking its manifest against the configured model."""
    manifest = read_manifest(index_dir)
    check_manifest(manifest, model, dimension)
    folder = live_generation(index_dir)
    assert folder is not None  # read_manifest found it
    try:
        dense = faiss.read_index(str(folder / "dense.faiss"))
        sentence_vectors = np.load(folder / "sentences.npy", allow_pickle=False)
        lexical = LexicalIndex.load(folder / "lexical")
        articles = [Article.from_dict(row) for row in _read_json(folder / "articles.json")]
        passages = [_passage_from_row(row) for row in _read_json(folder / "passages.json")]
    except (OSError, RuntimeError, ValueError, KeyError, TypeError) as exc:
        raise IndexCorruptError(f"cannot read the index at {folder}: {exc}; rebuild it") from exc
    sentence_rows = np.concatenate([[0], np.cumsum([len(p.sentences) for p in passages])]).astype(np.int64)
    if dense.ntotal != len(passages) or lexical.n_docs != len(passages) or sentence_rows[-1] != len(sentence_vectors):
        raise IndexCorruptError(
            f"the index at {folder} is inconsistent ({dense.ntotal} vectors, {len(passages)} passages); rebuild it"
        )
    articles_by_id = {a.id: a for a in articles}
    return Index(manifest, articles_by_id, passages, dense, sentence_vectors, sentence_rows, lexical, folder)


def _passage_row(p: Passage) -> list[Any]:
    return [p.id, p.article_id, p.start, p.end, [list(s) for s in p.sentences]]


def _passage_from_row(row: list[Any]) -> Passage:
    pid, article_id, start, end, sentences = row
    return Passage(int(pid), str(article_id), int(start), int(end), tuple((int(a), int(b)) for a, b in sentences))


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise IndexCorruptError(f"cannot read {path}: {exc}; rebuild the index") from exc
