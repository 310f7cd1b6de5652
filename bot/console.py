"""An interactive chat in the terminal over the same answering pipeline as the Telegram bot."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from bot.answers import Answer
from bot.engine import Engine
from bot.render import answer_plain, help_html, html_to_plain, sources_html
from bot.texts import language_for, texts

PROMPT = "ask> "


def run_console(
    engine: Engine, read: Callable[[str], str] = input, out: TextIO | None = None, language_code: str | None = None
) -> None:
    """Read questions until /quit or end of input; print each answer as the bot would send it.

    Answers are in their question's language (a short one that is not told surely in `language_code`'s, as in
    Telegram); the rest in `language_code`'s, else English.
    """
    language = language_for(None, language_code)

    def say(text: str) -> None:
        print(text, file=out, flush=True)

    say(texts(language).console_intro)
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
            say(html_to_plain(help_html(engine.articles, language=language)))
        elif line == "/sources":
            say(html_to_plain(sources_html(engine.articles, language=language)))
        elif line == "/more":
            if last is None or page + 1 >= last.pages:
                say(texts(language_for(last.question if last else None, language_code)).no_more)
            else:
                page += 1
                say(answer_plain(last, page, language_for(last.question, language_code)))
        elif line:
            last, page = engine.answer(line), 0
            asked = language_for(line, language_code)
            more = "\n" + texts(asked).console_more if last.pages > 1 else ""
            say(answer_plain(last, 0, asked) + more)
