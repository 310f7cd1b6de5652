"""Speed against its floor, measured in one process: per-question latency, index build, start-up."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from bench.context import ROOT, Bench
from bench.devset import build_live_blogs, fresh_questions, searchers
from bench.report import Row
from bot.engine import settle
from index.answerability import AnswerModel, Corpus, search_and_judge
from index.embedder import SentenceTransformerEmbedder
from index.search import CANDIDATES, Searcher, SearchParams
from index.store import nearest


@dataclass(frozen=True)
class Latency:
    """Median and 95th percentile, in milliseconds."""

    median_ms: float
    p95_ms: float


def latency(samples: Sequence[float]) -> Latency:
    """Median and p95 of durations in seconds."""
    ms = np.asarray(samples) * 1000.0
    return Latency(float(np.median(ms)), float(np.percentile(ms, 95)))


def pipeline_vs_floor(
    corpus: Corpus,
    embedder: SentenceTransformerEmbedder,
    questions: Sequence[str],
    params: SearchParams,
    model: AnswerModel,
    limit: int,
) -> tuple[Latency, Latency]:
    """The whole answer pipeline's latency (search and judgement), and the floor: bare encode + FAISS search."""
    index = corpus.searcher.index

    def floor(q: str) -> object:
        vector = embedder.encode([q])
        return nearest(index.dense, vector, 10)

    def pipeline(q: str) -> object:
        return search_and_judge(corpus, q, limit, params, model)

    pipeline(questions[0])  # warm-up
    floor(questions[0])
    pipe, bare = [], []
    for q in questions:  # interleaved, so machine noise hits both alike
        started = time.perf_counter()
        pipeline(q)
        pipe.append(time.perf_counter() - started)
        started = time.perf_counter()
        floor(q)
        bare.append(time.perf_counter() - started)
    return latency(pipe), latency(bare)


def search_with_a_busy_core(dense: faiss.Index, vectors: np.ndarray) -> tuple[Latency, Latency]:
    """One-question FAISS searches while another process keeps a core busy (as a rebuild or a second question
    would): as FAISS runs by default (an OpenMP team of every core), and as the bot runs them (`nearest`).

    The busy process stops by itself after a minute at most, and is stopped as soon as the timing ends.
    """
    spin = "import time\nend = time.monotonic() + 60\nwhile time.monotonic() < end: pass"
    busy = subprocess.Popen([sys.executable, "-c", spin])
    try:
        time.sleep(0.5)  # under way
        team, alone = [], []
        for vector in vectors:
            started = time.perf_counter()
            dense.search(vector.reshape(1, -1), CANDIDATES)
            team.append(time.perf_counter() - started)
            started = time.perf_counter()
            nearest(dense, vector, CANDIDATES)
            alone.append(time.perf_counter() - started)
        if busy.poll() is not None:
            print("warning: the busy core stopped before the timing ended (too many questions)", file=sys.stderr)
    finally:
        busy.kill()
        busy.wait()
    return latency(team), latency(alone)


def _ms(measured: Latency) -> str:
    return f"{measured.median_ms:.1f} / {measured.p95_ms:.1f} ms"


def long_article_latency(bench: Bench, answers: AnswerModel) -> tuple[Latency, Latency]:
    """The pipeline and its floor over long articles, as much held-out news is (a hundred passages each): the
    fresh set's 19 articles merged into one live blog (`as_live_blog`), asked the fresh set's questions."""
    [folder] = build_live_blogs(bench.model, bench.work / "speed-live-blog", bench.settings, ("fresh",)).values()
    [corpus] = searchers({"fresh": folder}, bench.model, bench.model).values()  # questions encoded each time
    questions = [q.text for q in fresh_questions(("fresh",))]
    return pipeline_vs_floor(corpus, bench.model, questions, bench.params, answers, bench.settings.answer_limit)


def bare_encoding_seconds(embedder: SentenceTransformerEmbedder, texts: list[str], batch_size: int) -> float:
    """Seconds sentence-transformers takes to encode the texts, nothing else."""
    started = time.perf_counter()
    embedder.encode(texts, batch_size=batch_size)
    return time.perf_counter() - started


def ask_once(env: dict[str, str], question: str, *args: str) -> tuple[float, int]:
    """A fresh `python -m bot ask --json ARGS` answering one question: (seconds to its answer, resident KB then)."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "ask", "--json", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, **env},
        cwd=ROOT,
    )
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(question + "\n")
    proc.stdin.flush()
    proc.stdout.readline()
    seconds = time.perf_counter() - started
    status = Path(f"/proc/{proc.pid}/status").read_text()
    proc.stdin.close()
    proc.wait(timeout=120)
    return seconds, next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))


def startup_seconds(index_dir: Path, seeds_dir: Path, question: str, runs: int = 2) -> float:
    """Median wall time of `python -m bot ask` from launch to its first answer line."""
    env = {"INDEX_DIR": str(index_dir), "SEEDS_DIR": str(seeds_dir)}
    return statistics.median(ask_once(env, question)[0] for _ in range(runs))


def speed_rows(bench: Bench, questions: int) -> list[Row]:
    """Per-question latency against its floor, build time against bare encoding, and `ask` start-up."""
    print("timing…", file=sys.stderr)
    model, index, report = bench.model, bench.xquad, bench.xquad_build
    timed = [q.text for q in bench.questions[:questions]]
    texts = [index.articles[p.article_id].text[p.start : p.end] for p in index.passages]
    bare_build = bare_encoding_seconds(model, texts, bench.settings.embed_batch_size)
    corpus, answers = Corpus(Searcher(index, model)), AnswerModel.for_settings(bench.settings)
    settle()  # as `python -m bot` does once its engine is loaded
    pipeline, floor = pipeline_vs_floor(corpus, model, timed, bench.params, answers, bench.settings.answer_limit)
    team, alone = search_with_a_busy_core(index.dense, model.encode(timed))
    blog, blog_floor = long_article_latency(bench, answers)
    talks = bench.talks_settings
    return [
        Row("latency per question, whole pipeline (median / p95)", _ms(pipeline)),
        Row("latency floor: bare encode + FAISS search (median / p95)", _ms(floor)),
        Row("latency ratio, pipeline / floor (median)", f"{pipeline.median_ms / floor.median_ms:.2f}x", "≤ 1.4x"),
        Row("latency ratio, pipeline / floor (p95)", f"{pipeline.p95_ms / floor.p95_ms:.2f}x", "≤ 1.4x"),
        Row(
            "latency over a live blog (the fresh set's articles as one), pipeline / floor, median / p95",
            f"{_ms(blog)} vs {_ms(blog_floor)}: {blog.median_ms / blog_floor.median_ms:.2f}x / "
            f"{blog.p95_ms / blog_floor.p95_ms:.2f}x",
        ),
        Row(
            "FAISS search of one question with a core kept busy, p95: OpenMP team / one thread (shipped)",
            f"{team.p95_ms:.2f} / {alone.p95_ms:.2f} ms",
        ),
        Row(f"index build, {report.passages} passages", f"{report.seconds:.1f} s"),
        Row("bare encoding of the same passages", f"{bare_build:.1f} s"),
        Row("build ratio, build / bare encoding", f"{report.seconds / bare_build:.2f}x", "≤ 1.3x"),
        Row(
            "start-up of `python -m bot ask` to first answer",
            f"{startup_seconds(talks.index_dir, talks.seeds_dir, timed[0]):.1f} s",
        ),
    ]
