"""The top-level clustering pipeline: copies, then stories, then assignment."""

from __future__ import annotations

from typing import Callable, Sequence

from .accounting import check_accounting
from .errors import InvariantError
from .settings import ClusterSettings
from .types import Article, Cluster, Clustering, Skipped

__all__ = ["cluster_articles", "check_accounting"]


# Below this many articles the freed batches are small, and a full garbage collection
# (which walks every live object of the process, an embedding program's too) costs more.
_RELEASE_MIN_ARTICLES = 20_000


def cluster_articles(
    articles: Sequence[Article],
    settings: ClusterSettings | None = None,
    *,
    skipped: Sequence[Skipped] = (),
    progress: Callable[[str], None] | None = None,
) -> Clustering:
    """Group articles into stories, recording which members are copies of another.

    1. copies: MinHash over word shingles finds syndicated copies (near-duplicates);
    2. stories: candidate search, verification and grouping over a story representation;
       both stages on ``settings.engine`` (this machine, or Ray tasks);
    3. assignment: every article lands in exactly one cluster; ids derive from members.

    Example:
        >>> from cluster import Article, cluster_articles
        >>> result = cluster_articles([Article("a", "Rain fell in Paris on Monday.")])
        >>> [c.article_ids for c in result.clusters]
        [('a',)]
    """
    from .copies import find_copies
    from .engine import engine_for
    from .pools import process_limit, release_memory
    from .stories import group_stories

    settings = settings or ClusterSettings()
    articles = tuple(sorted(articles, key=lambda a: a.id))
    ids = [a.id for a in articles]
    if len(set(ids)) != len(ids):
        seen: set[str] = set()
        dup = next(i for i in ids if i in seen or seen.add(i))  # type: ignore[func-returns-value]
        raise InvariantError(f"article id {dup!r} appears twice; ids must be unique (ingest skips duplicates)")

    with process_limit(settings.engine.processes):
        if progress:
            progress(f"finding copies among {len(articles)} articles")
        copies = find_copies(articles, settings.copies, settings.engine)
        if len(articles) >= _RELEASE_MIN_ARTICLES:
            release_memory()  # the copy stage's freed batches, before the story vectors grow
        if progress:
            progress(f"grouping {len(articles)} articles into stories")
        groups = group_stories(articles, copies, settings.stories, engine_for(settings.engine))

    group_of = {article_id: k for k, group in enumerate(groups) for article_id in group}
    inside: dict[int, dict[str, str]] = {}
    for c, o in copies.items():
        k = group_of.get(c)
        if k is not None and group_of.get(o) == k:
            inside.setdefault(k, {})[c] = o
    clusters = [Cluster.of(list(group), inside.get(k)) for k, group in enumerate(groups)]
    clusters.sort(key=lambda c: c.article_ids)
    result = Clustering(articles=articles, clusters=tuple(clusters), skipped=tuple(skipped))
    check_accounting(result)
    return result
