"""What every table of the bench shares: the settings, the model, and the indexes built once per run."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bench.xquad import Question, load_xquad, write_documents
from bot.settings import Settings
from index.answerability import Corpus
from index.build import BuildReport, build_index
from index.embedder import SentenceTransformerEmbedder
from index.search import Searcher, SearchParams
from index.store import Index, load_index

ROOT = Path(__file__).resolve().parent.parent


class CachedEmbedder:
    """The real model with each question's embedding kept, so quality runs encode a question once."""

    def __init__(self, model: SentenceTransformerEmbedder) -> None:
        self.model = model
        self.name, self.dimension, self.max_tokens = model.name, model.dimension, model.max_tokens
        self._cache: dict[str, np.ndarray] = {}

    def encode(self, texts: Sequence[str], batch_size: int = 32, progress: bool = False) -> np.ndarray:
        """One question at a time, from the cache where seen."""
        key = "\0".join(texts)
        if key not in self._cache:
            self._cache[key] = self.model.encode(texts, batch_size)
        return self._cache[key]


@dataclass
class Bench:
    """One run's shared state: XQuAD and the talks seeds, each indexed once with the shipped settings."""

    settings: Settings
    params: SearchParams
    model: SentenceTransformerEmbedder
    cached: CachedEmbedder
    work: Path
    xquad_dir: Path
    questions: list[Question]
    xquad: Index
    xquad_build: BuildReport
    talks_settings: Settings
    talks: Corpus

    @classmethod
    def prepare(cls, xquad_dir: Path, work: Path) -> Bench:
        """Load the model, and index XQuAD-en (one document per article) and the talks seeds."""
        # Its own cache and no added articles: every build of the run is cold and reads only its corpus.
        settings = Settings(_env_file=None, embed_cache_dir=work / "cache", articles_dir=work / "no-articles")
        model = SentenceTransformerEmbedder.for_settings(settings)
        cached = CachedEmbedder(model)
        articles, questions = load_xquad(xquad_dir / "xquad.en.json")
        write_documents(articles, work / "xquad")
        xq = settings.model_copy(update={"seeds_dir": work / "xquad", "index_dir": work / "xquad-index"})
        print(f"building the XQuAD index ({len(articles)} articles)…", file=sys.stderr)
        report = build_index(xq, model)
        talks = settings.model_copy(update={"seeds_dir": ROOT / "seeds", "index_dir": work / "talks-index"})
        build_index(talks, model)
        return cls(
            settings=settings,
            params=SearchParams.from_settings(settings),
            model=model,
            cached=cached,
            work=work,
            xquad_dir=xquad_dir,
            questions=questions,
            xquad=load_index(xq.index_dir, model.name),
            xquad_build=report,
            talks_settings=talks,
            talks=Corpus(Searcher(load_index(talks.index_dir, model.name), cached)),
        )
