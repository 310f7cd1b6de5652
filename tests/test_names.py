"""Names under another form: a noun and its adjective, an acronym and its words."""

from __future__ import annotations

import pytest

from index.lexical import tokenize
from index.names import (
    acronym_for,
    acronym_of,
    capitalized_words,
    everyday_base,
    everyday_words,
    holds,
    initials,
    is_adverb,
    is_everyday,
    known_acronym,
    spelled_out,
    writes_acronym,
    written_apart,
)

QUOTE = frozenset(tokenize("The Ukrainian delegation met Indian and Iranian envoys in Germany and Europe."))


@pytest.mark.parametrize("name", ["Ukraine", "Ukrainian", "India", "Iran", "German", "Germany", "European"])
def test_a_name_is_held_in_another_form(name: str) -> None:
    [token] = tokenize(name)
    assert holds(QUOTE, token)
    assert holds(QUOTE, token, tuple(sorted(QUOTE)))  # the same through the sorted form an article keeps


@pytest.mark.parametrize("name", ["Iraq", "Russia", "Austria", "US", "Indiana", "Europa"])
def test_other_names_are_not(name: str) -> None:
    [token] = tokenize(name)
    assert not holds(QUOTE, token)
    assert not holds(frozenset(tokenize("Steven")), tokenize("Steve")[0])  # "n" makes a form only after an "a"


def test_a_vocabulary_is_only_searched_for_shorter_forms() -> None:
    vocabulary = frozenset(tokenize("Ukraine"))
    assert holds(vocabulary, tokenize("Ukrainian")[0], longer=False)
    assert not holds(frozenset(tokenize("Ukrainian")), tokenize("Ukraine")[0], longer=False)


@pytest.mark.parametrize(
    ("acronym", "text", "spelled"),
    [
        ("POWs", "the exchange of prisoners of war went ahead", True),
        ("OSCE", "monitors of the Organization for Security and Co-operation in Europe", True),
        ("US", "talks with the United States", True),
        ("US", "talks under sanctions", False),  # two small letters mean nothing
        ("UN", "a Unified Network", True),
        ("NATO", "the North Atlantic alliance", False),
        ("POWs", "the points on which they agreed", False),  # "which" breaks a run
        ("FSB", "the force should be ready", False),
        ("US", "the United States and Russia", True),
        ("US", "the UN Security Council", False),  # an acronym in a run is a gap
        ("EU", "said Erdogan. United, they", False),  # no run crosses a sentence's end
    ],
)
def test_acronyms_spelled_out(acronym: str, text: str, spelled: bool) -> None:
    assert acronym_of(acronym) == acronym
    assert spelled_out(acronym, initials(text)) is spelled


def test_what_is_an_acronym() -> None:
    words = ("NATO", "POWs", "UN", "I", "Kyiv", "NATOS'", "pows", "osce", "a", "paris")
    assert [acronym_of(w) for w in words] == [
        "NATO",
        "POWs",
        "UN",
        None,
        None,
        None,
        "POWs",  # typed in small letters
        "OSCE",
        None,
        None,  # an everyday word, typed in small letters, is no acronym
    ]


def test_everyday_words_are_the_english_models_whole_words() -> None:
    words = everyday_words()
    assert {"time", "under", "holding", "cairo", "geneva"} <= words
    assert not {"bodrum", "prigozhin", "zuppi", "pows", "##s"} & words


def test_forms_and_prefixes_of_everyday_words_are_everyday() -> None:
    assert everyday_base("kids") == "kid" and everyday_base("besides") == "beside" and everyday_base("bodrum") is None
    assert is_everyday("unproven") and is_everyday("counteroffers") and is_everyday("resigned")
    assert not is_everyday("unbodrum") and not is_everyday("prigozhin") and not is_everyday("undem")  # "dem": too short


def test_words_only_capitalized_are_names_but_not_sentence_openers_or_adverbs() -> None:
    words = capitalized_words()
    assert {"vienna", "wales", "kelly", "italy"} <= words
    assert not {"during", "besides", "meanwhile", "nobody", "typically", "unfortunately"} & words
    assert is_adverb("typically") and is_adverb("happily") and is_adverb("basically")
    assert not is_adverb("italy") and not is_adverb("emily") and not is_adverb("beverly")


def test_well_known_acronyms_typed_in_small_letters_stay_acronyms() -> None:
    assert [acronym_of(w) for w in ("eu", "nato", "un", "us", "who")] == ["EU", "NATO", "UN", None, None]
    assert spelled_out("EU", initials("The European Union agreed."))  # "The" opens the run, it is not in it


def test_a_name_of_several_words_and_the_acronym_it_goes_by() -> None:
    names = ("United States", "The European Union", "Donetsk People Republic")  # as `_names` gives them
    assert [acronym_for(n) for n in names] == ["US", "EU", "DPR"]
    # Only the known ones: the initials of a person, or of a name holding an acronym, stand for nothing.
    others = ("Robert Fico", "Vladimir Putin", "U.S. Army", "UN Security Council", "U.S.", "Erdogan")
    assert [acronym_for(n) for n in others] == [None] * len(others)
    assert known_acronym("U.S.") and known_acronym("E.U.") and not known_acronym("J.D.")
    assert acronym_of("U.S.") == "US" and acronym_of("E.U.") == "EU"
    # Written in capitals, with or without its dots; never a pronoun, a longer acronym or part of a word.
    for text in ("the U.S. said", "U.S.-led talks", "US-brokered", "in the US.", "the USA", "the U.S.A."):
        assert writes_acronym("US", text), text
    for text in ("told us", "BUS", "USSR", "U.S.S.R.", "Usa"):
        assert not writes_acronym("US", text), text


def test_a_code_written_another_way() -> None:
    assert written_apart("s400", "deployed s-400 systems") and written_apart("S-400", "the s400 and the s 400")
    assert written_apart("MH17", "flight mh 17") and not written_apart("g7", "e.g. 7 convoys")
    assert not written_apart("s400", "russia's 400 troops") and not written_apart("q2", "q 2")


def test_a_group_code_written_as_its_group() -> None:
    def written(code: str, text: str) -> bool:
        return written_apart(code, text.lower(), text)

    # "G7" asked, the article's "Group of Seven": not a name no article mentions.
    assert written("G7", "as leaders of the Group of Seven met in Italy") and written("g7", "the Group of 7 said")
    assert written("G20", "leaders of the Group of 20 major economies") and written("G20", "the Group of\nTwenty")
    assert not written("G8", "the Group of Seven") and not written("S7", "the Group of Seven")
    # A group of people is no G code: not in small letters, nor with more digits.
    assert not written("G7", "a group of seven soldiers crossed") and not written("G20", "a group of 20 prisoners")
    assert not written("G7", "a Group of 7,000 troops") and not written("G7", "Group of 7.5 million")


def test_a_one_word_name_written_as_two() -> None:
    assert written_apart("Superbowl", "the super bowl 50 was played") and written_apart("Kyivpost", "the kyiv-post")
    assert not written_apart("Superbowl", "a super team with a bowl") and not written_apart("Kyiv", "ky iv")
    assert not written_apart("Newton", "in a new tone") and not written_apart("Forbes", "for best results")
