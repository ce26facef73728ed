"""Syndicated copies (near-duplicates and reprints): sketches → band candidates → verified pairs → groups.

Two articles are copies when the Jaccard similarity of their word-shingle sets is at
least ``CopySettings.threshold``, or when one's shingles are mostly contained in the
other's (``CopySettings.containment``), both estimated from MinHash signatures and
shingle counts (:mod:`cluster.containment`). Copies link into groups (connected
components); in each group the original is the earliest dated member, then the fullest
text, then an agency's own copy (:func:`cluster.containment.choose_originals`). The pairs
come from a copy engine (:mod:`cluster.engine`: local processes or Ray).
"""

from __future__ import annotations

from typing import Iterable, Sequence

import numpy as np

from .dates import published_timestamp
from .containment import choose_originals, off_title_pairs
from .engine import engine_for
from .lsh import band_shape, candidate_pairs, connected_components, verify_pairs
from .settings import CopySettings, EngineSettings
from .signatures import empty_signature_rows, signatures_for_texts
from .types import Article

__all__ = ["find_copies", "article_signatures", "copy_pairs", "copy_map"]


def find_copies(articles: Sequence[Article], settings: CopySettings, engine: EngineSettings) -> dict[str, str]:
    """Map each copy's id to its original's id.

    Example:
        >>> text = " ".join(f"word{i}" for i in range(200))
        >>> articles = [
        ...     Article("b", text + " Read more.", published="2024-05-02"),
        ...     Article("a", text, published="2024-05-03"),
        ...     Article("c", "Something else entirely happened today."),
        ... ]
        >>> find_copies(articles, CopySettings(), EngineSettings(processes=1))
        {'a': 'b'}
    """
    if not articles:
        return {}
    pairs, sizes = engine_for(engine).copy_pairs([a.text for a in articles], settings)
    pairs = pairs[~off_title_pairs(articles, pairs)]
    labels = connected_components(len(articles), pairs)
    return choose_originals(articles, labels, sizes, settings)


def article_signatures(texts: Iterable[str], settings: CopySettings, engine: EngineSettings) -> np.ndarray:
    """Signatures of ``texts`` (any iterable, read in batches) with the local engine's processes.

    Example:
        >>> article_signatures(["Rain fell in Paris"], CopySettings(num_perm=16), EngineSettings(processes=1)).shape
        (1, 16)
    """
    return signatures_for_texts(
        texts,
        shingle_size=settings.shingle_size,
        num_perm=settings.num_perm,
        seed=settings.seed,
        scheme=settings.scheme,
        batch_size=engine.batch_size,
        processes=engine.processes,
    )


def copy_pairs(signatures: np.ndarray, settings: CopySettings) -> np.ndarray:
    """Verified copy pairs ``(i, j)`` (row indices, ``i < j``), sorted.

    Example:
        >>> sig = article_signatures(["a b c d e f g", "a b c d e f g", "x y z"], CopySettings(), EngineSettings(processes=1))
        >>> copy_pairs(sig, CopySettings()).tolist()
        [[0, 1]]
    """
    bands, rows = band_shape(settings)
    candidates = candidate_pairs(signatures, bands, rows, exclude=empty_signature_rows(signatures))
    return verify_pairs(signatures, candidates, settings.threshold)


def copy_map(ids: Sequence[str], published: Sequence[str | None], labels: np.ndarray) -> dict[str, str]:
    """Copy id -> original id from component labels; the original is the earliest dated, then smallest id.

    Example:
        >>> copy_map(["a", "b", "c"], [None, "2024-01-02", None], np.array([0, 0, 1]))
        {'a': 'b'}
    """
    sizes = np.bincount(labels) if len(labels) else np.empty(0, dtype=np.int64)
    members = np.flatnonzero(sizes[labels] > 1)
    groups: dict[int, list[int]] = {}
    for index in members.tolist():
        groups.setdefault(int(labels[index]), []).append(index)
    result: dict[str, str] = {}
    for label in sorted(groups):
        group = groups[label]

        def order(i: int) -> tuple[int, float, str]:
            moment = published_timestamp(published[i])
            return (0, moment, ids[i]) if moment is not None else (1, 0.0, ids[i])

        original = ids[min(group, key=order)]
        for index in group:
            if ids[index] != original:
                result[ids[index]] = original
    return dict(sorted(result.items()))
