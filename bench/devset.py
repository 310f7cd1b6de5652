"""The answerability dev set: its corpora indexed with the real model, its questions, and the examples they give.

Corpora: `seed` (the seed article alone), `dev` (the seed and the written dev articles in
tests/data/dev/articles), `xquad` (the committed XQuAD slice, one document per article),
`xquad-half` (its first half only: the other half's questions are absent-topic negatives there),
`fresh` to `fresh10` (each the `dev` corpus and the articles of tests/data/dev/fresh*), `fresh6+outlets` to
`fresh9+outlets` (those sets with a second outlet's report of each article: OUTLETS).
Questions: tests/data/dev/questions.json, the 22 seed questions, the XQuAD slice; each has a
`split`, "fit" (the model is fitted on these) or "check" (reported, never fitted on). The fresh
questions (questions_fresh*.json, `fresh_questions`) have their own split, "fresh": written by
others than the model's author. The model is fitted on all of `fresh`, `fresh2` and `fresh6` to `fresh9`
(FITTED_FRESH); `fresh3` to `fresh5` and `fresh10` are kept blind, never fitted on: only their totals are ever
reported, so that they stay measures nobody has tuned to.
"""

from __future__ import annotations

import json
import shutil
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from bench.xquad import load_xquad, write_documents
from index.answerability import (
    JUDGED_HITS,
    AnswerModel,
    Corpus,
    evidence,
    judged_across,
    question_facts,
    search_and_judge,
)
from index.articles import parse_front_matter
from index.build import build_index
from index.embedder import Embedder
from index.search import QueryEncoder, Searcher, SearchParams
from index.settings import IndexSettings
from index.store import load_index

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
DEV = DATA / "dev"
SLICE = DATA / "xquad_slice.en.json"
SLICE_RU = DATA / "xquad_slice.ru.json"  # the same articles in Russian: its questions are asked of the English
# Sets of news questions by other writers: articles in DEV / name, questions in DEV / questions_{name}.json.
FRESH = ("fresh", "fresh2", "fresh3", "fresh4", "fresh5", "fresh6", "fresh7", "fresh8", "fresh9", "fresh10")
# Of those, the ones the model is fitted on, all their questions: news as readers ask of it, which the dev set's
# fit half alone (questions of one writer, on a few articles) taught it too little of. Fitted on each of the first
# two, the other claimed fewer of its questions no article answers at the same threshold, and as many right answers;
# `fresh6` to `fresh9` were written to be fitted on.
FITTED_FRESH = ("fresh", "fresh2", "fresh6", "fresh7", "fresh8", "fresh9")
# Never fitted on, nor their answers read one by one: the bench prints totals.
BLIND = ("fresh3", "fresh4", "fresh5", "fresh10")
CORPORA = ("seed", "dev", "xquad", "xquad-half")  # built unless told otherwise
# Fitted sets whose every article a second outlet reports too, in its own words and with no fact of its own
# (tests/data/dev/outlets/<set>/, by other writers): the corpus `<set>+outlets` has both, as held-out news has
# several outlets' reports of one event. Each answerable question's answer in the rewrite's words:
# tests/data/dev/outlets/answers_<set>.json.
OUTLETS = ("fresh6", "fresh7", "fresh8", "fresh9")
SECOND_OUTLETS = DEV / "outlets"
# English questions that a Russian or Ukrainian article answers too, in its own words, though `answer` names the
# English article's (tests/data/dev/README.md): over the articles in all three languages, a quote from it is no
# wrong answer. The Belarus border talks (in the Belovezhskaya Pushcha article), the second Istanbul round.
ANSWERED_IN_ANOTHER_LANGUAGE_TOO = frozenset({"dev-a-10", "dev-a-12", "dev-a-29", "dev-a-30", "dev-a-31", "dev-a-32"})


@dataclass(frozen=True)
class DevQuestion:
    """A question with what a right answer must quote (None: no article answers it)."""

    id: str
    text: str
    corpus: str
    kind: str  # answerable, unanswerable, perturbed, absent-topic, general
    answer: str | None
    split: str
    also: tuple[str, ...] = ()  # other answers, in other articles' words (a second outlet's: `second_outlets`)

    def answered_by(self, quote: str) -> bool:
        """Whether a quote holds the answer, as written in any article that gives it."""
        return self.answer is not None and any(a in quote for a in (self.answer, *self.also))


def dev_questions() -> list[DevQuestion]:
    """Every question of the dev set: written talk questions, seed questions, XQuAD slice positives and negatives."""
    out = talk_questions()
    seed = json.loads((DATA / "seed_questions.json").read_text(encoding="utf-8"))
    out += [
        DevQuestion(f"seed-{n:02d}", r["question"], "seed", "answerable", r["answer"], "fit" if n % 2 == 0 else "check")
        for n, r in enumerate(seed)
    ]
    articles, questions = load_xquad(SLICE)
    half = set(list(articles)[: len(articles) // 2])
    for n, q in enumerate(questions):
        split = "fit" if n % 2 == 0 else "check"
        out.append(DevQuestion(f"xquad-{n:03d}", q.text, "xquad", "answerable", q.answer, split))
        if q.title not in half:
            out.append(DevQuestion(f"xquad-absent-{n:03d}", q.text, "xquad-half", "absent-topic", None, split))
        if n % 4 == 0:  # off-topic for the talks: a sample, so talk questions keep their weight
            sample = "fit" if n % 8 == 0 else "check"
            out.append(DevQuestion(f"xquad-offtopic-{n:03d}", q.text, "dev", "absent-topic", None, sample))
    return out


def talk_questions() -> list[DevQuestion]:
    """The written talk questions of questions.json, over the seed or the English dev articles."""
    rows = json.loads((DEV / "questions.json").read_text(encoding="utf-8"))
    return [DevQuestion(r["id"], r["question"], r["corpus"], r["kind"], r["answer"], r["split"]) for r in rows]


def fresh_questions(sets: tuple[str, ...] = FRESH) -> list[DevQuestion]:
    """The talk questions of fresh sets, each set on its own corpus (tests/data/dev/README.md)."""
    rows = [r for name in sets for r in json.loads((DEV / f"questions_{name}.json").read_text(encoding="utf-8"))]
    return [DevQuestion(r["id"], r["question"], r["corpus"], r["kind"], r["answer"], r["split"]) for r in rows]


def second_outlets(sets: tuple[str, ...] = OUTLETS) -> list[DevQuestion]:
    """The questions of fresh sets asked of their corpora with a second outlet's reports (`OUTLETS`): right where a
    quote holds the answer as either article writes it."""
    out = []
    for name in sets:
        rows = json.loads((SECOND_OUTLETS / f"answers_{name}.json").read_text(encoding="utf-8"))
        also = {r["id"]: (r["answer"],) for r in rows}
        out += [
            replace(q, id=f"{q.id}+outlets", corpus=f"{name}+outlets", also=also.get(q.id, ()))
            for q in fresh_questions((name,))
        ]
    return out


def general_questions(corpus: str) -> list[DevQuestion]:
    """Questions off the talks that people send a news bot (tests/data/dev/questions_general.json), general
    knowledge and everyday ones, asked of the talk corpus named `corpus`: none of its articles answers them."""
    rows = json.loads((DEV / "questions_general.json").read_text(encoding="utf-8"))
    return [DevQuestion(r["id"], r["question"], corpus, "general", None, r["split"]) for r in rows]


def typed_in_small_letters(questions: list[DevQuestion]) -> list[DevQuestion]:
    """The talk questions among `questions` as many type them in Telegram: all in small letters."""
    return [replace(q, id=f"{q.id}-typed", text=q.text.lower()) for q in questions if q.corpus in ("seed", "dev")]


def multilingual_questions() -> list[DevQuestion]:
    """Questions in Russian and Ukrainian: tests/data/dev/questions_multilingual.json over the `ml-*` corpora,
    and the XQuAD slice's Russian questions over its English articles (split like the English ones)."""
    out = _multilingual_rows(("ru", "uk"))
    articles, english = load_xquad(SLICE)
    _, russian = load_xquad(SLICE_RU)
    half = set(list(articles)[: len(articles) // 2])
    for n, (en, ru) in enumerate(zip(english, russian, strict=True)):
        split = "fit" if n % 2 == 0 else "check"
        out.append(DevQuestion(f"xquad-ru-{n:03d}", ru.text, "xquad", "answerable", en.answer, split))
        if en.title not in half:
            out.append(DevQuestion(f"xquad-ru-absent-{n:03d}", ru.text, "xquad-half", "absent-topic", None, split))
    return out


def english_questions_across() -> list[DevQuestion]:
    """English questions over the articles in all three languages (`ml-dev`): those of
    questions_multilingual.json (answered in Russian or Ukrainian), and `english_talk_questions_across`."""
    return _multilingual_rows(("en",)) + english_talk_questions_across()


def english_talk_questions_across() -> list[DevQuestion]:
    """The talk questions of questions.json on the dev articles, asked of those articles and the Russian and
    Ukrainian ones together (`ml-dev`), as news in several languages is read; but for those a Russian or Ukrainian
    article answers too."""
    return [
        replace(q, corpus="ml-dev")
        for q in talk_questions()
        if q.corpus == "dev" and q.id not in ANSWERED_IN_ANOTHER_LANGUAGE_TOO
    ]


def _multilingual_rows(languages: tuple[str, ...]) -> list[DevQuestion]:
    """The questions of questions_multilingual.json in `languages`, over the `ml-*` corpora."""
    rows = json.loads((DEV / "questions_multilingual.json").read_text(encoding="utf-8"))
    return [
        DevQuestion(r["id"], r["question"], f"ml-{r['corpus']}", r["kind"], r["answer"], r["split"])
        for r in rows
        if r["lang"] in languages
    ]


def build_multilingual_corpora(embedder: Embedder, work: Path, settings: IndexSettings) -> dict[str, Path]:
    """`ml-seed` (the seed) and `ml-dev` (the seed and every dev article, in all three languages), indexed."""
    folders = {}
    for name in ("ml-seed", "ml-dev"):
        seeds = work / f"{name}-seeds"
        shutil.copytree(ROOT / "seeds", seeds)
        if name == "ml-dev":
            for article in sorted((DEV / "articles").glob("*.md")):
                shutil.copy(article, seeds / article.name)
        folders[name] = work / f"{name}-index"
        build_index(settings.model_copy(update={"seeds_dir": seeds, "index_dir": folders[name]}), embedder)
    return folders


def dev_articles_in_other_languages() -> list[Path]:
    """The dev set's Russian and Ukrainian articles (`language:` in their front matter)."""
    english = set(english_dev_articles())
    return [path for path in sorted((DEV / "articles").glob("*.md")) if path not in english]


def english_dev_articles() -> list[Path]:
    """The dev set's English articles: the corpus its English questions were labelled against.

    The Russian and Ukrainian articles (`language:` in their front matter) answer a few of those
    questions in another language; they are in the `ml-dev` corpus (`build_multilingual_corpora`).
    """
    return [
        path
        for path in sorted((DEV / "articles").glob("*.md"))
        if parse_front_matter(path.read_text(encoding="utf-8"))[0].get("language", "en") == "en"
    ]


def build_corpora(
    embedder: Embedder,
    work: Path,
    settings: IndexSettings,
    only: tuple[str, ...] = CORPORA,
    other_languages: bool = False,
) -> dict[str, Path]:
    """Index each dev corpus (or those named in `only`) once under `work`; returns the index folder of each.
    With `other_languages`, the dev set's Russian and Ukrainian articles join each talk corpus."""
    folders = {}
    for name in only:
        print(f"indexing the {name} corpus…", file=sys.stderr)
        folders[name] = work / f"{name}-index"
        seeds = corpus_seeds(name, work / f"{name}-seeds", other_languages)
        build_index(settings.model_copy(update={"seeds_dir": seeds, "index_dir": folders[name]}), embedder)
    return folders


def corpus_seeds(name: str, folder: Path, other_languages: bool = False) -> Path:
    """Write the articles of one dev corpus into `folder` (a new folder), as the index builds from them; with
    `other_languages`, a talk corpus's with the dev set's Russian and Ukrainian articles. `<set>+outlets` is a set of
    OUTLETS with its second outlet's reports."""
    if name in ("xquad", "xquad-half"):
        articles, _ = load_xquad(SLICE)
        half = dict(list(articles.items())[: len(articles) // 2])  # the other half's questions are absent-topic here
        write_documents(half if name == "xquad-half" else articles, folder)
        return folder
    name, plus, outlets = name.partition("+")
    if plus and (outlets != "outlets" or name not in OUTLETS):
        raise ValueError(f"no such dev corpus: {name}{plus}{outlets}")
    shutil.copytree(ROOT / "seeds", folder)
    extra = sorted((DEV / name).glob("*.md")) if name in FRESH else []
    extra += sorted((SECOND_OUTLETS / name).glob("*.md")) if outlets else []
    foreign = dev_articles_in_other_languages() if other_languages else []
    for article in ([] if name == "seed" else english_dev_articles() + extra) + foreign:
        shutil.copy(article, folder / article.name)
    return folder


def as_live_blog(folder: Path) -> Path:
    """A talk corpus written by `corpus_seeds` with its dev articles (its .md files: the seed is a .txt and stays
    apart) merged into one long document, as a live blog of the talks runs: each article a part under its title,
    oldest first, the whole dated by the newest; no part is dated of its own (live blogs stamp their updates with a
    time), so only the dates its text writes tell them apart. Held-out news has articles of a hundred passages,
    where a whole article holds every name."""
    parts, dates = [], []
    for path in sorted(folder.glob("*.md")):  # named by date
        meta, body = parse_front_matter(path.read_text(encoding="utf-8"))
        parts.append(f"{meta['title']}\n\n{body.strip()}")
        dates.append(meta["published"])
        path.unlink()
    front = f"---\ntitle: Live: the Russia–Ukraine peace talks\npublished: {max(dates)}\nlicense: CC0-1.0\n---\n\n"
    (folder / "live-blog.md").write_text(front + "\n\n".join(parts) + "\n", encoding="utf-8")
    return folder


def build_live_blogs(embedder: Embedder, work: Path, settings: IndexSettings, sets: tuple[str, ...]) -> dict[str, Path]:
    """Index each named talk corpus under `work` with its dev articles merged into one live blog (`as_live_blog`);
    returns the index folder of each."""
    folders = {}
    for name in sets:
        seeds = as_live_blog(corpus_seeds(name, work / f"{name}-seeds"))
        folders[name] = work / f"{name}-index"
        build_index(settings.model_copy(update={"seeds_dir": seeds, "index_dir": folders[name]}), embedder)
    return folders


def searchers(folders: dict[str, Path], embedder: Embedder, query: QueryEncoder) -> dict[str, Corpus]:
    """Each built corpus, loaded for answering, encoding questions with `query`."""
    return {name: Corpus(Searcher(load_index(folder, embedder.name), query)) for name, folder in folders.items()}


@dataclass(frozen=True)
class Example:
    """One judged hit: its features and whether its quote holds the answer."""

    question: DevQuestion
    features: np.ndarray
    label: int
    ruled_out: bool
    judged_across: bool  # by a model across languages: the question or the hit's article is not in English


def examples(
    questions: list[DevQuestion], corpora: dict[str, Corpus], params: SearchParams, limit: int
) -> list[Example]:
    """The features of the judged hits of each question, labelled by whether the hit quotes its answer."""
    ranked = replace(params, min_score=0.0)
    out = []
    for q in questions:
        corpus = corpora[q.corpus]
        hits = corpus.searcher.search(q.text, limit, ranked)
        facts = question_facts(q.text, corpus, hits[:JUDGED_HITS])
        for hit in hits[:JUDGED_HITS]:
            label = int(q.answered_by(hit.quote))
            found = evidence(facts, hit, hits, corpus)
            out.append(Example(q, found.features, label, found.ruled_out, judged_across(facts.language, hit.article)))
    return out


@dataclass(frozen=True)
class Outcome:
    """What the bot did with one question: its confidence, whether it claimed, where its quotes hold the answer."""

    question: DevQuestion
    claimed: bool
    confidence: float
    first_right: bool  # the first quote holds the answer, claimed or not
    any_right: bool  # one of the first page's quotes does
    first_language: str | None  # the language of the first quote's article (None: undeclared English, or no quote)

    @property
    def right_at_1(self) -> bool:
        """Claimed, and the first quote holds the answer."""
        return self.claimed and self.first_right

    @property
    def right_at_3(self) -> bool:
        """Claimed, and a quote of the first page holds the answer."""
        return self.claimed and self.any_right


def outcomes(
    questions: list[DevQuestion],
    corpora: dict[str, Corpus],
    params: SearchParams,
    model: AnswerModel,
    limit: int,
    page: int,
) -> list[Outcome]:
    """Each question answered as the bot answers it (search, then judgement; no dev question is small talk, which
    the bot does not search: tests/test_small_talk.py)."""
    out = []
    for q in questions:
        judgement = search_and_judge(corpora[q.corpus], q.text, limit, params, model)
        right = [q.answered_by(h.quote) for h in judgement.hits[:page]]
        first = judgement.hits[0].article.language if judgement.hits else None
        out.append(Outcome(q, judgement.claimed, judgement.confidence, right[:1] == [True], any(right), first))
    return out
