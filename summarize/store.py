"""The story store: articles and stories that persist across runs.

:class:`StoryStore` is the interface the incremental run (:mod:`summarize.daily`) uses;
:class:`SQLiteStore` implements it on one SQLite file through the standard library's
``sqlite3``. A server database can be added by implementing the same protocol.

What is stored:

* ``articles``: every article ever added, with the run that added it, its story, the
  original it copies (within its story), its day (the published date, else the date of
  the run that added it; days are proleptic Gregorian ordinals, ``date.toordinal()``), a
  hash of its normalised text, and its hashed lead terms (the candidate search reads
  these instead of re-reading texts);
* ``stories``: every story id ever given, the run that created it and the run that last
  changed it, and, for a story merged away or split off, the story it went into or came
  from;
* ``runs``: one row per run that added articles: its date and a fingerprint of its input.

Every change of a run happens in one transaction (:meth:`SQLiteStore.transaction`), which
also holds SQLite's write lock for the whole run: a second run that finds the lock taken
fails at once with :class:`StoreBusyError`, and a run killed at any point leaves the
store as it was before the run (SQLite's rollback journal undoes a transaction that did
not commit the next time the file is opened).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Protocol, Sequence

from cluster.errors import StoreBusyError, StoreError
from cluster.types import Article

__all__ = [
    "STORE_FORMAT",
    "StoreError",
    "StoreBusyError",
    "StoredArticle",
    "StoryRecord",
    "RunRecord",
    "NewArticle",
    "StoryStore",
    "SQLiteStore",
    "open_store",
]

STORE_FORMAT = "storyfold.store/1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    day INTEGER,
    fingerprint TEXT NOT NULL,
    added INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS stories (
    id TEXT PRIMARY KEY,
    created_run INTEGER NOT NULL,
    updated_run INTEGER NOT NULL,
    merged_into TEXT,
    merged_run INTEGER,
    split_from TEXT
);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    added_run INTEGER NOT NULL,
    story_id TEXT NOT NULL,
    copy_of TEXT,
    day INTEGER,
    text_hash TEXT NOT NULL,
    terms BLOB NOT NULL,
    title TEXT,
    source TEXT,
    url TEXT,
    published TEXT,
    meta TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_story ON articles (story_id);
CREATE INDEX IF NOT EXISTS articles_day ON articles (day);
CREATE INDEX IF NOT EXISTS articles_url ON articles (url) WHERE url IS NOT NULL;
CREATE INDEX IF NOT EXISTS articles_text_hash ON articles (text_hash);
CREATE INDEX IF NOT EXISTS stories_updated ON stories (updated_run);
"""

_CHUNK = 500  # ids per IN (...) query, under SQLite's bound-parameter limit


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """An article as the store holds it.

    ``day``: proleptic Gregorian ordinal of its date (published, else the day of the run
    that added it); None when neither is known. ``copy_of``: the original it copies in
    its story, or None.
    """

    article: Article
    added_run: int
    story_id: str
    copy_of: str | None
    day: int | None


@dataclass(frozen=True, slots=True)
class StoryRecord:
    """One story id: when it was created and last changed, and where it went or came from."""

    id: str
    created_run: int
    updated_run: int
    merged_into: str | None = None
    merged_run: int | None = None
    split_from: str | None = None


@dataclass(frozen=True, slots=True)
class RunRecord:
    """One run that added articles: its number, day (ordinal or None) and input fingerprint."""

    id: int
    day: int | None
    fingerprint: str
    added: int


@dataclass(frozen=True, slots=True)
class NewArticle:
    """An article to add, with where it goes."""

    article: Article
    story_id: str
    copy_of: str | None
    day: int | None
    text_hash: str
    terms: bytes


class StoryStore(Protocol):
    """What an incremental run needs from a store. All methods but :meth:`transaction` and
    :meth:`close` must be called inside :meth:`transaction`.

    Ids are strings; days are proleptic Gregorian ordinals (``datetime.date.toordinal``)
    or None for unknown; runs are numbered from 1.
    """

    def transaction(self) -> contextlib.AbstractContextManager[None]:
        """Hold the store's write lock for the whole block and commit at its end; an
        exception (or a killed process) leaves the store unchanged. Raises
        :class:`StoreBusyError` at once when another run holds the lock."""
        ...

    def close(self) -> None:
        """Release the store."""
        ...

    def latest_run(self) -> RunRecord | None:
        """The newest run that added articles, or None for an empty store."""
        ...

    def add_run(self, day: int | None, fingerprint: str, added: int) -> int:
        """Record a run and return its number (the previous number + 1)."""
        ...

    def known_articles(self, articles: Sequence[Article], text_hashes: Sequence[str]) -> dict[str, tuple[str, int]]:
        """For each input article already in the store, ``{input id: (stored id, added run)}``:
        the same id, the same url, or the same text (``text_hashes``, parallel to
        ``articles``) from the same source."""
        ...

    def window_terms(self, since_day: int | None) -> tuple[list[str], list[str], list[bytes]]:
        """Ids, story ids and term blobs of the articles dated ``since_day`` or later
        (or undated); every article when ``since_day`` is None."""
        ...

    def story_members(self, story_ids: Iterable[str], since_day: int | None = None) -> list[StoredArticle]:
        """The articles of the given stories (only those dated ``since_day`` or later, or
        undated, when it is given), sorted by id."""
        ...

    def stories(self, story_ids: Iterable[str]) -> dict[str, StoryRecord]:
        """The records of the given story ids (unknown ids are left out)."""
        ...

    def story_days(self, story_ids: Iterable[str]) -> dict[str, tuple[int | None, int | None]]:
        """``{story id: (earliest day, latest day)}`` over each story's articles."""
        ...

    def stories_changed(self, run: int) -> list[str]:
        """Ids of the live (not merged) stories created or changed by ``run``, sorted."""
        ...

    def live_stories(self, since_day: int | None) -> list[str]:
        """Ids of the not-merged stories with an article dated ``since_day`` or later (or
        undated), sorted; every not-merged story when ``since_day`` is None."""
        ...

    def merges(self, run: int) -> list[tuple[str, str]]:
        """``(merged id, surviving id)`` for the stories merged away by ``run``, sorted."""
        ...

    def add_articles(self, run: int, articles: Sequence[NewArticle]) -> None:
        """Insert new articles, added by ``run``."""
        ...

    def move_articles(self, moves: Sequence[tuple[str, str, str | None]]) -> None:
        """Set ``(article id, story id, copy_of)`` for stored articles."""
        ...

    def create_story(self, story_id: str, run: int, split_from: str | None = None) -> None:
        """Record a new story id created by ``run``."""
        ...

    def touch_story(self, story_id: str, run: int) -> None:
        """Record that ``run`` changed a story."""
        ...

    def merge_story(self, story_id: str, into: str, run: int) -> None:
        """Record that ``run`` merged ``story_id`` into ``into`` and move every article of it there."""
        ...

    def story_exists(self, story_id: str) -> bool:
        """Whether a story id was ever given (live or merged)."""
        ...

    def counts(self) -> tuple[int, int]:
        """(articles stored, live stories)."""
        ...


def _chunks(items: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _marks(n: int) -> str:
    return ",".join("?" * n)


class SQLiteStore:
    """A :class:`StoryStore` in one SQLite file (rollback journal, ``synchronous=FULL``).

    Example:
        >>> store = SQLiteStore(":memory:")
        >>> with store.transaction():
        ...     store.latest_run() is None
        True
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            folder = Path(self.path).parent
            if not folder.is_dir():
                raise StoreError(f"cannot open store {self.path}: folder {folder} does not exist")
            if Path(self.path).is_dir():
                raise StoreError(f"cannot open store {self.path}: it is a folder; give a file name such as news.db")
        try:
            # timeout=0: a run never waits for another one's lock, it says so at once.
            self._db = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open store {self.path}: {exc}") from None
        self._in_transaction = False

    # -- transaction -------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise StoreBusyError(
                    f"store is in use: {self.path} is being updated by another run; nothing was changed, try again when it has finished"
                ) from None
            raise StoreError(f"cannot use store {self.path}: {exc}") from None
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot use store {self.path}: {exc} (is it a storyfold store?)") from None
        self._in_transaction = True
        try:
            # Once the lock is held, wait for readers (a sqlite3 shell) rather than fail the commit.
            self._db.execute("PRAGMA busy_timeout = 30000")
            self._prepare()
            yield
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise
        finally:
            self._in_transaction = False
            self._db.execute("PRAGMA busy_timeout = 0")

    def _prepare(self) -> None:
        try:
            tables = {row[0] for row in self._db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot use store {self.path}: {exc} (is it a storyfold store?)") from None
        if not tables:
            for statement in _SCHEMA.split(";"):  # executescript would commit the open transaction
                if statement.strip():
                    self._db.execute(statement)
            self._db.execute("INSERT INTO meta (key, value) VALUES ('format', ?)", (STORE_FORMAT,))
            return
        if "meta" not in tables:
            raise StoreError(f"{self.path} is an SQLite file but not a storyfold store (no meta table); give a new file name")
        row = self._db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone()
        if row is None or row[0] != STORE_FORMAT:
            found = row[0] if row else "none"
            raise StoreError(f"{self.path} has store format {found!r}; this storyfold reads {STORE_FORMAT!r}")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> "SQLiteStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reads -------------------------------------------------------------------------

    def latest_run(self) -> RunRecord | None:
        row = self._db.execute("SELECT id, day, fingerprint, added FROM runs ORDER BY id DESC LIMIT 1").fetchone()
        return RunRecord(*row) if row else None

    def known_articles(self, articles: Sequence[Article], text_hashes: Sequence[str]) -> dict[str, tuple[str, int]]:
        found: dict[str, tuple[str, int]] = {}
        ids = [a.id for a in articles]
        for part in _chunks(ids):
            for article_id, run in self._db.execute(f"SELECT id, added_run FROM articles WHERE id IN ({_marks(len(part))})", part):
                found[article_id] = (article_id, run)
        rest = [(a, h) for a, h in zip(articles, text_hashes) if a.id not in found]
        by_url: dict[str, list[str]] = {}
        for article, _ in rest:
            if article.url:
                by_url.setdefault(article.url, []).append(article.id)
        urls = sorted(by_url)
        for part in _chunks(urls):
            query = f"SELECT url, id, added_run FROM articles WHERE url IN ({_marks(len(part))}) ORDER BY id"
            for url, stored_id, run in self._db.execute(query, part):
                for article_id in by_url[url]:
                    found.setdefault(article_id, (stored_id, run))
        by_hash: dict[str, list[Article]] = {}
        for article, text_hash in rest:
            if article.id not in found and article.source:  # an unknown source is no one's same source
                by_hash.setdefault(text_hash, []).append(article)
        hashes = sorted(by_hash)
        for part in _chunks(hashes):
            query = f"SELECT text_hash, source, id, added_run FROM articles WHERE text_hash IN ({_marks(len(part))}) ORDER BY id"
            for text_hash, source, stored_id, run in self._db.execute(query, part):
                for article in by_hash[text_hash]:
                    if article.source == source:
                        found.setdefault(article.id, (stored_id, run))
        return found

    def window_terms(self, since_day: int | None) -> tuple[list[str], list[str], list[bytes]]:
        # The text is the last column, so reading these never walks a text's overflow pages.
        if since_day is None:
            rows = self._db.execute("SELECT id, story_id, terms FROM articles").fetchall()
        else:
            rows = self._db.execute("SELECT id, story_id, terms FROM articles WHERE day >= ?", (since_day,)).fetchall()
            rows += self._db.execute("SELECT id, story_id, terms FROM articles WHERE day IS NULL").fetchall()
        rows.sort()
        return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]

    def story_members(self, story_ids: Iterable[str], since_day: int | None = None) -> list[StoredArticle]:
        ids = sorted(set(story_ids))
        out: list[StoredArticle] = []
        columns = "id, title, text, source, url, published, meta, added_run, story_id, copy_of, day"
        for part in _chunks(ids):
            query = f"SELECT {columns} FROM articles WHERE story_id IN ({_marks(len(part))})"
            params: list[object] = list(part)
            if since_day is not None:
                query += " AND (day >= ? OR day IS NULL)"
                params.append(since_day)
            for row in self._db.execute(query, params):
                article = Article(id=row[0], title=row[1], text=row[2], source=row[3], url=row[4], published=row[5], meta=json.loads(row[6]))
                out.append(StoredArticle(article=article, added_run=row[7], story_id=row[8], copy_of=row[9], day=row[10]))
        out.sort(key=lambda s: s.article.id)
        return out

    def stories(self, story_ids: Iterable[str]) -> dict[str, StoryRecord]:
        ids = sorted(set(story_ids))
        out: dict[str, StoryRecord] = {}
        for part in _chunks(ids):
            query = f"SELECT id, created_run, updated_run, merged_into, merged_run, split_from FROM stories WHERE id IN ({_marks(len(part))})"
            for row in self._db.execute(query, part):
                out[row[0]] = StoryRecord(*row)
        return out

    def story_days(self, story_ids: Iterable[str]) -> dict[str, tuple[int | None, int | None]]:
        ids = sorted(set(story_ids))
        out: dict[str, tuple[int | None, int | None]] = {}
        for part in _chunks(ids):
            query = f"SELECT story_id, MIN(day), MAX(day) FROM articles WHERE story_id IN ({_marks(len(part))}) GROUP BY story_id"
            for story_id, first, last in self._db.execute(query, part):
                out[story_id] = (first, last)
        return out

    def stories_changed(self, run: int) -> list[str]:
        rows = self._db.execute("SELECT id FROM stories WHERE updated_run = ? AND merged_into IS NULL ORDER BY id", (run,))
        return [r[0] for r in rows]

    def live_stories(self, since_day: int | None) -> list[str]:
        if since_day is None:
            rows = self._db.execute("SELECT id FROM stories WHERE merged_into IS NULL ORDER BY id")
        else:
            found = {r[0] for r in self._db.execute("SELECT DISTINCT story_id FROM articles WHERE day >= ?", (since_day,))}
            found.update(r[0] for r in self._db.execute("SELECT DISTINCT story_id FROM articles WHERE day IS NULL"))
            return sorted(found)
        return [r[0] for r in rows]

    def merges(self, run: int) -> list[tuple[str, str]]:
        rows = self._db.execute("SELECT id, merged_into FROM stories WHERE merged_run = ? ORDER BY id", (run,))
        return [(r[0], r[1]) for r in rows]

    def counts(self) -> tuple[int, int]:
        articles = self._db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        stories = self._db.execute("SELECT COUNT(*) FROM stories WHERE merged_into IS NULL").fetchone()[0]
        return int(articles), int(stories)

    # -- writes ------------------------------------------------------------------------

    def add_run(self, day: int | None, fingerprint: str, added: int) -> int:
        cursor = self._db.execute("INSERT INTO runs (day, fingerprint, added) VALUES (?, ?, ?)", (day, fingerprint, added))
        return int(cursor.lastrowid)  # type: ignore[arg-type]

    def add_articles(self, run: int, articles: Sequence[NewArticle]) -> None:
        self._db.executemany(
            "INSERT INTO articles (id, added_run, story_id, copy_of, day, text_hash, terms, title, source, url, published, meta, text)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    n.article.id,
                    run,
                    n.story_id,
                    n.copy_of,
                    n.day,
                    n.text_hash,
                    n.terms,
                    n.article.title,
                    n.article.source,
                    n.article.url,
                    n.article.published,
                    json.dumps(dict(n.article.meta), ensure_ascii=False, sort_keys=True),
                    n.article.text,
                )
                for n in articles
            ),
        )

    def move_articles(self, moves: Sequence[tuple[str, str, str | None]]) -> None:
        self._db.executemany("UPDATE articles SET story_id = ?, copy_of = ? WHERE id = ?", ((s, c, a) for a, s, c in moves))

    def create_story(self, story_id: str, run: int, split_from: str | None = None) -> None:
        self._db.execute(
            "INSERT INTO stories (id, created_run, updated_run, split_from) VALUES (?, ?, ?, ?)", (story_id, run, run, split_from)
        )

    def touch_story(self, story_id: str, run: int) -> None:
        self._db.execute("UPDATE stories SET updated_run = ? WHERE id = ?", (run, story_id))

    def merge_story(self, story_id: str, into: str, run: int) -> None:
        self._db.execute("UPDATE stories SET merged_into = ?, merged_run = ?, updated_run = ? WHERE id = ?", (into, run, run, story_id))
        self._db.execute("UPDATE stories SET merged_into = ? WHERE merged_into = ?", (into, story_id))
        self._db.execute("UPDATE articles SET story_id = ? WHERE story_id = ?", (into, story_id))

    def story_exists(self, story_id: str) -> bool:
        """Whether a story id was ever given (live or merged)."""
        return self._db.execute("SELECT 1 FROM stories WHERE id = ?", (story_id,)).fetchone() is not None

    def dump(self) -> list[str]:
        """The store's content as SQL statements, in a fixed order (for comparing two states)."""
        return list(self._db.iterdump())


def open_store(path: str | os.PathLike[str]) -> SQLiteStore:
    """Open (or create on first write) the SQLite store at ``path``.

    Raises :class:`StoreError` when the folder is missing or the path is a folder.
    """
    return SQLiteStore(path)
