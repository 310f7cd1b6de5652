"""`python -m index build [--seeds DIR] [--index DIR]`: build the index and swap it in."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from tqdm import tqdm

from index.build import BuildReport, Progress, build_index
from index.cli import run_command
from index.embedder import SentenceTransformerEmbedder
from index.settings import IndexSettings


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m index", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build the index from the seeds folder")
    build.add_argument("--seeds", type=Path, help="articles folder (default: SEEDS_DIR or seeds)")
    build.add_argument("--index", type=Path, help="index folder (default: INDEX_DIR or data/index)")
    build.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser.parse_args(argv)


def progress_bar(enabled: bool) -> tuple[Progress, tqdm]:
    """A progress callback drawing one bar over the embedding stage."""
    bar = tqdm(total=0, unit="passage", desc="embedding", disable=not enabled, file=sys.stderr)

    def update(stage: str, done: int, total: int) -> None:
        if stage == "embedding":
            bar.total = total
            bar.n = done
            bar.refresh()

    return update, bar


def summary(report: BuildReport) -> str:
    """One line on a build: where, what, how long."""
    return f"built {report.path} in {report.seconds:.1f} s: {report.describe()}"


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return run_command(lambda: build(args))


def build(args: argparse.Namespace) -> int:
    """The `build` command: build the index with a progress bar, then print a summary."""
    settings = IndexSettings()
    embedder = SentenceTransformerEmbedder(settings.embedding_model)
    update, bar = progress_bar(not args.quiet)
    with bar:
        report = build_index(settings, embedder, update, seeds_dir=args.seeds, index_dir=args.index)
    print(summary(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
