"""Command line: `python -m bot` runs the bot; `ask` answers from the terminal; `console` chats."""

from __future__ import annotations

import argparse
import io
import json
import logging
import sys
from pathlib import Path
from typing import Any, TextIO

from bot.console import run_console
from bot.engine import Engine, settle
from bot.logs import configure_logging
from bot.render import answer_html
from bot.settings import Settings
from bot.texts import language_for
from index.cli import EXIT_USAGE, run_command

log = logging.getLogger(__name__)

LINE_SEPARATORS = ("\u2028", "\u2029", "\x85")  # str.splitlines() breaks at these; JSON allows them raw


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("run", help="run the Telegram bot (the default); the console without a token")
    ask = commands.add_parser("ask", help="answer QUESTION, or each line of standard input")
    ask.add_argument("question", nargs="*", help="the question (omit to read one per line from stdin)")
    ask.add_argument("--json", action="store_true", help="print JSON objects instead of the message text")
    ask.add_argument("--index", type=Path, help="index folder (default: INDEX_DIR)")
    console = commands.add_parser("console", help="chat in the terminal")
    console.add_argument("--index", type=Path, help="index folder (default: INDEX_DIR)")
    return parser.parse_args(argv)


def load_settings(args: argparse.Namespace) -> Settings:
    """Settings from the environment, with command-line flags over them."""
    settings = Settings()
    if getattr(args, "index", None):
        settings = settings.model_copy(update={"index_dir": args.index})
    return settings


def print_answer(engine: Engine, question: str, as_json: bool, out: TextIO, one_line: bool) -> None:
    """Answer one question on `out`; with `one_line`, newlines in the text are written as \\n."""
    answer = engine.answer(question)
    text = answer_html(answer, language=language_for(question, None))  # the bot's reply: in the question's language
    if as_json:
        out.write(json_line(answer.to_json(text)) + "\n")
    else:
        out.write((_one_line(text) if one_line else text) + "\n")
    out.flush()


def json_line(data: dict[str, Any]) -> str:
    """One JSON object on one line, also for readers that split lines at U+2028, U+2029 and U+0085."""
    return _escape_separators(json.dumps(data, ensure_ascii=False))


def _one_line(text: str) -> str:
    return _escape_separators(text.replace("\n", "\\n"))


def _escape_separators(line: str) -> str:
    for separator in LINE_SEPARATORS:
        line = line.replace(separator, f"\\u{ord(separator):04x}")
    return line


def ask(engine: Engine, args: argparse.Namespace) -> None:
    """The `ask` command: one question from the arguments, or one per line of stdin."""
    if args.question:
        print_answer(engine, " ".join(args.question), args.json, sys.stdout, one_line=False)
        return
    # Invalid UTF-8 on stdin must cost one question, not the rest of the batch: keep it, clean it later.
    if isinstance(sys.stdin, io.TextIOWrapper):
        sys.stdin.reconfigure(errors="surrogateescape")
    for line in sys.stdin:
        print_answer(engine, line.rstrip("\n"), args.json, sys.stdout, one_line=True)


def run(settings: Settings) -> int:
    """The default command: the Telegram bot, or the console chat when there is no token."""
    problem = settings.token_problem()
    if problem and settings.telegram_bot_token is not None:
        print(f"error: {problem}", file=sys.stderr)
        return EXIT_USAGE
    if problem:
        print(f"{problem}: starting the console chat instead (set it to run the Telegram bot).", file=sys.stderr)
        run_console(_loaded(settings))
        return 0
    from bot.app import run_bot

    run_bot(settings, _loaded(settings))
    return 0


def _loaded(settings: Settings) -> Engine:
    """The engine of this process, loaded once, its start-up state then kept out of full garbage passes."""
    engine = Engine.load(settings, notice=_notice)
    settle()
    return engine


def _notice(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = parse_args(argv)
    return run_command(lambda: _dispatch(args))


def _dispatch(args: argparse.Namespace) -> int:
    settings = load_settings(args)
    configure_logging(settings.log_level, secrets=settings.secrets())
    if args.command == "ask":
        ask(_loaded(settings), args)
    elif args.command == "console":
        run_console(_loaded(settings))
    else:
        return run(settings)
    return 0
