"""Answerability: the signals on real sentences of the seed, the three outcomes, and a model anyone can refit."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from bench.fit_answerability import MODEL_PATH, fitted_model
from bot.engine import Engine
from bot.settings import Settings
from index.answerability import FEATURES, AnswerModel, question_facts
from index.dates import periods_in, relative_periods
from index.errors import ModelLoadError
from tests.conftest import SEEDS, run_bot


def facts_of(engine: Engine, question: str, newest: date | None = None) -> Any:
    searcher, _ = engine._live
    return question_facts(question, searcher, newest)


def test_names_are_kept_whole_and_numbers_found(fake_engine: Engine) -> None:
    facts = facts_of(fake_engine, "Who did Ukraine's foreign minister Andrii Sybiha meet before the talks?")
    assert [t.text for t in facts.names] == ["Ukraine's", "Andrii Sybiha"]
    facts = facts_of(fake_engine, "Is the US pushing for a 60-day ceasefire?")
    assert [t.text for t in facts.names] == ["US", "60-day"] and facts.expects is None
    assert facts_of(fake_engine, "who leads the russian delegation").names == ()  # nothing capitalized to go on


def test_dates_in_questions_and_in_the_seeds_sentences() -> None:
    [asked] = periods_in("What was agreed in May 2025?")
    assert (asked.start, asked.end, asked.label) == (date(2025, 5, 1), date(2025, 5, 31), "May 2025")
    [day] = periods_in("on March 29, 2022")
    assert (day.start, day.end) == (date(2022, 3, 29), date(2022, 3, 29))
    sentence = "The 2022 talks took place just weeks after Russia launched its military operation in Ukraine."
    [year] = periods_in(sentence)
    assert year.label == "2022" and year.overlaps(day)
    assert periods_in("Russia may agree to talks") == []  # "may" is a month only beside a day or a year
    [summer] = relative_periods("what happened last summer?", date(2025, 11, 24))
    assert (summer.start, summer.end) == (date(2025, 6, 1), date(2025, 8, 31))


@pytest.mark.parametrize(
    ("question", "expects"),
    [
        ("How much Ukrainian territory does Russia control?", "number"),
        ("When are the Istanbul negotiations scheduled?", "date"),
        ("Who leads the Russian delegation?", "name"),
        ("Where will the first direct talks take place?", "place"),
        ("When large groups boycott a system, what is it called?", None),  # "when" that asks no date
        ("What is Ukraine's red line in the negotiations?", None),
    ],
)
def test_answer_types(fake_engine: Engine, question: str, expects: str | None) -> None:
    assert facts_of(fake_engine, question).expects == expects


def test_a_name_no_article_has_is_never_claimed_and_is_named(fake_engine: Engine) -> None:
    answer = fake_engine.answer("Who leads the Russian delegation in Geneva?")
    assert not answer.found and answer.quotes  # related passages, not an answer
    assert "No article mentions Geneva." in answer.missing


def test_a_date_no_article_has_is_never_claimed_and_is_named(fake_engine: Engine) -> None:
    answer = fake_engine.answer("Where will the peace talks in September 2025 take place?")
    assert not answer.found
    assert any(m.startswith("Nothing is dated September 2025") for m in answer.missing)


def test_a_number_the_article_never_gives_is_never_claimed(fake_engine: Engine) -> None:
    assert fake_engine.answer("How long a ceasefire is the US pushing for, 30 days?").found
    answer = fake_engine.answer("How long a ceasefire is the US pushing for, 60 days?")
    assert not answer.found


def test_a_model_for_other_features_is_refused(tmp_path: Path) -> None:
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    AnswerModel.load(MODEL_PATH)
    broken = tmp_path / "model.json"
    broken.write_text(json.dumps({**data, "features": data["features"][:-1]}), encoding="utf-8")
    with pytest.raises(ModelLoadError, match="refit it"):
        AnswerModel.load(broken)


def test_the_committed_model_is_calibrated_in_range() -> None:
    model = AnswerModel.load(MODEL_PATH)
    assert model.features == FEATURES and 0.0 < model.threshold < 1.0
    assert model.probability(model.mean) < model.threshold < 0.5  # an average hit is not an answer by itself


@pytest.mark.model
def test_refitting_reproduces_the_committed_model(tmp_path: Path) -> None:
    committed = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    model, counts = fitted_model(tmp_path)
    assert counts == committed["fitted_on"]
    assert np.allclose(model.weights, committed["weights"], atol=2e-3)
    assert abs(model.bias - committed["bias"]) < 2e-3 and model.threshold == pytest.approx(committed["threshold"])


@pytest.mark.model
def test_three_outcomes_through_ask_json(real_index_dir: Path) -> None:
    questions = [
        "Who leads the Russian delegation?",
        "Who leads the Russian delegation in Geneva?",
        "What is the boiling point of water?",
    ]
    env = {"INDEX_DIR": str(real_index_dir), "SEEDS_DIR": str(SEEDS)}
    done = run_bot("ask", "--json", env=env, stdin="\n".join(questions) + "\n")
    assert done.returncode == 0, done.stderr
    answer, related, nothing = (json.loads(line) for line in done.stdout.splitlines())
    assert answer["found"] and answer["confidence"] > 0 and answer["missing"] == []
    assert "Medinsky" in answer["passages"][0]["quote"]
    assert not related["found"] and related["passages"] and related["missing"] == ["No article mentions Geneva."]
    assert related["text"].index("I could not find an answer") < related["text"].index("<blockquote>")
    assert not nothing["found"] and nothing["passages"] == [] and "found nothing" in nothing["text"]


@pytest.mark.model
def test_seed_questions_are_claimed_with_the_right_quote(
    real_engine: Engine, seed_questions: list[dict[str, Any]]
) -> None:
    right = [
        (a := real_engine.answer(item["question"])).found and any(item["answer"] in q.quote for q in a.page(0))
        for item in seed_questions
    ]
    assert sum(right) / len(right) >= 0.9


def test_settings_can_override_the_fitted_threshold(settings: Settings, fake_engine: Engine) -> None:
    strict = Engine(settings.model_copy(update={"answer_threshold": 1.0}), fake_engine.embedder)
    answer = strict.answer("Who leads the Russian delegation?")
    assert not answer.found and answer.quotes  # never claimed, still shown as related
