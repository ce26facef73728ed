"""The data passed between stages: frozen, slotted dataclasses with tuples."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Mapping

__all__ = ["Article", "Skipped", "Cluster", "Clustering", "derive_id"]


@dataclass(frozen=True, slots=True)
class Article:
    """One news article.

    ``source`` is the publisher's display name (None when nothing names one);
    ``published`` is ISO 8601; ``language`` an ISO 639-1 code (None when unknown).

    Example:
        >>> Article(id="a1", text="Rain fell in Paris.", source="example.com").source
        'example.com'
    """

    id: str
    text: str
    title: str | None = None
    source: str | None = None
    url: str | None = None
    published: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict, hash=False, compare=True)
    language: str | None = None


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input that produced no article, with the reason.

    ``input`` is a path relative to the input root, or ``path:line`` for a JSONL line,
    or an article id when an article was dropped after ingest.
    """

    input: str
    reason: str


def derive_id(prefix: str, member_ids: tuple[str, ...] | list[str]) -> str:
    """Return a stable id derived from a set of member ids.

    The set is hashed (SHA-1, first 12 hex digits) through an unambiguous encoding: the
    distinct ids, sorted, each as its UTF-8 length (8 bytes, big-endian) and then its
    bytes. No separator character can occur inside an id and merge two sets, so ids
    ``a`` and ``b`` and the one id ``a\x1fb`` give different stories different ids.

    Example:
        >>> derive_id("s", ["b", "a"]) == derive_id("s", ["a", "b"])
        True
        >>> derive_id("s", ["a", "b"]) == derive_id("s", ["a\x1fb"])
        False
    """
    digest = hashlib.sha1()
    for member in sorted(set(member_ids)):
        data = member.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return f"{prefix}-{digest.hexdigest()[:12]}"


@dataclass(frozen=True, slots=True)
class Cluster:
    """One story: its articles, and which of them are copies of another member.

    ``copies`` maps a copy's id to the id of the article it copies (its original).
    """

    article_ids: tuple[str, ...]
    copies: tuple[tuple[str, str], ...] = ()

    @property
    def id(self) -> str:
        return derive_id("story", self.article_ids)

    @property
    def copy_map(self) -> dict[str, str]:
        return dict(self.copies)

    @classmethod
    def of(cls, article_ids: "list[str] | tuple[str, ...]", copies: Mapping[str, str] | None = None) -> "Cluster":
        """Build a cluster with its lists sorted, so equal clusters compare equal."""
        ids = tuple(sorted(set(article_ids)))
        pairs = tuple(sorted((copies or {}).items()))
        return cls(article_ids=ids, copies=pairs)


@dataclass(frozen=True, slots=True)
class Clustering:
    """The result of clustering: the articles, their clusters, and what was skipped."""

    articles: tuple[Article, ...]
    clusters: tuple[Cluster, ...]
    skipped: tuple[Skipped, ...] = ()

    def article_map(self) -> dict[str, Article]:
        return {a.id: a for a in self.articles}
