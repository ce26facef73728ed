"""HTML pages: the metadata of a news page (title, URL, publication date, site name).

The date is the first readable one of: the page's own publication metadata, most precise
first (Open Graph ``article:published_time``, schema.org ``datePublished`` in JSON-LD or
microdata, the ``date``/``pubdate``/Dublin Core/Parse.ly/Sailthru meta names, a
``<time datetime>``), then htmldate's reading of the page (through trafilatura's metadata,
without guessing from the visible text). The site name is the first that names a
publisher (:func:`cluster.publishers.publisher_name`; a section label such as ``U.S.`` is
not one) of: ``og:site_name``, the JSON-LD publisher's name, ``application-name``,
trafilatura's ``sitename``, the ``twitter:site`` handle.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterator

from .feeddates import UnreadableDate, parse_published
from .publishers import publisher_name

__all__ = ["DATE_XPATHS", "page_metadata"]

#: Publication-date metadata, most precise first.
DATE_XPATHS = (
    "//meta[@property='article:published_time' or @name='article:published_time']/@content",
    "//meta[@property='og:published_time' or @property='og:article:published_time']/@content",
    "//meta[@itemprop='datePublished']/@content",
    "//*[@itemprop='datePublished']/@datetime",
    "//meta[translate(@name,'ABCDEFGHIJKLMNOPQRSTUVWXYZ','abcdefghijklmnopqrstuvwxyz')='pubdate' or translate(@name,'ABCDEFGHIJKLMNOPQRSTUVWXYZ','abcdefghijklmnopqrstuvwxyz')='publishdate' or translate(@name,'ABCDEFGHIJKLMNOPQRSTUVWXYZ','abcdefghijklmnopqrstuvwxyz')='publish-date' or @name='publication_date' or @name='parsely-pub-date' or @name='sailthru.date' or @name='article.published' or @name='original-publish-date' or @name='OriginalPublicationDate']/@content",
    "//meta[@name='date' or @name='Date' or @name='DC.date.issued' or @name='dc.date.issued' or @name='dcterms.issued' or @name='DC.date' or @name='dcterms.created' or @name='dc.date']/@content",
    "//time[@pubdate]/@datetime",
    "//article//time/@datetime",
    "//time/@datetime",
)
_SITE_XPATHS = (
    "//meta[@property='og:site_name' or @name='og:site_name']/@content",
    "JSON-LD",
    "//meta[@name='application-name']/@content",
    "TRAFILATURA",
    "//meta[@name='twitter:site' or @property='twitter:site']/@content",
)
_LD_TYPES = re.compile(r"ld\+json", re.I)


def _ld_objects(tree: Any) -> Iterator[dict[str, Any]]:
    for script in tree.xpath("//script[@type]"):
        if not _LD_TYPES.search(script.get("type") or ""):
            continue
        try:
            data = json.loads(script.text or "")
        except (ValueError, RecursionError):
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                yield item
                stack.extend(v for k, v in item.items() if k in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"))


def _ld_values(tree: Any, key: str) -> list[str]:
    found = []
    for obj in _ld_objects(tree):
        value = obj.get(key)
        if isinstance(value, dict):
            value = value.get("name")
        if isinstance(value, list):
            value = next((v.get("name") if isinstance(v, dict) else v for v in value), None)
        if isinstance(value, str) and value.strip():
            found.append(value.strip())
    return found


def _first(tree: Any, xpath: str) -> list[str]:
    try:
        return [str(v).strip() for v in tree.xpath(xpath) if str(v).strip()]
    except Exception:  # lxml raises several types on odd pages  # noqa: BLE001
        return []


def page_metadata(tree: Any, html_text: str) -> dict[str, str | None]:
    """Title, URL, publication date (as the page writes it) and site name of a parsed page.

    Args:
        tree: the page parsed by ``lxml.html.document_fromstring``.
        html_text: the page's text (trafilatura reads it for its own metadata).

    Returns:
        A dict with ``title``, ``url``, ``published`` and ``source`` (each None when the
        page has none). ``published`` is the first candidate :func:`parse_published` reads;
        when none reads, the first candidate as written (ingest then warns).

    Example:
        >>> from lxml import html
        >>> page = '<html><head><meta property="og:site_name" content="U.S."><meta name="application-name" content="Reuters">'
        >>> page += '<meta property="article:published_time" content="2024-03-07T08:30:00Z"></head><body><p>x</p></body></html>'
        >>> meta = page_metadata(html.document_fromstring(page), page)
        >>> meta["source"], meta["published"]
        ('Reuters', '2024-03-07T08:30:00Z')
    """
    title = next(
        (v for xp in ("//meta[@property='og:title']/@content", "//meta[@name='twitter:title']/@content", "//title/text()", "//h1//text()") for v in _first(tree, xp)),
        None,
    )
    url = next((v for xp in ("//link[@rel='canonical']/@href", "//meta[@property='og:url']/@content") for v in _first(tree, xp)), None)
    document = None

    def trafilatura_metadata() -> Any:
        nonlocal document
        if document is None:
            from trafilatura import extract_metadata  # lazy: heavy import

            try:
                document = extract_metadata(html_text, default_url=url, extensive=False)
            except Exception:  # trafilatura's metadata on a hostile page  # noqa: BLE001
                document = False
        return document or None

    dates: list[str] = []
    for xpath in DATE_XPATHS:
        dates.extend(_first(tree, xpath))
        if xpath.startswith("//meta[@itemprop"):
            dates.extend(_ld_values(tree, "datePublished") + _ld_values(tree, "dateCreated"))
    published = next((d for d in dates if _readable(d)), None)
    if published is None:
        meta = trafilatura_metadata()
        if meta is not None and meta.date and _readable(meta.date):
            published = meta.date
    if published is None and dates:
        published = dates[0]

    source = None
    for xpath in _SITE_XPATHS:
        if xpath == "JSON-LD":
            candidates = _ld_values(tree, "publisher")
        elif xpath == "TRAFILATURA":
            meta = trafilatura_metadata()
            candidates = [meta.sitename] if meta is not None and meta.sitename else []
        else:
            candidates = [c.lstrip("@") for c in _first(tree, xpath)]
        source = next((c for c in candidates if publisher_name(c)), None)
        if source:
            break
    if url is None:
        meta = trafilatura_metadata()
        url = meta.url if meta is not None and meta.url else None
    return {"title": title, "url": url, "published": published, "source": source}


def _readable(value: str) -> bool:
    try:
        return parse_published(value) is not None
    except UnreadableDate:
        return False
