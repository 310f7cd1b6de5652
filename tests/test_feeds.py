"""Polling feeds: new items once, conditional GET, items kept until marked seen, failures per feed."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from index.feeds import SEEN_PER_FEED, FeedItem, load_state, mark_seen, poll_feeds
from index.settings import IndexSettings
from tests.fake_site import ATOM_MODIFIED, FakeSite


def feed_settings(**values: Any) -> IndexSettings:
    """Settings for polling the test site: private addresses allowed unless said otherwise."""
    return IndexSettings(**{"fetch_allow_private": True, "fetch_timeout_seconds": 5, **values}, _env_file=None)


@pytest.fixture
async def site() -> AsyncIterator[FakeSite]:
    async with FakeSite() as server:
        yield server


def mark_all(state: Path, items: list[FeedItem]) -> None:
    for item in items:
        mark_seen(state, item.feed, [item.url])


async def test_rss_and_atom_items_with_titles_dates_and_absolute_links(site: FakeSite, tmp_path: Path) -> None:
    rss, atom = f"{site.url}/feed.rss", f"{site.url}/feed.atom"
    poll = await poll_feeds([rss, atom], tmp_path / "feeds.json", feed_settings())
    assert poll.failures == []
    assert poll.items == [
        FeedItem(rss, f"{site.url}/news/1", "Talks resume in Istanbul", "2025-03-14"),
        FeedItem(rss, f"{site.url}/news/2", "Prisoner exchange agreed", "2025-03-15"),
        FeedItem(atom, f"{site.url}/wire/7", "Ceasefire monitors named", "2025-03-16"),
    ]
    assert all(agent.startswith("talksbot/") for agent in site.user_agents)


async def test_unmarked_items_come_back_and_marked_ones_do_not(site: FakeSite, tmp_path: Path) -> None:
    rss, state = f"{site.url}/feed.rss", tmp_path / "feeds.json"
    first = await poll_feeds([rss], state, feed_settings())
    again = await poll_feeds([rss], state, feed_settings())  # as after a crash before the articles were added
    assert again.items == first.items
    mark_seen(state, rss, [first.items[0].url])
    assert [i.url for i in (await poll_feeds([rss], state, feed_settings())).items] == [f"{site.url}/news/2"]


async def test_nothing_new_is_answered_from_the_conditional_get(site: FakeSite, tmp_path: Path) -> None:
    rss, atom, state = f"{site.url}/feed.rss", f"{site.url}/feed.atom", tmp_path / "feeds.json"
    mark_all(state, (await poll_feeds([rss, atom], state, feed_settings())).items)
    assert (await poll_feeds([rss, atom], state, feed_settings())).items == []  # all seen: validators saved
    assert not site.not_modified
    site.conditional.clear()
    assert (await poll_feeds([rss, atom], state, feed_settings())).items == []
    assert site.not_modified == {"/feed.rss": 1, "/feed.atom": 1}
    assert {"If-None-Match": '"rss-v2"'} in site.conditional
    assert {"If-Modified-Since": ATOM_MODIFIED} in site.conditional


async def test_a_new_item_is_returned_alone(site: FakeSite, tmp_path: Path) -> None:
    rss, state = f"{site.url}/feed.rss", tmp_path / "feeds.json"
    mark_all(state, (await poll_feeds([rss], state, feed_settings())).items)
    assert (await poll_feeds([rss], state, feed_settings())).items == []
    site.add_rss_item("/news/3", "Monitors arrive", "Mon, 17 Mar 2025 07:00:00 GMT")
    poll = await poll_feeds([rss], state, feed_settings())
    assert poll.items == [FeedItem(rss, f"{site.url}/news/3", "Monitors arrive", "2025-03-17")]


async def test_one_failing_feed_does_not_stop_the_others(site: FakeSite, tmp_path: Path) -> None:
    rss = f"{site.url}/feed.rss"
    broken = [f"{site.url}/article", f"{site.url}/missing", f"{site.url}/huge-feed.rss", "http://10.9.8.7/rss"]
    settings = feed_settings(fetch_max_bytes=20_000)
    poll = await poll_feeds([broken[0], rss, *broken[1:3]], tmp_path / "feeds.json", settings)
    assert len(poll.items) == 2
    reasons = {failure.feed: failure.reason for failure in poll.failures}
    assert reasons[broken[0]].startswith(f"cannot read the feed {broken[0]}: it is not an RSS or Atom feed")
    assert reasons[broken[1]].endswith("the site answered 404 Not Found")
    assert reasons[broken[2]].endswith("it is over the 20 kB limit")
    assert len(reasons) == 3
    private = await poll_feeds(broken[3:], tmp_path / "feeds.json", feed_settings(fetch_allow_private=False))
    assert private.failures[0].reason.endswith("10.9.8.7 is a private address, not a public one")
    assert all("\n" not in failure.reason for failure in poll.failures + private.failures)


async def test_state_file_is_json_bounded_and_written_whole(tmp_path: Path) -> None:
    state, feed = tmp_path / "state" / "feeds.json", "https://news.example.org/rss"
    mark_seen(state, feed, [f"https://news.example.org/{n}" for n in range(SEEN_PER_FEED + 100)])
    data = json.loads(state.read_text(encoding="utf-8"))
    seen = data["feeds"][feed]["seen"]
    assert len(seen) == SEEN_PER_FEED and seen[-1] == f"https://news.example.org/{SEEN_PER_FEED + 99}"
    assert [p.name for p in state.parent.iterdir()] == ["feeds.json"]  # no temporary file left behind
    state.write_text("{not json", encoding="utf-8")
    assert load_state(state) == {}  # a damaged file starts afresh rather than stopping every poll


def test_feeds_setting_is_comma_separated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FEEDS", "https://a.example/rss, https://b.example/atom.xml")
    monkeypatch.setenv("FEED_INTERVAL_MINUTES", "15")
    settings = IndexSettings(_env_file=None)  # type: ignore[call-arg]
    assert settings.feeds == ["https://a.example/rss", "https://b.example/atom.xml"]
    assert settings.feed_interval_minutes == 15
    monkeypatch.setenv("FEEDS", "")
    assert IndexSettings(_env_file=None).feeds == []  # type: ignore[call-arg]
    monkeypatch.setenv("FEEDS", "ftp://a.example/rss")
    with pytest.raises(ValueError, match="FEEDS must be comma-separated http or https URLs"):
        IndexSettings(_env_file=None)  # type: ignore[call-arg]
    monkeypatch.setenv("FEEDS", "")
    monkeypatch.setenv("FEED_INTERVAL_MINUTES", "0")
    with pytest.raises(ValueError, match="greater than 0"):
        IndexSettings(_env_file=None)  # type: ignore[call-arg]
