"""Russian and Ukrainian (#8), side by side with English: XQuAD-ru over the English articles, the multilingual
dev set's check half, what each piece adds, the latency of a Russian question and the build cost of the
multilingual part.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from bench.devset import (
    DEV,
    FITTED_FRESH,
    SLICE,
    Outcome,
    build_corpora,
    build_multilingual_corpora,
    english_talk_questions_across,
    fresh_questions,
    outcomes,
    searchers,
)
from bench.report import Row
from bench.speed import latency
from bench.xquad import Question, evaluate, load_xquad, ranking_params
from index.answerability import AnswerModel, Corpus, search_and_judge
from index.build import build_index
from index.search import Searcher
from index.store import load_index

if TYPE_CHECKING:
    from bench.context import Bench

MULTILINGUAL = DEV / "questions_multilingual.json"


def english_paired(bench: Bench) -> list[Question]:
    """XQuAD's Russian questions, each with the answer in the English paragraph (the same question, translated)."""
    _, english = load_xquad(bench.xquad_dir / "xquad.en.json")
    _, russian = load_xquad(bench.xquad_dir / "xquad.ru.json")
    return [replace(en, text=ru.text) for en, ru in zip(english, russian, strict=True)]


def xquad_ru_rows(bench: Bench) -> list[Row]:
    """XQuAD-ru questions over the English articles: ranking with and without each piece, and claimed answers."""
    questions = english_paired(bench)
    print(f"languages: {len(questions)} XQuAD-ru questions over the English articles…", file=sys.stderr)
    whole = Searcher(bench.xquad, bench.cached)
    unexpanded = Searcher(bench.xquad, bench.cached, expand=False)
    runs = [
        ("shipped: multilingual dense + BM25 with equivalents", whole, "hybrid"),
        ("multilingual dense only", whole, "dense"),
        ("BM25 with equivalents only", whole, "lexical"),
        ("without equivalents (dense + plain BM25)", unexpanded, "hybrid"),
    ]
    rows = []
    for name, searcher, mode in runs:
        quality = evaluate(searcher, questions, ranking_params(bench.params, mode))  # type: ignore[arg-type]
        shipped = searcher is whole and mode == "hybrid"
        metric = f"XQuAD-ru over English articles answer@3 / @1, {name}"
        rows.append(Row(metric, _pair(quality.answer_at_3, quality.answer_at_1), "≥ 0.75" if shipped else ""))
    model = AnswerModel.for_settings(bench.settings)
    corpus = Corpus(whole)
    limit, page = bench.settings.answer_limit, bench.settings.top_k
    fitted = set(load_xquad(SLICE)[0])  # the slice's articles: half their Russian questions fitted the model
    at1: dict[bool, list[bool]] = {True: [], False: []}
    at3: dict[bool, list[bool]] = {True: [], False: []}
    for q in questions:
        judgement = search_and_judge(corpus, q.text, limit, bench.params, model)
        right = [q.answer in h.quote for h in judgement.hits[:page]]
        at1[q.title not in fitted].append(judgement.claimed and right[:1] == [True])
        at3[q.title not in fitted].append(judgement.claimed and any(right))
    every1, every3 = at1[True] + at1[False], at3[True] + at3[False]
    articles = len({q.title for q in questions} - fitted)
    return rows + [
        Row(
            "XQuAD-ru over English articles claimed-answer@1 / @3 (shipped, all 48)",
            _pair(np.mean(every1), np.mean(every3)),
        ),
        Row(
            f"XQuAD-ru claimed-answer@1 / @3, the {articles} articles never fitted on",
            _pair(np.mean(at1[True]), np.mean(at3[True])),
        ),
    ]


def dev_rows(bench: Bench) -> list[Row]:
    """The multilingual dev set's check half: per language, answers found and claimed, non-answers refused."""
    rows_in = [q for q in json.loads(MULTILINGUAL.read_text(encoding="utf-8")) if q["split"] == "check"]
    folders = build_multilingual_corpora(bench.model, bench.work / "languages", bench.settings)
    corpora = {
        name.removeprefix("ml-"): Corpus(Searcher(load_index(folder, bench.model.name), bench.cached))
        for name, folder in folders.items()
    }
    model = AnswerModel.for_settings(bench.settings)
    limit, page = bench.settings.answer_limit, bench.settings.top_k
    ranking = replace(bench.params, min_score=0.0)
    found: dict[str, list[bool]] = {}
    claimed_right: dict[str, list[bool]] = {}
    refused: dict[str, list[bool]] = {}
    for q in rows_in:
        key = f"{q['lang']}, {'seed' if q['corpus'] == 'seed' else 'dev articles'}"
        judgement = search_and_judge(corpora[q["corpus"]], q["question"], limit, bench.params, model)
        if q["kind"] == "answerable":
            hits = corpora[q["corpus"]].searcher.search(q["question"], page, ranking)
            found.setdefault(key, []).append(any(q["answer"] in h.quote for h in hits))
            right = any(q["answer"] in h.quote for h in judgement.hits[:page])
            claimed_right.setdefault(key, []).append(judgement.claimed and right)
        else:
            refused.setdefault(q["lang"], []).append(not judgement.claimed)
    rows = []
    for key in sorted(found):
        target = "≥ 0.8" if key in ("ru, seed", "uk, seed") else ""
        rows.append(
            Row(
                f"dev check, {key}: answer@3 / claimed-answer@3 ({len(found[key])} questions)",
                _pair(np.mean(found[key]), np.mean(claimed_right[key])),
                target,
            )
        )
    for language in sorted(refused):
        rows.append(
            Row(
                f"dev check, {language}: unanswerable and perturbed not claimed ({len(refused[language])})",
                f"{100 * np.mean(refused[language]):.1f}%",
                "≥ 90%",
            )
        )
    return rows + english_talk_rows(corpora["dev"], bench)


def english_talk_rows(corpus: Corpus, bench: Bench) -> list[Row]:
    """The dev set's English talk questions (check half) over its articles in all three languages, as news in
    several languages is read: a Russian or Ukrainian passage may outrank the English ones."""
    questions = [q for q in english_talk_questions_across() if q.split == "check"]
    answered = outcomes(questions, {"ml-dev": corpus}, bench.params, *_shipped(bench))
    return _claims_across(answered, "dev check, English talk questions over the dev articles in three languages")


def fresh_across_rows(bench: Bench) -> list[Row]:
    """The fitted fresh sets' English questions (not the blind ones'), each set's corpus with the dev set's Russian and
    Ukrainian articles added: what they claim from a quote in another language."""
    folders = build_corpora(
        bench.model, bench.work / "languages", bench.settings, only=FITTED_FRESH, other_languages=True
    )
    corpora = searchers(folders, bench.model, bench.cached)
    answered = outcomes(fresh_questions(FITTED_FRESH), corpora, bench.params, *_shipped(bench))
    label = "dev (fresh sets, fitted on), English questions with the Russian and Ukrainian dev articles added"
    return _claims_across(answered, label)


def _shipped(bench: Bench) -> tuple[AnswerModel, int, int]:
    """The shipped model, answer limit and page size."""
    return AnswerModel.for_settings(bench.settings), bench.settings.answer_limit, bench.settings.top_k


def _claims_across(answered: list[Outcome], label: str) -> list[Row]:
    """Non-answers not claimed, answers claimed and right at 3, and the claims on a Russian or Ukrainian quote."""
    refused = [not o.claimed for o in answered if o.question.kind != "answerable"]
    right = [o.right_at_3 for o in answered if o.question.kind == "answerable"]
    foreign = sum(o.claimed and o.first_language not in (None, "en") for o in answered)
    return [
        Row(f"{label}: unanswerable and perturbed not claimed ({len(refused)})", f"{100 * np.mean(refused):.1f}%"),
        Row(
            f"{label}: claimed-answer@3 ({len(right)}); claims on a Russian or Ukrainian quote",
            f"{np.mean(right):.3f}; {foreign}",
        ),
    ]


def latency_rows(bench: Bench, count: int) -> list[Row]:
    """Answering time of Russian questions (search and judgement) beside English ones, over the XQuAD index."""
    questions = english_paired(bench)[:count]
    _, english = load_xquad(bench.xquad_dir / "xquad.en.json")
    corpus = Corpus(Searcher(bench.xquad, bench.model))
    model = AnswerModel.for_settings(bench.settings)
    limit = bench.settings.answer_limit
    measured = {}
    for name, texts in (("ru", [q.text for q in questions]), ("en", [q.text for q in english[:count]])):
        search_and_judge(corpus, texts[0], limit, bench.params, model)  # warm
        samples = []
        for text in texts:
            started = time.perf_counter()
            search_and_judge(corpus, text, limit, bench.params, model)
            samples.append(time.perf_counter() - started)
        measured[name] = latency(samples)
    ru, en = measured["ru"], measured["en"]
    return [
        Row(
            f"Russian question, search + judgement, p95 / p50 ({len(questions)} XQuAD-ru)",
            _ms(ru.p95_ms, ru.median_ms),
            "≤ 300",
        ),
        Row("English question, the same, p95 / p50", _ms(en.p95_ms, en.median_ms)),
    ]


def build_cost_rows(bench: Bench) -> list[Row]:
    """The XQuAD index built cold with and without the multilingual part."""
    seconds = {}
    for cross in (False, True):
        folder = bench.work / f"xquad-cross-{cross}"
        settings = bench.settings.model_copy(
            update={
                "seeds_dir": bench.work / "xquad",
                "index_dir": folder / "index",
                "embed_cache_dir": folder / "cache",
                "cross_lingual": cross,
            }
        )
        seconds[cross] = build_index(settings, bench.model).seconds
    return [
        Row(
            "XQuAD-en index build, cold: with the multilingual part / without",
            f"{seconds[True]:.1f} s / {seconds[False]:.1f} s = {seconds[True] / seconds[False]:.2f}×",
        )
    ]


def language_rows(bench: Bench, latency_questions: int) -> list[Row]:
    """Every row of the languages section."""
    rows = xquad_ru_rows(bench) + dev_rows(bench) + fresh_across_rows(bench)
    return rows + latency_rows(bench, latency_questions) + build_cost_rows(bench)


def _ms(p95: float, p50: float) -> str:
    return f"{p95:.1f} ms / {p50:.1f} ms"


def _pair(a: float | np.floating, b: float | np.floating) -> str:
    return f"{a:.3f} / {b:.3f}"
