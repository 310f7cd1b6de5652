"""Questions and articles across English, Russian and Ukrainian, with the real models (#8)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.settings import Settings
from index.answerability import JUDGED_HITS, AnswerModel, Corpus, Judgement, evidence, question_facts, search_and_judge
from index.build import build_index
from index.embedder import SentenceTransformerEmbedder
from index.languages import LANGUAGES
from index.search import Searcher, SearchParams
from index.store import load_index
from tests.conftest import DATA, SEEDS

pytestmark = pytest.mark.model

RUSSIAN = DATA / "dev" / "articles" / "2025-05-16_istanbul-direct-talks-ru.md"
UKRAINIAN = DATA / "dev" / "articles" / "2025-06-03_istanbul-second-round-uk.md"


def _searcher(root: Path, embedder: SentenceTransformerEmbedder, *extra: Path) -> Searcher:
    """The seed (English), with `extra` articles, indexed with both models under `root`."""
    shutil.copytree(SEEDS, root / "seeds")
    for article in extra:
        shutil.copy(article, root / "seeds" / article.name)
    settings = Settings(
        seeds_dir=root / "seeds", index_dir=root / "index", embed_cache_dir=root / "cache", _env_file=None
    )  # type: ignore[call-arg]
    build_index(settings, embedder)
    return Searcher(load_index(root / "index", embedder.name), embedder)


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory, real_embedder: SentenceTransformerEmbedder) -> Searcher:
    """The seed alone."""
    return _searcher(tmp_path_factory.mktemp("english"), real_embedder)


@pytest.fixture(scope="module")
def mixed(tmp_path_factory: pytest.TempPathFactory, real_embedder: SentenceTransformerEmbedder) -> Searcher:
    """The seed with a Russian and a Ukrainian article."""
    return _searcher(tmp_path_factory.mktemp("mixed"), real_embedder, RUSSIAN, UKRAINIAN)


def _top(searcher: Searcher, question: str) -> str:
    params = SearchParams.from_settings(Settings(_env_file=None))  # type: ignore[call-arg]
    hits = searcher.search(question, 3, params)
    assert hits, question
    return hits[0].quote


def test_a_russian_question_gets_the_english_quote(english: Searcher) -> None:
    assert "Medinsky" in _top(english, "Кто возглавит российскую делегацию в Стамбуле?")


def test_a_ukrainian_question_gets_the_english_quote(english: Searcher) -> None:
    assert "30-day ceasefire" in _top(english, "Яке перемир'я пропонують США?")


def test_an_english_question_gets_the_russian_quote(mixed: Searcher) -> None:
    assert "Долмабахче" in _top(mixed, "In which palace did the Russian and Ukrainian delegations meet on May 16?")


def _judged(searcher: Searcher, question: str) -> Judgement:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    params, model = SearchParams.from_settings(settings), AnswerModel.for_settings(settings)
    return search_and_judge(Corpus(searcher), question, settings.answer_limit, params, model)


def test_an_english_question_is_answered_with_the_russian_quote(mixed: Searcher) -> None:
    judgement = _judged(mixed, "Who opened the Russia-Ukraine talks in Istanbul on May 16, 2025?")
    assert judgement.claimed and "Хакан Фидан" in judgement.hits[0].quote


@pytest.mark.parametrize(
    "question",
    [
        "Did Putin and Zelensky speak by phone before the talks?",
        "What did Trump say after meeting Putin in August?",
        "How many strikes on energy facilities did Ukraine accuse Russia of during the 30-day moratorium?",
        pytest.param(
            "Will Erdogan host the talks himself?",
            marks=pytest.mark.xfail(
                strict=True, reason="claimed (0.43) with a Russian quote of Zelensky meeting Erdogan in Ankara"
            ),
        ),
    ],
)
def test_a_russian_or_ukrainian_passage_that_does_not_answer_an_english_question_is_not_claimed(
    mixed: Searcher, question: str
) -> None:
    assert not _judged(mixed, question).claimed  # the model across languages fitted on Russian questions alone did


def test_a_speaker_is_not_called_unnamed_by_an_article_in_another_script(mixed: Searcher) -> None:
    question = "What did Medinsky say about the prisoner exchange?"  # «Мединский сообщил журналистам…»
    params = SearchParams.from_settings(Settings(_env_file=None))  # type: ignore[call-arg]
    corpus = Corpus(mixed)
    hits = mixed.search(question, JUDGED_HITS, params)
    facts = question_facts(question, corpus, hits)
    assert facts.speakers == ("Medinsky",)
    russian = [h for h in hits if h.article.language == "ru"]
    assert russian and not any(evidence(facts, h, hits, corpus).unheard for h in russian)


def test_each_article_keeps_its_language(mixed: Searcher) -> None:
    index = mixed.index
    languages = {a.id: a.language for a in index.articles.infos()}
    assert languages[RUSSIAN.stem] == "ru" and languages[UKRAINIAN.stem] == "uk"
    assert sorted({LANGUAGES[int(x)] for x in index.languages}) == ["en", "ru", "uk"]


def test_english_questions_over_english_articles_stay_on_the_english_model(
    tmp_path: Path, real_embedder: SentenceTransformerEmbedder, mixed: Searcher
) -> None:
    settings = Settings(
        seeds_dir=SEEDS, index_dir=tmp_path / "index", embed_cache_dir=tmp_path / "cache", _env_file=None
    )  # type: ignore[call-arg]
    build_index(settings, real_embedder)
    english_only = Searcher(load_index(tmp_path / "index", real_embedder.name), real_embedder)
    assert english_only.query("Who leads the Russian delegation?").cross is None
    assert mixed.query("Who leads the Russian delegation?").cross is not None  # Russian articles could answer it
    russian = english_only.query("Кто возглавит российскую делегацию?")
    assert russian.language == "ru" and russian.vector is None and russian.cross is not None
