"""The Ray engine: every stage as Ray tasks, for clusters of machines.

The copy stages:

1. one task per shard of ``EngineSettings.batch_size`` texts: sketches (signatures,
   shingle counts, lead signatures) and band keys of the whole-text and lead searches,
   the band entries split into partitions by key (the shuffle);
2. one task per partition: sort its entries by (band, key, article) and turn runs of equal
   keys into candidate pairs;
3. the driver verifies the candidate pairs by Jaccard and containment; connected components
   follow in :func:`cluster.copies.find_copies`.

:class:`RayEngine` is the :class:`cluster.engine.Engine` that runs these stages, and maps
the work items of the others as tasks (:meth:`RayEngine.map`): the story stage's candidate
blocks and verification chunks (grouping runs on the driver) and the summarize stage's
stories, with the large arrays they share put in the object store once.

The tasks call the same functions as the local engine, so the result is identical.
Every machine of the cluster needs storyfold installed (the tasks import it).
Run on a cluster: ``ray start --head`` on one machine, ``ray start --address HEAD:6379`` on
the others, then ``storyfold cluster --engine ray --address HEAD:6379 ...`` (or
``[engine] name = "ray"`` and ``address`` in the config). Without an address a local Ray
instance is started (or the one already running in this process is used).
"""

from __future__ import annotations

import os
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Sequence, TypeVar

import numpy as np

from .containment import search_shapes, sketch_shard, verify_copy_pairs
from .errors import RayUnavailableError
from .hashing import partition_of
from .lsh import band_keys, group_pairs, merge_pairs
from .settings import CopySettings, EngineSettings
from .signatures import empty_signature_rows

__all__ = ["RayUnavailableError", "RayEngine", "copy_pairs_ray"]

# The most partitions the band-key shuffle is split into.
MAX_PARTITIONS = 64
# Tasks of a map in flight per CPU of the cluster: enough to keep every CPU busy while
# results are collected in order, few enough to bound the driver's memory.
TASKS_PER_CPU = 2
# Shared values kept in the object store by one engine at a time (the most recent ones).
SHARED_VALUES = 4

_Result = TypeVar("_Result")


def _ray() -> Any:
    # Ray reports usage statistics over the network unless told not to; a run makes no
    # connection the user did not ask for (set RAY_USAGE_STATS_ENABLED=1 to opt in).
    os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
    try:
        import ray
    except ImportError as exc:
        raise RayUnavailableError(
            f"engine.name = 'ray' needs Ray, which is not installed ({exc}); run pip install 'storyfold[ray]' or use engine 'local'"
        ) from exc
    return ray


def _connect(engine: EngineSettings) -> Any:
    """Ray, connected to ``engine.address`` (or a local instance) unless already connected."""
    ray = _ray()
    if not ray.is_initialized():
        ray.init(address=engine.address, include_dashboard=False, log_to_driver=False)
    return ray


def _shard_stage(
    texts: list[str], offset: int, settings: CopySettings, shapes: tuple[tuple[int, int], ...], partitions: int
) -> tuple[Any, ...]:
    """Sketches of one shard, and its band entries (band, key, article) split by partition.

    ``shapes`` are the (bands, rows) of the whole-text search and, when on, of the lead
    search; lead bands are numbered after the whole-text bands.
    """
    sketches = sketch_shard(texts, settings)
    keep = ~empty_signature_rows(sketches.signatures)
    index = np.arange(offset, offset + len(texts), dtype=np.uint64)[keep]
    entries_parts = []
    first_band = 0
    for (bands, rows), signatures in zip(shapes, (sketches.signatures, sketches.leads)):
        keys = band_keys(signatures, bands, rows)[keep]
        band = np.repeat(np.arange(first_band, first_band + bands, dtype=np.uint64)[None, :], len(keys), axis=0)
        entries_parts.append(np.stack([band.ravel(), keys.ravel(), np.repeat(index, bands)], axis=1))
        first_band += bands
    entries = np.concatenate(entries_parts)
    target = partition_of(entries[:, 0], entries[:, 1], partitions)
    return (sketches.signatures, sketches.sizes, *[entries[target == p] for p in range(partitions)])


def _partition_stage(*parts: np.ndarray) -> np.ndarray:
    """Candidate pairs of one partition: runs of equal (band, key), members in article order."""
    arrays = [p for p in parts if len(p)]
    if not arrays:
        return np.empty((0, 2), dtype=np.int64)
    entries = np.concatenate(arrays)
    order = np.lexsort((entries[:, 2], entries[:, 1], entries[:, 0]))
    entries = entries[order]
    boundaries = np.flatnonzero(np.diff(entries[:, 0].astype(np.int64))) + 1
    pairs = [
        group_pairs(chunk[:, 1], chunk[:, 2].astype(np.int64))
        for chunk in np.split(entries, boundaries)
    ]
    return merge_pairs(pairs)


def copy_pairs_ray(texts: Sequence[str], settings: CopySettings, engine: EngineSettings) -> tuple[np.ndarray, np.ndarray]:
    """Verified copy pairs ``(i, j)`` of ``texts`` and the texts' shingle-set sizes, computed
    with Ray tasks; equal to the local engine's.

    Example:
        >>> import ray; _ = ray.init(num_cpus=1, include_dashboard=False)  # doctest: +SKIP
        >>> copy_pairs_ray(["a b c d e f", "a b c d e f", "x y"], CopySettings(), EngineSettings(name="ray"))[0].tolist()  # doctest: +SKIP
        [[0, 1]]
    """
    ray = _connect(engine)
    if not texts:
        return np.empty((0, 2), dtype=np.int64), np.empty(0, dtype=np.int64)
    whole, lead = search_shapes(settings)
    shapes = (whole,) if lead is None else (whole, lead)
    shard_starts = list(range(0, len(texts), engine.batch_size))
    partitions = max(1, min(len(shard_starts), MAX_PARTITIONS))
    shard_task = ray.remote(num_returns=partitions + 2)(_shard_stage)
    partition_task = ray.remote(_partition_stage)
    shard_outputs = [
        shard_task.remote(list(texts[start : start + engine.batch_size]), start, settings, shapes, partitions)
        for start in shard_starts
    ]
    partition_pairs = [partition_task.remote(*[out[2 + p] for out in shard_outputs]) for p in range(partitions)]
    signatures = np.concatenate(ray.get([out[0] for out in shard_outputs]))
    sizes = np.concatenate(ray.get([out[1] for out in shard_outputs]))
    candidates = merge_pairs(ray.get(partition_pairs))
    return verify_copy_pairs(signatures, sizes, candidates, settings, texts), sizes


@dataclass(frozen=True)
class RayEngine:
    """Every stage as Ray tasks (a :class:`cluster.engine.Engine`); ``engine.address`` names the cluster.

    Raises:
        RayUnavailableError: on first use, when Ray is not installed.
    """

    engine: EngineSettings
    # id(value) -> (value, its ObjectRef): the value is held so that its id stays its own.
    _shared: "OrderedDict[int, tuple[Any, Any]]" = field(default_factory=OrderedDict, compare=False, repr=False)

    def copy_pairs(self, texts: Sequence[str], settings: CopySettings) -> tuple[np.ndarray, np.ndarray]:
        """See :meth:`cluster.engine.Engine.copy_pairs`; equal to the local engine's result."""
        return copy_pairs_ray(texts, settings, self.engine)

    def share(self, value: Any) -> Any:
        """See :meth:`cluster.engine.Engine.share`: ``value`` put in the object store, once
        while it is among the engine's ``SHARED_VALUES`` most recently shared values."""
        key = id(value)
        if key in self._shared:
            self._shared.move_to_end(key)
            return self._shared[key][1]
        ref = _connect(self.engine).put(value)
        self._shared[key] = (value, ref)
        while len(self._shared) > SHARED_VALUES:
            self._shared.popitem(last=False)
        return ref

    def map(self, function: Callable[..., _Result], items: Iterable[tuple[Any, ...]]) -> Iterator[_Result]:
        """See :meth:`cluster.engine.Engine.map`: one task per item, at most ``TASKS_PER_CPU``
        per CPU of the cluster in flight; a task's error is raised here.

        Example:
            >>> list(RayEngine(EngineSettings(name="ray")).map(divmod, [(7, 2), (9, 4)]))  # doctest: +SKIP
            [(3, 1), (2, 1)]
        """
        ray = _connect(self.engine)
        task = ray.remote(function)
        ahead = max(1, TASKS_PER_CPU * int(ray.cluster_resources().get("CPU", 1)))
        pending: deque[Any] = deque()
        for item in items:
            pending.append(task.remote(*item))
            if len(pending) > ahead:
                yield ray.get(pending.popleft())
        while pending:
            yield ray.get(pending.popleft())
