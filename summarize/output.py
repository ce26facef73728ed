"""The one JSON writer and reader of storyfold's two contracts.

``clusters.json`` (schema ``storyfold.clusters/1``) and ``digest.json`` (schema
``storyfold.digest/2``). Files are written by :mod:`summarize.writer`: atomically (a
temporary file in the target folder, flushed and synced, then renamed over the
target, so a reader or a crash sees the old file or the new one), special files such
as ``/dev/null`` or a FIFO directly.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import re
import sys
import tempfile
from importlib import metadata, resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, NamedTuple

from cluster.errors import ContractError, StoryfoldError
from cluster.pools import collector_paused
from cluster.text import escape_controls
from cluster.types import Article, Cluster, Clustering, Skipped

from .writer import Destination, write_text

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
    "write_digest",
    "encode_story",
    "EncodedStory",
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
    """Serialise deterministically: fixed key order (as built), 2-space indent, UTF-8, final newline.

    The bytes are those of ``json.dumps(data, ensure_ascii=False, indent=2,
    allow_nan=False)`` plus a newline, written by orjson (about 20x faster than the
    standard library's indented encoder, which is pure Python); floats keep Python's
    shortest repr (``1e-05``, where orjson writes ``0.00001``). Data orjson does not take
    (integers past 64 bits, keys that are no strings) falls back to the standard library.

    Raises:
        ValueError: a float is NaN or infinite.

    Example:
        >>> print(dumps({"salience": 1e-05, "ids": ("a", "b")}), end="")
        {
          "salience": 1e-05,
          "ids": [
            "a",
            "b"
          ]
        }
    """
    return _dump_bytes(data).decode("utf-8")


def _dump_bytes(data: Mapping[str, Any], newline: bool = True) -> bytes:
    """:func:`dumps` as UTF-8 bytes, never held as text too (a digest can be gigabytes)."""
    import orjson

    try:
        with collector_paused():
            safe = _python_floats(data)
        return orjson.dumps(safe, option=orjson.OPT_INDENT_2 | (orjson.OPT_APPEND_NEWLINE if newline else 0))
    except orjson.JSONEncodeError:
        return (json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + ("\n" if newline else "")).encode("utf-8")


def _python_floats(value: Any) -> Any:
    """``value`` with lists for tuples and every float orjson writes differently from
    ``repr`` (non-zero, below 1e-4 in magnitude) as a raw ``repr`` fragment; NaN and
    infinity refused as ``json.dumps(allow_nan=False)`` refuses them."""
    kind = type(value)
    if kind is dict:
        return {key: _python_floats(item) if type(item) in _NESTED else item for key, item in value.items()}
    if kind is list or kind is tuple:
        return [_python_floats(item) if type(item) in _NESTED else item for item in value]
    if kind is float:
        if not math.isfinite(value):
            raise ValueError(f"Out of range float values are not JSON compliant: {value!r}")
        if value != 0.0 and -1e-4 < value < 1e-4:
            import orjson

            return orjson.Fragment(repr(value).encode("ascii"))
    return value


_NESTED = frozenset({dict, list, tuple, float})


def write_json(data: Mapping[str, Any] | str, path: "str | os.PathLike[str] | Destination | None") -> None:
    """Write ``data`` to ``path``: stdout for None or ``-``, a special file directly, else atomically.

    ``data`` is a JSON object, or text already rendered (a newsletter issue), written as is.
    See :mod:`summarize.writer` for the checks and how each kind of path is written.

    Raises:
        OutputPathError: the path cannot or must not be written (exit code 2).
        OutputWriteError: writing failed (exit code 1).

    Example:
        >>> write_json({"schema": "x"}, None)  # doctest: +SKIP
    """
    write_text(data if isinstance(data, str) else _dump_bytes(data), path)


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


def _allowed_keys() -> dict[str, frozenset[str]]:
    """The keys the clusters schema allows at the top, in an article, a cluster, a skipped entry and stats."""
    schema = load_schema("clusters")
    props = schema["properties"]
    return {
        "top": frozenset(props),
        "article": frozenset(props["articles"]["items"]["properties"]),
        "cluster": frozenset(props["clusters"]["items"]["properties"]),
        "skipped": frozenset(schema["$defs"]["skipped"]["items"]["properties"]),
        "stats": frozenset(props["stats"]["properties"]),
    }


def _refuse_unknown_keys(record: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    unknown = sorted(set(record) - allowed)
    if unknown:
        raise ContractError(
            f"{where}: unknown key {_quoted(unknown[0])}" + (f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else "")
            + f"; allowed: {', '.join(sorted(allowed))}"
        )


def _quoted(value: str) -> str:
    """A string for a one-line message: quoted, control characters and lone surrogates escaped, cut at 80 characters."""
    text = value if len(value) <= 80 else value[:77] + "..."
    return repr(text.encode("utf-8", "backslashreplace").decode("utf-8"))


def _find_lone_surrogate(value: Any, where: str) -> str | None:
    """The path (``articles[3].title``) of the first string holding a lone surrogate, or None."""
    stack: list[tuple[Any, str]] = [(value, where)]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return path
        elif isinstance(item, dict):
            for key, child in item.items():
                stack.append((key, f"{path} key"))
                stack.append((child, f"{path}.{key}" if isinstance(key, str) and key.isidentifier() else f"{path}[{_quoted(str(key))}]"))
        elif isinstance(item, list):
            stack.extend((child, f"{path}[{i}]") for i, child in enumerate(item))
    return None


def _find_non_finite(value: Any, where: str) -> str | None:
    """The path of the first NaN or infinite number, or None (strict JSON has neither)."""
    stack: list[tuple[Any, str]] = [(value, where)]
    while stack:
        item, path = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return path
        if isinstance(item, dict):
            stack.extend((child, f"{path}.{key}") for key, child in item.items())
        elif isinstance(item, list):
            stack.extend((child, f"{path}[{i}]") for i, child in enumerate(item))
    return None


def _clean_url(url: str | None) -> str | None:
    """A url kept only when it is not a script or data URL (the one cleaning every input gets)."""
    if url is None:
        return None
    url = url.strip()
    if _UNSAFE_SCHEME.match(url.replace("\t", "").replace("\n", "")):
        return None
    return url or None


_UNSAFE_SCHEME = re.compile(r"\s*(?:javascript|vbscript|data|file)\s*:", re.I)


def clustering_from_dict(data: Any, *, source: str = "clusters.json", warn: Callable[[str], None] | None = None) -> Clustering:
    """Read a ``storyfold.clusters/1`` object, as written by ``storyfold cluster`` or edited by hand.

    Articles need only ``id`` and ``text``; texts, titles and sources get the same cleaning
    as at ingest (:func:`cluster.markup.clean_markup`: no tags, script or data links,
    bidi or zero-width characters). An article whose text is empty goes to ``skipped``;
    an article in no cluster becomes a story of its own (with a warning); a copy pair that
    cannot apply (its copy or original is not a member of that cluster, an article copying
    itself, an original that is itself a copy) is dropped with a warning naming the cluster
    and the pair.

    Raises:
        ContractError: the object breaks the contract (exit code 1): a key the schema does
            not know (named), a field of the wrong type, a ``skipped`` entry that is not an
            object with string ``input`` and ``reason``, an input both skipped and an
            article, an article in two clusters, a cluster naming an unknown
            article, a lone surrogate or a non-finite number anywhere.
    """
    from cluster.markup import clean_inline, clean_markup

    if not isinstance(data, dict):
        raise ContractError(f"{source}: expected a JSON object with 'articles' and 'clusters', got {type(data).__name__}")
    allowed = _allowed_keys()
    _refuse_unknown_keys(data, allowed["top"], source)
    bad_text = _find_lone_surrogate(data, "")
    if bad_text is not None:
        raise ContractError(f"{source}: {bad_text.lstrip('.') or 'the top level'} holds a lone surrogate (\\ud800-\\udfff), which is not text; fix or remove it")
    bad_number = _find_non_finite(data, "")
    if bad_number is not None:
        raise ContractError(f"{source}: {bad_number.lstrip('.')} is NaN or infinite, which JSON does not allow")
    schema = data.get("schema", CLUSTERS_SCHEMA)
    if schema != CLUSTERS_SCHEMA:
        raise ContractError(f"{source}: schema is {_quoted(str(schema))}, expected {CLUSTERS_SCHEMA!r}")
    raw_articles = data.get("articles")
    raw_clusters = data.get("clusters", [])
    raw_skipped = data.get("skipped", [])
    if not isinstance(raw_articles, list):
        raise ContractError(f"{source}: 'articles' must be a list, got {type(raw_articles).__name__}")
    if not isinstance(raw_clusters, list):
        raise ContractError(f"{source}: 'clusters' must be a list, got {type(raw_clusters).__name__}")
    if not isinstance(raw_skipped, list):
        raise ContractError(f"{source}: 'skipped' must be a list of {{\"input\", \"reason\"}} objects, got {type(raw_skipped).__name__}")
    stats = data.get("stats", {})
    if not isinstance(stats, dict):
        raise ContractError(f"{source}: 'stats' must be an object, got {type(stats).__name__}")
    _refuse_unknown_keys(stats, allowed["stats"], f"{source}: stats")
    for key, value in stats.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise ContractError(f"{source}: stats.{key} must be a whole number >= 0, got {_quoted(json.dumps(value))}")

    skipped: list[Skipped] = []
    skipped_where: dict[str, int] = {}
    for index, entry in enumerate(raw_skipped):
        where = f"{source}: skipped[{index}]"
        if not isinstance(entry, dict):
            raise ContractError(f"{where}: expected an object with 'input' and 'reason', got {type(entry).__name__}")
        _refuse_unknown_keys(entry, allowed["skipped"], where)
        input_name, reason = entry.get("input"), entry.get("reason")
        if not isinstance(input_name, str) or not isinstance(reason, str) or not reason.strip():
            raise ContractError(f"{where}: needs a string 'input' and a non-empty string 'reason'")
        # The same name may be skipped twice: two input folders can each hold a bad "a.txt".
        skipped_where.setdefault(input_name, index)
        skipped.append(Skipped(input_name, reason))

    articles: dict[str, Article] = {}
    seen_ids: set[str] = set()
    for index, record in enumerate(raw_articles):
        where = f"{source}: articles[{index}]"
        if not isinstance(record, dict):
            raise ContractError(f"{where}: expected an object, got {type(record).__name__}")
        _refuse_unknown_keys(record, allowed["article"], where)
        article_id = record.get("id")
        if not isinstance(article_id, str) or not article_id:
            raise ContractError(f"{where}: every article needs a non-empty string 'id'")
        if article_id in seen_ids:
            raise ContractError(f"{where}: article id {_quoted(article_id)} appears twice")
        seen_ids.add(article_id)
        if article_id in skipped_where:
            raise ContractError(
                f"{where}: article {_quoted(article_id)} is also in skipped[{skipped_where[article_id]}]; "
                "an input is either an article or skipped, not both"
            )
        raw_text = _text_field(record, "text", where)
        text = clean_markup(raw_text) if raw_text else ""
        if not text:
            reason = "article has no text" if not raw_text or not raw_text.strip() else "article has no text (empty after removing markup)"
            skipped.append(Skipped(article_id, reason))
            if warn:
                warn(f"skipped {escape_controls(article_id)}: {reason}")
            continue
        meta = record.get("meta")
        if meta is None:
            meta = {}
        if not isinstance(meta, dict):
            raise ContractError(f"{where}: field 'meta' must be an object")
        articles[article_id] = Article(
            id=article_id,
            text=text,
            title=clean_inline(_text_field(record, "title", where)),
            source=clean_inline(_text_field(record, "source", where)),
            url=_clean_url(_text_field(record, "url", where)),
            published=_published(clean_inline(_text_field(record, "published", where)), f"{where}: article {_quoted(article_id)}", warn),
            language=clean_inline(_text_field(record, "language", where)),
            meta=meta,
        )

    skipped_ids = {s.input for s in skipped}
    owner: dict[str, int] = {}
    clusters: list[Cluster] = []
    for index, record in enumerate(raw_clusters):
        where = f"{source}: clusters[{index}]"
        if not isinstance(record, dict) or not isinstance(record.get("article_ids"), list):
            raise ContractError(f"{where}: expected an object with an 'article_ids' list")
        _refuse_unknown_keys(record, allowed["cluster"], where)
        if "id" in record and not isinstance(record["id"], str):
            raise ContractError(f"{where}: 'id' must be a string (it is derived from the members and may be left out)")
        members: list[str] = []
        for article_id in record["article_ids"]:
            if not isinstance(article_id, str):
                raise ContractError(f"{where}: article ids must be strings, got {_quoted(json.dumps(article_id))}")
            if article_id in owner:
                raise ContractError(
                    f"{where}: article {_quoted(article_id)} is also in clusters[{owner[article_id]}]; an article belongs to one story"
                )
            if article_id not in articles:
                if article_id in skipped_ids:
                    continue
                raise ContractError(f"{where}: article {_quoted(article_id)} is not in 'articles'")
            owner[article_id] = index
            members.append(article_id)
        copies = record.get("copies")
        if copies is None:
            copies = {}
        if not isinstance(copies, dict):
            raise ContractError(f"{where}: 'copies' must be an object mapping copy id to original id")
        kept = _applicable_copies(copies, members, f"{source}: clusters[{index}]", warn)
        if members:
            clusters.append(Cluster.of(members, kept))
    for article_id in sorted(set(articles) - set(owner)):
        if warn:
            warn(f"article {_quoted(article_id)} is in no cluster; it becomes a story of its own")
        clusters.append(Cluster.of([article_id]))
    clusters.sort(key=lambda c: c.article_ids)
    return Clustering(
        articles=tuple(articles[i] for i in sorted(articles)),
        clusters=tuple(clusters),
        skipped=tuple(sorted(skipped, key=lambda s: (s.input, s.reason))),
    )


def _applicable_copies(copies: Mapping[str, Any], members: list[str], where: str, warn: Callable[[str], None] | None) -> dict[str, str]:
    """The copy pairs of one cluster that can apply; each other pair is dropped with a warning naming it."""
    present = set(members)
    kept: dict[str, str] = {}
    problems: list[tuple[str, Any, str]] = []
    for copy_id, original_id in sorted(copies.items()):
        if not isinstance(original_id, str):
            problems.append((copy_id, original_id, "the original must be an article id (a string)"))
        elif copy_id == original_id:
            problems.append((copy_id, original_id, "an article cannot copy itself"))
        elif copy_id not in present:
            problems.append((copy_id, original_id, f"the copy {_quoted(copy_id)} is not an article of this cluster"))
        elif original_id not in present:
            problems.append((copy_id, original_id, f"the original {_quoted(original_id)} is not an article of this cluster"))
        else:
            kept[copy_id] = original_id
    for copy_id in sorted(kept):
        if kept[copy_id] in kept:  # a copy of a copy: the reader cannot tell which text is the original
            problems.append((copy_id, kept[copy_id], f"the original {_quoted(kept[copy_id])} is itself a copy"))
    for copy_id, _, _ in problems:
        kept.pop(copy_id, None)
    if warn:
        for copy_id, original_id, why in sorted(problems, key=lambda p: p[0]):
            shown = _quoted(original_id) if isinstance(original_id, str) else json.dumps(original_id)
            warn(f"{where}: copy pair {_quoted(copy_id)} -> {shown} dropped: {why}")
    return kept


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _published(value: str | None, where: str, warn: Callable[[str], None] | None) -> str | None:
    """An article's ``published`` as ingest writes it (ISO 8601, read by
    :func:`cluster.feeddates.parse_published`): a hand-edited value that names no day is
    dropped with one warning (the article is kept, undated), a readable one in another form
    is rewritten, and an ISO 8601 value (what ingest writes) passes unchanged."""
    from cluster.dates import published_timestamp
    from cluster.feeddates import UnreadableDate, parse_published

    if value is None or published_timestamp(value) is not None:
        return value
    try:
        iso = parse_published(value)
    except UnreadableDate as problem:
        if warn:
            warn(f"{where}: field 'published': {problem}; read as undated")
        return None
    return iso


def read_clustering(path: str | os.PathLike[str], *, warn: Callable[[str], None] | None = None) -> Clustering:
    """Read a clusters.json file. See :func:`clustering_from_dict`."""
    from cluster.errors import InputPathError

    path = Path(path)
    try:
        text = path.read_text("utf-8-sig")
    except FileNotFoundError:
        raise InputPathError(f"clusters file {str(path)!r} does not exist") from None
    except OSError as exc:
        raise InputPathError(f"clusters file {str(path)!r} cannot be read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:  # readable, but not JSON text: a malformed clusters.json, as render treats a digest
        raise ContractError(f"{path}: not valid JSON: not UTF-8 text (byte {exc.start}: {exc.reason})") from None
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise ContractError(f"{path}: not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise ContractError(f"{path}: not valid JSON: nested too deeply") from None
    except ValueError as exc:  # a number past Python's integer-string limit, NaN or Infinity
        reason = str(exc)
        if "digits" in reason:
            reason = f"a number has more than {sys.get_int_max_str_digits()} digits"
        raise ContractError(f"{path}: not valid JSON: {' '.join(reason.split())[:200]}") from None
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
    config = settings_to_dict(digest.settings)
    # Where the stages ran ([engine]: local or Ray, how many processes) never changes the
    # output, so it is not recorded: the same input and settings give the same bytes on any engine.
    config.pop("engine", None)
    data["generator"] = {"version": package_version(), "config": config}
    with collector_paused():
        data["stories"] = _stories_to_list(digest.stories)
    data["skipped"] = skipped_to_list(digest.skipped)
    data["stats"] = digest.stats
    return data


_STORIES_KEY = b'\n  "stories": [],'  # the stories' place in a digest written with none (no string holds a raw newline)


class EncodedStory(NamedTuple):
    """One story as :func:`write_digest` spools it: its place in the digest's order, its
    article ids (for the accounting check) and its JSON (UTF-8, indented for its place in
    the ``stories`` list)."""

    order: tuple[int, int, str]
    article_ids: tuple[str, ...]
    json: bytes


def encode_story(story: "Story") -> EncodedStory:
    """``story`` serialised for :func:`write_digest`; cheap to send between processes (pass
    it as ``encode`` to :func:`summarize.digest.summarize_stories`, and workers do it)."""
    from .digest import story_order

    text = _dump_bytes(_stories_to_list((story,))[0], newline=False).replace(b"\n", b"\n    ")
    return EncodedStory(story_order(story), story.article_ids, text)


def write_digest(
    stories: "Iterable[Story | EncodedStory]",
    clustering: Clustering,
    settings: Any,
    path: "str | os.PathLike[str] | Destination | None",
    *,
    generated_at: str | None = None,
) -> dict[str, Any]:
    """Write the ``digest.json`` of ``stories`` (in any order; stories or
    :func:`encode_story`'s encodings of them) holding one story at a time.

    Each story is serialised as it comes and spooled to an unnamed temporary file (in the
    output's folder, which must hold the digest anyway), with its place
    in :func:`summarize.digest.story_order`; the file is then written (atomically, as
    :func:`write_json` writes) in that order. The bytes are those of
    ``write_json(digest_to_dict(Digest(sorted stories, ...)), path)``; memory holds the
    spool's index, not the stories or their JSON. Returns the digest object without its
    stories (``stats`` says how many there are), for a closing line.

    Raises:
        InvariantError: an article of ``clustering`` is in no story or in two.
        OutputPathError, OutputWriteError: as :func:`write_json`.
    """
    from cluster.accounting import check_accounting

    from .digest import Digest, digest_stats
    from .writer import check_output, write_error

    destination = path if isinstance(path, Destination) else check_output(path)
    # The spool sits beside the file it becomes (the same disk must hold both), unnamed.
    folder = (os.path.dirname(destination.path or "") or ".") if destination.kind == "atomic" else None
    index: list[tuple[tuple[int, int, str], int, int]] = []  # (order, offset, length) in the spool
    members: list[tuple[str, ...]] = []  # each story's article ids, for the accounting check
    try:
        spool = tempfile.TemporaryFile(dir=folder)
    except OSError as exc:
        raise write_error(destination, exc) from None
    with spool:
        offset = 0
        for story in stories:
            encoded = story if isinstance(story, EncodedStory) else encode_story(story)
            try:
                spool.write(encoded.json)
            except OSError as exc:
                raise write_error(destination, exc) from None
            index.append((encoded.order, offset, len(encoded.json)))
            offset += len(encoded.json)
            members.append(encoded.article_ids)
        check_accounting(clustering, members, unit="story")
        index.sort(key=lambda entry: entry[0])
        head = digest_to_dict(Digest((), clustering.skipped, settings, len(clustering.articles)), generated_at=generated_at)
        head["stats"] = digest_stats(len(clustering.articles), len(clustering.skipped), members)
        before, after = _dump_bytes(head).split(_STORIES_KEY)

        def chunks() -> Iterator[bytes]:
            yield before
            if not index:
                yield _STORIES_KEY
            else:
                yield _STORIES_KEY[:-2]  # '\n  "stories": ['
                for k, (_, start, length) in enumerate(index):
                    spool.seek(start)
                    yield (b"\n    " if k == 0 else b",\n    ") + spool.read(length)
                yield b"\n  ],"
            yield after

        write_text(chunks(), destination)
    return head


def _stories_to_list(stories: "Iterable[Story]") -> list[dict[str, Any]]:
    return [
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
        for s in stories
    ]
