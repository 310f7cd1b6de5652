"""Domain errors: each carries a message fit to show a user as one line."""

from __future__ import annotations


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


class FetchError(TalksbotError):
    """A page or feed could not be fetched or used; the message names the link and the reason."""

    def __init__(self, url: str, reason: str, action: str = "add") -> None:
        super().__init__(f"cannot {action} {url}: {reason}")
        self.url = url
        self.reason = reason
