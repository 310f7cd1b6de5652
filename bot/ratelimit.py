"""Flood limits and retries for every Bot API call."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

import httpx
from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

JSONDict = dict[str, Any]

# Calls that change nothing when repeated: retried even when a failed attempt may have reached Telegram.
IDEMPOTENT = frozenset({"setMyCommands", "deleteMyCommands", "setWebhook", "deleteWebhook"})


class RetryingRateLimiter(AIORateLimiter):
    """Telegram's flood limits with retry on 429 RetryAfter, plus backoff retries of failures safe to repeat.

    A call that never reached Telegram (no connection, no free connection in the pool) is always
    retried; one that may have (a read or write timeout, a 5xx) only if repeating it is harmless, so
    that a slow sendMessage is never delivered twice. getUpdates is left to the Updater's own retry loop.
    """

    def __init__(self, retries: int = 3, backoff: float = 0.5) -> None:
        super().__init__(max_retries=retries)
        self._retries = retries
        self._backoff = backoff

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | JSONDict | list[JSONDict]:
        """Run the call under the flood limits; retry the failures that are safe to retry."""
        for attempt in range(self._retries + 1):
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except BadRequest:  # a subclass of NetworkError, but retrying cannot fix it
                raise
            except NetworkError as exc:  # timeouts, connection errors, 5xx
                if attempt == self._retries or not retry_safe(endpoint, exc):
                    raise
                delay = self._backoff * 2**attempt
                log.warning("%s failed (%s); retry %d in %.1f s", endpoint, exc, attempt + 1, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # the loop always returns or raises


def retry_safe(endpoint: str, exc: NetworkError) -> bool:
    """Whether `endpoint` may be called again after failing with `exc`."""
    if endpoint == "getUpdates":
        return False
    return never_sent(exc) or endpoint.startswith("get") or endpoint in IDEMPOTENT


def never_sent(exc: NetworkError) -> bool:
    """Whether the failed call certainly never reached Telegram (PTB keeps httpx's error as the cause)."""
    cause = exc.__cause__ or exc.__context__
    return isinstance(cause, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout)
