"""The archive at scale: build cost against its floor, size and memory per passage, add and question latency.

The scale corpus is XQuAD's English and Russian paragraphs recombined into synthetic articles (a seeded
draw of 4–8 paragraphs each), so it is news-length multilingual text that costs nothing to ship. Indexes
too big to encode here are the scale index's arrays repeated (bench/replica.py).
"""

from __future__ import annotations

import json
import random
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import TypeVar

import numpy as np

from bench.context import ROOT, Bench
from bench.pieces import piece_rows
from bench.replica import copies_for, flat_dense, replicated
from bench.report import Row
from bench.speed import Latency, ask_once, latency
from bench.xquad import Question, ranking_params
from bot.engine import settle
from bot.settings import Settings
from index.answerability import AnswerModel, Corpus, search_and_judge
from index.articles import load_articles
from index.build import BuildReport, build_index, update_index
from index.chunking import split_article
from index.embedder import SentenceTransformerEmbedder
from index.search import CANDIDATES, Searcher, SearchParams
from index.store import Index, load_index, read_generation

SEED = 20261124
PARAGRAPHS = (4, 8)  # paragraphs per synthetic article, least and most
QUESTIONS = 200  # questions timed per index for latency, and asked of IVF and flat for recall
T = TypeVar("T")


@dataclass(frozen=True)
class ScaleOptions:
    """Sizes of the scale measurements, from the command line."""

    passages: int  # the encoded scale corpus, at least this many passages
    base_passages: int  # the smaller replicated index, for the latency ratio
    latency_passages: int  # the larger replicated index (IVF above ann_min_passages)


def xquad_paragraphs(xquad_dir: Path) -> list[str]:
    """The paragraphs of every other XQuAD article (the 2nd, 4th, …), in English and Russian.

    The other half is never drawn, so its questions can be asked with their articles hidden among
    the scale articles without a copy of their own paragraphs to compete with (`quality_rows_hidden`).
    """
    paragraphs: list[str] = []
    for language in ("en", "ru"):
        path = xquad_dir / f"xquad.{language}.json"
        if path.is_file():
            data = json.loads(path.read_text(encoding="utf-8"))["data"]
            paragraphs += [p["context"] for article in data[1::2] for p in article["paragraphs"]]
    return paragraphs


def hidden_titles(xquad_dir: Path) -> set[str]:
    """Titles of the XQuAD-en articles no scale article draws from (the 1st, 3rd, …)."""
    data = json.loads((xquad_dir / "xquad.en.json").read_text(encoding="utf-8"))["data"]
    return {article["title"].replace("_", " ") for article in data[::2]}


def scale_article(paragraphs: Sequence[str], n: int) -> str:
    """Synthetic article `n`: its own seeded draw of 4–8 paragraphs in shuffled order, with front matter."""
    rng = random.Random(SEED * 1_000_003 + n)
    body = "\n\n".join(rng.sample(list(paragraphs), rng.randint(*PARAGRAPHS)))
    published = (date(2024, 1, 1) + timedelta(days=n % 730)).isoformat()
    return f"---\ntitle: Scale article {n}\nsource: XQuAD (recombined)\npublished: {published}\n---\n{body}\n"


def write_scale_corpus(
    folder: Path, paragraphs: Sequence[str], passages: int, settings: Settings, model: SentenceTransformerEmbedder
) -> int:
    """Write synthetic articles until they hold about `passages` passages (split as the build splits); how many."""
    folder.mkdir(parents=True, exist_ok=True)
    counted = n = 0
    while counted < passages:
        text = scale_article(paragraphs, n)
        (folder / f"scale-{n:06d}.txt").write_text(text, encoding="utf-8")
        body = text.split("---\n", 2)[2]
        _, runs = split_article(
            body, model.count_tokens, model.max_tokens, settings.passage_sentences, settings.passage_overlap
        )
        counted += len(runs)
        n += 1
    return n


def timed(make: Callable[[], T]) -> tuple[T, float]:
    """What `make` returns, and the seconds it took."""
    started = time.perf_counter()
    made = make()
    return made, time.perf_counter() - started


def folder_bytes(folder: Path) -> int:
    """Bytes of every file under `folder`."""
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def answer_ranks(
    searcher: Searcher, questions: Sequence[Question], params: SearchParams, own_article: bool
) -> list[int | None]:
    """Each question's first top-3 hit quoting its answer (from its own article, with `own_article`), or None."""
    ranks: list[int | None] = []
    for q in questions:
        hits = searcher.search(q.text, 3, params)
        found = [
            i for i, h in enumerate(hits) if q.answer in h.quote and (not own_article or h.article.title == q.title)
        ]
        ranks.append(found[0] if found else None)
    return ranks


def at_k(ranks: Sequence[int | None], k: int) -> float:
    """Share of questions answered within the first k hits."""
    return sum(r is not None and r < k for r in ranks) / len(ranks)


def pipeline_latency(corpus: Corpus, questions: Sequence[str], bench: Bench) -> Latency:
    """The whole answer pipeline's latency (encode, search, judgement) over the questions, after a warm-up."""
    answers, limit = AnswerModel.for_settings(bench.settings), bench.settings.answer_limit
    search_and_judge(corpus, questions[0], limit, bench.params, answers)
    settle()  # as `python -m bot` does once its engine is loaded
    samples = []
    for q in questions:
        started = time.perf_counter()
        search_and_judge(corpus, q, limit, bench.params, answers)
        samples.append(time.perf_counter() - started)
    return latency(samples)


def dense_recall(ivf: Index, flat: Index, vectors: np.ndarray) -> float:
    """Mean share of the exhaustive search's top CANDIDATES passages that the IVF search also returns."""
    _, approximate = ivf.dense.search(vectors, CANDIDATES)
    _, exact = flat.dense.search(vectors, CANDIDATES)
    return float(np.mean([len(set(a) & set(e)) / len(e) for a, e in zip(approximate, exact, strict=True)]))


def rss_after_answer(index_dir: Path, question: str) -> int:
    """Resident memory, in KB, of a fresh `python -m bot ask` on `index_dir` once it has answered one question."""
    env = {"INDEX_DIR": str(index_dir), "SEEDS_DIR": str(ROOT / "seeds")}
    return ask_once(env, question, "--index", str(index_dir))[1]


def _step(message: str) -> None:
    print(f"scale: {message}", file=sys.stderr, flush=True)


def _settings(bench: Bench, work: Path, name: str, **update: object) -> Settings:
    """The shipped settings on the folders of one scale index, with its own (fresh) embedding cache."""
    folders = {
        "seeds_dir": work / name,
        "index_dir": work / f"{name}-index",
        "embed_cache_dir": work / f"{name}-cache",
        "articles_dir": work / "no-added-articles",
    }
    return bench.settings.model_copy(update={**folders, **update})


def build_rows(
    bench: Bench, options: ScaleOptions, work: Path, torch_model: SentenceTransformerEmbedder
) -> tuple[list[Row], Settings, BuildReport]:
    """The scale corpus: the torch floor, cold and warm builds (shipped backend), size on disk."""
    model = bench.model
    scale = _settings(bench, work, "scale")
    count = write_scale_corpus(scale.seeds_dir, xquad_paragraphs(bench.xquad_dir), options.passages, scale, model)
    texts = [a.text for a in load_articles(scale.seeds_dir)[0]]
    _step(f"{count} synthetic articles; bare single-pass encoding with torch…")
    _, floor = timed(lambda: torch_model.token_embeddings(texts, scale.embed_batch_size))
    _step(f"floor {floor:.1f} s; cold build…")
    cold = build_index(scale, model)
    assert cold.path is not None
    disk, cache = folder_bytes(cold.path), folder_bytes(scale.embed_cache_dir)
    _step(f"cold build {cold.seconds:.1f} s, {cold.passages} passages; warm rebuild…")
    warm = build_index(scale, model)
    n = cold.passages
    _step(f"warm {warm.seconds:.1f} s ({warm.reused} reused)")
    label = f"{count} synthetic articles, {n} passages"
    rows = [
        Row(f"scale corpus: XQuAD-en + -ru paragraphs recombined, {label}", f"{n} passages"),
        Row(f"bare single-pass encoding of its tokens (torch, batch {scale.embed_batch_size})", f"{floor:.1f} s"),
        Row(f"cold build, {model.backend} (empty embedding cache)", f"{cold.seconds:.1f} s"),
        Row("build ratio, cold build / bare single-pass torch encoding", f"{cold.seconds / floor:.2f}x", "≤ 1.0x"),
        Row(f"warm full rebuild (all {warm.reused} articles from the cache)", f"{warm.seconds:.1f} s"),
        Row("warm rebuild / cold build", f"{100 * warm.seconds / cold.seconds:.1f}%", "≤ 10%"),
        Row("index on disk per passage (generation folder, all files)", f"{disk / n / 1024:.2f} KB", "≤ 2.5"),
        Row("embedding cache per passage (apart)", f"{cache / n / 1024:.2f} KB"),
    ]
    return rows, scale, cold


def latency_rows(bench: Bench, scale_index: Index, options: ScaleOptions) -> tuple[list[Row], Path]:
    """Question latency on the scale index and on two replicas of it; IVF's recall against flat search."""
    ann = bench.settings.ann_min_passages
    n = len(scale_index.passages)
    base_dir = replicated(scale_index, copies_for(n, options.base_passages), ann)
    big_dir = replicated(scale_index, copies_for(n, options.latency_passages), ann)
    name, dim = bench.model.name, bench.model.dimension
    base, big = read_generation(base_dir, name, dim), read_generation(big_dir, name, dim)
    questions = bench.questions[:QUESTIONS]
    texts = [q.text for q in questions]
    measured = []
    for index in (scale_index, base, big):
        _step(f"latency on {len(index.passages)} passages ({index.manifest.dense_index})…")
        measured.append(pipeline_latency(Corpus(Searcher(index, bench.model)), texts, bench))
    _step("recall of IVF against flat search…")
    flat = replace(big, dense=flat_dense(big_dir))
    vectors = np.concatenate([bench.cached.encode([q]) for q in texts])
    recall = dense_recall(big, flat, vectors)
    ranking = ranking_params(bench.params, "hybrid")
    with_ivf = answer_ranks(Searcher(big, bench.cached), questions, ranking, own_article=False)
    with_flat = answer_ranks(Searcher(flat, bench.cached), questions, ranking, own_article=False)
    flat_answered = [i for i, r in enumerate(with_flat) if r is not None]
    kept = sum(with_ivf[i] is not None for i in flat_answered) / max(1, len(flat_answered))
    rows = [
        Row(
            f"latency per question, whole pipeline, {len(i.passages)} passages "
            f"({i.manifest.dense_index}{'' if i is scale_index else ', replicated'}; median / p95)",
            f"{m.median_ms:.1f} / {m.p95_ms:.1f} ms",
        )
        for m, i in zip(measured, (scale_index, base, big), strict=True)
    ]
    big_n, base_n = len(big.passages), len(base.passages)
    rows += [
        Row(
            f"latency p95 ratio, {big_n} / {base_n} passages", f"{measured[2].p95_ms / measured[1].p95_ms:.2f}x", "≤ 2x"
        ),
        Row(f"IVF dense recall@{CANDIDATES} against flat, {big_n} passages ({len(texts)} questions)", f"{recall:.3f}"),
        Row(
            f"XQuAD-en answer@3 on {big_n} passages, {big.manifest.dense_index} / flat ({len(texts)} questions)",
            f"{at_k(with_ivf, 3):.3f} / {at_k(with_flat, 3):.3f}",
        ),
        Row("flat's answers@3 that IVF keeps", f"{kept:.3f}", "≥ 0.98"),
    ]
    return rows, big_dir


def memory_rows(bench: Bench, scale: Settings, scale_passages: int, big_dir: Path, big_passages: int) -> list[Row]:
    """Memory of a fresh `ask` process per passage above its base (the seeds index)."""
    question = bench.questions[0].text
    _step("memory of `python -m bot ask` on the seeds, scale and replicated indexes…")
    seed = rss_after_answer(bench.talks_settings.index_dir, question)
    at_scale = rss_after_answer(scale.index_dir, question)
    at_big = rss_after_answer(big_dir, question)
    return [
        Row("`ask` resident memory after one answer: seeds index (1 article)", f"{seed / 1024:.0f} MB"),
        Row(f"… on the scale index ({scale_passages} passages)", f"{at_scale / 1024:.0f} MB"),
        Row(f"… on the replicated index ({big_passages} passages)", f"{at_big / 1024:.0f} MB"),
        Row(
            f"memory per passage above the base, {scale_passages} passages",
            f"{(at_scale - seed) / scale_passages:.2f} KB",
            "≤ 1.5",
        ),
        Row(
            f"memory per passage above the base, {big_passages} passages (replicated)",
            f"{(at_big - seed) / big_passages:.2f} KB",
            "≤ 1.5",
        ),
    ]


def add_rows(bench: Bench, scale: Settings, cold: BuildReport) -> list[Row]:
    """Adding one new article to the scale index, against the cold build of the same articles."""
    articles = len(list(scale.seeds_dir.glob("*.txt")))
    text = scale_article(xquad_paragraphs(bench.xquad_dir), articles)
    path = scale.seeds_dir.parent / "new-article" / "new.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    new = load_articles(path.parent)[0]
    _step("adding one article…")
    added = update_index(scale, bench.model, add=new)
    _step("a warm full rebuild of the same articles, what an addition cost before it appended…")
    warm = build_index(scale, bench.model, index_dir=scale.index_dir.parent / "scale-warm-index")
    shutil.rmtree(scale.index_dir.parent / "scale-warm-index", ignore_errors=True)
    how = "appended to the live generation" if added.appended else "written as a full build"
    return [
        Row(
            f"add one article to the {cold.articles}-article scale index (update_index)",
            f"{added.seconds:.2f} s ({added.encoded} encoded, {added.reused} reused; {how})",
            "≤ 3",
        ),
        Row("add one article / cold build of the same index", f"{100 * added.seconds / cold.seconds:.1f}%"),
        Row(
            "add one article / warm full rebuild of the same index",
            f"{100 * added.seconds / warm.seconds:.1f}% (warm rebuild {warm.seconds:.2f} s)",
        ),
    ]


def quality_rows_hidden(bench: Bench, scale: Settings, work: Path) -> list[Row]:
    """XQuAD-en answer@1/@3 with the XQuAD articles hidden among the scale articles, against them alone."""
    mixed = _settings(bench, work, "mixed", embed_cache_dir=scale.embed_cache_dir)
    shutil.copytree(scale.seeds_dir, mixed.seeds_dir)
    shutil.copytree(bench.work / "xquad", mixed.seeds_dir / "xquad")
    if bench.settings.embed_cache_dir.is_dir():  # the XQuAD articles' entries, from the bench's own build
        shutil.copytree(bench.settings.embed_cache_dir, mixed.embed_cache_dir, dirs_exist_ok=True)
    _step("building XQuAD + scale articles…")
    report = build_index(mixed, bench.model)
    ranking = ranking_params(bench.params, "hybrid")
    titles = hidden_titles(bench.xquad_dir)
    questions = [q for q in bench.questions if q.title in titles]
    _step(f"answering {len(questions)} questions, hidden and alone…")
    mixed_index = load_index(mixed.index_dir, bench.model.name)
    hidden = answer_ranks(Searcher(mixed_index, bench.cached), questions, ranking, own_article=True)
    alone = answer_ranks(Searcher(bench.xquad, bench.cached), questions, ranking, own_article=True)
    where = (
        f"{len(questions)} questions of {len(titles)} XQuAD articles, all {bench.xquad.manifest.articles} "
        f"among {report.articles} ({report.passages} passages)"
    )
    shown = {name: (at_k(ranks, 1), at_k(ranks, 3)) for name, ranks in (("hidden", hidden), ("alone", alone))}
    (h1, h3), (a1, a3) = shown["hidden"], shown["alone"]
    return [
        Row(f"XQuAD-en answer@1 / @3, own article, {where}", f"{h1:.3f} / {h3:.3f}"),
        Row("XQuAD-en answer@1 / @3, own article, XQuAD alone", f"{a1:.3f} / {a3:.3f}"),
        Row("answer@1 / @3 drop when hidden", f"{a1 - h1:.3f} / {a3 - h3:.3f}"),
    ]


def scale_rows(bench: Bench, options: ScaleOptions) -> list[Row]:
    """Every scale row, measured in this run (the replicated indexes are reused from the bench cache)."""
    work = bench.work / "scale-bench"
    started = time.perf_counter()
    torch_model = SentenceTransformerEmbedder.for_settings(bench.settings.model_copy(update={"embed_backend": "torch"}))
    rows = piece_rows(bench, torch_model)
    _show(rows)
    more, scale, cold = build_rows(bench, options, work, torch_model)
    rows += more
    _show(more)
    scale_index = load_index(scale.index_dir, bench.model.name)
    more, big_dir = latency_rows(bench, scale_index, options)
    _show(more)
    rows += more
    big_passages = int(json.loads((big_dir / "manifest.json").read_text())["passages"])
    for group in (
        lambda: memory_rows(bench, scale, cold.passages, big_dir, big_passages),
        lambda: add_rows(bench, scale, cold),
        lambda: quality_rows_hidden(bench, scale, work),
    ):
        more = group()
        _show(more)
        rows += more
    _step(f"done in {time.perf_counter() - started:.0f} s")
    return rows


def _show(rows: Sequence[Row]) -> None:
    """Rows as they are measured, on stderr: a run cut short still shows what it got."""
    for row in rows:
        _step(f"{row.metric}: {row.value}")
