"""Stories: articles grouped by story, one module a step.

Syndicated copies are near-duplicates; stories are looser: write-ups of one event by
different outlets share names, numbers and salient words, but few word sequences.

1. vectors (:mod:`cluster.vectors`): one sparse TF-IDF vector per original article, made
   of weighted blocks (body words, title words, capitalised names and numbers, lead
   words), each block L2-normalised, so a dot product is a weighted mean of per-block
   cosines; words folded and hashed into fixed columns (no vocabulary);
2. candidates (:mod:`cluster.candidates`): an inverted index over each article's top
   TF-IDF terms, overly common terms dropped; each article keeps its ``neighbors`` best
   candidates (no all-pairs comparison anywhere), within the date window (:mod:`cluster.dates`);
3. verification (:mod:`cluster.edges`): the exact cosine of each candidate pair (weak
   pairs are kept, they count towards group means); pairs dated too far apart are
   dropped, and so are pairs of different events of one template; edges to live blogs
   take no part in merging;
4. grouping (:mod:`cluster.grouping`): average-link agglomeration over the edges (an
   absent edge counts as zero), with a margin between groups of two or more and no
   group spanning more than ``max_days_apart`` days; then an article left alone joins
   the group of its most similar article when that pair reaches ``attach_similarity``
   and stands out (``attach_margin``); live blogs join last;
5. copies join the group of their original (:func:`group_stories`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Mapping, Sequence

from .candidates import story_candidate_pairs
from .dates import DateWindow
from .edges import event_edges, verified_edges
from .grouping import attach_loners, average_link
from .settings import StorySettings
from .vectors import story_vectors

if TYPE_CHECKING:  # pragma: no cover
    from .engine import Engine
    from .types import Article

__all__ = ["group_stories", "cluster_originals"]


def group_stories(
    articles: Sequence["Article"], copies: Mapping[str, str], settings: StorySettings, engine: "Engine | None" = None
) -> list[tuple[str, ...]]:
    """Group articles into stories; every article lands in exactly one group.

    Each copy group (``copies`` maps copy id -> original id) is clustered as one article,
    read through its fullest text, and all its members join that article's group; articles
    that are no copy are clustered as they are. Groups are sorted tuples of ids, sorted by
    their first id. Candidate search and verification run on ``engine``
    (:func:`cluster.engine.engine_for`; this machine when None), grouping here.

    Example:
        >>> from cluster.types import Article
        >>> from cluster.settings import StorySettings
        >>> group_stories([Article("b", "Rain in Oslo."), Article("a", "Rain in Oslo.")], {"b": "a"}, StorySettings())
        [('a', 'b')]
    """
    by_id = {a.id: a for a in articles}
    ids = sorted(by_id)
    root = {i: _resolve_original(i, copies, by_id) for i in ids}
    originals = sorted({r for r in root.values()})
    # A copy group is represented by its fullest text (the longest; on a tie, the original):
    # which member is the original (earliest dated, else smallest id) must not change the story.
    fullest = {r: r for r in originals}
    for i in ids:
        r, best = root[i], fullest[root[i]]
        if len(by_id[i].text or "") > len(by_id[best].text or ""):
            fullest[r] = i
    labels = cluster_originals([by_id[fullest[i]] for i in originals], settings, engine)
    label_of = dict(zip(originals, labels))
    members: dict[int, list[str]] = {}
    for i in ids:
        members.setdefault(label_of[root[i]], []).append(i)
    return sorted((tuple(sorted(m)) for m in members.values()), key=lambda g: g[0])


def _resolve_original(article_id: str, copies: Mapping[str, str], known: Mapping[str, object]) -> str:
    """Follow copy -> original links to an article that is not itself a copy (cycles stop)."""
    seen = {article_id}
    current = article_id
    while current in copies and copies[current] in known and copies[current] not in seen:
        current = copies[current]
        seen.add(current)
    return current


def cluster_originals(articles: Sequence["Article"], settings: StorySettings, engine: "Engine | None" = None) -> list[int]:
    """A story label per article (the index of the group's first article): vectors →
    candidates → verified edges → event checks → average link → lone articles attached
    (live blogs last). Candidates and verification run on ``engine`` (this machine when None).

    Example:
        >>> from cluster.types import Article
        >>> cluster_originals([Article("a", "Quake hits Chile."), Article("b", "Quake hits Chile today."), Article("c", "Rain in Oslo.")], StorySettings())
        [0, 0, 2]
    """
    n = len(articles)
    if n <= 1:
        return list(range(n))
    window = DateWindow.of(articles, settings.max_days_apart)
    vectors = story_vectors(articles, settings)
    rows, cols = story_candidate_pairs(vectors, settings, window, engine)
    edges = verified_edges(vectors, rows, cols, window, engine)
    del vectors  # not needed for grouping: free it before the grouping's own structures grow
    edges, merging = event_edges(articles, edges, settings)
    merge_edges = edges.select(merging)
    labels = average_link(n, merge_edges, settings.min_similarity, window=window, group_margin=settings.group_margin)
    labels = attach_loners(labels, merge_edges, settings.attach_similarity, window=window, margin=settings.attach_margin)
    if merging.all():
        return labels
    # Live blogs, left alone so far, join the story they match best (a lone report too);
    # nothing joins through them.
    from .events import is_live_blog

    live = [is_live_blog(a.text) for a in articles]
    return attach_loners(
        labels, edges.select(~merging), settings.attach_similarity, window=window, margin=settings.attach_margin, movers=live
    )
