"""XQuAD as a retrieval benchmark: each article becomes one document; a hit is the gold answer inside a quote.

XQuAD (Artetxe et al., 2019) is CC BY-SA 4.0; this module reads it where it lies and ships none of it.
"""

from __future__ import annotations

import json
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from bench.report import Row
from index.search import Mode, Searcher, SearchParams

if TYPE_CHECKING:  # bench.context builds on this module
    from bench.context import Bench

MODE_NAMES: dict[Mode, str] = {"dense": "dense only", "lexical": "BM25 only", "hybrid": "hybrid (shipped)"}


@dataclass(frozen=True)
class Question:
    """A benchmark question with its gold answer text and its article's title."""

    text: str
    answer: str
    title: str


@dataclass(frozen=True)
class Quality:
    """Retrieval quality over a question set."""

    answer_at_1: float
    answer_at_3: float
    mrr_at_10: float
    mean_quote_chars: float
    refused: float
    questions: int


def load_xquad(path: Path) -> tuple[dict[str, list[str]], list[Question]]:
    """Articles (title → paragraphs) and questions of an XQuAD JSON file."""
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    articles: dict[str, list[str]] = {}
    questions: list[Question] = []
    for article in data:
        title = article["title"].replace("_", " ")
        articles[title] = [p["context"] for p in article["paragraphs"]]
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                questions.append(Question(qa["question"], qa["answers"][0]["text"], title))
    return articles, questions


def write_documents(articles: dict[str, list[str]], folder: Path) -> None:
    """One `.txt` article per XQuAD article, titled in front matter, paragraphs apart."""
    folder.mkdir(parents=True, exist_ok=True)
    for n, (title, paragraphs) in enumerate(articles.items()):
        body = "\n\n".join(paragraphs)
        (folder / f"{n:03d}.txt").write_text(f"---\ntitle: {title}\nsource: XQuAD\n---\n{body}\n", encoding="utf-8")


def evaluate(searcher: Searcher, questions: Sequence[Question], params: SearchParams) -> Quality:
    """answer@1, answer@3, MRR@10, the mean length of the quotes shown (top 3), and the share refused."""
    at1 = at3 = refused = 0
    reciprocal = 0.0
    lengths: list[int] = []
    for q in questions:
        hits = searcher.search(q.text, 10, params)
        refused += not hits
        ranks = [i for i, h in enumerate(hits) if q.answer in h.quote]
        first = ranks[0] if ranks else None
        at1 += first == 0
        at3 += first is not None and first < 3
        reciprocal += 1.0 / (first + 1) if first is not None else 0.0
        lengths += [h.end - h.start for h in hits[:3]]
    n = len(questions)
    return Quality(
        answer_at_1=at1 / n,
        answer_at_3=at3 / n,
        mrr_at_10=reciprocal / n,
        mean_quote_chars=statistics.fmean(lengths) if lengths else 0.0,
        refused=refused / n,
        questions=n,
    )


def ranking_params(params: SearchParams, mode: Mode) -> SearchParams:
    """The shipped parameters with another retriever, and no threshold: ranking quality alone."""
    return replace(params, mode=mode, min_score=0.0)


def quality_rows(bench: Bench) -> list[Row]:
    """XQuAD-en answer@1, answer@3, MRR@10 and quote length, for each retriever and the shipped hybrid."""
    print(f"answering {len(bench.questions)} questions three ways…", file=sys.stderr)
    searcher = Searcher(bench.xquad, bench.cached)
    rows = []
    for mode, name in MODE_NAMES.items():
        q = evaluate(searcher, bench.questions, ranking_params(bench.params, mode))
        shipped = mode == "hybrid"
        rows += [
            Row(f"XQuAD-en answer@1, {name}", f"{q.answer_at_1:.3f}", "≥ 0.92" if shipped else ""),
            Row(f"XQuAD-en answer@3, {name}", f"{q.answer_at_3:.3f}", "≥ 0.98" if shipped else ""),
            Row(f"XQuAD-en MRR@10, {name}", f"{q.mrr_at_10:.3f}"),
            Row(f"XQuAD-en mean quote length, {name}", f"{q.mean_quote_chars:.0f} chars", "≤ 400" if shipped else ""),
        ]
    return rows
