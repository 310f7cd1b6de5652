"""Messages: answers, help and sources as Telegram HTML (everything escaped), and as plain text."""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from telegram.constants import MessageLimit

from bot.answers import Answer, Quote
from bot.texts import missing_text, plural, texts
from index.article_table import ArticleInfo
from index.languages import Language

# Telegram counts a message's text after entity parsing; we count the HTML, which is never shorter.
MAX_MESSAGE = MessageLimit.MAX_TEXT_LENGTH
MAX_QUOTE_CHARS = 1200  # a single quote longer than this is cut at a word, with an ellipsis
MIN_QUOTE_CHARS = 40  # a quote is never cut shorter than this to fit a message
# A source line's parts are capped, so that a huge title, outlet or link cannot crowd the quote out.
MAX_TITLE_CHARS = 200
MAX_OUTLET_CHARS = 80
MAX_DATE_CHARS = 40
MAX_LINK_CHARS = 1000  # an escaped URL longer than this is left out; the title stays, unlinked
COMPACT_TITLE_CHARS = 60  # the title alone, when even the shortest quote does not fit beside the full line
# Budgets in characters of escaped HTML (escaping can swell text six-fold): together with the labels they leave
# more than enough room for the shortest form of the first quote, so an answer always shows one.
MAX_ECHO_HTML = 900  # the question shown back at the top of an answer
MAX_MISSING_HTML = 900  # what is missing, said before the passages: never enough to crowd them out
MAX_ECHO_IN_HEDGE = 400
_TAG = re.compile(r"<[^>]+>")
SOURCES_PAGE = 20  # articles per page of /sources
LATEST = 10  # articles /latest lists
COMPACT_OUTLET_CHARS = 30


def esc(text: str) -> str:
    """Escape text for Telegram's HTML parse mode."""
    return html.escape(text, quote=True)


def cut(text: str, limit: int) -> str:
    """`text` of at most `limit` characters, cut at a word with an ellipsis if longer."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    return (head.rsplit(" ", 1)[0] if " " in head[limit // 2 :] else head).rstrip() + "…"


def esc_cut(text: str, limit: int) -> str:
    """`text` escaped in at most `limit` characters: cut as plain text first, so no entity is ever split."""
    size = min(len(text), limit)
    while size > 0:
        escaped = esc(cut(text, size))
        if len(escaped) <= limit:
            return escaped
        size = min(size - 1, size * limit // len(escaped))
    return ""


def _link(title_html: str, url: str | None) -> str:
    """The title linked to `url` when it is a web address of sane length."""
    if not url or not url.startswith(("http://", "https://")) or len(esc(url)) > MAX_LINK_CHARS:
        return title_html
    return f'<a href="{esc(url)}">{title_html}</a>'


def source_line_html(q: Quote, compact: bool = False) -> str:
    """'— Title · Outlet · date', the title linked to the article where its URL is known; `compact`: title only."""
    if compact:
        return "— " + esc(cut(q.title or q.article_id, COMPACT_TITLE_CHARS))
    title = _link(esc(cut(q.title or q.article_id, MAX_TITLE_CHARS)), q.url)
    extras = [esc(cut(x, size)) for x, size in ((q.source, MAX_OUTLET_CHARS), (q.published, MAX_DATE_CHARS)) if x]
    return "— " + " · ".join([title, *extras])


def quote_html(q: Quote, budget: int = MAX_QUOTE_CHARS, compact: bool = False) -> str:
    """A quote as a blockquote, its best-matching sentence in bold, with its source line."""
    before, focus, after = _shorten(*q.parts(), budget=budget)
    body = f"{esc(before)}<b>{esc(focus)}</b>{esc(after)}"
    return f"<blockquote>{body}</blockquote>\n{source_line_html(q, compact)}"


def fitted_quote_html(q: Quote, room: int = MAX_MESSAGE) -> str:
    """The quote in at most `room` characters where it can be: a shorter quote first, then a title-only source."""
    budget = MAX_QUOTE_CHARS
    block = quote_html(q, budget)
    while len(block) > room and budget > MIN_QUOTE_CHARS:
        budget //= 2  # escaping can swell a quote several-fold
        block = quote_html(q, budget)
    return block if len(block) <= room else quote_html(q, budget, compact=True)


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


def answer_html(answer: Answer, page: int = 0, language: Language = "en") -> str:
    """The reply to a question in `language`: quotes of one page, cut at quote boundaries to fit one message."""
    t = texts(language)
    if not answer.question:
        return t.ask_prompt.format(examples=_examples_html(language))
    if answer.small_talk:
        return t.small_talk[answer.small_talk].format(examples=_examples_html(language))
    question = f"<b>{t.question_label}</b> <i>{esc_cut(answer.echo, MAX_ECHO_HTML)}</i>"
    said = " ".join(missing_text(reason, language) for reason in answer.reasons)
    missing = " " + esc_cut(said, MAX_MISSING_HTML) if said else ""
    if not answer.quotes:
        return f"{question}\n\n" + t.nothing_found.format(missing=missing)
    text = question + (f"  <i>{t.page_of.format(page=page + 1, pages=answer.pages)}</i>" if page else "")
    if not answer.found:  # said first, so related passages never pass for an answer
        text += f"\n\n<b>{t.not_answered}</b>{missing}\n{t.related}"
    for n, q in enumerate(answer.page(page)):
        room = MAX_MESSAGE - len(text) - 2
        block = fitted_quote_html(q, room) if n == 0 else quote_html(q)  # the first quote must always fit
        if len(block) > room:
            break
        text += "\n\n" + block
    return text


def hedge_html(question: str, language: Language = "en") -> str:
    """The line that goes with a related passage shared on its own (inline mode)."""
    return f"<i>{texts(language).hedge.format(question=esc_cut(question, MAX_ECHO_IN_HEDGE))}</i>"


def answer_plain(answer: Answer, page: int = 0, language: Language = "en") -> str:
    """The reply as terminal text: HTML tags dropped, entities decoded."""
    return html_to_plain(answer_html(answer, page, language))


def html_to_plain(text: str) -> str:
    """Telegram HTML to plain text."""
    text = text.replace("<blockquote>", "  “").replace("</blockquote>", "”")
    return html.unescape(_TAG.sub("", text))


def _examples_html(language: Language) -> str:
    return "\n".join(f"• <code>{esc(e)}</code>" for e in texts(language).examples)


def help_html(
    articles: Sequence[ArticleInfo], bot_username: str | None = None, admin: bool = False, language: Language = "en"
) -> str:
    """What the bot knows and how to ask it; for an admin, also how to add and remove articles."""
    t = texts(language)
    return t.help.format(
        articles=plural(len(articles), t.article, language),
        inline=t.help_inline.format(bot=esc(bot_username)) if bot_username else "",
        examples=_examples_html(language),
        admin=t.help_admin if admin else "",
    )


def sources_html(articles: Sequence[ArticleInfo], limit: int = 40, language: Language = "en") -> str:
    """The indexed articles: title (linked), outlet, date."""
    t = texts(language)
    if not articles:
        return t.no_articles
    lines = [f"<b>{t.indexed.format(articles=plural(len(articles), t.indexed_article, language))}</b>"]
    for n, a in enumerate(articles[:limit], 1):
        title = _link(esc(cut(a.title or a.id, MAX_TITLE_CHARS)), a.url)
        parts = ((a.source, MAX_OUTLET_CHARS), (a.published, MAX_DATE_CHARS), (a.language.upper(), 2))
        extras = " · ".join(esc(cut(x, size)) for x, size in parts if x)
        lines.append(f"{n}. {title}" + (f" — {extras}" if extras else ""))
    if len(articles) > limit:
        lines.append(t.more_articles.format(count=len(articles) - limit))
    text = "\n".join(lines)
    while len(text) > MAX_MESSAGE:  # very long titles: drop lines from the end
        lines = lines[:-2] + ["…"]
        text = "\n".join(lines)
    return text


def sources_page_html(
    articles: Sequence[ArticleInfo],
    offset: int = 0,
    size: int = SOURCES_PAGE,
    ids: bool = False,
    latest: bool = False,
    language: Language = "en",
) -> tuple[str, int]:
    """One page of the articles from `offset` (past the end: the last page), and how many it shows.

    Each line is cut to a compact form where the full one would not fit, and the page ends early rather than
    overflow a message, so a page always fits and the next one starts where it stopped. `ids` shows each
    article's id (admins need it for /remove); `latest` puts the date first.
    """
    t = texts(language)
    if not articles:
        return t.no_articles, 0
    offset = page_start(len(articles), offset, size)
    total = plural(len(articles), t.indexed_article, language)
    header = f"<b>{t.newest.format(shown=min(size, len(articles)), articles=total)}</b>" if latest else None
    header = header or f"<b>{t.indexed.format(articles=total)}</b>"
    text, shown = header, 0
    room = MAX_MESSAGE - len(" · 0000–0000") - 1
    for n, a in enumerate(articles[offset : offset + size], offset + 1):
        for compact in (False, True):
            line = "\n" + _source_entry_html(n, a, ids, latest, compact, t.undated)
            if len(text) + len(line) <= room:
                text += line
                shown += 1
                break
        else:
            break
    if not latest and len(articles) > shown:
        text = text.replace(header, f"{header} · {offset + 1}–{offset + shown}", 1)
    return text, shown


def page_start(count: int, offset: int, size: int = SOURCES_PAGE) -> int:
    """`offset` within a list of `count` articles: an offset past the end gives the last page's start."""
    if offset < count:
        return max(0, offset)
    return max(0, (count - 1) // size * size)


def _source_entry_html(n: int, a: ArticleInfo, ids: bool, latest: bool, compact: bool, undated: str) -> str:
    """'n. Title — outlet · date' ('n. date · Title — outlet' for /latest), the title linked unless `compact`."""
    title = esc(cut(a.title or a.id, COMPACT_TITLE_CHARS if compact else MAX_TITLE_CHARS))
    if not compact:
        title = _link(title, a.url)
    outlet = esc(cut(a.source, COMPACT_OUTLET_CHARS if compact else MAX_OUTLET_CHARS)) if a.source else None
    date = esc(cut(a.published, MAX_DATE_CHARS)) if a.published else None
    tag = a.language.upper()  # the language the article is written (and quoted) in
    if latest:
        line = f"{n}. {date or undated} · {title}" + (f" — {outlet}" if outlet else "") + f" · {tag}"
    else:
        extras = " · ".join(x for x in (outlet, date, tag) if x)
        line = f"{n}. {title}" + (f" — {extras}" if extras else "")
    return line + (f"\n    <code>{esc_cut(a.id, MAX_TITLE_CHARS)}</code>" if ids else "")
