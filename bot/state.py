"""What the Telegram bot keeps for its lifetime: the engine, the settings and the feed poller."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from telegram.ext import ContextTypes

from bot.engine import Engine
from bot.feeds import FeedPoller
from bot.settings import Settings

STATE_KEY = "talksbot"


@dataclass
class BotState:
    """Held once in `application.bot_data`; handlers reach it through `state_of(context)`."""

    engine: Engine
    settings: Settings
    feeds: FeedPoller | None = None  # polling FEEDS while the application runs
    # Additions from chats queue up here rather than refuse each other (the engine takes one change at a time).
    adding: asyncio.Lock = field(default_factory=asyncio.Lock)


def state_of(context: ContextTypes.DEFAULT_TYPE) -> BotState:
    """The bot's state from a handler's context."""
    state = context.bot_data[STATE_KEY]
    assert isinstance(state, BotState)
    return state
