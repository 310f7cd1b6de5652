"""Fetching pages: the article and its metadata, and every way a link is refused, against a site on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from index.articles import read_article
from index.errors import FetchError, TalksbotError
from index.fetch import Page, fetch_page
from index.settings import IndexSettings
from tests.fake_site import ARTICLE_HTML, CANONICAL, PARAGRAPHS, FakeSite


def fetch_settings(**values: Any) -> IndexSettings:
    """Settings for fetching from the test site: private addresses allowed unless said otherwise."""
    return IndexSettings(**{"fetch_allow_private": True, "fetch_timeout_seconds": 5, **values}, _env_file=None)


@pytest.fixture
async def site() -> AsyncIterator[FakeSite]:
    async with FakeSite() as server:
        yield server


async def refused(url: str, settings: IndexSettings, client: httpx.AsyncClient | None = None) -> str:
    """The one-line message with which a fetch is refused."""
    with pytest.raises(FetchError) as caught:
        await fetch_page(url, settings, client)
    message = str(caught.value)
    assert isinstance(caught.value, TalksbotError)  # so the bot's edge shows it as a reply
    assert "\n" not in message and message.startswith("cannot add ")
    return message


async def test_article_page_with_its_metadata_and_cleaned_text(site: FakeSite, tmp_path: Path) -> None:
    page = await fetch_page(f"{site.url}/article", fetch_settings())
    assert page.url == CANONICAL
    assert page.title == "Talks resume in Istanbul"
    assert page.source == "Example News"
    assert page.published == "2025-03-14"
    assert all(p in page.text for p in PARAGRAPHS)
    assert "Share this" not in page.text
    (tmp_path / "a.html").write_text(ARTICLE_HTML, encoding="utf-8")
    assert page.text == read_article(tmp_path / "a.html", tmp_path).text  # the same cleaning as files
    assert site.user_agents[-1].startswith("talksbot/")


async def test_redirect_is_followed_and_a_page_without_canonical_keeps_the_final_url(site: FakeSite) -> None:
    assert (await fetch_page(f"{site.url}/redirect", fetch_settings())).url == CANONICAL
    page = await fetch_page(f"{site.url}/old", fetch_settings())
    assert page.url == f"{site.url}/plain-article"
    assert page.title == "Grain corridor reopens"
    assert page.source.startswith("127.0.0.1")  # the hostname when the page names no site
    assert site.hits["/old"] == 1 and site.hits["/plain-article"] == 1


async def test_plain_text_page(site: FakeSite) -> None:
    page = await fetch_page(f"{site.url}/notes.txt", fetch_settings())
    assert page == Page(
        url=f"{site.url}/notes.txt",
        title=page.title,
        source="127.0.0.1",
        published=None,
        text=page.text,
    )
    assert all(p in page.text for p in PARAGRAPHS)


async def test_redirect_loop_and_too_many_redirects_are_refused(site: FakeSite) -> None:
    assert "it redirects in a loop" in await refused(f"{site.url}/loop", fetch_settings())
    assert "it redirects more than 3 times" in await refused(
        f"{site.url}/chain/0", fetch_settings(fetch_max_redirects=3)
    )
    assert site.hits["/chain/3"] == 1 and site.hits["/chain/4"] == 0


async def test_redirect_to_a_file_link_is_refused(site: FakeSite) -> None:
    message = await refused(f"{site.url}/to-file", fetch_settings())
    assert message.endswith("it redirects to file:/etc/passwd, but only http and https links are fetched, not file")


@pytest.mark.parametrize(("path", "status"), [("/missing", "404 Not Found"), ("/broken", "500 Internal Server Error")])
async def test_http_errors_name_their_status(site: FakeSite, path: str, status: str) -> None:
    message = await refused(f"{site.url}{path}", fetch_settings())
    assert message == f"cannot add {site.url}{path}: the site answered {status}"


async def test_a_file_that_is_not_a_page_is_refused_by_its_type(site: FakeSite) -> None:
    message = await refused(f"{site.url}/image.png", fetch_settings())
    assert message.endswith("it is image/png, not a web page (HTML or plain text)")


async def test_a_page_without_article_text(site: FakeSite) -> None:
    assert "no article text" in await refused(f"{site.url}/empty", fetch_settings())


async def test_huge_page_is_abandoned_early(site: FakeSite) -> None:
    message = await refused(f"{site.url}/huge", fetch_settings(fetch_max_bytes=20_000))
    assert message.endswith("it is over the 20 kB limit")
    await asyncio.wait_for(site.stream_done.wait(), 5)
    assert site.streamed["/huge"] < 500_000  # of the 5 MB it would have sent


async def test_page_announcing_a_huge_size_is_refused_before_reading(site: FakeSite) -> None:
    message = await refused(f"{site.url}/huge-declared", fetch_settings(fetch_max_bytes=20_000))
    assert message.endswith("it is 50 MB, over the 20 kB limit")


@pytest.mark.parametrize("path", ["/slow", "/drip"])
async def test_slow_page_times_out(site: FakeSite, path: str) -> None:
    start = time.monotonic()
    message = await refused(f"{site.url}{path}", fetch_settings(fetch_timeout_seconds=0.3))
    assert message.endswith("the site did not answer within 0.3 seconds")
    assert time.monotonic() - start < 3


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:{port}/article", "127.0.0.1 is a loopback address, not a public one"),
        ("http://localhost:{port}/article", "localhost resolves to "),
        ("http://[::1]:{port}/article", "::1 is a loopback address, not a public one"),
        ("http://[::ffff:127.0.0.1]:{port}/article", "is a loopback address"),
        ("http://0.0.0.0:{port}/article", "0.0.0.0 is an unspecified address"),
        ("http://10.1.2.3/article", "10.1.2.3 is a private address, not a public one"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address, not a public one"),
        ("http://224.0.0.1/", "224.0.0.1 is a multicast address"),
        ("file:///etc/passwd", "only http and https links are fetched, not file"),
        ("ftp://127.0.0.1:{port}/article", "only http and https links are fetched, not ftp"),
    ],
)
async def test_non_public_addresses_and_other_schemes_are_refused(site: FakeSite, url: str, reason: str) -> None:
    port = site.url.rsplit(":", 1)[1]
    message = await refused(url.format(port=port), fetch_settings(fetch_allow_private=False))
    assert reason in message
    assert not site.hits  # nothing was requested


async def test_private_addresses_are_fetched_when_allowed_by_the_environment(
    site: FakeSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FETCH_ALLOW_PRIVATE", "true")
    page = await fetch_page(f"{site.url}/article", IndexSettings(_env_file=None))  # type: ignore[call-arg]
    assert page.url == CANONICAL
    assert not IndexSettings(_env_file=None, fetch_allow_private=False).fetch_allow_private  # type: ignore[call-arg]


class FakeResolver:
    """Names resolved as a DNS server would answer them; any other name goes to the real resolver."""

    def __init__(self, real: Any, answers: dict[str, list[str]]) -> None:
        self.real = real
        self.answers = answers

    async def __call__(self, host: str, port: int, **kwargs: Any) -> list[Any]:
        if host not in self.answers:
            return list(await self.real(host, port, **kwargs))
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)) for address in self.answers[host]]


@pytest.fixture
async def public_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """Public-looking names: news.example is public, intranet.example private, mixed.example both."""
    loop = asyncio.get_running_loop()
    answers = {
        "news.example": ["93.184.216.34"],
        "intranet.example": ["10.0.0.5"],
        "mixed.example": ["93.184.216.34", "10.1.2.3"],
    }
    monkeypatch.setattr(loop, "getaddrinfo", FakeResolver(loop.getaddrinfo, answers))


async def test_each_hop_is_checked_and_any_private_address_refuses(site: FakeSite, public_names: None) -> None:
    """Through the site as an HTTP proxy, public names are fetched and every redirect's host is checked again."""
    settings = fetch_settings(fetch_allow_private=False)
    async with httpx.AsyncClient(proxy=site.url) as client:
        assert (await fetch_page("http://news.example/article", settings, client)).url == CANONICAL
        message = await refused("http://mixed.example/article", settings, client)
        assert message.endswith("mixed.example resolves to 10.1.2.3, a private address, not a public one")
        site.hits.clear()
        redirecting = "http://news.example/redirect-to?to=http://intranet.example/secret"
        message = await refused(redirecting, settings, client)
    assert "it redirects to http://intranet.example/secret, but intranet.example resolves to 10.0.0.5" in message
    assert site.hits == {"/redirect-to": 1}
