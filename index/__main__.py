"""`python -m index build|add|remove|feeds`: build the index, or add and remove articles, and swap it in.

python -m index build [--seeds DIR] [--index DIR]
python -m index add SOURCE... [--index DIR]     (http(s) URLs and local .txt/.md/.html files)
python -m index remove ARTICLE_ID... [--index DIR]
python -m index feeds [--index DIR]            (poll FEEDS once and add what is new)
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from tqdm import tqdm

from index.build import BuildReport, Progress, build_index
from index.cli import run_command
from index.embedder import SentenceTransformerEmbedder
from index.errors import BuildError
from index.ingest import add_drafts, poll_and_add, read_sources, remove_articles
from index.languages import plural
from index.multilingual import multilingual_encoder
from index.settings import IndexSettings
from index.store import live_generation, read_generation


def _models(settings: IndexSettings) -> SentenceTransformerEmbedder:
    """The English model, loaded; the multilingual one too when the index has it (both are start-up, once)."""
    embedder = SentenceTransformerEmbedder.for_settings(settings)
    if settings.cross_lingual:
        multilingual_encoder()
    return embedder


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m index", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser("build", help="build the index from the seeds folder")
    build.add_argument("--seeds", type=Path, help="articles folder (default: SEEDS_DIR or seeds)")
    build.add_argument("--index", type=Path, help="index folder (default: INDEX_DIR or data/index)")
    build.add_argument("--quiet", action="store_true", help="no progress bar")
    add = commands.add_parser("add", help="add articles from links or files; only they are encoded")
    add.add_argument("sources", nargs="+", help="http(s) URLs or local .txt/.md/.html files")
    add.add_argument("--index", type=Path, help="index folder (default: INDEX_DIR or data/index)")
    remove = commands.add_parser("remove", help="remove added articles by id")
    remove.add_argument("ids", nargs="+", help="article ids, as /sources shows them")
    remove.add_argument("--index", type=Path, help="index folder (default: INDEX_DIR or data/index)")
    feeds = commands.add_parser("feeds", help="poll the FEEDS once and add their new articles")
    feeds.add_argument("--index", type=Path, help="index folder (default: INDEX_DIR or data/index)")
    return parser.parse_args(argv)


def progress_bar(enabled: bool) -> tuple[Progress, tqdm]:
    """A progress callback drawing one bar, with its ETA, over the encoding of the articles the cache lacks."""
    bar = tqdm(total=0, unit="char", unit_scale=True, desc="encoding", disable=not enabled, file=sys.stderr)

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
    commands = {"build": build, "add": add, "remove": remove, "feeds": feeds}
    return run_command(lambda: commands[args.command](args))


def _settings(args: argparse.Namespace) -> IndexSettings:
    settings = IndexSettings()
    return settings.model_copy(update={"index_dir": args.index}) if args.index else settings


def add(args: argparse.Namespace) -> int:
    """The `add` command: fetch or read each source, add the new stories, one line per source; 1 if any failed."""
    settings = _settings(args)
    drafts, failed = asyncio.run(read_sources(args.sources, settings))
    for line in failed:
        print(line)
    if drafts:
        embedder = _models(settings)
        change = add_drafts(settings, embedder, drafts)
        for outcome in change.outcomes:
            print(outcome.describe())
        failed += [o.refused for o in change.outcomes if o.refused]
    return 1 if failed else 0


def remove(args: argparse.Namespace) -> int:
    """The `remove` command: take added articles out of the index and the article store."""
    settings = _settings(args)
    embedder = _models(settings)
    folder = live_generation(settings.index_dir)
    if folder is None:
        raise BuildError(f"no index at {settings.index_dir}")
    report = remove_articles(settings, embedder, args.ids, read_generation(folder, embedder.name, embedder.dimension))
    print(f"removed {plural(len(args.ids), 'article')}; the index now holds {report.describe()}")
    return 0


def feeds(args: argparse.Namespace) -> int:
    """The `feeds` command: poll every feed once and add what is new; 1 if a feed or an item failed."""
    settings = _settings(args)
    embedder = _models(settings)
    report = asyncio.run(poll_and_add(settings, lambda drafts: add_drafts(settings, embedder, drafts)))
    for line in report.lines():
        print(line)
    return 1 if report.failed else 0


def build(args: argparse.Namespace) -> int:
    """The `build` command: build the index with a progress bar, then print a summary."""
    settings = IndexSettings()
    embedder = _models(settings)
    update, bar = progress_bar(not args.quiet)
    with bar:
        report = build_index(settings, embedder, update, seeds_dir=args.seeds, index_dir=args.index)
    print(summary(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
