"""Records: what a parser gives, and the one adapter from a record to an :class:`Article`.

A record is a ``dict`` with the article fields (``id``, ``title``, ``text``, ``source``,
``url``, ``published``) and any others, which are kept as ``Article.meta``. A parser
that finds no record, and the adapter that finds a record unusable, raise
:class:`SkipInput` with the reason; ingest turns it into a :class:`~cluster.types.Skipped`.
"""

from __future__ import annotations

import html as html_lib
import re
from typing import Any, Sequence
from urllib.parse import urlsplit

from .text import normalize
from .types import Article

__all__ = ["ARTICLE_FIELDS", "SkipInput", "record_to_article", "clean_text"]

ARTICLE_FIELDS = ("id", "title", "text", "source", "url", "published")

_TAG = re.compile(r"<(?:script|style|iframe|noscript)\b.*?(?:</(?:script|style|iframe|noscript)\s*>|$)|<!--.*?(?:-->|$)|</?[A-Za-z][^<>]*>", re.S | re.I)
_BLANK_LINES = re.compile(r"\n{3,}")
_MAX_META_DEPTH = 32


class SkipInput(Exception):
    """This input yields no article, for ``reason`` (one line, for the ``skipped`` list)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def clean_text(text: str, patterns: Sequence[re.Pattern[str]] = ()) -> str:
    """Strip markup, drop boilerplate lines, normalise characters and spacing.

    Example:
        >>> clean_text("Rain fell.\\n- Advertisement -\\n<b>More</b> rain.", [re.compile(r"^- Advertisement -$")])
        'Rain fell.\\nMore rain.'
    """
    text = normalize(text)  # first: NFKC turns look-alikes such as "＜script＞" into markup
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = normalize(html_lib.unescape(text))
        if "<" in text:  # "&lt;script&gt;" is markup once unescaped: strip it too
            text = _TAG.sub(" ", text)
    lines = []
    for line in normalize(text).split("\n"):
        line = line.strip()
        if line and any(p.search(line) for p in patterns):
            continue
        lines.append(line)
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def record_to_article(
    record: Any, default_id: str, patterns: Sequence[re.Pattern[str]], cleaned: str | None = None
) -> Article:
    """The :class:`Article` of one record; ``cleaned`` is its text already passed through :func:`clean_text`.

    The id is the record's ``id`` (a string or integer), else ``default_id``; the source is
    ``source``, else the URL's host without ``www.``; the other fields go to ``meta``.

    Raises:
        SkipInput: the record is no JSON object, has no usable text, or a field has the wrong type.

    Example:
        >>> record_to_article({"text": "Rain.", "url": "https://www.example.com/a", "tag": 1}, "f", ())
        Article(id='f', text='Rain.', title=None, source='example.com', url='https://www.example.com/a', published=None, meta={'tag': 1}, language=None)
    """
    if not isinstance(record, dict):
        raise SkipInput(f"expected a JSON object, got {type(record).__name__}")
    raw_id = record.get("id")
    if raw_id is None or raw_id == "":
        article_id = default_id
    elif isinstance(raw_id, (str, int)) and not isinstance(raw_id, bool):
        article_id = normalize(str(raw_id))
        if not article_id:
            article_id = default_id
    else:
        raise SkipInput(f"field 'id' must be a string or integer, got {type(raw_id).__name__}")
    text_value = record.get("text")
    if text_value is None:
        raise SkipInput("record has no text")
    if not isinstance(text_value, str):
        raise SkipInput(f"field 'text' must be a string, got {type(text_value).__name__}")
    text = clean_text(text_value, patterns) if cleaned is None else cleaned
    if not text:
        raise SkipInput("record has no text (empty after removing markup and boilerplate)")
    url = _optional_str(record, "url")
    source = _optional_str(record, "source") or _domain(url)
    meta = {_safe_str(k): _json_value(record[k], k) for k in sorted(record) if k not in ARTICLE_FIELDS}
    return Article(
        id=article_id,
        text=text,
        title=_optional_str(record, "title"),
        source=source,
        url=url,
        published=_optional_str(record, "published"),
        meta=meta,
    )


def _domain(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") else host


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


def _optional_str(record: dict[str, Any], key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        text = normalize(str(value))
        if "<" in text:
            text = normalize(_TAG.sub(" ", text))
        return text or None
    raise SkipInput(f"field {key!r} must be a string, got {type(value).__name__}")
