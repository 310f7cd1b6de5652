"""Each piece of the encoding path on XQuAD-en, side by side: today's per-passage torch, one pass, ONNX int8.

Every variant builds the same XQuAD-en index with a fresh cache and answers all its questions with
the shipped hybrid ranking (no relevance floor), so the rows show what each piece costs or gains.
"""

from __future__ import annotations

import sys

from bench.context import Bench, CachedEmbedder
from bench.report import Row
from bench.xquad import Quality, evaluate, ranking_params
from index.build import build_index
from index.embedder import SentenceTransformerEmbedder
from index.search import Searcher
from index.store import load_index


def piece_rows(bench: Bench, torch_model: SentenceTransformerEmbedder) -> list[Row]:
    """Build time and answer@1/@3 of per-passage torch (before), single-pass torch, single-pass ONNX int8 (shipped)."""
    variants = [
        ("per-passage, torch fp32 (before)", torch_model, False),
        ("single pass, torch fp32", torch_model, True),
    ]
    params = ranking_params(bench.params, "hybrid")
    results: list[tuple[str, float, Quality]] = []
    for name, model, single in variants:
        print(f"pieces: XQuAD index, {name}…", file=sys.stderr, flush=True)
        settings = bench.settings.model_copy(
            update={
                "seeds_dir": bench.work / "xquad",
                "index_dir": bench.work / f"pieces-{len(results)}-index",
                "embed_cache_dir": bench.work / f"pieces-{len(results)}-cache",
                "embed_mode": "single-pass" if single else "per-passage",
            }
        )
        model.single_pass = single
        report = build_index(settings, model)
        quality = evaluate(
            Searcher(load_index(settings.index_dir, model.name), CachedEmbedder(model)), bench.questions, params
        )
        results.append((name, report.seconds, quality))
    model = bench.model
    shipped = evaluate(Searcher(bench.xquad, bench.cached), bench.questions, params)
    results.append((f"single pass, {model.backend} (shipped)", bench.xquad_build.seconds, shipped))
    base = results[0][1]
    rows = [
        Row(
            f"XQuAD-en index build, {name}",
            f"{seconds:.1f} s = {seconds / base:.2f}x; answer@1 / @3 {q.answer_at_1:.3f} / {q.answer_at_3:.3f}",
        )
        for name, seconds, q in results
    ]
    return rows
