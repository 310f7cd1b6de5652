"""The engine: the embedding model and the live index, loaded once per process, answering questions."""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from bot.answers import Answer, Quote
from bot.small_talk import small_talk
from index.answerability import AnswerModel, Corpus, search_and_judge
from index.article_table import ArticleInfo
from index.build import BuildReport, Progress, build_index, no_progress, read_otherwise, update_index
from index.embedder import Embedder, SentenceTransformerEmbedder
from index.errors import BuildCancelledError, BuildInProgressError, IndexFormatError
from index.ingest import Change, add_drafts, remove_articles
from index.library import Draft
from index.search import Searcher, SearchParams, clean_question
from index.settings import IndexSettings
from index.store import FORMAT_VERSION, Index, live_generation, load_index, read_generation, read_manifest

log = logging.getLogger(__name__)


def settle() -> None:
    """Keep what start-up loaded out of the garbage collector's full passes, once the engine is loaded (and
    again once it answers from a new generation).

    The model, the index and their tables live as long as the process; a full pass over them stalled
    one question in a few hundred by about a third of a second (gc.freeze: they are still freed by
    reference counting).
    """
    gc.collect()
    gc.freeze()


class Engine:
    """Answers questions from the live index; a rebuild swaps a new index in without a pause.

    Every writer of the index goes through `rebuild`, one at a time: `rebuilding` tells whether one runs.
    """

    def __init__(self, settings: IndexSettings, embedder: Embedder, index: Index | None = None) -> None:
        self.settings = settings
        self.embedder = embedder
        self.params = SearchParams.from_settings(settings)
        self.answer_model = AnswerModel.for_settings(settings)
        if index is None:
            index = load_index(settings.index_dir, embedder.name, embedder.dimension, settings.ann_nprobe)
        self._serve(index)
        self._build_lock = threading.Lock()
        self._stopping = threading.Event()

    @classmethod
    def load(
        cls,
        settings: IndexSettings,
        embedder: Embedder | None = None,
        notice: Callable[[str], None] = log.info,
    ) -> Engine:
        """Load the model and the index, building the index first if there is none or it is of an old format.

        `current` is resolved once: the generation checked is the one loaded (or the one just built).
        """
        embedder = embedder or SentenceTransformerEmbedder.for_settings(settings)
        folder = live_generation(settings.index_dir)
        reason = _rebuild_reason(settings, folder)
        if reason:
            notice(f"{reason}: building it from {settings.seeds_dir}")
            report = build_index(settings, embedder)
            notice(f"built the index: {report.describe()} in {report.seconds:.1f} s")
            folder = report.path
        assert folder is not None  # found, or just built
        return cls(settings, embedder, read_generation(folder, embedder.name, embedder.dimension, settings.ann_nprobe))

    @property
    def articles(self) -> list[ArticleInfo]:
        """The indexed articles without their texts, newest first where dated."""
        return self.corpus.searcher.index.articles.infos()

    def answer(self, question: str, limit: int | None = None) -> Answer:
        """Up to `limit` quotes (default: all pages) answering `question`; blocking, so run it off the loop."""
        question = clean_question(question)
        if kind := small_talk(question):  # "thanks!" would meet "Zelensky thanked…"
            return Answer(question, (), self.settings.top_k, small_talk=kind)
        corpus = self.corpus  # one index for the whole question, even if a swap happens meanwhile
        limit = limit or self.settings.answer_limit
        judged = search_and_judge(corpus, question, limit, self.params, self.answer_model)
        quotes = tuple(Quote.from_hit(h) for h in judged.hits)
        return Answer(question, quotes, self.settings.top_k, judged.claimed, judged.confidence, tuple(judged.missing))

    def _read(self, folder: Path) -> Index:
        """A generation just written by this engine."""
        return read_generation(folder, self.embedder.name, self.embedder.dimension, self.settings.ann_nprobe)

    def _serve(self, index: Index) -> None:
        """Answer from `index` from now on (one assignment: a question in flight keeps the one it started with)."""
        self.corpus = Corpus(Searcher(index, self.embedder))

    def _swap(self, folder: Path) -> None:
        """Answer from a generation just written (in the writer's thread), its tables then kept out of full
        garbage passes as start-up's are (`settle`)."""
        self._serve(self._read(folder))
        settle()

    @property
    def rebuilding(self) -> bool:
        """Whether a rebuild is running now."""
        return self._build_lock.locked()

    def rebuild(self, progress: Progress = no_progress) -> BuildReport:
        """Build a new index and swap it in; on failure the old one keeps serving (blocking).

        Raises BuildInProgressError if a rebuild is already running, BuildCancelledError once
        `cancel_rebuilds` was called.
        """
        if not self._build_lock.acquire(blocking=False):
            raise BuildInProgressError("an index rebuild is already running")
        try:
            if self._stopping.is_set():
                raise BuildCancelledError("the rebuild was cancelled: the bot is stopping")
            report = build_index(self.settings, self.embedder, progress, cancel=self._stopping)
            assert report.path is not None  # a build that returns has published its generation
            self._swap(report.path)
            return report
        finally:
            self._build_lock.release()

    @property
    def outdated(self) -> str | None:
        """Why the live index was read otherwise than this version reads articles (`read_otherwise`), or None."""
        return read_otherwise(self.corpus.searcher.index.manifest)

    def refresh(self) -> BuildReport | None:
        """Write the live index's articles anew where it is `outdated`, then answer from the new generation; None
        where it is not (blocking; one writer at a time; stopped, the index unchanged, by `cancel_rebuilds`)."""
        with self._writing():
            if self.outdated is None:
                return None
            report = update_index(self.settings, self.embedder, cancel=self._stopping)
            assert report.path is not None
            self._swap(report.path)
            return report

    def add(self, drafts: Sequence[Draft]) -> Change:
        """Store and index new articles, then answer from the new generation (blocking; one writer at a time)."""
        with self._writing():
            change = add_drafts(self.settings, self.embedder, drafts, self.corpus.searcher.index)
            if change.report is not None and change.report.path is not None:
                self._swap(change.report.path)
            return change

    def remove(self, ids: Sequence[str]) -> BuildReport:
        """Take articles out of the index and the article store (blocking; one writer at a time)."""
        with self._writing():
            report = remove_articles(self.settings, self.embedder, ids, self.corpus.searcher.index)
            assert report.path is not None
            self._swap(report.path)
            return report

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Hold the one writer's lock, or fail at once while a rebuild or another change runs."""
        if not self._build_lock.acquire(blocking=False):
            raise BuildInProgressError("the index is being changed right now; try again in a minute")
        try:
            if self._stopping.is_set():
                raise BuildCancelledError("the change was cancelled: the bot is stopping")
            yield
        finally:
            self._build_lock.release()

    def cancel_rebuilds(self) -> None:
        """Stop a running rebuild at its next chunk and refuse new ones, for shutdown; the live index stays."""
        self._stopping.set()


def _rebuild_reason(settings: IndexSettings, folder: Path | None) -> str | None:
    """Why the index must be built before serving: missing, or `folder` written in another version's format."""
    if folder is None:
        return f"no index at {settings.index_dir}"
    try:
        read_manifest(folder)
    except IndexFormatError as exc:
        return f"the index at {settings.index_dir} has format {exc.version}, this version reads {FORMAT_VERSION}"
    return None
