"""Worker pools: how many processes a stage may use, and the pools that run them.

Every parallel stage (ingest cleaning, signatures, story vectors and scoring) sizes its
pool with :func:`usable_cores`, so one :func:`process_limit` around a run bounds them
all. The output never depends on the number of processes.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Callable, Iterable, Iterator, TypeVar

from .errors import ConfigError

__all__ = ["usable_cores", "process_limit", "process_pool", "pool_map", "thread_map", "release_memory", "collector_paused"]

_PROCESS_LIMIT: ContextVar[int] = ContextVar("storyfold_process_limit", default=0)

_Task = TypeVar("_Task")
_Result = TypeVar("_Result")


def usable_cores() -> int:
    """The CPU cores this process may run on (its affinity where the OS reports one),
    at most the limit of an enclosing :func:`process_limit`.

    Example:
        >>> usable_cores() >= 1
        True
    """
    try:
        cores = max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        cores = max(1, os.cpu_count() or 1)
    limit = _PROCESS_LIMIT.get()
    return min(cores, limit) if limit > 0 else cores


@contextmanager
def process_limit(processes: int) -> Iterator[None]:
    """Run the enclosed stages on at most ``processes`` processes (0: one per core).

    ``cluster_articles`` and ``load_articles`` apply ``engine.processes`` this way
    themselves; other library callers can wrap any stage in it.

    Raises:
        ConfigError: ``processes`` is negative.

    Example:
        >>> with process_limit(1):
        ...     usable_cores()
        1
    """
    if processes < 0:
        raise ConfigError(f"engine.processes: {processes} must be >= 0 (0 means one per core)")
    outer = _PROCESS_LIMIT.get()  # an enclosing limit still holds: the tighter one wins
    token = _PROCESS_LIMIT.set(min(outer, processes) if outer and processes else outer or processes)
    try:
        yield
    finally:
        _PROCESS_LIMIT.reset(token)


def process_pool(workers: int, initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = ()) -> Any:
    """A ``multiprocessing`` pool of ``workers`` processes, started by forkserver where the
    platform has it (no forked copy of a large parent), else by spawn."""
    import multiprocessing

    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    return multiprocessing.get_context(method).Pool(workers, _worker_init, (initializer, initargs))


def _worker_init(initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    """Workers ignore SIGINT: Ctrl-C reaches the whole process group, and only the main
    process should answer it (one ``storyfold: interrupted`` line, no worker tracebacks)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if initializer is not None:
        initializer(*initargs)


def pool_map(pool: Any, function: Callable[[_Task], _Result], tasks: Iterable[_Task], ahead: int) -> Iterator[_Result]:
    """``map(function, tasks)`` on ``pool``, in order, with at most ``ahead`` tasks in flight
    (``Pool.imap`` would copy every task into its queue at once)."""
    from collections import deque

    pending: deque[Any] = deque()
    for task in tasks:
        pending.append(pool.apply_async(function, (task,)))
        if len(pending) > ahead:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()


def thread_map(function: Callable[[_Task], _Result], items: Iterable[_Task]) -> Iterator[_Result]:
    """``map(function, items)`` on :func:`usable_cores` threads, in order, with a few items in flight.

    Threads, not processes: for work in scipy and numpy (sparse products, sorts, gathers)
    that runs outside the interpreter lock, on arrays no process has to copy.

    Example:
        >>> list(thread_map(abs, [-2, 1, -3]))
        [2, 1, 3]
    """
    workers = usable_cores()
    if workers == 1:
        yield from map(function, items)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(workers) as pool:
        pending: list = []
        for item in items:
            pending.append(pool.submit(function, item))
            if len(pending) > workers:
                yield pending.pop(0).result()
        for future in pending:
            yield future.result()


def release_memory() -> None:
    """Collect garbage and hand the C heap's free pages back to the OS, between stages.

    glibc keeps freed blocks below its (dynamic, up to 32 MiB) mmap threshold in the heap,
    where they count in the resident size until ``malloc_trim`` returns them; a stage that
    freed many batch-sized arrays would otherwise leave the next stage starting from a
    higher peak. The same remedy Dask documents for its workers ("Memory not released back
    to the OS"). Does nothing where the C library is not glibc.

    Example:
        >>> release_memory()
    """
    import ctypes
    import gc

    gc.collect()
    try:
        trim = ctypes.CDLL(None).malloc_trim  # the symbols already loaded: no library lookup
    except (OSError, AttributeError):  # not glibc
        return
    trim(0)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while a large tree of new, acyclic objects is built
    (a digest's stories as they come back from the workers, the digest's JSON objects):
    its full passes over a heap that keeps growing cost more than the build. It is
    enabled again afterwards if it was enabled before.

    Example:
        >>> import gc
        >>> with collector_paused():
        ...     gc.isenabled()
        False
    """
    import gc

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
