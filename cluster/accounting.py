"""The accounting invariant, checked after clustering and again after summarizing.

Every article read is in exactly one group (a cluster, later a story); together with
``skipped`` that gives ``inputs = in groups + skipped``. One function checks it for both
stages, so the two checks cannot drift apart.
"""

from __future__ import annotations

from typing import Iterable, Sequence

from .errors import InvariantError
from .types import Clustering

__all__ = ["check_accounting"]


def check_accounting(result: Clustering, groups: Iterable[Sequence[str]] | None = None, *, unit: str = "cluster") -> None:
    """Raise :class:`InvariantError` unless every article of ``result`` is in exactly one group.

    ``groups`` are lists of article ids (default: ``result``'s clusters); ``unit`` names
    a group in the message (``"cluster"``, ``"story"``).

    Raises:
        InvariantError: naming up to five ids in two groups, in none, or unknown.

    Example:
        >>> from cluster.types import Article, Cluster
        >>> check_accounting(Clustering((Article("a", "Rain."),), (Cluster.of(["a"]),)))
    """
    if groups is None:
        groups = (cluster.article_ids for cluster in result.clusters)
    counted: dict[str, int] = {}
    for group in groups:
        for article_id in group:
            counted[article_id] = counted.get(article_id, 0) + 1
    known = {a.id for a in result.articles}
    if len(known) != len(result.articles):  # counted as distinct ids: an id twice is one input counted twice
        raise InvariantError("accounting failed: an article id appears twice among the articles")
    twice = sorted(i for i, n in counted.items() if n > 1)
    missing = sorted(known - set(counted))
    unknown = sorted(set(counted) - known)
    if twice or missing or unknown:
        plural = "stories" if unit == "story" else f"{unit}s"
        raise InvariantError(
            "accounting failed: "
            + "; ".join(
                part
                for part in (
                    f"in two {plural}: {twice[:5]}" if twice else "",
                    f"in no {unit}: {missing[:5]}" if missing else "",
                    f"unknown ids: {unknown[:5]}" if unknown else "",
                )
                if part
            )
        )
