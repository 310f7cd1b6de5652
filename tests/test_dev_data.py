"""The dev set's labels hold: every answer is in its own article and in no other of its corpus, every row is whole.

A label that is wrong makes every dev figure wrong, so the data is checked like code.
"""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from bench.devset import DEV, FRESH, english_dev_articles
from index.articles import parse_front_matter
from tests.conftest import DATA, SEEDS

KEYS = {"id", "question", "corpus", "kind", "answer", "missing", "split", "article", "from"}


def _bodies(paths: list[Path]) -> dict[str, str]:
    return {path.name: parse_front_matter(path.read_text(encoding="utf-8"))[1] for path in paths}


def _seed() -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))}


def _fresh(name: str) -> dict[str, str]:
    return _seed() | _bodies(english_dev_articles()) | _bodies(sorted((DEV / name).glob("*.md")))


CORPUS = {"seed": _seed, "dev": lambda: _seed() | _bodies(english_dev_articles())} | {
    name: partial(_fresh, name) for name in FRESH
}


def _rows(name: str) -> list[dict[str, Any]]:
    return list(json.loads((DEV / name).read_text(encoding="utf-8")))


@pytest.mark.parametrize("name", ["questions.json", *(f"questions_{name}.json" for name in FRESH)])
def test_each_answer_is_in_its_article_alone(name: str) -> None:
    rows = _rows(name)
    assert len({r["id"] for r in rows}) == len(rows), "ids repeat"
    answerable = {r["id"] for r in rows if r["kind"] == "answerable"}
    seed_questions = json.loads((DATA / "seed_questions.json").read_text(encoding="utf-8"))
    for row in rows:
        assert set(row) >= KEYS - {"article", "from"}, row["id"]
        assert row["kind"] in ("answerable", "unanswerable", "perturbed"), row["id"]
        corpus = CORPUS[row["corpus"]]()
        if row["kind"] == "answerable":
            assert row["missing"] is None and row["article"] in corpus, row["id"]
            holding = [file for file, text in corpus.items() if row["answer"] in text]
            assert holding == [row["article"]], (row["id"], row["answer"], holding)
        else:
            assert row["answer"] is None and row["missing"], row["id"]
        if row["kind"] == "perturbed":
            source = row["from"]
            if source.startswith("seed_questions.json#"):
                assert int(source.split("#")[1]) < len(seed_questions), row["id"]
            else:
                assert source in answerable, row["id"]


@pytest.mark.parametrize("name", FRESH)
def test_the_fresh_sets_are_never_fitted_on_and_their_articles_carry_their_licence(name: str) -> None:
    rows = _rows(f"questions_{name}.json")
    assert {r["split"] for r in rows} == {"fresh"} and {r["corpus"] for r in rows} == {name}
    kinds = {kind: sum(r["kind"] == kind for r in rows) for kind in ("answerable", "unanswerable", "perturbed")}
    assert min(kinds.values()) >= 8, kinds
    articles = sorted((DEV / name).glob("*.md"))
    assert len(articles) >= 4
    for path in articles:
        raw = path.read_text(encoding="utf-8")
        meta, body = parse_front_matter(raw)
        front = raw[: len(raw) - len(body)].splitlines()  # the reader keeps only the keys it uses
        assert "license: CC0-1.0" in front and any(line.startswith("source: ") for line in front), path.name
        assert meta["title"], path.name
        assert meta["published"] == path.name[:10] and len(body.split()) >= 200, path.name
