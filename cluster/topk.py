"""Top-k selection over sparse rows, by one sort of packed integer keys.

The kernels of story vectors and story candidate search: keep each row's ``k`` heaviest
entries (:func:`heaviest_per_row`, :func:`top_entries`) and each query row's ``k``
best-scoring candidates (:func:`top_per_row`). A key packs (row, falling value, tie
breaker) into one int64, so one NumPy sort ranks every row at once and ties are broken
deterministically. Values lie in [0, 1]; values closer than ``2**-VALUE_BITS`` count as ties.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import scipy.sparse as sp

__all__ = ["VALUE_BITS", "value_key", "heaviest_per_row", "top_per_row", "top_entries"]

# Value bits of the packed sort keys (row, falling value, tie breaker).
VALUE_BITS = 24


def value_key(data: "np.ndarray") -> "np.ndarray":
    """Falling values in [0, 1] as rising integers of ``VALUE_BITS`` bits (values beyond are clipped).

    ``data``: a float array of any shape; returns an int64 array of that shape.

    Example:
        >>> import numpy as np
        >>> value_key(np.array([1.0, 0.0])).tolist() == [0, (1 << VALUE_BITS) - 1]
        True
    """
    import numpy as np

    top = (1 << VALUE_BITS) - 1
    return top - np.rint(np.clip(data, 0.0, 1.0) * top).astype(np.int64)


def heaviest_per_row(row_of: "np.ndarray", data: "np.ndarray", k: int) -> "np.ndarray":
    """Positions of the ``k`` largest values of each row; ``row_of`` is sorted, values lie in [0, 1].

    One sort of packed integer keys (row, falling value, position in the row); ties keep
    their input order (columns are sorted within a row), so the choice is deterministic.
    Values closer than 2**-24 count as ties.

    ``row_of``: int array ``(m,)``, the row of each entry, sorted; ``data``: float array
    ``(m,)``. Returns the int64 positions (into ``data``) chosen, each row's in falling
    value order, rows rising.

    Raises:
        ValueError: a row of more than 2**37 entries (too long to pack into one key).

    Example:
        >>> import numpy as np
        >>> heaviest_per_row(np.array([0, 0, 0, 1]), np.array([0.1, 0.9, 0.5, 0.3]), 2).tolist()
        [1, 2, 3]
    """
    import numpy as np

    total = len(row_of)
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    row_of = np.asarray(row_of, dtype=np.int64)
    first = np.flatnonzero(np.concatenate([[True], row_of[1:] != row_of[:-1]]))
    lengths = np.diff(np.append(first, total))
    position = np.arange(total, dtype=np.int64) - np.repeat(first, lengths)
    position_bits = max(1, int(lengths.max() - 1).bit_length())
    row_bits = 63 - VALUE_BITS - position_bits
    if row_bits < 1:  # pragma: no cover - a row of more than 2**37 entries
        raise ValueError(f"a row of {int(lengths.max())} entries is too long to rank")
    chosen = []
    # Rows are numbered from the first row of a span; spans are as long as the key allows.
    span_start = 0
    while span_start < total:
        base = row_of[span_start]
        span_stop = int(np.searchsorted(row_of, base + (1 << row_bits), side="left"))
        part = slice(span_start, span_stop)
        keys = ((row_of[part] - base) << (VALUE_BITS + position_bits)) | (value_key(data[part]) << position_bits) | position[part]
        keys.sort()
        # Sorting keeps each row's span, so the sorted entry i is of rank position[i] in its row.
        rank = position[part]
        picked = np.flatnonzero(rank < k)
        original = picked - rank[picked] + (keys[picked] & ((1 << position_bits) - 1))
        chosen.append(original + span_start)
        span_start = span_stop
    return np.concatenate(chosen)


def _may_rank(local: "np.ndarray", scores: "np.ndarray", rows: int, k: int) -> "np.ndarray":
    """Mask of the entries that may be among the ``k`` best of their row: those at or above
    the row's ``k``-th best, read from a 256-level histogram of the row's scores (square-root
    scale, as most scores are small), so every true top-k entry passes, plus a few ties."""
    import numpy as np

    levels = 256
    level = (np.sqrt(np.clip(scores, 0.0, 1.0)) * (levels - 1)).astype(np.int64)
    counts = np.bincount(local.astype(np.int64) * levels + level, minlength=rows * levels).reshape(rows, levels)
    at_or_above = np.cumsum(counts[:, ::-1], axis=1)[:, ::-1]  # entries at this level or higher
    floor = np.maximum((at_or_above >= k).sum(axis=1) - 1, 0)  # highest level with k entries there or above
    return level >= floor[local]


def top_per_row(local: "np.ndarray", cols: "np.ndarray", scores: "np.ndarray", k: int) -> tuple["np.ndarray", "np.ndarray"]:
    """The ``k`` best-scoring ``cols`` of each row (``local`` rows, sorted, from 0), ties by smaller column.

    ``local``, ``cols``: int arrays ``(m,)``; ``scores``: float array ``(m,)`` in [0, 1].
    Returns the chosen (row, column) pairs as two int64 arrays, rows rising and each row's
    columns by falling score.

    Raises:
        ValueError: too many rows and columns to pack into one int64 key.

    Example:
        >>> import numpy as np
        >>> rows, cols = top_per_row(np.array([0, 0, 0]), np.array([5, 6, 7]), np.array([0.2, 0.9, 0.2]), 2)
        >>> rows.tolist(), cols.tolist()
        ([0, 0], [6, 5])
    """
    import numpy as np

    if len(local) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    rows = int(local[-1]) + 1
    if len(local) > 4 * k * rows:  # most entries cannot make a top k: drop them before sorting
        live = _may_rank(local, scores, rows, k)
        local, cols, scores = local[live], cols[live], scores[live]
    column_bits = max(1, int(cols.max()).bit_length())
    row_bits = 63 - VALUE_BITS - column_bits
    if int(local[-1]).bit_length() > row_bits:  # pragma: no cover - blocks are far smaller
        raise ValueError(f"{int(local[-1]) + 1} rows with columns up to {int(cols.max())} are too many to rank at once")
    keys = (local.astype(np.int64) << (VALUE_BITS + column_bits)) | (value_key(scores) << column_bits) | cols.astype(np.int64)
    keys.sort()
    rows = keys >> (VALUE_BITS + column_bits)
    first = np.flatnonzero(np.concatenate([[True], rows[1:] != rows[:-1]]))
    rank = np.arange(len(keys), dtype=np.int64) - np.repeat(first, np.diff(np.append(first, len(keys))))
    picked = keys[rank < k]
    return picked >> (VALUE_BITS + column_bits), picked & ((1 << column_bits) - 1)


def top_entries(vectors: "sp.csr_matrix", k: int) -> "sp.csr_matrix":
    """Keep each row's ``k`` largest entries (ties by column, so deterministic), a slice of rows at a time.

    ``vectors``: a CSR matrix with sorted columns and values in [0, 1]; returns a new CSR
    matrix of the same shape and dtype.

    Example:
        >>> import numpy as np, scipy.sparse as sp
        >>> top_entries(sp.csr_matrix(np.array([[0.1, 0.9, 0.5]], dtype=np.float32)), 2).toarray().tolist()
        [[0.0, 0.8999999761581421, 0.5]]
    """
    import numpy as np
    import scipy.sparse as sp

    lengths = np.diff(vectors.indptr)
    if not len(lengths) or lengths.max() <= k:
        return vectors.copy()
    indptr = np.zeros(vectors.shape[0] + 1, dtype=np.int64)
    np.cumsum(np.minimum(lengths, k), out=indptr[1:])
    data = np.empty(indptr[-1], dtype=vectors.data.dtype)
    indices = np.empty(indptr[-1], dtype=vectors.indices.dtype)
    step = 16_384
    for start in range(0, vectors.shape[0], step):
        stop = min(start + step, vectors.shape[0])
        first, last = vectors.indptr[start], vectors.indptr[stop]
        row_of = np.repeat(np.arange(stop - start, dtype=np.int64), lengths[start:stop])
        chosen = np.sort(heaviest_per_row(row_of, vectors.data[first:last], k)) + first
        data[indptr[start] : indptr[stop]] = vectors.data[chosen]
        indices[indptr[start] : indptr[stop]] = vectors.indices[chosen]
    return sp.csr_matrix((data, indices, indptr), shape=vectors.shape)
