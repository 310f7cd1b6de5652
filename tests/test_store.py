"""Build, save, load: the same answers back; mismatches and failures are clear and harmless."""

from __future__ import annotations

import json
import os
import sys
import threading
from dataclasses import replace
from pathlib import Path

import faiss
import numpy as np
import pytest

from bot.engine import Engine
from bot.settings import Settings
from index import article_table
from index.__main__ import summary
from index.articles import SkippedFile
from index.build import BuildReport, build_index
from index.errors import BuildError, IndexCorruptError, IndexMismatchError, IndexMissingError
from index.search import Searcher, SearchParams
from index.settings import IndexSettings
from index.store import CURRENT, dense_index, load_index, nearest, read_manifest
from tests.fakes import FailingEmbedder, FakeEmbedder, add_seed

QUESTIONS = ["Who leads the Russian delegation?", "How long a ceasefire does the US want?", "neutrality"]


def top_k(searcher: Searcher) -> list[list[tuple[str, int, int]]]:
    params = replace(SearchParams.from_settings(IndexSettings(_env_file=None)), min_score=0.0)  # type: ignore[call-arg]
    return [[(h.article.id, h.start, h.end) for h in searcher.search(q, 3, params)] for q in QUESTIONS]


def test_build_save_load_gives_the_same_top_k(settings: Settings, fake_embedder: FakeEmbedder) -> None:
    report = build_index(settings, fake_embedder)
    assert (report.articles, report.skipped) == (1, [])
    assert report.passages >= 5
    loaded = load_index(settings.index_dir, fake_embedder.name, fake_embedder.dimension)
    first = top_k(Searcher(loaded, fake_embedder))
    again = top_k(Searcher(load_index(settings.index_dir, fake_embedder.name), fake_embedder))
    assert first == again
    assert all(len(hits) == 3 for hits in first)


def test_manifest_records_what_the_index_was_built_from(settings: Settings, fake_embedder: FakeEmbedder) -> None:
    build_index(settings, fake_embedder)
    m = read_manifest(settings.index_dir)
    assert (m.model, m.dimension, m.articles) == ("fake-embedder", 64, 1)
    assert len(m.corpus_hash) == 64 and m.built_at and m.versions["faiss-cpu"] != "absent"


def test_another_model_than_the_index_was_built_with_is_a_clear_error(
    settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    build_index(settings, fake_embedder)
    with pytest.raises(IndexMismatchError, match="built with model 'fake-embedder' but EMBEDDING_MODEL is 'other'"):
        load_index(settings.index_dir, "other")
    with pytest.raises(IndexMismatchError, match="384"):
        load_index(settings.index_dir, "fake-embedder", dimension=384)


def test_missing_and_corrupt_indexes_are_clear_errors(settings: Settings, fake_embedder: FakeEmbedder) -> None:
    with pytest.raises(IndexMissingError, match="python -m index build"):
        load_index(settings.index_dir, fake_embedder.name)
    build_index(settings, fake_embedder)
    live = (settings.index_dir / CURRENT).resolve()
    (live / "passages.npy").write_text("[[", encoding="utf-8")
    with pytest.raises(IndexCorruptError, match="rebuild"):
        load_index(settings.index_dir, fake_embedder.name)


def test_failed_build_leaves_the_live_index(settings: Settings, fake_embedder: FakeEmbedder) -> None:
    build_index(settings, fake_embedder)
    live = (settings.index_dir / CURRENT).resolve()
    add_seed(settings.seeds_dir, "new.txt")  # something the cache does not hold, for the model to fail on
    with pytest.raises(RuntimeError, match="exploded"):
        build_index(settings, FailingEmbedder())
    assert (settings.index_dir / CURRENT).resolve() == live
    assert sorted(p.name for p in settings.index_dir.glob("gen-*")) == [live.name]
    load_index(settings.index_dir, fake_embedder.name)


def test_build_with_no_readable_articles_fails_and_keeps_the_old_index(
    settings: Settings, fake_embedder: FakeEmbedder, tmp_path: Path
) -> None:
    build_index(settings, fake_embedder)
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "junk.txt").write_text("Loading...\n", encoding="utf-8")
    with pytest.raises(BuildError, match="no readable articles"):
        build_index(settings, fake_embedder, seeds_dir=empty)
    assert read_manifest(settings.index_dir).articles == 1


def test_rebuild_swaps_atomically_and_prunes(settings: Settings, fake_embedder: FakeEmbedder) -> None:
    for _ in range(4):
        build_index(settings, fake_embedder)
    generations = list(settings.index_dir.glob("gen-*"))
    assert len(generations) == 2
    assert os.readlink(settings.index_dir / CURRENT) in {g.name for g in generations}


def test_broken_file_is_skipped_not_fatal(settings: Settings, fake_embedder: FakeEmbedder) -> None:
    (settings.seeds_dir / "broken.html").write_bytes(b"\x00\xff\xfe not html")
    report = build_index(settings, fake_embedder)
    assert report.articles == 1
    assert [Path(s.path).name for s in report.skipped] == ["broken.html"]


def test_engine_builds_a_missing_index_once(settings: Settings, fake_embedder: FakeEmbedder) -> None:
    notices: list[str] = []
    engine = Engine.load(settings, fake_embedder, notice=notices.append)
    assert "no index" in notices[0] and engine.articles[0].id == "000_03e83c080a8e0dcc"
    Engine.load(settings, fake_embedder, notice=notices.append)
    assert len(notices) == 2  # the second load found the index: no more notices


def test_the_tables_are_arrays_and_the_articles_one_file(settings: Settings, fake_embedder: FakeEmbedder) -> None:
    build_index(settings, fake_embedder)
    live = (settings.index_dir / CURRENT).resolve()
    table = np.load(live / "passages.npy")
    assert table.dtype == np.int32 and table.shape == (18, 3) and set(table[:, 0]) == {0}
    assert np.load(live / "sentences.npy").dtype == np.float16
    assert {p.name for p in live.iterdir()} >= {"articles.sqlite", "dense.faiss", "spans.npy", "lexical", "facts.json"}


def test_engine_rebuilds_an_index_of_an_older_format(settings: Settings, fake_embedder: FakeEmbedder) -> None:
    build_index(settings, fake_embedder)
    manifest = (settings.index_dir / CURRENT) / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    manifest.write_text(json.dumps({**data, "format_version": 1}), encoding="utf-8")
    with pytest.raises(IndexMismatchError, match="format 1"):
        load_index(settings.index_dir, fake_embedder.name)
    notices: list[str] = []
    engine = Engine.load(settings, fake_embedder, notice=notices.append)
    assert "has format 1" in notices[0]
    assert engine.answer("Who leads the Russian delegation?").found


def test_a_build_is_described_in_words_with_correct_plurals(settings: Settings, fake_embedder: FakeEmbedder) -> None:
    (settings.seeds_dir / "a.txt").write_text("Loading...\n", encoding="utf-8")
    notices: list[str] = []
    Engine.load(settings, fake_embedder, notice=notices.append)
    n = read_manifest(settings.index_dir).passages
    described = f"1 article, {n} passages, 1 file skipped: a.txt (no article text found)"
    assert notices[1].startswith(f"built the index: {described} in ")
    report = build_index(settings, fake_embedder)
    assert report.describe() == described
    assert summary(report) == f"built {report.path} in {report.seconds:.1f} s: {described}"
    two = [SkippedFile("/s/b.txt", "cannot read: bad bytes"), SkippedFile("/s/c.html", "no main text found")]
    assert BuildReport(1131, 1, two).describe() == (
        "1,131 articles, 1 passage, 2 files skipped: b.txt (cannot read: bad bytes), c.html (no main text found)"
    )


@pytest.mark.parametrize("passages", [5, 300])
def test_nearest_finds_what_faiss_finds_on_one_thread_and_puts_the_threads_back(passages: int) -> None:
    rng = np.random.default_rng(7)
    vectors = rng.standard_normal((passages, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index, _ = dense_index(vectors, ann_min_passages=100)  # flat below 100 passages, IVF above
    threads = faiss.omp_get_max_threads()
    for vector in vectors[:5]:
        _, expected = index.search(vector.reshape(1, -1), 10)
        found = nearest(index, vector, 10)
        assert found.tolist() == expected[0].tolist()
        assert found[0] == np.flatnonzero((vectors == vector).all(axis=1))[0]  # itself, first
    assert faiss.omp_get_max_threads() == threads
    if passages < 10:
        assert (nearest(index, vectors[0], 10) == -1).sum() == 10 - passages  # fewer than asked: -1 after


def test_articles_read_from_many_threads_while_the_kept_ones_are_evicted(
    settings: Settings, fake_embedder: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    (settings.seeds_dir / "more.md").write_text(
        "---\ntitle: Another day\nsource: Dev wire\nlicense: CC0\n---\nThe delegations met again in Istanbul.\n",
        encoding="utf-8",
    )
    build_index(settings, fake_embedder)
    articles = load_index(settings.index_dir, fake_embedder.name).articles
    assert len(articles) >= 2
    monkeypatch.setattr(article_table, "KEPT", 1)  # every other read evicts the article another thread just found
    failures: list[BaseException] = []
    ids = list(articles)

    def read(article_id: str) -> None:  # the same article again and again, as the others read theirs
        try:
            for _ in range(20000):
                assert articles[article_id].id == article_id
        except BaseException as exc:  # any failure in a reading thread is the test's
            failures.append(exc)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads switch as often as the interpreter lets them
    try:
        readers = [threading.Thread(target=read, args=(ids[n % 2],), daemon=True) for n in range(4)]
        for reader in readers:
            reader.start()
        for reader in readers:
            reader.join(timeout=60)
    finally:
        sys.setswitchinterval(interval)
    assert not any(r.is_alive() for r in readers)
    assert not failures, [repr(f) for f in failures[:3]]
