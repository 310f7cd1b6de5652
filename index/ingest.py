"""Adding and removing articles: stored under ARTICLES_DIR, then a new generation with only them encoded.

The one path for every way in (`python -m index add`, feeds, Telegram). A failure leaves the live
generation serving and the article store as it was: files written for a failed addition are taken back.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from index.articles import SUFFIXES, Article, UnreadableArticle, read_article
from index.build import BuildReport, update_index
from index.embedder import Embedder
from index.errors import BuildError, FetchError
from index.feeds import mark_seen, poll_feeds
from index.fetch import Page, fetch_page, shown
from index.library import Draft, forget, in_store, same_story, store
from index.settings import IndexSettings
from index.store import Index, live_generation, read_generation

log = logging.getLogger(__name__)

FEED_STATE = "feeds.json"  # in INDEX_DIR: per feed, its validators and the items already handled


@dataclass(frozen=True)
class Outcome:
    """What became of one draft."""

    draft: Draft
    article: Article | None = None  # stored and indexed
    passages: int = 0
    replaced: bool = False  # it took the place of the article with its URL
    refused: str | None = None  # why it was not added, in words

    def describe(self) -> str:
        """One line for a person: "Added: title (12 passages)" or why not."""
        title = (self.article.title if self.article else None) or self.draft.title or self.draft.url or "article"
        if self.refused:
            return f"Not added: {title}: {self.refused}"
        verb = "Updated" if self.replaced else "Added"
        return f"{verb}: {title} ({self.passages} passage{'s' if self.passages != 1 else ''}), searchable now"


@dataclass(frozen=True)
class Change:
    """An addition's outcomes and the generation it made (None when nothing was added)."""

    outcomes: list[Outcome]
    report: BuildReport | None


def add_drafts(
    settings: IndexSettings, embedder: Embedder, drafts: Sequence[Draft], index: Index | None = None
) -> Change:
    """Store the drafts that are new stories, then index them in one new generation.

    `index` is the live one if the caller has it loaded (the bot); else it is read here.
    """
    if index is None:
        folder = live_generation(settings.index_dir)
        if folder is None:
            raise BuildError(f"no index at {settings.index_dir} to add to: build it first with `python -m index build`")
        index = read_generation(folder, embedder.name, embedder.dimension)
    outcomes: list[Outcome] = []
    stored: list[tuple[Article, bytes | None]] = []  # each new file, and the bytes it replaced
    taken: set[str] = set()
    replaced_ids: list[str] = []  # articles of another id that a draft with their URL replaces (seeds)
    try:
        for draft in drafts:
            same_url, copy_of = same_story(draft, index)
            if copy_of is not None or (same_url is not None and same_url in taken):
                outcomes.append(Outcome(draft, refused=f"the same story is already indexed ({copy_of or same_url})"))
                continue
            if same_url is not None and index.articles[same_url].text == draft.text:
                outcomes.append(Outcome(draft, refused=f"already indexed, unchanged ({same_url})"))
                continue
            old = index.articles[same_url] if same_url is not None else None
            before = _bytes(Path(old.path)) if old is not None else None
            article = store(settings.articles_dir, draft, replaces=old)
            stored.append((article, before))
            taken.add(article.id)
            if old is not None and old.id != article.id:
                replaced_ids.append(old.id)
            outcomes.append(Outcome(draft, article, replaced=old is not None))
        articles = [o.article for o in outcomes if o.article is not None]
        if not articles:
            return Change(outcomes, None)
        report = update_index(settings, embedder, add=articles, remove=replaced_ids)
    except BaseException:
        for article, before in stored:
            _restore(Path(article.path), before)
        raise
    assert report.path is not None
    new = read_generation(report.path, embedder.name, embedder.dimension)
    counts = new.passage_counts()
    new.articles.close()
    outcomes = [o if o.article is None else _counted(o, counts.get(o.article.id, 0)) for o in outcomes]
    return Change(outcomes, report)


async def read_sources(sources: Sequence[str], settings: IndexSettings) -> tuple[list[Draft], list[str]]:
    """Drafts of links (fetched) and local files (read), and one line per source that gave none."""
    drafts: list[Draft] = []
    failed: list[str] = []
    for source in sources:
        try:
            if re.match(r"^[a-z][a-z0-9+.-]*://", source, re.IGNORECASE):
                drafts.append(draft_of_page(await fetch_page(source, settings)))
            else:
                drafts.append(draft_of_file(Path(source)))
        except (FetchError, UnreadableArticle) as exc:
            failed.append(f"Not added: {source}: {exc}")
    return drafts, failed


def draft_of_page(page: Page) -> Draft:
    """A fetched page as a draft."""
    return Draft(page.text, page.title, page.source, page.url, page.published)


def draft_of_file(path: Path) -> Draft:
    """A local article file as a draft; raises UnreadableArticle with the reason."""
    if not path.is_file():
        raise UnreadableArticle("no such file")
    if path.suffix.lower() not in SUFFIXES:
        raise UnreadableArticle(f"not an article file (use {', '.join(sorted(SUFFIXES))})")
    article = read_article(path, path.parent)
    return Draft(article.text, article.title, article.source, article.url, article.published)


@dataclass(frozen=True)
class FeedReport:
    """One poll of the feeds: the outcomes of the items added and what failed."""

    outcomes: list[Outcome]
    failures: list[str]

    @property
    def failed(self) -> bool:
        """Whether a feed or an item could not be read."""
        return bool(self.failures)

    def lines(self) -> list[str]:
        """One line per item and per failure; a line saying so when nothing was new."""
        lines = [o.describe() for o in self.outcomes] + self.failures
        return lines or ["No new articles in the feeds."]


async def poll_and_add(settings: IndexSettings, add: Callable[[list[Draft]], Change]) -> FeedReport:
    """Poll FEEDS once, fetch each new item's page and add them with `add` (run in a thread: it encodes).

    Items are marked seen once handled (added, refused as a duplicate, or unreadable), so a crash
    in between brings them back at the next poll.
    """
    state = settings.index_dir / FEED_STATE
    poll = await poll_feeds(settings.feeds, state, settings)
    failures = [f"Feed {shown(f.feed)}: {f.reason}" for f in poll.failures]
    drafts: list[Draft] = []
    handled: dict[str, list[str]] = {}
    for item in poll.items:
        try:
            page = await fetch_page(item.url, settings)
        except FetchError as exc:
            failures.append(f"Not added: {shown(item.url)}: {exc}")
        else:
            drafts.append(
                draft_of_page(page) if page.published else replace(draft_of_page(page), published=item.published)
            )
        handled.setdefault(item.feed, []).append(item.url)
    outcomes: list[Outcome] = []
    if drafts:
        change = await asyncio.to_thread(add, drafts)
        outcomes = change.outcomes
    for feed, urls in handled.items():
        mark_seen(state, feed, urls)
    return FeedReport(outcomes, failures)


def remove_articles(settings: IndexSettings, embedder: Embedder, ids: Sequence[str], index: Index) -> BuildReport:
    """Take articles out of the index and the article store; seed files cannot be removed this way."""
    unknown = [i for i in ids if i not in index.articles]
    if unknown:
        raise BuildError(f"no article with the id {unknown[0]} (see /sources for the ids)")
    seeds = [i for i in ids if not in_store(index.articles[i], settings.articles_dir)]
    if seeds:
        raise BuildError(
            f"{seeds[0]} is a file of the seeds folder: delete it from {settings.seeds_dir} and rebuild instead"
        )
    articles = [index.articles[i] for i in ids]
    report = update_index(settings, embedder, remove=list(ids))
    for article in articles:
        forget(settings.articles_dir, article)
    return report


def _counted(outcome: Outcome, passages: int) -> Outcome:
    return Outcome(outcome.draft, outcome.article, passages, outcome.replaced, outcome.refused)


def _bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _restore(path: Path, before: bytes | None) -> None:
    """Put a file back as it was before a failed addition (gone if it was new)."""
    try:
        if before is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(before)
    except OSError as exc:
        log.warning("could not restore %s after a failed addition: %s", path, exc)
