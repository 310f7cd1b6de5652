"""`python -m bench --xquad DIR`: retrieval quality, refusal and speed, printed as one table.

Every figure is measured in this run, on this machine, through the code the bot uses. XQuAD
(github.com/google-deepmind/xquad, CC BY-SA 4.0) is read from DIR and never copied.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from bench.speed import bare_encoding_seconds, pipeline_vs_floor, startup_seconds
from bench.telegram import update_to_reply
from bench.xquad import Quality, Question, evaluate, load_xquad, write_documents
from bot.engine import Engine
from bot.settings import Settings
from index.build import build_index
from index.embedder import SentenceTransformerEmbedder
from index.search import Mode, Searcher, SearchParams
from index.store import load_index

ROOT = Path(__file__).resolve().parent.parent
SEED_QUESTIONS = ROOT / "tests" / "data" / "seed_questions.json"


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
class Row:
    """One line of the result table."""

    metric: str
    value: str
    target: str = ""

    @property
    def status(self) -> str:
        """'ok', 'MISSED' or blank, from the target's comparison."""
        if not self.target:
            return ""
        op, bound = self.target.split(" ", 1)
        value = float(self.value.split()[0].rstrip("x%"))
        limit = float(bound.rstrip("x%"))
        return "ok" if (value >= limit if op == "≥" else value <= limit) else "MISSED"


def parse_args() -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--xquad",
        type=Path,
        default=ROOT.parent / "shared" / "bench",
        help="folder holding xquad.en.json (and xquad.ru.json)",
    )
    parser.add_argument("--latency-questions", type=int, default=300, help="questions timed for latency")
    parser.add_argument("--telegram-questions", type=int, default=200, help="questions sent through the stand-in")
    return parser.parse_args()


def main() -> int:
    """Run every measurement and print the table."""
    args = parse_args()
    english = args.xquad / "xquad.en.json"
    if not english.is_file():
        print(
            f"error: {english} not found; get XQuAD from https://github.com/google-deepmind/xquad "
            "(CC BY-SA 4.0) and pass its folder with --xquad",
            file=sys.stderr,
        )
        return 2
    settings = Settings(_env_file=None)
    params = SearchParams.from_settings(settings)
    rows: list[Row] = []
    started = time.perf_counter()
    model = SentenceTransformerEmbedder(settings.embedding_model)
    cached = CachedEmbedder(model)
    articles, questions = load_xquad(english)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        write_documents(articles, work / "xquad")
        xq = settings.model_copy(update={"seeds_dir": work / "xquad", "index_dir": work / "xquad-index"})
        print(f"building the XQuAD index ({len(articles)} articles)…", file=sys.stderr)
        report = build_index(xq, model)
        index = load_index(xq.index_dir, model.name)
        texts = [index.articles[p.article_id].text[p.start : p.end] for p in index.passages]
        bare_build = bare_encoding_seconds(model, texts, settings.embed_batch_size)

        print(f"answering {len(questions)} questions three ways…", file=sys.stderr)
        searcher = Searcher(index, cached)
        quality: dict[Mode, Quality] = {}
        for mode in ("dense", "lexical", "hybrid"):
            quality[mode] = evaluate(searcher, questions, params_for(params, mode))
        names = {"dense": "dense only", "lexical": "BM25 only", "hybrid": "hybrid (shipped)"}
        for mode, q in quality.items():
            shipped = mode == "hybrid"
            rows += [
                Row(f"XQuAD-en answer@1, {names[mode]}", f"{q.answer_at_1:.3f}", "≥ 0.92" if shipped else ""),
                Row(f"XQuAD-en answer@3, {names[mode]}", f"{q.answer_at_3:.3f}", "≥ 0.98" if shipped else ""),
                Row(f"XQuAD-en MRR@10, {names[mode]}", f"{q.mrr_at_10:.3f}"),
                Row(
                    f"XQuAD-en mean quote length, {names[mode]}",
                    f"{q.mean_quote_chars:.0f} chars",
                    "≤ 400" if shipped else "",
                ),
            ]

        print("refusal on the talks index…", file=sys.stderr)
        talks = settings.model_copy(update={"seeds_dir": ROOT / "seeds", "index_dir": work / "talks-index"})
        build_index(talks, model)
        talks_searcher = Searcher(load_index(talks.index_dir, model.name), cached)
        refused = np.mean([not talks_searcher.search(q.text, 1, params) for q in questions])
        rows.append(Row("XQuAD-en questions refused by the talks index", f"{100 * refused:.1f}%", "≥ 98%"))
        russian = args.xquad / "xquad.ru.json"
        if russian.is_file():
            _, ru_questions = load_xquad(russian)
            refused_ru = np.mean([not talks_searcher.search(q.text, 1, params) for q in ru_questions])
            rows.append(Row("XQuAD-ru questions refused by the talks index", f"{100 * refused_ru:.1f}%", "≥ 98%"))
        seed = json.loads(SEED_QUESTIONS.read_text(encoding="utf-8"))
        correct = np.mean(
            [
                any(item["answer"] in h.quote for h in talks_searcher.search(item["question"], settings.top_k, params))
                for item in seed
            ]
        )
        rows.append(Row(f"seed questions answered correctly ({len(seed)})", f"{100 * correct:.1f}%", "≥ 90%"))
        rows += calibration_rows(talks_searcher, questions, seed, params)

        print("timing…", file=sys.stderr)
        timed = [q.text for q in questions[: args.latency_questions]]
        pipeline, floor = pipeline_vs_floor(Searcher(index, model), model, timed, params)
        rows += [
            Row(
                "latency per question, whole pipeline (median / p95)",
                f"{pipeline.median_ms:.1f} / {pipeline.p95_ms:.1f} ms",
            ),
            Row(
                "latency floor: bare encode + FAISS search (median / p95)",
                f"{floor.median_ms:.1f} / {floor.p95_ms:.1f} ms",
            ),
            Row("latency ratio, pipeline / floor (median)", f"{pipeline.median_ms / floor.median_ms:.2f}x", "≤ 1.3x"),
            Row("latency ratio, pipeline / floor (p95)", f"{pipeline.p95_ms / floor.p95_ms:.2f}x", "≤ 1.3x"),
            Row(f"index build, {report.passages} passages", f"{report.seconds:.1f} s"),
            Row("bare encoding of the same passages", f"{bare_build:.1f} s"),
            Row("build ratio, build / bare encoding", f"{report.seconds / bare_build:.2f}x", "≤ 1.3x"),
            Row(
                "start-up of `python -m bot ask` to first answer",
                f"{startup_seconds(talks.index_dir, talks.seeds_dir, timed[0]):.1f} s",
            ),
        ]
        engine = Engine(talks, model)
        telegram = update_to_reply(engine, [q.text for q in questions[: args.telegram_questions]])
        rows.append(
            Row(
                f"Telegram update → reply via the stand-in, {args.telegram_questions} questions (median / p95)",
                f"{telegram.median_ms:.1f} / {telegram.p95_ms:.1f} ms",
            )
        )
    print_table(rows, time.perf_counter() - started)
    return 0


def params_for(params: SearchParams, mode: Mode) -> SearchParams:
    """The shipped parameters with another retriever, and no threshold: ranking quality alone."""
    return replace(params, mode=mode, min_score=0.0)


def calibration_rows(
    searcher: Searcher, questions: list[Question], seed: list[dict[str, Any]], params: SearchParams
) -> list[Row]:
    """Top scores of on-topic and off-topic questions, which the MIN_SCORE threshold sits between."""
    ranked = params_for(params, "hybrid")
    on = [searcher.search(item["question"], 1, ranked)[0].score for item in seed]
    off = [hits[0].score if (hits := searcher.search(q.text, 1, ranked)) else 0.0 for q in questions]
    return [
        Row("calibration: seed questions' top score (min / median)", f"{min(on):.3f} / {np.median(on):.3f}"),
        Row(
            "calibration: XQuAD-en top score on talks index (p99 / max)",
            f"{np.percentile(off, 99):.3f} / {max(off):.3f}",
        ),
        Row("MIN_SCORE (shipped)", f"{params.min_score:.2f}"),
    ]


def print_table(rows: list[Row], seconds: float) -> None:
    """The results as one Markdown table."""
    print(f"talksbot bench — {os.uname().machine}, {os.cpu_count()} cores, {seconds:.0f} s\n")
    print("| metric | value | target | |")
    print("|---|---|---|---|")
    for row in rows:
        print(f"| {row.metric} | {row.value} | {row.target} | {row.status} |")


if __name__ == "__main__":
    sys.exit(main())
