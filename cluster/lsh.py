"""Candidate search over MinHash signatures: band keys in NumPy arrays, sorted and grouped.

No Python object per band entry: each band's keys are one uint64 array, sorted; runs of
equal keys are the candidate groups. Candidate pairs are verified by the Jaccard
similarity estimated from the signatures, and connected components of the verified pairs
are the copy groups. The same functions serve the local and the Ray engine, so both give
identical pairs.
"""

from __future__ import annotations

import functools
from typing import Iterable

import numpy as np

from .errors import ConfigError
from .hashing import mix_band_keys
from .settings import CopySettings

__all__ = [
    "band_parameters",
    "band_shape",
    "band_keys",
    "group_pairs",
    "candidate_pairs",
    "merge_pairs",
    "verify_pairs",
    "connected_components",
]

# Groups of equal band keys up to this size give all their pairs; larger groups (mass
# duplicates) give each member paired with the group's first and with its neighbour.
MAX_ALL_PAIRS_GROUP = 32
# Pairs verified per NumPy block.
_VERIFY_BLOCK = 32768


@functools.lru_cache(maxsize=32)
def band_parameters(
    threshold: float, num_perm: int, false_positive_weight: float = 0.5, false_negative_weight: float = 0.5
) -> tuple[int, int]:
    """``(bands, rows)`` minimising the weighted false positive and negative probabilities.

    The same choice as datasketch's ``MinHashLSH(threshold, num_perm, weights)``.

    Example:
        >>> band_parameters(0.7, 128)
        (14, 9)
    """
    from scipy.integrate import quad

    if not 0.0 < threshold <= 1.0:
        raise ConfigError(f"copies.threshold: {threshold!r} must be above 0 for band search; raise it")
    best = (float("inf"), (0, 0))
    for bands in range(1, num_perm + 1):
        for rows in range(1, num_perm // bands + 1):
            fp, _ = quad(lambda s: 1 - (1 - s ** float(rows)) ** float(bands), 0.0, threshold)
            fn, _ = quad(lambda s: 1 - (1 - (1 - s ** float(rows)) ** float(bands)), threshold, 1.0)
            error = fp * false_positive_weight + fn * false_negative_weight
            if error < best[0]:
                best = (error, (bands, rows))
    return best[1]


def band_shape(settings: CopySettings) -> tuple[int, int]:
    """``(bands, rows)`` of the candidate search: from settings, or :func:`band_parameters` for the threshold.

    Example:
        >>> band_shape(CopySettings(bands=16, rows=8))
        (16, 8)
    """
    if settings.bands and settings.rows:
        return settings.bands, settings.rows
    return band_parameters(settings.threshold, settings.num_perm)


def _row_multipliers(rows: int) -> np.ndarray:
    generator = np.random.RandomState(20240601)
    return generator.randint(0, 1 << 63, rows, dtype=np.uint64) * np.uint64(2) + np.uint64(1)


def band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """One 64-bit key per (article, band): a mix of the band's ``rows`` signature values.

    ``signatures``: uint32 ``(n, num_perm)``; returns uint64 ``(n, bands)``.

    Raises:
        ConfigError: ``bands * rows`` exceeds ``num_perm``.

    Example:
        >>> sig = np.array([[1, 2, 3, 4], [1, 2, 9, 9]], dtype=np.uint32)
        >>> keys = band_keys(sig, 2, 2)
        >>> bool(keys[0, 0] == keys[1, 0]), bool(keys[0, 1] == keys[1, 1])
        (True, False)
    """
    if bands * rows > signatures.shape[1]:
        raise ConfigError(f"copies: bands * rows = {bands * rows} exceeds num_perm {signatures.shape[1]}; lower bands or rows")
    multipliers = _row_multipliers(rows)
    keys = np.empty((len(signatures), bands), dtype=np.uint64)
    for band in range(bands):
        block = signatures[:, band * rows : (band + 1) * rows].astype(np.uint64)
        block *= multipliers
        keys[:, band] = mix_band_keys(block.sum(axis=1, dtype=np.uint64))
    return keys


def group_pairs(sorted_keys: np.ndarray, sorted_index: np.ndarray) -> np.ndarray:
    """Candidate pairs ``(i, j)``, ``i < j``, from article indices sorted by (key, index).

    ``sorted_keys``: uint64 ``(m,)``; ``sorted_index``: int ``(m,)``. Returns int64
    ``(p, 2)``, unsorted; a group over ``MAX_ALL_PAIRS_GROUP`` gives each member paired
    with its first and with its neighbour instead of all pairs.

    Example:
        >>> group_pairs(np.array([5, 5, 5, 7], dtype=np.uint64), np.array([0, 2, 3, 1])).tolist()
        [[0, 2], [0, 3], [2, 3]]
    """
    n = len(sorted_keys)
    if n < 2:
        return np.empty((0, 2), dtype=np.int64)
    change = np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1
    starts = np.concatenate([[0], change])
    sizes = np.diff(np.concatenate([starts, [n]]))
    parts = []
    for size in np.unique(sizes[(sizes >= 2) & (sizes <= MAX_ALL_PAIRS_GROUP)]).tolist():
        group_starts = starts[sizes == size]
        members = sorted_index[group_starts[:, None] + np.arange(size)]
        left, right = np.triu_indices(size, 1)
        parts.append(np.stack([members[:, left].ravel(), members[:, right].ravel()], axis=1))
    for start, size in zip(starts[sizes > MAX_ALL_PAIRS_GROUP].tolist(), sizes[sizes > MAX_ALL_PAIRS_GROUP].tolist()):
        members = sorted_index[start : start + size]
        parts.append(np.stack([np.full(size - 1, members[0]), members[1:]], axis=1))
        parts.append(np.stack([members[1:-1], members[2:]], axis=1))
    if not parts:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.concatenate(parts).astype(np.int64)
    return np.sort(pairs, axis=1)


def merge_pairs(parts: Iterable[np.ndarray]) -> np.ndarray:
    """Distinct pairs from several arrays, sorted by (i, j).

    ``parts``: int arrays ``(m_k, 2)`` with indices below ``2**32``; returns int64 ``(p, 2)``.

    Example:
        >>> merge_pairs([np.array([[1, 2], [0, 3]]), np.array([[1, 2]])]).tolist()
        [[0, 3], [1, 2]]
    """
    arrays = [p for p in parts if len(p)]
    if not arrays:
        return np.empty((0, 2), dtype=np.int64)
    pairs = np.concatenate(arrays).astype(np.int64)
    encoded = np.unique(pairs[:, 0].astype(np.uint64) << np.uint64(32) | pairs[:, 1].astype(np.uint64))
    return np.stack([(encoded >> np.uint64(32)).astype(np.int64), (encoded & np.uint64(0xFFFFFFFF)).astype(np.int64)], axis=1)


def candidate_pairs(signatures: np.ndarray, bands: int, rows: int, *, exclude: np.ndarray | None = None) -> np.ndarray:
    """All candidate pairs: articles that share the key of at least one band.

    ``signatures``: uint32 ``(n, num_perm)``; ``exclude``: bool ``(n,)``, articles that take
    no part (texts without words). Returns int64 ``(p, 2)``, ``i < j``, sorted by ``(i, j)``.

    Raises:
        ConfigError: ``2**32`` articles or more, or ``bands * rows`` exceeds ``num_perm``.

    Example:
        >>> sig = np.array([[1, 2, 3, 4], [1, 2, 9, 9], [7, 7, 7, 7]], dtype=np.uint32)
        >>> candidate_pairs(sig, 2, 2).tolist()
        [[0, 1]]
    """
    if len(signatures) >= 1 << 32:
        raise ConfigError(f"copies: {len(signatures)} articles is more than one run supports (2**32); split the input")
    keys = band_keys(signatures, bands, rows)
    index = np.arange(len(signatures), dtype=np.int64)
    if exclude is not None:
        keys, index = keys[~exclude], index[~exclude]
    parts = []
    for band in range(bands):
        order = np.argsort(keys[:, band], kind="stable")
        parts.append(group_pairs(keys[order, band], index[order]))
    return merge_pairs(parts)


def verify_pairs(signatures: np.ndarray, pairs: np.ndarray, threshold: float) -> np.ndarray:
    """The pairs whose Jaccard similarity estimated from the signatures is at least ``threshold``.

    ``signatures``: uint32 ``(n, num_perm)``; ``pairs``: int ``(m, 2)``. Returns the kept
    rows of ``pairs``, in order (int64 ``(0, 2)`` when none are given).

    Example:
        >>> sig = np.array([[1, 2, 3, 4], [1, 2, 3, 9], [1, 8, 8, 8]], dtype=np.uint32)
        >>> verify_pairs(sig, np.array([[0, 1], [0, 2]]), 0.75).tolist()
        [[0, 1]]
    """
    if not len(pairs):
        return np.empty((0, 2), dtype=np.int64)
    keep = np.empty(len(pairs), dtype=bool)
    num_perm = signatures.shape[1]
    needed = int(np.ceil(threshold * num_perm - 1e-9))
    for lo in range(0, len(pairs), _VERIFY_BLOCK):
        block = pairs[lo : lo + _VERIFY_BLOCK]
        agree = np.count_nonzero(signatures[block[:, 0]] == signatures[block[:, 1]], axis=1)
        keep[lo : lo + len(block)] = agree >= needed
    return pairs[keep]


def connected_components(n: int, pairs: np.ndarray) -> np.ndarray:
    """Component label of each of ``n`` articles under the undirected edges ``pairs``.

    ``pairs``: int ``(m, 2)``; returns int64 ``(n,)``, labels numbered from 0 in order of
    each component's first article (scipy's ``connected_components``).

    Example:
        >>> connected_components(4, np.array([[0, 2]])).tolist()
        [0, 1, 0, 2]
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components as scipy_components

    if n == 0:
        return np.empty(0, dtype=np.int64)
    graph = coo_matrix((np.ones(len(pairs), dtype=np.int8), (pairs[:, 0], pairs[:, 1])), shape=(n, n)).tocsr()
    _, labels = scipy_components(graph, directed=False)
    return labels.astype(np.int64)
