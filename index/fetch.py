"""Fetching web pages safely: http(s) only, public addresses only, bounded in time, size and redirects.

`fetch_checked` is the one checked request, used for pages here and for feeds in `index.feeds`. Every hop's
host is resolved with the running loop's `getaddrinfo` and refused if any address it resolves to is not
public. The HTTP client resolves the name again when it connects, so a DNS server that answers differently
the second time (rebinding) is not stopped by this check; the redirect, size and type checks still hold.
"""

from __future__ import annotations

import asyncio
import codecs
import ipaddress
import re
import socket
from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from index.articles import UnreadableArticle, fields_from_html, fields_from_text
from index.errors import FetchError
from index.settings import IndexSettings

USER_AGENT = "talksbot/0.1 (+https://github.com/talksbot/talksbot)"
PAGE_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
SCHEMES = frozenset({"http", "https"})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CONDITIONAL = ("if-none-match", "if-modified-since")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HEADER_CHARSET = re.compile(r"charset=[\"']?([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]+charset=[\"']?([\w.:-]+)", re.IGNORECASE)
_UNPRINTABLE = re.compile(r"[\s\x00-\x1f\x7f-\x9f]+")
_SHOWN_CHARS = 200

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Page:
    """A fetched article: where it lives, its title, site, day of publication and cleaned text."""

    url: str
    title: str | None
    source: str
    published: str | None
    text: str


@dataclass(frozen=True)
class Download:
    """A response read within the limits: the final URL, its status, headers and body."""

    url: str
    status: int
    headers: httpx.Headers
    body: bytes

    @property
    def content_type(self) -> str:
        """The media type the server declared, lower-cased, without parameters; empty if none."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def text(self) -> str:
        """The body decoded by the declared charset, else the page's own `<meta charset>`, else UTF-8."""
        for charset in (_charset(self.headers.get("content-type", "")), _meta_charset(self.body)):
            if charset:
                return self.body.decode(charset, errors="replace")
        return self.body.decode("utf-8", errors="replace")


async def fetch_page(url: str, settings: IndexSettings, client: httpx.AsyncClient | None = None) -> Page:
    """Fetch one web page and extract its article; raises FetchError with a reason a user can read."""
    download = await fetch_checked(url, settings, client, accept=PAGE_TYPES)
    return await asyncio.to_thread(_page, url, download)


async def fetch_checked(
    url: str,
    settings: IndexSettings,
    client: httpx.AsyncClient | None = None,
    *,
    accept: frozenset[str] | None = None,
    headers: Mapping[str, str] | None = None,
    action: str = "add",
) -> Download:
    """GET a URL under the safety rules: checked hosts, capped redirects, a deadline, a size limit, `accept`ed types.

    A 304 is returned as is when `headers` make the request conditional; other errors raise FetchError,
    whose message reads "cannot {action} {url}: {reason}".
    """
    http = client or new_client(settings)
    try:
        async with asyncio.timeout(settings.fetch_timeout_seconds):
            return await _follow(url, settings, http, accept, dict(headers or {}), action)
    except (TimeoutError, httpx.TimeoutException):
        reason = f"the site did not answer within {settings.fetch_timeout_seconds:g} seconds"
        raise FetchError(shown(url), reason, action) from None
    except httpx.HTTPError as exc:
        detail = _one_line(str(exc)) or type(exc).__name__
        raise FetchError(shown(url), f"the site cannot be reached ({detail})", action) from exc
    finally:
        if client is None:
            await http.aclose()


def new_client(settings: IndexSettings) -> httpx.AsyncClient:
    """An HTTP client for fetching: our User-Agent, the timeout, no redirects, no proxies from the environment."""
    return httpx.AsyncClient(
        timeout=httpx.Timeout(settings.fetch_timeout_seconds),
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT},
        trust_env=False,
    )


async def _follow(
    url: str,
    settings: IndexSettings,
    http: httpx.AsyncClient,
    accept: frozenset[str] | None,
    headers: dict[str, str],
    action: str,
) -> Download:
    """Request `url`, following redirects by hand and checking every hop's host."""
    current, visited = url, {url}
    for _ in range(settings.fetch_max_redirects + 1):
        target = await _checked_target(current, url, settings, action)
        request = http.build_request("GET", target, headers={**headers, "User-Agent": USER_AGENT})
        response = await http.send(request, stream=True, follow_redirects=False)
        try:
            if response.status_code not in _REDIRECTS:
                return await _download(response, url, settings, accept, headers, action)
            current = _location(response, url, action)
        finally:
            await response.aclose()
        if current in visited:
            raise FetchError(shown(url), "it redirects in a loop", action)
        visited.add(current)
    raise FetchError(shown(url), f"it redirects more than {settings.fetch_max_redirects} times", action)


async def _checked_target(hop: str, url: str, settings: IndexSettings, action: str) -> httpx.URL:
    """The hop as a URL, or FetchError if its scheme or host may not be fetched."""
    try:
        target = httpx.URL(hop)
        problem = await refusal(target, settings)
    except (httpx.InvalidURL, ValueError) as exc:
        problem = f"it is not a valid link ({_one_line(str(exc))})"
        target = httpx.URL()
    if problem is None:
        return target
    reason = problem if hop == url else f"it redirects to {shown(hop)}, but {problem}"
    raise FetchError(shown(url), reason, action)


async def refusal(url: httpx.URL, settings: IndexSettings) -> str | None:
    """Why `url` may not be fetched (its scheme, or a host that is or resolves to a non-public address), or None."""
    if url.scheme not in SCHEMES:
        return f"only http and https links are fetched, not {url.scheme or 'a link without a scheme'}"
    host = url.raw_host.decode("ascii", errors="replace")
    if not host:
        return "the link names no host"
    if settings.fetch_allow_private:
        return None
    literal = _ip(host)
    if literal is not None:
        kind = address_kind(literal)
        return f"{literal} is {_a(kind)} address, not a public one" if kind else None
    return await _resolved_refusal(host, url.port or (443 if url.scheme == "https" else 80))


async def _resolved_refusal(host: str, port: int) -> str | None:
    """Why `host` may not be fetched: it cannot be found, or any address it resolves to is not public."""
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return f"the host {host} cannot be found"
    for info in infos:
        address = _ip(str(info[4][0]))
        kind = address_kind(address) if address is not None else "unreadable"
        if kind:
            return f"{host} resolves to {address or info[4][0]}, {_a(kind)} address, not a public one"
    return None


def address_kind(address: IpAddress) -> str | None:
    """What makes an address non-public ("loopback", "private", ...), or None for a public one."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
        ("non-public", not address.is_global),
    )
    return next((kind for kind, applies in checks if applies), None)


def _a(word: str) -> str:
    return f"an {word}" if word[0] in "aeiou" else f"a {word}"


def _ip(text: str) -> IpAddress | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _location(response: httpx.Response, url: str, action: str) -> str:
    """Where a redirect leads, resolved against the URL that answered it."""
    location = response.headers.get("location", "").strip()
    if not location:
        raise FetchError(shown(url), f"the site answered {response.status_code} without saying where to go", action)
    try:
        return str(response.url.join(location))
    except httpx.InvalidURL as exc:
        raise FetchError(shown(url), f"it redirects to an invalid link ({_one_line(str(exc))})", action) from exc


async def _download(
    response: httpx.Response,
    url: str,
    settings: IndexSettings,
    accept: frozenset[str] | None,
    headers: dict[str, str],
    action: str,
) -> Download:
    """The response's body, read only if its status, type and size allow."""
    status = response.status_code
    conditional = any(name.lower() in _CONDITIONAL for name in headers)
    if status == 304 and conditional:
        return Download(str(response.url), status, response.headers, b"")
    if not 200 <= status < 300:
        phrase = f" {response.reason_phrase}" if response.reason_phrase else ""
        raise FetchError(shown(url), f"the site answered {status}{phrase}", action)
    content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if accept is not None and content_type not in accept:
        kind = content_type or "of no declared type"
        raise FetchError(shown(url), f"it is {kind}, not a web page (HTML or plain text)", action)
    body = await _read_within(response, settings.fetch_max_bytes, url, action)
    return Download(str(response.url), status, response.headers, body)


async def _read_within(response: httpx.Response, limit: int, url: str, action: str) -> bytes:
    """The body, read chunk by chunk and abandoned as soon as it grows past `limit` bytes."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FetchError(shown(url), f"it is {size_text(int(declared))}, over the {size_text(limit)} limit", action)
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > limit:
            raise FetchError(shown(url), f"it is over the {size_text(limit)} limit", action)
        chunks.append(chunk)
    return b"".join(chunks)


def _page(url: str, download: Download) -> Page:
    """The article on a downloaded page, cleaned as article files are."""
    try:
        if download.content_type == "text/plain":
            fields = fields_from_text(download.text(), markdown=False)
        else:
            fields = fields_from_html(download.text(), url=download.url)
    except UnreadableArticle as exc:
        raise FetchError(shown(url), f"the page cannot be read ({_one_line(str(exc))})") from exc
    if not fields["text"].strip():
        raise FetchError(shown(url), "no article text was found on the page")
    final = httpx.URL(download.url)
    return Page(
        url=_canonical(fields.get("url"), download.url),
        title=fields.get("title"),
        source=fields.get("source") or final.host,
        published=_day(fields.get("published")),
        text=fields["text"],
    )


def _canonical(named: str | None, final: str) -> str:
    """The URL the page names for itself if it is an absolute http(s) link, else the URL it was fetched from."""
    if not named:
        return final
    try:
        url = httpx.URL(named)
    except httpx.InvalidURL:
        return final
    return named if url.scheme in SCHEMES and url.host else final


def _day(value: str | None) -> str | None:
    return value if value and _ISO_DAY.match(value) else None


def _charset(content_type: str) -> str | None:
    match = _HEADER_CHARSET.search(content_type)
    return _known_codec(match.group(1)) if match else None


def _meta_charset(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:4096])
    return _known_codec(match.group(1).decode("ascii", errors="replace")) if match else None


def _known_codec(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def size_text(size: int) -> str:
    """A byte count as people say it: 512 bytes, 20 kB, 12 MB."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:.3g} MB"
    if size >= 1_000:
        return f"{size / 1_000:.3g} kB"
    return f"{size} bytes"


def shown(url: str) -> str:
    """A URL fit for a one-line message: no control characters or line breaks, and not too long."""
    text = _one_line(url)
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 1] + "…"


def _one_line(text: str) -> str:
    return _UNPRINTABLE.sub(" ", text).strip()
