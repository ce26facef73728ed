"""Records: what a parser gives, and the one adapter from a record to an :class:`Article`.

A record is a ``dict`` with the article's fields under any of the names feeds and
scrapers use (:mod:`cluster.fields`), and any others, which are kept as ``Article.meta``.
A parser that finds no record, and the adapter that finds a record unusable, raise
:class:`SkipInput` with the reason; ingest turns it into a :class:`~cluster.types.Skipped`.

The adapter, field by field: the text is cleaned of markup (:mod:`cluster.markup`), checked
for stubs (:mod:`cluster.stubs`) and cleared of boilerplate lines; the title is cleaned the
same way and loses its site tail or section label (:mod:`cluster.titles`); the date is read
into ISO 8601 (:mod:`cluster.feeddates`; an unreadable one is a warning, and the article
is kept undated); the source is a publisher name or None (:mod:`cluster.publishers`), never
a URL or section label; the language is the record's own, else detected
(:mod:`cluster.languages`). What the adapter changed stays in ``meta`` as
``original_title``, ``original_published`` and ``original_source``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from .feeddates import UnreadableDate, parse_published
from .fields import DEFAULT_FIELDS, pick_fields
from .languages import detect_language
from .markup import clean_inline, clean_markup
from .publishers import outlet_domain, publisher_name, registrable_domain
from .stubs import DEFAULT_STUB_PATTERNS, stub_reason
from .text import escape_controls, normalize
from .titles import strip_title
from .types import Article

__all__ = ["ARTICLE_FIELDS", "SkipInput", "Rules", "record_to_article", "prepare_text", "clean_text"]

ARTICLE_FIELDS = ("id", "title", "text", "source", "url", "published")

_BLANK_LINES = re.compile(r"\n{3,}")
_MAX_META_DEPTH = 32
_LANGUAGE_CODE = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{2,8})*$")


class SkipInput(Exception):
    """This input yields no article, for ``reason`` (one line, for the ``skipped`` list)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Rules:
    """The ingest settings a record is read by, compiled once (picklable, for worker processes)."""

    boilerplate: tuple[re.Pattern[str], ...] = ()
    stub_patterns: tuple[re.Pattern[str], ...] = tuple(re.compile(p, re.I) for p in DEFAULT_STUB_PATTERNS)
    stub_max_words: int = 150
    min_text_words: int = 2
    fields: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_FIELDS))
    day_first: bool = False
    boilerplate_any: re.Pattern[str] | None = None  # the boilerplate patterns joined (set by Rules.of)

    @classmethod
    def of(cls, settings: Any) -> "Rules":
        """Rules from an :class:`~cluster.settings.IngestSettings`."""
        return cls(
            boilerplate=tuple(re.compile(p, re.I) for p in settings.boilerplate_patterns),
            stub_patterns=tuple(re.compile(p, re.I) for p in settings.stub_patterns),
            stub_max_words=settings.stub_max_words,
            min_text_words=settings.min_text_words,
            fields={
                "text": settings.text_fields,
                "title": settings.title_fields,
                "url": settings.url_fields,
                "published": settings.date_fields,
                "source": settings.source_fields,
                "language": settings.language_fields,
            },
            day_first=settings.day_first,
            boilerplate_any=_any_of([re.compile(p, re.I) for p in settings.boilerplate_patterns]),
        )


def _any_of(patterns: Sequence[re.Pattern[str]]) -> re.Pattern[str] | None:
    """One pattern matching where any of ``patterns`` matches (one search per line instead
    of one per pattern); None when they cannot be joined (a pattern with inline flags)."""
    if not patterns:
        return None
    try:
        return re.compile("|".join(f"(?:{p.pattern})" for p in patterns), re.I)
    except re.error:
        return None


def _drop_boilerplate(text: str, patterns: Sequence[re.Pattern[str]], joined: re.Pattern[str] | None = None) -> str:
    if not patterns:
        return text
    lines = []
    for line in text.split("\n"):
        line = line.strip()
        if line and (joined.search(line) if joined is not None else any(p.search(line) for p in patterns)):
            continue
        lines.append(line)
    joined_text = "\n".join(lines)
    return (_BLANK_LINES.sub("\n\n", joined_text) if "\n\n\n" in joined_text else joined_text).strip()


def clean_text(text: str, patterns: Sequence[re.Pattern[str]] = ()) -> str:
    """Strip markup (:func:`cluster.markup.clean_markup`), drop boilerplate lines, normalise characters and spacing.

    Example:
        >>> clean_text("Rain fell.\\n- Advertisement -\\n<b>More</b> rain.", [re.compile(r"^- Advertisement -$")])
        'Rain fell.\\nMore rain.'
    """
    return _drop_boilerplate(clean_markup(text), patterns)


def prepare_text(text: str, title: str | None, rules: Rules) -> tuple[str, str | None, str | None]:
    """The work on a record's text, done in worker processes for large inputs.

    Returns:
        (cleaned text, stub reason or None, detected language or None).
    """
    plain = clean_markup(text)
    if not plain:  # only markup: the adapter says so ("record has no text")
        return "", None, None
    stub = stub_reason(clean_inline(title) if title else None, plain, rules.stub_patterns,
                       min_text_words=rules.min_text_words, stub_max_words=rules.stub_max_words)
    cleaned = _drop_boilerplate(plain, rules.boilerplate, rules.boilerplate_any)
    language = detect_language(cleaned, title) if cleaned and stub is None else None
    return cleaned, stub, language


def record_text(record: Any, rules: Rules) -> tuple[str, str | None] | None:
    """(text, title) a worker prepares for a record, or None when it has no string text."""
    if not isinstance(record, dict):
        return None
    fields, _ = pick_fields(record, rules.fields)
    text = fields["text"]
    if not isinstance(text, str):
        return None
    title = fields["title"]
    return text, title if isinstance(title, str) else None


def record_to_article(
    record: Any,
    default_id: str,
    rules: Rules | Sequence[re.Pattern[str]] = Rules(),
    prepared: tuple[str, str | None, str | None] | str | None = None,
    *,
    where: str | None = None,
    warn: Callable[[str], None] | None = None,
) -> Article:
    """The :class:`Article` of one record; ``prepared`` is :func:`prepare_text`'s result when a worker did it.

    The id is the record's ``id`` (a string or integer), else ``default_id``. ``rules`` may
    also be a list of boilerplate patterns (the other rules at their defaults).

    A title, url, source, date or language of the wrong type (a dict with no ``name``, a
    list of several values, a number as URL; see :func:`_wrong_type`) is dropped with one
    line to ``warn`` naming ``where``, the article, the field and its type; its value stays
    in ``meta`` under its own name.

    Raises:
        SkipInput: the record is no JSON object, a file storyfold wrote, has no usable
            text (a ``text`` that is not a string names its type), is a stub, or its id
            has the wrong type.

    Example:
        >>> record_to_article({"maintext": "Rain fell in Paris.", "url": "https://www.example.com/a", "tag": 1}, "f")
        Article(id='f', text='Rain fell in Paris.', title=None, source='example.com', url='https://www.example.com/a', published=None, meta={'tag': 1}, language='en')
    """
    if not isinstance(rules, Rules):
        rules = Rules(boilerplate=tuple(rules))
    if not isinstance(record, dict):
        raise SkipInput(f"expected a JSON object, got {type(record).__name__}")
    schema = record.get("schema")
    if isinstance(schema, str) and schema.startswith("storyfold."):
        raise SkipInput(f"a file storyfold wrote (schema {schema!r}), not articles")
    raw_id = record.get("id")
    if raw_id is None or raw_id == "":
        article_id = default_id
    elif isinstance(raw_id, (str, int)) and not isinstance(raw_id, bool):
        article_id = normalize(escape_controls(str(raw_id)))  # escaped, not dropped: "a\x1fb" stays distinct from "ab"
        if not article_id:
            article_id = default_id
    else:
        raise SkipInput(f"field 'id' must be a string or integer, got {type(raw_id).__name__}")
    fields, used = pick_fields(record, rules.fields)
    text_value = fields["text"]
    if text_value is None:
        raise SkipInput(f"record has no text (looked for {', '.join(rules.fields['text'])})")
    if not isinstance(text_value, str):
        name = next(n for n in rules.fields["text"] if n in used)
        raise SkipInput(f"field {name!r} must be a string, got {type(text_value).__name__}")
    for key in ("title", "url", "source", "published", "language"):
        problem = _wrong_type(fields[key], key)
        if problem is not None:
            name = next((n for n in rules.fields[key] if n in used), key)
            used.discard(name)  # the value stays, under its own name, in meta
            fields[key] = None
            if warn:
                warn(f"{where or default_id}: article {article_id!r}: field {name!r} {problem}; dropped")
    raw_title = _optional_str(fields, "title", used, rules)
    if isinstance(prepared, tuple):
        text, stub, language = prepared
    elif isinstance(prepared, str):  # an already cleaned text
        text, stub, language = prepared, None, detect_language(prepared, raw_title)
    else:
        text, stub, language = prepare_text(text_value, raw_title, rules)
    if stub is not None:
        raise SkipInput(stub)
    if not text:
        raise SkipInput("record has no text (empty after removing markup and boilerplate)")
    meta = {_safe_str(k): _json_value(record[k], k) for k in sorted(record) if k not in used and k != "id"}

    url = clean_inline(_optional_str(fields, "url", used, rules))
    raw_source = clean_inline(_optional_str(fields, "source", used, rules))
    source = publisher_name(raw_source) or (outlet_domain(url) if url else None)
    if raw_source is not None and source != raw_source:
        meta["original_source"] = raw_source

    title = clean_inline(raw_title)
    if title:
        names = [n for n in (source, registrable_domain(url) if url else None) if n]
        stripped = strip_title(title, names)
        if stripped != title:
            meta["original_title"] = title
            title = stripped

    published = None
    raw_date = fields["published"]
    if raw_date is not None:
        name = next((n for n in rules.fields["published"] if n in used), "published")
        try:
            published = parse_published(raw_date, dayfirst=rules.day_first)
        except UnreadableDate as exc:
            if warn:
                warn(f"{where or default_id}: article {article_id!r}: unreadable date {raw_date!r} in field {name!r} ({exc}); kept undated")
        if published != (raw_date.strip() if isinstance(raw_date, str) else raw_date):
            meta["original_published"] = _json_value(raw_date, name)

    own_language = fields["language"]
    if isinstance(own_language, str) and _LANGUAGE_CODE.match(own_language.strip()):
        language = _LANGUAGE_CODE.match(own_language.strip()).group(1).lower()  # type: ignore[union-attr]
    return Article(
        id=article_id,
        text=text,
        title=title,
        source=source,
        url=url,
        published=published,
        meta=meta,
        language=language,
    )


def _safe_str(text: str) -> str:
    """``text`` with lone surrogates (unencodable in UTF-8) replaced by U+FFFD."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace") if not text.isascii() else text


def _json_value(value: Any, key: str, depth: int = 0) -> Any:
    """An extra field's value made writable as strict JSON: no NaN/Infinity, no lone surrogates."""
    if depth > _MAX_META_DEPTH:
        raise SkipInput(f"field {key!r} is nested more than {_MAX_META_DEPTH} levels deep")
    if isinstance(value, str):
        return _safe_str(value)
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return None
    if isinstance(value, list):
        return [_json_value(v, key, depth + 1) for v in value]
    if isinstance(value, dict):
        return {_safe_str(k): _json_value(v, key, depth + 1) for k, v in value.items()}
    return value


def _wrong_type(value: Any, key: str) -> str | None:
    """What is wrong with the type of an optional field's value, or None: title, url,
    source and language are strings; published is a string or a number (epoch seconds or
    milliseconds)."""
    if value is None or isinstance(value, str):
        return None
    if key == "published":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return None
        return f"must be a string or a number, got {type(value).__name__}"
    return f"must be a string, got {type(value).__name__}"


def _optional_str(fields: Mapping[str, Any], key: str, used: set[str], rules: Rules) -> str | None:
    """An optional field's value, checked to be a string by :func:`_wrong_type` first."""
    value = fields.get(key)
    return value if isinstance(value, str) else None
