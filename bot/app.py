"""The Telegram application: handlers wired to updates, commands registered, polling or webhook."""

from __future__ import annotations

import logging
import os
from urllib.parse import urlsplit

from telegram import BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats, Update
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot import handlers
from bot.engine import Engine
from bot.ratelimit import RetryingRateLimiter
from bot.settings import Settings
from bot.state import STATE_KEY, BotState

log = logging.getLogger(__name__)

# Opt in to PTB's timedelta durations (RetryAfter.retry_after), the behaviour of its next major version.
os.environ.setdefault("PTB_TIMEDELTA", "1")

PRIVATE_COMMANDS = [
    BotCommand("ask", "Ask a question about the peace talks"),
    BotCommand("sources", "List the articles I quote from"),
    BotCommand("help", "What I know and how to ask"),
]
GROUP_COMMANDS = PRIVATE_COMMANDS


def build_application(settings: Settings, engine: Engine) -> Application:
    """The application, with every handler, talking to TELEGRAM_API_URL."""
    assert settings.telegram_bot_token is not None
    app = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(f"{settings.api_base}/bot")
        .base_file_url(f"{settings.api_base}/file/bot")
        .rate_limiter(RetryingRateLimiter())
        .concurrent_updates(True)
        .post_init(_register_commands)
        .build()
    )
    app.bot_data[STATE_KEY] = BotState(engine=engine, settings=settings)
    private, groups = filters.ChatType.PRIVATE, filters.ChatType.GROUPS
    app.add_handler(CommandHandler(["start", "help"], handlers.help_command))
    app.add_handler(CommandHandler("sources", handlers.sources))
    app.add_handler(CommandHandler("ask", handlers.ask_command))
    app.add_handler(CommandHandler("reindex", handlers.reindex))
    app.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND, handlers.private_text))
    app.add_handler(MessageHandler(groups & filters.TEXT & ~filters.COMMAND, handlers.group_text))
    app.add_handler(
        MessageHandler(private & ~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL, handlers.non_text)
    )
    app.add_handler(CallbackQueryHandler(handlers.more, pattern=r"^more:"))
    app.add_handler(InlineQueryHandler(handlers.inline_query))
    app.add_error_handler(handlers.on_error)
    return app


async def _register_commands(app: Application) -> None:
    """Show the commands in Telegram's menu, for private chats and for groups."""
    await app.bot.set_my_commands(PRIVATE_COMMANDS, scope=BotCommandScopeAllPrivateChats())
    await app.bot.set_my_commands(GROUP_COMMANDS, scope=BotCommandScopeAllGroupChats())
    log.info("serving as @%s with %d articles", app.bot.username, len(app.bot_data[STATE_KEY].engine.articles))


def run_bot(settings: Settings, engine: Engine) -> None:
    """Run until stopped: a webhook server when WEBHOOK_URL is set, long polling otherwise."""
    secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
    app = build_application(settings, engine)
    if settings.webhook_url:
        app.run_webhook(
            listen="0.0.0.0",
            port=settings.port,
            url_path=urlsplit(settings.webhook_url).path.lstrip("/"),
            webhook_url=settings.webhook_url,
            secret_token=secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        app.run_polling(allowed_updates=Update.ALL_TYPES)
