"""What tells two events apart when their wording agrees: script terms, figures, places, live blogs.

- :func:`cjk_bigrams`: text in scripts written without spaces (Chinese, Japanese) becomes
  overlapping character bigrams, the usual indexing unit for such text when no segmenter
  is used (a clause would otherwise be one "word"), so two outlets' wordings of one event
  share terms.
- :func:`event_keys` and :func:`conflicting_pairs`: automated bulletins from one template
  (a magnitude 4.1 quake near one town, a 3.8 quake near another) agree in almost every
  word; what differs is the figures and the place names. Two articles whose headline and
  lead each state figures and names, and share none of either, report different events.
- :func:`is_live_blog`: a page whose text is a run of timestamped entries.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Mapping, Sequence

import numpy as np

from .pools import pool_map, process_pool, usable_cores
from .signatures import CJK_CHARACTERS

if TYPE_CHECKING:
    from .types import Article

__all__ = [
    "cjk_bigrams", "event_keys", "article_events", "conflicting_pairs", "untied_language_pairs", "is_live_blog", "LEAD_CHARS",
]

_CJK_RUN = re.compile(f"[{CJK_CHARACTERS}]+")
# Characters of the body read for the lead's figures and names.
LEAD_CHARS = 400
# A figure: digits with decimal or thousands separators, or a clock time, read as one key.
_FIGURE = re.compile(r"(?<![\w.,:])\d+(?:[.,:]\d+)*(?![\w])|\d+(?:\.\d+)?(?=[^\W\d_])")
# A name: a capitalised word that does not open a sentence (the title's words all may).
_WORD = re.compile(r"([.!?]['\"’”)]*\s|\n)|([^\W\d_][\w'’-]*)")
# A live-blog entry stamp at the start of a line: "11:30", "12.55 BST", "9:05 a.m.", "[14:02]".
_ENTRY = re.compile(r"^\s*[\[(]?\s*([01]?\d|2[0-3])[:.h]([0-5]\d)\b", re.MULTILINE)
# Entries needed (at different times) for a text to be a live blog.
LIVE_BLOG_ENTRIES = 3
# Articles read in worker processes by :func:`article_events` from this many on (fewer
# cost more to send than to read here), in batches of this many.
_PARALLEL_FROM = 20_000
_BATCH = 4096

EventKeys = tuple[frozenset[str], frozenset[str]]


def cjk_bigrams(text: str) -> str:
    """``text`` with every run of Han, Hiragana or Katakana characters written as its
    overlapping character bigrams, space separated (a lone character stays as it is).

    Example:
        >>> cjk_bigrams("云岭县发生5.8级地震")
        ' 云岭 岭县 县发 发生 5.8 级地 地震 '
    """

    def spread(match: re.Match[str]) -> str:
        run = match.group(0)
        if len(run) == 1:
            return f" {run} "
        return " " + " ".join(run[k : k + 2] for k in range(len(run) - 1)) + " "

    return _CJK_RUN.sub(spread, text)


def event_keys(title: str | None, text: str | None) -> tuple[frozenset[str], frozenset[str]]:
    """The figures and the names stated in an article's headline and lead.

    Figures are numbers as written without thousands separators ("12,000" and "12000"
    agree); names are capitalised words that do not open a sentence of the lead (every
    capitalised word of a headline but the first), lower-cased.

    Example:
        >>> figures, names = event_keys("Magnitude 4.1 quake strikes near Ridgefield", "A magnitude 4.1 earthquake struck 12 km north of Ridgefield at 03:14.")
        >>> sorted(figures), sorted(names)
        (['03:14', '12', '4.1'], ['ridgefield'])
    """
    figures: set[str] = set()
    names: set[str] = set()
    for part, is_title in ((title or "", True), ((text or "")[:LEAD_CHARS], False)):
        if not part:
            continue
        figures.update(m.group(0).replace(",", "") for m in _FIGURE.finditer(part))
        opens = True
        for separator, word in _WORD.findall(part):
            if separator:
                opens = not is_title
                continue
            if word[0].isupper() and not opens and len(word) > 1:
                names.add(word.lower().replace("’", "'").removesuffix("'s"))
            opens = False
    return frozenset(figures), frozenset(names)


def _events_batch(items: list[tuple[str | None, str]]) -> list[tuple[EventKeys, bool]]:
    """Event keys (from the text's lead) and live-blog flag of each (title, text)."""
    return [(event_keys(title, text[:LEAD_CHARS]), is_live_blog(text)) for title, text in items]


def article_events(articles: Sequence["Article"], indices: Sequence[int]) -> tuple[dict[int, EventKeys], dict[int, bool]]:
    """:func:`event_keys` and :func:`is_live_blog` of ``articles[i]`` for each ``i`` of ``indices``.

    Returns two dicts keyed by ``i``. Many articles are read in worker processes
    (:func:`cluster.pools.usable_cores` of them), the same result as reading them here.

    Example:
        >>> from cluster.types import Article
        >>> keys, live = article_events([Article("a", "Quake near Ridgefield, 12 dead.", title="Quake")], [0])
        >>> sorted(keys[0][0]), sorted(keys[0][1]), live[0]
        (['12'], ['ridgefield'], False)
    """
    order = [int(i) for i in indices]
    tasks = (
        [(articles[i].title, articles[i].text or "") for i in order[start : start + _BATCH]]
        for start in range(0, len(order), _BATCH)
    )
    workers = usable_cores()
    if workers == 1 or len(order) < _PARALLEL_FROM:
        results = [row for batch in map(_events_batch, tasks) for row in batch]
    else:
        with process_pool(workers) as pool:
            results = [row for batch in pool_map(pool, _events_batch, tasks, ahead=2 * workers) for row in batch]
    return {i: r[0] for i, r in zip(order, results)}, {i: r[1] for i, r in zip(order, results)}


def conflicting_pairs(
    articles: Sequence["Article"],
    rows: np.ndarray,
    cols: np.ndarray,
    min_each: int = 2,
    keys: Mapping[int, EventKeys] | None = None,
) -> np.ndarray:
    """Boolean mask of the pairs that report different events of one template.

    A pair conflicts when both headlines-and-leads state at least ``min_each`` figures and
    at least one name, and the two share no figure and no name. An article about the same
    event from another outlet shares a figure (a toll, a magnitude, a date) or a name (a
    place, a person) in its lead; one that states no figure or no name is never held apart.
    ``keys`` holds :func:`event_keys` already read (by :func:`article_events`), keyed by
    article index; the others are read here. ``rows`` and ``cols`` are int arrays of equal
    length; returns a bool array of that length.

    Example:
        >>> from cluster.types import Article
        >>> a = Article("q1", "A magnitude 4.1 earthquake struck 12 km north of Ridgefield at 03:14.")
        >>> b = Article("q2", "A magnitude 3.8 earthquake struck 5 km east of Lakeport at 09:52.")
        >>> c = Article("q3", "The 4.1 quake near Ridgefield at 03:14 woke residents, the survey said.")
        >>> conflicting_pairs([a, b, c], np.array([0, 0]), np.array([1, 2])).tolist()
        [True, False]
    """
    out = np.zeros(len(rows), dtype=bool)
    if not len(rows):
        return out
    known: Mapping[int, EventKeys] = keys if keys is not None else {}
    read: dict[int, EventKeys] = {}

    def key(i: int) -> EventKeys:
        if i in known:
            return known[i]
        if i not in read:
            read[i] = event_keys(articles[i].title, articles[i].text)
        return read[i]

    for k, (i, j) in enumerate(zip(rows.tolist(), cols.tolist())):
        (fi, ni), (fj, nj) = key(i), key(j)
        if len(fi) >= min_each and len(fj) >= min_each and ni and nj:
            out[k] = not (fi & fj) and not (ni & nj)
    return out


def untied_language_pairs(
    articles: Sequence["Article"], rows: np.ndarray, cols: np.ndarray, keys: Mapping[int, EventKeys] | None = None
) -> np.ndarray:
    """Boolean mask of the pairs in two known, different languages that share no figure and
    no name in their headlines and leads: such reports are kept in separate stories.

    Shared words between languages are mostly chance (names of months, loanwords); a
    figure or a name that both state ties two reports of one event across languages.
    ``keys`` as for :func:`conflicting_pairs`.

    Example:
        >>> from cluster.types import Article
        >>> en = Article("en", "Parliament passed the budget on Monday.", language="en")
        >>> de = Article("de", "Das Parlament hat am Montag den Haushalt verabschiedet.", language="de")
        >>> de2 = Article("de2", "Erdbeben der Stärke 5.8 in Yunling: 3 Tote.", language="de")
        >>> zh = Article("zh", "云岭县发生5.8级地震，已造成3人遇难。", language="zh")
        >>> untied_language_pairs([en, de, de2, zh], np.array([0, 2]), np.array([1, 3])).tolist()
        [True, False]
    """
    out = np.zeros(len(rows), dtype=bool)
    if not len(rows):
        return out
    codes: dict[str, int] = {}
    language = np.array([codes.setdefault(a.language, len(codes)) if a.language else -1 for a in articles], dtype=np.int64)
    differ = (language[rows] >= 0) & (language[cols] >= 0) & (language[rows] != language[cols])
    known: Mapping[int, EventKeys] = keys if keys is not None else {}
    read: dict[int, EventKeys] = {}
    for k in np.flatnonzero(differ).tolist():
        i, j = int(rows[k]), int(cols[k])
        for m in (i, j):
            if m not in known and m not in read:
                read[m] = event_keys(articles[m].title, articles[m].text)
        (fi, ni), (fj, nj) = (known[i] if i in known else read[i]), (known[j] if j in known else read[j])
        out[k] = not (fi & fj) and not (ni & nj)
    return out


def is_live_blog(text: str | None) -> bool:
    """True when ``text`` holds at least ``LIVE_BLOG_ENTRIES`` lines opening with a clock time, at different times.

    Example:
        >>> is_live_blog("Live: strait closed\\n11:30 Ships halted.\\n12:55 Navy says.\\n14:10 Talks open.")
        True
        >>> is_live_blog("The meeting ran from 11:30 to 12:55 on Monday.")
        False
    """
    if not text:
        return False
    stamps = {m.group(1).zfill(2) + m.group(2) for m in _ENTRY.finditer(text)}
    return len(stamps) >= LIVE_BLOG_ENTRIES
