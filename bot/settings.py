"""The one settings object of the bot: index settings plus Telegram's, from the environment and `.env`."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import NoDecode
from telegram.constants import WebhookLimit

from index.settings import IndexSettings

# Telegram tokens look like 123456789:AAE...; anything else is a typo worth a clear message.
TOKEN_SHAPE = re.compile(r"^\d{3,}:[A-Za-z0-9_-]{30,}$")
# What setWebhook accepts as secret_token.
_SECRET_LENGTHS = f"{WebhookLimit.MIN_SECRET_TOKEN_LENGTH},{WebhookLimit.MAX_SECRET_TOKEN_LENGTH}"
WEBHOOK_SECRET_SHAPE = re.compile(rf"^[A-Za-z0-9_-]{{{_SECRET_LENGTHS}}}$")


CHAT_USERNAME = re.compile(r"^@?([A-Za-z][A-Za-z0-9_]{3,31})$")  # Telegram's rule for public usernames


def _chat_ref(value: object) -> int | str:
    """A chat of INGEST_CHATS: its id as a number, or its username lower-cased without the @."""
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    name = CHAT_USERNAME.match(text)
    if name is None:
        raise ValueError(f"INGEST_CHATS must be comma-separated chat ids (-1001234567890) or @usernames, got {text!r}")
    return name[1].lower()


class Settings(IndexSettings):
    """Everything the bot reads from its environment."""

    telegram_bot_token: SecretStr | None = Field(None, description="The bot's token from @BotFather.")
    telegram_api_url: str = Field(
        "https://api.telegram.org",
        description="Bot API server: Telegram's, a self-hosted one, or a test stand-in.",
    )
    admin_ids: Annotated[frozenset[int], NoDecode] = Field(
        frozenset(), description="Comma-separated Telegram user ids allowed to /reindex, /add and /remove."
    )
    ingest_chats: Annotated[frozenset[int | str], NoDecode] = Field(
        frozenset(),
        description="Channels and groups whose posts become articles: comma-separated chat ids "
        "(-1001234567890) or @usernames. Posts of any other chat are never added.",
    )
    webhook_url: str | None = Field(None, description="Public HTTPS URL: webhook mode when set, else polling.")
    webhook_secret: SecretStr | None = Field(None, description="Secret Telegram sends with each webhook call.")
    port: int = Field(8080, description="Port the webhook server listens on.")
    log_level: str = Field("INFO", description="Logging level of the bot.")

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p for p in re.split(r"[,\s]+", value.strip()) if p]
            try:
                return frozenset(int(p) for p in parts)
            except ValueError as exc:
                raise ValueError(f"ADMIN_IDS must be comma-separated numbers, got {value!r}") from exc
        return value

    @field_validator("ingest_chats", mode="before")
    @classmethod
    def _split_chats(cls, value: object) -> object:
        if isinstance(value, str):
            value = [p for p in re.split(r"[,\s]+", value.strip()) if p]
        if isinstance(value, list | tuple | set | frozenset):
            return frozenset(_chat_ref(p) for p in value)
        return value

    def ingests(self, chat_id: int, username: str | None) -> bool:
        """Whether posts of this chat (by id, or by @username where it has one) are to become articles."""
        return chat_id in self.ingest_chats or (username is not None and username.lower() in self.ingest_chats)

    @field_validator("telegram_bot_token", "webhook_url", "webhook_secret", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("webhook_secret")
    @classmethod
    def _telegram_secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not WEBHOOK_SECRET_SHAPE.match(value.get_secret_value()):
            raise ValueError(
                f"must be {WebhookLimit.MIN_SECRET_TOKEN_LENGTH}-{WebhookLimit.MAX_SECRET_TOKEN_LENGTH} characters, "
                "each a letter, digit, _ or - (Telegram's rule)"
            )
        return value

    @property
    def api_base(self) -> str:
        """The Bot API URL without a trailing slash."""
        return self.telegram_api_url.rstrip("/")

    def secrets(self) -> list[str]:
        """Values that must never appear in a log line."""
        return [s.get_secret_value() for s in (self.telegram_bot_token, self.webhook_secret) if s is not None]

    def token_problem(self) -> str | None:
        """Why the token cannot work, or None if it looks right."""
        if self.telegram_bot_token is None:
            return "TELEGRAM_BOT_TOKEN is not set"
        if not TOKEN_SHAPE.match(self.telegram_bot_token.get_secret_value()):
            return "TELEGRAM_BOT_TOKEN is malformed (expected digits, a colon, then 30+ letters/digits/_-)"
        return None
