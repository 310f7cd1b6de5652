"""Polling FEEDS from the running bot: one task of the application, one poll at a time, stopped with it.

PTB's JobQueue needs APScheduler (`python-telegram-bot[job-queue]`), which this project does not install;
a single loop gives what a repeating job would: a first poll shortly after start, then one every
FEED_INTERVAL_MINUTES, never two at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.engine import Engine
from bot.settings import Settings
from index.errors import BuildCancelledError, BuildInProgressError, TalksbotError
from index.ingest import FeedReport, poll_and_add

log = logging.getLogger(__name__)

FIRST_POLL_SECONDS = 10.0  # after start: long enough for the bot to settle, short enough to see it work


class FeedPoller:
    """Polls the feeds in a loop until stopped; a failed poll is logged and the next one comes on time."""

    def __init__(self, settings: Settings, engine: Engine) -> None:
        self.settings = settings
        self.engine = engine
        self._task: asyncio.Task[None] | None = None

    @property
    def interval(self) -> float:
        """Seconds between two polls."""
        return self.settings.feed_interval_minutes * 60

    def start(self) -> None:
        """Start polling in the background (the first poll after FIRST_POLL_SECONDS, or the interval if shorter)."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="feeds")
            log.info("polling %d feed(s) every %g min", len(self.settings.feeds), self.settings.feed_interval_minutes)

    async def stop(self) -> None:
        """Stop polling; a poll in flight is cancelled (an addition already running finishes in its thread)."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        delay = min(FIRST_POLL_SECONDS, self.interval)
        while True:
            await asyncio.sleep(delay)
            await self.poll()
            delay = self.interval

    async def poll(self) -> FeedReport | None:
        """Poll the feeds once and add their new items; None when the poll could not run (logged why)."""
        try:
            report = await poll_and_add(self.settings, self.engine.add)
        except (BuildInProgressError, BuildCancelledError) as exc:
            log.info("feeds not polled: %s; the items come back at the next poll", exc)
            return None
        except TalksbotError as exc:
            log.warning("feeds: the poll failed: %s", exc)
            return None
        except Exception:
            log.exception("feeds: the poll failed")
            return None
        for line in report.lines():
            log.log(logging.WARNING if line in report.failures else logging.INFO, "feeds: %s", line)
        return report
