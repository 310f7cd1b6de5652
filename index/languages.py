"""Languages: which of the talks' languages a text is in, and how the project words counts."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

Language = Literal["en", "ru", "uk"]
LANGUAGES: tuple[Language, ...] = ("en", "ru", "uk")
_CYRILLIC = re.compile(r"[а-яёіїєґ]", re.IGNORECASE)
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)
_UKRAINIAN_ONLY = re.compile(r"[іїєґ]", re.IGNORECASE)
_RUSSIAN_ONLY = re.compile(r"[ыэъё]", re.IGNORECASE)
DETECTED_CHARS = 2000  # a language shows in its first paragraphs; longer texts are cut for speed


@lru_cache(maxsize=1)
def _identifier() -> object:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(["ru", "uk"])
    return identifier


def detect_language(text: str) -> Language:
    """'en', 'ru' or 'uk': Cyrillic text is Russian or Ukrainian, anything else takes the English path."""
    sample = text[:DETECTED_CHARS]
    cyrillic = len(_CYRILLIC.findall(sample))
    if cyrillic == 0 or cyrillic < len(_LATIN.findall(sample)):
        return "en"
    ukrainian, russian = len(_UKRAINIAN_ONLY.findall(sample)), len(_RUSSIAN_ONLY.findall(sample))
    if ukrainian and not russian:
        return "uk"
    if russian and not ukrainian:
        return "ru"
    language, _ = _identifier().classify(sample)  # type: ignore[attr-defined]
    return "uk" if language == "uk" else "ru"


def plural(count: int, word: str, words: str | None = None) -> str:
    """'1 article', '18 passages', '1,204 articles'."""
    return f"{count:,} {word if count == 1 else (words or word + 's')}"
