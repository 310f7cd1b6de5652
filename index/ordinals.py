"""Ordinals: which of a series of the talks' events a question asks about ("the fourth round", «четвёртом раунде»),
and the ordinals an article writes in any form, so that a passage about another round is never taken for an answer.

A question's ordinals are read strictly: only before an event of the talks that comes in series (a round, a
meeting, a sanctions package), never "first" (as often earliest), never past LARGEST. An article's are read
generously, in every form the news writes one ("fourth", "4th", "round four", "Minsk II", «четвёртом», «4-й»):
an ordinal an article is not found to write rules its passages out. "The first meeting" is read only against a
best sentence that tells of another of the series ("It was the fourth meeting") and of the first in no form.
"""

from __future__ import annotations

import re

from index.languages import is_cyrillic, lemma, normalize, word_language
from index.numbers import SPELLED_NUMBERS

LARGEST = 20  # the largest ordinal a question is checked for ("the 16th sanctions package"; not "the 80th anniversary")
_ENGLISH = (
    "second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth fifteenth "
    "sixteenth seventeenth eighteenth nineteenth twentieth"
)
ORDINALS = {word: str(n) for n, word in enumerate(_ENGLISH.split(), start=2)}
# The same in Russian and Ukrainian, by dictionary form (as `languages.lemma` gives it: ё as е, the apostrophe ').
_RUSSIAN = (
    "второй третий четвертый пятый шестой седьмой восьмой девятый десятый одиннадцатый двенадцатый тринадцатый "
    "четырнадцатый пятнадцатый шестнадцатый семнадцатый восемнадцатый девятнадцатый двадцатый"
)
_UKRAINIAN = (
    "другий третій четвертий п'ятий шостий сьомий восьмий дев'ятий десятий одинадцятий дванадцятий тринадцятий "
    "чотирнадцятий п'ятнадцятий шістнадцятий сімнадцятий вісімнадцятий дев'ятнадцятий двадцятий"
)
ORDINAL_LEMMAS = {word: str(n) for words in (_RUSSIAN, _UKRAINIAN) for n, word in enumerate(words.split(), start=2)}
# "The first", read only where a sentence or a question is held against another of the series (`ordinals_asked`).
_FIRST = {"first": "1", "первый": "1", "перший": "1"}

# Events of the talks that come in series, in English and in Russian and Ukrainian dictionary forms.
_EVENTS = """
    round meeting session summit talks negotiations exchange swap stage phase package conference visit call
    agreement deal ceasefire truce memorandum draft plan proposal conversation
    раунд тур встреча сессия саммит переговоры обмен этап фаза пакет конференция визит звонок разговор соглашение
    договор сделка перемирие меморандум проект план предложение
    зустріч сесія саміт переговори обмін етап конференція візит дзвінок розмова угода договір перемир'я проєкт
    пропозиція
"""
EVENTS = frozenset(_EVENTS.split())
# Words that may stand between an ordinal and its event ("the third direct round", "the 16th sanctions package",
# "the second phone conversation"); a capitalized word may too ("the third Istanbul round"), and a Russian or
# Ukrainian adjective of a place («второй стамбульский раунд»). Anything else ("the second day of talks", "a third of
# the proposals") parts them.
_BETWEEN_TEXT = """
    direct new formal official peace sanctions prisoner prisoners high-level face-to-face bilateral trilateral
    phone telephone video
    прямых прямой нового новой мирных мирной прямих нових мирних
"""
_BETWEEN = frozenset(_BETWEEN_TEXT.split())
_PLACE_ADJECTIVE = re.compile(r"(?:ский|ская|ское|ском|ской|ского|ський|ська|ське|ському|ській|ського)$")
# «друг-» is as often "other" («друга сторона», the other side) as "second": only right before its event.
_ALSO_OTHER = frozenset({"другий"})
_ANOTHER = frozenset({"a", "an", "another"})

_WORD = re.compile(r"[^\W_][\w’'ʼ-]*")
_ENGLISH_FIRST = re.compile(r"\bfirst\b", re.IGNORECASE)  # "1st" is an `_ENGLISH_ORDINAL`
# A first written anywhere, in any form: "first", "1st", «первый», «первой», «перший», «першому» (generously: it only
# keeps a sentence from being taken for one about another of the series).
_ANY_FIRST = re.compile(
    r"\b(?:first|1st)\b|(?<![\w'])(?:перв|перш)(?:ый|ой|ая|ое|ые|ого|ому|ым|ом|ую|ых|ыми|ий|ій|ої|ою|им|их|ими|а|у|е|і)(?![\w'])",
    re.IGNORECASE,
)
_ENGLISH_ORDINAL = re.compile(r"\b(?:(" + "|".join(ORDINALS) + r")|(\d{1,4})(?:st|nd|rd|th))\b", re.IGNORECASE)
_DIGITS_HYPHEN = re.compile(r"(?<!\w)(\d{1,4})-[а-яіїєґ]{1,3}(?!\w)")  # «4-й», «2-го», «4-ї», «3-тя» (normalized)
_SERIES_NUMBER = re.compile(
    r"\b(?:round|stage|phase|session|part|package)\s+(\d{1,2}|" + "|".join(SPELLED_NUMBERS) + r")\b", re.IGNORECASE
)
_ROMAN = re.compile(r"\b[A-Z][a-z]+\s(II|III|IV|V|VI|VII|VIII|IX|X)\b")  # "Minsk II", "Istanbul III"
_NAME_NUMBER = re.compile(r"\b[A-ZА-ЯІЇЄҐ][\w’']+-(\d{1,2})\b")  # "Minsk-2", «Минск-2», «Мінськ-2»
_HYPHENS = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-"})
_ROMAN_DIGITS = {"II": "2", "III": "3", "IV": "4", "V": "5", "VI": "6", "VII": "7", "VIII": "8", "IX": "9", "X": "10"}
# Russian and Ukrainian ordinals in an article, read by stem and ending without a dictionary, and so generously
# ("другого", Russian for "other's", counts as a second): an article's ordinals only ever keep a passage in.
_STEMS = {word[:-2]: n for word, n in ORDINAL_LEMMAS.items()}  # второй: втор, п'ятий: п'ят, двадцятий: двадцят
_ENDINGS = (
    "ый|ой|ий|ій|ая|ое|ые|ого|ому|ым|им|ом|ую|ых|их|ыми|ими|ья|ье|ьи|ьего|ьему|ьим|ьем|ьей|ью|ьих|ьими|ього|ьому|"
    "ьої|ьою|ім|іх|іми|ої|ою|а|у|е|і|я|є|ю"
)
_STEM = re.compile(
    r"(?<![\w'])(" + "|".join(sorted(_STEMS, key=len, reverse=True)) + r")(?:" + _ENDINGS + r")(?![\w'])"
)
STEMS = tuple(_STEMS)


def ordinals_in(text: str, first: bool = False) -> frozenset[str]:
    """The ordinals an article (or a passage) writes, as numbers, in any form: "fourth", "4th", "round four",
    "Minsk II", «четвёртом», «4-й»; the first only with `first` (a sentence held against "the first meeting")."""
    text = text.translate(_HYPHENS)
    found = {_english(m) for m in _ENGLISH_ORDINAL.finditer(text)}  # "second-round talks" too
    found |= {str(int(m.group(1))) for m in _NAME_NUMBER.finditer(text)}
    found |= {SPELLED_NUMBERS.get(m.group(1).lower(), m.group(1)) for m in _SERIES_NUMBER.finditer(text)}
    found |= {_ROMAN_DIGITS[m.group(1)] for m in _ROMAN.finditer(text)}
    if is_cyrillic(text):
        lowered = normalize(text)
        found |= {str(int(m.group(1))) for m in _DIGITS_HYPHEN.finditer(lowered)}
        found |= {_STEMS[m.group(1)] for m in _STEM.finditer(lowered)}
    found -= {"1", "0"}
    if first and _ANY_FIRST.search(normalize(text) if is_cyrillic(text) else text):
        found.add("1")
    return frozenset(found)


def ordinal_number(written: str, language: str = "en") -> str | None:
    """The number of one ordinal as a question or a sentence writes it: "fourth", "4th", «первой», «четвёртом»."""
    hyphenated = _DIGITS_HYPHEN.fullmatch(normalize(written))  # «4-м»
    if hyphenated:
        return str(int(hyphenated.group(1)))
    if is_cyrillic(written[:1]):
        form = _lemma(written, language)
        return ORDINAL_LEMMAS.get(form) or _FIRST.get(form)
    whole = _ENGLISH_ORDINAL.fullmatch(written)
    return _english(whole) if whole else _FIRST.get(written.lower())


def ordinals_asked(question: str, language: str = "en", first: bool = False) -> list[tuple[str, str]]:
    """The ordinals of a question (in `language`) that tell one event of the talks from the others of its series,
    as written and as numbers: ("fourth", "4") of "the fourth round", ("16th", "16") of "the 16th sanctions
    package", ("четвёртом", "4") of «на четвёртом раунде»; Ukrainian «другому раунді» is the second, Russian «другой
    встрече» ("another meeting") none. «4-м» and the like only right before their event («на 4-м раунде»), as they
    are as often decades («в 1970-х годах») and road numbers («99-й автомагистрали»).

    With `first`, "the first meeting" too (of a question, or of a sentence it is held against), which an article
    about the fourth may well write: it is read only to tell one of the series from another, never looked for alone.
    """
    latin = not is_cyrillic(question)
    if latin and not _ENGLISH_ORDINAL.search(question) and not (first and _ENGLISH_FIRST.search(question)):
        return []  # most questions: no word to look at
    words = _WORD.findall(question)
    found = []
    for i, word in enumerate(words):
        cyrillic = is_cyrillic(word[:1])
        hyphenated = _DIGITS_HYPHEN.fullmatch(normalize(word))  # «4-м раунде»: right before its event, no decade
        if cyrillic:
            dictionary_form = _lemma(word, language)
            number = ORDINAL_LEMMAS.get(dictionary_form) or (_FIRST.get(dictionary_form) if first else None)
        elif hyphenated:
            number = str(int(hyphenated.group(1)))
        else:
            whole = _ENGLISH_ORDINAL.fullmatch(word)  # not "second-largest", "third-party"
            number = _english(whole) if whole else (_FIRST.get(word.lower()) if first else None)
            # "a second round" is as often another one as the second: an article about "a new round" answers it.
            if number == "2" and i > 0 and words[i - 1].lower() in _ANOTHER:
                number = None
        if number is None or not (1 if first else 2) <= int(number) <= LARGEST:
            continue
        after = words[i + 1 : i + 3]
        next_to = bool(after) and _event(after[0], language)
        one_apart = (
            len(after) == 2
            and _between(after[0])
            and _event(after[1], language)
            and not (cyrillic and dictionary_form in _ALSO_OTHER)
        )
        if next_to or (one_apart and not hyphenated):
            found.append((word, number))
    return found


def ordinal_forms(number: str) -> list[str]:
    """The ways an ordinal is written, in dictionary form: "4": fourth, 4th, четвертый, четвертий; "22": 22nd."""
    n = int(number)
    suffix = "th" if n % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    words = [word for word, digits in (ORDINALS | ORDINAL_LEMMAS).items() if digits == number]
    return [*words[:1], f"{n}{suffix}", *words[1:]]


def _english(match: re.Match[str]) -> str:
    """The number of an English ordinal matched by `_ENGLISH_ORDINAL`."""
    return ORDINALS[match.group(1).lower()] if match.group(1) else str(int(match.group(2)))


def _event(word: str, language: str) -> bool:
    """Whether a word names an event of the talks that comes in series (a round, a meeting, a package)."""
    if is_cyrillic(word[:1]):
        return _lemma(word, language) in EVENTS
    small = word.lower()
    return small in EVENTS or small.removesuffix("s") in EVENTS


def _between(word: str) -> bool:
    """Whether a word may stand between an ordinal and its event (`_BETWEEN`)."""
    if word[:1].isupper() or word.lower() in _BETWEEN:
        return True
    return is_cyrillic(word[:1]) and bool(_PLACE_ADJECTIVE.search(word.lower()))


def _lemma(word: str, language: str) -> str:
    """The dictionary form of a Russian or Ukrainian word of a question in `language`."""
    return lemma(word, language if language in ("ru", "uk") else word_language(word))
