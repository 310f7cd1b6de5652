"""Passages are runs of whole sentences whose spans round-trip, within the model's token limit."""

from __future__ import annotations

import pytest

from index.articles import read_article
from index.chunking import chunk_text, split_sentences
from index.embedder import SentenceTransformerEmbedder
from tests.conftest import SEEDS
from tests.fakes import FakeEmbedder

TEXT = (
    'Mr. Smith met Dr. J. Doe in the U.S. capital on Monday. He said: "We will talk." '
    "Prices rose 3.5% after the news... Was it enough? Nobody knows!\n\n"
    "Путин заявил, т.е. не приедет. Зеленский ждёт ответа."
)


def test_sentences_respect_abbreviations_decimals_and_paragraphs() -> None:
    sentences = [TEXT[s:e] for s, e in split_sentences(TEXT)]
    assert sentences == [
        "Mr. Smith met Dr. J. Doe in the U.S. capital on Monday.",
        'He said: "We will talk."',
        "Prices rose 3.5% after the news...",
        "Was it enough?",
        "Nobody knows!",
        "Путин заявил, т.е. не приедет.",
        "Зеленский ждёт ответа.",
    ]


def test_spans_round_trip_and_passages_overlap_by_one_sentence() -> None:
    fake = FakeEmbedder()
    passages = chunk_text("a", TEXT, fake.count_tokens, 254, sentences_per_passage=3, overlap=1)
    starts = {s for s, _ in split_sentences(TEXT)}
    ends = {e for _, e in split_sentences(TEXT)}
    assert [len(p.sentences) for p in passages] == [3, 3, 3]
    for p in passages:
        assert p.start in starts and p.end in ends
        assert (p.start, p.end) == (p.sentences[0][0], p.sentences[-1][1])
    for before, after in zip(passages, passages[1:], strict=False):
        assert before.sentences[-1] == after.sentences[0]
    covered = {s for p in passages for s in p.sentences}
    assert covered == set(split_sentences(TEXT))


def test_token_limit_splits_long_sentences_without_losing_text() -> None:
    fake = FakeEmbedder(max_tokens=10)
    long = "word " * 57 + "end."
    passages = chunk_text("a", long, fake.count_tokens, fake.max_tokens)
    assert all(fake.count_tokens([long[p.start : p.end]])[0] <= 10 for p in passages)
    pieces = sorted({span for p in passages for span in p.sentences})
    assert " ".join(long[s:e] for s, e in pieces).split() == long.split()


@pytest.mark.model
def test_no_seed_passage_exceeds_the_real_models_limit(real_embedder: SentenceTransformerEmbedder) -> None:
    article = read_article(SEEDS / "000_03e83c080a8e0dcc.txt", SEEDS)
    passages = chunk_text("seed", article.text, real_embedder.count_tokens, real_embedder.max_tokens)
    counts = real_embedder.count_tokens([article.text[p.start : p.end] for p in passages])
    assert real_embedder.max_tokens == 254
    assert max(counts) <= 254
    long = " ".join(["negotiations"] * 400) + "."
    pieces = chunk_text("long", long, real_embedder.count_tokens, real_embedder.max_tokens)
    assert len(pieces) > 1
    assert max(real_embedder.count_tokens([long[p.start : p.end] for p in pieces])) <= 254
