"""A generation's articles in one SQLite file, read on demand: texts stay on disk until a quote needs them."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from index.articles import Article, article_language
from index.errors import IndexCorruptError

FILE = "articles.sqlite"
KEPT = 256  # articles kept in memory, most recently used

_SCHEMA = """
CREATE TABLE articles (
    row INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    title TEXT, source TEXT, url TEXT, published TEXT,
    path TEXT NOT NULL,
    text TEXT NOT NULL,
    language TEXT NOT NULL,
    key TEXT NOT NULL
)
"""
_COLUMNS = "id, title, source, url, published, text, path, language"  # Article's field order


@dataclass(frozen=True)
class ArticleInfo:
    """What lists of articles show: everything but the text."""

    id: str
    title: str | None
    source: str | None
    url: str | None
    published: str | None
    language: str  # 'en', 'ru' or 'uk'


def write_table(folder: Path, articles: Iterable[Article]) -> None:
    """Write the articles, in order (their row is their position), into `folder`/articles.sqlite."""
    db = sqlite3.connect(folder / FILE)
    try:
        with db:
            db.execute(_SCHEMA)
            _insert(db, articles, 0)
    finally:
        db.close()


def append_table(source: Path, folder: Path, articles: Iterable[Article]) -> None:
    """`source`/articles.sqlite copied into `folder`, with the articles added after its rows in one transaction."""
    shutil.copyfile(source / FILE, folder / FILE)
    db = sqlite3.connect(folder / FILE)
    try:
        with db:
            (rows,) = db.execute("SELECT count(*) FROM articles").fetchone()
            _insert(db, articles, rows)
    finally:
        db.close()


def _insert(db: sqlite3.Connection, articles: Iterable[Article], first: int) -> None:
    """Insert the articles as rows `first`, `first` + 1, ..."""
    db.executemany(
        f"INSERT INTO articles (row, {_COLUMNS}, key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            (n, a.id, a.title, a.source, a.url, a.published, a.text, a.path, article_language(a), a.text_key)
            for n, a in enumerate(articles, first)
        ),
    )


class ArticleTable(Mapping[str, Article]):
    """The articles of one generation by id; each read from disk when first asked for, a few kept.

    Safe to share between threads (searches run in a pool): one read-only connection, and the kept articles,
    behind a lock.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._db = sqlite3.connect(f"file:{folder / FILE}?mode=ro", uri=True, check_same_thread=False)
        self._lock = threading.Lock()
        self._kept: OrderedDict[str, Article] = OrderedDict()
        with self._lock:
            self.ids: list[str] = [row[0] for row in self._db.execute("SELECT id FROM articles ORDER BY row")]
        self.rows = {article_id: n for n, article_id in enumerate(self.ids)}

    def __getitem__(self, article_id: str) -> Article:
        # The kept articles change under the lock: searches in other threads read and evict them too.
        with self._lock:
            article = self._kept.get(article_id)
            if article is not None:
                self._kept.move_to_end(article_id)
                return article
        if article_id not in self.rows:
            raise KeyError(article_id)
        with self._lock:
            found = self._db.execute(f"SELECT {_COLUMNS}, key FROM articles WHERE id = ?", (article_id,)).fetchone()
        article = _checked(Article(*found[:-1]), found[-1], self.folder)
        with self._lock:
            self._kept[article_id] = article
            while len(self._kept) > KEPT:
                self._kept.popitem(last=False)
        return article

    def __iter__(self) -> Iterator[str]:
        return iter(self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, article_id: object) -> bool:
        return article_id in self.rows

    def infos(self) -> list[ArticleInfo]:
        """Every article without its text, newest first where dated (undated last), then by title."""
        with self._lock:
            rows = self._db.execute("SELECT id, title, source, url, published, language FROM articles").fetchall()
        infos = [ArticleInfo(*row) for row in rows]
        return sorted(infos, key=lambda a: (a.published or "", a.title or ""), reverse=True)

    def urls(self) -> dict[str, str]:
        """Each article's URL by id, for those that have one."""
        with self._lock:
            return dict(self._db.execute("SELECT id, url FROM articles WHERE url IS NOT NULL").fetchall())

    def every(self) -> Iterator[Article]:
        """Every article with its text, in row order, read in batches (for builds and checks, not for questions)."""
        last = -1
        while True:
            with self._lock:
                batch = self._db.execute(
                    f"SELECT row, {_COLUMNS}, key FROM articles WHERE row > ? ORDER BY row LIMIT 200", (last,)
                ).fetchall()
            if not batch:
                return
            for row in batch:
                yield _checked(Article(*row[1:-1]), row[-1], self.folder)
            last = batch[-1][0]

    def close(self) -> None:
        """Release the file."""
        self._db.close()


def _checked(article: Article, key: str, folder: Path) -> Article:
    """The article, if its text is the one the generation was built from (quotes are cut by position)."""
    if article.text_key != key:
        raise IndexCorruptError(
            f"article {article.id!r} in {folder / FILE} is not the one the index was built from; rebuild it"
        )
    return article
