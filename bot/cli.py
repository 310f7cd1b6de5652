"""Command line: `python -m bot` runs the bot; `ask` answers from the terminal; `console` chats."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError

from bot.console import run_console
from bot.engine import Engine
from bot.logs import configure_logging
from bot.render import answer_html
from bot.settings import Settings
from index.errors import TalksbotError

log = logging.getLogger(__name__)


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
    text = answer_html(answer)
    if as_json:
        out.write(json.dumps(answer.to_json(text), ensure_ascii=False) + "\n")
    else:
        out.write((text.replace("\n", "\\n") if one_line else text) + "\n")
    out.flush()


def ask(engine: Engine, args: argparse.Namespace) -> None:
    """The `ask` command: one question from the arguments, or one per line of stdin."""
    if args.question:
        print_answer(engine, " ".join(args.question), args.json, sys.stdout, one_line=False)
        return
    for line in sys.stdin:
        print_answer(engine, line.rstrip("\n"), args.json, sys.stdout, one_line=True)


def run(settings: Settings) -> int:
    """The default command: the Telegram bot, or the console chat when there is no token."""
    problem = settings.token_problem()
    if problem and settings.telegram_bot_token is not None:
        print(f"error: {problem}", file=sys.stderr)
        return 2
    if problem:
        print(f"{problem}: starting the console chat instead (set it to run the Telegram bot).", file=sys.stderr)
        run_console(Engine.load(settings, notice=_notice))
        return 0
    from bot.app import run_bot

    run_bot(settings, Engine.load(settings, notice=_notice))
    return 0


def _notice(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit code."""
    args = parse_args(argv)
    try:
        settings = load_settings(args)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        print(f"error: {name}: {first['msg']}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, secrets=settings.secrets())
    try:
        if args.command == "ask":
            ask(Engine.load(settings, notice=_notice), args)
        elif args.command == "console":
            run_console(Engine.load(settings, notice=_notice))
        else:
            return run(settings)
    except TalksbotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return 0
