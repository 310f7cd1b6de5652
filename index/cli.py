"""What both command lines share: every failure is one line on stderr and an exit code that means failure."""

from __future__ import annotations

import sys
from collections.abc import Callable

from pydantic import ValidationError

from index.errors import TalksbotError

EXIT_FAILED = 1  # the command could not do its work (a domain error)
EXIT_USAGE = 2  # a bad setting or argument
EXIT_INTERRUPTED = 130


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
