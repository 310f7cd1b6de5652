"""The admin's /reindex: a rebuild in a worker thread, progress edited into one message."""

from __future__ import annotations

import asyncio
import logging
import time

from telegram import Message
from telegram.error import TelegramError

from bot.state import BotState
from index.errors import TalksbotError

log = logging.getLogger(__name__)

EDIT_EVERY = 2.0  # seconds between progress edits: well inside Telegram's edit limits


class BuildProgress:
    """The latest progress report of a build, written by its thread and read by the event loop."""

    def __init__(self) -> None:
        self.stage, self.done, self.total = "starting", 0, 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.stage, self.done, self.total = stage, done, total

    def text(self) -> str:
        """The progress as a status line."""
        if self.stage == "embedding" and self.total:
            return f"Rebuilding the index… embedding passages {self.done}/{self.total}"
        return f"Rebuilding the index… {self.stage}"


async def run_reindex(state: BotState, status: Message) -> None:
    """Rebuild, editing `status` as it goes; swap on success, keep the old index on failure."""
    progress = BuildProgress()
    started = time.perf_counter()
    job = asyncio.ensure_future(asyncio.to_thread(state.engine.rebuild, progress))
    shown = status.text
    try:
        while not job.done():
            await asyncio.wait({job}, timeout=EDIT_EVERY)
            if not job.done() and progress.text() != shown:
                shown = progress.text()
                await _edit(status, shown)
        report = job.result()
    except TalksbotError as exc:
        log.warning("rebuild failed: %s", exc)
        await _edit(status, f"Rebuild failed: {exc}\nThe previous index is still serving.")
    except Exception as exc:
        log.exception("rebuild failed")
        await _edit(status, f"Rebuild failed: {type(exc).__name__}: {exc}\nThe previous index is still serving.")
    else:
        skipped = f", {len(report.skipped)} files skipped" if report.skipped else ""
        await _edit(
            status,
            f"Rebuilt in {time.perf_counter() - started:.1f} s: {report.articles} articles, "
            f"{report.passages} passages{skipped}. Now answering from the new index.",
        )
    finally:
        state.reindexing = False


async def _edit(status: Message, text: str) -> None:
    """Edit the status message; a failed edit is logged, never fatal to the rebuild."""
    try:
        await status.edit_text(text[:4096])
    except TelegramError as exc:
        log.warning("could not edit the rebuild status: %s", exc)
