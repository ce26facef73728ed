"""Errors raised by storyfold. Every one derives from :class:`StoryfoldError`."""

from __future__ import annotations

__all__ = ["StoryfoldError", "ConfigError", "InputPathError", "ModelUnavailableError", "InvariantError"]


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
