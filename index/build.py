"""Building an index: articles → passages → embeddings + BM25 → a new generation, swapped in."""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from index.answerability import numbers_in
from index.articles import Article, SkippedFile, article_language, corpus_hash, load_articles
from index.cache import EmbeddingCache, Entry
from index.chunking import Span, split_article
from index.dates import DATES_VERSION, periods_in, published_period
from index.embedder import Embedder
from index.errors import BuildCancelledError, BuildError
from index.languages import LANGUAGES, plural
from index.lexical import LexicalIndex, SentenceTerms, tokenize, tokenizer_fingerprint
from index.multilingual import MultilingualEncoder, multilingual_encoder, passage_means
from index.settings import IndexSettings
from index.store import (
    FORMAT_VERSION,
    Facts,
    Generation,
    Index,
    Manifest,
    append_generation,
    build_lock,
    discard,
    extended_dense,
    library_versions,
    live_generation,
    new_generation,
    prune,
    publish,
    read_generation,
    write_generation,
)

log = logging.getLogger(__name__)

GROUP = 64  # most articles encoded (and cached) together; a killed build loses at most one group's work
GROUP_WINDOWS = 4  # a group stops growing at about this many batches of model windows
WINDOW_CHARS = 1000  # about one window of the model's tokens, in characters of news text
# Called with (stage, done, total); stages: "reading", "embedding" (in characters of text), "saving".
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class BuildReport:
    """What a build did."""

    articles: int
    passages: int
    skipped: list[SkippedFile] = field(default_factory=list)
    seconds: float = 0.0
    path: Path | None = None
    encoded: int = 0  # articles the model encoded
    reused: int = 0  # articles taken from the embedding cache
    appended: bool = False  # written by extending the live generation's files (`update_index`'s fast path)

    def describe(self) -> str:
        """What was built, in words: "1 article, 18 passages, 1 file skipped: a.txt (no article text found)"."""
        text = f"{plural(self.articles, 'article')}, {plural(self.passages, 'passage')}"
        if self.skipped:
            files = ", ".join(f"{Path(s.path).name} ({s.reason})" for s in self.skipped)
            text += f", {plural(len(self.skipped), 'file')} skipped: {files}"
        return text


def no_progress(stage: str, done: int, total: int) -> None:
    """Progress sink that ignores everything."""


def build_index(
    settings: IndexSettings,
    embedder: Embedder,
    progress: Progress = no_progress,
    seeds_dir: Path | None = None,
    index_dir: Path | None = None,
    cancel: threading.Event | None = None,
) -> BuildReport:
    """Build an index of the seeds and the added articles beside the live one and swap it in.

    On failure or `cancel` nothing changes, but every article encoded so far stays in the embedding
    cache: the next build encodes only the rest. The build holds INDEX_DIR/.lock throughout (a second
    build fails at once with BuildInProgressError) and makes its generation folder before embedding,
    so an unwritable index folder fails in a moment.
    """
    seeds = seeds_dir or settings.seeds_dir
    target = index_dir or settings.index_dir
    started = time.perf_counter()
    if not seeds.is_dir():
        raise BuildError(f"seeds folder {seeds} does not exist")
    with build_lock(target):
        folder = new_generation(target)
        try:
            progress("reading", 0, 1)
            articles, skipped = corpus_articles(seeds, settings.articles_dir)
            if not articles:
                raise BuildError(f"no readable articles in {seeds} ({len(skipped)} skipped)")
            progress("reading", 1, 1)
            report = _write(folder, articles, settings, embedder, progress, started, cancel)
            publish(target, folder)
        except BaseException:
            discard(folder)
            raise
        prune(target)  # after the swap; it logs its failures and never undoes the publish
    progress("saving", 1, 1)
    return replace(report, skipped=skipped)


def update_index(
    settings: IndexSettings,
    embedder: Embedder,
    add: Sequence[Article] = (),
    remove: Sequence[str] = (),
    index_dir: Path | None = None,
    cancel: threading.Event | None = None,
) -> BuildReport:
    """A new generation: the live one's articles, less `remove` (ids), plus `add` (replacing same ids); with
    neither, the live one's articles written anew (as `read_otherwise` asks).

    Only articles whose text the cache has not seen are encoded. When the change only adds articles
    new to the live generation (links, feeds, posts), the new generation is the live one's files
    extended by theirs (`append_generation`), so its cost grows with the addition, not the corpus;
    anything else (removals, replacements, a change of settings, vectors the live quantizer was not
    trained for) writes every table anew. Swapped in atomically like a build; on failure the live
    generation stays.
    """
    target = index_dir or settings.index_dir
    started = time.perf_counter()
    with build_lock(target):
        live = live_generation(target)
        if live is None:
            raise BuildError(f"no index at {target} to add to: build it first with `python -m index build`")
        current = read_generation(live, embedder.name, embedder.dimension)
        try:
            folder = new_generation(target)
            try:
                cross = multilingual_encoder() if settings.cross_lingual else None
                report = None
                if not remove and _appendable(current, add, settings, embedder, cross):
                    report = _append(folder, current, add, settings, embedder, cross, started)
                if report is None:
                    replaced = {a.id for a in add} | set(remove)
                    articles = [a for a in current.articles.every() if a.id not in replaced] + list(add)
                    report = _write(folder, articles, settings, embedder, no_progress, started, cancel)
                publish(target, folder)
            except BaseException:
                discard(folder)
                raise
        finally:
            current.articles.close()
        prune(target)
    return report


def _appendable(
    live: Index, add: Sequence[Article], settings: IndexSettings, embedder: Embedder, cross: MultilingualEncoder | None
) -> bool:
    """Whether `add` only adds articles new to `live`, which was built as these settings build."""
    ids = [a.id for a in add]
    manifest = live.manifest
    return (
        bool(ids)
        and len(set(ids)) == len(ids)
        and not any(i in live.articles for i in ids)
        and manifest.passage_sentences == settings.passage_sentences
        and manifest.passage_overlap == settings.passage_overlap
        and manifest.encoding == settings.embed_mode
        and manifest.max_tokens == embedder.max_tokens
        and manifest.cross_model == (cross.name if cross is not None else "")
        and read_otherwise(manifest) is None  # else its articles' terms, dates and numbers are read anew
    )


def read_otherwise(manifest: Manifest) -> str | None:
    """Why a generation's articles were read otherwise than this version reads them, or None: its terms
    tokenized by another tokenizer (its BM25 postings), or its dates and numbers by another reader (its table
    of them). A search still reads its hits as this version does; `update_index` with no change writes the
    rest anew, from the embedding cache."""
    if manifest.versions.get("tokenizer") != tokenizer_fingerprint():
        return "its words were tokenized by another version"
    if manifest.versions.get("dates") != str(DATES_VERSION):
        return "its dates and numbers were read by another version"
    return None


def _append(
    folder: Path,
    live: Index,
    add: Sequence[Article],
    settings: IndexSettings,
    embedder: Embedder,
    cross: MultilingualEncoder | None,
    started: float,
) -> BuildReport | None:
    """Write `folder` as `live` plus the new articles `add`, encoding only what the cache lacks.

    None (and `folder` left empty) when a full build would shape the FAISS indexes otherwise: the
    corpus crosses ANN_MIN_PASSAGES, outgrows its IVF lists, or brings vectors the live quantizer's
    ranges do not cover. The manifest is the one a full build writes, corpus_hash included (it is
    computed over every article's text, read back from the live table: a few milliseconds per MB).
    """
    cache = EmbeddingCache(settings.embed_cache_dir, cache_fingerprint(settings, embedder, cross))
    entries = prepare(add, settings, embedder, cache, no_progress, None, cross)
    added = assemble(add, entries, settings, embedder, started, cross)
    passages = len(live.passages) + len(added.passages)
    if not _same_kind(live.manifest.dense_index, passages, settings.ann_min_passages):
        log.info("addition written as a full build: %d passages change the kind of the dense index", passages)
        return None
    dense = extended_dense(live.path / "dense.faiss", added.passage_vectors)
    crossed = None
    if live.cross is not None and added.cross_passage_vectors is not None:
        crossed = extended_dense(live.path / "cross.faiss", added.cross_passage_vectors)
    if dense is None or (live.cross is not None and crossed is None):
        log.info("addition written as a full build: its vectors are outside the live quantizer's ranges")
        return None
    newest = [d for d in (live.manifest.newest_published, added.manifest.newest_published) if d]
    manifest = replace(
        live.manifest,
        articles=len(live.articles) + len(added.articles),
        passages=passages,
        sentences=len(live.spans) + len(added.spans),
        corpus_hash=corpus_hash([*live.articles.every(), *add]),
        built_at=added.manifest.built_at,
        build_seconds=round(time.perf_counter() - started, 3),
        newest_published=max(newest) if newest else None,
        versions=added.manifest.versions,
    )
    append_generation(folder, live, added, manifest, dense, crossed)
    return _report(manifest, folder, cache, started, appended=True)


def _same_kind(live_kind: str, passages: int, ann_min_passages: int) -> bool:
    """Whether a full build of `passages` would make the kind of dense index `live_kind` names.

    An IVF index is kept until the corpus needs twice its lists (four times the passages it was trained
    for); then a full build trains it again.
    """
    if passages < ann_min_passages or passages < 2:
        return live_kind == "flat-sq8"
    lists = re.fullmatch(r"ivf(\d+)-sq8", live_kind)
    return lists is not None and max(1, int(4 * np.sqrt(passages))) <= 2 * int(lists.group(1))


def corpus_articles(seeds: Path, added: Path) -> tuple[list[Article], list[SkippedFile]]:
    """The seeds' articles and those added to the article store (when it exists), each id once."""
    articles, skipped = load_articles(seeds)
    if added.is_dir() and added.resolve() != seeds.resolve():
        more, more_skipped = load_articles(added)
        taken = {a.id for a in articles}
        articles += [a for a in more if a.id not in taken]
        skipped += more_skipped
    return articles, skipped


def _write(
    folder: Path,
    articles: list[Article],
    settings: IndexSettings,
    embedder: Embedder,
    progress: Progress,
    started: float,
    cancel: threading.Event | None,
) -> BuildReport:
    """Encode what the cache lacks, assemble the tables and write the generation into `folder`."""
    cross = multilingual_encoder() if settings.cross_lingual else None
    cache = EmbeddingCache(settings.embed_cache_dir, cache_fingerprint(settings, embedder, cross))
    entries = prepare(articles, settings, embedder, cache, progress, cancel, cross)
    progress("saving", 0, 1)
    generation = assemble(articles, entries, settings, embedder, started, cross)
    write_generation(folder, generation, settings.ann_min_passages)
    return _report(generation.manifest, folder, cache, started)


def _report(
    manifest: Manifest, folder: Path, cache: EmbeddingCache, started: float, appended: bool = False
) -> BuildReport:
    """What a written generation holds, and how much of it the cache gave."""
    log.info("embedding cache: %d hits, %d misses", cache.hits, cache.misses)
    return BuildReport(
        manifest.articles,
        manifest.passages,
        [],
        time.perf_counter() - started,
        folder,
        encoded=cache.misses,
        reused=cache.hits,
        appended=appended,
    )


def cache_fingerprint(
    settings: IndexSettings, embedder: Embedder, cross: MultilingualEncoder | None = None
) -> dict[str, object]:
    """Everything an article's entry depends on besides its text."""
    return {
        "cross": cross.name if cross is not None else "",
        "model": embedder.name,
        "dimension": embedder.dimension,
        "max_tokens": embedder.max_tokens,
        "passage_sentences": settings.passage_sentences,
        "passage_overlap": settings.passage_overlap,
        "mode": settings.embed_mode,
        "backend": getattr(embedder, "backend", "other"),
    }


def prepare(
    articles: Sequence[Article],
    settings: IndexSettings,
    embedder: Embedder,
    cache: EmbeddingCache,
    progress: Progress,
    cancel: threading.Event | None,
    cross: MultilingualEncoder | None = None,
) -> list[Entry]:
    """Each article's entry: from the cache, or split, tokenized and encoded now (and then cached).

    Articles are encoded a group at a time; the next group is split and tokenized in a thread while
    the model encodes the current one. Raises BuildCancelledError between groups once `cancel` is set.
    """
    cross_dimension = cross.dimension if cross is not None else 0
    entries: list[Entry | None] = [cache.get(a.text_key, embedder.dimension, cross_dimension) for a in articles]
    tokenizer = tokenizer_fingerprint()
    for i, entry in enumerate(entries):
        if cancel is not None and cancel.is_set():
            raise BuildCancelledError("the rebuild was cancelled")
        fresh = _refreshed(entry, articles[i], tokenizer) if entry is not None else None
        if fresh is not None:
            entries[i] = fresh
            cache.put(articles[i].text_key, fresh)
    missing = [i for i, e in enumerate(entries) if e is None]
    total = sum(len(articles[i].text) for i in missing)
    done = 0
    progress("embedding", 0, total)
    groups = _groups([len(articles[i].text) for i in missing], GROUP_WINDOWS * settings.embed_batch_size)
    groups = [[missing[k] for k in group] for group in groups]
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="split") as pool:
        upcoming = pool.submit(_split_group, [articles[i] for i in groups[0]], settings, embedder) if groups else None
        for n, group in enumerate(groups):
            if cancel is not None and cancel.is_set():
                raise BuildCancelledError("the rebuild was cancelled")
            assert upcoming is not None
            split = upcoming.result()
            if n + 1 < len(groups):
                upcoming = pool.submit(_split_group, [articles[i] for i in groups[n + 1]], settings, embedder)
            vectors = embedder.encode_articles(
                [articles[i].text for i in group],
                [s.sentences for s in split],
                [s.runs for s in split],
                settings.embed_batch_size,
            )
            crossed = _cross_vectors([articles[i].text for i in group], split, cross)
            for i, part, (sentence_vectors, passage_vectors), cross_vectors in zip(
                group, split, vectors, crossed, strict=True
            ):
                entry = part.entry(sentence_vectors, passage_vectors, cross_vectors)
                cache.put(articles[i].text_key, entry)
                entries[i] = entry
                done += len(articles[i].text)
            progress("embedding", done, total)
    return [e for e in entries if e is not None]


def _refreshed(entry: Entry, article: Article, tokenizer: str) -> Entry | None:
    """A cached entry with its vectors kept and what was read with older readers read anew: its dates and numbers
    (when the date and number readers learnt more) and its terms (when the tokenizer's inputs changed); None when
    nothing was stale."""
    stale: dict[str, Any] = {}
    if entry.dates_version != DATES_VERSION:
        numbers = np.asarray(sorted(set(numbers_in(article.text))), dtype=str)
        stale |= {"periods": _days(article), "numbers": numbers, "dates_version": DATES_VERSION}
    if entry.tokenizer != tokenizer:
        terms, term_ids, term_rows = _terms(article.text, entry.sentences.tolist())
        stale |= {"terms": np.asarray(terms, dtype=str), "term_ids": term_ids, "term_rows": term_rows}
        stale["tokenizer"] = tokenizer
    return replace(entry, **stale) if stale else None


def _cross_vectors(
    texts: Sequence[str], split: Sequence[_Split], cross: MultilingualEncoder | None
) -> list[np.ndarray]:
    """Each article's sentences by the multilingual model, in one run of batches; (S, 0) without it."""
    if cross is None:
        return [np.zeros((len(part.sentences), 0), np.float16) for part in split]
    sentences = [text[a:b] for text, part in zip(texts, split, strict=True) for a, b in part.sentences]
    vectors = cross.encode(sentences).astype(np.float16)
    bounds = np.cumsum([0] + [len(part.sentences) for part in split])
    return [vectors[bounds[k] : bounds[k + 1]] for k in range(len(split))]


def _groups(lengths: Sequence[int], batches: int) -> list[list[int]]:
    """Positions of consecutive articles in groups of at most GROUP articles and about `batches` batches of text."""
    groups: list[list[int]] = []
    size = 0
    for i, length in enumerate(lengths):
        if not groups or len(groups[-1]) >= GROUP or size >= batches * WINDOW_CHARS:
            groups.append([])
            size = 0
        groups[-1].append(i)
        size += length
    return groups


@dataclass(frozen=True)
class _Split:
    """An article split and tokenized, waiting for its vectors."""

    sentences: list[Span]
    runs: list[tuple[int, int]]
    terms: list[str]
    term_ids: np.ndarray
    term_rows: np.ndarray
    numbers: list[str]
    periods: np.ndarray

    def entry(self, sentence_vectors: np.ndarray, passage_vectors: np.ndarray, cross_vectors: np.ndarray) -> Entry:
        """The cache entry, once the model has encoded the article."""
        return Entry(
            sentences=np.asarray(self.sentences, np.int32).reshape(-1, 2),
            runs=np.asarray(self.runs, np.int32).reshape(-1, 2),
            sentence_vectors=sentence_vectors.astype(np.float16),
            passage_vectors=passage_vectors.astype(np.float16),
            cross_vectors=cross_vectors.astype(np.float16),
            terms=np.asarray(self.terms, dtype=str),
            term_ids=self.term_ids,
            term_rows=self.term_rows,
            numbers=np.asarray(self.numbers, dtype=str),
            periods=self.periods,
        )


def _split_group(articles: Sequence[Article], settings: IndexSettings, embedder: Embedder) -> list[_Split]:
    return [_split(a, settings, embedder) for a in articles]


def _split(article: Article, settings: IndexSettings, embedder: Embedder) -> _Split:
    """Sentences, passages, BM25 terms per sentence, numbers and dates of one article."""
    text = article.text
    sentences, runs = split_article(
        text, embedder.count_tokens, embedder.max_tokens, settings.passage_sentences, settings.passage_overlap
    )
    terms, term_ids, term_rows = _terms(text, sentences)
    return _Split(sentences, runs, terms, term_ids, term_rows, sorted(set(numbers_in(text))), _days(article))


def _terms(text: str, sentences: Sequence[Span]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """An article's distinct BM25 terms, and each sentence's tokens as ids into them (with the rows they start on)."""
    terms: dict[str, int] = {}
    ids: list[int] = []
    rows = [0]
    for a, b in sentences:
        ids += [terms.setdefault(t, len(terms)) for t in tokenize(text[a:b])]
        rows.append(len(ids))
    return list(terms), np.asarray(ids, np.int32), np.asarray(rows, np.int64)


def _days(article: Article) -> np.ndarray:
    """(K, 2) int32: the days (ordinals, first and last) an article is published on or speaks of."""
    published = published_period(article.published)
    periods = ([published] if published else []) + periods_in(article.text, published.start if published else None)
    return np.asarray([(p.start.toordinal(), p.end.toordinal()) for p in periods], np.int32).reshape(-1, 2)


def assemble(
    articles: Sequence[Article],
    entries: Sequence[Entry],
    settings: IndexSettings,
    embedder: Embedder,
    started: float,
    cross: MultilingualEncoder | None = None,
) -> Generation:
    """The generation's tables from the articles' entries, in one pass (vectorized where it counts)."""
    vocabulary: dict[str, int] = {}
    docs: list[np.ndarray] = []
    tables, spans, sentence_vectors, passage_vectors = [], [], [], []
    cross_sentences, cross_passages = [], []
    article_sentences = [0]
    numbers: set[str] = set()
    token_sentences: list[np.ndarray] = []  # the sentence row of each token, for `SentenceTerms`
    token_ids: list[np.ndarray] = []
    for row, entry in enumerate(entries):
        base = article_sentences[-1]
        remap = np.asarray([vocabulary.setdefault(str(t), len(vocabulary)) for t in entry.terms], np.int64)
        global_ids = remap[entry.term_ids] if len(entry.term_ids) else np.zeros(0, np.int64)
        token_sentences.append(base + np.repeat(np.arange(len(entry.sentences)), np.diff(entry.term_rows)))
        token_ids.append(global_ids)
        for first, n in entry.runs:
            docs.append(global_ids[entry.term_rows[first] : entry.term_rows[first + n]])
        table = np.empty((len(entry.runs), 3), np.int32)
        table[:, 0] = row
        table[:, 1] = entry.runs[:, 0] + base
        table[:, 2] = entry.runs[:, 1]
        tables.append(table)
        spans.append(entry.sentences)
        sentence_vectors.append(entry.sentence_vectors)
        passage_vectors.append(entry.passage_vectors)
        if cross is not None:
            cross_sentences.append(entry.cross_vectors)
            cross_passages.append(passage_means(entry.cross_vectors, entry.runs).astype(np.float16))
        article_sentences.append(base + len(entry.sentences))
        numbers.update(str(x) for x in entry.numbers)
    d = embedder.dimension
    periods = [e.periods for e in entries]
    days = [p.start for a in articles if (p := published_period(a.published))]
    newest = max(days).isoformat() if days else None
    passages = np.concatenate(tables) if tables else np.zeros((0, 3), np.int32)
    manifest = Manifest(
        format_version=FORMAT_VERSION,
        model=embedder.name,
        dimension=d,
        max_tokens=embedder.max_tokens,
        articles=len(articles),
        passages=len(passages),
        sentences=article_sentences[-1],
        corpus_hash=corpus_hash(articles),
        built_at=datetime.now(UTC).isoformat(timespec="seconds"),
        build_seconds=round(time.perf_counter() - started, 3),
        passage_sentences=settings.passage_sentences,
        passage_overlap=settings.passage_overlap,
        encoding=settings.embed_mode,
        dense_index="",
        newest_published=newest,
        cross_model=cross.name if cross is not None else "",
        versions=library_versions() | {"dates": str(DATES_VERSION), "tokenizer": tokenizer_fingerprint()},
    )
    return Generation(
        manifest=manifest,
        articles=list(articles),
        passages=passages,
        spans=np.concatenate(spans).astype(np.int32) if spans else np.zeros((0, 2), np.int32),
        article_sentences=np.asarray(article_sentences, np.int64),
        passage_vectors=np.concatenate(passage_vectors).astype(np.float32)
        if passage_vectors
        else np.zeros((0, d), np.float32),
        sentence_vectors=np.concatenate(sentence_vectors) if sentence_vectors else np.zeros((0, d), np.float16),
        lexical=LexicalIndex.from_term_ids(list(vocabulary), docs),
        sentence_terms=SentenceTerms.build(
            np.concatenate(token_sentences) if token_sentences else np.zeros(0, np.int64),
            np.concatenate(token_ids) if token_ids else np.zeros(0, np.int64),
            article_sentences[-1],
            len(vocabulary),
        ),
        facts=Facts(frozenset(numbers), np.concatenate(periods) if periods else np.zeros((0, 2), np.int32)),
        languages=np.asarray([LANGUAGES.index(article_language(a)) for a in articles], np.uint8),
        cross_sentence_vectors=np.concatenate(cross_sentences) if cross_sentences else None,
        cross_passage_vectors=np.concatenate(cross_passages) if cross_passages else None,
    )
