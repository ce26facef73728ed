"""The one JSON writer and reader of storyfold's two contracts.

``clusters.json`` (schema ``storyfold.clusters/1``) and ``digest.json`` (schema
``storyfold.digest/2``). Writes are atomic: a temporary file in the target folder,
flushed and synced, then renamed over the target, so a reader (or a crash) sees
either the old file or the new one, never half of one.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import tempfile
from importlib import metadata, resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping

from cluster.errors import ContractError, StoryfoldError
from cluster.types import Article, Cluster, Clustering, Skipped

if TYPE_CHECKING:
    from .digest import Digest, Story
    from .facts import Dispute
    from .types import Fact

__all__ = [
    "CLUSTERS_SCHEMA",
    "DIGEST_SCHEMA",
    "ContractError",
    "clustering_to_dict",
    "digest_to_dict",
    "package_version",
    "clustering_from_dict",
    "read_clustering",
    "load_schema",
    "dumps",
    "write_json",
]

CLUSTERS_SCHEMA = "storyfold.clusters/1"
DIGEST_SCHEMA = "storyfold.digest/2"


def load_schema(name: str) -> dict[str, Any]:
    """Return the JSON Schema shipped for ``"clusters"`` or ``"digest"``.

    Example:
        >>> load_schema("digest")["$id"]
        'storyfold.digest/2'
    """
    text = resources.files("summarize").joinpath("schemas", f"{name}.schema.json").read_text("utf-8")
    return json.loads(text)


def dumps(data: Mapping[str, Any]) -> str:
    """Serialise deterministically: fixed key order (as built), 2-space indent, UTF-8, final newline."""
    return json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def write_json(data: Mapping[str, Any] | str, path: str | os.PathLike[str] | None) -> None:
    """Write ``data`` atomically to ``path``, or to stdout when ``path`` is None or ``-``.

    ``data`` is a JSON object, or text already rendered (a newsletter issue), written as is.

    Example:
        >>> write_json({"schema": "x"}, None)  # doctest: +SKIP
    """
    text = data if isinstance(data, str) else dumps(data)
    if path is None or str(path) == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise StoryfoldError(f"cannot write {target}: folder {folder} does not exist")
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        try:
            os.unlink(tmp_name)
        except FileNotFoundError:
            pass
        raise


def _article_to_dict(article: Article) -> dict[str, Any]:
    return {
        "id": article.id,
        "title": article.title,
        "text": article.text,
        "source": article.source,
        "url": article.url,
        "published": article.published,
        "language": article.language,
        "meta": dict(article.meta),
    }


def skipped_to_list(skipped: tuple[Skipped, ...] | list[Skipped]) -> list[dict[str, str]]:
    """Skipped inputs as sorted JSON objects."""
    return [{"input": s.input, "reason": s.reason} for s in sorted(skipped, key=lambda s: (s.input, s.reason))]


def clustering_to_dict(result: Clustering) -> dict[str, Any]:
    """The ``storyfold.clusters/1`` object for a clustering."""
    return {
        "schema": CLUSTERS_SCHEMA,
        "articles": [_article_to_dict(a) for a in sorted(result.articles, key=lambda a: a.id)],
        "clusters": [
            {"id": c.id, "article_ids": list(c.article_ids), "copies": dict(c.copies)}
            for c in sorted(result.clusters, key=lambda c: c.article_ids)
        ],
        "skipped": skipped_to_list(result.skipped),
        "stats": {
            "inputs": len(result.articles) + len(result.skipped),
            "articles": len(result.articles),
            "skipped": len(result.skipped),
            "clusters": len(result.clusters),
        },
    }


def _text_field(record: Mapping[str, Any], key: str, where: str) -> str | None:
    value = record.get(key)
    if value is None or isinstance(value, str):
        return value
    raise ContractError(f"{where}: field {key!r} must be a string or null, got {type(value).__name__}")


def clustering_from_dict(data: Any, *, source: str = "clusters.json", warn: Callable[[str], None] | None = None) -> Clustering:
    """Read a ``storyfold.clusters/1`` object, as written by ``storyfold cluster`` or edited by hand.

    Articles need only ``id`` and ``text``. An article with no text goes to ``skipped``;
    an article in no cluster becomes a story of its own (with a warning). An article in
    two clusters, or a cluster naming an unknown article, is a :class:`ContractError`.
    """
    if not isinstance(data, dict):
        raise ContractError(f"{source}: expected a JSON object with 'articles' and 'clusters', got {type(data).__name__}")
    schema = data.get("schema", CLUSTERS_SCHEMA)
    if schema != CLUSTERS_SCHEMA:
        raise ContractError(f"{source}: schema is {schema!r}, expected {CLUSTERS_SCHEMA!r}")
    raw_articles = data.get("articles")
    raw_clusters = data.get("clusters", [])
    if not isinstance(raw_articles, list) or not isinstance(raw_clusters, list):
        raise ContractError(f"{source}: 'articles' and 'clusters' must be lists")

    skipped = [Skipped(str(s.get("input", "?")), str(s.get("reason", "?"))) for s in data.get("skipped", []) if isinstance(s, dict)]
    articles: dict[str, Article] = {}
    for index, record in enumerate(raw_articles):
        where = f"{source}: articles[{index}]"
        if not isinstance(record, dict):
            raise ContractError(f"{where}: expected an object, got {type(record).__name__}")
        article_id = record.get("id")
        if not isinstance(article_id, str) or not article_id:
            raise ContractError(f"{where}: every article needs a non-empty string 'id'")
        if article_id in articles:
            raise ContractError(f"{where}: article id {article_id!r} appears twice")
        text = _text_field(record, "text", where)
        if not text or not text.strip():
            skipped.append(Skipped(article_id, "article has no text"))
            if warn:
                warn(f"skipped {article_id}: article has no text")
            continue
        meta = record.get("meta") or {}
        if not isinstance(meta, dict):
            raise ContractError(f"{where}: field 'meta' must be an object")
        articles[article_id] = Article(
            id=article_id,
            text=text,
            title=_text_field(record, "title", where),
            source=_text_field(record, "source", where),
            url=_text_field(record, "url", where),
            published=_text_field(record, "published", where),
            language=_text_field(record, "language", where),
            meta=meta,
        )

    skipped_ids = {s.input for s in skipped}
    owner: dict[str, int] = {}
    clusters: list[Cluster] = []
    for index, record in enumerate(raw_clusters):
        where = f"{source}: clusters[{index}]"
        if not isinstance(record, dict) or not isinstance(record.get("article_ids"), list):
            raise ContractError(f"{where}: expected an object with an 'article_ids' list")
        members = []
        for article_id in record["article_ids"]:
            if not isinstance(article_id, str):
                raise ContractError(f"{where}: article ids must be strings, got {article_id!r}")
            if article_id in owner:
                raise ContractError(f"{where}: article {article_id!r} is also in clusters[{owner[article_id]}]; an article belongs to one story")
            if article_id not in articles:
                if article_id in skipped_ids:
                    continue
                raise ContractError(f"{where}: article {article_id!r} is not in 'articles'")
            owner[article_id] = index
            members.append(article_id)
        copies = record.get("copies") or {}
        if not isinstance(copies, dict):
            raise ContractError(f"{where}: 'copies' must be an object mapping copy id to original id")
        kept = {c: o for c, o in copies.items() if isinstance(o, str) and c in members and o in members}
        if members:
            clusters.append(Cluster.of(members, kept))
    for article_id in sorted(set(articles) - set(owner)):
        if warn:
            warn(f"article {article_id!r} is in no cluster; it becomes a story of its own")
        clusters.append(Cluster.of([article_id]))
    clusters.sort(key=lambda c: c.article_ids)
    return Clustering(
        articles=tuple(articles[i] for i in sorted(articles)),
        clusters=tuple(clusters),
        skipped=tuple(sorted(skipped, key=lambda s: (s.input, s.reason))),
    )


def read_clustering(path: str | os.PathLike[str], *, warn: Callable[[str], None] | None = None) -> Clustering:
    """Read a clusters.json file. See :func:`clustering_from_dict`."""
    from cluster.errors import InputPathError

    path = Path(path)
    try:
        text = path.read_text("utf-8-sig")
    except FileNotFoundError:
        raise InputPathError(f"clusters file {str(path)!r} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputPathError(f"clusters file {str(path)!r} cannot be read: {exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ContractError(f"{path}: not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise ContractError(f"{path}: not valid JSON: nested too deeply") from None
    return clustering_from_dict(data, source=str(path), warn=warn)


def settings_to_dict(settings: Any) -> dict[str, Any]:
    """A settings dataclass as plain JSON values (tuples become lists)."""

    def convert(value: Any) -> Any:
        if isinstance(value, tuple):
            return [convert(v) for v in value]
        if isinstance(value, dict):
            return {k: convert(v) for k, v in value.items()}
        return value

    return convert(dataclasses.asdict(settings))


def package_version() -> str:
    """The installed storyfold version (``0+unknown`` when run from an uninstalled tree)."""
    try:
        return metadata.version("storyfold")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def _fact_to_dict(fact: Fact) -> dict[str, Any]:
    data: dict[str, Any] = {
        "text": fact.text,
        "source_count": fact.source_count,
        "article_ids": list(fact.article_ids),
        "sources": list(fact.sources),
        "salience": round(float(fact.salience), 6),
        "evidence": [{"article_id": e.article_id, "publisher": e.publisher, "text": e.text} for e in fact.evidence],
    }
    if fact.disputed:
        data["disputed"] = True
    return data


def _dispute_to_dict(dispute: Dispute) -> dict[str, Any]:
    return {
        "kind": dispute.kind,
        "about": dispute.about,
        "claims": [{"text": c.text, "sources": list(c.sources), "article_ids": list(c.article_ids)} for c in dispute.claims],
    }


def _story_extras(story: Story) -> dict[str, Any]:
    """The fact stage's additions to a story (schema 2): disputes, facts left out, sentence accounting."""
    extras: dict[str, Any] = {"disputes": [_dispute_to_dict(d) for d in story.disputes], "facts_left_out": story.facts_left_out}
    if story.sentence_stats is not None:
        extras["sentences"] = dict(story.sentence_stats)
    return extras


def digest_to_dict(digest: Digest, *, generated_at: str | None = None) -> dict[str, Any]:
    """The ``storyfold.digest/2`` object for a digest (/2 added the ``--store`` fields and each story's ``articles``; the fact stage added evidence, disputes, facts_left_out and sentence accounting)."""
    data: dict[str, Any] = {"schema": DIGEST_SCHEMA}
    if generated_at:
        data["generated_at"] = generated_at
    data["generator"] = {"version": package_version(), "config": settings_to_dict(digest.settings)}
    data["stories"] = [
        {
            "id": s.id,
            "title": s.title,
            "article_ids": list(s.article_ids),
            "articles": [
                {"id": a.id, "title": a.title, "url": a.url, "published": a.published, "publisher": a.publisher,
                 "language": a.language, "copy_of": a.copy_of}
                for a in s.articles
            ],
            "copies": dict(s.copies),
            "sources": list(s.sources),
            "independent_sources": s.independent_sources,
            "summary": s.summary.text,
            "summary_method": s.summary.method,
            "model": s.summary.model,
            "dropped_sentences": s.summary.dropped_sentences,
            "note": s.summary.note,
            "facts": [_fact_to_dict(f) for f in s.facts],
            **_story_extras(s),
        }
        for s in digest.stories
    ]
    data["skipped"] = skipped_to_list(digest.skipped)
    data["stats"] = digest.stats
    return data
