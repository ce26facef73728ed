"""Corpus-wide ingest steps: what one article alone cannot tell.

After every input is read, :func:`settle_articles` gives each publisher one key and one
display name across the corpus (:func:`cluster.publishers.resolve_publishers`: a record's
``The New York Times``, a page's ``nytimes.com`` and an ``m.nytimes.com`` URL are one
publisher), removes title tails that end several titles of one publisher (``… - Daily
Wire Report``; :func:`cluster.titles.repeated_tails`), and moves one outlet's shared teasers
(the same short text under different titles, :func:`cluster.stubs.shared_stub_groups`) to
``skipped``.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Sequence

from .publishers import registrable_domain, resolve_publishers
from .stubs import shared_stub_groups
from .titles import repeated_tails, strip_title, title_tail
from .types import Article, Skipped

__all__ = ["settle_articles"]


def settle_articles(articles: Sequence[Article], settings: Any) -> tuple[list[Article], list[Skipped]]:
    """Publishers, repeated title tails and shared stubs across a corpus.

    Args:
        articles: every article read, in input order.
        settings: the :class:`~cluster.settings.IngestSettings` they were read with.

    Returns:
        (articles kept, in order; articles moved to skipped as shared stubs).

    Example:
        >>> kept, _ = settle_articles([Article("a", "Rain fell.", source="nytimes.com", url="https://m.nytimes.com/a"),
        ...                            Article("b", "Snow fell.", source="The New York Times", url="https://www.nytimes.com/b")],
        ...                           None)
        >>> [a.source for a in kept]
        ['The New York Times', 'The New York Times']
    """
    aliases = getattr(settings, "publishers", None) or {}
    stub_max_words = getattr(settings, "stub_max_words", 150)
    publishers = resolve_publishers([(a.source, a.url) for a in articles], aliases)
    keys = [p.key if p is not None else None for p in publishers]
    tails = repeated_tails(zip(keys, (a.title for a in articles)))
    shared = shared_stub_groups(((k, a.title, a.text) for k, a in zip(keys, articles)), stub_max_words)

    kept: list[Article] = []
    skipped: list[Skipped] = []
    for index, (article, publisher, key) in enumerate(zip(articles, publishers, keys)):
        if index in shared:
            name = publisher.name if publisher else "one publisher"
            skipped.append(Skipped(article.id, f"stub: the same short text as {shared[index] - 1} other article(s) of {name} under other titles (a paywall pitch or teaser, not the article)"))
            continue
        changes: dict[str, Any] = {}
        source = publisher.name if publisher is not None else None
        if source != article.source:
            changes["source"] = source
        if key in tails and article.title and title_tail(article.title) is not None:
            names = [n for n in (source, registrable_domain(article.url) if article.url else None) if n]
            title = strip_title(article.title, names, tails[key])
            if title != article.title:
                changes["title"] = title
                if "original_title" not in article.meta:
                    changes["meta"] = {**article.meta, "original_title": article.title}
        kept.append(dataclasses.replace(article, **changes) if changes else article)
    return kept, skipped
