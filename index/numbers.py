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
# The same in Russian and Ukrainian, by dictionary form (as `languages.lemma` gives it: ё as е, the apostrophe ').
ORDINAL_LEMMAS = {
    word: str(n)
    for words in (
        ("второй", "третий", "четвертый", "пятый", "шестой", "седьмой", "восьмой", "девятый", "десятый"),
        ("другий", "третій", "четвертий", "п'ятий", "шостий", "сьомий", "восьмий", "дев'ятий", "десятий"),
    )
    for n, word in enumerate(words, start=2)
}
_ORDINAL = re.compile(
    r"\b(?:(" + "|".join(ORDINALS) + r")|(\d{1,4})(?:st|nd|rd|th)"
    r"|(\d{1,4})-(?:й|я|е|го|му|м|х|ю|ий|ій|ого|ому|ої|ей))\b",  # "4-й раунд", "2-го раунду"
    re.IGNORECASE,
)
# In an article, Russian and Ukrainian ordinals are read by their stems and endings, without a dictionary, and so
# generously ("другого", Russian for "other's", counts as a second): an article's ordinals only ever keep a hit in.
_STEMS = {
    "втор": "2", "друг": "2", "трет": "3", "четверт": "4", "пят": "5", "п'ят": "5", "шест": "6", "шост": "6",
    "седьм": "7", "сьом": "7", "восьм": "8", "девят": "9", "дев'ят": "9", "десят": "10",
}  # fmt: skip
_ENDINGS = (
    "ый|ой|ий|ій|ая|ое|ые|ого|ому|ым|им|ом|ую|ых|их|ыми|ими|ья|ье|ьи|ьего|ьему|ьим|ьем|ьей|ью|ьих|ьими|ього|ьому|"
    "ім|іх|іми|ої|ою|а|у|е|і|я|є|ю"
)
CYRILLIC_STEMS = tuple(_STEMS)
_CYRILLIC_ORDINAL = re.compile(rf"(?<![\w'])({'|'.join(_STEMS)})(?:{_ENDINGS})(?![\w'])")
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "´": "'", "‘": "'"})
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def ordinals_in(text: str, cyrillic: bool = True) -> list[tuple[str, str]]:
    """The ordinals a text writes, in words or digits, each as written and as its number: ("fourth", "4"),
    ("36th", "36"), ("4-й", "4"); never the first. Russian and Ukrainian words generously (see `_STEMS`), unless
    not `cyrillic`."""
    found = []
    for m in _ORDINAL.finditer(text):
        number = ORDINALS[m.group(1).lower()] if m.group(1) else str(int(m.group(2) or m.group(3)))
        if number != "1":
            found.append((m.group(0), number))
    if cyrillic and _CYRILLIC.search(text):
        lowered = text.translate(_APOSTROPHES).lower().replace("ё", "е")  # as long as `text`
        found += [(text[m.start() : m.end()], _STEMS[m.group(1)]) for m in _CYRILLIC_ORDINAL.finditer(lowered)]
    return found


def ordinal_forms(number: str) -> list[str]:
    """The ways an ordinal is written, in dictionary form: "4": fourth, 4th, четвертый, четвертий; "22": 22nd."""
    n = int(number)
    suffix = "th" if n % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    words = [word for word, digits in (ORDINALS | ORDINAL_LEMMAS).items() if digits == number]
    return [*words[:1], f"{n}{suffix}", *words[1:]]
