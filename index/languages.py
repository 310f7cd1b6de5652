"""Languages: how the project words counts (and, as it grows, detects and lemmatizes languages)."""

from __future__ import annotations


def plural(count: int, word: str, words: str | None = None) -> str:
    """'1 article', '18 passages', '1,204 articles'."""
    return f"{count:,} {word if count == 1 else (words or word + 's')}"
