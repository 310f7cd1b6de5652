"""Whether the bot claims answers only where the articles give one: claimed answers, refusals, and the trade-off.

A positive counts at k only when the bot claims an answer (`found` true) and one of its first k
quotes holds the gold answer. Negatives (talk questions no article answers, perturbed ones, XQuAD
questions asked of an index without their article, and general questions off the talks) count as
refused when nothing is claimed.
Dev-set rows use its "check" half only: the model was fitted on the other half. The fresh rows are
questions on news articles by others than the model's author, over a larger corpus. The model's weights are
fitted on the questions of FITTED_FRESH; the blind sets (BLIND) were never fitted on, nor their outcomes read.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

import numpy as np

from bench.context import Bench
from bench.devset import (
    BLIND,
    CORPORA,
    FITTED_FRESH,
    FRESH,
    OUTLETS,
    SLICE,
    Outcome,
    build_corpora,
    build_live_blogs,
    dev_questions,
    fresh_questions,
    general_questions,
    outcomes,
    searchers,
    second_outlets,
    typed_in_small_letters,
)
from bench.report import Row
from bench.xquad import load_xquad
from index.answerability import AnswerModel, Corpus, search_and_judge
from index.search import Searcher

CURVE = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
DEV_KINDS = ("unanswerable", "perturbed", "absent-topic")  # the dev set's negatives; the general ones have a row apart
KIND_NAMES = {
    "unanswerable": "talk questions no article answers",
    "perturbed": "perturbed positives (a name, date or number swapped)",
    "absent-topic": "absent-topic XQuAD questions",
    "general": "general questions off the talks",
}


def answerability_rows(bench: Bench) -> list[Row]:
    """Claimed answers on XQuAD and the dev set's check half, refusals of each kind of negative, and the curve."""
    model = AnswerModel.for_settings(bench.settings)
    limit, page = bench.settings.answer_limit, bench.settings.top_k
    print("answerability: XQuAD-en…", file=sys.stderr)
    xquad = Corpus(Searcher(bench.xquad, bench.cached))
    fitted_titles = set(load_xquad(SLICE)[0])  # the slice's articles: half their questions fitted the model
    at1: dict[bool, list[bool]] = {True: [], False: []}
    at3: dict[bool, list[bool]] = {True: [], False: []}
    for q in bench.questions:
        judgement = search_and_judge(xquad, q.text, limit, bench.params, model)
        right = [q.answer in h.quote for h in judgement.hits[:page]]
        held_out = q.title not in fitted_titles
        at1[held_out].append(judgement.claimed and right[:1] == [True])
        at3[held_out].append(judgement.claimed and any(right))
    every1, every3 = at1[True] + at1[False], at3[True] + at3[False]
    articles = len({q.title for q in bench.questions} - fitted_titles)
    rows = [
        Row("XQuAD-en claimed-answer@1 (shipped settings, all 48 articles)", f"{_share(every1):.3f}", "≥ 0.92"),
        Row("XQuAD-en claimed-answer@3 (shipped settings, all 48 articles)", f"{_share(every3):.3f}", "≥ 0.98"),
        Row(
            f"XQuAD-en claimed-answer@1 / @3, the {articles} articles never fitted on",
            f"{_share(at1[True]):.3f} / {_share(at3[True]):.3f}",
        ),
    ]
    for name in ("en", "ru"):
        path = bench.xquad_dir / f"xquad.{name}.json"
        if path.is_file():
            _, questions = load_xquad(path)
            claimed = [search_and_judge(bench.talks, q.text, limit, bench.params, model).claimed for q in questions]
            rows.append(
                Row(
                    f"XQuAD-{name} questions not claimed by the talks index",
                    f"{100 - 100 * np.mean(claimed):.1f}%",
                    "≥ 98%",
                )
            )
    print("answerability: the dev set's check half…", file=sys.stderr)
    outlets = tuple(f"{name}+outlets" for name in OUTLETS)
    built = build_corpora(bench.model, bench.work / "dev", bench.settings, only=(*CORPORA, *FRESH, *outlets))
    corpora = searchers(built, bench.model, bench.cached)
    check = [q for q in dev_questions() if q.split == "check"]
    checked = outcomes(check, corpora, bench.params, model, limit, page)
    # As many type in Telegram: all in small letters, where names must be told from the articles.
    typed = outcomes(typed_in_small_letters(check), corpora, bench.params, model, limit, page)
    fresh = outcomes(fresh_questions(FITTED_FRESH), corpora, bench.params, model, limit, page)
    fresh_sets = fresh_rows(fresh, "dev (fresh sets, fitted on)", held_out=False)
    for name in BLIND:  # each apart: a set's totals are seen under more models the longer it is kept
        blind = outcomes(fresh_questions((name,)), corpora, bench.params, model, limit, page)
        fresh_sets += fresh_rows(blind, f"dev ({name}, blind)")
    fresh_sets += live_blog_rows(bench, model, FITTED_FRESH)
    both = outcomes(second_outlets(OUTLETS), corpora, bench.params, model, limit, page)
    fresh_sets += second_outlet_rows([o for o in fresh if o.question.corpus in OUTLETS], both)
    return rows + dev_rows(checked, model.threshold) + typed_rows(typed) + fresh_sets + general_rows(bench, model)


def live_blog_rows(bench: Bench, model: AnswerModel, sets: tuple[str, ...]) -> list[Row]:
    """The fitted fresh sets with each corpus's 19 dev and fresh articles merged into one long live blog
    (`as_live_blog`): the same questions and answers, over articles as long as much of the held-out news."""
    print("answerability: the fresh sets as live blogs…", file=sys.stderr)
    folders = build_live_blogs(bench.model, bench.work / "live-blog", bench.settings, sets)
    corpora = searchers(folders, bench.model, bench.cached)
    limit, page = bench.settings.answer_limit, bench.settings.top_k
    answered = outcomes(fresh_questions(sets), corpora, bench.params, model, limit, page)
    return fresh_rows(answered, "dev (fresh sets, live blogs, fitted on)", held_out=False)


def second_outlet_rows(one: Sequence[Outcome], two: Sequence[Outcome]) -> list[Row]:
    """The fitted sets with one report of each event (`one`) and with a second outlet's too (`two`, the same
    questions), side by side: held-out news has many outlets' reports of one event, which the model must not read
    as doubt."""
    label = f"dev ({OUTLETS[0]} to {OUTLETS[-1]}, fitted on), one outlet / two outlets per event"
    positives = [[o for o in side if o.question.kind == "answerable"] for side in (one, two)]
    rows = [
        Row(
            f"{label}: talk questions, claimed-answer@1 / @3 ({len(positives[0])})",
            " · ".join(
                f"{_share(o.right_at_1 for o in side):.3f} / {_share(o.right_at_3 for o in side):.3f}"
                for side in positives
            ),
        )
    ]
    for kind in ("unanswerable", "perturbed"):
        refused = [_refused(side, kind, label) for side in (one, two)]
        rows.append(Row(refused[0].metric, " / ".join(row.value for row in refused)))
    return rows


def general_rows(bench: Bench, model: AnswerModel) -> list[Row]:
    """General questions off the talks (the check half; "How old is Putin?"), in English, over the fresh corpus with
    the Russian and Ukrainian dev articles: their few words are easily all found in one sentence of many articles."""
    print("answerability: general questions…", file=sys.stderr)
    built = build_corpora(bench.model, bench.work / "general", bench.settings, only=("fresh",), other_languages=True)
    questions = [q for q in general_questions("fresh") if q.split == "check"]
    limit, page = bench.settings.answer_limit, bench.settings.top_k
    answered = outcomes(questions, searchers(built, bench.model, bench.cached), bench.params, model, limit, page)
    label = "dev (check), over the fresh corpus with the Russian and Ukrainian dev articles"
    return [_refused(answered, "general", label, "≥ 98%")]


def fresh_rows(fresh: Sequence[Outcome], label: str, held_out: bool = True) -> list[Row]:
    """Fresh sets (other writers; each asked of its own corpus): claimed answers and refusals; those never fitted on
    (`held_out`) against the aims #7 sets for held-out news (answers claimed and right at 3 ≥ 0.85, questions no
    article answers claimed ≤ 30%). Totals only: a blind set's answers are not to be read one by one."""
    positives = [o for o in fresh if o.question.kind == "answerable"]
    return [
        Row(
            f"{label}: talk questions, claimed-answer@1 ({len(positives)})",
            f"{_share(o.right_at_1 for o in positives):.3f}",
        ),
        Row(
            f"{label}: talk questions, claimed-answer@3 ({len(positives)})",
            f"{_share(o.right_at_3 for o in positives):.3f}",
            "≥ 0.85" if held_out else "",
        ),
        _refused(fresh, "unanswerable", label, "≥ 70%" if held_out else ""),
        _refused(fresh, "perturbed", label),
        _curve(fresh, f"{label} curve, threshold: claimed-answer@3 / negatives claimed"),
    ]


def typed_rows(typed: Sequence[Outcome]) -> list[Row]:
    """The talk questions of the check half typed in small letters: refusals of each kind, and claimed answers."""
    rows = [_refused(typed, kind, "dev (check), typed in small letters") for kind in ("unanswerable", "perturbed")]
    positives = [o for o in typed if o.question.kind == "answerable"]
    rows.append(
        Row(
            f"dev (check), typed in small letters: talk and seed questions, claimed-answer@3 ({len(positives)})",
            f"{_share(o.right_at_3 for o in positives):.3f}",
        )
    )
    return rows


def dev_rows(checked: Sequence[Outcome], threshold: float) -> list[Row]:
    """Claimed answers on dev positives, refusals of each kind of negative, and their curve against the threshold."""
    rows = []
    talk_positives = [o for o in checked if o.question.kind == "answerable" and o.question.corpus in ("seed", "dev")]
    seed = [o for o in talk_positives if o.question.corpus == "seed"]
    rows.append(
        Row(
            f"dev (check): seed questions claimed with the right quote ({len(seed)})",
            f"{100 * _share(o.right_at_3 for o in seed):.1f}%",
            "≥ 95%",
        )
    )
    dev = [o for o in talk_positives if o.question.corpus == "dev"]
    rows += [
        Row(f"dev (check): talk questions, claimed-answer@1 ({len(dev)})", f"{_share(o.right_at_1 for o in dev):.3f}"),
        Row(f"dev (check): talk questions, claimed-answer@3 ({len(dev)})", f"{_share(o.right_at_3 for o in dev):.3f}"),
    ]
    xquad = [o for o in checked if o.question.corpus == "xquad"]
    rows.append(
        Row(f"dev (check): XQuAD slice, claimed-answer@3 ({len(xquad)})", f"{_share(o.right_at_3 for o in xquad):.3f}")
    )
    for kind in DEV_KINDS:
        rows.append(_refused(checked, kind, "dev (check)", "≥ 98%" if kind == "absent-topic" else "≥ 90%"))
        if kind == "unanswerable":  # the seed corpus is one article; a corpus of many on the talks is harder
            many = [o for o in checked if o.question.corpus == "dev"]
            rows.append(_refused(many, kind, "dev (check), of those asked of the dev articles and the seed"))
    label = f"dev (check) curve, threshold: claimed-answer@3 / negatives claimed (shipped {threshold:.2f})"
    return [*rows, _curve(checked, label)]


def _curve(results: Sequence[Outcome], label: str) -> Row:
    """Claimed answers at 3 among the positives, and the share of negatives claimed, at each threshold of CURVE."""
    positives = [o for o in results if o.question.kind == "answerable"]
    negatives = [o for o in results if o.question.kind != "answerable"]
    curve = []
    for t in CURVE:
        answered = _share(o.any_right and o.confidence >= t for o in positives)
        claimed = _share(o.confidence >= t for o in negatives)
        curve.append(f"{t:.1f}: {answered:.2f}/{claimed:.2f}")
    return Row(label, "; ".join(curve))


def _refused(results: Sequence[Outcome], kind: str, label: str, target: str = "") -> Row:
    """The share of one kind of negative that nothing was claimed for."""
    negatives = [o for o in results if o.question.kind == kind]
    share = 100 - 100 * _share(o.claimed for o in negatives)
    return Row(f"{label}: {KIND_NAMES[kind]}, not claimed ({len(negatives)})", f"{share:.1f}%", target)


def _share(flags: object) -> float:
    values = list(flags)  # type: ignore[call-overload]
    return float(np.mean(values)) if values else 0.0
