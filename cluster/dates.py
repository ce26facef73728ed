"""Article dates: the one module every stage reads an article's date through.

Two readings, kept apart on purpose because the stages need different things:

- :func:`published_timestamp`: the instant ``published`` names, read as ISO 8601 only (a
  date alone is midnight UTC; no zone means UTC). Copies use it to pick the original of
  a copy group (the earliest published), where two copies of one day differ by the hour.
- :func:`article_day`: the day an article was published, from ``published`` (the first
  ``YYYY-MM-DD`` in it), else from a date in its URL path. Stories use it to keep
  articles that are days apart in separate stories.

The copy order reads no URL dates and no day-only precision: reading them there too would
change which member of some copy groups is the original, so both readings stay as they
were, each named for what it reads.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Sequence
from urllib.parse import urlsplit

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

    from .types import Article

__all__ = ["published_timestamp", "published_day", "url_day", "article_day", "article_days", "DateWindow"]

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
# Dates in URLs, as news sites write them: year (1990-2049), month (a number or an English
# month name) and day with one separator between them (/2021/10/18/, /2013/may/03/,
# -2021-10-18, 2005_05_01), ending the segment or followed by that separator; or eight
# digits forming a whole part of the path or a query value (/20070503/, ymd=20081216,
# -20130504). "/2021/03/10-things" and "/2013/mayor-5" are not dates.
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_NAMES = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_URL_DATE = re.compile(
    r"(?<![0-9a-z])(199\d|20[0-4]\d)([/_-])(0?[1-9]|1[0-2]|" + _MONTH_NAMES + r")\2(0?[1-9]|[12]\d|3[01])(?=$|[/.?#&]|\2)",
    re.IGNORECASE,
)
_URL_COMPACT_DATE = re.compile(r"(?<=[/=_-])(199\d|20[0-4]\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=$|[/.?#&_-])")


def published_timestamp(published: str | None) -> float | None:
    """POSIX seconds of an ISO 8601 date or datetime string (no zone: UTC); None when absent or not ISO 8601.

    Example:
        >>> published_timestamp("2024-05-02T12:00:00Z")
        1714651200.0
        >>> published_timestamp("May 2, 2024") is None
        True
    """
    if not published:
        return None
    try:
        moment = datetime.fromisoformat(published.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.timestamp()


def article_days(articles: Sequence["Article"]) -> "np.ndarray | None":
    """:func:`article_day` of each article as an ``(n,)`` float64 array (NaN unknown); None when no article has a date.

    Example:
        >>> from cluster.types import Article
        >>> article_days([Article("a", "x", published="2021-10-18"), Article("b", "y")]).tolist()[1]
        nan
    """
    import numpy as np

    days = np.array([article_day(a) for a in articles], dtype=np.float64)
    return None if np.isnan(days).all() else days


def article_day(article: "Article") -> float:
    """The day an article was published, as days since 0001-01-01; NaN when unknown.

    ``published`` when it holds a date, else a date in the URL's path, as news sites write
    it: ``/2021/10/18/``, ``/2013/may/03/``, ``-2021-10-18``, ``20081216``.

    Example:
        >>> from cluster.types import Article
        >>> from datetime import date
        >>> article_day(Article("a", "x", url="https://example.com/2021/10/18/quake")) == date(2021, 10, 18).toordinal()
        True
    """
    day = published_day(article.published)
    if day != day and article.url:  # NaN: no usable `published`
        day = url_day(article.url)
    return day


def url_day(url: str) -> float:
    """Days since 0001-01-01 of the first date in a URL's path or query (never the host); NaN when none.

    Example:
        >>> url_day("https://example.com/2013/may/03/vote") == date(2013, 5, 3).toordinal()
        True
        >>> url_day("https://example.com/2021/03/10-things")
        nan
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return float("nan")
    path = parts.path
    if not parts.netloc and not path.startswith("/"):
        path = path.partition("/")[2]  # "example.com/2021/10/18/x": the first part is the host
    path = f"/{path}?{parts.query}" if parts.query else f"/{path}"
    found = []
    for match in _URL_DATE.finditer(path):
        year, _, month, day = match.groups()
        found.append((match.start(), year, month, day))
    for match in _URL_COMPACT_DATE.finditer(path):
        found.append((match.start(), *match.groups()))
    for _, year, month, day in sorted(found):
        number = int(month) if month.isdigit() else _MONTHS.index(month.lower()[:3]) + 1
        try:
            return float(date(int(year), number, int(day)).toordinal())
        except ValueError:
            continue
    return float("nan")


def published_day(published: str | None) -> float:
    """Days since 0001-01-01 of the first ``YYYY-MM-DD`` in ``published``; NaN when absent or unreadable.

    Example:
        >>> published_day("2021-10-18T09:30:00+02:00") == date(2021, 10, 18).toordinal()
        True
    """
    if not published:
        return float("nan")
    match = _DATE.search(published)
    if not match:
        return float("nan")
    try:
        return float(date(int(match.group(1)), int(match.group(2)), int(match.group(3))).toordinal())
    except ValueError:
        return float("nan")


@dataclass(frozen=True, slots=True)
class DateWindow:
    """The date check of story grouping: articles dated more than ``max_days`` apart never
    share a story; undated articles are never kept apart.

    days: float64 array of shape ``(n,)``, :func:`article_day` of each article (NaN unknown).
    max_days: days one story may span (> 0).

    Example:
        >>> from cluster.types import Article
        >>> DateWindow.of([Article("a", "x", published="2021-10-18"), Article("b", "y")], 7).max_days
        7
        >>> DateWindow.of([Article("a", "x")], 7) is None
        True
    """

    days: "np.ndarray"
    max_days: int

    @classmethod
    def of(cls, articles: Sequence["Article"], max_days_apart: int) -> "DateWindow | None":
        """The window of ``articles``; None when ``max_days_apart`` is 0 (no check) or no article is dated."""
        if max_days_apart <= 0:
            return None
        days = article_days(articles)
        return None if days is None else cls(days, max_days_apart)
