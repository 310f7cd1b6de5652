"""Domain errors: each carries a message fit to show a user as one line."""

from __future__ import annotations

import sys
from collections.abc import Callable

from pydantic import ValidationError

EXIT_FAILED = 1  # the command could not do its work (a domain error)
EXIT_USAGE = 2  # a bad setting or argument
EXIT_INTERRUPTED = 130


class TalksbotError(Exception):
    """Base class for errors that are reported to the user, never as a traceback."""


class IndexMissingError(TalksbotError):
    """No index has been built at the configured place."""


class IndexMismatchError(TalksbotError):
    """The index on disk does not fit the configured model or this code's format."""


class IndexCorruptError(TalksbotError):
    """The index on disk cannot be read."""


class BuildError(TalksbotError):
    """An index build could not finish; the live index is untouched."""


class ModelLoadError(TalksbotError):
    """The embedding model could not be loaded."""


class BuildInProgressError(TalksbotError):
    """Another build is already running."""


class IndexFormatError(IndexMismatchError):
    """The index on disk was written in another version's format; a rebuild makes it readable."""

    def __init__(self, message: str, version: object) -> None:
        super().__init__(message)
        self.version = version


class BuildCancelledError(TalksbotError):
    """A build was cancelled (the process is stopping); the live index is untouched."""


class BotApiError(TalksbotError):
    """The Telegram Bot API rejected the token or cannot be reached."""


def setting_problem(exc: ValidationError) -> str:
    """The first invalid setting as one line: `NAME: what is wrong`."""
    first = exc.errors()[0]
    name = str(first["loc"][0]).upper() if first["loc"] else "settings"
    return f"{name}: {first['msg']}"


def run_command(command: Callable[[], int]) -> int:
    """Run a command line's body; every failure is one line on stderr and an exit code that says failure."""
    try:
        return command()
    except ValidationError as exc:
        print(f"error: {setting_problem(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except TalksbotError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
