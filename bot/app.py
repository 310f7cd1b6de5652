"""The Telegram application: handlers wired to updates, commands registered, polling or webhook."""

from __future__ import annotations

import asyncio
import logging
import os
import secrets
from typing import Any
from urllib.parse import urlsplit

from telegram import Bot, BotCommand, BotCommandScopeAllGroupChats, BotCommandScopeAllPrivateChats, Update
from telegram.error import InvalidToken, NetworkError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot import handlers, ingest
from bot.engine import Engine
from bot.feeds import FeedPoller
from bot.logs import RedactSecrets
from bot.ratelimit import RetryingRateLimiter
from bot.reindex import refresh_outdated
from bot.settings import Settings
from bot.state import STATE_KEY, BotState
from bot.texts import EN, TEXTS, Texts, plural
from index.errors import BotApiError

log = logging.getLogger(__name__)

# Opt in to PTB's timedelta durations (RetryAfter.retry_after), the behaviour of its next major version.
os.environ.setdefault("PTB_TIMEDELTA", "1")

COMMANDS = ("ask", "sources", "latest", "help")  # in the menu's order; the descriptions are in bot/texts.py
TOKEN_REJECTED = "Telegram rejected TELEGRAM_BOT_TOKEN (Unauthorized): check it with @BotFather"


class TalksApplication(Application[Any, Any, Any, Any, Any, Any]):
    """PTB's application, which polls FEEDS while it runs, writes an index an older version read anew, and
    cancels a running rebuild when it stops."""

    async def start(self) -> None:
        """Start as usual, then write the index anew if an older version read it, and poll the feeds if any."""
        await super().start()
        state = self.bot_data.get(STATE_KEY)
        if isinstance(state, BotState) and state.engine.outdated is not None:
            self.create_task(refresh_outdated(state.engine), name="refresh_outdated")
        if isinstance(state, BotState) and state.settings.feeds:
            state.feeds = state.feeds or FeedPoller(state.settings, state.engine)
            state.feeds.start()

    async def stop(self) -> None:
        """Stop polling and cancel a rebuild (it ends at its next chunk, the live index untouched), then stop."""
        state = self.bot_data.get(STATE_KEY)
        if isinstance(state, BotState):
            state.engine.cancel_rebuilds()
            if state.feeds is not None:
                await state.feeds.stop()
        await super().stop()


def build_application(settings: Settings, engine: Engine) -> Application:
    """The application, with every handler, talking to TELEGRAM_API_URL."""
    assert settings.telegram_bot_token is not None
    app = (
        ApplicationBuilder()
        .application_class(TalksApplication)
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
    app.add_handler(CommandHandler("latest", handlers.latest))
    app.add_handler(CommandHandler("ask", handlers.ask_command))
    app.add_handler(CommandHandler("reindex", handlers.reindex))
    app.add_handler(CommandHandler("add", ingest.add_command))
    app.add_handler(CommandHandler("remove", ingest.remove_command))
    app.add_handler(MessageHandler(private & filters.TEXT & ~filters.COMMAND, handlers.private_text))
    app.add_handler(MessageHandler(groups & filters.TEXT & ~filters.COMMAND, handlers.group_text))
    app.add_handler(MessageHandler(private & filters.Document.ALL, ingest.document))
    app.add_handler(
        MessageHandler(private & ~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL, handlers.non_text)
    )
    # Posts of channels and groups, in a group of their own: a group's question to the bot is answered as well.
    posts = (filters.UpdateType.CHANNEL_POSTS | groups) & (filters.TEXT | filters.CAPTION) & ~filters.COMMAND
    app.add_handler(MessageHandler(posts, ingest.chat_post), group=1)
    app.add_handler(CallbackQueryHandler(handlers.more, pattern=handlers.MORE_DATA))
    app.add_handler(CallbackQueryHandler(handlers.sources_page, pattern=handlers.SOURCES_DATA))
    app.add_handler(CallbackQueryHandler(handlers.expired_button))
    app.add_handler(InlineQueryHandler(handlers.inline_query))
    app.add_error_handler(handlers.on_error)
    return app


def bot_commands(texts: Texts) -> list[BotCommand]:
    """The command menu, described in one language."""
    return [BotCommand(command, texts.commands[command]) for command in COMMANDS]


async def _register_commands(app: Application) -> None:
    """Show the commands in Telegram's menu, for private chats and for groups: in English, and for users
    whose Telegram is in Russian or Ukrainian, in their language."""
    for scope in (BotCommandScopeAllPrivateChats(), BotCommandScopeAllGroupChats()):
        for language, texts in TEXTS.items():
            code = None if language == "en" else language  # English is the default for every other language
            await app.bot.set_my_commands(bot_commands(texts), scope=scope, language_code=code)
    articles = plural(len(app.bot_data[STATE_KEY].engine.articles), EN.article, "en")
    log.info("serving as @%s with %s", app.bot.username, articles)


def check_bot_api(settings: Settings) -> None:
    """Ask the Bot API who the bot is: a rejected token or an unreachable server is a one-line BotApiError."""
    try:
        asyncio.run(_get_me(settings))
    except InvalidToken:  # its message carries the token
        raise BotApiError(TOKEN_REJECTED) from None
    except NetworkError as exc:
        reason = str(exc)
        for secret in settings.secrets():
            reason = reason.replace(secret, "<redacted>")
        raise BotApiError(f"cannot reach the Bot API at {settings.api_base}: {reason}") from None


async def _get_me(settings: Settings) -> None:
    assert settings.telegram_bot_token is not None
    token = settings.telegram_bot_token.get_secret_value()
    async with Bot(token, base_url=f"{settings.api_base}/bot", base_file_url=f"{settings.api_base}/file/bot"):
        pass  # entering calls getMe


def webhook_secret(settings: Settings) -> str:
    """WEBHOOK_SECRET, or a random one for this run (setWebhook registers it at every start), kept out of logs."""
    if settings.webhook_secret is not None:
        return settings.webhook_secret.get_secret_value()
    secret = secrets.token_urlsafe(32)  # letters, digits, _ and -: what Telegram accepts
    redactor = RedactSecrets([secret])
    for handler in logging.getLogger().handlers:
        handler.addFilter(redactor)
    return secret


def run_bot(settings: Settings, engine: Engine) -> None:
    """Run until stopped: a webhook server when WEBHOOK_URL is set, long polling otherwise."""
    check_bot_api(settings)
    app = build_application(settings, engine)
    try:
        if settings.webhook_url:
            app.run_webhook(
                listen="0.0.0.0",
                port=settings.port,
                url_path=urlsplit(settings.webhook_url).path.lstrip("/"),
                webhook_url=settings.webhook_url,
                secret_token=webhook_secret(settings),
                allowed_updates=Update.ALL_TYPES,
            )
        else:
            app.run_polling(allowed_updates=Update.ALL_TYPES)
    except InvalidToken:
        raise BotApiError(TOKEN_REJECTED) from None
    except NetworkError as exc:
        raise BotApiError(f"lost the Bot API at {settings.api_base}: {type(exc).__name__}") from None
