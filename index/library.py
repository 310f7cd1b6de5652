"""The article store: articles added by link, file, channel or feed, kept as files under ARTICLES_DIR.

Each is a `.txt` file with front matter, the same format as `seeds/`, so a full rebuild reads them
with the seeds and they survive restarts and rebuilds. The same story is kept once: an article
whose canonical URL is already stored replaces the stored one (an edited post, a corrected page);
one whose text nearly repeats a stored article (a wire copy on another site) is refused.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import numpy as np

from index.articles import Article, UnreadableArticle, read_article
from index.errors import BuildError
from index.lexical import tokenize
from index.search import containment, shingles
from index.store import Index

NEAR_DUPLICATE = 0.8  # share of the shorter text's word 4-shingles the longer one repeats
_SLUG = re.compile(r"[^a-z0-9а-яіїєґё]+")
_TRACKING = re.compile(r"^(utm_\w+|fbclid|gclid|yclid|mc_cid|mc_eid|ref|cmpid)$", re.IGNORECASE)


@dataclass(frozen=True)
class Draft:
    """An article before it is stored: cleaned text and what is known of where it came from."""

    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None


def normal_url(url: str | None) -> str | None:
    """A URL as stories are told apart: no fragment, no tracking parameters, no trailing slash, lower-case host."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k)])
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, query, ""))


def same_story(draft: Draft, index: Index | None) -> tuple[str | None, str | None]:
    """(id of the stored article with the same canonical URL, id of one whose text the draft nearly repeats)."""
    if index is None:
        return None, None
    url = normal_url(draft.url)
    if url:
        for article_id, known in index.articles.urls().items():
            if normal_url(known) == url:
                return article_id, None
    return None, _near_copy(draft.text, index)


def _near_copy(text: str, index: Index) -> str | None:
    """The id of an indexed article that repeats most of `text` (or that `text` mostly repeats), if any."""
    weights = index.lexical.term_weights(tokenize(text))
    rare = dict(sorted(weights.items(), key=lambda kv: -kv[1])[:30])
    ids, scores = index.lexical.matches(rare)
    if not len(ids):
        return None
    rows = {int(index.passages.table[i, 0]) for i in ids[np.argsort(-scores)[:10]]}
    mine = shingles(text)
    for row in sorted(rows):
        article = index.articles[index.articles.ids[row]]
        if containment(mine, shingles(article.text)) >= NEAR_DUPLICATE:
            return article.id
    return None


def store(folder: Path, draft: Draft, replaces: Article | None = None) -> Article:
    """Write the draft as a file under `folder` and return the article as a build will read it back.

    A replaced article's file (when it is one of this store's) is overwritten in place, so its id holds.
    """
    if replaces is not None and _inside(Path(replaces.path), folder):
        path = Path(replaces.path)
    else:
        path = folder / _file_name(draft)
    lines = ["---"]
    for key, value in (
        ("title", draft.title),
        ("source", draft.source),
        ("url", draft.url),
        ("published", draft.published),
        ("added", datetime.now(UTC).isoformat(timespec="seconds")),
    ):
        if value:
            lines.append(f"{key}: {' '.join(str(value).split())}")
    lines += ["---", draft.text.strip(), ""]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text("\n".join(lines), encoding="utf-8")
        os.replace(tmp, path)
        return read_article(path, folder)
    except (OSError, UnreadableArticle) as exc:
        raise BuildError(f"cannot store the article in {folder}: {exc}") from exc


def forget(folder: Path, article: Article) -> bool:
    """Delete a stored article's file; False if the article is not one of this store's (a seed file)."""
    path = Path(article.path)
    if not _inside(path, folder):
        return False
    path.unlink(missing_ok=True)
    return True


def _file_name(draft: Draft) -> str:
    day = (draft.published or datetime.now(UTC).date().isoformat())[:10]
    slug = _SLUG.sub("-", (draft.title or "article").lower()).strip("-")[:60] or "article"
    digest = hashlib.blake2b(f"{draft.url}\0{draft.text}".encode(), digest_size=4).hexdigest()
    return f"{day}-{slug}-{digest}.txt"


def in_store(article: Article, folder: Path) -> bool:
    """Whether the article is one of the store's files (not a seed)."""
    return _inside(Path(article.path), folder)


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except OSError:
        return False
