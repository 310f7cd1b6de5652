"""Site chrome removal for scraped article text, by general rules rather than per-site strings.

A scraped page is a run of blocks (lines). The body is the blocks that read as prose; the head
before the body holds the masthead, the headline (often twice), icon-font labels, bylines and
dates; the tail after it holds comment counters, share buttons and footers. Prose is kept whole:
the rules only decide which blocks are prose, never edit inside them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from index.dates import MONTHS

_WORD = re.compile(r"\w+", re.UNICODE)
# Terminal escape sequences (colours, cursor moves, window titles) in 7- and 8-bit forms: CSI, OSC (to the
# end of its line at most), others.
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]|(?:\x1b\]|\x9d)[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\|\x9c)?|\x1b[ -/]*[0-~]?"
)
# Controls that end a line (as str.splitlines reads them) become newlines; every other control goes.
_LINE_BREAK_CONTROL = re.compile(r"\r\n?|[\x0b\x0c\x1c-\x1e\x85]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CHARACTER_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,6})|([0-9]{1,7}));")
# A sentence ends in . ! ? … (or a colon introducing a quote), maybe followed by closing quotes.
_TERMINAL = re.compile(r"[.!?…:][\"'”’»)\]]*$")
# Icon fonts (Material Icons and the like) render ligature names such as "folder_open" or
# "access_time"; scraped as text they show up as snake_case words or glued to the next word.
_SNAKE_WORD = re.compile(r"\b[a-z]+_[a-z_]+")
_GLUED_LIGATURE = re.compile(r"^[a-z]{3,}(?:_[a-z]+)*[A-Z][a-z]")
_RELATIVE_TIME = re.compile(
    r"\b\d+\s+(?:seconds?|minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\s+ago\b"
    r"|\d+\s+(?:секунд|минут|час|дн|день|недел|месяц|год|лет)\w*\s+назад",
    re.IGNORECASE,
)
# Interface words, when they are all a line holds (with maybe a counter).
_UI_LINE = re.compile(
    r"^\W*(?:please\s+wait|loading|add\s+to\s+(?:favou?rites|bookmarks)|comments?|"
    r"\d+\s+comments?|comments?\s*\(\d+\)|leave\s+a\s+(?:comment|reply)|share(?:\s+this)?|"
    r"print|e-?mail|tweet|subscribe|follow\s+us|read\s+more|related(?:\s+\w+)?|"
    r"advertisement|sponsored|sign\s+(?:up|in)|log\s*in|menu|search|home|next|previous|"
    r"back\s+to\s+top|skip\s+to\s+(?:main\s+)?content|"
    r"загрузка|подождите|комментари\w*|поделиться|подписаться|читать\s+далее|реклама)"
    r"\W*(?:\d+\W*)?$",
    re.IGNORECASE,
)
# Boilerplate sentences that can be long enough to pass for prose.
_BOILERPLATE = re.compile(
    r"\bcookies?\b.*\b(?:use|accept|consent|agree)|\ball rights reserved\b|^©|^copyright\b|"
    r"\bsubscribe to (?:our|the) newsletter\b|\bsign up for (?:our|the)\b|"
    r"\bjavascript\b.*\b(?:enable|disabled)\b|\bвсе права защищены\b",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^(?:by|от|автор:?)\s+\S", re.IGNORECASE)
_BYLINE_WORD = re.compile(r"[^\W\d_][\w’'.-]*")
# Between the names of a byline.
_BYLINE_JOINS = frozenset({"and", "in", "at", "for", "of", "from", "with", "и", "в", "из", "для"})
_FULL_STOP = re.compile(r"(?<=\w\w)[.!?](?:\s|$)")
_TAG_LINE = re.compile(r"^(?:tags?|topics?|keywords|теги)\s*:", re.IGNORECASE)
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_MONTH_DAY_YEAR = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})\b")
_DAY_MONTH_YEAR = re.compile(r"\b(\d{1,2})\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b")

_FOLDED_MARKS = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "«": '"', "»": '"', "–": "-", "—": "-"})
_LIST_ITEM = re.compile(r"^(?:[-–—•*·▪]|\d{1,2}[.)])\s+\S")
# What introduces a list of other articles, not of what this one tells.
_LINKS_INTRO = re.compile(
    r"\b(?:read (?:more|also)|see also|more (?:on|about|from|stories|news)|related|our coverage|"
    r"latest (?:news|stories|updates)|watch|listen|читайте|смотрите также|по теме|дивіться також)\b",
    re.IGNORECASE,
)
PROSE_MIN_WORDS = 4
PROSE_LONG_WORDS = 20
LEAD_WORDS = 12  # a paragraph this long is article text, not page furniture


@dataclass(frozen=True)
class CleanedPage:
    """What is left of a scraped page: its headline, byline, date where found, and body text."""

    title: str | None
    byline: str | None
    published: str | None
    text: str


def strip_controls(text: str) -> str:
    """Text without terminal escape sequences or control characters; tabs and newlines stay, CRs become newlines."""
    text = _ESCAPE_SEQUENCE.sub("", text)
    text = _LINE_BREAK_CONTROL.sub("\n", text)
    return _CONTROL.sub("", text)


def decode_control_references(html: str) -> str:
    """HTML with numeric references to control characters (`&#27;`) written out, for `strip_controls` to remove."""

    def decoded(match: re.Match[str]) -> str:
        code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
        is_control = code < 0x20 or 0x7F <= code <= 0x9F
        return chr(code) if is_control and chr(code) not in "\t\n" else match.group(0)

    return _CHARACTER_REFERENCE.sub(decoded, html)


def words(line: str) -> int:
    """Number of words in a line."""
    return len(_WORD.findall(line))


def is_chrome(line: str) -> bool:
    """A short line that is page furniture: icons, UI labels, relative times, counters, footers."""
    if _BOILERPLATE.search(line) or _TAG_LINE.match(line):
        return True
    if words(line) > 12:
        return False
    return bool(
        _SNAKE_WORD.search(line)
        or _GLUED_LIGATURE.match(line)
        or _UI_LINE.match(line)
        or (_RELATIVE_TIME.search(line) and not _TERMINAL.search(line))
        or not _WORD.search(line)
    )


def is_byline(line: str) -> bool:
    """Whether a line names who wrote the page, by its shape.

    After "By" (or "От", "Автор:"), up to its first full stop, only names and the words that join them: "By Staff,
    Agencies", "By Andrew Roth in Moscow and Pjotr Sauer in Riga", "By Jane Doe, Reuters. Published March 3". A
    sentence that opens with the same word has words in small letters: "By Yermak's account, officials…", "By then,
    the talks…", "От переговоров в Стамбуле ждали…".
    """
    if not _BYLINE.match(line):
        return False
    named = _FULL_STOP.split(line, maxsplit=1)[0]
    names = _BYLINE_WORD.findall(named)[1:]  # after the marker
    return bool(names) and all(word[0].isupper() or word.lower() in _BYLINE_JOINS for word in names)


def is_prose(line: str) -> bool:
    """A block that reads as running text: whole sentences, not a label, a byline or a headline."""
    if is_chrome(line) or is_byline(line):
        return False
    n = words(line)
    return n >= PROSE_LONG_WORDS or (n >= PROSE_MIN_WORDS and bool(_TERMINAL.search(line)))


def find_date(lines: list[str]) -> str | None:
    """The first absolute calendar date in the lines, as ISO 8601."""
    for line in lines:
        for found in _dates_in(line):
            return found
    return None


def _dates_in(line: str) -> list[str]:
    found: list[str] = []
    for y, m, d in _ISO_DATE.findall(line):
        found.extend(_iso(int(y), int(m), int(d)))
    for month, d, y in _MONTH_DAY_YEAR.findall(line):
        if month.lower() in MONTHS:
            found.extend(_iso(int(y), MONTHS[month.lower()], int(d)))
    for d, month, y in _DAY_MONTH_YEAR.findall(line):
        if month.lower() in MONTHS:
            found.extend(_iso(int(y), MONTHS[month.lower()], int(d)))
    return found


def _iso(year: int, month: int, day: int) -> list[str]:
    try:
        return [date(year, month, day).isoformat()]
    except ValueError:
        return []


def _headline(head: list[str]) -> str | None:
    """The headline: a line the page repeats, else the longest line of the head."""
    candidates = [line for line in head if not is_chrome(line) and not is_byline(line)]
    for i, line in enumerate(candidates):
        if line in candidates[i + 1 :]:
            return line
    return max(candidates, key=words, default=None)


def _with_lists(prose: list[bool], lines: list[str]) -> list[bool]:
    """`prose` with the lists that a line of the text introduces: "Its main points include:" or "Основные пункты
    плана:", then "- A ceasefire along the current front line", … (a plan's points, a statement's demands). A list of
    links ("Read more of our coverage:", "Читайте также:") and one that nothing introduces (a menu) stay out, and so
    does a short line that introduces links."""
    out, listing = list(prose), False
    for i, line in enumerate(lines):
        if listing and _is_item(line):
            out[i] = True
            continue
        introduces = line.endswith(":") and words(line) >= 2 and not is_chrome(line)
        links = introduces and words(line) < LEAD_WORDS and bool(_LINKS_INTRO.search(line))
        listing = introduces and not links and i + 1 < len(lines) and _is_item(lines[i + 1])
        out[i] = (prose[i] or listing) and not links
    return out


def _is_item(line: str) -> bool:
    """Whether a line is an item of a list: a marker, then words."""
    return bool(_LIST_ITEM.match(line)) and words(line) >= 2 and not is_chrome(line)


def same_title(line: str, title: str | None) -> bool:
    """Whether a line of the page is its headline as known from elsewhere: the same words, whatever their case,
    quotes and dashes, or all of them with a site's name after (`Istanbul talks resume | Reuters`)."""
    if not title:
        return False
    headline, known = _folded(line), _folded(title)
    site = known.removeprefix(headline + " ") if known.startswith(headline + " ") else ""
    return headline == known or (len(headline.split()) >= 3 and site[:1] in ("|", "-", ":", "/", "·"))


def _folded(text: str) -> str:
    """Text in small letters, with its quotes, dashes and spaces each written one way."""
    return " ".join(text.casefold().translate(_FOLDED_MARKS).split())


def clean_page(raw: str, title: str | None = None) -> CleanedPage:
    """Split a scraped page into headline, byline, date and the prose body joined by blank lines.

    The head runs to the first substantial paragraph; the headline is found there, and the body
    is the prose after it (so a masthead slogan before the headline never counts as text). Where the
    headline is known already (front matter, the HTML's), it is not looked for: a short first paragraph
    ("Talks will resume on Monday, officials said.") is the article's lead, not its headline.
    """
    lines = [" ".join(line.split()) for line in raw.splitlines()]
    lines = [line for line in lines if line]
    prose = _with_lists([is_prose(line) for line in lines], lines)
    substantial = [i for i, line in enumerate(lines) if prose[i] and words(line) >= LEAD_WORDS]
    lead = substantial[0] if substantial else next((i for i, p in enumerate(prose) if p), len(lines))
    head = lines[:lead]
    title = " ".join((title or "").split()) or _headline(head)
    body_from = max((i + 1 for i, line in enumerate(head) if title and same_title(line, title)), default=0)
    byline = next((line for line in head if is_byline(line)), None)
    body = [line for i, line in enumerate(lines[body_from:], body_from) if prose[i] and not same_title(line, title)]
    return CleanedPage(title=title, byline=byline, published=find_date(head), text="\n\n".join(body))
