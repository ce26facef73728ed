"""Every error storyfold raises on purpose: :class:`StoryfoldError` and all its subclasses.

They live in this one module (``tests/test_errors.py`` checks it) so the exit codes the CLI
can return are listed in one place, and match the exit-code table of the README:

======================== ==== ===================================================
error                    exit  raised when
======================== ==== ===================================================
ConfigError              2    a config file, setting or option is invalid
InputPathError           2    an input path does not exist or cannot be read
ModelUnavailableError    2    a model asked for explicitly cannot be loaded
RayUnavailableError      2    engine ``ray`` without Ray installed
InvariantError           1    an article was lost or counted twice
ContractError            1    a clusters.json does not follow its contract
LexiconUnavailableError  1    the VADER lexicon cannot be read
StoreError               1    a story store cannot be used
StoreBusyError           1    another run holds the story store
RenderError              1    a digest or template cannot be rendered (2 for a
                              missing or unreadable file, an unknown format, a
                              template that does not load or compile)
OutputPathError          2    ``-o`` is refused before any work (an input, a
                              folder, a missing or unwritable folder, a closed
                              stdout)
OutputWriteError         1    writing the output failed (full disk, read-only)
Interrupted              130  the run was interrupted (Ctrl-C)
======================== ==== ===================================================

A programming error (a method called out of order, such as
``summarize.salience.NotFittedError``) is not a ``StoryfoldError``: it keeps its traceback.
"""

from __future__ import annotations

__all__ = [
    "StoryfoldError",
    "ConfigError",
    "InputPathError",
    "ModelUnavailableError",
    "RayUnavailableError",
    "InvariantError",
    "ContractError",
    "LexiconUnavailableError",
    "StoreError",
    "StoreBusyError",
    "RenderError",
    "OutputPathError",
    "OutputWriteError",
    "Interrupted",
]


class StoryfoldError(Exception):
    """Base class of every error storyfold raises on purpose.

    The message says what was wrong, the value, and how to fix it. The CLI prints it as
    one line on stderr and exits with :attr:`exit_code`.
    """

    exit_code: int = 1


class ConfigError(StoryfoldError):
    """A configuration file or option is invalid (exit code 2).

    A violation of a declared setting rule also carries ``table``, ``key`` and ``value``
    (None otherwise), so the CLI can name the flag that set the value.
    """

    exit_code = 2

    def __init__(self, message: str, *, table: str | None = None, key: str | None = None, value: object = None) -> None:
        super().__init__(message)
        self.table = table
        self.key = key
        self.value = value


class InputPathError(StoryfoldError):
    """An input path does not exist or cannot be read at all (exit code 2)."""

    exit_code = 2


class ModelUnavailableError(StoryfoldError):
    """A summarization model was asked for explicitly but cannot be loaded (exit code 2)."""

    exit_code = 2


class InvariantError(StoryfoldError):
    """An internal accounting invariant failed: an article was lost or counted twice."""

    exit_code = 1


class RayUnavailableError(StoryfoldError, ImportError):
    """The Ray engine was asked for but Ray is not installed (exit code 2)."""

    exit_code = 2


class ContractError(StoryfoldError):
    """A clusters.json or digest.json does not follow its contract (exit code 1)."""


class LexiconUnavailableError(StoryfoldError):
    """The VADER lexicon cannot be read from the installed vaderSentiment package (exit code 1)."""


class StoreError(StoryfoldError):
    """The store file cannot be used: not a storyfold store, a newer format, unreadable (exit code 1)."""

    exit_code = 1


class StoreBusyError(StoreError):
    """Another run holds the store's write lock (exit code 1); nothing was changed."""

    exit_code = 1


class RenderError(StoryfoldError):
    """A digest cannot be read or a template cannot be rendered.

    Exit code 1 for a digest that breaks its contract (not UTF-8, not JSON, not a digest)
    or a template that fails while rendering; 2 for a usage error found before any work (a
    missing or unreadable file, an unknown format, a template that is not UTF-8 or has a
    syntax error).
    """

    def __init__(self, message: str, *, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class OutputPathError(StoryfoldError):
    """The output path cannot or must not be written: refused before any work (exit code 2)."""

    exit_code = 2


class OutputWriteError(StoryfoldError):
    """Writing the output failed after the work was done: a full disk, an I/O error (exit code 1)."""

    exit_code = 1


class Interrupted(StoryfoldError):
    """The run was interrupted (SIGINT, Ctrl-C); exit code 130 as for any process a signal stops."""

    exit_code = 130
