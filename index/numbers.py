"""Numbers written as words, and the digits they stand for: "four rounds" are 4 rounds, the Group of Seven the G7."""

from __future__ import annotations

import re

SPELLED_NUMBERS = {
    word: str(n)
    for n, word in enumerate(
        ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
        + ("thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty")
    )
} | {"thirty": "30", "forty": "40", "fifty": "50", "hundred": "100", "thousand": "1000"}
NUMBER_NAMES = {digits: word for word, digits in SPELLED_NUMBERS.items()}  # "7": "seven"

# Ordinals that set one thing apart from others of its kind ("the fourth round", "the 36th brigade"); not
# "first", which as often means earliest or at last ("when did they first meet").
ORDINALS = {
    word: str(n)
    for n, word in enumerate(
        ("second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth", "eleventh", "twelfth"),
        start=2,
    )
}
_ORDINAL = re.compile(r"\b(?:(" + "|".join(ORDINALS) + r")|(\d{1,4})(?:st|nd|rd|th))\b", re.IGNORECASE)


def ordinals_in(text: str) -> list[tuple[str, str]]:
    """The ordinals a text writes, in words or digits, each as written and as its number: ("fourth", "4"),
    ("36th", "36"); never the first."""
    found = []
    for m in _ORDINAL.finditer(text):
        number = ORDINALS[m.group(1).lower()] if m.group(1) else str(int(m.group(2)))
        if number != "1":
            found.append((m.group(0), number))
    return found


def ordinal_forms(number: str) -> list[str]:
    """The ways an ordinal is written: "4": fourth, 4th; "22": 22nd."""
    n = int(number)
    suffix = "th" if n % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    words = [word for word, digits in ORDINALS.items() if digits == number]
    return [*words, f"{n}{suffix}"]
