"""Numbers written as words, and the digits they stand for: "four rounds" are 4 rounds, the Group of Seven the G7."""

from __future__ import annotations

SPELLED_NUMBERS = {
    word: str(n)
    for n, word in enumerate(
        ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
        + ("thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty")
    )
} | {"thirty": "30", "forty": "40", "fifty": "50", "hundred": "100", "thousand": "1000"}
NUMBER_NAMES = {digits: word for word, digits in SPELLED_NUMBERS.items()}  # "7": "seven"
