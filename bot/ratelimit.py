"""Flood limits and retries for every Bot API call."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import BadRequest, NetworkError
from telegram.ext import AIORateLimiter

log = logging.getLogger(__name__)

JSONDict = dict[str, Any]


class RetryingRateLimiter(AIORateLimiter):
    """Telegram's flood limits with retry on 429 RetryAfter, plus backoff retries on timeouts and 5xx.

    getUpdates is left to the Updater, which has its own retry loop.
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
        """Run the call under the flood limits; retry network failures and server errors."""
        for attempt in range(self._retries + 1):
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except BadRequest:  # a subclass of NetworkError, but retrying cannot fix it
                raise
            except NetworkError as exc:  # timeouts, connection errors, 5xx
                if endpoint == "getUpdates" or attempt == self._retries:
                    raise
                delay = self._backoff * 2**attempt
                log.warning("%s failed (%s); retry %d in %.1f s", endpoint, exc, attempt + 1, delay)
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # the loop always returns or raises
