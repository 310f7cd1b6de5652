"""A news site on 127.0.0.1 for fetch and feed tests: articles, redirects, errors, huge and slow pages, feeds.

It records every request (path, headers) and how many bytes the streaming pages sent, so tests can tell
that a refused link was never requested and that an oversized page was abandoned early.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from dataclasses import dataclass, field

from aiohttp import web

CANONICAL = "https://news.example.org/2025/03/14/talks-resume"
PARAGRAPHS = [
    "Delegations from both countries met in Istanbul on Friday to resume talks on a ceasefire along the front.",
    "The negotiators agreed to exchange prisoners of war before the end of the month, officials said afterwards.",
    "Mediators from Turkey said the next round would address the safety of grain shipments in the Black Sea.",
    "Neither side commented on the question of territory, which diplomats described as the hardest issue.",
]
ARTICLE_HTML = f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Talks resume in Istanbul | Example News</title>
<link rel="canonical" href="{CANONICAL}">
<meta property="og:site_name" content="Example News">
<meta property="og:title" content="Talks resume in Istanbul">
<meta property="article:published_time" content="2025-03-14T09:30:00Z">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article>
<h1>Talks resume in Istanbul</h1>
{"".join(f"<p>{p}</p>" for p in PARAGRAPHS)}
</article>
<footer>Share this</footer>
</body></html>
"""
NEWS = {  # the pages the RSS feed's items link to, each its own story
    "1": "Delegations resumed talks in Istanbul on Friday. The Turkish foreign minister opened the session "
    "at Dolmabahce Palace and urged both sides to agree on a ceasefire before the summer.",
    "2": "Both sides agreed to exchange one thousand prisoners of war each, the largest swap of the war. "
    "The Red Cross will oversee the handover at the Belarusian border over three days.",
    "3": "Mediators from Saudi Arabia proposed a maritime truce covering commercial shipping in the Black Sea. "
    "Ports in Odesa and Novorossiysk would stay open under inspection by neutral monitors.",
}
PLAIN_HTML = f"""<!DOCTYPE html><html><head><title>Grain corridor reopens</title></head><body><article>
<h1>Grain corridor reopens</h1>{"".join(f"<p>{p}</p>" for p in reversed(PARAGRAPHS))}</article></body></html>
"""
EMPTY_HTML = "<!DOCTYPE html><html><head><title>Nothing</title></head><body><nav>Home</nav></body></html>"
PLAIN_TEXT = "Prisoner exchange agreed\n\n" + "\n\n".join(PARAGRAPHS) + "\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64

ATOM_MODIFIED = "Fri, 14 Mar 2025 10:00:00 GMT"


@dataclass
class FakeSite:
    """The site. Use `async with FakeSite() as site:`; `site.url` is its base URL."""

    hits: Counter[str] = field(default_factory=Counter)
    user_agents: list[str] = field(default_factory=list)
    conditional: list[dict[str, str]] = field(default_factory=list)
    not_modified: Counter[str] = field(default_factory=Counter)
    streamed: Counter[str] = field(default_factory=Counter)
    stream_done: asyncio.Event = field(default_factory=asyncio.Event)
    rss_items: list[tuple[str, str, str]] = field(default_factory=list)
    url: str = ""
    _release: asyncio.Event = field(default_factory=asyncio.Event)
    _runner: web.AppRunner | None = None

    async def __aenter__(self) -> FakeSite:
        app = web.Application(middlewares=[self._record])
        routes = {
            "/article": self._article,
            "/plain-article": self._html(PLAIN_HTML),
            "/empty": self._html(EMPTY_HTML),
            "/notes.txt": self._notes,
            "/image.png": self._image,
            "/redirect": self._redirect("/article"),
            "/old": self._redirect("/plain-article"),
            "/loop": self._redirect("/loop"),
            "/chain/{n}": self._chain,
            "/to-file": self._redirect("file:///etc/passwd"),
            "/redirect-to": self._redirect_to,
            "/missing": self._status(404),
            "/broken": self._status(500),
            "/huge": self._huge,
            "/huge-declared": self._huge_declared,
            "/slow": self._slow,
            "/drip": self._drip,
            "/feed.rss": self._rss,
            "/feed.atom": self._atom,
            "/huge-feed.rss": self._huge,
            "/news/{n}": self._news,
        }
        for path, handler in routes.items():
            app.router.add_get(path, handler)
        self.rss_items = [
            ("/news/1", "Talks resume in Istanbul", "Fri, 14 Mar 2025 09:30:00 GMT"),
            ("/news/2", "Prisoner exchange agreed", "Sat, 15 Mar 2025 12:00:00 GMT"),
        ]
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._release.set()
        if self._runner is not None:
            await self._runner.cleanup()

    def add_rss_item(self, path: str, title: str, date: str) -> None:
        """Publish one more item in the RSS feed (its ETag changes)."""
        self.rss_items.append((path, title, date))

    @web.middleware
    async def _record(self, request: web.Request, handler: web.Handler) -> web.StreamResponse:
        self.hits[request.path] += 1
        self.user_agents.append(request.headers.get("User-Agent", ""))
        names = ("If-None-Match", "If-Modified-Since")
        self.conditional.append({n: request.headers[n] for n in names if n in request.headers})
        return await handler(request)

    async def _article(self, request: web.Request) -> web.Response:
        return web.Response(text=ARTICLE_HTML, content_type="text/html")

    @staticmethod
    def _html(body: str) -> web.Handler:
        async def handler(request: web.Request) -> web.Response:
            return web.Response(text=body, content_type="text/html")

        return handler

    async def _news(self, request: web.Request) -> web.Response:
        text = NEWS.get(request.match_info["n"])
        if text is None:
            return web.Response(status=404, text="no such story")
        title = next((t for path, t, _ in self.rss_items if path == request.path), "News")
        body = f"<html><head><title>{title}</title></head><body><article><h1>{title}</h1><p>{text}</p></article>"
        return web.Response(text=body, content_type="text/html")

    async def _notes(self, request: web.Request) -> web.Response:
        return web.Response(text=PLAIN_TEXT, content_type="text/plain")

    async def _image(self, request: web.Request) -> web.Response:
        return web.Response(body=PNG, content_type="image/png")

    @staticmethod
    def _redirect(location: str) -> web.Handler:
        async def handler(request: web.Request) -> web.Response:
            return web.Response(status=302, headers={"Location": location})

        return handler

    async def _redirect_to(self, request: web.Request) -> web.Response:
        return web.Response(status=302, headers={"Location": request.query["to"]})

    async def _chain(self, request: web.Request) -> web.Response:
        return web.Response(status=301, headers={"Location": f"/chain/{int(request.match_info['n']) + 1}"})

    @staticmethod
    def _status(status: int) -> web.Handler:
        async def handler(request: web.Request) -> web.Response:
            return web.Response(status=status, text="error page", content_type="text/html")

        return handler

    async def _huge(self, request: web.Request) -> web.StreamResponse:
        """Up to 5 MB of HTML, sent slowly in 2 kB chunks, counting what went out."""
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        chunk = b"<p>" + b"x" * 2041 + b"</p>"
        try:
            while self.streamed[request.path] < 5_000_000 and not self._release.is_set():
                await response.write(chunk)
                self.streamed[request.path] += len(chunk)
                await asyncio.sleep(0.005)
        except (ConnectionError, RuntimeError):
            pass  # the client hung up: what the test wants
        finally:
            self.stream_done.set()
        return response

    async def _huge_declared(self, request: web.Request) -> web.StreamResponse:
        """A page that announces 50 MB in its Content-Length."""
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        response.content_length = 50_000_000
        await response.prepare(request)
        with contextlib.suppress(ConnectionError, RuntimeError):
            await response.write(b"<p>" + b"x" * 1000)
            await asyncio.wait_for(self._release.wait(), 10)
        return response

    async def _slow(self, request: web.Request) -> web.Response:
        """No answer until the site closes (at most 10 seconds)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._release.wait(), 10)
        return web.Response(text=ARTICLE_HTML, content_type="text/html")

    async def _drip(self, request: web.Request) -> web.StreamResponse:
        """Headers at once, then one byte every 50 ms: each read is quick, the whole never ends."""
        response = web.StreamResponse(headers={"Content-Type": "text/html"})
        await response.prepare(request)
        with contextlib.suppress(ConnectionError, RuntimeError):
            for _ in range(200):
                if self._release.is_set():
                    break
                await response.write(b"x")
                await asyncio.sleep(0.05)
        return response

    async def _rss(self, request: web.Request) -> web.Response:
        etag = f'"rss-v{len(self.rss_items)}"'
        if request.headers.get("If-None-Match") == etag:
            self.not_modified[request.path] += 1
            return web.Response(status=304, headers={"ETag": etag})
        items = "".join(
            f"<item><title>{title}</title><link>{self.url}{path}</link><pubDate>{date}</pubDate></item>"
            for path, title, date in self.rss_items
        )
        body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Example News</title>{items}</channel></rss>'
        return web.Response(text=body, content_type="application/rss+xml", headers={"ETag": etag})

    async def _atom(self, request: web.Request) -> web.Response:
        if request.headers.get("If-Modified-Since") == ATOM_MODIFIED:
            self.not_modified[request.path] += 1
            return web.Response(status=304)
        body = (
            '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            "<title>Example Wire</title><id>urn:example:wire</id><updated>2025-03-16T08:00:00Z</updated>"
            '<entry><title>Ceasefire monitors named</title><link href="/wire/7"/><id>urn:example:7</id>'
            "<updated>2025-03-16T08:00:00Z</updated></entry>"
            "</feed>"
        )
        return web.Response(text=body, content_type="application/atom+xml", headers={"Last-Modified": ATOM_MODIFIED})
