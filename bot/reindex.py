"""The admin's /reindex: a rebuild in a worker thread, progress edited into one message; and at start-up, the
index written anew in the background where an older version read its articles."""

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
from bot.texts import decimal, plural, texts
from index.articles import SkippedFile
from index.build import BuildReport
from index.errors import BuildCancelledError, BuildInProgressError, TalksbotError
from index.languages import Language

log = logging.getLogger(__name__)

EDIT_EVERY = 2.0  # seconds between progress edits: well inside Telegram's edit limits
SKIPPED_SHOWN = 5  # skipped files named in the report; the rest are counted
SKIPPED_LINE_CHARS = 200


class BuildProgress:
    """The latest progress report of a build, written by its thread and read by the event loop."""

    def __init__(self, language: Language = "en") -> None:
        self.stage, self.done, self.total = "starting", 0, 0
        self.texts = texts(language)

    def __call__(self, stage: str, done: int, total: int) -> None:
        self.stage, self.done, self.total = stage, done, total

    def text(self) -> str:
        """The progress as a status line."""
        t = self.texts
        if self.stage == "embedding" and self.total:
            return t.progress_encoding.format(percent=100 * self.done // self.total)
        return t.progress.format(stage=t.stages.get(self.stage, self.stage))


async def run_reindex(engine: Engine, status: Message, language: Language = "en") -> None:
    """Rebuild, editing `status` in `language` as it goes; swap on success, keep the old index on failure."""
    t = texts(language)
    progress = BuildProgress(language)
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
        await _edit(status, t.already_rebuilding)
    except BuildCancelledError:
        log.info("rebuild cancelled: the bot is stopping")
        await _edit(status, t.rebuild_cancelled)
    except TalksbotError as exc:
        log.warning("rebuild failed: %s", exc)
        await _edit(status, t.rebuild_failed.format(reason=exc))
    except Exception as exc:
        log.exception("rebuild failed")
        await _edit(status, t.rebuild_failed.format(reason=f"{type(exc).__name__}: {exc}"))
    else:
        seconds = time.perf_counter() - started
        await _edit(status, report_text(report, seconds, engine.settings.seeds_dir, language))


async def refresh_outdated(engine: Engine) -> None:
    """Write the index anew, in a worker thread, where an older version read its articles (`Engine.outdated`):
    its search terms, dates and numbers, as this version reads them. The bot answers from the index as it is
    meanwhile, and keeps it if the rewrite fails or the bot stops first."""
    reason = engine.outdated
    if reason is None:
        return
    log.info("the index is written anew in the background (%s); answering from it as it is meanwhile", reason)
    try:
        report = await asyncio.to_thread(engine.refresh)
    except BuildCancelledError:
        log.info("writing the index anew was cancelled: the bot is stopping")
    except TalksbotError as exc:  # another change running, a full disk: the index as it was keeps serving
        log.warning("could not write the index anew (%s): answering from it as it is until /reindex or a restart", exc)
    except Exception:
        log.exception("could not write the index anew: answering from it as it is until /reindex or a restart")
    else:
        if report is not None:
            log.info("wrote the index anew: %s in %.1f s", report.describe(), report.seconds)


def report_text(report: BuildReport, seconds: float, seeds_dir: Path, language: Language = "en") -> str:
    """What a finished rebuild did, naming the first skipped files with the reason, in `language`."""
    t = texts(language)
    counts = f"{plural(report.articles, t.article, language)}, {plural(report.passages, t.passage, language)}"
    text = t.rebuilt.format(seconds=decimal(seconds, language), counts=counts)
    if not report.skipped:
        return text
    lines = [t.skipped.format(files=plural(len(report.skipped), t.file, language))]
    lines += [cut(f"• {_name(s, seeds_dir)}: {s.reason}", SKIPPED_LINE_CHARS) for s in report.skipped[:SKIPPED_SHOWN]]
    if len(report.skipped) > SKIPPED_SHOWN:
        lines.append(t.skipped_more.format(count=len(report.skipped) - SKIPPED_SHOWN))
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
