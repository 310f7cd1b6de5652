"""Building an index: articles → passages → embeddings + BM25 → a new generation, swapped in."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from index.articles import Article, SkippedFile, corpus_hash, load_articles
from index.chunking import Passage, Span, chunk_text
from index.embedder import Embedder
from index.errors import BuildCancelledError, BuildError
from index.languages import plural
from index.lexical import LexicalIndex
from index.settings import IndexSettings
from index.store import (
    FORMAT_VERSION,
    Manifest,
    build_lock,
    discard,
    library_versions,
    new_generation,
    prune,
    publish,
    write_generation,
)

log = logging.getLogger(__name__)

# Called with (stage, done, total); stages: "reading", "embedding", "saving".
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class BuildReport:
    """What a build did."""

    articles: int
    passages: int
    skipped: list[SkippedFile] = field(default_factory=list)
    seconds: float = 0.0
    path: Path | None = None

    def describe(self) -> str:
        """What was built, in words: "1 article, 18 passages, 1 file skipped: a.txt (no article text found)"."""
        text = f"{plural(self.articles, 'article')}, {plural(self.passages, 'passage')}"
        if self.skipped:
            files = ", ".join(f"{Path(s.path).name} ({s.reason})" for s in self.skipped)
            text += f", {plural(len(self.skipped), 'file')} skipped: {files}"
        return text


def no_progress(stage: str, done: int, total: int) -> None:
    """Progress sink that ignores everything."""


def embed_passages(
    embedder: Embedder,
    texts: list[str],
    spans: list[list[Span]],
    batch_size: int,
    progress: Progress,
    cancel: threading.Event | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Passage embeddings, and their sentences' (in passage order, stacked), chunk by chunk with progress.

    Raises BuildCancelledError between chunks once `cancel` is set.
    """
    vectors = np.zeros((len(texts), embedder.dimension), dtype=np.float32)
    per_passage: list[np.ndarray] = [np.zeros((0, embedder.dimension), dtype=np.float32)] * len(texts)
    # Longest first, so each chunk's batches hold texts of like lengths and pad little.
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    step = batch_size * 4
    for start in range(0, len(order), step):
        if cancel is not None and cancel.is_set():
            raise BuildCancelledError("the rebuild was cancelled")
        ids = order[start : start + step]
        chunk, chunk_spans = embedder.encode_with_spans([texts[i] for i in ids], [spans[i] for i in ids], batch_size)
        vectors[ids] = chunk
        for i, rows in zip(ids, chunk_spans, strict=True):
            per_passage[i] = rows
        progress("embedding", min(start + step, len(order)), len(order))
    sentences = np.concatenate(per_passage) if per_passage else np.zeros((0, embedder.dimension), np.float32)
    return vectors, np.ascontiguousarray(sentences, dtype=np.float32)


def build_index(
    settings: IndexSettings,
    embedder: Embedder,
    progress: Progress = no_progress,
    seeds_dir: Path | None = None,
    index_dir: Path | None = None,
    cancel: threading.Event | None = None,
) -> BuildReport:
    """Build an index of the seeds beside the live one and swap it in; on failure or `cancel` nothing changes.

    The build holds INDEX_DIR/.lock throughout (a second build fails at once with BuildInProgressError)
    and makes its generation folder before embedding, so an unwritable index folder fails in a moment.
    """
    seeds = seeds_dir or settings.seeds_dir
    target = index_dir or settings.index_dir
    started = time.perf_counter()
    if not seeds.is_dir():
        raise BuildError(f"seeds folder {seeds} does not exist")
    with build_lock(target):
        folder = new_generation(target)
        try:
            articles, passages, skipped = _build_into(folder, settings, embedder, progress, seeds, started, cancel)
            publish(target, folder)
        except BaseException:
            discard(folder)
            raise
        prune(target)  # after the swap; it logs its failures and never undoes the publish
    progress("saving", 1, 1)
    return BuildReport(len(articles), len(passages), skipped, time.perf_counter() - started, folder)


def _build_into(
    folder: Path,
    settings: IndexSettings,
    embedder: Embedder,
    progress: Progress,
    seeds: Path,
    started: float,
    cancel: threading.Event | None,
) -> tuple[list[Article], list[Passage], list[SkippedFile]]:
    """Read, split, embed and write the seeds' index into the empty generation `folder`."""
    progress("reading", 0, 1)
    articles, skipped = load_articles(seeds)
    if not articles:
        raise BuildError(f"no readable articles in {seeds} ({len(skipped)} skipped)")
    passages: list[Passage] = []
    for article in articles:
        passages += chunk_text(
            article.id,
            article.text,
            embedder.count_tokens,
            embedder.max_tokens,
            settings.passage_sentences,
            settings.passage_overlap,
            first_id=len(passages),
        )
    progress("reading", 1, 1)
    by_id = {a.id: a for a in articles}
    texts = [by_id[p.article_id].text[p.start : p.end] for p in passages]
    spans = [[(a - p.start, b - p.start) for a, b in p.sentences] for p in passages]
    vectors, sentence_vectors = embed_passages(embedder, texts, spans, settings.embed_batch_size, progress, cancel)
    lexical = LexicalIndex.build(texts)
    progress("saving", 0, 1)
    manifest = Manifest(
        format_version=FORMAT_VERSION,
        model=embedder.name,
        dimension=embedder.dimension,
        max_tokens=embedder.max_tokens,
        articles=len(articles),
        passages=len(passages),
        corpus_hash=corpus_hash(articles),
        built_at=datetime.now(UTC).isoformat(timespec="seconds"),
        build_seconds=round(time.perf_counter() - started, 3),
        passage_sentences=settings.passage_sentences,
        passage_overlap=settings.passage_overlap,
        versions=library_versions(),
    )
    write_generation(folder, manifest, articles, passages, vectors, sentence_vectors, lexical)
    return articles, passages, skipped
