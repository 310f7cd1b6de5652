"""`python -m bot ask`: the JSON contract, verbatim quotes, honest 'not found', one answer per line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.answers import Answer
from bot.engine import Engine
from bot.render import MAX_MESSAGE, answer_html
from bot.settings import Settings
from bot.texts import EN, RU, language_for
from index.articles import read_article
from index.build import build_index
from tests.conftest import DATA, SEEDS, run_bot
from tests.fakes import FakeEmbedder

CONTRACT = {"question", "found", "confidence", "missing", "text", "passages", "small_talk"}
PASSAGE_FIELDS = {"quote", "title", "source", "url", "published", "score", "article_id", "start", "end"}
SEED_TEXT = read_article(SEEDS / "000_03e83c080a8e0dcc.txt", SEEDS).text


def as_json(engine: Engine, question: str) -> dict[str, Any]:
    """What `ask --json` prints: the reply in the question's language."""
    answer = engine.answer(question)
    return json.loads(json.dumps(answer.to_json(answer_html(answer, language=language_for(question, None)))))


def test_json_contract_and_verbatim_quotes(fake_engine: Engine) -> None:
    data = as_json(fake_engine, "Who leads the Russian delegation?")
    assert set(data) == CONTRACT and data["found"] is True and data["small_talk"] is None
    assert 1 <= len(data["passages"]) <= 3
    for p in data["passages"]:
        assert set(p) >= PASSAGE_FIELDS
        assert p["quote"] == SEED_TEXT[p["start"] : p["end"]]
        assert p["title"].startswith("First Direct Russia-Ukraine Peace Talks")
        assert "<blockquote>" in data["text"]


def test_quotes_in_one_answer_never_overlap(fake_engine: Engine) -> None:
    answer = fake_engine.answer("Putin Zelensky talks Istanbul delegation ceasefire")
    spans = sorted((q.start, q.end) for q in answer.quotes)
    assert len(spans) >= 4
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False))


def test_empty_and_huge_questions_get_an_answer(fake_engine: Engine) -> None:
    empty = fake_engine.answer("   ")
    assert not empty.found and "Please ask a question" in answer_html(empty)
    huge = fake_engine.answer("ceasefire " * 400)
    assert len(answer_html(huge)) <= MAX_MESSAGE


def test_thanks_and_greetings_are_not_searched_and_get_a_reply_of_their_own(fake_engine: Engine) -> None:
    # Searched, "Thanks a lot!" would get the seed's closest passages as related ones.
    thanks = fake_engine.answer("Thanks a lot!")
    assert (thanks.small_talk, thanks.found, thanks.quotes, thanks.reasons) == ("thanks", False, (), ())
    assert answer_html(thanks) == EN.small_talk["thanks"]
    data = as_json(fake_engine, "Добрый день!")
    assert data["small_talk"] == "greeting" and data["passages"] == [] and not data["found"]
    assert data["text"].startswith("Здравствуйте!") and RU.examples[0] in data["text"]  # examples to start with


def test_question_html_is_escaped(fake_engine: Engine) -> None:
    text = answer_html(fake_engine.answer("<b>ceasefire</b> & <script>alert(1)</script>"))
    assert "<script>" not in text and "&lt;script&gt;" in text and "&amp;" in text


@pytest.mark.model
def test_recall_at_3_on_seed_questions(real_engine: Engine, seed_questions: list[dict[str, Any]]) -> None:
    assert len(seed_questions) >= 15
    hits = 0
    for item in seed_questions:
        answer: Answer = real_engine.answer(item["question"])
        hits += any(item["answer"] in q.quote for q in answer.page(0))
    assert hits / len(seed_questions) >= 0.9


@pytest.mark.model
def test_off_topic_questions_are_not_found(real_engine: Engine) -> None:
    for question in (
        "What is the capital of France?",
        "How do I bake sourdough bread?",
        "Who won the Super Bowl in 2016?",
        "What is the boiling point of water?",
    ):
        assert not real_engine.answer(question).found, question


@pytest.mark.model
def test_xquad_questions_are_refused_by_the_talks_index(real_engine: Engine) -> None:
    data = json.loads((DATA / "xquad_slice.en.json").read_text(encoding="utf-8"))["data"]
    questions = [qa["question"] for a in data for p in a["paragraphs"] for qa in p["qas"]]
    refused = sum(not real_engine.answer(q, limit=1).found for q in questions)
    assert refused / len(questions) >= 0.98


@pytest.mark.model
def test_ask_cli_reads_stdin_and_writes_one_json_line_per_question(real_index_dir: Path) -> None:
    questions = ["Who leads the Russian delegation?", "", "What is the boiling point of water?", "thanks!"]
    env = {"INDEX_DIR": str(real_index_dir), "SEEDS_DIR": str(SEEDS)}
    done = run_bot("ask", "--json", env=env, stdin="\n".join(questions) + "\n")
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["question"] for r in rows] == [
        "Who leads the Russian delegation?",
        "",
        "What is the boiling point of water?",
        "thanks!",
    ]
    assert [r["found"] for r in rows] == [True, False, False, False]
    assert [r["small_talk"] for r in rows] == [None, None, None, "thanks"] and rows[3]["passages"] == []
    assert "Medinsky" in " ".join(p["quote"] for p in rows[0]["passages"])
    assert "Traceback" not in done.stderr


def test_ask_cli_reports_a_bad_setting_in_one_line(tmp_path: Path) -> None:
    done = run_bot("ask", "x", env={"ADMIN_IDS": "not-a-number", "INDEX_DIR": str(tmp_path)})
    assert done.returncode == 2
    assert done.stderr.strip().startswith("error: ADMIN_IDS") and "Traceback" not in done.stderr


def test_the_same_wire_story_on_two_sites_gives_one_quote(settings: Settings, fake_embedder: FakeEmbedder) -> None:
    story = read_article(SEEDS / "000_03e83c080a8e0dcc.txt", SEEDS).text
    for site in ("wire-a", "wire-b"):
        (settings.seeds_dir / f"{site}.txt").write_text(
            f"---\ntitle: Talks set for Istanbul\nsource: {site}\n---\n{story}\n", encoding="utf-8"
        )
    build_index(settings, fake_embedder)
    engine = Engine(settings, fake_embedder)
    answer = engine.answer("Who leads the Russian delegation in Istanbul?")
    assert len(engine.articles) == 3 and answer.found
    normalized = [" ".join(q.quote.split()) for q in answer.quotes]
    assert len(normalized) == len(set(normalized))
    for i, a in enumerate(normalized):
        for b in normalized[i + 1 :]:
            assert a not in b and b not in a
