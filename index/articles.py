"""Articles: reading `.txt`, `.md` and `.html` files into cleaned text with their metadata."""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from index.cleaning import clean_page, decode_control_references, find_date, strip_controls
from index.languages import LANGUAGES, detect_language

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".md", ".markdown"}
HTML_SUFFIXES = {".html", ".htm"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*\r?\n", re.DOTALL)
_KEY_VALUE = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$")
_KEY_ALIASES = {
    "title": "title",
    "headline": "title",
    "source": "source",
    "outlet": "source",
    "site": "source",
    "sitename": "source",
    "publisher": "source",
    "url": "url",
    "link": "url",
    "published": "published",
    "date": "published",
    "language": "language",
    "lang": "language",
}
_MD_HEADING = re.compile(r"^#{1,6}\s+(.*)$", re.MULTILINE)
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|`)(\S(?:.*?\S)?)\1")


@dataclass(frozen=True)
class Article:
    """One news article: its cleaned text, which quotes are cut from, and where it came from."""

    id: str
    title: str | None
    source: str | None
    url: str | None
    published: str | None
    text: str
    path: str
    language: str | None = None  # 'en', 'ru' or 'uk' as the front matter says; None: detected from the text

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form."""
        return asdict(self)

    @property
    def text_key(self) -> str:
        """A digest of the text and date (dates anchor relative ones): what is encoded is kept under it."""
        return hashlib.sha256(f"{self.published or ''}\0{self.text}".encode()).hexdigest()[:40]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        """The inverse of `to_dict`."""
        return cls(**data)


@dataclass(frozen=True)
class SkippedFile:
    """A file the build could not use, with the reason."""

    path: str
    reason: str


class UnreadableArticle(Exception):
    """A file that cannot be read or parsed as an article."""


def _unquoted(value: str) -> str:
    """A front matter value without the quotes around it: `"Talks resume"`, not a title that opens with a quote
    (`"I did what I came to do": Biden leaves Geneva`)."""
    return value[1:-1].strip() if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'" else value


def parse_front_matter(raw: str) -> tuple[dict[str, str], str]:
    """Split `---`-fenced `key: value` front matter from the rest of the text."""
    match = _FRONT_MATTER.match(raw)
    if not match:
        return {}, raw
    meta: dict[str, str] = {}
    for line in match.group(1).splitlines():
        kv = _KEY_VALUE.match(line.strip())
        if kv and kv.group(1).lower() in _KEY_ALIASES:
            value = _unquoted(kv.group(2).strip())
            if value:
                meta[_KEY_ALIASES[kv.group(1).lower()]] = value
    return meta, raw[match.end() :]


def strip_markdown(text: str) -> tuple[str | None, str]:
    """Plain text from light Markdown; the first heading is returned as a title."""
    heading = _MD_HEADING.search(text)
    title = heading.group(1).strip() if heading else None
    text = _MD_HEADING.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    return title, text


def article_id(path: Path, root: Path) -> str:
    """A stable id: the file's path below the seeds folder, without its suffix."""
    relative = path.relative_to(root).with_suffix("")
    return re.sub(r"[^\w.-]+", "_", relative.as_posix().replace("/", "__"))


def read_article(path: Path, root: Path) -> Article:
    """Read one article file; raises UnreadableArticle with the reason."""
    try:
        raw = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UnreadableArticle(f"cannot read: {exc}") from exc
    suffix = path.suffix.lower()
    fields = fields_from_html(raw) if suffix in HTML_SUFFIXES else fields_from_text(raw, markdown=suffix != ".txt")
    if not fields["text"].strip():
        raise UnreadableArticle("no article text found")
    return Article(id=article_id(path, root), path=str(path), **fields)


def fields_from_text(raw: str, markdown: bool) -> dict[str, Any]:
    """An article's title, source, url, date and cleaned text from plain text or Markdown with front matter."""
    meta, body = parse_front_matter(strip_controls(raw).replace("\r\n", "\n"))
    md_title = None
    if markdown:
        md_title, body = strip_markdown(body)
    page = clean_page(body, meta.get("title") or md_title)
    return {
        "title": page.title,
        "source": meta.get("source"),
        "url": meta.get("url"),
        "published": _normal_date(meta.get("published")) or page.published,
        "text": page.text,
        "language": _language(meta.get("language")),
    }


def _language(value: str | None) -> str | None:
    """A front matter language as one of the talks' languages ('ru-RU' → 'ru'); None if it is not one."""
    code = (value or "").strip().lower()[:2]
    return code if code in LANGUAGES else None


def article_language(article: Article) -> str:
    """The article's language: as its front matter says, else detected from its text."""
    return article.language or detect_language(article.text)


def fields_from_html(raw: str, url: str | None = None) -> dict[str, Any]:
    """An article's title, source, url, date and cleaned text from an HTML page; `url` is where it was found."""
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    html = strip_controls(decode_control_references(raw))
    try:
        result = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    except Exception as exc:  # trafilatura raises many kinds on malformed input
        raise UnreadableArticle(f"cannot parse HTML: {exc}") from exc
    if result is None:
        raise UnreadableArticle("no main text found in the HTML")
    doc: dict[str, Any] = result if isinstance(result, dict) else result.as_dict()
    page = clean_page(doc.get("text") or "", doc.get("title"))
    return {
        "title": page.title,
        "source": doc.get("sitename") or doc.get("hostname"),
        "url": doc.get("url"),
        "published": _normal_date(doc.get("date")) or page.published,
        "text": page.text,
    }


def _normal_date(value: str | None) -> str | None:
    if not value:
        return None
    return find_date([value]) or value


def article_files(root: Path) -> tuple[list[Path], list[SkippedFile]]:
    """The article files below a folder, in a stable order, and the symlinks there that lead to none."""
    files: list[Path] = []
    skipped: list[SkippedFile] = []
    for path in sorted(root.rglob("*")):
        if path.is_symlink() and not path.is_file():
            reason = _unusable_link(path)
            if reason:
                skipped.append(SkippedFile(str(path), reason))
        elif path.is_file() and path.suffix.lower() in SUFFIXES:
            files.append(path)
    return files, skipped


def _unusable_link(path: Path) -> str | None:
    """Why a symlink that is not a file gives no articles, or None if it is something else (a device, a pipe)."""
    try:
        path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a symlink loop: it never reaches a file"
        if exc.errno == errno.ENOENT:
            return f"a broken symlink: its target {os.readlink(path)} does not exist"
        return f"a symlink that cannot be followed: {exc.strerror}"
    return "a symlink to a folder: linked folders are not read" if path.is_dir() else None


def load_articles(root: Path) -> tuple[list[Article], list[SkippedFile]]:
    """Every readable article below `root`; each unreadable file or unusable symlink is reported and skipped."""
    articles: list[Article] = []
    files, skipped = article_files(root)
    for link in skipped:
        log.warning("skipped %s: %s", link.path, link.reason)
    seen: set[str] = set()
    for path in files:
        try:
            article = read_article(path, root)
        except UnreadableArticle as exc:
            log.warning("skipped %s: %s", path, exc)
            skipped.append(SkippedFile(str(path), str(exc)))
            continue
        if article.id in seen:  # a.txt beside a.html: keep both, apart
            article = Article(**{**article.to_dict(), "id": f"{article.id}{path.suffix.lower()}"})
        seen.add(article.id)
        articles.append(article)
    return articles, skipped


def corpus_hash(articles: Iterable[Article]) -> str:
    """A digest of the articles' ids, metadata and texts."""
    digest = hashlib.sha256()
    for article in sorted(articles, key=lambda a: a.id):
        for value in (
            article.id,
            article.title,
            article.source,
            article.url,
            article.published,
            article.text,
        ):
            digest.update((value or "").encode())
            digest.update(b"\0")
    return digest.hexdigest()
