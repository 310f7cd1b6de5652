"""The admin's /reindex: a rebuild in a worker thread, progress edited into one message."""

from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

from telegram import Message
from telegram.constants import MessageLimit
from telegram.error import TelegramError

from bot.engine import Engine
from bot.render import cut
from index.articles import SkippedFile
from index.build import BuildReport
from index.errors import BuildCancelledError, BuildInProgressError, TalksbotError
from index.languages import plural

log = logging.getLogger(__name__)

EDIT_EVERY = 2.0  # seconds between progress edits: well inside Telegram's edit limits
ALREADY_REBUILDING = "A rebuild is already running; I will report when it is done."
SKIPPED_SHOWN = 5  # skipped files named in the report; the rest are counted
SKIPPED_LINE_CHARS = 200


class BuildProgress:
    """The latest progress report of a build, written by its thread and read by the event loop."""

    def __init__(self) -> None:
        self.stage, self.done, self.total = "starting", 0, 0

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.stage, self.done, self.total = stage, done, total

    def text(self) -> str:
        """The progress as a status line."""
        if self.stage == "embedding" and self.total:
            return f"Rebuilding the index… encoding new articles, {100 * self.done // self.total}%"
        return f"Rebuilding the index… {self.stage}"


async def run_reindex(engine: Engine, status: Message) -> None:
    """Rebuild, editing `status` as it goes; swap on success, keep the old index on failure."""
    progress = BuildProgress()
    started = time.perf_counter()
    job = asyncio.ensure_future(asyncio.to_thread(engine.rebuild, progress))
    shown = status.text
    try:
        while not job.done():
            await asyncio.wait({job}, timeout=EDIT_EVERY)
            if not job.done() and progress.text() != shown:
                shown = progress.text()
                await _edit(status, shown)
        report = job.result()
    except BuildInProgressError:
        await _edit(status, ALREADY_REBUILDING)
    except BuildCancelledError:
        log.info("rebuild cancelled: the bot is stopping")
        await _edit(status, "Rebuild cancelled: the bot is stopping. The previous index is still serving.")
    except TalksbotError as exc:
        log.warning("rebuild failed: %s", exc)
        await _edit(status, f"Rebuild failed: {exc}\nThe previous index is still serving.")
    except Exception as exc:
        log.exception("rebuild failed")
        await _edit(status, f"Rebuild failed: {type(exc).__name__}: {exc}\nThe previous index is still serving.")
    else:
        await _edit(status, report_text(report, time.perf_counter() - started, engine.settings.seeds_dir))


def report_text(report: BuildReport, seconds: float, seeds_dir: Path) -> str:
    """What a finished rebuild did, naming the first skipped files with the reason."""
    counts = f"{plural(report.articles, 'article')}, {plural(report.passages, 'passage')}"
    text = f"Rebuilt in {seconds:.1f} s: {counts}. Now answering from the new index."
    if not report.skipped:
        return text
    lines = [f"{plural(len(report.skipped), 'file')} skipped:"]
    lines += [cut(f"• {_name(s, seeds_dir)}: {s.reason}", SKIPPED_LINE_CHARS) for s in report.skipped[:SKIPPED_SHOWN]]
    if len(report.skipped) > SKIPPED_SHOWN:
        lines.append(f"… and {len(report.skipped) - SKIPPED_SHOWN} more (see the log).")
    return text + "\n\n" + "\n".join(lines)


def _name(skipped: SkippedFile, seeds_dir: Path) -> str:
    """The skipped file's path below the seeds folder (or as given, if outside it)."""
    path = Path(skipped.path)
    return str(path.relative_to(seeds_dir)) if path.is_relative_to(seeds_dir) else str(path)


async def _edit(status: Message, text: str) -> None:
    """Edit the status message; a failed edit is logged, never fatal to the rebuild."""
    try:
        await status.edit_text(cut(text, MessageLimit.MAX_TEXT_LENGTH))
    except TelegramError as exc:
        log.warning("could not edit the rebuild status: %s", exc)
