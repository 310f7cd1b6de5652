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

import numpy as np

from index.embedder import SentenceTransformerEmbedder
from index.search import Searcher, SearchParams

ANSWER_LIMIT = 9  # quotes an answer asks for: TOP_K x MAX_PAGES


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
    searcher: Searcher, embedder: SentenceTransformerEmbedder, questions: Sequence[str], params: SearchParams
) -> tuple[Latency, Latency]:
    """The whole answer pipeline's latency, and the floor: bare encode + FAISS search, same index."""
    index = searcher.index

    def floor(q: str) -> object:
        vector = embedder.encode([q])
        return index.dense.search(vector, 10)

    def pipeline(q: str) -> object:
        return searcher.search(q, ANSWER_LIMIT, params)

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


def bare_encoding_seconds(embedder: SentenceTransformerEmbedder, texts: list[str], batch_size: int) -> float:
    """Seconds sentence-transformers takes to encode the texts, nothing else."""
    started = time.perf_counter()
    embedder.encode(texts, batch_size=batch_size)
    return time.perf_counter() - started


def startup_seconds(index_dir: Path, seeds_dir: Path, question: str, runs: int = 2) -> float:
    """Median wall time of `python -m bot ask` from launch to its first answer line."""
    env = {**os.environ, "INDEX_DIR": str(index_dir), "SEEDS_DIR": str(seeds_dir)}
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "ask", "--json"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=env,
        )
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(question + "\n")
        proc.stdin.flush()
        proc.stdout.readline()
        times.append(time.perf_counter() - started)
        proc.stdin.close()
        proc.wait(timeout=60)
    return statistics.median(times)
