"""What the Telegram bot keeps for its lifetime: the engine and the settings."""

from __future__ import annotations

from dataclasses import dataclass

from telegram.ext import ContextTypes

from bot.engine import Engine
from bot.settings import Settings

STATE_KEY = "talksbot"


@dataclass
class BotState:
    """Held once in `application.bot_data`; handlers reach it through `state_of(context)`."""

    engine: Engine
    settings: Settings


def state_of(context: ContextTypes.DEFAULT_TYPE) -> BotState:
    """The bot's state from a handler's context."""
    state = context.bot_data[STATE_KEY]
    assert isinstance(state, BotState)
    return state
