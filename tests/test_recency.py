"""Recency: the newer of two equal reports comes first; a question about "now" favours recent articles."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.engine import Engine
from bot.settings import Settings
from index.build import build_index
from index.recency import asks_for_recent, freshness
from tests.fakes import FakeEmbedder


def write(folder: Path, name: str, published: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(f"---\ntitle: {name}\npublished: {published}\n---\n{text}\n", encoding="utf-8")


def engine_over(settings: Settings, tmp_path: Path) -> Engine:
    seeds = tmp_path / "news"
    write(seeds, "first.txt", "2025-03-01", "The truce talks in Riyadh ended without a deal on the ports.")
    write(seeds, "second.txt", "2025-11-20", "The truce talks in Riyadh ended without a deal on the ports.")
    write(
        seeds,
        "older-state.txt",
        "2024-01-10",
        "The state of the truce talks: the delegations in Riyadh disagree on the ports and on prisoners.",
    )
    write(
        seeds,
        "latest-state.txt",
        "2025-11-25",
        "Delegations still disagree on the ports, officials in Riyadh said of the truce talks.",
    )
    local = settings.model_copy(update={"seeds_dir": seeds, "index_dir": tmp_path / "news-index"})
    build_index(local, FakeEmbedder())
    return Engine(local, FakeEmbedder())


def test_the_newer_of_two_equal_reports_comes_first(settings: Settings, tmp_path: Path) -> None:
    answer = engine_over(settings, tmp_path).answer("Did the truce talks in Riyadh end with a deal on the ports?")
    dated = [q.published for q in answer.quotes if "ended without a deal" in q.quote]
    assert dated[:1] == ["2025-11-20"]


def test_a_question_about_now_favours_the_recent_article(settings: Settings, tmp_path: Path) -> None:
    engine = engine_over(settings, tmp_path)
    plain = engine.answer("What do the delegations in Riyadh disagree on in the truce talks?")
    now = engine.answer("What do the delegations in Riyadh disagree on in the truce talks now?")
    assert plain.quotes[0].published == "2024-01-10"  # the closer wording wins when time does not matter
    assert now.quotes[0].published == "2025-11-25"


def test_what_counts_as_asking_for_now() -> None:
    assert asks_for_recent("What is the latest on the talks?") and asks_for_recent("Что сейчас с переговорами?")
    assert asks_for_recent("Які останні новини з переговорів?") and not asks_for_recent("Who led the delegation?")
    assert freshness("2025-11-25", date(2025, 11, 25)) == 1.0
    assert freshness("2025-10-26", date(2025, 11, 25)) == 0.5 and freshness(None, date(2025, 11, 25)) == 0.0
