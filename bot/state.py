"""What the Telegram bot keeps for its lifetime: the engine, settings, and recent answers."""

from __future__ import annotations

import secrets
from collections import OrderedDict
from dataclasses import dataclass, field

from telegram.ext import ContextTypes

from bot.answers import Answer
from bot.engine import Engine
from bot.settings import Settings

STATE_KEY = "talksbot"


class AnswerCache:
    """The last answers, so a "more" button can page through them; bounded, oldest dropped first."""

    def __init__(self, size: int = 2000) -> None:
        self._size = size
        self._answers: OrderedDict[str, Answer] = OrderedDict()

    def put(self, answer: Answer) -> str:
        """Remember an answer; returns a short key for callback data (≤ 64 bytes in all)."""
        key = secrets.token_urlsafe(8)
        self._answers[key] = answer
        while len(self._answers) > self._size:
            self._answers.popitem(last=False)
        return key

    def get(self, key: str) -> Answer | None:
        """The answer under `key`, if still remembered."""
        return self._answers.get(key)


@dataclass
class BotState:
    """Held once in `application.bot_data`; handlers reach it through `state_of(context)`."""

    engine: Engine
    settings: Settings
    answers: AnswerCache = field(default_factory=AnswerCache)
    reindexing: bool = False


def state_of(context: ContextTypes.DEFAULT_TYPE) -> BotState:
    """The bot's state from a handler's context."""
    state = context.bot_data[STATE_KEY]
    assert isinstance(state, BotState)
    return state
