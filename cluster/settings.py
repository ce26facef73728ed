"""Settings for the clustering stages, read from TOML tables.

Each TOML table maps onto one frozen dataclass. Values are checked on construction;
an unknown key is an error that names the file, the table and the key.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Mapping

from .constraints import aliases, check_settings, flag, integer, invalid, number, one_of, patterns, setting, strings, text
from .errors import ConfigError
from .fields import DEFAULT_FIELDS
from .stubs import DEFAULT_STUB_PATTERNS
from .text import escape_controls

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
    """How inputs are read (TOML table ``[ingest]``).

    max_file_bytes: files larger than this are skipped, not read.
    max_articles: ingest stops accepting articles past this count; the rest are skipped.
    boilerplate_patterns: regular expressions (case-insensitive); a line matching any is dropped.
    text_fields, title_fields, url_fields, date_fields, source_fields, language_fields: the
        record keys each article field is read from, first usable one wins (cluster.fields).
    day_first: read ``07/03/2024`` as 7 March (else 3 July; dotted ``07.03.2024`` is always day first).
    stub_patterns: regular expressions (case-insensitive) of paywall, sign-in, cookie and
        consent walls; a text of at most stub_max_words words matching one is skipped as a stub.
    min_text_words: a text of fewer words is skipped as a stub (too little text).
    publishers: display name -> other names and domains of the same publisher.
    """

    TABLE: ClassVar[str] = "ingest"
    max_file_bytes: int = setting(50_000_000, integer(1, 2**40), "files are read whole into memory, 50_000_000 is the default")
    max_articles: int = setting(5_000_000, integer(1, 2**32), "one run holds at most 2**32 articles, so split larger inputs")
    boilerplate_patterns: tuple[str, ...] = setting(DEFAULT_BOILERPLATE, patterns(), "fix the pattern (Python re syntax) or remove it")
    text_fields: tuple[str, ...] = setting(DEFAULT_FIELDS["text"], strings(at_least_one=True), "list the record keys that hold the article's body")
    title_fields: tuple[str, ...] = setting(DEFAULT_FIELDS["title"], strings(), "list the record keys that hold the title")
    url_fields: tuple[str, ...] = setting(DEFAULT_FIELDS["url"], strings(), "list the record keys that hold the URL")
    date_fields: tuple[str, ...] = setting(DEFAULT_FIELDS["published"], strings(), "list the record keys that hold the publication date")
    source_fields: tuple[str, ...] = setting(DEFAULT_FIELDS["source"], strings(), "list the record keys that hold the publisher's name")
    language_fields: tuple[str, ...] = setting(DEFAULT_FIELDS["language"], strings(), "list the record keys that hold a language code")
    day_first: bool = setting(False, flag(), "true reads 07/03/2024 as 7 March, false as 3 July")
    stub_patterns: tuple[str, ...] = setting(DEFAULT_STUB_PATTERNS, patterns(), "fix the pattern (Python re syntax) or remove it")
    stub_max_words: int = setting(150, integer(1, 100_000), "a wall pattern marks a stub only in a text this short, 150 by default")
    min_text_words: int = setting(2, integer(0, 1_000), "0 keeps every text however short, 2 by default")
    publishers: Mapping[str, tuple[str, ...]] = field(
        default_factory=dict, metadata={"rule": aliases(), "fix": 'write name = ["other name", "example.com"]'}
    )

    def __post_init__(self) -> None:
        check_settings(self)
        object.__setattr__(self, "publishers", {str(k): tuple(v) for k, v in sorted(self.publishers.items())})


@dataclass(frozen=True, slots=True)
class CopySettings:
    """Near-duplicate (syndicated copy) detection with MinHash over word shingles (``[copies]``).

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

    TABLE: ClassVar[str] = "copies"
    shingle_size: int = setting(5, integer(1, 100), "a shingle of 3 to 9 words is usual, 5 is the default")
    num_perm: int = setting(128, integer(1, 4096), "memory grows with articles x num_perm, 64 to 512 is usual, 128 the default")
    threshold: float = setting(0.7, number(0, 1), "lower finds heavier-edited copies, 0.7 is the default")
    containment: float = setting(0.78, number(0, 1), "1 turns containment off, 0.78 is the default")
    min_kept: float = setting(0.2, number(0, 1), "lower links shorter excerpts, 0.2 is the default")
    seed: int = setting(1, integer(0, 2**32 - 1), "the MinHash seed is a 32-bit unsigned integer, 1 is the default")
    scheme: str = setting("affine32", one_of("affine32", "legacy"), 'use "legacy" only to match sketches of datasketch < 2.0')
    bands: int = setting(0, integer(0, "num_perm"), "bands x rows must fit in num_perm, and 0 and 0 choose the shape")
    rows: int = setting(0, integer(0, "num_perm"), "bands x rows must fit in num_perm, and 0 and 0 choose the shape")
    candidate_similarity: float = setting(0.6, number(0, 1, low_open=True), "the Jaccard the band search is tuned for, 0.6 is the default")
    max_miss: float = setting(0.01, number(0, 1), "a miss probability such as 0.01 (the default)")
    lead_words: int = setting(60, integer(0, 20_000), "0 turns the lead search off, 60 is the default")
    lead_num_perm: int = setting(64, integer(1, 4096), "memory grows with articles x lead_num_perm, 64 is the default")
    lead_similarity: float = setting(0.7, number(0, 1, low_open=True), "the lead Jaccard the lead search is tuned for, 0.7 is the default")
    agencies: tuple[str, ...] = setting(DEFAULT_AGENCIES, strings(), "list agency names or domains in lower case, or [] for none")

    def __post_init__(self) -> None:
        check_settings(self)
        if (self.bands == 0) != (self.rows == 0):
            key, other = ("rows", "bands") if self.rows == 0 else ("bands", "rows")
            raise invalid(
                self, key, 0, f"above 0 when {other} is set ({getattr(self, other)})", "set both bands and rows, or both to 0 to choose the shape"
            )
        if self.bands * self.rows > self.num_perm:
            raise invalid(
                self,
                "bands",
                self.bands,
                f"at most num_perm / rows ({self.num_perm} / {self.rows}), as bands x rows = {self.bands * self.rows} exceeds num_perm",
                "lower bands or rows, or raise num_perm",
            )


@dataclass(frozen=True, slots=True)
class StorySettings:
    """Story grouping: representation, candidate search, verification, grouping (``[stories]``).

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

    TABLE: ClassVar[str] = "stories"
    min_similarity: float = setting(0.22, number(0, 1), "a mean cosine such as 0.22 (the default)")
    group_margin: float = setting(0.18, number(0), "0 turns the margin off, 0.18 is the default")
    attach_similarity: float = setting(0.15, number(0, 1), "1 turns attaching off, 0.15 is the default")
    attach_margin: float = setting(1.4, number(1), "1 lets the best pair decide, 1.4 is the default")
    title_weight: float = setting(0.6, number(0), "0 turns the block off, 0.6 is the default")
    names_weight: float = setting(0.5, number(0), "0 turns the block off, 0.5 is the default")
    lead_weight: float = setting(0.3, number(0), "0 turns the block off, 0.3 is the default")
    max_words: int = setting(300, integer(1, 20_000), "memory grows with articles x max_words, 300 is the default")
    lead_words: int = setting(60, integer(1, 20_000), "the lead is the opening words of the body, 60 is the default")
    vector_terms: int = setting(1000, integer(1, 100_000), "1000 (the default) keeps every term of most articles")
    index_terms: int = setting(30, integer(1, 10_000), "more finds more candidates, slower, 30 is the default")
    max_posting: int = setting(300, integer(1, 2**31 - 1), "300 is the default")
    neighbors: int = setting(20, integer(1, 10_000), "memory grows with articles x neighbors, 20 is the default")
    max_days_apart: int = setting(7, integer(0, 36_500), "0 turns dates off, 7 is the default")

    def __post_init__(self) -> None:
        check_settings(self)


@dataclass(frozen=True, slots=True)
class EngineSettings:
    """Where the stages run: ``local`` (this machine, several processes) or ``ray`` (``[engine]``)."""

    TABLE: ClassVar[str] = "engine"
    name: str = setting("local", one_of("local", "ray"), '"ray" needs the ray extra (pip install storyfold[ray])')
    processes: int = setting(0, integer(0, 4096), "0 means one per core")
    batch_size: int = setting(2048, integer(1, 1_000_000), "memory per worker grows with batch_size, 2048 is the default")
    address: str | None = setting(None, text(optional=True), 'leave it out to start or join a local Ray instance, or give one such as "ray://head:10001"')

    def __post_init__(self) -> None:
        check_settings(self)


@dataclass(frozen=True, slots=True)
class ClusterSettings:
    """All settings the clustering stages read."""

    ingest: IngestSettings = field(default_factory=IngestSettings)
    copies: CopySettings = field(default_factory=CopySettings)
    stories: StorySettings = field(default_factory=StorySettings)
    engine: EngineSettings = field(default_factory=EngineSettings)


def read_toml(path: str | Path) -> dict[str, Any]:
    """Read a TOML file, turning every failure into a :class:`ConfigError` naming the file.

    A UTF-8 byte order mark is accepted (and ignored), as in the JSON inputs.
    """
    path = Path(path)
    shown = escape_controls(os.fsencode(path).decode("utf-8", "backslashreplace"))  # one line, whatever the name holds
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"config file {shown} does not exist") from None
    except OSError as exc:
        raise ConfigError(f"config file {shown} cannot be read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"config file {shown} cannot be read: {exc}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {shown} is not valid TOML: {exc}") from None


def _coerce(value: Any, annotation: Any, where: str) -> Any:
    """TOML values as the settings classes hold them: lists become tuples, integers for
    float keys become floats. Keys with a declared rule are then checked by the class;
    a key without one is checked here against its type annotation."""
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
        raise ConfigError(errors[0] if errors else f"{where}: {value!r} is not a valid value")
    if origin is tuple:
        if not isinstance(value, (list, tuple)):
            raise ConfigError(f"{where}: {value!r} must be a list; write it as [ ... ]")
        item_type = args[0] if args else Any
        return tuple(_coerce(v, item_type, f"{where}[{i}]") for i, v in enumerate(value))
    if annotation is Any:
        return value
    if annotation is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConfigError(f"{where}: {value!r} must be a number; write it without quotes")
        try:
            return float(value)
        except OverflowError:
            raise ConfigError(f"{where}: {value} must be a finite number; write a smaller one") from None
    if annotation is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: {value!r} must be an integer; write it without quotes or a fraction")
        return value
    if annotation is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: {value!r} must be true or false; write it without quotes")
        return value
    if annotation is str:
        if not isinstance(value, str):
            raise ConfigError(f"{where}: {value!r} must be a string; write it in quotes")
        return value
    return value


def _loose(value: Any, annotation: Any) -> Any:
    """Lists to tuples and integers to floats where the annotation wants them; anything
    else is left for the key's declared rule to judge."""
    try:
        return _coerce(value, annotation, "")
    except ConfigError:
        return value


def build_table(cls: type, table: Mapping[str, Any], *, source: str, name: str) -> Any:
    """Construct settings class ``cls`` from TOML table ``table``, checking keys and values.

    Raises:
        ConfigError: ``{source}: [name] key: value must be ...; fix`` for the first bad key.
    """
    name = getattr(cls, "TABLE", name)
    if not isinstance(table, Mapping):
        raise ConfigError(f"{source}: {name}: {table!r} must be a table; write [{name}] on a line of its own, then key = value lines")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    values = {}
    for key in sorted(table):
        if key not in fields:
            close = difflib.get_close_matches(key, list(fields), n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            raise ConfigError(f"{source}: [{name}] {key}: no such key{hint} (known: {', '.join(sorted(fields))})", table=name, key=key)
        if "rule" in fields[key].metadata:
            values[key] = _loose(table[key], hints[key])
        else:
            values[key] = _coerce(table[key], hints[key], f"{source}: [{name}] {key}")
    try:
        return cls(**values)
    except ConfigError as exc:
        raise ConfigError(f"{source}: {exc}", table=exc.table, key=exc.key, value=exc.value) from None


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
            known = sorted(set(tables) | other_tables)
            if not isinstance(data[name], Mapping):  # `x = 1` above every [table] line
                raise ConfigError(f"{source}: {name}: {_top_level_key(name, tables)} (tables: {', '.join(known)})", key=name)
            close = difflib.get_close_matches(name, known, n=1)
            hint = f"; did you mean [{close[0]}]?" if close else ""
            raise ConfigError(f"{source}: [{name}]: no such table{hint} (known: {', '.join(known)})", table=name)
    return result_cls(**values)


def _top_level_key(key: str, tables: Mapping[str, type]) -> str:
    """What to say of a key written outside any table: the tables that have such a key, if any."""
    owners = sorted(name for name, cls in tables.items() if key in {f.name for f in dataclasses.fields(cls)})
    if owners:
        return f"a key outside any table; write it under {' or '.join(f'[{o}]' for o in owners)}"
    return "a key outside any table, and no table has such a key; every setting is a key under its [table]"


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
