"""Candidate sentence pairs from an inverted index, never all pairs.

Two sentences are candidates when they share a TF-IDF term whose posting list (the
sentences holding it) is at most ``max_postings`` long; terms in more sentences than that
are too common in the story to single out a pair. The work is the sum of the squared
posting lengths, at most ``n x max_postings``, instead of ``n x n``; a story with fewer
sentences than ``max_postings`` gets every pair that shares a term, which is every pair
with a cosine above zero. This is the prefix-filtering idea of all-pairs similarity
search (Bayardo, Ma & Srikant, "Scaling Up All Pairs Similarity Search", WWW 2007) in
its simplest form: a cap on document frequency.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["candidate_pairs", "shared_term_dots", "sequential_sums"]

_BLOCK = 200_000  # pairs whose cosine is computed at once
# Products of shared terms up to which dot products are summed from plain arrays (a few MB);
# past it SciPy's sparse product does the work in less memory.
MAX_PLAIN_PRODUCTS = 1 << 18


def shared_term_dots(left: Any, right: Any, *, upper: bool = False) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The dot product of every left row and right row that share a column.

    ``left`` and ``right`` are rows in compressed sparse row form with sorted columns (a
    SciPy ``csr_matrix`` or :class:`summarize.salience.TfidfRows`: ``data`` float64,
    ``indices``, ``indptr``, ``shape``), with the same number of columns. Returns ``(i,
    j, dot)``: two int64 arrays and one float64 array sorted by ``(i, j)``; with
    ``upper``, ``left`` and ``right`` are one matrix and only pairs ``i < j`` are given.
    Each dot product adds the products of the shared columns one after another, in
    ascending column order, from zero: the order of SciPy's sparse product
    (``csr_matmat``, the SMMP algorithm of Bank & Douglas, 1993), so the floats are the
    ones ``left @ right.T`` holds, without its fixed cost per call. Returns ``None``
    when the pairs share more than :data:`MAX_PLAIN_PRODUCTS` products.
    """
    n, width = left.shape
    left_rows = np.repeat(np.arange(n, dtype=np.int64), np.diff(left.indptr))
    right_rows = left_rows if right is left else np.repeat(np.arange(right.shape[0], dtype=np.int64), np.diff(right.indptr))
    # the right rows holding each column, rows ascending within a column
    by_column = np.argsort(right.indices, kind="stable")
    held = np.bincount(right.indices, minlength=width)
    column_start = np.cumsum(held) - held
    left_columns = left.indices
    if upper:  # partners after the entry's own place in its column's list: rows j > i
        place = np.empty_like(by_column)
        place[by_column] = np.arange(by_column.size)
        first = place + 1
        count = column_start[left_columns] + held[left_columns] - first
    else:
        first = column_start[left_columns]
        count = held[left_columns]
    total = int(count.sum())
    if total > MAX_PLAIN_PRODUCTS:
        return None
    entry = np.repeat(np.arange(left_columns.size), count)
    partner = by_column[np.repeat(first - (np.cumsum(count) - count), count) + np.arange(total)]
    i, j = left_rows[entry], right_rows[partner]
    products = left.data[entry] * right.data[partner]
    # by pair, columns ascending within a pair (the entries come in column order per left
    # row, and the sort is stable)
    order = np.lexsort((j, i))
    i, j, products = i[order], j[order], products[order]
    if i.size == 0:
        return i, j, products
    starts = np.flatnonzero(np.concatenate(([True], (i[1:] != i[:-1]) | (j[1:] != j[:-1]))))
    return i[starts], j[starts], sequential_sums(products, np.diff(np.append(starts, i.size)))


def sequential_sums(values: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The sum of each run of ``values`` (float64; run ``k`` is the next ``lengths[k]``
    values), added one after another from zero as a compiled loop adds them, so the
    floats equal such a loop's (NumPy's own sums add in pairs). float64, shape
    ``(len(lengths),)``; an empty run sums to 0."""
    longest = int(lengths.max(initial=0))
    if longest <= 1:
        sums = np.zeros(lengths.size)
        sums[lengths == 1] = values
        return sums
    starts = np.cumsum(lengths) - lengths
    if lengths.size * longest <= 4 * values.size + 4096:
        # one row per run, left-aligned and padded with zeros: a running sum along the
        # row adds the values one after another (x + 0.0 is x)
        padded = np.zeros((lengths.size, longest))
        padded[np.repeat(np.arange(lengths.size), lengths), np.arange(values.size) - np.repeat(starts, lengths)] = values
        return np.cumsum(padded, axis=1)[:, -1]
    sums = np.zeros(lengths.size)  # a few long runs among many short ones: value t of every run at a time
    for t in range(longest):
        runs = np.flatnonzero(lengths > t)
        sums[runs] += values[starts[runs] + t]
    return sums


def candidate_pairs(rows: Any, owners: np.ndarray, *, max_postings: int = 200) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs ``i < j`` of rows from different owners that share an uncommon term, with their cosine.

    ``rows`` is an ``n x vocabulary`` SciPy CSR matrix (or
    :class:`summarize.salience.TfidfRows`) of L2-normalised rows with sorted columns;
    ``owners`` an int array of length ``n`` (the article of each sentence). Returns
    ``(i, j, cosine)``: two int64 arrays and one float64 array, sorted by ``(i, j)``; pairs
    with a cosine of zero are left out.

    Example:
        >>> from sklearn.feature_extraction.text import TfidfVectorizer
        >>> rows = TfidfVectorizer(stop_words="english").fit_transform(["rain in paris", "paris rain", "snow in oslo"])
        >>> i, j, cos = candidate_pairs(rows, np.array([0, 1, 1]))
        >>> i.tolist(), j.tolist(), bool(cos[0] > 0.5)
        ([0], [1], True)
    """
    n = rows.shape[0]
    empty = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0))
    if n < 2 or (owners == owners[0]).all():
        return empty  # one owner: no pair from different owners
    frequency = np.bincount(rows.indices, minlength=rows.shape[1])
    if frequency.max(initial=0) <= max_postings:
        # no term is too common: the rows' products hold every cosine above zero already,
        # from the plain arrays for the small story's usual case, else from SciPy
        found = shared_term_dots(rows, rows, upper=True)
        if found is not None:
            first, second, cosine = found
            keep = (owners[first] != owners[second]) & (cosine > 0.0)
            return first[keep], second[keep], cosine[keep]
        csr = rows.tocsr()
        product = (csr @ csr.T).tocoo()
        keep = (product.row < product.col) & (owners[product.row] != owners[product.col]) & (product.data > 0.0)
        first, second, cosine = product.row[keep].astype(np.int64), product.col[keep].astype(np.int64), product.data[keep]
        order = np.lexsort((second, first))
        return first[order], second[order], cosine[order].astype(np.float64)
    csr = rows.tocsr()
    usable = np.flatnonzero((frequency >= 2) & (frequency <= max_postings))
    if usable.size == 0:
        return empty
    binary = csr[:, usable]
    binary.data = np.ones_like(binary.data)
    shared = (binary @ binary.T).tocoo()
    keep = (shared.row < shared.col) & (owners[shared.row] != owners[shared.col])
    first, second = shared.row[keep].astype(np.int64), shared.col[keep].astype(np.int64)
    order = np.lexsort((second, first))
    first, second = first[order], second[order]
    cosine = np.empty(first.size)
    for start in range(0, first.size, _BLOCK):
        stop = start + _BLOCK
        cosine[start:stop] = np.asarray(csr[first[start:stop]].multiply(csr[second[start:stop]]).sum(axis=1)).ravel()
    positive = cosine > 0.0
    return first[positive], second[positive], cosine[positive]
