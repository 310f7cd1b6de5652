"""The index on disk: generations of (FAISS, BM25, passages, articles, manifest) and an atomic swap.

Layout of INDEX_DIR:
    current -> gen-20261124T184400-1a2b   (a symlink, replaced atomically)
    gen-.../manifest.json, dense.faiss, sentences.npy, lexical/, passages.json, articles.json
    .lock   (held by a build from its start to its publish; holds the builder's pid)
A build takes the lock, makes its generation folder before any embedding (so a read-only or full
disk fails at once), writes the new generation beside the live one and only then repoints
`current`; a failed build leaves `current` as it was. A reader resolves `current` once and reads
everything from that one folder (`read_generation`), checking each part against the manifest.
"""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import platform
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from index.articles import Article, corpus_hash
from index.chunking import Passage
from index.errors import (
    BuildError,
    BuildInProgressError,
    IndexCorruptError,
    IndexFormatError,
    IndexMismatchError,
    IndexMissingError,
)
from index.lexical import LexicalIndex

log = logging.getLogger(__name__)

FORMAT_VERSION = 2
CURRENT = "current"
MANIFEST = "manifest.json"
LOCK = ".lock"
KEEP_GENERATIONS = 2
_WHY_UNWRITABLE = {
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "the folder is read-only for this user (permission denied)",
    errno.EPERM: "the folder is read-only for this user (operation not permitted)",
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up (disk full)",
    errno.ENOTDIR: "part of the path is a file, not a folder",
    errno.EEXIST: "it is a file, not a folder",
}


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
    def from_dict(cls, data: Any) -> Manifest:
        """Read a manifest, refusing another format's (whatever its fields) and a damaged one."""
        if not isinstance(data, dict):
            raise IndexCorruptError("the index manifest is not a JSON object; rebuild it")
        version = data.get("format_version")
        if version != FORMAT_VERSION:
            raise IndexFormatError(
                f"index format {version} is not this version's ({FORMAT_VERSION}); "
                "rebuild it with `python -m index build`",
                version,
            )
        try:
            return cls(**data)
        except TypeError as exc:
            raise IndexCorruptError(f"the index manifest has an unexpected shape ({exc}); rebuild it") from exc


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


@contextmanager
def writing_to(index_dir: Path) -> Iterator[None]:
    """Turn a failure to write the index into a BuildError that says why in plain words."""
    try:
        yield
    except OSError as exc:
        why = _WHY_UNWRITABLE.get(exc.errno or 0, exc.strerror or str(exc))
        raise BuildError(f"cannot write the index at {index_dir}: {why}") from exc


@contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """Hold INDEX_DIR/.lock for a build; while another build holds it, fail at once with BuildInProgressError."""
    with writing_to(index_dir):
        index_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(index_dir / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 20, 0).decode("ascii", "replace").strip() or "?"
            raise BuildInProgressError(
                f"another build (process {holder}) is writing the index at {index_dir}; "
                "wait for it to finish and try again"
            ) from None
        with writing_to(index_dir):  # the pid doubles as a probe: a full disk fails here, before any embedding
            pid = f"{os.getpid()}\n".encode()
            os.pwrite(fd, pid, 0)
            os.ftruncate(fd, len(pid))
        yield
    finally:
        os.close(fd)  # releases the lock


def new_generation(index_dir: Path) -> Path:
    """A fresh, empty folder for a build, beside the live generation."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    folder = index_dir / f"gen-{stamp}-{os.getpid()}-{time.monotonic_ns() % 100000:05d}"
    with writing_to(index_dir):
        index_dir.mkdir(parents=True, exist_ok=True)
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
    """The one writer of a generation: every part into `folder`, the manifest last."""
    dense = faiss.IndexFlatIP(manifest.dimension)
    if len(vectors):
        dense.add(vectors)
    with writing_to(folder.parent):
        # Serialized here rather than by faiss.write_index, so a full disk is an OSError with its errno.
        (folder / "dense.faiss").write_bytes(faiss.serialize_index(dense).tobytes())
        np.save(folder / "sentences.npy", sentence_vectors, allow_pickle=False)
        lexical_dir = folder / "lexical"
        lexical_dir.mkdir()
        lexical.save(lexical_dir)
        _write_json(folder / "passages.json", [_passage_row(p) for p in passages])
        _write_json(folder / "articles.json", [a.to_dict() for a in articles])
        _write_json(folder / MANIFEST, asdict(manifest))


def publish(index_dir: Path, folder: Path) -> None:
    """Point `current` at `folder` in one atomic rename; once this returns, the new generation is live."""
    link = index_dir / CURRENT
    if link.exists() and not link.is_symlink():
        raise IndexCorruptError(f"{link} is not a symlink; move it away and rebuild")
    tmp = index_dir / f".{CURRENT}.{os.getpid()}.tmp"
    with writing_to(index_dir):
        if tmp.is_symlink() or tmp.exists():
            tmp.unlink()
        tmp.symlink_to(folder.name)
        os.replace(tmp, link)


def prune(index_dir: Path, keep: int = KEEP_GENERATIONS) -> None:
    """Delete all but the newest `keep` generation folders, never the live one; failures are logged, never raised.

    Runs after a publish, which it must never undo: an entry it cannot judge or delete is left alone.
    """
    try:
        live = live_generation(index_dir)
        entries = list(index_dir.glob("gen-*"))
    except OSError as exc:
        log.warning("could not prune old index generations in %s: %s", index_dir, exc)
        return
    generations = []
    for entry in entries:
        if entry.is_dir() and not entry.is_symlink():
            generations.append(entry)
        else:
            log.warning("left %s alone while pruning: not a generation folder", entry)
    generations.sort(key=_modified, reverse=True)
    for old in generations[keep:]:
        if live is not None and old.resolve() == live:
            continue
        try:
            shutil.rmtree(old)
        except OSError as exc:
            log.warning("could not delete old index generation %s: %s", old, exc)


def discard(folder: Path) -> None:
    """Remove a generation that failed to build."""
    shutil.rmtree(folder, ignore_errors=True)


def live_generation(index_dir: Path) -> Path | None:
    """The folder `current` points at, resolved once (or `index_dir` itself if it holds an index); None if none."""
    if (index_dir / MANIFEST).is_file():
        return index_dir
    link = index_dir / CURRENT
    if not link.is_symlink():
        return None
    folder = link.resolve()
    return folder if (folder / MANIFEST).is_file() else None


def read_manifest(path: Path) -> Manifest:
    """The manifest of a generation folder, or of the live generation of an index folder."""
    folder = live_generation(path)
    if folder is None:
        raise IndexMissingError(f"no index at {path}: build it with `python -m index build`")
    return Manifest.from_dict(_read_json(folder / MANIFEST))


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
    """Load the live generation: `current` is resolved once and everything is read from that folder."""
    folder = live_generation(index_dir)
    if folder is None:
        raise IndexMissingError(f"no index at {index_dir}: build it with `python -m index build`")
    return read_generation(folder, model, dimension)


def read_generation(folder: Path, model: str, dimension: int | None = None) -> Index:
    """The one reader of a generation folder: every part, checked against the configured model and each other."""
    manifest = Manifest.from_dict(_read_json(folder / MANIFEST))
    check_manifest(manifest, model, dimension)
    try:
        dense = faiss.read_index(str(folder / "dense.faiss"))
        sentence_vectors = np.load(folder / "sentences.npy", allow_pickle=False)
        lexical = LexicalIndex.load(folder / "lexical")
        articles = [Article.from_dict(row) for row in _read_json(folder / "articles.json")]
        passages = [_passage_from_row(row) for row in _read_json(folder / "passages.json")]
    except IndexCorruptError:
        raise
    except Exception as exc:  # a damaged file raises whatever its parser raises: EOFError, RuntimeError, ...
        raise IndexCorruptError(f"cannot read the index at {folder}: {exc}; rebuild it") from exc
    articles_by_id = {a.id: a for a in articles}
    problem = _damage(manifest, articles, articles_by_id, passages, dense, sentence_vectors, lexical)
    if problem:
        raise IndexCorruptError(f"the index at {folder} is damaged: {problem}; rebuild it")
    sentence_rows = np.concatenate([[0], np.cumsum([len(p.sentences) for p in passages])]).astype(np.int64)
    return Index(manifest, articles_by_id, passages, dense, sentence_vectors, sentence_rows, lexical, folder)


def _damage(
    manifest: Manifest,
    articles: list[Article],
    articles_by_id: dict[str, Article],
    passages: list[Passage],
    dense: faiss.Index,
    sentence_vectors: np.ndarray,
    lexical: LexicalIndex,
) -> str | None:
    """What is wrong with a generation's parts, or None: shapes, counts, ids, spans and the corpus hash."""
    n = len(passages)
    if (len(articles), n) != (manifest.articles, manifest.passages):
        counted = f"{len(articles)} articles and {n} passages"
        return f"{counted}, but the manifest says {manifest.articles} and {manifest.passages}"
    if len(articles_by_id) != len(articles) or not all(isinstance(a.text, str) for a in articles):
        return "the articles have repeated ids or no text"
    if dense.d != manifest.dimension or dense.ntotal != n or lexical.n_docs != n:
        return f"{dense.ntotal} {dense.d}-dimensional vectors and {lexical.n_docs} BM25 documents for {n} passages"
    sentences = sum(len(p.sentences) for p in passages)
    expected = (sentences, manifest.dimension)
    if sentence_vectors.dtype != np.float32 or sentence_vectors.shape != expected:
        return f"sentences.npy holds {sentence_vectors.dtype} {sentence_vectors.shape}, not float32 {expected}"
    for i, p in enumerate(passages):
        article = articles_by_id.get(p.article_id)
        if article is None:
            return f"passage {i} belongs to article {p.article_id!r}, which is not in the index"
        if p.id != i or not _spans_fit(p, len(article.text)):
            return f"passage {i} does not fit its article's text"
    if corpus_hash(articles) != manifest.corpus_hash:
        return "the articles are not the ones it was built from (corpus hash)"
    return None


def _spans_fit(p: Passage, length: int) -> bool:
    """Whether a passage's sentences are non-empty, in order and inside its span, inside the text."""
    edges = [p.start] + [edge for span in p.sentences for edge in span] + [p.end]
    in_order = edges == sorted(edges) and all(a < b for a, b in p.sentences)
    return bool(p.sentences) and p.start >= 0 and p.end <= length and in_order


def _modified(path: Path) -> float:
    """A folder's modification time; 0 if it vanished meanwhile."""
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


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
    except (OSError, ValueError) as exc:  # ValueError: bad JSON or bytes that are not UTF-8
        raise IndexCorruptError(f"cannot read {path}: {exc}; rebuild the index") from exc
