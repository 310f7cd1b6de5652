"""Polling RSS and Atom feeds for new article links, with conditional GET and a small state file.

Feeds are fetched by `index.fetch.fetch_checked` (same safety rules and size limit as pages) and only
parsed by feedparser, which never fetches anything itself. The state file remembers per feed its ETag,
its Last-Modified and the item links already handled (the last `SEEN_PER_FEED`).

Items are seen only when the caller says so: `poll_feeds` returns the new items and `mark_seen` records
the ones the caller handled, so a crash between the two loses nothing (the items come back next poll).
For the same reason a feed's validators are saved only by a poll that found nothing new: saved earlier,
a 304 would hide items still unhandled. The file is written atomically; one process owns it.
A feed's first poll returns every item it lists; a feed listing more than `SEEN_PER_FEED` items at once
would see its oldest ones come back.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import feedparser
import httpx

from index.errors import FetchError
from index.fetch import Download, fetch_checked, new_client, shown
from index.settings import IndexSettings

SEEN_PER_FEED = 2000
STATE_VERSION = 1
_ACTION = "read the feed"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FeedItem:
    """A new item of a feed: its link, title and day of publication (YYYY-MM-DD) if the feed gives them."""

    feed: str
    url: str
    title: str | None
    published: str | None


@dataclass(frozen=True)
class FeedFailure:
    """A feed that could not be polled, with the reason as one line."""

    feed: str
    reason: str


@dataclass(frozen=True)
class FeedPoll:
    """What one poll found: new items (feed order, each link once) and the feeds that failed."""

    items: list[FeedItem] = field(default_factory=list)
    failures: list[FeedFailure] = field(default_factory=list)


@dataclass
class FeedState:
    """What is remembered of one feed between polls."""

    etag: str | None = None
    modified: str | None = None
    seen: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Outcome:
    """One feed's poll: its new items, the validators to save if it had none, or a failure."""

    feed: str
    items: list[FeedItem] = field(default_factory=list)
    etag: str | None = None
    modified: str | None = None
    failure: str | None = None


async def poll_feeds(
    urls: Sequence[str], state_path: Path, settings: IndexSettings, client: httpx.AsyncClient | None = None
) -> FeedPoll:
    """Fetch every feed and return the items not yet marked seen; one failing feed never stops the others."""
    states = load_state(state_path)
    http = client or new_client(settings)
    try:
        outcomes = await asyncio.gather(*(_poll_one(url, states.get(url), settings, http) for url in urls))
    finally:
        if client is None:
            await http.aclose()
    _save_validators(state_path, [o for o in outcomes if o.failure is None and not o.items])
    return _collect(outcomes)


def mark_seen(state_path: Path, feed_url: str, item_urls: Iterable[str]) -> None:
    """Record items of a feed as handled so later polls no longer return them."""
    states = load_state(state_path)
    state = states.setdefault(feed_url, FeedState())
    for url in item_urls:
        if url not in state.seen:
            state.seen.append(url)
    del state.seen[:-SEEN_PER_FEED]
    save_state(state_path, states)


def load_state(path: Path) -> dict[str, FeedState]:
    """The feeds' state from its file; none if the file is missing or unreadable (then every item is new again)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        log.warning("feed state %s cannot be read, starting afresh: %s", path, exc)
        return {}
    feeds: dict[str, Any] = data.get("feeds", {}) if isinstance(data, dict) else {}
    return {url: FeedState(s.get("etag"), s.get("modified"), list(s.get("seen", []))) for url, s in feeds.items()}


def save_state(path: Path, states: dict[str, FeedState]) -> None:
    """Write the feeds' state atomically: a temporary file beside it, then a rename."""
    data = {
        "version": STATE_VERSION,
        "feeds": {url: {"etag": s.etag, "modified": s.modified, "seen": s.seen} for url, s in states.items()},
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, indent=1)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


async def _poll_one(url: str, state: FeedState | None, settings: IndexSettings, http: httpx.AsyncClient) -> _Outcome:
    """One feed's new items, or the reason it failed."""
    state = state or FeedState()
    try:
        download = await fetch_checked(url, settings, http, headers=_conditional(state), action=_ACTION)
    except FetchError as exc:
        return _Outcome(url, failure=str(exc))
    if download.status == 304:
        return _Outcome(url, etag=state.etag, modified=state.modified)
    try:
        entries = await asyncio.to_thread(_entries, url, download)
    except FetchError as exc:
        return _Outcome(url, failure=str(exc))
    seen = set(state.seen)
    items = [_item(url, entry) for entry in entries]
    new = [item for item in items if item is not None and item.url not in seen]
    return _Outcome(url, new, download.headers.get("etag"), download.headers.get("last-modified"))


def _conditional(state: FeedState) -> dict[str, str]:
    """The headers that let the server answer 304 when the feed has not changed."""
    headers = {}
    if state.etag:
        headers["If-None-Match"] = state.etag
    if state.modified:
        headers["If-Modified-Since"] = state.modified
    return headers


def _entries(url: str, download: Download) -> list[Any]:
    """The entries of a downloaded feed; FetchError if it is not an RSS or Atom feed."""
    response_headers = {"content-location": download.url, "content-type": download.headers.get("content-type", "")}
    parsed = feedparser.parse(download.body, response_headers=response_headers)
    if not parsed.get("version") and not parsed.entries:
        why = parsed.get("bozo_exception")
        detail = f" ({type(why).__name__})" if why else ""
        declared = download.content_type or "no declared type"
        raise FetchError(shown(url), f"it is not an RSS or Atom feed (the server sent {declared}){detail}", _ACTION)
    return list(parsed.entries)


def _item(feed: str, entry: Any) -> FeedItem | None:
    """A feed entry as an item, or None if it links to no http(s) page."""
    link = str(entry.get("link") or "").strip()
    if not link.lower().startswith(("http://", "https://")):
        return None
    title = str(entry.get("title") or "").strip() or None
    when = entry.get("published_parsed") or entry.get("updated_parsed")
    published = time.strftime("%Y-%m-%d", when) if when else None
    return FeedItem(feed=feed, url=link, title=title, published=published)


def _save_validators(state_path: Path, outcomes: list[_Outcome]) -> None:
    """Remember the ETag and Last-Modified of the feeds that had nothing new; the rest of the state stays."""
    if not outcomes:
        return
    states = load_state(state_path)
    changed = False
    for outcome in outcomes:
        state = states.setdefault(outcome.feed, FeedState())
        if (state.etag, state.modified) != (outcome.etag, outcome.modified):
            state.etag, state.modified = outcome.etag, outcome.modified
            changed = True
    if changed:
        save_state(state_path, states)


def _collect(outcomes: list[_Outcome]) -> FeedPoll:
    """The new items of all feeds, each link once, and their failures."""
    poll = FeedPoll()
    links: set[str] = set()
    for outcome in outcomes:
        if outcome.failure is not None:
            poll.failures.append(FeedFailure(outcome.feed, outcome.failure))
        for item in outcome.items:
            if item.url not in links:
                links.add(item.url)
                poll.items.append(item)
    return poll
