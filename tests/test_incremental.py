"""The embedding cache, resumed builds and incremental changes: only new text is ever encoded."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import faiss
import numpy as np
import pytest

import index.store
from bot.engine import Engine
from bot.settings import Settings
from index.articles import Article, read_article
from index.build import BuildReport, build_index, update_index
from index.dates import DATES_VERSION
from index.embedder import SentenceTransformerEmbedder
from index.errors import BuildError
from index.ingest import add_drafts, poll_and_add
from index.lexical import LexicalIndex, merged, tokenizer_fingerprint
from index.library import Draft
from index.store import CURRENT, live_generation, load_index
from tests.conftest import DATA
from tests.fake_site import FakeSite
from tests.fakes import FakeEmbedder, add_seed

Spans = Sequence[Sequence[tuple[int, int]]]


class CountingEmbedder(FakeEmbedder):
    """Counts the articles it encodes; with `fail_after`, dies on that many calls' next one (a killed build)."""

    def __init__(self, fail_after: int | None = None) -> None:
        super().__init__()
        self.encoded: list[str] = []
        self.calls = 0
        self.fail_after = fail_after

    def encode_articles(
        self, texts: Sequence[str], sentences: Spans, runs: Spans, batch_size: int
    ) -> list[tuple[np.ndarray, np.ndarray]]:
        """Like FakeEmbedder, counting; fails once `fail_after` calls have been made."""
        if self.fail_after is not None and self.calls >= self.fail_after:
            raise RuntimeError("killed")
        self.calls += 1
        self.encoded += list(texts)
        return super().encode_articles(texts, sentences, runs, batch_size)


@pytest.fixture
def many(settings: Settings) -> Settings:
    """The seed and six more articles, each long enough to be a group of its own at batch size 1."""
    for n in range(6):
        add_seed(settings.seeds_dir, f"round-{n}.txt", topic=f"Geneva {n}", paragraphs=30)
    return settings.model_copy(update={"embed_batch_size": 1})


def test_a_killed_build_resumes_without_encoding_again(many: Settings) -> None:
    killed = CountingEmbedder(fail_after=3)
    with pytest.raises(RuntimeError, match="killed"):
        build_index(many, killed)
    assert live_generation(many.index_dir) is None and list(many.index_dir.glob("gen-*")) == []
    resumed = CountingEmbedder()
    report = build_index(many, resumed)
    assert report.articles == 7 and 3 <= len(killed.encoded) < 7
    assert len(killed.encoded) + len(resumed.encoded) == 7 and not set(resumed.encoded) & set(killed.encoded)
    assert (report.encoded, report.reused) == (len(resumed.encoded), len(killed.encoded))


def test_a_warm_rebuild_encodes_nothing_and_an_edit_only_its_article(many: Settings) -> None:
    build_index(many, FakeEmbedder())
    warm = CountingEmbedder()
    first = build_index(many, warm)
    assert warm.encoded == [] and first.reused == 7
    edited = many.seeds_dir / "round-2.txt"
    edited.write_text(edited.read_text(encoding="utf-8").replace("round 1 of", "round one of"), encoding="utf-8")
    again = CountingEmbedder()
    build_index(many, again)
    assert len(again.encoded) == 1 and "round one of" in again.encoded[0]


def test_a_cached_article_has_its_dates_read_anew_once_the_date_reader_learns_more(settings: Settings) -> None:
    article = "---\ntitle: Переговоры\n---\nПереговоры прошли 16 мая 2025 года в Стамбуле. A $50bn loan.\n"
    (settings.seeds_dir / "istanbul-ru.md").write_text(article, encoding="utf-8")
    build_index(settings, FakeEmbedder())
    entries = list(settings.embed_cache_dir.rglob("*.npz"))
    for path in entries:  # as a reader of fewer dates left them: no version, no date or number it could not read
        with np.load(path) as data:
            kept = {name: data[name] for name in data.files if name != "dates_version"}
        with open(path, "wb") as out:
            np.savez(out, **(kept | {"periods": np.zeros((0, 2), np.int32), "numbers": np.zeros(0, dtype=str)}))
    warm = CountingEmbedder()
    report = build_index(settings, warm)
    assert warm.encoded == [] and report.reused == len(entries)
    facts = load_index(settings.index_dir, "fake-embedder", 64).facts
    assert date(2025, 5, 16).toordinal() in facts.periods[:, 0] and "50" in facts.numbers
    for path in entries:
        with np.load(path) as data:
            assert int(data["dates_version"]) == DATES_VERSION


@pytest.mark.parametrize("kept", [None, "0123456789abcdef"], ids=["from before it was kept", "another tokenizer's"])
def test_a_cached_article_is_tokenized_anew_once_the_tokenizer_changed(settings: Settings, kept: str | None) -> None:
    article = "---\ntitle: Переговоры\n---\nПереговоры прошли в Стамбуле. Делегации обменялись пленными.\n"
    (settings.seeds_dir / "istanbul-ru.md").write_text(article, encoding="utf-8")
    build_index(settings, FakeEmbedder())
    entries = list(settings.embed_cache_dir.rglob("*.npz"))
    cold = {}
    for path in entries:  # as another tokenizer left them: other terms, ids and rows, and its fingerprint or none
        with np.load(path) as data:
            cold[path] = {name: data[name] for name in data.files}
        stale = {name: v for name, v in cold[path].items() if name != "tokenizer"}
        stale |= {
            "terms": np.asarray([f"stale{k}" for k in range(len(stale["terms"]) + 1)]),
            "term_ids": stale["term_ids"][::-1].copy(),
            "term_rows": np.concatenate([[0], stale["term_rows"][2:], stale["term_rows"][-1:]]),
        }
        with open(path, "wb") as out:
            np.savez(out, **stale, **({} if kept is None else {"tokenizer": np.str_(kept)}))
    warm = CountingEmbedder()
    report = build_index(settings, warm)
    assert warm.encoded == [] and report.reused == len(entries)  # the vectors are kept
    for path in entries:  # tokenized anew: what a cold build made, fingerprint included
        with np.load(path) as data:
            assert set(data.files) == set(cold[path])
            for name, value in cold[path].items():
                assert np.array_equal(data[name], value), name
    index = load_index(settings.index_dir, "fake-embedder", 64)
    assert "стамбул" in index.lexical.ids and not any(t.startswith("stale") for t in index.lexical.terms)
    assert index.sentence_terms is not None


def _tokenized_otherwise(report: BuildReport) -> None:
    """Make a built generation's manifest say another tokenizer made it."""
    assert report.path is not None
    path = report.path / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["versions"]["tokenizer"] == tokenizer_fingerprint()
    data["versions"]["tokenizer"] = "0123456789abcdef"
    path.write_text(json.dumps(data), encoding="utf-8")


def test_an_index_tokenized_otherwise_is_searched_by_tokenizing_and_not_appended_to(varied: Settings) -> None:
    live = build_index(varied, FakeEmbedder())
    _tokenized_otherwise(live)
    index = load_index(varied.index_dir, "fake-embedder", 64)
    assert index.sentence_terms is None  # its sentences' kept terms are another tokenizer's
    report = update_index(varied, FakeEmbedder(), add=recombined(varied))
    assert not report.appended and report.encoded == 2  # a full build, from the cache
    index = load_index(varied.index_dir, "fake-embedder", 64)
    assert index.sentence_terms is not None and index.manifest.versions["tokenizer"] == tokenizer_fingerprint()


def test_the_same_articles_give_the_same_index_cold_or_warm(many: Settings, tmp_path: Path) -> None:
    cold = build_index(many, FakeEmbedder())
    warm = build_index(many, FakeEmbedder())
    assert cold.path is not None and warm.path is not None
    for name in ("passages.npy", "spans.npy", "sentences.npy", "lexical/docs.npy", "lexical/tf.npy"):
        assert np.array_equal(np.load(cold.path / name), np.load(warm.path / name)), name
    assert (cold.path / "dense.faiss").read_bytes() == (warm.path / "dense.faiss").read_bytes()


def test_adding_an_article_encodes_only_it_and_it_is_searchable(settings: Settings) -> None:
    build_index(settings, FakeEmbedder())
    counting = CountingEmbedder()
    draft = Draft(
        "Negotiators met in Riyadh on Tuesday. They agreed on a maritime ceasefire in the Black Sea.",
        "Black Sea truce agreed",
        "Test Wire",
        "https://news.example/black-sea",
        "2025-03-25",
    )
    change = add_drafts(settings, counting, [draft])
    [outcome] = change.outcomes
    assert outcome.article is not None and outcome.passages == 1
    assert outcome.describe() == "Added: Black Sea truce agreed (1 passage), searchable now"
    assert len(counting.encoded) == 1
    engine = Engine(settings, FakeEmbedder())
    answer = engine.answer("Where was the Black Sea ceasefire agreed?")
    assert answer.quotes and "Riyadh" in answer.quotes[0].quote
    stored = list(settings.articles_dir.glob("*.txt"))
    assert len(stored) == 1 and "url: https://news.example/black-sea" in stored[0].read_text(encoding="utf-8")


def test_the_same_story_is_kept_once(settings: Settings) -> None:
    build_index(settings, FakeEmbedder())
    text = (
        "Negotiators met in Riyadh on Tuesday and agreed on a maritime ceasefire in the Black Sea, "
        "officials from both delegations said after eleven hours of talks at the Ritz-Carlton hotel."
    )
    first = Draft(text, "Truce agreed", "Wire A", "https://a.example/truce?utm_source=feed", "2025-03-25")
    add_drafts(settings, FakeEmbedder(), [first])
    same_url = Draft(text + " An update followed.", "Truce agreed", "Wire A", "https://a.example/truce/", None)
    copy = Draft(text, "Truce agreed, copy", "Wire B", "https://b.example/copy", "2025-03-25")
    change = add_drafts(settings, FakeEmbedder(), [same_url, copy])
    updated, refused = change.outcomes
    assert updated.replaced and updated.describe().startswith("Updated: Truce agreed")
    assert refused.refused is not None and "same story" in refused.refused
    index = load_index(settings.index_dir, "fake-embedder", 64)
    assert len(index.articles) == 2 and len(list(settings.articles_dir.glob("*.txt"))) == 1
    assert any("An update followed." in index.articles[i].text for i in index.articles)


def test_a_failed_addition_leaves_the_index_and_the_store_as_they_were(settings: Settings) -> None:
    build_index(settings, FakeEmbedder())
    live = (settings.index_dir / CURRENT).resolve()
    draft = Draft("Talks resumed in Istanbul on Monday after a pause of three years.", "Resumed", "Wire", None, None)
    with pytest.raises(RuntimeError, match="killed"):
        add_drafts(settings, CountingEmbedder(fail_after=0), [draft])
    assert (settings.index_dir / CURRENT).resolve() == live
    assert sorted(p.name for p in settings.index_dir.glob("gen-*")) == [live.name]
    assert not settings.articles_dir.exists() or list(settings.articles_dir.iterdir()) == []


def test_removing_an_added_article_and_refusing_a_seed(settings: Settings) -> None:
    build_index(settings, FakeEmbedder())
    engine = Engine(settings, FakeEmbedder())
    change = engine.add([Draft("Delegations met in Abu Dhabi to swap prisoners of war on Friday.", "Swap")])
    article = change.outcomes[0].article
    assert article is not None and len(engine.articles) == 2
    with pytest.raises(BuildError, match="seeds folder"):
        engine.remove(["000_03e83c080a8e0dcc"])
    report = engine.remove([article.id])
    assert report.articles == 1 and [a.id for a in engine.articles] == ["000_03e83c080a8e0dcc"]
    assert list(settings.articles_dir.glob("*.txt")) == []
    with pytest.raises(BuildError, match="no article with the id"):
        engine.remove(["nothing-like-it"])


def test_a_full_rebuild_keeps_added_articles(settings: Settings) -> None:
    build_index(settings, FakeEmbedder())
    add_drafts(settings, FakeEmbedder(), [Draft("Delegations met in Abu Dhabi to swap prisoners on Friday.", "Swap")])
    counting = CountingEmbedder()
    report = build_index(settings, counting)
    assert report.articles == 2 and counting.encoded == []


def test_the_approximate_index_is_chosen_above_the_threshold(settings: Settings) -> None:
    flat = build_index(settings, FakeEmbedder())
    ivf = build_index(settings.model_copy(update={"ann_min_passages": 10}), FakeEmbedder())
    assert flat.path is not None and ivf.path is not None
    assert "flat" in (flat.path / "manifest.json").read_text(encoding="utf-8")
    assert '"dense_index": "ivf' in (ivf.path / "manifest.json").read_text(encoding="utf-8")


def test_updating_without_an_index_is_a_clear_error(settings: Settings) -> None:
    with pytest.raises(BuildError, match="build it first"):
        update_index(settings, FakeEmbedder(), add=[])


async def test_feeds_add_their_new_items_once(settings: Settings) -> None:
    build_index(settings, FakeEmbedder())
    engine = Engine(settings, FakeEmbedder())
    async with FakeSite() as site:
        polling = settings.model_copy(update={"feeds": [f"{site.url}/feed.rss"], "fetch_allow_private": True})
        first = await poll_and_add(polling, engine.add)
        assert [o.describe() for o in first.outcomes] == [
            "Added: Talks resume in Istanbul (1 passage), searchable now",
            "Added: Prisoner exchange agreed (1 passage), searchable now",
        ]
        assert not first.failed and len(engine.articles) == 3
        answer = engine.answer("How many prisoners of war will be exchanged?")
        assert answer.quotes and "one thousand prisoners" in answer.quotes[0].quote
        again = await poll_and_add(polling, engine.add)
        assert again.outcomes == [] and again.lines() == ["No new articles in the feeds."]
        site.add_rss_item("/news/3", "Black Sea truce proposed", "Sun, 16 Mar 2025 10:00:00 GMT")
        site.add_rss_item("/news/404", "A story that is gone", "Sun, 16 Mar 2025 11:00:00 GMT")
        third = await poll_and_add(polling, engine.add)
        assert [o.article.title for o in third.outcomes if o.article] == ["Black Sea truce proposed"]
        assert third.failed and "404" in third.failures[0]
        assert (await poll_and_add(polling, engine.add)).lines() == ["No new articles in the feeds."]


@pytest.mark.model
def test_the_approximate_index_answers_the_seed_questions_as_the_flat_one(
    real_engine: Engine,
    real_embedder: SentenceTransformerEmbedder,
    seed_questions: list[dict[str, Any]],
    tmp_path: Path,
) -> None:
    ivf = real_engine.settings.model_copy(update={"index_dir": tmp_path / "ivf", "ann_min_passages": 2})
    report = build_index(ivf, real_embedder)
    assert report.path is not None and '"dense_index": "ivf' in (report.path / "manifest.json").read_text()
    approximate = Engine(ivf, real_embedder)
    for item in seed_questions:
        flat, ann = real_engine.answer(item["question"]), approximate.answer(item["question"])
        assert [q.quote for q in ann.quotes[:1]] == [q.quote for q in flat.quotes[:1]], item["question"]


# The append path: an addition of new articles extends the live generation's files.

FILES = [
    "sentences.npy",
    "spans.npy",
    "passages.npy",
    "article_sentences.npy",
    "languages.npy",
    "cross_sentences.npy",
    "lexical/vocabulary.txt",
    "lexical/sentence_terms.npy",
    "lexical/sentence_term_rows.npy",
    "lexical/indptr.npy",
    "lexical/docs.npy",
    "lexical/tf.npy",
    "lexical/doc_len.npy",
    "facts.json",
]
QUESTIONS = [
    "Who led the Panthers in sacks?",
    "Who signed the Zorblatt accord?",
    "Where will the talks take place?",
    "How many interceptions did the defense make?",
]


@pytest.fixture
def varied(settings: Settings) -> Settings:
    """The seed and 30 articles of two XQuAD paragraphs each: vectors varied enough to train a quantizer on."""
    contexts = [
        p["context"] for a in json.loads((DATA / "xquad_slice.en.json").read_text())["data"] for p in a["paragraphs"]
    ]
    for n in range(0, 60, 2):
        (settings.seeds_dir / f"x{n:03d}.txt").write_text(
            f"---\ntitle: Article {n}\npublished: 2025-05-{1 + n % 28:02d}\n---\n{contexts[n]}\n\n{contexts[n + 1]}\n",
            encoding="utf-8",
        )
    return settings


def new_articles(settings: Settings, *bodies: tuple[str, str | None, str]) -> list[Article]:
    """Files (title, date, text) written into the seeds folder, read as a build reads them."""
    articles = []
    for n, (title, published, text) in enumerate(bodies):
        path = settings.seeds_dir / f"zz-{n}.txt"
        date = f"published: {published}\n" if published else ""
        path.write_text(f"---\ntitle: {title}\n{date}---\n{text}\n", encoding="utf-8")
        articles.append(read_article(path, settings.seeds_dir))
    return articles


def recombined(settings: Settings) -> list[Article]:
    """Two new articles of paragraphs already indexed, in new pairs, one with words no article has."""
    text = {p.stem: p.read_text(encoding="utf-8").split("---\n", 2)[2] for p in settings.seeds_dir.glob("x*.txt")}
    first = (
        text["x004"].split("\n\n")[1]
        + "\n\n"
        + text["x002"].strip()
        + " Negotiators from Quuxville signed the Zorblatt accord."
    )
    second = text["x008"].split("\n\n")[1] + "\n\n" + text["x000"].split("\n\n")[0]
    return new_articles(settings, ("Added one", "2026-01-03", first), ("Added two", None, second))


def rows(folder: Path) -> list[tuple[Any, ...]]:
    """Every row of a generation's article table."""
    db = sqlite3.connect(folder / "articles.sqlite")
    try:
        return db.execute("SELECT * FROM articles ORDER BY row").fetchall()
    finally:
        db.close()


def manifest_of(report: BuildReport) -> dict[str, Any]:
    """A generation's manifest without what differs between any two builds (when, how long, with which versions)."""
    assert report.path is not None
    data = json.loads((report.path / "manifest.json").read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if k not in ("built_at", "build_seconds", "versions")}


def test_an_appended_generation_is_the_full_build_of_the_same_articles(varied: Settings) -> None:
    build_index(varied, FakeEmbedder())
    counting = CountingEmbedder()
    appended = update_index(varied, counting, add=recombined(varied))
    full = build_index(varied.model_copy(update={"index_dir": varied.index_dir.parent / "full"}), FakeEmbedder())
    assert appended.path is not None and full.path is not None
    assert appended.appended and not full.appended
    assert (appended.encoded, appended.reused) == (2, 0) and len(counting.encoded) == 2  # the live 31 are not read
    for name in FILES:  # every table and the postings: byte for byte
        assert (appended.path / name).read_bytes() == (full.path / name).read_bytes(), name
    assert rows(appended.path) == rows(full.path)
    assert manifest_of(appended) == manifest_of(full)  # counts, corpus_hash, newest_published, kind of index
    # FAISS: the appended index keeps the live quantizer's ranges (a new component past a range by at most
    # RANGE_SLACK of it is clipped); a full build retrains them on every vector. So the vectors agree up to
    # the re-quantization: each component within 0.02, each passage's vectors at a cosine of 0.999 or more.
    for name in ("dense.faiss", "cross.faiss"):
        ours, theirs = faiss.read_index(str(appended.path / name)), faiss.read_index(str(full.path / name))
        assert ours.ntotal == theirs.ntotal == appended.passages
        a, b = ours.reconstruct_n(0, ours.ntotal), theirs.reconstruct_n(0, theirs.ntotal)
        assert np.abs(a - b).max() < 0.02, name
        cosine = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
        assert cosine.min() > 0.999, name
    engine_appended, engine_full = Engine(varied, FakeEmbedder()), Engine(full_settings(varied), FakeEmbedder())
    for question in QUESTIONS:
        ours_answer, theirs_answer = engine_appended.answer(question), engine_full.answer(question)
        assert [(q.article_id, q.start, q.end) for q in ours_answer.quotes] == [
            (q.article_id, q.start, q.end) for q in theirs_answer.quotes
        ], question
        assert np.allclose([q.score for q in ours_answer.quotes], [q.score for q in theirs_answer.quotes], atol=0.01)
    assert "Quuxville" in engine_appended.answer("Who signed the Zorblatt accord?").quotes[0].quote


def test_an_addition_to_an_index_built_without_sentence_terms_tokenizes_its_sentences(varied: Settings) -> None:
    live = build_index(varied, FakeEmbedder())
    assert live.path is not None
    for name in ("sentence_terms.npy", "sentence_term_rows.npy"):  # as an index built before they were kept
        (live.path / "lexical" / name).unlink()
    appended = update_index(varied, FakeEmbedder(), add=recombined(varied))
    assert appended.appended and appended.path is not None
    assert not (appended.path / "lexical" / "sentence_terms.npy").exists()
    engine = Engine(varied, FakeEmbedder())
    assert engine.corpus.searcher.index.sentence_terms is None
    assert "Quuxville" in engine.answer("Who signed the Zorblatt accord?").quotes[0].quote


def full_settings(settings: Settings) -> Settings:
    """The same settings on the index folder of the full build."""
    return settings.model_copy(update={"index_dir": settings.index_dir.parent / "full"})


def test_postings_merged_are_the_postings_built_at_once() -> None:
    rng = np.random.default_rng(7)
    words = [f"w{k}" for k in range(40)]
    passages = [list(rng.choice(words, size=int(rng.integers(0, 12)))) for _ in range(50)]
    vocabulary: dict[str, int] = {}
    ids = [np.asarray([vocabulary.setdefault(str(t), len(vocabulary)) for t in p], np.int64) for p in passages]
    whole = LexicalIndex.from_term_ids(list(vocabulary), ids)
    first: dict[str, int] = {}
    head = [np.asarray([first.setdefault(str(t), len(first)) for t in p], np.int64) for p in passages[:31]]
    second: dict[str, int] = {}
    tail = [np.asarray([second.setdefault(str(t), len(second)) for t in p], np.int64) for p in passages[31:]]
    both = merged(LexicalIndex.from_term_ids(list(first), head), LexicalIndex.from_term_ids(list(second), tail))
    assert both.terms == whole.terms
    for name in ("indptr", "docs", "tf", "doc_len"):
        ours, theirs = getattr(both, name), getattr(whole, name)
        assert ours.dtype == theirs.dtype and np.array_equal(ours, theirs), name


def test_an_addition_the_quantizer_was_not_trained_for_is_a_full_build(many: Settings) -> None:
    build_index(many, FakeEmbedder())
    novel = "Negotiators from Quuxville signed the Zorblatt accord. Flamingos attended the ceremony in Ulaanbaatar."
    report = update_index(many, FakeEmbedder(), add=new_articles(many, ("Novel", None, novel)))
    full = build_index(full_settings(many), FakeEmbedder())
    assert report.path is not None and full.path is not None and not report.appended
    assert (report.path / "dense.faiss").read_bytes() == (full.path / "dense.faiss").read_bytes()


def test_removals_and_replacements_are_full_builds(varied: Settings) -> None:
    varied = varied.model_copy(update={"cross_lingual": False})
    build_index(varied, FakeEmbedder())
    [added] = new_articles(varied, ("Added", None, "Delegations met in Abu Dhabi to swap prisoners of war on Friday."))
    seed = load_index(varied.index_dir, "fake-embedder", 64).articles["x000"]
    assert not update_index(varied, FakeEmbedder(), add=[added], remove=["x002"]).appended
    assert not update_index(varied, FakeEmbedder(), add=[Article(**{**seed.to_dict(), "title": "Renamed"})]).appended
    index = load_index(varied.index_dir, "fake-embedder", 64)
    assert "x002" not in index.articles and index.articles["x000"].title == "Renamed" and len(index.articles) == 31


def test_appending_to_an_ivf_index_keeps_its_trained_lists(varied: Settings) -> None:
    ivf = varied.model_copy(update={"ann_min_passages": 50})
    before = build_index(ivf, FakeEmbedder())
    text = {p.stem: p.read_text(encoding="utf-8").split("---\n", 2)[2] for p in ivf.seeds_dir.glob("x*.txt")}
    added = new_articles(ivf, ("Reprint", "2026-02-01", text["x010"]))  # its passages' vectors are known ones
    report = update_index(ivf, FakeEmbedder(), add=added)
    assert before.path is not None and report.path is not None and report.appended
    old, new = faiss.read_index(str(before.path / "dense.faiss")), faiss.read_index(str(report.path / "dense.faiss"))
    assert isinstance(new, faiss.IndexIVFScalarQuantizer) and new.ntotal == report.passages
    assert np.array_equal(old.quantizer.reconstruct_n(0, old.nlist), new.quantizer.reconstruct_n(0, new.nlist))
    assert np.array_equal(new.reconstruct_n(0, old.ntotal), old.reconstruct_n(0, old.ntotal))
    index = load_index(ivf.index_dir, "fake-embedder", 64)
    assert index.manifest.dense_index == json.loads((before.path / "manifest.json").read_text())["dense_index"]
    answer = Engine(ivf, FakeEmbedder()).answer("Who led the Panthers in sacks?")
    assert answer.quotes


def test_a_failure_while_appending_leaves_the_live_generation(
    varied: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    varied = varied.model_copy(update={"cross_lingual": False})
    build_index(varied, FakeEmbedder())
    live = (varied.index_dir / CURRENT).resolve()

    def disk_full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(index.store, "append_table", disk_full)  # after the vectors and postings are written
    with pytest.raises(BuildError, match="the disk is full"):
        update_index(varied, FakeEmbedder(), add=recombined(varied))
    assert (varied.index_dir / CURRENT).resolve() == live
    assert [p.name for p in varied.index_dir.glob("gen-*")] == [live.name]
    assert len(load_index(varied.index_dir, "fake-embedder", 64).articles) == 31
