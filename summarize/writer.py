"""Where the JSON goes: checking an output path before any work, and writing it safely.

:func:`check_output` is called before a command reads anything. It refuses (exit code 2,
:class:`~cluster.errors.OutputPathError`) stdout when it was closed at start-up (``>&-``),
an empty path, a folder, a path in a folder that is missing or where no file can be
created, a block device or socket, a read-only file, a path that is one of the command's
inputs, and a path inside an input folder that the next run over that folder would read
as an article (a non-hidden name with a supported extension).

:func:`write_text` then writes:

* ``None`` or ``-``: stdout;
* a character device (``/dev/null``, a terminal), a FIFO, or any existing path under
  ``/dev`` or ``/proc`` (``/dev/stdout``, ``/dev/fd/3``): opened and written directly,
  never replaced by a regular file;
* otherwise atomically: a temporary file in the same folder, flushed and synced, then
  renamed over the target, so a reader or a crash sees the old file or the new one. A
  symbolic link is resolved first and its target replaced (the link stays a link). A
  new file gets mode ``0o666 & ~umask``, like any file a shell redirect creates; a
  replaced file keeps its mode (and its group and owner where the process may set them).

Any ``OSError`` while writing becomes :class:`~cluster.errors.OutputWriteError` (exit
code 1): one line naming the path and the reason, with no temporary file left behind.
"""

from __future__ import annotations

import io
import os
import stat
import sys
import tempfile
from dataclasses import dataclass
from typing import Iterable

from cluster.errors import OutputPathError, OutputWriteError

__all__ = ["Destination", "check_output", "write_text"]

# The file types a folder walk reads; kept in step with cluster.ingest.SUPPORTED_EXTENSIONS
# without importing ingest here (the writer must stay light).
_READ_EXTENSIONS = (".txt", ".md", ".html", ".htm", ".json", ".jsonl")
_DIRECT_ROOTS = ("/dev/", "/proc/")


@dataclass(frozen=True, slots=True)
class Destination:
    """A checked output: ``kind`` is ``"stdout"``, ``"direct"`` (a special file, written in
    place) or ``"atomic"`` (a regular file, replaced by rename); ``path`` is what is opened
    (for ``"atomic"``, the resolved target of any symbolic link) and ``shown`` what
    messages call it (the path as given)."""

    kind: str
    path: str | None
    shown: str
    given: str = "-"

    def __str__(self) -> str:
        """The path as the user gave it (``-`` for stdout), for messages."""
        return self.given


def _shown(path: str) -> str:
    """``path`` quoted for a one-line message: control characters and undecodable bytes escaped."""
    return repr(os.fsencode(path).decode("utf-8", "backslashreplace"))


def _is_direct(path: str) -> bool:
    absolute = os.path.abspath(path)
    folder = os.path.realpath(os.path.dirname(absolute))
    return any((folder + "/").startswith(root) for root in _DIRECT_ROOTS) or absolute.startswith(_DIRECT_ROOTS)


def check_output(path: str | os.PathLike[str] | None, inputs: Iterable[str | os.PathLike[str] | None] = ()) -> Destination:
    """Check an output path before any work and say how it will be written.

    ``inputs`` are the command's input files and folders (and its config file); the
    output may not be one of them, nor a file that a walk of an input folder would read.

    Raises:
        OutputPathError: the path cannot or must not be written, or stdout is closed (exit code 2).

    Example:
        >>> check_output("-").kind
        'stdout'
        >>> check_output("/dev/null").kind
        'direct'
    """
    if path is None or os.fspath(path) == "-":
        if sys.stdout is None:  # started with fd 1 closed (``>&-``): nothing could be written
            raise OutputPathError("cannot write to stdout: it is closed; give -o FILE, or run without closing stdout")
        return Destination("stdout", None, "stdout")
    raw = os.fspath(path)
    shown = _shown(raw)
    if raw == "" or not raw.strip():
        raise OutputPathError(f"output path {shown} is empty: give a file name, or - for stdout")
    if "\x00" in raw:
        raise OutputPathError(f"output path {shown} contains a NUL character")
    if raw.endswith(("/", os.sep)):
        raise OutputPathError(f"output path {shown} names a folder: give a file name inside it")
    try:
        info = os.stat(raw)
    except (FileNotFoundError, NotADirectoryError):  # the folder checks below say which part is missing
        info = None
    except OSError as exc:
        raise OutputPathError(f"cannot write {shown}: {exc.strerror or exc}") from None
    if info is not None:
        mode = info.st_mode
        if stat.S_ISDIR(mode):
            raise OutputPathError(f"output path {shown} is a folder: give a file name inside it")
        if stat.S_ISBLK(mode) or stat.S_ISSOCK(mode):
            kind = "block device" if stat.S_ISBLK(mode) else "socket"
            raise OutputPathError(f"output path {shown} is a {kind}; refusing to write JSON to it")
        if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode) or _is_direct(raw):
            if not os.access(raw, os.W_OK):
                raise OutputPathError(f"cannot write {shown}: permission denied")
            return Destination("direct", raw, shown, raw)
    target = os.path.realpath(raw)  # a symbolic link's target is what gets replaced
    _refuse_inputs(raw, target, info, inputs, shown)
    folder = os.path.dirname(target) or "."
    if not os.path.isdir(folder):
        reason = "is not a folder" if os.path.lexists(folder) else "does not exist"
        raise OutputPathError(f"cannot write {shown}: folder {_shown(folder)} {reason}")
    if info is not None and not os.access(target, os.W_OK):
        raise OutputPathError(f"cannot write {shown}: the file is read-only")
    try:  # the one sure test that a file can be created there (read-only mounts, ACLs, root)
        fd, probe = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".tmp", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OutputPathError(f"cannot write {shown}: cannot create a file in folder {_shown(folder)} ({exc.strerror or exc})") from None
    return Destination("atomic", target, shown, raw)


def _refuse_inputs(raw: str, target: str, info: os.stat_result | None, inputs: Iterable[str | os.PathLike[str] | None], shown: str) -> None:
    for item in inputs:
        if item is None:
            continue
        given = os.fspath(item)
        if not given:
            continue
        resolved = os.path.realpath(given)  # an input that is not there yet (a new --store) counts too
        if os.path.isdir(resolved):
            relative = os.path.relpath(target, resolved)
            if relative == os.pardir or relative.startswith(os.pardir + os.sep):
                continue
            parts = relative.split(os.sep)
            if target.lower().endswith(_READ_EXTENSIONS) and not any(part.startswith(".") for part in parts):
                raise OutputPathError(
                    f"output path {shown} is inside input folder {_shown(given)}, where the next run would read it "
                    "as an article: write it outside the input folders (or under a name starting with '.')"
                )
        elif resolved == target or (info is not None and os.path.exists(given) and os.path.samefile(given, target)):
            raise OutputPathError(f"output path {shown} is also an input ({_shown(given)}): write to another file")


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_text(text: str | bytes | Iterable[bytes], path: str | os.PathLike[str] | Destination | None) -> None:
    """Write ``text`` (UTF-8, ``\\n`` line ends; or bytes already encoded so, whole or as
    an iterable of chunks written as they come) to stdout, a special file, or a file
    atomically.

    ``path`` is checked with :func:`check_output` unless it is already a
    :class:`Destination`; see the module docstring for how each kind is written.

    Raises:
        OutputPathError: the path cannot be written (exit code 2).
        OutputWriteError: writing failed: a full disk, an I/O error, a closed pipe (exit code 1).

    Example:
        >>> write_text('{"schema": "x"}\\n', None)  # doctest: +SKIP
    """
    destination = path if isinstance(path, Destination) else check_output(path)
    data = text.encode("utf-8") if isinstance(text, str) else text
    if destination.kind == "stdout":
        _write_stdout(text if isinstance(text, str) else (data if isinstance(data, bytes) else b"".join(data)).decode("utf-8"))
    elif destination.kind == "direct":
        _write_direct(data, destination)
    else:
        _write_atomic(data, destination)


def write_error(destination: Destination, exc: OSError) -> OutputWriteError:
    """The one-line error for a failed write to ``destination`` (exit code 1)."""
    return OutputWriteError(f"cannot write {destination.shown}: {exc.strerror or exc}")


def _write_stdout(text: str) -> None:
    stream = sys.stdout
    if stream is None:  # fd 1 was closed when the process started
        raise OutputWriteError("cannot write to stdout: it is closed")
    try:
        stream.write(text)
        stream.flush()
    except OSError as exc:
        _silence(stream)
        raise OutputWriteError(f"cannot write to stdout: {exc.strerror or exc}") from None
    except ValueError:  # the stream object was closed ("I/O operation on closed file")
        raise OutputWriteError("cannot write to stdout: it is closed") from None


def _silence(stream: io.TextIOBase | object) -> None:
    """Point a failed stdout at /dev/null, so the interpreter's final flush cannot fail again."""
    try:
        fd = stream.fileno()  # type: ignore[attr-defined]
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fd)
        os.close(null)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass


def _write_all(fd: int, data: bytes | Iterable[bytes]) -> None:
    for chunk in (data,) if isinstance(data, bytes) else data:
        view = memoryview(chunk)
        while view:
            written = os.write(fd, view)
            view = view[written:]


def _write_direct(data: bytes, destination: Destination) -> None:
    try:
        fd = os.open(str(destination.path), os.O_WRONLY | os.O_APPEND | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise write_error(destination, exc) from None
    try:
        _write_all(fd, data)
    except OSError as exc:
        raise write_error(destination, exc) from None
    finally:
        os.close(fd)


def _write_atomic(data: bytes, destination: Destination) -> None:
    target = str(destination.path)
    folder = os.path.dirname(target) or "."
    try:
        existing: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        existing = None
    except OSError as exc:
        raise write_error(destination, exc) from None
    tmp_name: str | None = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{os.path.basename(target)}.", suffix=".tmp", dir=folder)
        try:
            if existing is not None and stat.S_ISREG(existing.st_mode):
                try:  # keep the replaced file's group (and owner, where allowed)
                    os.fchown(fd, existing.st_uid, existing.st_gid)
                except OSError:
                    try:
                        os.fchown(fd, -1, existing.st_gid)
                    except OSError:
                        pass
                os.fchmod(fd, stat.S_IMODE(existing.st_mode))
            else:
                os.fchmod(fd, 0o666 & ~_umask())
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp_name, target)
        tmp_name = None
    except OSError as exc:
        raise write_error(destination, exc) from None
    finally:
        if tmp_name is not None:
            try:
                os.unlink(tmp_name)
            except OSError:
                pass
    try:  # make the rename itself durable
        dir_fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)

