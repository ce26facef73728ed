"""Independent sources: a publisher counts once, and so do copies of one story."""

from __future__ import annotations

from typing import Mapping, Sequence

from cluster.publishers import name_key
from cluster.types import Article

__all__ = ["independent_source_keys"]


def independent_source_keys(articles: Sequence[Article], copies: Mapping[str, str]) -> dict[str, str]:
    """Map each article id to the key of its independent source.

    Two articles share a key when they have the same publisher (``source``, compared by
    :func:`cluster.publishers.name_key`: case, width, zero-width characters and look-alike
    letters do not matter) or when one is a copy of the other, transitively. An article
    with no source is its own source. The key is the
    smallest article id of the group, so it is stable across runs.

    Example:
        >>> from cluster import Article
        >>> keys = independent_source_keys(
        ...     [Article("a", "x", source="AP"), Article("b", "x", source="Times"), Article("c", "x", source="ap")], {})
        >>> keys["a"] == keys["c"] != keys["b"]
        True
    """
    parent: dict[str, str] = {a.id: a.id for a in articles}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            if rb < ra:
                ra, rb = rb, ra
            parent[rb] = ra

    by_source: dict[str, str] = {}
    for article in sorted(articles, key=lambda a: a.id):
        if article.source:
            name = name_key(article.source) or article.source.strip().casefold()
            if name in by_source:
                union(by_source[name], article.id)
            else:
                by_source[name] = article.id
    for copy_id, original_id in sorted(copies.items()):
        if copy_id in parent and original_id in parent:
            union(copy_id, original_id)
    return {article_id: find(article_id) for article_id in sorted(parent)}
