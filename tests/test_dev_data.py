"""The dev set's labels hold against the text the bot quotes: every answer is in its own article and in no other of
its corpus, no perturbed question's swapped-in thing is in any, every row is whole and in a known split; the general
questions off the talks are whole and each asked once.

A label that is wrong makes every dev figure wrong, so the data is checked like code. (An answer that is in the
right article alone but does not answer its question is not caught here: that is the writers' and reviewers' part.)
"""

from __future__ import annotations

import json
import re
from datetime import date
from functools import cache
from typing import Any

import pytest

from bench.devset import (
    ANSWERED_IN_ANOTHER_LANGUAGE_TOO,
    BLIND,
    DEV,
    FITTED_FRESH,
    FRESH,
    OUTLETS,
    SECOND_OUTLETS,
    english_dev_articles,
    english_talk_questions_across,
)
from index.articles import parse_front_matter, read_article
from index.search import containment, shingles
from tests.conftest import DATA, SEEDS

KEYS = {"id", "question", "corpus", "kind", "answer", "missing", "split", "article", "from"}
FILES = {"questions.json": ("fit", "check"), **{f"questions_{name}.json": ("fresh",) for name in FRESH}}


@cache
def corpus(name: str) -> dict[str, str]:
    """Each article of a dev corpus by file name: its text as the index reads and quotes it."""
    paths = sorted(SEEDS.glob("*.txt")) + ([] if name == "seed" else english_dev_articles())
    paths += sorted((DEV / name).glob("*.md")) if name in FRESH else []
    return {path.name: read_article(path, path.parent).text for path in paths}


def _rows(name: str) -> list[dict[str, Any]]:
    return list(json.loads((DEV / name).read_text(encoding="utf-8")))


@pytest.mark.parametrize("name", list(FILES))
def test_each_answer_is_in_its_article_alone(name: str) -> None:
    rows = _rows(name)
    assert len({r["id"] for r in rows}) == len(rows), "ids repeat"
    answerable = {r["id"] for r in rows if r["kind"] == "answerable"}
    seed_questions = json.loads((DATA / "seed_questions.json").read_text(encoding="utf-8"))
    for row in rows:
        assert set(row) >= KEYS - {"article", "from"} and row["split"] in FILES[name], row["id"]
        assert row["kind"] in ("answerable", "unanswerable", "perturbed"), row["id"]
        texts = corpus(row["corpus"])
        if row["kind"] == "answerable":
            assert row["missing"] is None and row["article"] in texts, row["id"]
            holding = [file for file, text in texts.items() if row["answer"] in text]
            assert holding == [row["article"]], (row["id"], row["answer"], holding)
        else:
            assert row["answer"] is None and row["missing"], row["id"]
        if row["kind"] == "perturbed":
            source = row["from"]
            if source.startswith("seed_questions.json#"):
                assert int(source.split("#")[1]) < len(seed_questions), row["id"]
            else:
                assert source in answerable, row["id"]
            swapped = re.compile(rf"(?<!\w){re.escape(row['missing'])}(?!\w)", re.IGNORECASE)
            assert not any(swapped.search(text) for text in texts.values()), (row["id"], row["missing"])


@pytest.mark.parametrize("name", FRESH)
def test_the_fresh_sets_are_whole_and_their_articles_carry_their_licence(name: str) -> None:
    rows = _rows(f"questions_{name}.json")
    assert {r["corpus"] for r in rows} == {name}
    kinds = {kind: sum(r["kind"] == kind for r in rows) for kind in ("answerable", "unanswerable", "perturbed")}
    assert kinds == {"answerable": 40, "unanswerable": 28, "perturbed": 16}
    articles = sorted((DEV / name).glob("*.md"))
    assert len(articles) == 8
    assert {r["article"] for r in rows if r["kind"] == "answerable"} == {path.name for path in articles}
    for path in articles:
        raw = path.read_text(encoding="utf-8")
        meta, body = parse_front_matter(raw)
        front = raw[: len(raw) - len(body)].splitlines()  # the reader keeps only the keys it uses
        assert "license: CC0-1.0" in front and any(line.startswith("source: ") for line in front), path.name
        assert meta["title"], path.name
        assert meta["published"] == path.name[:10] and len(body.split()) >= 200, path.name


@pytest.mark.parametrize("name", OUTLETS)
def test_a_second_outlets_reports_answer_in_their_own_words_and_add_no_swapped_in_fact(name: str) -> None:
    paths = sorted((SECOND_OUTLETS / name).glob("*.md"))
    rewrites = {path.name: read_article(path, path.parent).text for path in paths}
    texts = {**corpus(name), **rewrites}
    questions = {r["id"]: r for r in _rows(f"questions_{name}.json")}
    answers = json.loads((SECOND_OUTLETS / f"answers_{name}.json").read_text(encoding="utf-8"))
    assert sorted(r["id"] for r in answers) == sorted(q for q, r in questions.items() if r["kind"] == "answerable")
    assert not set(rewrites) & set(corpus(name))  # a rewrite named as an article would take its place
    reports: dict[str, str] = {}  # each rewrite's original
    for row in answers:
        original = questions[row["id"]]["article"]
        assert reports.setdefault(row["rewrite"], original) == original, row["id"]
        holding = {file for file, text in texts.items() if row["answer"] and row["answer"] in text}
        assert row["rewrite"] in holding <= {row["rewrite"], original}, (row["id"], row["answer"], holding)
    assert sorted(reports) == sorted(rewrites) and len(set(reports.values())) == len(rewrites) == 8
    for rewrite, original in reports.items():
        # Another outlet's words: under 12% of the rewrite's runs of four words are its original's. The same day's
        # news, or the next day's.
        assert containment(shingles(rewrites[rewrite]), shingles(texts[original])) < 0.12, rewrite
        assert (date.fromisoformat(rewrite[:10]) - date.fromisoformat(original[:10])).days in (0, 1), rewrite
    for row in questions.values():
        if row["kind"] == "perturbed":
            swapped = re.compile(rf"(?<!\w){re.escape(row['missing'])}(?!\w)", re.IGNORECASE)
            assert not any(swapped.search(text) for text in rewrites.values()), (row["id"], row["missing"])
    for path in paths:
        raw = path.read_text(encoding="utf-8")
        meta, body = parse_front_matter(raw)
        front = raw[: len(raw) - len(body)].splitlines()
        assert "license: CC0-1.0" in front and any(line.startswith("source: ") for line in front), path.name
        assert meta["title"] and meta["published"] == path.name[:10] and len(body.split()) >= 250, path.name


def test_the_questions_answered_in_another_language_too_are_answerable_dev_questions() -> None:
    rows = {r["id"]: r for r in _rows("questions.json")}
    for question in ANSWERED_IN_ANOTHER_LANGUAGE_TOO:
        assert rows[question]["corpus"] == "dev" and rows[question]["kind"] == "answerable", question
    assert {q.id for q in english_talk_questions_across()}.isdisjoint(ANSWERED_IN_ANOTHER_LANGUAGE_TOO)


def test_the_general_questions_are_whole_and_asked_once() -> None:
    rows = _rows("questions_general.json")
    assert all(set(r) == {"id", "question", "split"} and r["split"] in ("fit", "check") for r in rows)
    numbers = [int(r["id"].removeprefix("general-")) for r in rows]  # only growing: a question taken out leaves a gap
    assert numbers == sorted(set(numbers))
    assert [r["id"] for r in rows] == [f"general-{n:03d}" for n in numbers]
    asked = [" ".join(re.findall(r"\w+", r["question"].lower())) for r in rows]
    assert len(set(asked)) == len(asked), "a question repeats"
    talk = {" ".join(re.findall(r"\w+", r["question"].lower())) for name in FILES for r in _rows(name)}
    assert talk.isdisjoint(asked), "a talk question among the general ones"


def test_each_fresh_set_is_fitted_on_or_blind_never_both() -> None:
    assert set(FITTED_FRESH) | set(BLIND) == set(FRESH) and not set(FITTED_FRESH) & set(BLIND)


def test_question_ids_are_unique_across_the_files() -> None:  # the fit keys rows by question id
    ids = [r["id"] for name in FILES for r in _rows(name)]
    assert len(ids) == len(set(ids))
