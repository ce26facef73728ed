"""Publishers: one key and one display name per outlet.

A publisher's key is the registrable domain of its URLs (``edition.cnn.com``, ``m.cnn.com``
and ``www.cnn.com`` are all ``cnn.com``; ``bbc.co.uk`` keeps its two-part suffix), found
with tldextract's bundled copy of the Public Suffix List, private domains included (each
``*.blogspot.com`` blog is its own publisher), and never a network request. Blog and
newsletter platforms that the list leaves out are added to it (:data:`HOSTING_SUFFIXES`:
``alice.wordpress.com`` and ``bob.wordpress.com`` are two publishers, not one
``wordpress.com``), and on platforms that give each writer a path rather than a host
(:data:`PATH_HOSTS`: ``medium.com/@alice``) the first path segment names the outlet. Where no URL
is known, names decide: two names are the same publisher when their :func:`name_key`
agrees (NFKC, case folding, format characters removed, confusable letters mapped to the
Latin letters they look like, punctuation, spacing and a leading "The" dropped), and a name
is tied to a domain when an article carries both, or when its key is the domain's label
(``Salon`` and ``salon.com``). An optional alias table (the ``[publishers]`` settings
table: display name -> names and domains) joins the rest.

A display name is what a record or page names its publisher (``source``, ``og:site_name``,
trafilatura's ``sitename``), cleaned with :func:`cluster.markup.clean_inline`; a URL or
host given as a name becomes its outlet (:func:`outlet_domain`), and a section label (``U.S.``,
``World``, ``Politics``) is not a name. With no name at all, the registrable domain is
the name; with neither, the publisher is unknown (None) and the article counts as its own
source.

Confusable letters: Unicode's confusables data (UTS #39) through the
``confusable_homoglyphs`` package.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable, Mapping, Sequence
from urllib.parse import SplitResult, urlsplit

from .markup import clean_inline

__all__ = [
    "Publisher",
    "registrable_domain",
    "outlet_domain",
    "name_key",
    "publisher_name",
    "is_section_name",
    "resolve_publishers",
    "publisher_key",
]

# Hosts that carry other outlets' articles: their domain names no publisher, the record's
# source does (a Google News item's link is news.google.com whatever paper wrote it).
AGGREGATOR_DOMAINS = frozenset(
    """news.google.com google.com feedproxy.google.com feedburner.com news.yahoo.com msn.com flipboard.com
    t.co bit.ly ow.ly lnkd.in dlvr.it trib.al buff.ly apple.news newsnow.co.uk""".split()
)

# Blog and newsletter platforms missing from the Public Suffix List's private section, where
# each subdomain is its own writer (the list's rule for ``blogspot.com``, ``github.io``):
# treated as public suffixes, so ``alice.wordpress.com`` is a registrable domain.
HOSTING_SUFFIXES = tuple(
    """wordpress.com medium.com substack.com tumblr.com weebly.com livejournal.com typepad.com over-blog.com
    overblog.com canalblog.com eklablog.com ghost.io hashnode.dev home.blog jimdofree.com ucoz.de ucoz.ru
    ucoz.net tistory.com exblog.jp blog.fc2.com blog.jp bearblog.dev micro.blog mataroa.blog neocities.org
    skyrock.com beehiiv.com""".split()
)
# Platforms whose writers live under a path of one host (``medium.com/@alice``,
# ``medium.com/some-publication``): the host and the first path segment name the outlet.
PATH_HOSTS = frozenset("medium.com substack.com tumblr.com ameblo.jp buttondown.email write.as telegra.ph".split())
# First path segments of those platforms that name no writer (a short link, a tag page).
_PLATFORM_PATHS = frozenset("p s m me tag tags topic topics search about help login signup".split())

# Section and edition labels that sites put in og:site_name (compared by name_key).
SECTION_NAMES = frozenset(
    """us u.s. usa uk u.k. world worldnews usnews uknews politics business technology tech science health
    sport sports entertainment opinion opinions news home homepage latest local national international markets
    economy lifestyle life culture arts travel style media europe asia africa americas middleeast australia
    canada video videos live weather finance money environment climate education food autos realestate legal
    topstories breakingnews breaking politicsnews businessnews technews sportsnews article articles story
    stories blog blogs""".split()
)

_URLISH = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|//|www\.)|^[\w-]+(?:\.[\w-]+)+(?::\d+)?(?:/\S*)?$", re.I)
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_NOT_A_NAME = re.compile(r"copyright|©|\ball rights reserved\b", re.I)
_SEPARATOR = re.compile(r"\s+[|–—·:-]\s+|:\s+|\s+\|")
_LONG_NAME = 40


@dataclass(frozen=True, slots=True)
class Publisher:
    """An article's publisher: ``key`` identifies the outlet (a registrable domain such as
    ``cnn.com``, or ``name:<name_key>`` when no domain is known, or ``alias:<name_key>``
    for an alias table entry); ``name`` is its display name."""

    key: str
    name: str


@functools.lru_cache(maxsize=1)
def _extractor() -> Any:
    import tldextract  # lazy: loads the suffix list

    # suffix_list_urls=() and no cache: the snapshot bundled with tldextract, no network, no files.
    return tldextract.TLDExtract(
        suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True, extra_suffixes=HOSTING_SUFFIXES
    )


def _split_url(url: str | None) -> "SplitResult | None":
    """``url`` split (a bare host read as ``//host``); None when empty or unparsable."""
    if not url:
        return None
    text = url.strip()
    if "://" not in text[:20] and not text.startswith("//"):
        text = "//" + text
    try:
        parts = urlsplit(text)
        parts.hostname  # raises ValueError on a malformed host or port
    except ValueError:
        return None
    return parts


@functools.lru_cache(maxsize=65536)
def registrable_domain(url: str | None) -> str | None:
    """The registrable domain (public suffix plus one label) of a URL or host name,
    lower-cased; None when there is none (no host, an IP address, no public suffix).

    Example:
        >>> registrable_domain("https://edition.cnn.com/2024/03/07/us/story.html")
        'cnn.com'
        >>> registrable_domain("m.bbc.co.uk"), registrable_domain("http://localhost:8000/a")
        ('bbc.co.uk', None)
        >>> registrable_domain("https://alice.wordpress.com/2024/03/05/quake/"), registrable_domain("www.wordpress.com")
        ('alice.wordpress.com', 'wordpress.com')
    """
    parts = _split_url(url)
    host = parts.hostname if parts is not None else None
    if not host or "." not in host:
        return None
    result = _extractor()(host.rstrip("."))
    if result.suffix.lower() in HOSTING_SUFFIXES and result.domain.lower() in ("", "www"):
        return result.suffix.lower()  # the platform's own site (wordpress.com, www.medium.com)
    if not result.suffix or not result.domain:
        return None
    return f"{result.domain}.{result.suffix}".lower()


def outlet_domain(url: str | None) -> str | None:
    """The part of a URL that names its outlet: the registrable domain
    (:func:`registrable_domain`), or on a platform of :data:`PATH_HOSTS` the platform's
    host and the first path segment (one that names a writer: not ``/p/`` short links or
    ``/tag/`` pages), lower-cased; None when there is no host.

    Example:
        >>> outlet_domain("https://medium.com/@alice/quake-4f2a"), outlet_domain("https://www.cnn.com/x")
        ('medium.com/@alice', 'cnn.com')
    """
    parts = _split_url(url)
    if parts is None:
        return None
    host = parts.hostname
    platform = host.rstrip(".").lower().removeprefix("www.") if host else ""
    if platform in PATH_HOSTS:
        segment = parts.path.strip("/").split("/", 1)[0].lower()
        if segment and segment not in _PLATFORM_PATHS:
            return f"{platform}/{segment}"
    return registrable_domain(url)


@functools.lru_cache(maxsize=4096)
def _latin_look_alike(char: str) -> str:
    from confusable_homoglyphs import confusables  # lazy: loads the confusables table

    found = confusables.is_confusable(char, preferred_aliases=["latin"], greedy=True)
    if found:
        for glyph in found[0]["homoglyphs"]:
            if glyph["c"].isascii() and glyph["c"].isalnum():
                return glyph["c"]
    return char


@functools.lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """The form two publisher names are compared in: NFKC, format characters removed,
    confusable letters mapped to their Latin look-alikes, case folded, a leading "the"
    and everything but letters and digits dropped.

    Example:
        >>> name_key("The New York Times") == name_key("new york\\u200btimes") == name_key("NEW YORK TIMES")
        True
        >>> name_key("\\u0421NN") == name_key("CNN")  # Cyrillic Es
        True
    """
    text = unicodedata.normalize("NFKC", name)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    if not text.isascii():
        text = "".join(_latin_look_alike(ch) if ch.isalpha() and not ch.isascii() else ch for ch in text)
    text = text.casefold().strip()
    if text.startswith("the "):
        text = text[4:]
    return _NON_WORD.sub("", text)


def is_section_name(name: str) -> bool:
    """True when ``name`` is a section or edition label (``U.S.``, ``World``, ``Politics``)
    rather than an outlet's name.

    Example:
        >>> is_section_name("U.S."), is_section_name("Reuters")
        (True, False)
    """
    return name_key(name) in _SECTION_KEYS


def _looks_like_url(name: str) -> bool:
    return " " not in name.strip() and bool(_URLISH.match(name.strip()))


def publisher_name(name: str | None) -> str | None:
    """A display name from a candidate (a record's ``source``, a page's site name), or
    None when it names no publisher: markup removed, a URL or host name reduced to its
    outlet (``http://www.tmz.com`` -> ``tmz.com``), a section label or a
    copyright line dropped, a long name cut to the part before its first separator
    (``Site | tagline``).

    Example:
        >>> publisher_name("http://www.tmz.com"), publisher_name(" <b>CNN</b> "), publisher_name("U.S.")
        ('tmz.com', 'CNN', None)
    """
    cleaned = clean_inline(name) if name else None
    if not cleaned:
        return None
    if _looks_like_url(cleaned):
        return outlet_domain(cleaned)
    if _NOT_A_NAME.search(cleaned):
        return None
    parts = [p.strip() for p in _SEPARATOR.split(cleaned) if p.strip()]
    if len(parts) > 1 and any(_looks_like_url(p) for p in parts):  # "News about VR | MIXED.de": the host names the site
        return outlet_domain(next(p for p in parts if _looks_like_url(p)))
    if len(cleaned) > _LONG_NAME:  # "Site | tagline", "Site: what we do": the site is the first part
        cleaned = _SEPARATOR.split(cleaned, maxsplit=1)[0].strip()
        if len(cleaned) > _LONG_NAME:
            return None
    if is_section_name(cleaned) or not name_key(cleaned):
        return None
    return cleaned


def _domain_label(domain: str) -> str:
    return name_key(domain.split(".", 1)[0])


def resolve_publishers(
    entries: Sequence[tuple[str | None, str | None]],
    aliases: Mapping[str, Sequence[str]] | None = None,
) -> list[Publisher | None]:
    """One publisher per outlet for a whole corpus.

    Args:
        entries: one ``(name, url)`` per article, either may be None: the name as the
            record or page gives it, the article's URL.
        aliases: display name -> other names and domains of the same outlet (the
            ``[publishers]`` table), e.g. ``{"The New York Times": ["nytimes.com", "NYT"]}``.

    Returns:
        A list as long as ``entries``: each article's :class:`Publisher`, or None when
        neither a name nor a URL's domain names one. Every article of one key gets the
        same display name: an alias table's name, else the name the outlet's articles
        give most often (a domain only when none gives a name; ties go to a name not
        written all in capitals, then to the smaller).

    Example:
        >>> pubs = resolve_publishers([("The New York Times", "https://www.nytimes.com/a"),
        ...                            (None, "https://m.nytimes.com/b"), ("new york times", None), (None, None)])
        >>> [p and (p.key, p.name) for p in pubs]
        [('nytimes.com', 'The New York Times'), ('nytimes.com', 'The New York Times'), ('nytimes.com', 'The New York Times'), None]
    """
    alias_keys: dict[str, str] = {}  # domain or name:<key> -> alias:<key>
    alias_names: dict[str, str] = {}
    for display, others in sorted((aliases or {}).items()):
        target = "alias:" + name_key(display)
        alias_names[target] = display
        for other in (display, *others):
            domain = registrable_domain(other) if _looks_like_url(other) else None
            alias_keys[domain or "name:" + name_key(other)] = target

    names = [publisher_name(name) for name, _ in entries]
    domains: list[str | None] = []
    for (raw, url), name in zip(entries, names):
        domain = outlet_domain(url) if url else None
        if domain in AGGREGATOR_DOMAINS and name:
            domain = None  # an aggregator's link: the named outlet is the publisher
        if domain is None and name and _looks_like_url(name):
            domain = name  # the name was a URL or host: its domain
        domains.append(domain)

    # Names tied to exactly one domain by the articles that carry both, or by the domain's label.
    seen_with: dict[str, set[str]] = {}
    labels: dict[str, set[str]] = {}
    for name, domain in zip(names, domains):
        if domain:
            labels.setdefault(_domain_label(domain), set()).add(domain)
            if name and not _looks_like_url(name):
                seen_with.setdefault(name_key(name), set()).add(domain)

    keys: list[str | None] = []
    for name, domain in zip(names, domains):
        key: str | None = None
        if domain:
            key = domain
        elif name:
            nkey = name_key(name)
            tied = seen_with.get(nkey) or labels.get(nkey) or set()
            key = next(iter(tied)) if len(tied) == 1 else "name:" + nkey
        if key is not None:
            if key in alias_keys:
                key = alias_keys[key]
            elif name and "name:" + name_key(name) in alias_keys:
                key = alias_keys["name:" + name_key(name)]
        keys.append(key)

    counts: dict[str, Counter[str]] = {}
    for name, key in zip(names, keys):
        if key is not None and name and not _looks_like_url(name):
            counts.setdefault(key, Counter())[name] += 1
    display: dict[str, str] = {}
    for key in {k for k in keys if k is not None}:
        if key in alias_names:
            display[key] = alias_names[key]
        elif key in counts:
            # ties: a name written in mixed case ("Reuters") before one in capitals ("REUTERS")
            display[key] = min(counts[key].items(), key=lambda item: (-item[1], item[0].isupper(), item[0]))[0]
        else:
            display[key] = key  # a domain no article names
    return [Publisher(key, display[key]) if key is not None else None for key in keys]


def publisher_key(name: str | None, url: str | None = None, aliases: Mapping[str, Sequence[str]] | None = None) -> str | None:
    """The key of one article's publisher on its own (no corpus to tie names to domains):
    the URL's registrable domain, else the name's. Use :func:`resolve_publishers` for a
    corpus.

    Example:
        >>> publisher_key("CNN", "https://edition.cnn.com/x"), publisher_key("The Salon"), publisher_key(None)
        ('cnn.com', 'name:salon', None)
    """
    publisher = resolve_publishers([(name, url)], aliases)[0]
    return publisher.key if publisher else None


_SECTION_KEYS = frozenset(_NON_WORD.sub("", s) for s in SECTION_NAMES)

