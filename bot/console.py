"""An interactive chat in the terminal over the same answering pipeline as the Telegram bot."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from bot.answers import Answer
from bot.engine import Engine
from bot.render import answer_plain, help_html, html_to_plain, sources_html

PROMPT = "ask> "
INTRO = "Ask about the Russia–Ukraine peace talks. Commands: /sources, /more, /help, /quit (or Ctrl-D)."


def run_console(engine: Engine, read: Callable[[str], str] = input, out: TextIO | None = None) -> None:
    """Read questions until /quit or end of input; print each answer as the bot would send it."""

    def say(text: str) -> None:
        print(text, file=out, flush=True)

    say(INTRO)
    last: Answer | None = None
    page = 0
    while True:
        try:
            line = read(PROMPT).strip()
        except (EOFError, KeyboardInterrupt):
            say("")
            return
        if line in ("/quit", "/exit"):
            return
        if line in ("/help", "/start"):
            say(html_to_plain(help_html(engine.articles)))
        elif line == "/sources":
            say(html_to_plain(sources_html(engine.articles)))
        elif line == "/more":
            if last is None or page + 1 >= last.pages:
                say("No more passages for that question.")
            else:
                page += 1
                say(answer_plain(last, page))
        elif line:
            last, page = engine.answer(line), 0
            more = "\n(/more for further passages)" if last.pages > 1 else ""
            say(answer_plain(last) + more)
