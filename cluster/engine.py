"""Engines: where the stages run, behind one interface.

An :class:`Engine` runs the copy stages (texts → verified copy pairs and shingle-set
sizes) and maps the other stages' work items: the story stage's candidate blocks and
verification chunks, and the summarize stage's stories. :class:`LocalEngine` runs on this
machine (sketches and stories in ``engine.processes`` worker processes, array work on
threads); :class:`cluster.engine_ray.RayEngine` runs the same functions as Ray tasks, so
both give identical results. :func:`engine_for` picks one from ``EngineSettings.name``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Protocol, Sequence, TypeVar

import numpy as np

from .containment import sketch_candidates, sketch_texts, verify_copy_pairs
from .pools import thread_map
from .settings import CopySettings, EngineSettings

__all__ = ["Engine", "LocalEngine", "engine_for"]

_Result = TypeVar("_Result")


class Engine(Protocol):
    """Where the stages run: the copy stages, and ordered maps of work items."""

    def copy_pairs(self, texts: Sequence[str], settings: CopySettings) -> tuple[np.ndarray, np.ndarray]:
        """Verified copy pairs of ``texts`` and each text's number of distinct shingles.

        Returns ``(pairs, sizes)``: ``pairs`` an ``(m, 2)`` int64 array of text indices
        ``(i, j)``, ``i < j``, sorted; ``sizes`` an ``(n,)`` int64 array. A pair is a copy by
        Jaccard or by containment (:func:`cluster.containment.verify_copy_pairs`).
        """
        ...  # pragma: no cover

    def share(self, value: Any) -> Any:
        """A handle to ``value`` for the items of :meth:`map`: ``map`` hands the function
        ``value`` itself, and a large value shared by many items is sent once."""
        ...  # pragma: no cover

    def map(self, function: Callable[..., _Result], items: Iterable[tuple[Any, ...]]) -> Iterator[_Result]:
        """``function(*item)`` for every item, results in item order, a bounded number in flight.

        ``function`` must be a module-level function (a Ray worker imports it by name);
        an item's elements may be :meth:`share` handles.
        """
        ...  # pragma: no cover


@dataclass(frozen=True, slots=True)
class LocalEngine:
    """The stages on this machine: sketches in ``engine.processes`` worker processes, maps on
    :func:`cluster.pools.usable_cores` threads (for numpy and scipy work, which runs outside
    the interpreter lock).

    Example:
        >>> pairs, sizes = LocalEngine(EngineSettings(processes=1)).copy_pairs(["a b c d e f g", "a b c d e f g", "x y z"], CopySettings())
        >>> pairs.tolist(), sizes.tolist()
        ([[0, 1]], [3, 3, 1])
        >>> list(LocalEngine(EngineSettings()).map(divmod, [(7, 2), (9, 4)]))
        [(3, 1), (2, 1)]
    """

    engine: EngineSettings

    def copy_pairs(self, texts: Sequence[str], settings: CopySettings) -> tuple[np.ndarray, np.ndarray]:
        """See :meth:`Engine.copy_pairs`."""
        sketches = sketch_texts(texts, settings, self.engine)
        candidates = sketch_candidates(sketches, settings)
        return verify_copy_pairs(sketches.signatures, sketches.sizes, candidates, settings, texts), sketches.sizes

    def share(self, value: Any) -> Any:
        """See :meth:`Engine.share`: threads share memory, so the value itself."""
        return value

    def map(self, function: Callable[..., _Result], items: Iterable[tuple[Any, ...]]) -> Iterator[_Result]:
        """See :meth:`Engine.map`."""
        return thread_map(lambda item: function(*item), items)


def engine_for(engine: EngineSettings) -> Engine:
    """The engine ``engine.name`` names: :class:`LocalEngine`, or the Ray engine (imported on first use).

    Example:
        >>> engine_for(EngineSettings())
        LocalEngine(engine=EngineSettings(name='local', processes=0, batch_size=2048, address=None))
    """
    if engine.name == "ray":
        from .engine_ray import RayEngine

        return RayEngine(engine)
    return LocalEngine(engine)
