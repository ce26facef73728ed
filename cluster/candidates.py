"""Story candidate search: an inverted index over each article's top TF-IDF terms.

No all-pairs comparison: each article's ``index_terms`` heaviest terms go into an index,
terms held by more than ``max_posting`` articles are left out, and each article keeps its
``neighbors`` best candidates by the pruned score. Rows are scored in blocks (sparse
products on every core), each against the articles within the date window only.
(MinHash band candidates of the copy stages are :func:`cluster.lsh.candidate_pairs`.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from .dates import DateWindow
from .settings import StorySettings
from .topk import top_entries, top_per_row

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import scipy.sparse as sp

    from .engine import Engine

__all__ = ["story_candidate_pairs"]


def story_candidate_pairs(
    vectors: "sp.csr_matrix",
    settings: StorySettings,
    window: DateWindow | None = None,
    engine: "Engine | None" = None,
) -> tuple["np.ndarray", "np.ndarray"]:
    """Candidate pairs (row < col) from an inverted index over each article's top terms.

    Each article keeps its ``index_terms`` heaviest terms; terms held by more than
    ``max_posting`` articles are dropped from the index (too common to point at a story).
    Scores are pruned dot products; each article keeps its ``neighbors`` best. Rows are
    scored in blocks (sparse products against the index, on every core), so memory stays
    bounded. With a date ``window`` (:meth:`DateWindow.of`), a block is only scored against
    the articles published within ``window.max_days`` days of it (and the undated ones):
    pairs further apart never take a neighbour's place, and a term is too common when more
    than ``max_posting`` of those articles hold it, so the cap means the same on a day of
    news and on two years of it. The blocks are scored by ``engine``
    (:class:`cluster.engine.LocalEngine` when None: threads on every core; the Ray engine
    runs them as tasks); the result does not depend on where they run.

    ``vectors`` is an ``(n, width)`` float32 CSR matrix of L2-normalised rows (as
    :func:`cluster.vectors.story_vectors` makes); returns ``(rows, cols)``, two int64
    arrays of equal length, each pair once with ``row < col``, sorted by ``(row, col)``.

    Example:
        >>> from cluster.types import Article
        >>> from cluster.vectors import story_vectors
        >>> arts = [Article("a", "Quake hits Chile."), Article("b", "Quake hits Chile today."), Article("c", "Rain in Oslo.")]
        >>> [x.tolist() for x in story_candidate_pairs(story_vectors(arts, StorySettings()), StorySettings())]
        [[0], [1]]
    """
    import numpy as np

    n = vectors.shape[0]
    days = window.days if window is not None else None
    max_days = window.max_days if window is not None else settings.max_days_apart
    blocks = _candidate_blocks(top_entries(vectors, settings.index_terms), days, max_days, settings.max_posting)
    parts = _map_blocks(blocks, settings.neighbors, settings.max_posting, engine)
    rows = np.concatenate([r for r, _ in parts]) if parts else np.zeros(0, dtype=np.int64)
    cols = np.concatenate([c for _, c in parts]) if parts else np.zeros(0, dtype=np.int64)
    del parts
    lo, hi = np.minimum(rows, cols), np.maximum(rows, cols)
    valid = lo != hi
    keys = lo[valid].astype(np.int64) * n + hi[valid]
    keys.sort()
    keys = keys[np.concatenate([[True], keys[1:] != keys[:-1]])] if len(keys) else keys
    return keys // n, keys % n


# A block of rows is scored at once when the index entries it may touch stay below this
# (bounds the memory of one sparse product; two of them run at a time on two cores).
_BLOCK_WORK = 2_500_000
_BLOCK_ROWS = 16_384


class _Block:
    """One block of candidate search: query rows against a window of index rows.

    ``query`` and ``index`` are CSR matrices of pruned vectors; ``query_ids`` and
    ``index_ids`` their article numbers; ``query_days`` and ``index_days`` their day
    numbers (None when dates are not checked).
    """

    __slots__ = ("query", "query_ids", "query_days", "index_t", "index_ids", "index_days", "max_days")

    def __init__(self, query, query_ids, query_days, index_t, index_ids, index_days, max_days):  # type: ignore[no-untyped-def]
        self.query, self.query_ids, self.query_days = query, query_ids, query_days
        self.index_t, self.index_ids, self.index_days = index_t, index_ids, index_days
        self.max_days = max_days


def _candidate_blocks(pruned: "sp.csr_matrix", days: "np.ndarray | None", max_days: int, max_posting: int) -> "Iterator[_Block]":
    """Split the rows of ``pruned`` into blocks, each with the window of rows it is scored against.

    Rows are taken in date order (undated last); a block of dated rows is scored against
    the dated rows within ``max_days`` of its first and last day plus all undated rows, an
    undated block against everything. A block holds as many rows as keep its product small.
    """
    import numpy as np
    import scipy.sparse as sp

    n = pruned.shape[0]
    if days is None:
        order = np.arange(n)
        dated = 0
    else:
        known = ~np.isnan(days)
        order = np.concatenate([np.flatnonzero(known)[np.argsort(days[known], kind="stable")], np.flatnonzero(~known)])
        dated = int(known.sum())
    ordered = pruned[order]
    del pruned  # the only reference: story_candidate_pairs passes it straight in
    sorted_days = days[order[:dated]] if days is not None else None
    # Work of a row: the index entries its terms point at in its date window (a term's share
    # of the window taken as its share of all rows), at most max_posting a term.
    share = np.ones(n)
    if sorted_days is not None and dated:
        reach = np.searchsorted(sorted_days, sorted_days + max_days, side="right")
        reach -= np.searchsorted(sorted_days, sorted_days - max_days, side="left")
        share[:dated] = (reach + (n - dated)) / n
    df = np.bincount(ordered.indices, minlength=ordered.shape[1]).astype(np.float64)
    row_of = np.repeat(np.arange(n), np.diff(ordered.indptr))
    work = np.bincount(row_of, weights=np.minimum(df[ordered.indices] * share[row_of], max_posting), minlength=n)
    del df, row_of, share
    full_t = None

    def transposed_all():  # type: ignore[no-untyped-def]
        nonlocal full_t
        if full_t is None:
            full_t = ordered.T.tocsr()
        return full_t

    cuts = _block_cuts(work, dated)
    for start, stop in zip(cuts[:-1], cuts[1:]):
        query = ordered[start:stop]
        query_ids = order[start:stop]
        if start >= dated or sorted_days is None:  # undated rows (or no date check): all rows
            yield _Block(query, query_ids, None, transposed_all(), order, None, max_days)
            continue
        lo = int(np.searchsorted(sorted_days, sorted_days[start] - max_days, side="left"))
        hi = int(np.searchsorted(sorted_days, sorted_days[stop - 1] + max_days, side="right"))
        window_days = np.concatenate([sorted_days[lo:hi], np.full(n - dated, np.nan)])
        if (hi - lo) + (n - dated) > n - n // 8:  # nearly everything: one transpose serves all
            full_days = np.concatenate([sorted_days, np.full(n - dated, np.nan)])
            yield _Block(query, query_ids, sorted_days[start:stop], transposed_all(), order, full_days, max_days)
            continue
        window = sp.vstack([ordered[lo:hi], ordered[dated:]], format="csr") if dated < n else ordered[lo:hi]
        index_ids = np.concatenate([order[lo:hi], order[dated:]])
        yield _Block(query, query_ids, sorted_days[start:stop], window.T.tocsr(), index_ids, window_days, max_days)


def _block_cuts(work: "np.ndarray", dated: int) -> list[int]:
    """Block boundaries over rows with estimated ``work``: at most ``_BLOCK_WORK`` each (one row at least), none across ``dated``."""
    import numpy as np

    n = len(work)
    cuts = [0]
    total = np.concatenate([[0.0], np.cumsum(work)])
    while cuts[-1] < n:
        start = cuts[-1]
        limit = dated if start < dated else n
        stop = int(np.searchsorted(total, total[start] + _BLOCK_WORK, side="right")) - 1
        cuts.append(max(start + 1, min(stop, limit, start + _BLOCK_ROWS)))
    return cuts


def _map_blocks(blocks: "Iterator[_Block]", k: int, max_posting: int, engine: "Engine | None") -> list[tuple["np.ndarray", "np.ndarray"]]:
    """Top-``k`` candidates of every block, in block order, on ``engine`` (every core here by default).

    A window's index (often the one transpose of all rows) is shared by many blocks: it
    goes to the engine once (:meth:`cluster.engine.Engine.share`).
    """
    if engine is None:
        from .engine import LocalEngine
        from .settings import EngineSettings

        engine = LocalEngine(EngineSettings())
    items = (
        (
            block.query, block.query_ids, block.query_days,
            engine.share(block.index_t), engine.share(block.index_ids), block.index_days,
            block.max_days, k, max_posting,
        )
        for block in blocks
    )
    return list(engine.map(_score_block, items))


def _score_block(query, query_ids, query_days, index_t, index_ids, index_days, max_days, k, max_posting):  # type: ignore[no-untyped-def]
    """:func:`_block_candidates` of the block these fields make (a task of :func:`_map_blocks`)."""
    return _block_candidates(_Block(query, query_ids, query_days, index_t, index_ids, index_days, max_days), k, max_posting)


def _block_candidates(block: _Block, k: int, max_posting: int) -> tuple["np.ndarray", "np.ndarray"]:
    """Article numbers of the ``k`` best candidates of each query row of ``block``; terms
    held by more than ``max_posting`` rows of the block's window are left out."""
    import numpy as np

    query = block.query
    common = np.diff(block.index_t.indptr) > max_posting
    if common[query.indices].any():
        query = query.copy()
        query.data[common[query.indices]] = 0
        query.eliminate_zeros()
    product = (query @ block.index_t).tocsr()
    local = np.repeat(np.arange(product.shape[0], dtype=np.int64), np.diff(product.indptr))
    cols = block.index_ids[product.indices]
    rows = block.query_ids[local]
    keep = (cols != rows) & (product.data > 0)
    if block.query_days is not None and block.index_days is not None:
        gap = np.abs(block.query_days[local] - block.index_days[product.indices])
        keep &= ~(gap > block.max_days)  # NaN (undated) keeps the pair
    local, cols, scores = local[keep], cols[keep], product.data[keep]
    del product, keep
    chosen_rows, chosen_cols = top_per_row(local, cols, scores, k)
    return block.query_ids[chosen_rows], chosen_cols
