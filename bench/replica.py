"""Big indexes for latency and memory without encoding them: a built generation's arrays repeated k times.

Copy r of a passage or sentence vector gets small seeded noise (then is normalized again), so the copies
are near neighbours, not duplicates; articles get unique ids, and the tables and BM25 postings are shifted
per copy. The result is written by the index's own writer (`store.write_generation`) and kept under
BENCH_CACHE, keyed by what it was made from, so a rerun of the bench reads it instead of writing it again.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import faiss
import numpy as np

from index.articles import Article
from index.lexical import LexicalIndex, SentenceTerms
from index.store import FORMAT_VERSION, Generation, Index, dense_index, write_generation

BENCH_CACHE = Path(os.environ.get("TALKSBOT_BENCH_CACHE", Path.home() / ".cache" / "talksbot-bench"))
NOISE = 0.05  # norm of the noise added to each copied vector (cosine to the original about 0.999)
FLAT = "flat.faiss"  # beside a replicated generation: its passage vectors searched exhaustively
REPLICA_VERSION = 3


def copies_for(passages: int, target: int) -> int:
    """How many copies of `passages` reach at least `target` passages."""
    return max(1, -(-target // max(1, passages)))


def replicated(source: Index, copies: int, ann_min_passages: int) -> Path:
    """The generation folder of `source` repeated `copies` times: read from BENCH_CACHE, or written there now.

    Beside it lies FLAT, the same vectors in an exhaustive index, to compare an IVF index with.
    """
    key = f"{source.manifest.corpus_hash}-{copies}-{ann_min_passages}-{FORMAT_VERSION}-{REPLICA_VERSION}"
    folder = BENCH_CACHE / f"replica-{copies}x-{hashlib.blake2b(key.encode(), digest_size=6).hexdigest()}"
    if (folder / "generation" / "manifest.json").is_file() and (folder / FLAT).is_file():
        return folder / "generation"
    print(f"writing a {copies}× replica of the scale index into {folder}…", file=sys.stderr)
    tmp = folder.with_name(f".{folder.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    (tmp / "generation").mkdir(parents=True)
    generation = replicate(source, copies)
    write_generation(tmp / "generation", generation, ann_min_passages)
    flat, _ = dense_index(generation.passage_vectors, len(generation.passage_vectors) + 1)
    (tmp / FLAT).write_bytes(faiss.serialize_index(flat).tobytes())
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(tmp, folder)
    return folder / "generation"


def flat_dense(generation: Path) -> faiss.Index:
    """The exhaustive index kept beside a replicated generation, memory-mapped."""
    return faiss.read_index(str(generation.parent / FLAT), faiss.IO_FLAG_MMAP_IFC | faiss.IO_FLAG_READ_ONLY)


def replicate(source: Index, copies: int, seed: int = 0) -> Generation:
    """Everything a generation is written from: `source`'s arrays repeated, vectors jittered, ids unique."""
    rng = np.random.default_rng(seed)
    p, s, a = len(source.passages), len(source.spans), len(source.articles)
    passage_vectors = source.dense.reconstruct_n(0, p).astype(np.float32)
    sentence_vectors = np.asarray(source.sentence_vectors, np.float32)
    table = np.asarray(source.passages.table, np.int64)
    tables = [table + np.asarray([r * a, r * s, 0]) for r in range(copies)]
    starts = np.asarray(source.article_sentences[:-1], np.int64)
    article_sentences = np.concatenate([starts + r * s for r in range(copies)] + [np.asarray([copies * s])])
    manifest = replace(
        source.manifest,
        articles=copies * a,
        passages=copies * p,
        sentences=copies * s,
        corpus_hash=f"{source.manifest.corpus_hash}x{copies}",
    )
    return Generation(
        manifest=manifest,
        articles=list(_copied_articles(source, copies)),
        passages=np.concatenate(tables).astype(np.int32),
        spans=np.tile(np.asarray(source.spans), (copies, 1)),
        article_sentences=article_sentences,
        passage_vectors=np.concatenate([_jittered(passage_vectors, r, rng) for r in range(copies)]),
        sentence_vectors=np.concatenate(
            [_jittered(sentence_vectors, r, rng).astype(np.float16) for r in range(copies)]
        ),
        lexical=replicated_postings(source.lexical, copies),
        sentence_terms=None if source.sentence_terms is None else replicated_terms(source.sentence_terms, copies),
        facts=source.facts,
        languages=np.tile(np.asarray(source.languages), copies),
        cross_sentence_vectors=None
        if source.cross_sentence_vectors is None
        else np.concatenate(
            [_jittered(source.cross_sentences(np.arange(s)), r, rng).astype(np.float16) for r in range(copies)]
        ),
        cross_passage_vectors=None
        if source.cross is None
        else np.concatenate(
            [
                _jittered(source.cross.reconstruct_n(0, p).astype(np.float32), r, rng).astype(np.float16)
                for r in range(copies)
            ]
        ),
    )


def replicated_terms(terms: SentenceTerms, copies: int) -> SentenceTerms:
    """Each sentence's terms repeated `copies` times (the vocabulary is the same for every copy)."""
    ids, rows = np.asarray(terms.ids), np.asarray(terms.rows, np.int64)
    shifted = [rows[:-1] + r * len(ids) for r in range(copies)]
    return SentenceTerms(np.tile(ids, copies), np.concatenate([*shifted, [copies * len(ids)]]).astype(np.int64))


def replicated_postings(lexical: LexicalIndex, copies: int) -> LexicalIndex:
    """BM25 postings of the passages repeated `copies` times: copy r of passage i is passage r * P + i."""
    n, postings = lexical.n_docs, len(lexical.docs)
    indptr = np.asarray(lexical.indptr, np.int64)
    counts = np.diff(indptr)
    term = np.repeat(np.arange(len(counts)), counts)
    within = np.arange(postings) - indptr[term]
    docs = np.empty(copies * postings, np.int32)
    tf = np.empty(copies * postings, np.uint16)
    for r in range(copies):  # term t's postings: its P-row block of each copy in turn, still ascending
        where = copies * indptr[term] + r * counts[term] + within
        docs[where] = np.asarray(lexical.docs) + r * n
        tf[where] = lexical.tf
    return LexicalIndex(lexical.terms, copies * indptr, docs, tf, np.tile(np.asarray(lexical.doc_len), copies))


def _jittered(vectors: np.ndarray, copy: int, rng: np.random.Generator) -> np.ndarray:
    """Copy 0 as it is; the others with seeded noise of norm about NOISE, normalized again."""
    if copy == 0:
        return vectors
    noise = rng.standard_normal(vectors.shape, dtype=np.float32) * np.float32(NOISE / np.sqrt(vectors.shape[1]))
    moved = vectors + noise
    return moved / np.maximum(np.linalg.norm(moved, axis=1, keepdims=True), 1e-12)


def _copied_articles(source: Index, copies: int) -> Iterator[Article]:
    """Each copy of each article, its id and title marked with the copy's number."""
    articles = list(source.articles.every())
    for r in range(copies):
        for article in articles:
            yield replace(article, id=f"{article.id}~{r}", title=f"{article.title} (copy {r})")
