"""`python -m bench.fit_answerability`: fit the answerability model on the dev set's "fit" half and the news sets.

The weights are fitted on the dev set's fit half and on every question of the news sets FITTED_FRESH
(bench/devset.py); the threshold is chosen on both, each news set's questions held to bounds of their own
(`best_threshold`, NEWS_CLAIMED_WRONG) as judged by the model fitted without that set (`held_out_by_set`).

Writes bench/answerability_model.json (beside this script), which the bot loads. Deterministic:
the same dev data and model give the same coefficients (Newton's method, no sampling). The
"check" half is never seen here; `make bench` reports on it. The dev set's talk questions are fitted twice,
as written and typed in small letters (as many type in Telegram), for their names are found
differently. Three models: the English one; one across languages for Russian and Ukrainian questions;
and one for English questions over Russian and Ukrainian articles, fitted on the hits of both kinds
of question that it judges (fitted on Russian and Ukrainian questions alone, it claimed quotes in
those languages that do not answer English ones). `--held-out-folds N` prints, and does not write, the
thresholds the same bounds choose on out-of-fold probabilities: what they ask of questions not fitted on.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from dataclasses import replace
from pathlib import Path

import numpy as np

from bench.devset import (
    CORPORA,
    FITTED_FRESH,
    DevQuestion,
    Example,
    build_corpora,
    build_multilingual_corpora,
    dev_questions,
    english_questions_across,
    examples,
    fresh_questions,
    multilingual_questions,
    searchers,
    typed_in_small_letters,
)
from index.answerability import ACROSS_FEATURES, FEATURES, AnswerModel
from index.embedder import SentenceTransformerEmbedder
from index.search import SearchParams
from index.settings import IndexSettings

MODEL_PATH = Path(__file__).resolve().parent / "answerability_model.json"
# The most of each kind of the fit half's questions the threshold may claim with a quote that does not answer
# them: talk questions no article answers, perturbed ones, answerable ones (a wrong quote), absent-topic ones.
CLAIMED_WRONG = {"unanswerable": 0.10, "perturbed": 0.10, "answerable": 0.10, "absent-topic": 0.02}
NEGATIVES_CLAIMED = 0.10  # and the most of all the fit half's claimed wrongly together (of those whose best is wrong)
# The most of each news set's questions (FITTED_FRESH), held out (`held_out_by_set`), the threshold may claim: of
# those no article answers, #7's aim for held-out news; of the perturbed ones, the dev set's bound. Their answerable
# ones with a wrong quote are not bounded: #7 sets no aim for them, and at the dev set's 10% the threshold rose past
# 0.4 (the sets bounded together and as fitted on, before d52c26c).
NEWS_CLAIMED_WRONG = {"unanswerable": 0.30, "perturbed": CLAIMED_WRONG["perturbed"], "answerable": 1.0}
L2 = 1.0  # ridge penalty on the standardized weights: a dozen features, a few hundred questions
SMALLEST_GROUP = 10  # a group of fewer open hits is divided as if it had this many: it weighs n/10 of a full one


def fit_logistic(x: np.ndarray, y: np.ndarray, weight: np.ndarray, l2: float = L2) -> tuple[np.ndarray, float]:
    """Weighted, L2-penalized logistic regression by Newton's method; returns (weights, bias)."""
    design = np.hstack([x, np.ones((len(x), 1))])
    beta = np.zeros(design.shape[1])
    penalty = np.full(design.shape[1], l2)
    penalty[-1] = 0.0  # the bias is not shrunk
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-np.clip(design @ beta, -40, 40)))
        gradient = design.T @ (weight * (p - y)) + penalty * beta
        hessian = (design * (weight * p * (1 - p))[:, None]).T @ design + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        beta -= step
        if np.max(np.abs(step)) < 1e-10:
            break
    return beta[:-1], float(beta[-1])


def group_weights(rows: list[Example]) -> np.ndarray:
    """Each (corpus, kind) group of open hits weighs the same in all, however many it has; but one of fewer than
    SMALLEST_GROUP is divided as if it had that many, so that a hit weighs at most a tenth of a group (a single hit
    of a kind, the rest ruled out, weighed as much as hundreds). Small groups are not made up for elsewhere."""
    groups = Counter((r.question.corpus, r.question.kind) for r in rows)
    sizes = [max(SMALLEST_GROUP, groups[(r.question.corpus, r.question.kind)]) for r in rows]
    return np.array([1.0 / size for size in sizes]) * len(rows) / len(groups)


def best_threshold(rows: list[Example], probabilities: list[float]) -> float:
    """The lowest threshold at which no kind of question is claimed wrongly more than CLAIMED_WRONG allows (each
    news set's, on its own, more than NEWS_CLAIMED_WRONG), nor all the dev set's together more than
    NEGATIVES_CLAIMED, given each row's probability.

    Honesty first, and kind by kind: the many easy absent-topic questions do not buy room for claims on
    the talk questions no article answers. Within those bounds as many answers as possible are claimed.
    The news sets' bounds are their own because the dev set's over them too chose 0.44, at which XQuAD's
    claimed-answer@3 fell from 0.90 to 0.73 and the seed's own questions to 73% claimed.
    """
    by_question: dict[str, list[tuple[float, int]]] = {}
    kinds: dict[str, tuple[str, str]] = {}  # each question's kind, and its news set ("" for the dev set's)
    for r, probability in zip(rows, probabilities, strict=True):
        by_question.setdefault(r.question.id, []).append((probability, r.label))
        kinds[r.question.id] = (r.question.kind, news_set(r.question))
    best = {q: max(v, key=lambda t: t[0]) for q, v in by_question.items()}
    wrong = {
        kind: np.array([p if label == 0 else 0.0 for q, (p, label) in best.items() if kinds[q] == kind])
        for kind in set(kinds.values())
    }
    bounds = {(kind, news_set): (NEWS_CLAIMED_WRONG if news_set else CLAIMED_WRONG)[kind] for kind, news_set in wrong}
    negatives = np.array([p for q, (p, label) in best.items() if label == 0 and not kinds[q][1]])

    def honest(t: float) -> bool:
        kinds_bound = all(np.mean(w >= t) <= bounds[k] for k, w in wrong.items())
        return kinds_bound and float(np.mean(negatives >= t)) <= NEGATIVES_CLAIMED

    candidates = np.round(np.arange(0.05, 0.951, 0.01), 2)
    return float(next((t for t in candidates if honest(t)), candidates[-1]))


def fit(rows: list[Example], features: tuple[str, ...] = FEATURES) -> AnswerModel:
    """The model fitted on the hits no evidence rules out, its threshold chosen on all the rows (`best_threshold`),
    each news set's held out (`held_out_by_set`)."""
    model = fit_weights(rows, features)
    return replace(model, threshold=best_threshold(rows, held_out_by_set(rows, model, features)))


def fit_weights(rows: list[Example], features: tuple[str, ...]) -> AnswerModel:
    """The logistic model fitted on the rows no evidence rules out, its threshold not yet chosen (0.5)."""
    open_rows = [r for r in rows if not r.ruled_out]
    columns = [FEATURES.index(f) for f in features]
    x = np.stack([r.features[columns] for r in open_rows])
    y = np.array([r.label for r in open_rows], dtype=np.float64)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    weights, bias = fit_logistic((x - mean) / scale, y, group_weights(open_rows))
    return AnswerModel(features, mean, scale, weights, bias, 0.5)


def news_set(question: DevQuestion) -> str:
    """The news set a question is of (its corpus is named after it), "" for the dev set's."""
    return question.corpus if question.split == "fresh" else ""


def held_out_by_set(rows: list[Example], model: AnswerModel, features: tuple[str, ...]) -> list[float]:
    """Each row's probability: a news set's rows from the model fitted without that set, the others' from `model`.

    Each set is other writers' questions on articles of its own, as the questions the bot meets are. Fitted on
    them, the model claimed 22% of the four sets' questions no article answers; each set left out in turn, 26%,
    fresh6's and fresh7's 39% and 43% (f064781 at 0.20, dev figures): the bounds on the news sets are #7's aim
    for held-out news, so they are read held out.
    """
    out = [model.confidence(r.features, r.ruled_out) for r in rows]
    for name in sorted({news_set(r.question) for r in rows} - {""}):
        in_set = [news_set(r.question) == name for r in rows]
        without = fit_weights([r for r, inside in zip(rows, in_set, strict=True) if not inside], features)
        for i, (r, inside) in enumerate(zip(rows, in_set, strict=True)):
            if inside:
                out[i] = without.confidence(r.features, r.ruled_out)
    return out


def out_of_fold(rows: list[Example], features: tuple[str, ...], folds: int) -> list[float]:
    """Each row's probability from the model fitted without its question's fold (questions dealt round in the
    order of their ids; one typed in small letters goes with the question as written): what the model says of
    questions it has not seen."""
    asked = sorted({r.question.id.removesuffix("-typed") for r in rows})
    fold_of = {q: i % folds for i, q in enumerate(asked)}
    of_rows = [fold_of[r.question.id.removesuffix("-typed")] for r in rows]
    out = [0.0] * len(rows)
    for fold in range(folds):
        model = fit_weights([r for r, f in zip(rows, of_rows, strict=True) if f != fold], features)
        for i, (r, f) in enumerate(zip(rows, of_rows, strict=True)):
            if f == fold:
                out[i] = model.confidence(r.features, r.ruled_out)
    return out


def held_out_threshold(rows: list[Example], features: tuple[str, ...], folds: int) -> float:
    """The threshold `best_threshold` chooses on out-of-fold probabilities, each question's from a model fitted
    without it (its fold holds other questions of its news set's writers, so this reads the news sets less held
    out than `fit` does): what the same bounds ask of questions not fitted on."""
    return best_threshold(rows, out_of_fold(rows, features, folds))


def fitted_model(work: Path) -> tuple[AnswerModel, dict[str, int]]:
    """Build the dev corpora with the real model, collect the fit half's examples (and the news sets') and fit."""
    rows, across_rows, english_rows, counts = fit_examples(work)
    fitted = replace(
        fit(rows),
        across=fit(across_rows, ACROSS_FEATURES),
        english_across=fit(english_rows, ACROSS_FEATURES),
    )
    return fitted, counts


def fit_examples(work: Path) -> tuple[list[Example], list[Example], list[Example], dict[str, int]]:
    """The fit half's examples for each of the three models (English, with the news sets' questions; across
    languages; English questions over Russian and Ukrainian articles, with the ones across languages), and how
    many questions of each kind."""
    settings = IndexSettings(_env_file=None, embed_cache_dir=work / "cache", articles_dir=work / "no-articles")
    model = SentenceTransformerEmbedder.for_settings(settings)
    corpora = searchers(build_corpora(model, work, settings, only=(*CORPORA, *FITTED_FRESH)), model, model)
    written = [q for q in dev_questions() if q.split == "fit"] + fresh_questions(FITTED_FRESH)
    typed = typed_in_small_letters(written)  # the dev set's talk questions also as typed in Telegram, in small letters
    questions = written + typed
    print(f"judging {len(questions)} questions…", file=sys.stderr)
    params = SearchParams.from_settings(settings)
    rows = examples(questions, corpora, params, settings.answer_limit)
    across_corpora = corpora | searchers(build_multilingual_corpora(model, work, settings), model, model)
    across_questions = [q for q in multilingual_questions() if q.split == "fit"]
    print(f"judging {len(across_questions)} Russian and Ukrainian questions…", file=sys.stderr)
    # Only the hits a model across languages judges: a question read as English over an English article is the
    # English model's.
    across_rows = [
        r for r in examples(across_questions, across_corpora, params, settings.answer_limit) if r.judged_across
    ]
    english = [q for q in english_questions_across() if q.split == "fit"]
    print(f"judging {len(english)} English questions over articles in three languages…", file=sys.stderr)
    english_rows = [r for r in examples(english, across_corpora, params, settings.answer_limit) if r.judged_across]
    counts = Counter(f"{q.corpus}/{q.kind}" for q in written + across_questions)
    counts.update(f"{q.corpus}/{q.kind}, typed in small letters" for q in typed)
    # The English questions with a hit in a Russian or Ukrainian article among those judged: the others add nothing.
    counts.update(
        f"{r.question.corpus}/{r.question.kind}, in English" for r in {r.question.id: r for r in english_rows}.values()
    )
    return rows, across_rows, across_rows + english_rows, dict(sorted(counts.items()))


def main() -> int:
    """Fit the model and write it."""
    parser = argparse.ArgumentParser(prog="python -m bench.fit_answerability", description=__doc__)
    parser.add_argument("--out", type=Path, default=MODEL_PATH, help="where to write the model")
    parser.add_argument(
        "--held-out-folds",
        type=int,
        default=0,
        metavar="N",
        help="print, and do not write, each model's threshold chosen on N-fold out-of-fold probabilities",
    )
    args = parser.parse_args()
    if args.held_out_folds:
        return print_held_out_thresholds(args.held_out_folds)
    with tempfile.TemporaryDirectory() as tmp:
        model, counts = fitted_model(Path(tmp))
    data = {**model.to_dict(), "fitted_on": counts}
    args.out.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    for name, w in zip(FEATURES, model.weights, strict=True):
        print(f"{name:22s} {w:+.3f}")
    print(f"{'bias':22s} {model.bias:+.3f}\nthreshold {model.threshold:.2f}")
    others = (("across languages:", model.across), ("English questions across languages:", model.english_across))
    for title, part in others:
        if part is None:
            continue
        print(title)
        for name, w in zip(part.features, part.weights, strict=True):
            print(f"{name:22s} {w:+.3f}")
        print(f"{'bias':22s} {part.bias:+.3f}\nthreshold {part.threshold:.2f}")
    print(f"wrote {args.out}")
    return 0


def print_held_out_thresholds(folds: int) -> int:
    """Each model's threshold by the same bounds on out-of-fold probabilities (`held_out_threshold`)."""
    with tempfile.TemporaryDirectory() as tmp:
        rows, across_rows, english_rows, _ = fit_examples(Path(tmp))
    models = (
        ("English", rows, FEATURES),
        ("across languages", across_rows, ACROSS_FEATURES),
        ("English questions across languages", english_rows, ACROSS_FEATURES),
    )
    for title, part, features in models:
        print(f"{title}: threshold {held_out_threshold(part, features, folds):.2f} on {folds}-fold out-of-fold")
    return 0


if __name__ == "__main__":
    sys.exit(main())
