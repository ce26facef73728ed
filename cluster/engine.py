"""Copy engines: where the copy stages run, behind one interface.

A :class:`CopyEngine` turns texts into verified copy pairs and the texts' shingle-set
sizes. :class:`LocalEngine` runs on this machine (sketches in ``engine.processes`` worker
processes, candidate search and verification here); :class:`cluster.engine_ray.RayEngine`
runs the same stages as Ray tasks over shards. Both call the functions of
:mod:`cluster.containment`, :mod:`cluster.signatures` and :mod:`cluster.lsh`, so they give
identical results. :func:`copy_engine` picks one from ``EngineSettings.name``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence

import numpy as np

from .containment import sketch_candidates, sketch_texts, verify_copy_pairs
from .settings import CopySettings, EngineSettings

__all__ = ["CopyEngine", "LocalEngine", "copy_engine"]


class CopyEngine(Protocol):
    """Finds the copy pairs of a list of texts."""

    def copy_pairs(self, texts: Sequence[str], settings: CopySettings) -> tuple[np.ndarray, np.ndarray]:
        """Verified copy pairs of ``texts`` and each text's number of distinct shingles.

        Returns ``(pairs, sizes)``: ``pairs`` an ``(m, 2)`` int64 array of text indices
        ``(i, j)``, ``i < j``, sorted; ``sizes`` an ``(n,)`` int64 array. A pair is a copy by
        Jaccard or by containment (:func:`cluster.containment.verify_copy_pairs`).
        """
        ...  # pragma: no cover


@dataclass(frozen=True, slots=True)
class LocalEngine:
    """The copy stages on this machine, with ``engine.processes`` worker processes for the sketches.

    Example:
        >>> pairs, sizes = LocalEngine(EngineSettings(processes=1)).copy_pairs(["a b c d e f g", "a b c d e f g", "x y z"], CopySettings())
        >>> pairs.tolist(), sizes.tolist()
        ([[0, 1]], [3, 3, 1])
    """

    engine: EngineSettings

    def copy_pairs(self, texts: Sequence[str], settings: CopySettings) -> tuple[np.ndarray, np.ndarray]:
        """See :meth:`CopyEngine.copy_pairs`."""
        sketches = sketch_texts(texts, settings, self.engine)
        candidates = sketch_candidates(sketches, settings)
        return verify_copy_pairs(sketches.signatures, sketches.sizes, candidates, settings, texts), sketches.sizes


def copy_engine(engine: EngineSettings) -> CopyEngine:
    """The engine ``engine.name`` names: :class:`LocalEngine`, or the Ray engine (imported on first use).

    Example:
        >>> copy_engine(EngineSettings())
        LocalEngine(engine=EngineSettings(name='local', processes=0, batch_size=2048, address=None))
    """
    if engine.name == "ray":
        from .engine_ray import RayEngine

        return RayEngine(engine)
    return LocalEngine(engine)
