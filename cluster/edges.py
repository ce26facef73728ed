"""Story edges: the verified similarity graph between articles.

:func:`verified_edges` scores each candidate pair by the exact cosine of the articles'
full story vectors and drops the pairs dated too far apart; :func:`event_edges` drops the
edges between different events of one template and marks those that may merge groups;
grouping (:mod:`cluster.grouping`) reads the :class:`Edges` they return.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from .dates import DateWindow
from .settings import StorySettings

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import scipy.sparse as sp

    from .engine import Engine

    from .types import Article

__all__ = ["Edges", "verified_edges", "event_edges"]


@dataclass(frozen=True, slots=True)
class Edges:
    """An undirected weighted graph over articles ``0..n-1``: edge ``k`` joins ``rows[k]``
    and ``cols[k]`` with similarity ``sims[k]``.

    rows, cols: int64 arrays of shape ``(m,)``, each pair once (:func:`verified_edges` gives ``rows[k] < cols[k]``).
    sims: float64 array of shape ``(m,)``, cosines in (0, 1].

    Example:
        >>> import numpy as np
        >>> len(Edges(np.array([0]), np.array([1]), np.array([0.9])))
        1
    """

    rows: "np.ndarray"
    cols: "np.ndarray"
    sims: "np.ndarray"

    def __len__(self) -> int:
        return len(self.rows)

    def select(self, mask: "np.ndarray") -> "Edges":
        """The edges where the bool ``(m,)`` ``mask`` is True, in order."""
        return Edges(self.rows[mask], self.cols[mask], self.sims[mask])


def verified_edges(
    vectors: "sp.csr_matrix",
    rows: "np.ndarray",
    cols: "np.ndarray",
    window: DateWindow | None = None,
    engine: "Engine | None" = None,
) -> Edges:
    """The candidate pairs ``(rows[k], cols[k])`` as :class:`Edges`, with the exact cosine of
    their ``vectors`` rows; pairs with cosine 0, or dated more than ``window.max_days``
    apart, are dropped.

    ``vectors`` is an ``(n, width)`` CSR matrix of L2-normalised rows; ``rows`` and
    ``cols`` are int64 arrays of equal length. The cosines are computed in chunks of
    pairs by ``engine`` (:class:`cluster.engine.LocalEngine` when None), the vectors sent
    to it once.

    Example:
        >>> import numpy as np, scipy.sparse as sp
        >>> v = sp.csr_matrix(np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]], dtype=np.float32))
        >>> e = verified_edges(v, np.array([0, 0]), np.array([1, 2]))
        >>> e.rows.tolist(), e.cols.tolist(), [round(x, 2) for x in e.sims.tolist()]
        ([0], [1], [0.6])
    """
    import numpy as np

    if engine is None:
        from .engine import LocalEngine
        from .settings import EngineSettings

        engine = LocalEngine(EngineSettings())
    step = _COSINE_CHUNK
    shared = engine.share(vectors)
    chunks = ((shared, rows[start : start + step], cols[start : start + step]) for start in range(0, len(rows), step))
    sims = np.concatenate([np.zeros(0, dtype=np.float64), *engine.map(_pair_cosines, chunks)])
    # Weak pairs are kept: they count towards the mean similarity of two groups, so a
    # group whose members all mildly agree with another can still join it.
    keep = sims > 0
    if window is not None:
        gap = np.abs(window.days[rows] - window.days[cols])
        keep &= ~(gap > window.max_days)  # NaN (unknown date) keeps the pair
    return Edges(rows[keep], cols[keep], sims[keep])


# Candidate pairs scored in one chunk of :func:`verified_edges`.
_COSINE_CHUNK = 20_000


def _pair_cosines(vectors: "sp.csr_matrix", rows: "np.ndarray", cols: "np.ndarray") -> "np.ndarray":
    """The dot products of rows ``rows[k]`` and ``cols[k]`` of ``vectors``: float64, shape ``(len(rows),)``."""
    import numpy as np

    return np.asarray(vectors[rows].multiply(vectors[cols]).sum(axis=1), dtype=np.float64).ravel()


# Texts shorter than this many words that never mention their headline are stubs to story grouping.
STUB_WORDS = 60


def event_edges(articles: Sequence["Article"], edges: Edges, settings: StorySettings) -> tuple[Edges, "np.ndarray"]:
    """Drop the edges between different events of one template, and mark the edges that may merge groups.

    An edge of at least ``attach_similarity`` whose two articles state figures and names
    in their headlines and leads and share none of either is dropped
    (:func:`cluster.events.conflicting_pairs`), and so is an edge from a text of fewer than
    ``STUB_WORDS`` words that never mentions its own, different headline
    (:func:`cluster.containment.off_title_pairs`), and an edge between two known, different
    languages that no figure or name ties (:func:`cluster.events.untied_language_pairs`).
    Edges that touch a live blog
    (:func:`cluster.events.is_live_blog`) take no part in merging groups (the returned
    boolean mask is False for them): a live blog whose entries move from one event to
    another would bridge two stories. A live blog joins the story it matches best
    afterwards, through :func:`attach_loners` (one pair must stand out), and no article
    joins a story through it. The rule trades a story told only in live blogs, which
    stays in pieces, for never chaining two stories through one.

    Returns the edges kept and a bool ``(m,)`` mask over them, True where an edge may merge groups.
    """
    import numpy as np

    from .containment import off_title_pairs
    from .events import article_events, conflicting_pairs, untied_language_pairs

    rows, cols, sims = edges.rows, edges.cols, edges.sims
    touched = np.unique(np.concatenate([rows, cols])) if len(rows) else np.empty(0, dtype=np.int64)
    keys, is_live = article_events(articles, touched.tolist())  # read once, on every core for many

    strong = np.flatnonzero(sims >= settings.attach_similarity)
    drop = np.zeros(len(rows), dtype=bool)
    drop[strong] = conflicting_pairs(articles, rows[strong], cols[strong], keys=keys)
    drop |= untied_language_pairs(articles, rows, cols, keys=keys)
    # A short page whose text never mentions its headline (a paywall or consent pitch) is
    # alike other such pages in text only: it joins no other headline's story.
    drop |= off_title_pairs(articles, np.stack([rows, cols], axis=1), max_words=STUB_WORDS)
    keep = ~drop
    rows, cols, sims = rows[keep], cols[keep], sims[keep]
    live = np.zeros(len(articles), dtype=bool)
    for i, flag in is_live.items():
        live[i] = flag
    merging = ~(live[rows] | live[cols])
    return Edges(rows, cols, sims), merging


