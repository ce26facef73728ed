"""Settings for the clustering stages, read from TOML tables.

Each TOML table maps onto one frozen dataclass. Values are checked on construction;
an unknown key is an error that names the file, the table and the key.
"""

from __future__ import annotations

import dataclasses
import math
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from .errors import ConfigError

__all__ = [
    "IngestSettings",
    "CopySettings",
    "StorySettings",
    "EngineSettings",
    "ClusterSettings",
    "read_toml",
    "build_table",
    "load_cluster_settings",
]

DEFAULT_BOILERPLATE = (
    r"^\s*-?\s*advertisement\s*-?\s*$",
    r"^\s*(sponsored|sponsored content|story continues below|continue reading.*)\s*$",
    r"^(?=.{0,300}$).*\bcookies?\b.*\b(consent|accept|policy|settings|use|experience)\b",
    r"^\s*(leave a (reply|comment)|post a comment|comments?)\s*:?\s*$",
    r"^\s*(share|share this|share on|tweet|email|print|follow us|subscribe|sign up)\b.{0,80}$",
    r"^\s*(click|tap) here\b",
    r"^\s*(related|read more|also read|recommended|more from)\s*:?.{0,80}$",
    r"^\s*(your email address will not be published|required fields are marked).*$",
    r"^\s*(all rights reserved|copyright ©|©)\b.*$",
)


# News agencies whose own copy of a story is its original (names and domains, lower case).
DEFAULT_AGENCIES = (
    "ap", "associated press", "apnews.com", "reuters", "reuters.com", "afp", "agence france-presse", "afp.com",
    "dpa", "dpa.com", "efe", "efe.com", "ansa", "ansa.it", "xinhua", "xinhuanet.com", "news.cn", "kyodo",
    "kyodo news", "kyodonews.net", "upi", "upi.com", "pa media", "press association", "aap", "aap.com.au",
    "tass", "tass.com", "yonhap", "yna.co.kr", "anadolu agency", "aa.com.tr", "pti", "ptinews.com",
    "the canadian press", "thecanadianpress.com", "bloomberg", "bloomberg.com",
)


@dataclass(frozen=True, slots=True)
class IngestSettings:
    """How inputs are read.

    max_file_bytes: files larger than this are skipped, not read.
    max_articles: ingest stops accepting articles past this count; the rest are skipped.
    boilerplate_patterns: regular expressions (case-insensitive); a line matching any is dropped.
    """

    max_file_bytes: int = 50_000_000
    max_articles: int = 5_000_000
    boilerplate_patterns: tuple[str, ...] = DEFAULT_BOILERPLATE

    def __post_init__(self) -> None:
        _positive(self, "max_file_bytes", "max_articles")
        import re

        for pattern in self.boilerplate_patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ConfigError(f"ingest.boilerplate_patterns: {pattern!r} is not a valid regular expression ({exc})") from exc


@dataclass(frozen=True, slots=True)
class CopySettings:
    """Near-duplicate (syndicated copy) detection with MinHash over word shingles.

    Two articles are copies when the Jaccard similarity of their shingle sets is at least
    ``threshold``, or when the smaller set is at least ``containment`` contained in the
    larger (a reprint cut for space, or with a line added) and holds at least ``min_kept``
    of the larger's shingles. Both are estimated from the MinHash signatures and the set
    sizes (:mod:`cluster.containment`).

    scheme: datasketch permutation scheme of the signatures, "affine32" (datasketch >= 2.0)
    or "legacy" (datasketch < 2.0). bands, rows: LSH band shape of the whole-text search;
    0 and 0 choose it (:func:`cluster.containment.recall_band_shape`) so that a pair at
    ``candidate_similarity`` is missed with probability at most ``max_miss``.
    lead_words, lead_num_perm, lead_similarity: a second band search over the
    signatures of the first ``lead_words`` words, which a reprint trimmed at the end keeps
    (0 lead_words turns it off); a pair whose leads have ``lead_similarity`` is missed with
    probability at most ``max_miss``.
    agencies: sources (names or domains, lower case) of news agencies: between copies
    equally dated and equally full, the agency's own is the original.
    """

    shingle_size: int = 5
    num_perm: int = 128
    threshold: float = 0.7
    containment: float = 0.78
    min_kept: float = 0.2
    seed: int = 1
    scheme: str = "affine32"
    bands: int = 0
    rows: int = 0
    candidate_similarity: float = 0.6
    max_miss: float = 0.01
    lead_words: int = 60
    lead_num_perm: int = 64
    lead_similarity: float = 0.7
    agencies: tuple[str, ...] = DEFAULT_AGENCIES

    def __post_init__(self) -> None:
        _positive(self, "shingle_size", "num_perm", "lead_num_perm")
        _fraction(self, "threshold", "containment", "min_kept", "max_miss")
        for name in ("candidate_similarity", "lead_similarity"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise ConfigError(f"copies.{name}: {value!r} must be above 0 and at most 1")
        if self.lead_words < 0:
            raise ConfigError(f"copies.lead_words: {self.lead_words!r} must be >= 0 (0 turns the lead search off)")
        if self.scheme not in ("affine32", "legacy"):
            raise ConfigError(f"copies.scheme: {self.scheme!r} is not one of 'affine32', 'legacy'")
        if self.bands < 0 or self.rows < 0 or (self.bands == 0) != (self.rows == 0):
            raise ConfigError(f"copies.bands, copies.rows: {self.bands}, {self.rows}: set both > 0, or both 0 for automatic")
        if self.bands * self.rows > self.num_perm:
            raise ConfigError(
                f"copies.bands * copies.rows = {self.bands * self.rows} exceeds num_perm {self.num_perm}; lower bands or rows"
            )


@dataclass(frozen=True, slots=True)
class StorySettings:
    """Story grouping: representation, candidate search, verification, grouping.

    min_similarity: mean cosine two groups need to merge (average link).
    group_margin: two groups of two or more articles each need a mean of
        ``min_similarity + group_margin / sqrt(pairs between them)`` to merge (0 turns it off).
    attach_similarity: cosine an article left alone needs with its most similar article
        to join that article's group (1 turns attaching off).
    attach_margin: that pair must also be at least this many times the article's best
        pair with any other group or lone article (1: the best pair simply decides).
    title_weight, names_weight, lead_weight: weight of the title-word, name-and-number and
        lead-word blocks of the story vector, relative to the body-word block (weight 1).
    max_words: body words read per article (the lead carries the story).
    lead_words: body words that form the lead block.
    vector_terms: heaviest entries kept in each article's story vector (bounds memory and
        the work per candidate pair on large corpora).
    index_terms: heaviest terms per article put into the candidate index.
    max_posting: terms held by more articles than this are left out of the index.
    neighbors: candidates kept per article for verification.
    max_days_apart: days one story may span: articles dated further apart never share a
        story and groups merge only while their dated members span at most this many days
        (0 turns the check off; undated articles are never kept apart). The date is
        ``published``, else a date in the URL path (see ``cluster.dates.article_day``).
    """

    min_similarity: float = 0.22
    group_margin: float = 0.18
    attach_similarity: float = 0.15
    attach_margin: float = 1.4
    title_weight: float = 0.6
    names_weight: float = 0.5
    lead_weight: float = 0.3
    max_words: int = 300
    lead_words: int = 60
    vector_terms: int = 1000
    index_terms: int = 30
    max_posting: int = 300
    neighbors: int = 20
    max_days_apart: int = 7

    def __post_init__(self) -> None:
        _fraction(self, "min_similarity", "attach_similarity")
        _positive(self, "max_words", "lead_words", "vector_terms", "index_terms", "max_posting", "neighbors")
        for name in ("title_weight", "names_weight", "lead_weight"):
            if getattr(self, name) < 0:
                raise ConfigError(f"StorySettings.{name}: {getattr(self, name)!r} must be >= 0 (0 turns the block off)")
        if not 0.0 <= self.group_margin < math.inf:
            raise ConfigError(f"StorySettings.group_margin: {self.group_margin!r} must be a number >= 0 (0 turns it off)")
        if not 1.0 <= self.attach_margin < math.inf:
            raise ConfigError(f"StorySettings.attach_margin: {self.attach_margin!r} must be a number >= 1 (1: the best pair decides)")
        if self.max_days_apart < 0:
            raise ConfigError(f"StorySettings.max_days_apart: {self.max_days_apart} must be >= 0 (0 turns the check off)")


@dataclass(frozen=True, slots=True)
class EngineSettings:
    """Where clustering runs: ``local`` (this machine, several processes) or ``ray``."""

    name: str = "local"
    processes: int = 0
    batch_size: int = 2048
    address: str | None = None

    def __post_init__(self) -> None:
        if self.name not in ("local", "ray"):
            raise ConfigError(f"engine.name: {self.name!r} is not one of 'local', 'ray'")
        if self.processes < 0:
            raise ConfigError(f"engine.processes: {self.processes} must be >= 0 (0 means one per core)")
        _positive(self, "batch_size")


@dataclass(frozen=True, slots=True)
class ClusterSettings:
    """All settings the clustering stages read."""

    ingest: IngestSettings = field(default_factory=IngestSettings)
    copies: CopySettings = field(default_factory=CopySettings)
    stories: StorySettings = field(default_factory=StorySettings)
    engine: EngineSettings = field(default_factory=EngineSettings)


def _positive(obj: Any, *names: str) -> None:
    for name in names:
        value = getattr(obj, name)
        if value <= 0:
            raise ConfigError(f"{type(obj).__name__}.{name}: {value!r} must be > 0")


def _fraction(obj: Any, *names: str) -> None:
    for name in names:
        value = getattr(obj, name)
        if not 0.0 <= value <= 1.0:
            raise ConfigError(f"{type(obj).__name__}.{name}: {value!r} must be between 0 and 1")


def read_toml(path: str | Path) -> dict[str, Any]:
    """Read a TOML file, turning every failure into a :class:`ConfigError` naming the file."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {path} cannot be read: {exc}") from None


def _coerce(value: Any, annotation: Any, where: str) -> Any:
    """Check ``value`` against a simple type annotation; lists become tuples."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Union or origin is getattr(__import__("types"), "UnionType", None):
        if value is None and type(None) in args:
            return None
        errors = []
        for arg in args:
            if arg is type(None):
                continue
            try:
                return _coerce(value, arg, where)
            except ConfigError as exc:
                errors.append(str(exc))
        raise ConfigError(errors[0] if errors else f"{where}: invalid value {value!r}")
    if origin is tuple:
        if not isinstance(value, (list, tuple)):
            raise ConfigError(f"{where}: expected a list, got {type(value).__name__} {value!r}")
        item_type = args[0] if args else Any
        return tuple(_coerce(v, item_type, f"{where}[{i}]") for i, v in enumerate(value))
    if annotation is Any:
        return value
    if annotation is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where}: expected a number, got {type(value).__name__} {value!r}")
        return float(value)
    if annotation is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: expected an integer, got {type(value).__name__} {value!r}")
        return value
    if annotation is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true or false, got {value!r}")
        return value
    if annotation is str:
        if not isinstance(value, str):
            raise ConfigError(f"{where}: expected a string, got {type(value).__name__} {value!r}")
        return value
    return value


def build_table(cls: type, table: Mapping[str, Any], *, source: str, name: str) -> Any:
    """Construct settings class ``cls`` from TOML table ``table``, checking keys and types."""
    if not isinstance(table, Mapping):
        raise ConfigError(f"{source}: [{name}] must be a table, got {type(table).__name__}")
    hints = typing.get_type_hints(cls)
    known = {f.name for f in dataclasses.fields(cls)}
    values = {}
    for key in sorted(table):
        if key not in known:
            raise ConfigError(f"{source}: unknown key {key!r} in table [{name}] (known: {', '.join(sorted(known))})")
        values[key] = _coerce(table[key], hints[key], f"{source}: [{name}] {key}")
    try:
        return cls(**values)
    except ConfigError as exc:
        raise ConfigError(f"{source}: [{name}] {exc}") from None


CLUSTER_TABLES: dict[str, type] = {
    "ingest": IngestSettings,
    "copies": CopySettings,
    "stories": StorySettings,
    "engine": EngineSettings,
}


def settings_from_tables(
    data: Mapping[str, Any], tables: Mapping[str, type], result_cls: type, *, source: str, other_tables: frozenset[str] = frozenset()
) -> Any:
    """Build ``result_cls`` whose fields are the ``tables``; tables in ``other_tables`` are ignored."""
    values = {}
    for name in sorted(data):
        if name in tables:
            values[name] = build_table(tables[name], data[name], source=source, name=name)
        elif name not in other_tables:
            raise ConfigError(f"{source}: unknown table [{name}] (known: {', '.join(sorted(set(tables) | other_tables))})")
    return result_cls(**values)


# Tables that belong to the summarize stage; cluster reads past them.
SUMMARIZE_TABLE_NAMES = frozenset({"sentences", "salience", "facts", "summary", "bart"})


def load_cluster_settings(path: str | Path | None = None) -> ClusterSettings:
    """Load the clustering settings from a TOML file, or the defaults when ``path`` is None.

    Example:
        >>> load_cluster_settings().copies.shingle_size
        5
    """
    if path is None:
        return ClusterSettings()
    return settings_from_tables(read_toml(path), CLUSTER_TABLES, ClusterSettings, source=str(path), other_tables=SUMMARIZE_TABLE_NAMES)
