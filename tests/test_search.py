"""Sentence scoring: block by block in numpy, as the one-sentence definition gives; only the blocks a question needs;
from the terms the index keeps per sentence, which are the sentences' tokens."""

from __future__ import annotations

import shutil

import numpy as np

from bot.engine import Engine
from index.build import build_index
from index.lexical import tokenize
from index.search import BLOCK, SentenceScores, SentenceTokens, _distinct
from index.settings import IndexSettings
from tests.conftest import DATA
from tests.fakes import FakeEmbedder

# A long article of distinct sentences: many blocks, and words that only some sentences hold.
TOPICS = ["prisoner exchange", "grain corridor", "ceasefire line", "energy strikes", "Black Sea shipping"]
LONG = "\n\n".join(
    f"Round {n} of the talks in Istanbul turned to the {TOPICS[n % len(TOPICS)]}, with delegation note {n}."
    for n in range(20 * BLOCK + 3)
)


def _engine(settings: IndexSettings, embedder: FakeEmbedder) -> Engine:
    (settings.seeds_dir / "long.md").write_text(
        f"---\ntitle: A long day of talks\nsource: Dev wire\nlicense: CC0\n---\n{LONG}\n", encoding="utf-8"
    )
    build_index(settings, embedder)
    return Engine(settings, embedder)


def test_every_sentence_scores_as_its_definition_across_blocks(
    settings: IndexSettings, fake_embedder: FakeEmbedder
) -> None:
    searcher = _engine(settings, fake_embedder).corpus.searcher
    article = next(searcher.index.articles[i] for i in searcher.index.articles if "long" in i)
    sentences = searcher.sentences_of(article)
    assert len(sentences.spans) > 3 * BLOCK
    query = searcher.query("Which grain corridor did the delegation discuss in Istanbul?")
    scores = SentenceScores(searcher.index, query, 0.7)
    total = sum(query.weights.values())
    for i, (start, end) in enumerate(sentences.spans):  # one sentence at a time: blocks are filled as asked
        tokens = set(tokenize(article.text[start:end]))
        share = min(1.0, sum(w for t, w in query.expanded.items() if t in tokens) / total)
        assert query.vector is not None
        cosine = float(searcher.index.sentence_vectors[sentences.rows[i]].astype(np.float32) @ query.vector)
        scored = scores(article, sentences, i, i)
        assert scored.shares[i] == share
        assert abs(scored.scores[i] - (0.7 * cosine + 0.3 * share)) < 1e-6
    assert len(set(scored.shares.tolist())) > 1  # sentences hold more or fewer of the question's words


def test_a_question_reads_the_blocks_of_its_passages_not_the_whole_article(
    settings: IndexSettings, fake_embedder: FakeEmbedder
) -> None:
    engine = _engine(settings, fake_embedder)
    answer = engine.answer("What delegation note came with round 70 on the grain corridor?")
    searcher = engine.corpus.searcher
    article = next(searcher.index.articles[i] for i in searcher.index.articles if "long" in i)
    assert any(q.article_id == article.id for q in answer.quotes)
    tokens = searcher.sentences_of(article).tokens
    read = [b for b in range(tokens.blocks) if tokens.read(b)]
    assert read and len(read) < tokens.blocks


# Russian and Ukrainian articles too: their words are lemmatized, and the language is read per sentence.
OTHER_LANGUAGES = ["2022-03-04_belovezhskaya-pushcha-ru.md", "2025-05-25_prisoner-exchange-1000-uk.md"]


def test_the_terms_kept_per_sentence_are_its_tokens(settings: IndexSettings, fake_embedder: FakeEmbedder) -> None:
    for name in OTHER_LANGUAGES:
        shutil.copy(DATA / "dev" / "articles" / name, settings.seeds_dir / name)
    index = _engine(settings, fake_embedder).corpus.searcher.index
    assert index.sentence_terms is not None
    blocks = 0
    for row, article_id in enumerate(index.articles.ids):
        article = index.articles[article_id]
        first, last = int(index.article_sentences[row]), int(index.article_sentences[row + 1])
        spans = [(int(a), int(b)) for a, b in index.spans[first:last]]
        kept = SentenceTokens(article.text, spans, index.sentence_terms, index.lexical.terms, first)
        tokenized = SentenceTokens(article.text, spans)
        for block in range(kept.blocks):
            assert kept.where(block) == tokenized.where(block), (article_id, block)
            blocks += 1
    assert blocks > 20 and index.foreign


QUESTIONS = [
    "Which grain corridor did the delegation discuss in Istanbul?",
    "What delegation note came with round 70 on the grain corridor?",
    "Who leads the Russian delegation?",
    "Где прошли переговоры?",
]


def test_an_index_built_before_sentence_terms_were_kept_answers_the_same(
    settings: IndexSettings, fake_embedder: FakeEmbedder
) -> None:
    for name in OTHER_LANGUAGES:
        shutil.copy(DATA / "dev" / "articles" / name, settings.seeds_dir / name)
    kept = _engine(settings, fake_embedder)
    for name in ("sentence_terms.npy", "sentence_term_rows.npy"):
        (kept.corpus.searcher.index.path / "lexical" / name).unlink()
    older = Engine(settings, fake_embedder)
    assert older.corpus.searcher.index.sentence_terms is None
    for question in QUESTIONS:
        ours, theirs = kept.answer(question), older.answer(question)
        assert ours.quotes and [(q.article_id, q.start, q.end, q.score) for q in ours.quotes] == [
            (q.article_id, q.start, q.end, q.score) for q in theirs.quotes
        ], question


def test_distinct_ids_are_numpys_unique() -> None:
    rng = np.random.default_rng(3)
    for n in (0, 1, 2, 5, 80):
        ids = rng.integers(0, 20, n).astype(np.int32)
        assert np.array_equal(_distinct(ids), np.unique(ids)) and _distinct(ids).dtype == np.int64
