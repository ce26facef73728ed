"""Record fields: the names feeds and scrapers give an article's parts.

Each article field is read from the first of its names (in this order, configurable as
``ingest.<field>_fields``) that the record holds with a usable value:

==========  ==========================================================================
field       names looked for (default order)
==========  ==========================================================================
text        text, content, body, maintext, article, article_text, full_text, description, summary
title       title, headline, name
url         url, link, canonical_url, href, permalink
published   published, date, pubDate, published_at, datePublished, date_publish, pub_date, created_at, timestamp
source      source, publisher, site_name, source_name, sitename, domain
language    language, lang, inLanguage, locale (else the language is detected)
==========  ==========================================================================

A value that is a dict is read through its ``name`` (or, for url, ``href``/``url``): a
nested ``source: {"name": ..., "url": ...}`` gives the source's name, and its ``url`` is the
URL when the record has none. A list of strings (some scrapers split ``content`` into
paragraphs) is joined with blank lines; for the other fields a list of one string is that
string. An empty value falls through to the next name; any other value is the field's, of
whatever type, so the record adapter can name a wrong type (a dict with no ``name``, a
list of several titles, a number as URL) rather than read past it.
The names a field was read from are not kept in ``meta``; every other field is.
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

__all__ = ["DEFAULT_FIELDS", "FIELD_NAMES", "pick_fields"]

FIELD_NAMES = ("text", "title", "url", "published", "source", "language")

DEFAULT_FIELDS: dict[str, tuple[str, ...]] = {
    "text": ("text", "content", "body", "maintext", "article", "article_text", "full_text", "description", "summary"),
    "title": ("title", "headline", "name"),
    "url": ("url", "link", "canonical_url", "href", "permalink"),
    "published": ("published", "date", "pubDate", "published_at", "datePublished", "date_publish", "pub_date", "created_at", "timestamp"),
    "source": ("source", "publisher", "site_name", "source_name", "sitename", "domain"),
    "language": ("language", "lang", "inLanguage", "locale"),
}


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, (str, list, dict)) and not value) or (isinstance(value, str) and not value.strip())


def _flatten(field: str, value: Any) -> Any:
    """A dict read through its name (or href/url for links); a list of strings joined (text)
    or its one string (other fields). A dict with none of those keys, or a list of several
    strings for a one-value field, is returned as it is: the caller reports its type."""
    if isinstance(value, dict):
        for inner in (("href", "url", "name") if field == "url" else ("name", "title", "text", "value", "@value")):
            if not _empty(value.get(inner)) and not isinstance(value.get(inner), (dict, list)):
                return value[inner]
        return None if all(_empty(v) for v in value.values()) else value
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        filled = [v for v in value if v.strip()]
        if field in ("text",):
            return "\n\n".join(filled)
        return filled[0] if len(filled) == 1 else value if filled else None
    return value


def pick_fields(record: Mapping[str, Any], names: Mapping[str, Sequence[str]] = DEFAULT_FIELDS) -> tuple[dict[str, Any], set[str]]:
    """The article fields of a record, read under their alias names.

    Args:
        record: one JSON object (or a parser's record).
        names: field -> names to look for, in order (``DEFAULT_FIELDS`` or the settings').

    Returns:
        (fields, used): ``fields`` maps each of text, title, url, published, source to
        its value (None when absent; values keep their JSON type, so a caller can name a
        wrong type); ``used`` holds the record keys consumed.

    Example:
        >>> fields, used = pick_fields({"maintext": "Rain.", "headline": "Storm", "source": {"name": "AP", "url": "https://apnews.com"}})
        >>> fields["text"], fields["title"], fields["source"], fields["url"], sorted(used)
        ('Rain.', 'Storm', 'AP', 'https://apnews.com', ['headline', 'maintext', 'source'])
    """
    fields: dict[str, Any] = {}
    used: set[str] = set()
    for field in FIELD_NAMES:
        fields[field] = None
        for name in names.get(field, (field,)):
            if name not in record or _empty(record[name]):
                continue
            value = _flatten(field, record[name])
            if _empty(value):
                continue
            fields[field] = value
            used.add(name)
            break
    if fields["url"] is None and fields["source"] is not None:
        source = next((record[n] for n in names.get("source", ()) if isinstance(record.get(n), dict)), None)
        url = source.get("url") or source.get("href") if isinstance(source, dict) else None
        if isinstance(url, str) and url.strip():
            fields["url"] = url
    return fields, used
