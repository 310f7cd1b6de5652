"""The index on disk: generations of (FAISS, BM25, passages, articles, manifest) and an atomic swap.

Layout of INDEX_DIR:
    current -> gen-20261124T184400-1a2b   (a symlink, replaced atomically)
    gen-.../manifest.json     what it was built from and with; written last
            dense.faiss       passage vectors, 8-bit scalar-quantized (IVF above ANN_MIN_PASSAGES), memory-mapped
            sentences.npy     sentence vectors, float16, memory-mapped
            spans.npy         (S, 2) int32: each sentence's characters in its article, articles in row order
            passages.npy      (P, 3) int32: each passage's article row, first sentence row, number of sentences
            lexical/          BM25 postings (.npy, memory-mapped) and vocabulary; each sentence's terms
            articles.sqlite   the articles, texts read on demand (index/article_table.py)
            facts.json        the numbers the articles write and the days they speak of (answerability)
    .lock   (held by a build from its start to its publish; holds the builder's pid)
Every part is an array or a file read on demand, so a process's start-up and memory grow with what it
maps and touches, not with the archive.
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
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from functools import cached_property
from importlib import metadata
from pathlib import Path
from typing import Any, BinaryIO, overload

import faiss
import numpy as np

from index.article_table import FILE as ARTICLES_FILE
from index.article_table import ArticleTable, append_table, write_table
from index.articles import Article
from index.chunking import Passage
from index.errors import (
    BuildError,
    BuildInProgressError,
    IndexCorruptError,
    IndexFormatError,
    IndexMismatchError,
    IndexMissingError,
)
from index.languages import LANGUAGES
from index.lexical import (
    SENTENCE_TERM_ROWS,
    SENTENCE_TERMS,
    LexicalIndex,
    SentenceTerms,
    appended_terms,
    mapped,
    merged,
    tokenizer_fingerprint,
)

log = logging.getLogger(__name__)

FORMAT_VERSION = 4
# Multilingual sentence vectors are kept as int8 times this: half the bytes of float16, cosines move by at most 0.0013.
CROSS_UNIT = 1000.0
CURRENT = "current"
MANIFEST = "manifest.json"
LOCK = ".lock"
KEEP_GENERATIONS = 2
# An appended vector may pass its quantizer's trained range (min to max, per dimension) by this share of the
# range and still be added (clipped to it); beyond, the change is written by a full build, which retrains.
RANGE_SLACK = 0.25
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
    sentences: int
    corpus_hash: str
    built_at: str
    build_seconds: float
    passage_sentences: int
    passage_overlap: int
    encoding: str
    dense_index: str
    newest_published: str | None
    versions: dict[str, str]
    cross_model: str = ""  # the multilingual model of cross.faiss and cross_sentences.npy; "" when built without

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


class PassageTable(Sequence[Passage]):
    """The passages of a generation as arrays; a Passage is made when one is asked for."""

    def __init__(self, table: np.ndarray, spans: np.ndarray, article_ids: list[str]) -> None:
        self.table = table  # (P, 3): article row, first sentence row, number of sentences
        self.spans = spans
        self._article_ids = article_ids
        self._rows, self._spans = np.asarray(table), np.asarray(spans)  # plain views: no memmap upkeep per read

    def __len__(self) -> int:
        return len(self.table)

    @overload
    def __getitem__(self, i: int) -> Passage: ...
    @overload
    def __getitem__(self, i: slice) -> list[Passage]: ...
    def __getitem__(self, i: int | slice) -> Passage | list[Passage]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if not -len(self) <= i < len(self):
            raise IndexError(i)
        i = i % len(self)
        row, first, n = self._rows[i].tolist()
        sentences = tuple((a, b) for a, b in self._spans[first : first + n].tolist())
        return Passage(i, self._article_ids[row], sentences[0][0], sentences[-1][1], sentences)


@dataclass(frozen=True)
class Facts:
    """What answerability checks against the whole corpus, worked out at build time."""

    numbers: frozenset[str]
    periods: np.ndarray  # (K, 2) int32 day ordinals, first and last, of every date any article has

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return {"numbers": sorted(self.numbers), "periods": self.periods.tolist()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Facts:
        """The inverse of `to_dict`."""
        periods = np.asarray(data["periods"], dtype=np.int32).reshape(-1, 2)
        return cls(frozenset(str(n) for n in data["numbers"]), periods)


@dataclass(frozen=True)
class Index:
    """A loaded index: everything a search needs, immutable once loaded; the big parts memory-mapped."""

    manifest: Manifest
    articles: ArticleTable
    passages: PassageTable
    dense: faiss.Index
    sentence_vectors: np.ndarray  # (S, d) float16, normalized, memory-mapped
    spans: np.ndarray  # (S, 2) int32: sentence i's characters in its article
    article_sentences: np.ndarray  # (A + 1,) int64: article row a's sentences are rows [a], [a + 1]
    lexical: LexicalIndex
    facts: Facts
    path: Path
    languages: np.ndarray  # (A,) uint8: each article's language, as its position in LANGUAGES
    cross: faiss.Index | None = None  # passages by the multilingual model (normalized means of their sentences)
    cross_sentence_vectors: np.ndarray | None = None  # (S, c) int8, `quantized`, memory-mapped
    sentence_terms: SentenceTerms | None = None  # None: built before they were kept, or by another tokenizer

    def cross_sentences(self, rows: np.ndarray | int | slice) -> np.ndarray:
        """The multilingual vectors of sentence rows, as float32."""
        assert self.cross_sentence_vectors is not None
        return np.asarray(self.cross_sentence_vectors[rows], np.float32) / CROSS_UNIT

    @cached_property  # asked on every search; an index never changes once loaded
    def foreign(self) -> bool:
        """Whether any article is not in English."""
        return bool(len(self.languages) and self.languages.max() > 0)

    def passage_counts(self) -> dict[str, int]:
        """How many passages each article has, by id."""
        counts = np.bincount(self.passages.table[:, 0], minlength=len(self.articles.ids))
        return dict(zip(self.articles.ids, (int(c) for c in counts), strict=True))


@dataclass(frozen=True)
class Generation:
    """Everything a generation is written from."""

    manifest: Manifest
    articles: list[Article]
    passages: np.ndarray  # (P, 3) int32
    spans: np.ndarray  # (S, 2) int32
    article_sentences: np.ndarray  # (A + 1,) int64
    passage_vectors: np.ndarray  # (P, d) float32
    sentence_vectors: np.ndarray  # (S, d) float16
    lexical: LexicalIndex
    facts: Facts
    languages: np.ndarray  # (A,) uint8
    cross_sentence_vectors: np.ndarray | None = None  # (S, c) float16 (or int8 already `quantized`)
    cross_passage_vectors: np.ndarray | None = None  # (P, c) float16
    sentence_terms: SentenceTerms | None = None  # ids into `lexical`'s vocabulary


def quantized(vectors: np.ndarray) -> np.ndarray:
    """Normalized multilingual vectors as int8 in steps of 1/CROSS_UNIT (their components stay within ±0.11)."""
    if vectors.dtype == np.int8:
        return vectors
    return np.clip(np.rint(np.asarray(vectors, np.float32) * CROSS_UNIT), -127, 127).astype(np.int8)


def library_versions() -> dict[str, str]:
    """Versions of the libraries an index depends on."""
    versions = {"python": platform.python_version()}
    for package in ("faiss-cpu", "sentence-transformers", "torch", "numpy"):
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


def dense_index(vectors: np.ndarray, ann_min_passages: int) -> tuple[faiss.Index, str]:
    """The passage vectors, 8-bit scalar-quantized: searched exhaustively, or through IVF lists above the size.

    Returns the index and its description for the manifest.
    """
    n, d = vectors.shape
    if n < ann_min_passages or n < 2:
        index = faiss.IndexScalarQuantizer(d, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
        if n:
            index.train(vectors)
            index.add(vectors)
        return index, "flat-sq8"
    lists = max(1, int(4 * np.sqrt(n)))
    quantizer = faiss.IndexFlatIP(d)
    ivf = faiss.IndexIVFScalarQuantizer(quantizer, d, lists, faiss.ScalarQuantizer.QT_8bit, faiss.METRIC_INNER_PRODUCT)
    sample = vectors[np.random.default_rng(0).permutation(n)[: 64 * lists]]
    ivf.train(sample)
    ivf.add(vectors)
    ivf.make_direct_map()  # reconstruct() by passage id, for the scores of BM25's candidates
    return ivf, f"ivf{lists}-sq8"


def nearest(index: faiss.Index, vector: np.ndarray, k: int) -> np.ndarray:
    """The ids of the `k` passages nearest one question's vector (-1 where there are fewer), searched on the
    calling thread alone.

    For even one question, the flat index opens an OpenMP team of every core; while anything else keeps a
    core busy (a rebuild, another question, another process), the team waits to be scheduled: on 2 cores, a
    p95 of 8 ms instead of 0.14 ms (`make bench`). One question needs no team. The setting is the thread's
    own, and put back: builds keep every core.
    """
    threads = faiss.omp_get_max_threads()
    try:
        faiss.omp_set_num_threads(1)
        _, ids = index.search(np.asarray(vector, np.float32).reshape(1, -1), k)
    finally:
        faiss.omp_set_num_threads(threads)
    return np.asarray(ids[0])


def write_generation(folder: Path, generation: Generation, ann_min_passages: int) -> None:
    """The one writer of a generation: every part into `folder`, the manifest last."""
    dense, kind = dense_index(np.ascontiguousarray(generation.passage_vectors, np.float32), ann_min_passages)
    manifest = replace(generation.manifest, dense_index=kind)
    with writing_to(folder.parent):
        # Serialized here rather than by faiss.write_index, so a full disk is an OSError with its errno.
        (folder / "dense.faiss").write_bytes(faiss.serialize_index(dense).tobytes())
        np.save(folder / "sentences.npy", generation.sentence_vectors.astype(np.float16), allow_pickle=False)
        np.save(folder / "spans.npy", generation.spans.astype(np.int32), allow_pickle=False)
        np.save(folder / "passages.npy", generation.passages.astype(np.int32), allow_pickle=False)
        np.save(folder / "article_sentences.npy", generation.article_sentences.astype(np.int64), allow_pickle=False)
        np.save(folder / "languages.npy", generation.languages.astype(np.uint8), allow_pickle=False)
        if generation.cross_passage_vectors is not None and generation.cross_sentence_vectors is not None:
            cross, _ = dense_index(np.ascontiguousarray(generation.cross_passage_vectors, np.float32), ann_min_passages)
            (folder / "cross.faiss").write_bytes(faiss.serialize_index(cross).tobytes())
            np.save(folder / "cross_sentences.npy", quantized(generation.cross_sentence_vectors), allow_pickle=False)
        lexical_dir = folder / "lexical"
        lexical_dir.mkdir()
        generation.lexical.save(lexical_dir)
        if generation.sentence_terms is not None:
            generation.sentence_terms.save(lexical_dir)
        write_table(folder, generation.articles)
        _write_json(folder / "facts.json", generation.facts.to_dict())
        _write_json(folder / MANIFEST, asdict(manifest))


def extended_dense(path: Path, vectors: np.ndarray, slack: float = RANGE_SLACK) -> faiss.Index | None:
    """The 8-bit index at `path` read whole with `vectors` added after its own, its quantizer as trained.

    None when a vector (its residual, for IVF lists) passes a dimension's trained range by more than
    `slack` of it, or the index is not the kind `dense_index` makes: a full build retrains instead.
    """
    index = faiss.read_index(str(path))
    x = np.ascontiguousarray(vectors, np.float32)
    if not isinstance(index, faiss.IndexScalarQuantizer | faiss.IndexIVFScalarQuantizer) or x.shape[1:] != (index.d,):
        return None
    trained = faiss.vector_to_array(index.sq.trained)
    d = index.d
    if index.sq.qtype != faiss.ScalarQuantizer.QT_8bit or trained.shape != (2 * d,) or not index.is_trained:
        return None
    if len(x):
        if isinstance(index, faiss.IndexIVFScalarQuantizer) and index.by_residual:
            _, lists = index.quantizer.search(x, 1)
            centroids = index.quantizer.reconstruct_n(0, index.nlist)
            residuals = x - centroids[lists[:, 0]]
        else:
            residuals = x
        low, width = trained[:d], trained[d:]
        if ((residuals < low - slack * width) | (residuals > low + (1 + slack) * width)).any():
            return None
        index.add(x)
    return index


def append_generation(
    folder: Path, live: Index, added: Generation, manifest: Manifest, dense: faiss.Index, cross: faiss.Index | None
) -> None:
    """The writer of an addition: `live`'s parts with `added`'s after them, into `folder`, the manifest last.

    `added` holds only the new articles, numbered from 0 as `assemble` makes them; their rows are
    offset here. `dense` and `cross` are live's indexes with the new vectors added (`extended_dense`).
    Every file is what `write_generation` writes for the whole corpus (the FAISS indexes keep live's
    trained quantizer); the live folder is only read.
    """
    a, s = len(live.articles), len(live.spans)
    source = live.path
    passages = added.passages.astype(np.int64) + np.asarray([a, s, 0])
    with writing_to(folder.parent):
        (folder / "dense.faiss").write_bytes(faiss.serialize_index(dense).tobytes())
        _extend_npy(source / "sentences.npy", folder / "sentences.npy", added.sentence_vectors.astype(np.float16))
        _extend_npy(source / "spans.npy", folder / "spans.npy", added.spans.astype(np.int32))
        _extend_npy(source / "passages.npy", folder / "passages.npy", passages.astype(np.int32))
        _extend_npy(
            source / "article_sentences.npy",
            folder / "article_sentences.npy",
            added.article_sentences[1:].astype(np.int64) + s,
        )
        _extend_npy(source / "languages.npy", folder / "languages.npy", added.languages.astype(np.uint8))
        if cross is not None and added.cross_sentence_vectors is not None:
            (folder / "cross.faiss").write_bytes(faiss.serialize_index(cross).tobytes())
            _extend_npy(
                source / "cross_sentences.npy",
                folder / "cross_sentences.npy",
                quantized(added.cross_sentence_vectors),
            )
        lexical_dir = folder / "lexical"
        lexical_dir.mkdir()
        both = merged(live.lexical, added.lexical)
        both.save(lexical_dir)
        if live.sentence_terms is not None and added.sentence_terms is not None:
            terms = appended_terms(both, added.lexical, added.sentence_terms)
            _extend_npy(source / "lexical" / SENTENCE_TERMS, lexical_dir / SENTENCE_TERMS, terms.ids)
            rows = terms.rows[1:] + len(live.sentence_terms.ids)
            _extend_npy(source / "lexical" / SENTENCE_TERM_ROWS, lexical_dir / SENTENCE_TERM_ROWS, rows)
        else:
            log.info("the index was built before sentences' terms were kept: searches tokenize them until a rebuild")
        append_table(source, folder, added.articles)
        facts = Facts(
            live.facts.numbers | added.facts.numbers, np.concatenate([live.facts.periods, added.facts.periods])
        )
        _write_json(folder / "facts.json", facts.to_dict())
        _write_json(folder / MANIFEST, asdict(manifest))


def _extend_npy(source: Path, target: Path, rows: np.ndarray) -> None:
    """`source`'s array with `rows` after its own, written byte for byte as `np.save` writes the whole.

    The old rows are copied file to file by the kernel, never read into this process.
    """
    with open(source, "rb") as src, open(target, "wb") as out:
        version = np.lib.format.read_magic(src)
        read_header = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
        shape, fortran, dtype = read_header(src)
        if fortran or dtype != rows.dtype or tuple(shape[1:]) != rows.shape[1:]:
            raise IndexCorruptError(f"{source} holds {dtype} {shape}, which {rows.dtype} {rows.shape} cannot extend")
        header = {"descr": np.lib.format.dtype_to_descr(dtype), "fortran_order": False}
        np.lib.format.write_array_header_1_0(out, {**header, "shape": (shape[0] + len(rows), *shape[1:])})
        out.flush()
        _copy_bytes(src, out, src.tell(), int(np.prod(shape)) * dtype.itemsize)
        out.write(np.ascontiguousarray(rows).tobytes())


def _copy_bytes(src: BinaryIO, out: BinaryIO, offset: int, count: int) -> None:
    """`count` bytes of `src` from `offset` to the end of `out`, in the kernel where it can."""
    done = 0
    try:
        while done < count:
            n = os.copy_file_range(src.fileno(), out.fileno(), count - done, offset + done)
            if n == 0:
                raise IndexCorruptError(f"{src.name} is shorter than its header says")
            done += n
    except OSError as exc:
        if exc.errno not in (errno.EXDEV, errno.ENOSYS, errno.EOPNOTSUPP, errno.EINVAL) or done:
            raise
        src.seek(offset)
        while done < count:
            chunk = src.read(min(count - done, 1 << 20))
            if not chunk:
                raise IndexCorruptError(f"{src.name} is shorter than its header says") from exc
            out.write(chunk)
            done += len(chunk)


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


def load_index(index_dir: Path, model: str, dimension: int | None = None, nprobe: int = 32) -> Index:
    """Load the live generation: `current` is resolved once and everything is read from that folder."""
    folder = live_generation(index_dir)
    if folder is None:
        raise IndexMissingError(f"no index at {index_dir}: build it with `python -m index build`")
    return read_generation(folder, model, dimension, nprobe)


def read_generation(folder: Path, model: str, dimension: int | None = None, nprobe: int = 32) -> Index:
    """The one reader of a generation folder: every part, checked against the configured model and each other.

    The vectors and postings are memory-mapped and the articles stay in their SQLite file, so this reads
    little more than the tables of passages and sentences, whatever the size of the archive.
    """
    manifest = Manifest.from_dict(_read_json(folder / MANIFEST))
    check_manifest(manifest, model, dimension)
    try:
        dense = faiss.read_index(str(folder / "dense.faiss"), faiss.IO_FLAG_MMAP_IFC | faiss.IO_FLAG_READ_ONLY)
        if isinstance(dense, faiss.IndexIVF):
            dense.nprobe = nprobe
        sentence_vectors = mapped(folder / "sentences.npy")
        spans = np.load(folder / "spans.npy", allow_pickle=False)
        table = np.load(folder / "passages.npy", allow_pickle=False)
        article_sentences = np.load(folder / "article_sentences.npy", allow_pickle=False)
        lexical = LexicalIndex.load(folder / "lexical")
        sentence_terms = SentenceTerms.load(folder / "lexical")
        if not (folder / ARTICLES_FILE).is_file():
            raise IndexCorruptError(f"the index at {folder} has no {ARTICLES_FILE}; rebuild it")
        articles = ArticleTable(folder)
        facts = Facts.from_dict(_read_json(folder / "facts.json"))
        languages = np.load(folder / "languages.npy", allow_pickle=False)
        cross, cross_sentences = None, None
        if manifest.cross_model:
            cross = faiss.read_index(str(folder / "cross.faiss"), faiss.IO_FLAG_MMAP_IFC | faiss.IO_FLAG_READ_ONLY)
            if isinstance(cross, faiss.IndexIVF):
                cross.nprobe = nprobe
            cross_sentences = mapped(folder / "cross_sentences.npy")
    except IndexCorruptError:
        raise
    except Exception as exc:  # a damaged file raises whatever its parser raises: EOFError, RuntimeError, ...
        raise IndexCorruptError(f"cannot read the index at {folder}: {exc}; rebuild it") from exc
    problem = _damage(manifest, articles, table, spans, article_sentences, dense, sentence_vectors, lexical)
    problem = problem or _cross_damage(len(table), len(spans), len(articles), languages, cross, cross_sentences)
    if sentence_terms is not None:
        problem = problem or sentence_terms.damage(len(spans), len(lexical.terms))
    if problem:
        raise IndexCorruptError(f"the index at {folder} is damaged: {problem}; rebuild it")
    if sentence_terms is not None and manifest.versions.get("tokenizer") != tokenizer_fingerprint():
        log.info("the index was tokenized otherwise than this version tokenizes: its sentences are tokenized anew")
        sentence_terms = None  # searches tokenize as today (its BM25 postings stay as built until a rebuild)
    passages = PassageTable(table, spans, articles.ids)
    return Index(
        manifest,
        articles,
        passages,
        dense,
        sentence_vectors,
        spans,
        article_sentences,
        lexical,
        facts,
        folder,
        languages,
        cross,
        cross_sentences,
        sentence_terms,
    )


def _cross_damage(
    n: int, s: int, a: int, languages: np.ndarray, cross: faiss.Index | None, sentences: np.ndarray | None
) -> str | None:
    """What is wrong with the languages and the multilingual vectors, or None."""
    if languages.dtype != np.uint8 or languages.shape != (a,) or (a and int(languages.max()) >= len(LANGUAGES)):
        return "languages.npy does not give one known language per article"
    if (cross is None) != (sentences is None):
        return "only part of the multilingual vectors is there"
    if (
        cross is not None
        and sentences is not None
        and (cross.ntotal != n or sentences.dtype != np.int8 or sentences.shape != (s, cross.d))
    ):
        return "the multilingual vectors do not fit the passages and sentences"
    return None


def _damage(
    manifest: Manifest,
    articles: ArticleTable,
    table: np.ndarray,
    spans: np.ndarray,
    article_sentences: np.ndarray,
    dense: faiss.Index,
    sentence_vectors: np.ndarray,
    lexical: LexicalIndex,
) -> str | None:
    """What is wrong with a generation's parts, or None: shapes, counts and ranges (no article text is read)."""
    n, s, a = len(table), len(spans), len(articles)
    if (a, n, s) != (manifest.articles, manifest.passages, manifest.sentences):
        counted = f"{a} articles, {n} passages and {s} sentences"
        return f"{counted}, but the manifest says {manifest.articles}, {manifest.passages} and {manifest.sentences}"
    if dense.d != manifest.dimension or dense.ntotal != n or lexical.n_docs != n:
        return f"{dense.ntotal} {dense.d}-dimensional vectors and {lexical.n_docs} BM25 documents for {n} passages"
    expected = (s, manifest.dimension)
    if sentence_vectors.dtype != np.float16 or sentence_vectors.shape != expected:
        return f"sentences.npy holds {sentence_vectors.dtype} {sentence_vectors.shape}, not float16 {expected}"
    if table.dtype != np.int32 or table.shape != (n, 3) or spans.dtype != np.int32 or spans.shape != (s, 2):
        return "the passage or sentence tables have the wrong shape"
    if article_sentences.shape != (a + 1,) or (a and (article_sentences[0] != 0 or article_sentences[-1] != s)):
        return "the articles' sentence rows do not cover the sentences"
    if n:
        rows, first, count = table[:, 0], table[:, 1], table[:, 2]
        if rows.min() < 0 or rows.max() >= a or count.min() < 1:
            return "a passage belongs to an article that is not in the index"
        if (first < article_sentences[rows]).any() or (first + count > article_sentences[rows + 1]).any():
            return "a passage does not fit its article's sentences"
    if s and ((spans[:, 0] >= spans[:, 1]).any() or spans.min() < 0):
        return "a sentence span is empty or negative"
    return lexical.damage()


def _modified(path: Path) -> float:
    """A folder's modification time; 0 if it vanished meanwhile."""
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # ValueError: bad JSON or bytes that are not UTF-8
        raise IndexCorruptError(f"cannot read {path}: {exc}; rebuild the index") from exc
