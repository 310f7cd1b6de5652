"""Languages: which of the talks' languages a text is in, lemmas, names across scripts, questions across languages."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from pymorphy3 import MorphAnalyzer

Language = Literal["en", "ru", "uk"]
LANGUAGES: tuple[Language, ...] = ("en", "ru", "uk")
_CYRILLIC = re.compile(r"[а-яёіїєґ]", re.IGNORECASE)
_LATIN = re.compile(r"[a-z]", re.IGNORECASE)
_UKRAINIAN_ONLY = re.compile(r"[іїєґ]", re.IGNORECASE)
_RUSSIAN_ONLY = re.compile(r"[ыэъё]", re.IGNORECASE)
DETECTED_CHARS = 2000  # a language shows in its first paragraphs; longer texts are cut for speed
FEW_WORDS = 3  # a text this short is told by which dictionary knows more of its words; the identifier guesses
_CYRILLIC_WORD = re.compile(r"[а-яёіїєґ'’ʼ-]+", re.IGNORECASE)


@lru_cache(maxsize=1)
def _identifier() -> object:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(["ru", "uk"])
    return identifier


def detect_language(text: str) -> Language:
    """'en', 'ru' or 'uk': Cyrillic text is Russian or Ukrainian, anything else takes the English path."""
    return detected_language(text)[0]


def detected_language(text: str) -> tuple[Language, bool]:
    """The language of a text, and whether it is told surely: False for a short Cyrillic text both dictionaries
    know alike ("ок", "Путин"), which only the identifier guesses at (a reply may rather follow the user's Telegram)."""
    sample = text[:DETECTED_CHARS]
    cyrillic = len(_CYRILLIC.findall(sample))
    if cyrillic == 0 or cyrillic < len(_LATIN.findall(sample)):
        return "en", True
    ukrainian, russian = len(_UKRAINIAN_ONLY.findall(sample)), len(_RUSSIAN_ONLY.findall(sample))
    if ukrainian and not russian:
        return "uk", True
    if russian and not ukrainian:
        return "ru", True
    words = [w for w in (normalize(w).strip("'-") for w in _CYRILLIC_WORD.findall(sample)) if w]
    short = len(words) <= FEW_WORDS
    if short:  # "Привет", "Хорошо": Russian words the identifier takes for Ukrainian
        votes = [_known_only_to(w, names=False) for w in words]
        ru, uk = votes.count("ru"), votes.count("uk")
        if ru != uk:
            return ("ru" if ru > uk else "uk"), True
    language, _ = _identifier().classify(sample)  # type: ignore[attr-defined]
    return ("uk" if language == "uk" else "ru"), not short


def plural(count: int, word: str, words: str | None = None) -> str:
    """'1 article', '18 passages', '1,204 articles'."""
    return f"{count:,} {word if count == 1 else (words or word + 's')}"


# --- lemmas -----------------------------------------------------------------------------------------

_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'", "ё": "е", "Ё": "Е"})
_NAME_GRAMMEMES = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn"})
_ANALYZER_LOCK = threading.Lock()
_ANALYZERS: dict[str, MorphAnalyzer] = {}


def _analyzer(language: Language) -> MorphAnalyzer:
    """pymorphy3's analyzer for 'ru' or 'uk', loaded once per process."""
    analyzer = _ANALYZERS.get(language)
    if analyzer is None:
        with _ANALYZER_LOCK:
            analyzer = _ANALYZERS.get(language)
            if analyzer is None:
                from pymorphy3 import MorphAnalyzer

                analyzer = _ANALYZERS[language] = MorphAnalyzer(lang=language)
    return analyzer


def normalize(word: str) -> str:
    """Lower-cased, ё as е, every Ukrainian apostrophe as ASCII '."""
    return word.translate(_APOSTROPHES).lower().replace("ё", "е")


@lru_cache(maxsize=1)
def known_lemmas() -> frozenset[str]:
    """Dictionary forms of the glossary's words and names: the parse to prefer when a word has several."""
    from index.glossary import GLOSSARY, NAMES

    spellings = [s for forms in (*GLOSSARY.values(), *NAMES.values()) for f in forms for s in f.split(",")]
    return frozenset(normalize(w) for s in spellings for w in s.split())


@lru_cache(maxsize=1)
def same_names() -> dict[str, str]:
    """The one-word English spellings of a name that another spelling in `NAMES` shares (Kiev and Kyiv, Odessa
    and Odesa, Zelenskyy and Zelensky), in small letters, each to the first the glossary gives: `tokenize` reads
    them as one word, for older news writes "Kiev" where readers now type "Kyiv"."""
    from index.glossary import NAMES

    first: dict[tuple[str, str], str] = {}
    same = {}
    for spelling, forms in NAMES.items():
        if " " in spelling:
            continue
        written = first.setdefault(forms, spelling.lower())
        if written != spelling.lower():
            same[spelling.lower()] = written
    return same


_SURNAME_ENDINGS = ("ов", "ев", "ин", "ын", "ий", "ко", "ук", "юк", "як", "чук")


def _nominative(word: str, language: Language) -> str:
    """A capitalized Cyrillic word's nominative, read as a name where the dictionary allows (Жданова → Жданов)."""
    parses = _analyzer("uk" if language == "uk" else "ru").parse(normalize(word))
    names = [p for p in parses if _NAME_GRAMMEMES & p.tag.grammemes and "plur" not in p.tag.grammemes]
    name = next((p.normal_form for p in names if "Surn" in p.tag.grammemes), names[0].normal_form if names else None)
    if name is None:
        name = normalize(word) if word.lower().endswith(_SURNAME_ENDINGS) else lemma(word, language)
    return name.capitalize()


def is_cyrillic(text: str) -> bool:
    """Whether the text has any Cyrillic letter."""
    return bool(_CYRILLIC.search(text))


def script_language(text: str) -> Language | None:
    """'uk' or 'ru' when the text has letters of only one of them (і ї є ґ or ы э ъ ё), else None."""
    ukrainian, russian = _UKRAINIAN_ONLY.search(text), _RUSSIAN_ONLY.search(text)
    if bool(ukrainian) == bool(russian):
        return None
    return "uk" if ukrainian else "ru"


def word_language(word: str) -> Language:
    """'uk' or 'ru' for one Cyrillic word: by its letters, then by which dictionary knows it."""
    if _UKRAINIAN_ONLY.search(word):
        return "uk"
    if _RUSSIAN_ONLY.search(word):
        return "ru"
    return "uk" if _known_only_to(normalize(word)) == "uk" else "ru"


def _known_only_to(word: str, names: bool = True) -> Language | None:
    """The language whose dictionary alone knows a normalized word; with `names` false, not Ukrainian for a name
    only its dictionary has (it lists surnames the Russian one lacks: "Умеров" is no Ukrainian word)."""
    russian, ukrainian = _analyzer("ru").word_is_known(word), _analyzer("uk").word_is_known(word)
    if russian == ukrainian:
        return None
    if russian:
        return "ru"
    if not names and all(_NAME_GRAMMEMES & p.tag.grammemes for p in _analyzer("uk").parse(word)):
        return None
    return "uk"


@lru_cache(maxsize=262144)
def lemma(word: str, language: Language) -> str:
    """The dictionary form of a Russian or Ukrainian word ('переговорах' → 'переговоры'), normalized."""
    word = normalize(word)
    if _UKRAINIAN_ONLY.search(word):  # a Russian word never has і ї є ґ, a Ukrainian one never ы э ъ
        language = "uk"
    elif _RUSSIAN_ONLY.search(word):
        language = "ru"
    parses = _analyzer("uk" if language == "uk" else "ru").parse(word)
    if not parses:
        return word
    known = known_lemmas()
    best = next((p for p in parses if normalize(p.normal_form) in known), parses[0])
    return normalize(best.normal_form)


def is_proper_noun(word: str, language: Language) -> bool:
    """Whether the dictionary reads a Cyrillic word as a name, surname, place or organization (or does not know it)."""
    analyzer = _analyzer("uk" if language == "uk" else "ru")
    word = normalize(word)
    if not analyzer.word_is_known(word):
        return True
    return any(_NAME_GRAMMEMES & p.tag.grammemes for p in analyzer.parse(word)[:2])


# --- names across scripts -----------------------------------------------------------------------------

MAX_SPELLINGS = 6
_VOWELS = "аеёиоуыэюяіїєaeiouy"
# Each letter's spellings in English news, the usual one first (BGN/PCGN-like for Russian, the 2010 national
# system for Ukrainian, both as newsrooms bend them: "Kiev", "Shoigu", "Umerov").
# fmt: off
_RU_LETTERS = {
    "а": ("a",), "б": ("b",), "в": ("v",), "г": ("g",), "д": ("d",), "е": ("e",), "ё": ("e", "yo"), "ж": ("zh",),
    "з": ("z",), "и": ("i",), "й": ("i", "y"), "к": ("k",), "л": ("l",), "м": ("m",), "н": ("n",), "о": ("o",),
    "п": ("p",), "р": ("r",), "с": ("s",), "т": ("t",), "у": ("u",), "ф": ("f",), "х": ("kh",), "ц": ("ts",),
    "ч": ("ch",), "ш": ("sh",), "щ": ("shch",), "ъ": ("",), "ы": ("y",), "ь": ("",), "э": ("e",), "ю": ("yu", "iu"),
    "я": ("ya", "ia"), "'": ("",),
}
_UK_LETTERS = {
    **_RU_LETTERS, "г": ("h", "g"), "ґ": ("g",), "е": ("e",), "є": ("e", "ie", "ye"), "и": ("y",), "і": ("i",),
    "ї": ("i", "yi"), "й": ("i", "y"),
}
_RU_ENDINGS = {"ий": ("y", "iy", "ii"), "ый": ("y", "yy", "iy"), "ой": ("oy", "oi")}
_UK_ENDINGS = {"ий": ("y", "yy", "yi"), "ій": ("iy", "ii", "i")}
_LATIN_CLUSTERS = (
    ("shch", "щ", "щ"), ("skiy", "ский", "ський"), ("skyy", "ский", "ський"), ("skyi", "ський", "ський"),
    ("skii", "ский", "ський"), ("sky", "ский", "ський"), ("zh", "ж", "ж"), ("kh", "х", "х"), ("ts", "ц", "ц"),
    ("ch", "ч", "ч"), ("sh", "ш", "ш"), ("yu", "ю", "ю"), ("ya", "я", "я"), ("ye", "е", "є"), ("yo", "ё", "йо"),
    ("yi", "ий", "ї"), ("iy", "ий", "ій"), ("ck", "к", "к"), ("ph", "ф", "ф"), ("th", "т", "т"), ("ee", "и", "і"),
    ("oo", "у", "у"), ("x", "кс", "кс"), ("j", "дж", "дж"), ("a", "а", "а"), ("b", "б", "б"), ("c", "к", "к"),
    ("d", "д", "д"), ("e", "е", "е"), ("f", "ф", "ф"), ("g", "г", "г"), ("h", "х", "г"), ("i", "и", "і"),
    ("k", "к", "к"), ("l", "л", "л"), ("m", "м", "м"), ("n", "н", "н"), ("o", "о", "о"), ("p", "п", "п"),
    ("q", "к", "к"), ("r", "р", "р"), ("s", "с", "с"), ("t", "т", "т"), ("u", "у", "у"), ("v", "в", "в"),
    ("w", "в", "в"), ("y", "и", "и"), ("z", "з", "з"),
)
# fmt: on


def _letter_choices(word: str, language: Language) -> list[tuple[str, ...]]:
    """Each Cyrillic letter's Latin spellings in context, the usual one first."""
    letters, endings = (_UK_LETTERS, _UK_ENDINGS) if language == "uk" else (_RU_LETTERS, _RU_ENDINGS)
    ending = next((e for e in endings if word.endswith(e) and len(word) > len(e) + 1), "")
    stem = word[: len(word) - len(ending)]
    choices: list[tuple[str, ...]] = []
    for i, ch in enumerate(stem):
        after_vowel = i == 0 or stem[i - 1] in _VOWELS + "ъь'"
        if ch in "еёєюяї" and after_vowel:  # iotated at the start and after a vowel: Yermak, Dmitriev, Kyiv
            base = {"е": ("ye", "e"), "ё": ("yo",), "є": ("ye",), "ю": ("yu",), "я": ("ya",), "ї": ("yi", "i")}[ch]
            choices.append(("e", "ye") if ch == "е" and i > 0 else base)
        elif ch == "й" and (i + 1 == len(stem) or stem[i + 1] in _VOWELS):
            choices.append(("y", "i"))
        else:
            choices.append(letters.get(ch, (ch,)))
    if ending:
        choices.append(endings[ending])
    return choices


def _spellings(choices: list[tuple[str, ...]]) -> list[str]:
    """The usual spelling, then each with one letter spelled the other way (the ending first), then all."""
    usual = [c[0] for c in choices]
    variants = ["".join(usual)]
    for i in reversed(range(len(choices))):
        for option in choices[i][1:]:
            variants.append("".join(usual[:i] + [option] + usual[i + 1 :]))
    variants.append("".join(c[-1] for c in choices))
    return list(dict.fromkeys(variants))


def _latin(word: str, language: Language | None) -> list[str]:
    """Latin spellings of a Cyrillic word, by the Russian or the Ukrainian scheme (both when unsure)."""
    lowered = normalize(word) if "ё" not in word.lower() else word.lower().translate(_APOSTROPHES)
    if language is None and not _UKRAINIAN_ONLY.search(word) and not _RUSSIAN_ONLY.search(word):
        ru, uk = _spellings(_letter_choices(lowered, "ru")), _spellings(_letter_choices(lowered, "uk"))
        return list(dict.fromkeys([*ru[:4], *uk]))
    scheme: Language = language or ("uk" if _UKRAINIAN_ONLY.search(word) else "ru")
    return _spellings(_letter_choices(lowered, scheme))


def _cyrillic(word: str) -> list[str]:
    """Russian and Ukrainian spellings of a Latin word, letter cluster by letter cluster."""
    lowered, ru, uk = word.lower(), "", ""
    i = 0
    while i < len(lowered):
        same = (lowered[i],) * 3
        latin, r, u = next((c for c in _LATIN_CLUSTERS if lowered.startswith(c[0], i)), same)
        if latin == "y" and (i == 0 or lowered[i - 1] in _VOWELS):
            r = u = "й"
        if latin == "e" and i == 0:
            r = "э"
        ru, uk = ru + r, uk + u
        i += len(latin)
    return list(dict.fromkeys([ru, uk]))


@lru_cache(maxsize=1)
def _name_spellings() -> dict[str, tuple[str, ...]]:
    """Every spelling in NAMES (lower-cased) → its spellings in the other script."""
    from index.glossary import NAMES

    table: dict[str, list[str]] = {}
    for english, forms in NAMES.items():
        cyrillic = [f.strip() for f in ",".join(forms).split(",")]
        table.setdefault(english.lower(), []).extend(cyrillic)
        for spelling in cyrillic:
            table.setdefault(normalize(spelling), []).append(english)
    return {k: tuple(dict.fromkeys(v)) for k, v in table.items()}


def transliterations(word: str, language: Language | None = None) -> list[str]:
    """A word's spellings in the other script (Мединский → Medinsky, Medinskiy…; Umerov → Умеров, Умєров), ≤ 6."""
    known = _name_spellings().get(normalize(word), ())
    made = _latin(word, language) if _CYRILLIC.search(word) else _cyrillic(word)
    if word[:1].isupper():
        made = [m[:1].upper() + m[1:] for m in made]
    return list(islice(dict.fromkeys([*known, *made]), MAX_SPELLINGS))


# Letters and clusters that sound alike in the ways a name is spelled across scripts, as one letter each; a run of
# vowels, which transliteration renders least faithfully, is one mark ("a"): "Бронкос" (Bronkos) and Broncos are
# "brankas", "Мерц" (Merts) and Merz are "mars" (Morris is "maras"), "Вэнс" (Vens) and Vance "vans" (Venice "vanas").
_SOUND_CLUSTERS = (
    ("sch", "sh"), ("tch", "ch"), ("dzh", "j"), ("zh", "j"), ("gh", "g"), ("ph", "f"), ("th", "t"), ("kh", "h"),
    ("ts", "s"), ("tz", "s"), ("ck", "k"),
    ("ce", "s"), ("ci", "s"), ("cy", "s"), ("c", "k"), ("q", "k"), ("x", "ks"), ("z", "s"), ("w", "v"),
)  # fmt: skip
SOUND_KEY_LETTERS = 3  # the fewest consonants a key must have to tell a name (two are too often another's)


def sound_key(word: str) -> str:
    """A word in Latin letters as it sounds: alike consonants as one (`_SOUND_CLUSTERS`), each run once, and each
    run of vowels as "a" ("Broncos": "brankas"); "" for a word with fewer than SOUND_KEY_LETTERS consonants."""
    sounds = word.lower()
    for cluster, sound in _SOUND_CLUSTERS:
        sounds = sounds.replace(cluster, sound)
    letters = ["a" if c in "aeiouy" else c for c in sounds if "a" <= c <= "z"]
    key = "".join(c for i, c in enumerate(letters) if i == 0 or c != letters[i - 1])
    return key if sum(c != "a" for c in key) >= SOUND_KEY_LETTERS else ""


# --- questions across languages -----------------------------------------------------------------------

_WORD = re.compile(r"[^\W\d_]+(?:['’ʼ`][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"(?:^|[.!?…:;«\"“„(\[])\s*$")
_LONGEST_PHRASE = 6


@dataclass(frozen=True)
class _Concept:
    """One term of the glossary or one name: its token sequences in each language."""

    forms: dict[Language, tuple[tuple[str, ...], ...]]


@lru_cache(maxsize=1)
def _phrase_table() -> dict[tuple[str, ...], tuple[_Concept, ...]]:
    """Each glossary term's and name's token sequence (in any language) → the concepts it stands for."""
    from index.glossary import GLOSSARY, NAMES
    from index.lexical import tokenize

    table: dict[tuple[str, ...], list[_Concept]] = {}
    for english, (russian, ukrainian) in [*GLOSSARY.items(), *NAMES.items()]:
        spelled: dict[Language, list[str]] = {"en": [english], "ru": russian.split(","), "uk": ukrainian.split(",")}
        forms = {
            language: tuple(dict.fromkeys(t for t in (tuple(tokenize(s, language)) for s in spellings) if t))
            for language, spellings in spelled.items()
        }
        concept = _Concept(forms)
        for sequences in forms.values():
            for sequence in sequences:
                table.setdefault(sequence, []).append(concept)
    return {k: tuple(v) for k, v in table.items()}


def _starts_sentence(question: str, start: int) -> bool:
    """Whether the word at `start` opens a sentence (so its capital says nothing)."""
    return bool(_SENTENCE_END.search(question[:start]))


def _names_to_spell(question: str, language: Language, matched: set[str]) -> list[tuple[str, ...]]:
    """The other-script token groups of the question's capitalized words that no glossary entry covered."""
    from index.lexical import tokenize

    groups = []
    for m in _WORD.finditer(question):
        word = m.group()
        if not word[:1].isupper() or word.isupper() or len(word) < 3:
            continue
        tokens = tokenize(word, language)
        if not tokens or tokens[0] in matched:
            continue
        cyrillic = bool(_CYRILLIC.search(word))
        if _starts_sentence(question, m.start()) and not (cyrillic and is_proper_noun(word, word_language(word))):
            continue
        base = _nominative(word, word_language(word)) if cyrillic else word
        spellings = transliterations(base, None if language == "en" else language)
        groups.append(tuple(dict.fromkeys(t for s in spellings for t in tokenize(s))))
    return groups


def cross_groups(question: str, language: Language) -> list[tuple[str, ...]]:
    """For each glossary term, name or capitalized word of the question, its tokens in the other languages.

    Glossary entries are matched on the question's tokens (lemmas for Russian and Ukrainian, stems for
    English), the longest first; tokens the question already has are left out, and so are empty groups.
    """
    from index.lexical import tokenize

    tokens = tokenize(question, language)
    table, have = _phrase_table(), set(tokens)
    groups: list[tuple[str, ...]] = []
    matched: set[str] = set()
    i = 0
    while i < len(tokens):
        for length in range(min(_LONGEST_PHRASE, len(tokens) - i), 0, -1):
            concepts = table.get(tuple(tokens[i : i + length]))
            if concepts:
                matched.update(tokens[i : i + length])
                groups.append(
                    tuple(
                        dict.fromkeys(
                            t
                            for c in concepts
                            for other, sequences in c.forms.items()
                            if other != language
                            for sequence in sequences
                            for t in sequence
                        )
                    )
                )
                i += length
                break
        else:
            i += 1
    groups += _names_to_spell(question, language, matched)
    kept = [tuple(t for t in g if t not in have) for g in groups]
    return [g for g in kept if g]


def cross_terms(question: str, language: Language) -> list[str]:
    """Extra BM25 tokens for the question's terms and names in the other languages (`tokenize`'s form)."""
    return list(dict.fromkeys(t for group in cross_groups(question, language) for t in group))
