"""Story grouping over the verified edges: average-link agglomeration, then lone articles attached.

1. :func:`average_link`: groups merge while the mean similarity over all their member
   pairs (absent edges count as 0) clears ``min_similarity``, plus a margin for two
   groups of two or more, and while their dated members stay within the date window;
2. :func:`attach_loners`: an article left alone joins the group of its most similar
   article when that one pair is strong enough and stands out.
"""

from __future__ import annotations

import heapq
import math
from typing import TYPE_CHECKING, Sequence

from .dates import DateWindow
from .edges import Edges

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np

__all__ = ["average_link", "attach_loners"]


def average_link(
    n: int, edges: Edges, threshold: float, *, window: DateWindow | None = None, group_margin: float = 0.0
) -> list[int]:
    """Average-link agglomeration over a sparse similarity graph; absent edges count as 0.

    Two groups merge while the mean similarity over ALL their member pairs is at least
    ``threshold``, so a single strong pair between two large groups is not enough.
    When both groups already hold two or more members, the mean must also clear
    ``threshold + group_margin / sqrt(pairs)``: two tight groups on one theme (this week's
    jobless claims and last week's) are most often two stories, and a mean over few pairs
    is a noisy estimate, while the bar falls back towards ``threshold`` as the pairs
    between two large groups of one big story grow.
    With a date ``window``, two groups merge only while their dated members, together,
    span at most ``window.max_days`` days: a weekly report and the next week's, worded
    alike, stay two stories even when an undated article links them.
    Returns a label per node (``n`` of them): the smallest index in its group.

    Example:
        >>> import numpy as np
        >>> average_link(3, Edges(np.array([0, 1]), np.array([1, 2]), np.array([0.9, 0.3])), 0.5)
        [0, 0, 2]

        Two tight pairs with a mean of 0.4 between them merge at threshold 0.3, but not
        with a group margin of 0.3 (their 4 pairs need 0.3 + 0.3 / 2 = 0.45):

        >>> rows, cols = np.array([0, 2, 0, 0, 1, 1]), np.array([1, 3, 2, 3, 2, 3])
        >>> edges = Edges(rows, cols, np.array([0.8, 0.8, 0.4, 0.4, 0.4, 0.4]))
        >>> average_link(4, edges, 0.3), average_link(4, edges, 0.3, group_margin=0.3)
        ([0, 0, 0, 0], [0, 0, 2, 2])
    """
    neighbours: list[dict[int, float] | None] = [dict() for _ in range(n)]
    heap: list[tuple[float, int, int]] = []
    for a, b, s in zip(edges.rows.tolist(), edges.cols.tolist(), edges.sims.tolist()):
        neighbours[a][b] = s  # type: ignore[index]
        neighbours[b][a] = s  # type: ignore[index]
        if s >= threshold:
            heap.append((-s, a, b))
    heapq.heapify(heap)
    size = [1] * n
    parent = list(range(n))
    # Each group's first and last known day (+inf, -inf while none is known).
    first: list[float] = []
    last: list[float] = []
    if window is not None and window.max_days > 0:
        import numpy as np

        known = ~np.isnan(window.days)
        first = np.where(known, window.days, np.inf).tolist()
        last = np.where(known, window.days, -np.inf).tolist()
    span = window.max_days if window is not None else 0
    while heap:
        negative, a, b = heapq.heappop(heap)
        na, nb = neighbours[a], neighbours[b]
        if na is None or nb is None:
            continue
        total = na.get(b)
        if total is None or total / (size[a] * size[b]) != -negative:
            continue  # stale entry: one side has grown since it was pushed
        if group_margin and size[a] > 1 and size[b] > 1 and -negative < threshold + group_margin / math.sqrt(size[a] * size[b]):
            continue  # tried again if either group grows
        if first:
            start, end = min(first[a], first[b]), max(last[a], last[b])
            if end - start > span:
                continue  # never: a group's span only grows
            first[a] = first[b] = start
            last[a] = last[b] = end
        if len(na) < len(nb):
            a, b, na, nb = b, a, nb, na
        parent[b] = a
        size[a] += size[b]
        del na[b]
        del nb[a]
        for x, v in nb.items():
            nx = neighbours[x]
            del nx[b]  # type: ignore[union-attr]
            merged = na.get(x, 0.0) + v
            na[x] = merged
            nx[a] = merged  # type: ignore[index]
        neighbours[b] = None
        for x, v in na.items():
            mean = v / (size[a] * size[x])
            if mean >= threshold:
                heapq.heappush(heap, (-mean, a, x))
    smallest: dict[int, int] = {}
    roots = []
    for i in range(n):
        root = i
        while parent[root] != root:
            root = parent[root]
        roots.append(root)
        smallest.setdefault(root, i)  # i rises, so the first member seen is the smallest
    return [smallest[r] for r in roots]


def _attach_within_span(
    label: "np.ndarray", a: "np.ndarray", b: "np.ndarray", s: "np.ndarray", days: "np.ndarray", window: float
) -> list[int]:
    """attach_loners with dates: strongest pairs first, each article into its group while it fits.

    A group's span grows as dated articles join it, so pairs are taken one at a time.
    """
    import numpy as np

    known = ~np.isnan(days)
    first = np.full(len(label), np.inf)
    last = np.full(len(label), -np.inf)
    np.minimum.at(first, label[known], days[known])
    np.maximum.at(last, label[known], days[known])
    first_of, last_of = first.tolist(), last.tolist()
    day_of = days.tolist()  # NaN where undated
    order = np.lexsort((b, a, -s))  # falling similarity, then article, then partner index
    moved = label.copy()
    for x, y in zip(a[order].tolist(), b[order].tolist()):
        group = int(label[y])
        day = day_of[x]
        if day == day:  # a dated article: the group's span must stay within the window
            start, end = min(first_of[group], day), max(last_of[group], day)
            if end - start > window:
                continue
            first_of[group], last_of[group] = start, end
        moved[x] = group
    return moved.tolist()


def attach_loners(
    labels: Sequence[int],
    edges: Edges,
    threshold: float,
    *,
    window: DateWindow | None = None,
    margin: float = 1.0,
    movers: Sequence[bool] | None = None,
) -> list[int]:
    """Move each article left alone into the group of its most similar article, when that
    pair is >= ``threshold`` and >= ``margin`` times its best pair with any other group or
    lone article.

    Average link asks an article to match a group's mean over all members, a high bar for
    a short report, or a long one that ranges wider, on a story with many articles: it can
    end up alone although its closest article belongs to that story. One pair decides, so
    the rule asks that pair to stand out: an article about as close to two stories (or to
    another lone article) stays alone. Only articles alone move, and only onto groups of
    two or more formed before, so nothing chains; an article whose most similar article is
    alone too stays alone. Ties go to the smaller article index.
    With a date ``window``, an article does not join a group whose dated members would
    then span more than ``window.max_days`` days; articles move strongest pair first, so
    the span holds when several join one group. ``labels`` has one label per article (as
    :func:`average_link` returns); returns the new labels, a list of the same length.
    With ``movers`` (one bool per article), only those articles move, and they may also
    join an article that is alone, as long as it is not a mover itself: the live-blog pass
    uses it, so a live blog and a lone wire report on its story become one story.

    Example:
        >>> import numpy as np
        >>> attach_loners([0, 0, 2, 3], Edges(np.array([0, 1, 2]), np.array([1, 2, 3]), np.array([0.9, 0.5, 0.1])), 0.4)
        [0, 0, 0, 3]

        Article 2 is about as close to group {0, 1} as to group {3, 4}: with a margin of
        1.5 it stays alone.

        >>> edges = Edges(np.array([0, 3, 2, 2]), np.array([1, 4, 0, 3]), np.array([0.9, 0.9, 0.5, 0.4]))
        >>> attach_loners([0, 0, 2, 3, 3], edges, 0.3), attach_loners([0, 0, 2, 3, 3], edges, 0.3, margin=1.5)
        ([0, 0, 0, 3, 3], [0, 0, 2, 3, 3])
    """
    import numpy as np

    rows, cols, sims = edges.rows, edges.cols, edges.sims
    label = np.asarray(labels, dtype=np.int64)
    n = len(label)
    alone = np.bincount(label, minlength=n)[label] == 1
    # Every pair with an article alone, seen from that article: by article, falling
    # similarity, then partner index, so each article's first pair is its best.
    may_move = np.ones(n, dtype=bool) if movers is None else np.asarray(movers, dtype=bool)
    forward, backward = alone[rows] & may_move[rows], alone[cols] & may_move[cols]
    a = np.concatenate([rows[forward], cols[backward]]).astype(np.int64)
    b = np.concatenate([cols[forward], rows[backward]]).astype(np.int64)
    s = np.concatenate([sims[forward], sims[backward]])
    if not len(a):
        return label.tolist()
    order = np.lexsort((b, -s, a))
    a, b, s = a[order], b[order], s[order]
    first = np.ones(len(a), dtype=bool)
    first[1:] = a[1:] != a[:-1]
    run = np.cumsum(first) - 1  # each pair's article, numbered 0.. in order
    best_group = label[b[first]]
    rival = np.zeros(int(first.sum()))  # best pair with any other group (or article alone)
    other = label[b] != best_group[run]
    np.maximum.at(rival, run[other], s[other])
    best = s[first]
    target_ok = ~alone[b[first]] if movers is None else ~may_move[b[first]]
    keep = target_ok & (best >= threshold) & (best >= margin * rival)
    a, b, s = a[first][keep], b[first][keep], best[keep]
    if not len(a):
        return label.tolist()
    if window is not None and window.max_days > 0:
        return _attach_within_span(label, a, b, s, window.days, window.max_days)
    moved = label.copy()
    moved[a] = label[b]
    return moved.tolist()
