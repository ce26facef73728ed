"""Titles: a headline without the site's name or a section label around it.

Pages and feeds put their publisher's name and section labels around the headline:
``… - BBC News``, ``… | CNN Politics``, ``Opinion | …``, ``UPDATE 2-…``, and news
aggregators end every title with `` - publisher``. :func:`strip_title` removes them; the
headline itself is never cut (a part is removed only when the rest still has
:data:`MIN_HEADLINE_CHARS` characters).

A tail (after the last separator `` - ``, `` – ``, `` — ``, `` | ``, `` · ``, `` :: ``,
`` » ``, ``｜``) is removed when
1. it names the article's publisher: its :func:`~cluster.publishers.name_key` starts with,
   or is the start of, a publisher name's key or the domain's label (``BBC News`` for
   ``BBC``, ``CNN Politics`` for ``cnn.com``), or it is a host name;
2. it is a section label (:func:`~cluster.publishers.is_section_name`);
3. it is one of the ``site_tails`` the caller found ending several titles of the same
   publisher (:func:`repeated_tails`);
4. or the headline is in a script written without spaces (Chinese, Japanese, Thai), where a
   spaced `` - `` only ever sets off the publisher, as aggregators write it.

A prefix (before the first `` | `` or ``:``) is removed when it is a label from
:data:`PREFIX_LABELS` (``Opinion |``, ``Analysis:``, ``Live updates:``) or names the publisher.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterable, Sequence

from .languages import unspaced_script
from .publishers import is_section_name, name_key

__all__ = ["MIN_HEADLINE_CHARS", "PREFIX_LABELS", "strip_title", "title_tail", "repeated_tails"]

MIN_HEADLINE_CHARS = 12

#: Section and genre labels that open titles (compared by name_key).
PREFIX_LABELS = frozenset(
    """opinion analysis editorial commentary comment column exclusive breaking breakingnews live liveupdates
    liveblog watch video photos gallery explainer factbox factcheck review perspective letters letter podcast
    update updated correction corrected sponsored interview obituary""".split()
)

_TAIL = re.compile(r"^(.*\S)\s+(?:[-–—|·»]|::)\s+([^-–—|·»]+?)\s*$|^(.*\S)\s*[｜|]\s*([^｜|]+?)\s*$", re.S)
_PREFIX = re.compile(r"^\s*([^|:：]{1,40}?)\s*(?:\||:|：)\s+(.+)$", re.S)
_WIRE_UPDATE = re.compile(r"^\s*(?:UPDATE|REFILE|CORRECTED|WRAPUP)(?:\s+\d+)?\s*[-:]\s*", re.I)
_HOST = re.compile(r"^[\w-]+(?:\.[\w-]+)+$")
_TAIL_MAX_CHARS = 60


def title_tail(title: str) -> tuple[str, str] | None:
    """(headline, tail) when ``title`` ends in a separator and a short tail, else None.

    Example:
        >>> title_tail("Quake hits Sichuan - BBC News")
        ('Quake hits Sichuan', 'BBC News')
    """
    match = _TAIL.match(title)
    if not match:
        return None
    head, tail = (match.group(1), match.group(2)) if match.group(1) is not None else (match.group(3), match.group(4))
    if len(tail) > _TAIL_MAX_CHARS or len(head) < MIN_HEADLINE_CHARS or tail.rstrip().endswith(("?", "!", ".")):
        return None
    return head.strip(), tail.strip()


def _names_publisher(part: str, publishers: Sequence[str]) -> bool:
    if _HOST.match(part.strip()):
        return True
    key = name_key(part)
    if len(key) < 2:
        return False
    for name in publishers:
        other = name_key(name.split(".", 1)[0]) if _HOST.match(name) else name_key(name)
        if len(other) >= 2 and (key.startswith(other) or other.startswith(key)):
            return True
    return False


def strip_title(title: str, publishers: Sequence[str] = (), site_tails: Iterable[str] = ()) -> str:
    """``title`` without its publisher's tail or prefix and section labels.

    Args:
        title: a cleaned, one-line title.
        publishers: names the article's publisher goes by (its source name, display name,
            registrable domain).
        site_tails: name_keys of tails that end several titles of this publisher.

    Example:
        >>> strip_title("Opinion | Why the vote matters - The New York Times", ["The New York Times"])
        'Why the vote matters'
        >>> strip_title("大手通信会社で大規模障害、全国で通話できず - ITメディアX")
        '大手通信会社で大規模障害、全国で通話できず'
        >>> strip_title("Biden signs the bill - and what comes next")
        'Biden signs the bill - and what comes next'
    """
    tails = set(site_tails)
    current = title.strip()
    for _ in range(2):  # "… | Politics | CNN"
        split = title_tail(current)
        if split is None:
            break
        head, tail = split
        if (
            _names_publisher(tail, publishers)
            or is_section_name(tail)
            or name_key(tail) in tails
            or unspaced_script(head)
        ):
            current = head
        else:
            break
    current = _WIRE_UPDATE.sub("", current, count=1) if _WIRE_UPDATE.match(current) else current
    match = _PREFIX.match(current)
    if match and len(match.group(2)) >= MIN_HEADLINE_CHARS:
        label = match.group(1)
        separator_is_bar = "|" in current[len(label) : len(label) + 4]
        if name_key(label) in PREFIX_LABELS or (separator_is_bar and (_names_publisher(label, publishers) or is_section_name(label))):
            current = match.group(2).strip()
            if current[:1].islower():  # "Breaking: man charged ..." -> "Man charged ..."
                current = current[0].upper() + current[1:]
    return current or title


def repeated_tails(titles: Iterable[tuple[str | None, str | None]], min_titles: int = 3) -> dict[str, frozenset[str]]:
    """Tails that end at least ``min_titles`` different titles of one publisher.

    Args:
        titles: (publisher key, title) pairs.

    Returns:
        publisher key -> name_keys of its repeated tails.

    Example:
        >>> pairs = [("k", "Quake hits the coast - Daily Wire Report"), ("k", "Council sets the vote - Daily Wire Report")]
        >>> repeated_tails(pairs, min_titles=2)
        {'k': frozenset({'dailywirereport'})}
    """
    counts: Counter[tuple[str, str]] = Counter()
    for key, title in titles:
        if key is None or not title:
            continue
        split = title_tail(title)
        if split is not None:
            counts[(key, name_key(split[1]))] += 1
    found: dict[str, set[str]] = {}
    for (key, tail), count in sorted(counts.items()):
        if count >= min_titles and tail:
            found.setdefault(key, set()).add(tail)
    return {key: frozenset(tails) for key, tails in found.items()}
