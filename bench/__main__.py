"""`python -m bench --xquad DIR`: retrieval quality, answerability and speed, printed as one table.

Every figure is measured in this run, on this machine, through the code the bot uses. XQuAD
(github.com/google-deepmind/xquad, CC BY-SA 4.0) is read from DIR and never copied.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from bench.answerability import answerability_rows
from bench.context import ROOT, Bench
from bench.languages import language_rows
from bench.report import print_table
from bench.scale import ScaleOptions, scale_rows
from bench.speed import speed_rows
from bench.telegram import telegram_rows
from bench.xquad import quality_rows


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
    parser.add_argument(
        "--scale-passages", type=int, default=5_000, help="passages of the encoded scale corpus (at least)"
    )
    parser.add_argument(
        "--latency-base-passages", type=int, default=50_000, help="the smaller replicated index, for the latency ratio"
    )
    parser.add_argument(
        "--latency-passages", type=int, default=500_000, help="the larger replicated index (IVF), for latency"
    )
    parser.add_argument("--skip-scale", action="store_true", help="leave out the scale rows (a quick run)")
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
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        bench = Bench.prepare(args.xquad, Path(tmp))
        rows = quality_rows(bench)
        rows += answerability_rows(bench)
        rows += speed_rows(bench, args.latency_questions)
        rows += telegram_rows(bench, args.telegram_questions)
        rows += language_rows(bench, args.latency_questions)
        if not args.skip_scale:
            options = ScaleOptions(args.scale_passages, args.latency_base_passages, args.latency_passages)
            rows += scale_rows(bench, options)
    print_table(rows, time.perf_counter() - started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
