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

__all__ = ["candidate_pairs"]

_BLOCK = 200_000  # pairs whose cosine is computed at once


def candidate_pairs(rows: Any, owners: np.ndarray, *, max_postings: int = 200) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs ``i < j`` of rows from different owners that share an uncommon term, with their cosine.

    ``rows`` is an ``n x vocabulary`` SciPy sparse matrix of L2-normalised rows;
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
    csr = rows.tocsr()
    frequency = np.bincount(csr.indices, minlength=csr.shape[1])
    if frequency.max(initial=0) <= max_postings:
        # no term is too common: the sparse product holds every cosine above zero already
        product = (csr @ csr.T).tocoo()
        keep = (product.row < product.col) & (owners[product.row] != owners[product.col]) & (product.data > 0.0)
        first, second, cosine = product.row[keep].astype(np.int64), product.col[keep].astype(np.int64), product.data[keep]
        order = np.lexsort((second, first))
        return first[order], second[order], cosine[order].astype(np.float64)
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
