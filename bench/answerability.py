"""Whether the bot claims answers only where the articles give one: refusal of off-topic questions, seed answers."""

from __future__ import annotations

import json
import sys

import numpy as np

from bench.context import ROOT, Bench
from bench.report import Row
from bench.xquad import load_xquad, ranking_params

SEED_QUESTIONS = ROOT / "tests" / "data" / "seed_questions.json"


def refusal_rows(bench: Bench) -> list[Row]:
    """XQuAD questions refused by the talks index, seed questions answered, and the scores between them."""
    print("refusal on the talks index…", file=sys.stderr)
    searcher, params = bench.talks, bench.params
    refused = np.mean([not searcher.search(q.text, 1, params) for q in bench.questions])
    rows = [Row("XQuAD-en questions refused by the talks index", f"{100 * refused:.1f}%", "≥ 98%")]
    russian = bench.xquad_dir / "xquad.ru.json"
    if russian.is_file():
        _, ru_questions = load_xquad(russian)
        refused_ru = np.mean([not searcher.search(q.text, 1, params) for q in ru_questions])
        rows.append(Row("XQuAD-ru questions refused by the talks index", f"{100 * refused_ru:.1f}%", "≥ 98%"))
    seed = json.loads(SEED_QUESTIONS.read_text(encoding="utf-8"))
    top_k = bench.settings.top_k
    correct = np.mean(
        [any(i["answer"] in h.quote for h in searcher.search(i["question"], top_k, params)) for i in seed]
    )
    rows.append(Row(f"seed questions answered correctly ({len(seed)})", f"{100 * correct:.1f}%", "≥ 90%"))
    ranked = ranking_params(params, "hybrid")
    on = [searcher.search(item["question"], 1, ranked)[0].score for item in seed]
    off = [hits[0].score if (hits := searcher.search(q.text, 1, ranked)) else 0.0 for q in bench.questions]
    return rows + [
        Row("calibration: seed questions' top score (min / median)", f"{min(on):.3f} / {np.median(on):.3f}"),
        Row(
            "calibration: XQuAD-en top score on talks index (p99 / max)",
            f"{np.percentile(off, 99):.3f} / {max(off):.3f}",
        ),
        Row("MIN_SCORE (shipped)", f"{params.min_score:.2f}"),
    ]
