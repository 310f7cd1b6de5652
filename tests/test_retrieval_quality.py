"""Regression checks on a fixed XQuAD slice: hybrid retrieval is at least as good as either retriever alone."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from bench.xquad import Quality, evaluate, load_xquad, write_documents
from index.build import build_index
from index.embedder import SentenceTransformerEmbedder
from index.search import Mode, Searcher, SearchParams
from index.settings import IndexSettings
from index.store import load_index
from tests.conftest import DATA

SLICE = DATA / "xquad_slice.en.json"


@pytest.fixture(scope="module")
def slice_quality(
    tmp_path_factory: pytest.TempPathFactory, real_embedder: SentenceTransformerEmbedder
) -> dict[Mode, Quality]:
    articles, questions = load_xquad(SLICE)
    work = tmp_path_factory.mktemp("xquad")
    write_documents(articles, work / "seeds")
    settings = IndexSettings(seeds_dir=work / "seeds", index_dir=work / "index", _env_file=None)  # type: ignore[call-arg]
    build_index(settings, real_embedder)
    searcher = Searcher(load_index(settings.index_dir, real_embedder.name), real_embedder)
    shipped = replace(SearchParams.from_settings(settings), min_score=0.0)
    modes: list[Mode] = ["dense", "lexical", "hybrid"]
    return {mode: evaluate(searcher, questions, replace(shipped, mode=mode)) for mode in modes}


def test_slice_is_the_fixed_one() -> None:
    articles, questions = load_xquad(SLICE)
    assert (len(articles), len(questions)) == (12, 354)


@pytest.mark.model
@pytest.mark.parametrize("metric", ["answer_at_1", "answer_at_3", "mrr_at_10"])
def test_hybrid_scores_at_least_as_well_as_the_best_single_retriever(
    slice_quality: dict[Mode, Quality], metric: str
) -> None:
    hybrid = getattr(slice_quality["hybrid"], metric)
    best_single = max(getattr(slice_quality["dense"], metric), getattr(slice_quality["lexical"], metric))
    assert hybrid >= best_single, slice_quality


@pytest.mark.model
def test_quotes_stay_short(slice_quality: dict[Mode, Quality]) -> None:
    assert slice_quality["hybrid"].mean_quote_chars <= 400


def test_quotes_from_the_slice_are_verbatim(tmp_path: Path) -> None:
    from tests.fakes import FakeEmbedder

    articles, _ = load_xquad(SLICE)
    write_documents(dict(list(articles.items())[:2]), tmp_path / "seeds")
    settings = IndexSettings(seeds_dir=tmp_path / "seeds", index_dir=tmp_path / "index", _env_file=None)  # type: ignore[call-arg]
    fake = FakeEmbedder()
    build_index(settings, fake)
    index = load_index(settings.index_dir, fake.name)
    question = "Which NFL team represented the AFC at Super Bowl 50?"
    for hit in Searcher(index, fake).search(question, 5, SearchParams.from_settings(settings)):
        assert hit.quote == index.articles[hit.article.id].text[hit.start : hit.end]
        assert hit.start <= hit.focus_start < hit.focus_end <= hit.end
