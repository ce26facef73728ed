"""Declared constraints of settings: each key states its range once, next to its default.

A settings class names its TOML table in ``TABLE`` and declares each key with
:func:`setting`, giving the default, the rule the value must follow and the fix to
suggest. :func:`check_settings` (called from ``__post_init__``) checks every rule, so a
value is checked the same way whether it came from a TOML file, a command-line option
or a library call. Every violation is a :class:`~cluster.errors.ConfigError` that reads

    [copies] threshold: 1.5 must be a number above 0 and at most 1; lower it ...

and carries ``table``, ``key`` and ``value``, so a caller can say where the value came
from (the file, or the command-line flag that set it).

Example:
    >>> from dataclasses import dataclass
    >>> from typing import ClassVar
    >>> @dataclass(frozen=True)
    ... class Demo:
    ...     TABLE: ClassVar[str] = "demo"
    ...     size: int = setting(5, integer(1, 100), "a shingle of 5 words is usual")
    ...     def __post_init__(self) -> None:
    ...         check_settings(self)
    >>> Demo(size=0)
    Traceback (most recent call last):
    ...
    cluster.errors.ConfigError: [demo] size: 0 must be an integer from 1 to 100; a shingle of 5 words is usual
"""

from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass
from typing import Any, Union

from .errors import ConfigError

__all__ = [
    "Rule",
    "Bounds",
    "OneOf",
    "Text",
    "Flag",
    "Strings",
    "Patterns",
    "integer",
    "number",
    "one_of",
    "text",
    "flag",
    "aliases",
    "strings",
    "patterns",
    "setting",
    "rule_of",
    "check_settings",
    "invalid",
]

Bound = Union[int, float, str, None]


class Rule:
    """What a setting's value must be. ``describe`` is the text after "must be"."""

    def describe(self, owner: Any) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def holds(self, value: Any, owner: Any) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError


def _show(value: Any) -> str:
    """A bound as the documentation writes it: 4294967295 as 2**32 - 1, 1e+300 as is."""
    if isinstance(value, int) and value >= 2**20 and (value & (value + 1)) == 0:
        return f"2**{value.bit_length()} - 1"
    if isinstance(value, int) and value >= 2**20 and value & (value - 1) == 0:
        return f"2**{value.bit_length() - 1}"
    if isinstance(value, int) and value >= 10_000:
        return f"{value:_}"
    return repr(value) if isinstance(value, float) else str(value)


@dataclass(frozen=True, slots=True)
class Bounds(Rule):
    """An integer or a finite number between two bounds.

    A bound is a number, None (no bound), or the name of another key of the same table
    (``"max_words"``), whose value is then the bound. ``low_open``/``high_open`` exclude
    the bound itself.
    """

    kind: str  # "integer" or "number"
    low: Bound = None
    high: Bound = None
    low_open: bool = False
    high_open: bool = False

    def _bound(self, bound: Bound, owner: Any) -> int | float | None:
        return getattr(owner, bound) if isinstance(bound, str) else bound

    def _text(self, bound: Bound, owner: Any) -> str:
        if isinstance(bound, str):
            value = getattr(owner, bound, None) if owner is not None else None
            return bound if value is None else f"{bound} ({_show(value)})"
        return _show(bound)

    def describe(self, owner: Any = None) -> str:
        what = "an integer" if self.kind == "integer" else "a finite number"
        low, high = self.low, self.high
        if low is not None and high is not None and not self.low_open and not self.high_open:
            return f"{what} from {self._text(low, owner)} to {self._text(high, owner)}"
        parts = []
        if low is not None:
            parts.append(f"{'above' if self.low_open else 'at least'} {self._text(low, owner)}")
        if high is not None:
            parts.append(f"{'below' if self.high_open else 'at most'} {self._text(high, owner)}")
        return " ".join([what, " and ".join(parts)]) if parts else what

    def refers(self) -> bool:
        """Whether a bound is another key."""
        return isinstance(self.low, str) or isinstance(self.high, str)

    def holds(self, value: Any, owner: Any) -> bool:
        if isinstance(value, bool):
            return False
        if self.kind == "integer":
            if not isinstance(value, int):
                return False
        elif not isinstance(value, (int, float)) or not math.isfinite(value):
            return False
        low, high = self._bound(self.low, owner), self._bound(self.high, owner)
        if low is not None and (value <= low if self.low_open else value < low):
            return False
        if high is not None and (value >= high if self.high_open else value > high):
            return False
        return True


@dataclass(frozen=True, slots=True)
class OneOf(Rule):
    """One of a few strings."""

    choices: tuple[str, ...]

    def describe(self, owner: Any = None) -> str:
        return "one of " + ", ".join(f'"{c}"' for c in self.choices)

    def holds(self, value: Any, owner: Any) -> bool:
        return isinstance(value, str) and value in self.choices


@dataclass(frozen=True, slots=True)
class Text(Rule):
    """A string (not blank unless ``blank_ok``), or None when ``optional``."""

    optional: bool = False

    def describe(self, owner: Any = None) -> str:
        return "a non-empty string" + (" (or absent)" if self.optional else "")

    def holds(self, value: Any, owner: Any) -> bool:
        if value is None:
            return self.optional
        return isinstance(value, str) and bool(value.strip())


@dataclass(frozen=True, slots=True)
class Flag(Rule):
    """true or false."""

    def describe(self, owner: Any = None) -> str:
        return "true or false"

    def holds(self, value: Any, owner: Any) -> bool:
        return isinstance(value, bool)


@dataclass(frozen=True, slots=True)
class Strings(Rule):
    """A list of non-empty strings; with ``at_least_one``, not the empty list."""

    at_least_one: bool = False

    def describe(self, owner: Any = None) -> str:
        return "a list of one or more non-empty strings" if self.at_least_one else "a list of non-empty strings"

    def holds(self, value: Any, owner: Any) -> bool:
        if self.at_least_one and not value:
            return False
        return isinstance(value, tuple) and all(isinstance(v, str) and v.strip() for v in value)


@dataclass(frozen=True, slots=True)
class Patterns(Rule):
    """A list of valid regular expressions."""

    def describe(self, owner: Any = None) -> str:
        return "a list of valid regular expressions"

    def holds(self, value: Any, owner: Any) -> bool:
        if not isinstance(value, tuple) or not all(isinstance(p, str) for p in value):
            return False
        try:
            for pattern in value:
                re.compile(pattern)
        except re.error:
            return False
        return True


@dataclass(frozen=True, slots=True)
class Aliases(Rule):
    """A table of names, each a list of non-empty strings ([ingest.publishers])."""

    def describe(self, owner: Any = None) -> str:
        return "a table of names, each a list of non-empty strings"

    def holds(self, value: Any, owner: Any) -> bool:
        return isinstance(value, dict) and all(
            isinstance(k, str) and k.strip() and isinstance(v, (list, tuple)) and all(isinstance(a, str) and a.strip() for a in v)
            for k, v in value.items()
        )


def aliases() -> Aliases:
    """A table of names, each a list of non-empty strings."""
    return Aliases()


def integer(low: Bound = None, high: Bound = None) -> Bounds:
    """An integer from ``low`` to ``high`` (inclusive; None: unbounded; a key name: that key's value)."""
    return Bounds("integer", low, high)


def number(low: Bound = None, high: Bound = None, *, low_open: bool = False, high_open: bool = False) -> Bounds:
    """A finite number (NaN and infinities never pass) from ``low`` to ``high``."""
    return Bounds("number", low, high, low_open, high_open)


def one_of(*choices: str) -> OneOf:
    """One of the given strings."""
    return OneOf(tuple(choices))


def text(*, optional: bool = False) -> Text:
    """A non-empty string (or None when ``optional``)."""
    return Text(optional)


def flag() -> Flag:
    """true or false."""
    return Flag()


def strings(*, at_least_one: bool = False) -> Strings:
    """A list of non-empty strings; ``at_least_one``: the empty list is refused too (a
    setting that nothing can work without, such as the keys an article's text is read from)."""
    return Strings(at_least_one)


def patterns() -> Patterns:
    """A list of valid regular expressions."""
    return Patterns()


def setting(default: Any, rule: Rule, fix: str) -> Any:
    """Declare a settings key: its default, the rule its value must follow, and the fix to suggest.

    Use as a dataclass field default: ``threshold: float = setting(0.7, number(0, 1), "...")``.
    """
    return dataclasses.field(default=default, metadata={"rule": rule, "fix": fix})


def rule_of(cls: Any, key: str) -> Rule | None:
    """The rule declared for ``key`` of settings class ``cls`` (None when it declares none)."""
    for f in dataclasses.fields(cls):
        if f.name == key:
            return f.metadata.get("rule")
    return None


def invalid(owner: Any, key: str, value: Any, must: str, fix: str) -> ConfigError:
    """The :class:`ConfigError` for ``owner``'s ``key``: ``[table] key: value must be ...; fix``."""
    table = getattr(owner, "TABLE", type(owner).__name__)
    return ConfigError(f"[{table}] {key}: {_value(value)} must be {must}; {fix}", table=table, key=key, value=value)


def _value(value: Any) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return repr(value)
    return str(value)


def check_settings(owner: Any) -> None:
    """Check every declared rule of a settings instance, in declaration order; rules
    bounded by another key come after the rules of every key, so the bound is checked first.

    Raises:
        ConfigError: naming the table, key, value, the rule and the fix of the first violation.
    """
    fields = dataclasses.fields(owner)
    relative = [f for f in fields if isinstance(f.metadata.get("rule"), Bounds) and f.metadata["rule"].refers()]
    for f in [f for f in fields if f not in relative] + relative:
        rule = f.metadata.get("rule")
        if rule is None:
            continue
        value = getattr(owner, f.name)
        if not rule.holds(value, owner):
            if isinstance(rule, Patterns) and isinstance(value, tuple):
                for pattern in value:
                    try:
                        re.compile(pattern)
                    except (re.error, TypeError) as exc:
                        raise invalid(owner, f.name, pattern, f"a valid regular expression ({exc})", f.metadata["fix"]) from None
            raise invalid(owner, f.name, value, rule.describe(owner), f.metadata["fix"])
