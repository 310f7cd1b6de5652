"""Messages: answers, help and sources as Telegram HTML (everything escaped), and as plain text."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from bot.answers import Answer, Quote
from index.articles import Article

MAX_MESSAGE = 4096  # Telegram's limit on a message's text, after entity parsing
MAX_QUOTE_CHARS = 1200  # a single quote longer than this is cut at a word, with an ellipsis
EXAMPLES = (
    "Who leads the Russian delegation in Istanbul?",
    "What does Russia's proposal for the talks refer to?",
)
_TAG = re.compile(r"<[^>]+>")


def esc(text: str) -> str:
    """Escape text for Telegram's HTML parse mode."""
    return html.escape(text, quote=True)


def source_line_html(q: Quote) -> str:
    """'— Title · Outlet · date', the title linked to the article where its URL is known."""
    title = esc(q.title or q.article_id)
    if q.url and q.url.startswith(("http://", "https://")):
        title = f'<a href="{esc(q.url)}">{title}</a>'
    extras = [esc(x) for x in (q.source, q.published) if x]
    return "— " + " · ".join([title, *extras])


def quote_html(q: Quote, budget: int = MAX_QUOTE_CHARS) -> str:
    """A quote as a blockquote, its best-matching sentence in bold, with its source line."""
    before, focus, after = _shorten(*q.parts(), budget=budget)
    body = f"{esc(before)}<b>{esc(focus)}</b>{esc(after)}"
    return f"<blockquote>{body}</blockquote>\n{source_line_html(q)}"


def _shorten(before: str, focus: str, after: str, budget: int) -> tuple[str, str, str]:
    """Trim an overlong quote at word boundaries, keeping its best sentence's start."""
    if len(before) + len(focus) + len(after) <= budget:
        return before, focus, after
    keep = budget // 6
    before = "…" + before[-keep:].split(" ", 1)[-1] if len(before) > keep else before
    room = max(20, budget - len(before))
    if len(focus) > room:
        return before, focus[:room].rsplit(" ", 1)[0] + "…", ""
    room -= len(focus)
    return before, focus, (after[:room].rsplit(" ", 1)[0] + "…") if len(after) > room else after


def answer_html(answer: Answer, page: int = 0) -> str:
    """The reply to a question: quotes of one page, cut at quote boundaries to fit one message."""
    if not answer.question:
        return "Please ask a question about the Russia–Ukraine peace talks, e.g.\n" + _examples_html()
    question = f"<b>Q:</b> <i>{esc(answer.echo)}</i>"
    if not answer.found:
        return (
            f"{question}\n\nI found nothing in the indexed articles that answers this. "
            "Try other words, or see /sources for what I know about."
        )
    text = question + (f"  <i>(page {page + 1} of {answer.pages})</i>" if page else "")
    for n, q in enumerate(answer.page(page)):
        block, budget = quote_html(q), MAX_QUOTE_CHARS
        while n == 0 and len(text) + 2 + len(block) > MAX_MESSAGE and budget > 40:
            budget //= 2  # escaping can swell a quote several-fold; the first one must still fit
            block = quote_html(q, budget)
        if len(text) + 2 + len(block) > MAX_MESSAGE:
            break
        text += "\n\n" + block
    return text


def answer_plain(answer: Answer, page: int = 0) -> str:
    """The reply as terminal text: HTML tags dropped, entities decoded."""
    return html_to_plain(answer_html(answer, page))


def html_to_plain(text: str) -> str:
    """Telegram HTML to plain text."""
    text = text.replace("<blockquote>", "  “").replace("</blockquote>", "”")
    return html.unescape(_TAG.sub("", text))


def _examples_html() -> str:
    return "\n".join(f"• <code>{esc(e)}</code>" for e in EXAMPLES)


def help_html(articles: Sequence[Article], bot_username: str | None = None) -> str:
    """What the bot knows and how to ask it."""
    inline = f"\n• in any chat: <code>@{esc(bot_username)} your question</code>" if bot_username else ""
    return (
        "I answer questions about the <b>Russia–Ukraine peace talks</b> by quoting the news articles "
        f"I have read ({len(articles)} {'article' if len(articles) == 1 else 'articles'}), "
        "with their sources. I never make up an answer: if the articles do not say, I tell you.\n\n"
        "<b>How to ask</b>\n"
        "• here: just write your question\n"
        "• in a group: <code>/ask your question</code>, mention me, or reply to my message"
        f"{inline}\n\n"
        "<b>Try</b>\n" + _examples_html() + "\n\n/sources lists the articles."
    )


def sources_html(articles: Sequence[Article], limit: int = 40) -> str:
    """The indexed articles: title (linked), outlet, date."""
    if not articles:
        return "No articles are indexed yet."
    lines = [f"<b>{len(articles)} indexed {'article' if len(articles) == 1 else 'articles'}</b>"]
    for n, a in enumerate(articles[:limit], 1):
        title = esc(a.title or a.id)
        if a.url and a.url.startswith(("http://", "https://")):
            title = f'<a href="{esc(a.url)}">{title}</a>'
        extras = " · ".join(esc(x) for x in (a.source, a.published) if x)
        lines.append(f"{n}. {title}" + (f" — {extras}" if extras else ""))
    if len(articles) > limit:
        lines.append(f"… and {len(articles) - limit} more.")
    text = "\n".join(lines)
    while len(text) > MAX_MESSAGE:  # very long titles: drop lines from the end
        lines = lines[:-2] + ["…"]
        text = "\n".join(lines)
    return text
