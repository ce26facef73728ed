"""Render a digest as a newsletter issue: one self-contained HTML file or Markdown.

The digest (``storyfold.digest/1`` or ``/2``) is read as it is written: every field a
template shows is optional, so a digest from an older version renders with what it has.
Templates are Jinja2 (https://jinja.palletsprojects.com/). They receive plain views built
here (:func:`issue_view`), never markup: in HTML every value is autoescaped, in Markdown
every value is escaped by :func:`escape_markdown` before it reaches the page, and a link
is made only from an ``http`` or ``https`` URL (:func:`safe_url`), so nothing in a digest
can run as markup or script in a reader's mail client or browser.

Example:
    >>> html = render_digest({"schema": "storyfold.digest/1", "stories": [
    ...     {"id": "s1", "title": "Quake <b>hits</b> Chile", "summary": "A 7.1 quake.", "facts": []}]}, "html")
    >>> "Quake &lt;b&gt;hits&lt;/b&gt; Chile" in html
    True
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence
from urllib.parse import quote, urlsplit

from cluster.errors import RenderError

__all__ = [
    "FORMATS",
    "RenderError",
    "IssueView",
    "StoryView",
    "FactView",
    "DisputeView",
    "SideView",
    "PublisherView",
    "SourceLink",
    "read_digest",
    "issue_view",
    "check_template",
    "render_digest",
    "safe_url",
    "escape_markdown",
    "format_for_path",
]

FORMATS = ("html", "md")
_TEMPLATES = {"html": "newsletter.html.j2", "md": "newsletter.md.j2"}
_SUFFIXES = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}
_MAX_URL = 2048


# --------------------------------------------------------------------------- views


@dataclass(frozen=True, slots=True)
class SourceLink:
    """A publisher's name and, when the digest has a safe one, the article's URL."""

    name: str
    url: str | None = None


@dataclass(frozen=True, slots=True)
class PublisherView:
    """One original article of a story: who published it (None: not named), its headline and link,
    and who reprinted it (``reprint_count`` copies, of which ``reprinted_by`` are the named publishers)."""

    name: str | None
    url: str | None
    title: str | None
    published: str | None
    reprinted_by: tuple[SourceLink, ...]
    reprint_count: int
    is_new: bool


@dataclass(frozen=True, slots=True)
class FactView:
    """A fact as shown: ``count`` of the story's ``of`` independent sources report it."""

    text: str
    count: int
    of: int
    sources: tuple[SourceLink, ...]
    is_new: bool


@dataclass(frozen=True, slots=True)
class SideView:
    """One side of a disputed claim: what is said and who says it."""

    claim: str
    sources: tuple[SourceLink, ...]


@dataclass(frozen=True, slots=True)
class DisputeView:
    """A claim the sources disagree on (``about`` may be None), with two or more sides."""

    about: str | None
    sides: tuple[SideView, ...]


@dataclass(frozen=True, slots=True)
class StoryView:
    """Everything a template shows for one story; absent digest fields are None or empty."""

    id: str
    title: str
    status: str | None
    dates: str | None
    first_seen: str | None
    last_seen: str | None
    summary: str
    summary_method: str | None
    independent_sources: int
    article_count: int
    facts: tuple[FactView, ...]
    more_facts: int
    disputes: tuple[DisputeView, ...]
    publishers: tuple[PublisherView, ...]
    note: str | None


@dataclass(frozen=True, slots=True)
class IssueView:
    """The whole issue: a heading line, the stories in digest order and the run's counts.

    ``language`` is the most common language code of the articles (``"en"`` when none is given).
    """

    title: str
    dates: str | None
    generated_at: str | None
    stories: tuple[StoryView, ...]
    story_count: int
    article_count: int | None
    source_count: int
    new_count: int
    updated_count: int
    schema: str
    language: str


# --------------------------------------------------------------------------- safety


def safe_url(value: Any) -> str | None:
    """``value`` when it is an absolute ``http``/``https`` URL that is safe to put in a link, else None.

    Anything else (``javascript:``, ``data:``, a relative path, whitespace or control
    characters, over 2,048 characters) is not linked; the name is shown as text.

    Example:
        >>> safe_url("https://example.com/a?b=1"), safe_url("javascript:alert(1)")
        ('https://example.com/a?b=1', None)
    """
    if not isinstance(value, str) or not value or len(value) > _MAX_URL:
        return None
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return value


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~!&$])")
_MD_LINE_START = re.compile(r"^(\s*)([-+=>]|\d+(?=[.)]))", re.MULTILINE)


def escape_markdown(value: Any) -> str:
    """Text that Markdown (CommonMark, GFM) shows as written: no emphasis, links, HTML or lists.

    Each Markdown special character gets a backslash (``<`` too, so no HTML tag can form),
    and newlines become spaces, so a value stays inside its paragraph, list item or table cell.

    Example:
        >>> escape_markdown("*Breaking* <script>x</script> [a](javascript:b)")
        '\\\\*Breaking\\\\* \\\\<script\\\\>x\\\\</script\\\\> \\\\[a\\\\](javascript:b)'
    """
    text = " ".join(str(value).split())
    text = _MD_SPECIAL.sub(r"\\\1", text)
    return _MD_LINE_START.sub(lambda m: m.group(1) + (m.group(2) + "\\" if m.group(2)[0].isdigit() else "\\" + m.group(2)), text)


class _MarkdownText(str):
    """Markdown built by a filter from escaped parts; passed through as is."""


def _md_finalize(value: Any) -> str:
    if isinstance(value, _MarkdownText):
        return value
    if value is None:
        return ""
    return escape_markdown(value)


def _md_link(text: Any, url: str | None) -> _MarkdownText:
    label = escape_markdown(text)
    if not url:
        return _MarkdownText(label)
    target = quote(url, safe=":/?#@!$&'*+,;=%~-._").replace("(", "%28").replace(")", "%29")
    return _MarkdownText(f"[{label}]({target})")


def _md_raw(value: Any) -> _MarkdownText:
    """Mark template-made text (never digest text) as Markdown."""
    return _MarkdownText(str(value))


# --------------------------------------------------------------------------- reading


def read_digest(path: str | Path) -> dict[str, Any]:
    """Read a digest.json (``-`` is stdin) and check that it is a storyfold digest.

    Raises:
        RenderError: exit code 2 when the file is missing or cannot be read (or stdin is
            closed); 1 when it is not UTF-8 JSON or not a ``storyfold.digest/N``.

    Example:
        >>> read_digest("missing.json")  # doctest: +SKIP
    """
    import sys

    where = "stdin" if str(path) == "-" else str(path)
    if str(path) == "-" and sys.stdin is None:
        raise RenderError("digest - reads stdin, but stdin is closed; give the digest's file name", exit_code=2)
    try:
        raw = sys.stdin.buffer.read() if str(path) == "-" else Path(path).read_bytes()
    except FileNotFoundError:
        raise RenderError(f"digest {where} does not exist", exit_code=2) from None
    except OSError as exc:
        raise RenderError(f"digest {where} cannot be read: {exc.strerror or exc}", exit_code=2) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RenderError(f"digest {where} is not JSON: not UTF-8 text (byte {exc.start}: {exc.reason})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RenderError(f"digest {where} is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise RenderError(f"digest {where} is not JSON this program can read: nested too deeply") from None
    except ValueError as exc:  # a number past Python's integer-string limit
        raise RenderError(f"digest {where} is not JSON this program can read: {' '.join(str(exc).split())[:200]}") from None
    check_digest(data, where)
    return data


def check_digest(data: Any, where: str = "digest") -> None:
    """Raise :class:`RenderError` unless ``data`` looks like a storyfold digest of any version."""
    if not isinstance(data, dict):
        raise RenderError(f"{where}: expected a JSON object, got {type(data).__name__}")
    schema = data.get("schema")
    if not isinstance(schema, str) or not re.fullmatch(r"storyfold\.digest/\d+", schema):
        hint = " (a clusters.json? run `storyfold summarize` on it first)" if isinstance(schema, str) and "clusters" in schema else ""
        raise RenderError(f"{where}: field 'schema' is {schema!r}, not 'storyfold.digest/N'{hint}")
    stories = data.get("stories")
    if not isinstance(stories, list):
        raise RenderError(f"{where}: field 'stories' must be a list")
    for index, story in enumerate(stories):
        if not isinstance(story, dict):
            raise RenderError(f"{where}: stories[{index}] must be an object")


# --------------------------------------------------------------------------- views from a digest


def _str(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = " ".join(str(value).split())
    return text or None


def _int(value: Any, default: int = 0) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _day(value: Any) -> date | None:
    text = _str(value)
    if text is None:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        match = re.match(r"(\d{4})-(\d\d)-(\d\d)", text)
        if match:
            try:
                return date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                return None
        return None


def _day_text(value: Any) -> str | None:
    """``5 Mar 2024`` for a date or timestamp; text that is not one is kept as it is."""
    day = _day(value)
    return f"{day.day} {day:%b %Y}" if day else _str(value)


def _date_range(days: Iterable[date]) -> str | None:
    """``2 Mar 2023``, ``2–4 Mar 2023``, ``28 Feb – 2 Mar 2023`` or ``30 Dec 2022 – 2 Jan 2023``."""
    ordered = sorted(set(days))
    if not ordered:
        return None
    first, last = ordered[0], ordered[-1]
    if first == last:
        return f"{first.day} {first:%b %Y}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}\u2013{last.day} {last:%b %Y}"
    if first.year == last.year:
        return f"{first.day} {first:%b} \u2013 {last.day} {last:%b %Y}"
    return f"{first.day} {first:%b %Y} \u2013 {last.day} {last:%b %Y}"


def _article_records(story: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    records: dict[str, dict[str, Any]] = {}
    for item in _list(story.get("articles")):
        if isinstance(item, dict) and _str(item.get("id")):
            records[str(item["id"])] = item
    return records


def _publisher(record: Mapping[str, Any] | None) -> str | None:
    """The publisher's name, else the URL's host, else None (an article of an unnamed source)."""
    if record:
        for key in ("publisher", "source", "site", "domain"):
            name = _str(record.get(key))
            if name:
                return name
        host = urlsplit(safe_url(record.get("url")) or "").hostname
        if host:
            return host.removeprefix("www.")
    return None


def _links(
    names: Iterable[Any], ids: Iterable[Any], records: Mapping[str, Mapping[str, Any]], copies: Mapping[str, str]
) -> tuple[SourceLink, ...]:
    """One link per publisher: from article ids when the digest lists articles, else bare names."""
    links: dict[str, SourceLink] = {}
    for article_id in ids:
        record = records.get(str(article_id))
        if record is None:
            continue
        original = records.get(copies.get(str(article_id), ""), record)
        name = _publisher(original)
        if name is None:
            continue
        if name not in links or links[name].url is None:
            links[name] = SourceLink(name, safe_url(original.get("url")))
    for name in names:
        text = _str(name)
        if text and text not in links and text not in records:  # an article id standing in for a missing name is no name
            links[text] = SourceLink(text)
    return tuple(sorted(links.values(), key=lambda link: link.name.casefold()))


def _fact_views(story: Mapping[str, Any], records: Mapping[str, Mapping[str, Any]], copies: Mapping[str, str], of: int, limit: int | None) -> tuple[tuple[FactView, ...], int]:
    new_texts = {_str(t) for t in _list(story.get("new_facts"))}
    facts: list[FactView] = []
    for fact in _list(story.get("facts")):
        if not isinstance(fact, dict) or not _str(fact.get("text")):
            continue
        text = _str(fact.get("text")) or ""
        evidence = [e for e in _list(fact.get("evidence")) if isinstance(e, dict)]
        ids = list(_list(fact.get("article_ids"))) + [e.get("article_id") for e in evidence]
        names = list(_list(fact.get("sources"))) + [e.get("source") or e.get("publisher") for e in evidence]
        count = _int(fact.get("source_count"), len({_str(n) for n in names if _str(n)}))
        facts.append(FactView(text, count, max(of, count), _links(names, ids, records, copies), bool(fact.get("new")) or text in new_texts))
    if limit is None or len(facts) <= limit:
        return tuple(facts), 0
    return tuple(facts[:limit]), len(facts) - limit


def _side(item: Any, records: Mapping[str, Mapping[str, Any]], copies: Mapping[str, str]) -> SideView | None:
    if isinstance(item, str):
        return SideView(_str(item) or "", ()) if _str(item) else None
    if not isinstance(item, dict):
        return None
    claim = next((_str(item.get(k)) for k in ("claim", "text", "value", "says") if _str(item.get(k))), None)
    if claim is None:
        return None
    names = _list(item.get("sources")) + [item.get("source"), item.get("publisher")]
    ids = _list(item.get("article_ids")) + [item.get("article_id")]
    for evidence in _list(item.get("evidence")):
        if isinstance(evidence, dict):
            names.append(evidence.get("source") or evidence.get("publisher"))
            ids.append(evidence.get("article_id"))
    return SideView(claim, _links([n for n in names if n], [i for i in ids if i], records, copies))


def _dispute_views(story: Mapping[str, Any], records: Mapping[str, Mapping[str, Any]], copies: Mapping[str, str]) -> tuple[DisputeView, ...]:
    disputes: list[DisputeView] = []
    for item in _list(story.get("disputes")):
        if not isinstance(item, dict):
            continue
        raw_sides = next((item[k] for k in ("sides", "claims", "versions", "variants") if isinstance(item.get(k), list)), [])
        sides = tuple(side for side in (_side(s, records, copies) for s in raw_sides) if side is not None)
        if len(sides) < 2:
            continue
        about = next((_str(item.get(k)) for k in ("about", "topic", "subject", "text", "claim") if _str(item.get(k))), None)
        disputes.append(DisputeView(about, sides))
    return tuple(disputes)


def _publisher_views(story: Mapping[str, Any], records: Mapping[str, Mapping[str, Any]], copies: Mapping[str, str]) -> tuple[PublisherView, ...]:
    new_sources = {_str(s) for s in _list(story.get("new_sources"))} | {_str(s) for s in _list(story.get("new_article_ids"))}
    ids = [str(i) for i in _list(story.get("article_ids")) if _str(i)] or list(records)
    if not records:
        names = [n for n in (_str(s) for s in _list(story.get("sources"))) if n]
        return tuple(PublisherView(n, None, None, None, (), 0, n in new_sources) for n in names)
    views: list[PublisherView] = []
    for article_id in ids:
        if article_id in copies:
            continue
        record = records.get(article_id, {})
        name = _publisher(record)
        copy_ids = [c for c, o in sorted(copies.items()) if o == article_id]
        reprints = _links([], copy_ids, records, {})
        published = _day(record.get("published"))
        views.append(
            PublisherView(
                name,
                safe_url(record.get("url")),
                _str(record.get("title")),
                _day_text(record.get("published")) if published else None,
                tuple(r for r in reprints if r.name != name) or reprints,
                len(copy_ids),
                name in new_sources or article_id in new_sources,
            )
        )
    return tuple(sorted(views, key=lambda view: ((view.name or "").casefold(), view.title or "", view.url or "")))


def _story_view(story: Mapping[str, Any], index: int, max_facts: int | None) -> StoryView:
    records = _article_records(story)
    copies = {str(k): str(v) for k, v in story.get("copies", {}).items()} if isinstance(story.get("copies"), dict) else {}
    for article_id, record in records.items():  # digest/2 also marks a copy on the article itself
        if _str(record.get("copy_of")) and article_id not in copies:
            copies[article_id] = str(record["copy_of"])
    ids = [i for i in _list(story.get("article_ids")) if _str(i)]
    publishers = _publisher_views(story, records, copies)
    independent = _int(story.get("independent_sources"), len({p.name or p.title for p in publishers}))
    facts, more = _fact_views(story, records, copies, independent, max_facts)
    days = [d for d in (_day(r.get("published")) for r in records.values()) if d]
    if not days:  # no article dates: the story's first and last sighting, when the digest has them
        days = [d for d in (_day(story.get("first_seen")), _day(story.get("last_seen"))) if d]
    status = _str(story.get("status"))
    return StoryView(
        id=_str(story.get("id")) or f"story-{index + 1}",
        title=_str(story.get("title")) or (facts[0].text if facts else "Untitled story"),
        status=status.lower() if status else None,
        dates=_date_range(days),
        first_seen=_day_text(story.get("first_seen")),
        last_seen=_day_text(story.get("last_seen")),
        summary=_str(story.get("summary")) or "",
        summary_method=_str(story.get("summary_method")),
        independent_sources=independent,
        article_count=len(ids) or len(records),
        facts=facts,
        more_facts=more,
        disputes=_dispute_views(story, records, copies),
        publishers=publishers,
        note=_str(story.get("note")),
    )


def issue_view(data: Mapping[str, Any], *, title: str | None = None, max_facts: int | None = 5) -> IssueView:
    """The views a template renders, from a digest of any version (absent fields stay empty).

    ``max_facts`` caps the facts shown per story (the digest's order: most sources first);
    ``None`` shows all.

    Example:
        >>> issue_view({"schema": "storyfold.digest/1", "stories": []}).story_count
        0
    """
    stories = tuple(_story_view(s, i, max_facts) for i, s in enumerate(_list(data.get("stories"))) if isinstance(s, dict))
    all_days = [d for s in _list(data.get("stories")) if isinstance(s, dict) for d in (_day(r.get("published")) for r in _article_records(s).values()) if d]
    stats = data.get("stats") if isinstance(data.get("stats"), dict) else {}
    articles = stats.get("in_stories", stats.get("articles"))
    sources = {p.name for s in stories for p in s.publishers if p.name}
    languages = Counter(
        code for s in _list(data.get("stories")) if isinstance(s, dict) for r in _article_records(s).values()
        if isinstance(code := r.get("language"), str) and re.fullmatch(r"[a-z]{2,3}(-[A-Za-z0-9]{1,8})?", code)
    )
    return IssueView(
        title=title or "The day's stories",
        dates=_date_range(all_days),
        generated_at=_str(data.get("generated_at")),
        stories=stories,
        story_count=len(stories),
        article_count=articles if isinstance(articles, int) and not isinstance(articles, bool) else None,
        source_count=len(sources),
        new_count=sum(s.status == "new" for s in stories),
        updated_count=sum(s.status == "updated" for s in stories),
        schema=str(data.get("schema", "")),
        language=min(languages, key=lambda code: (-languages[code], code)) if languages else "en",
    )


# --------------------------------------------------------------------------- rendering


def format_for_path(path: str | Path | None) -> str | None:
    """The format a file name asks for (``.html``/``.htm`` or ``.md``/``.markdown``), else None.

    Example:
        >>> format_for_path("issue.html"), format_for_path("digest.json")
        ('html', None)
    """
    if path is None:
        return None
    return _SUFFIXES.get(Path(str(path)).suffix.lower())


def _environment(fmt: str, template: Path | None) -> Any:
    import jinja2

    loaders: list[Any] = []
    if template is not None:
        loaders.append(jinja2.FileSystemLoader(str(template.parent or Path("."))))
    loaders.append(jinja2.PackageLoader("summarize", "templates"))
    options: dict[str, Any] = dict(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    if fmt == "html":
        env = jinja2.Environment(autoescape=True, **options)
    else:
        env = jinja2.Environment(autoescape=False, finalize=_md_finalize, **options)
        env.filters["link"] = _md_link
        env.filters["raw"] = _md_raw
    env.filters["plural"] = lambda n, one, many=None: one if n == 1 else (many or one + "s")
    return env


def _load(env: Any, path: Path | None, fmt: str) -> Any:
    """The compiled template: the user's file ``path``, else the built-in one for ``fmt``.

    Raises:
        RenderError: exit code 2: the file is missing, not a file, unreadable, not UTF-8,
            or not valid Jinja2.
    """
    import jinja2

    if path is not None:
        if not path.exists():
            raise RenderError(f"template {path} does not exist", exit_code=2)
        if not path.is_file():
            raise RenderError(f"template {path} is not a file", exit_code=2)
    try:
        compiled = env.get_template(path.name if path is not None else _TEMPLATES[fmt])
        if path is not None:
            _load_referenced(env, path.name)
        return compiled
    except jinja2.TemplateSyntaxError as exc:
        raise RenderError(f"template {exc.filename or exc.name}: line {exc.lineno}: {exc.message}", exit_code=2) from None
    except jinja2.TemplateNotFound as exc:
        missing = "" if exc.name == (path.name if path else None) else f": the template {exc.name!r} it uses does not exist"
        raise RenderError(f"template {path}{missing or ' does not exist'}", exit_code=2) from None
    except UnicodeDecodeError as exc:
        raise RenderError(f"template {path}: not UTF-8 text (byte {exc.start}: {exc.reason})", exit_code=2) from None
    except OSError as exc:
        raise RenderError(f"template {path} cannot be read: {exc.strerror or exc}", exit_code=2) from None


def _load_referenced(env: Any, name: str, seen: set[str] | None = None) -> None:
    """Load every template ``name`` extends, includes or imports by a fixed name, so that a
    missing or broken one is found with the template itself, not while rendering."""
    import jinja2.meta

    seen = set() if seen is None else seen
    if name in seen:
        return
    seen.add(name)
    source = env.loader.get_source(env, name)[0]
    for other in jinja2.meta.find_referenced_templates(env.parse(source)):
        if other is not None:
            env.get_template(other)
            _load_referenced(env, other, seen)


def check_template(template: str | Path, fmt: str = "html") -> None:
    """Load and compile a user template, so that a missing or broken one is found before any work.

    Raises:
        RenderError: exit code 2: an unknown format, or a template that is missing, not a
            file, unreadable, not UTF-8, or not valid Jinja2 (``line N: ...``).

    Example:
        >>> check_template("missing.j2")
        Traceback (most recent call last):
        ...
        cluster.errors.RenderError: template missing.j2 does not exist
    """
    if fmt not in FORMATS:
        raise RenderError(f"format {fmt!r} is not one of {', '.join(repr(f) for f in FORMATS)}", exit_code=2)
    path = Path(template)
    _load(_environment(fmt, path), path, fmt)


def _template_line(exc: BaseException, path: Path) -> str:
    """``line N: `` of the innermost traceback frame in the template file, else nothing."""
    line = None
    traceback = exc.__traceback__
    target = str(path.name)
    while traceback is not None:
        if Path(traceback.tb_frame.f_code.co_filename).name == target:
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return f"line {line}: " if line is not None else ""


def render_digest(
    data: Mapping[str, Any],
    fmt: str = "html",
    *,
    template: str | Path | None = None,
    title: str | None = None,
    max_facts: int | None = 5,
) -> str:
    """Render a digest as an HTML page or Markdown text.

    ``template`` is a Jinja2 file used instead of the built-in one for ``fmt``; it may
    ``{% extends "newsletter.html.j2" %}`` (or ``newsletter.md.j2``) and override blocks.
    It receives ``issue`` (an :class:`IssueView`) and ``digest`` (the raw dict). In HTML
    every value is autoescaped; in Markdown every value is escaped unless it comes from
    the ``link`` filter (``{{ name | link(url) }}``, made from safe URLs only).

    Raises:
        RenderError: an unknown format, or a template that is missing or does not compile
            (exit code 2, see :func:`check_template`); a digest that is not one, or a
            template that fails while rendering: any exception its code raises, such as
            ``{{ 1/0 }}`` (exit code 1, ``template FILE: line N: ZeroDivisionError: ...``).

    Example:
        >>> print(render_digest({"schema": "storyfold.digest/1", "stories": []}, "md").splitlines()[0])
        # The day's stories
    """
    import jinja2

    if fmt not in FORMATS:
        raise RenderError(f"format {fmt!r} is not one of {', '.join(repr(f) for f in FORMATS)}", exit_code=2)
    check_digest(data)
    path = Path(template) if template is not None else None
    compiled = _load(_environment(fmt, path), path, fmt)
    view = issue_view(data, title=title, max_facts=max_facts)
    if path is None:  # the built-in template: an error other than Jinja's own is a bug and keeps its traceback
        try:
            return compiled.render(issue=view, digest=data)
        except jinja2.TemplateError as exc:
            raise RenderError(f"template {_TEMPLATES[fmt]}: {exc}") from None
    try:
        text = compiled.render(issue=view, digest=data)
    except jinja2.TemplateSyntaxError as exc:  # a template it extends or includes, loaded only now
        raise RenderError(f"template {exc.filename or exc.name}: line {exc.lineno}: {exc.message}", exit_code=2) from None
    except RecursionError:
        raise RenderError(f"template {path}: calls itself without end (maximum recursion depth exceeded)") from None
    except jinja2.TemplateError as exc:
        raise RenderError(f"template {path}: {_template_line(exc, path)}{exc}") from None
    except Exception as exc:  # the user's template code raised it: {{ 1/0 }}, {{ title + 5 }}
        raise RenderError(f"template {path}: {_template_line(exc, path)}{type(exc).__name__}: {exc}") from None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate ({{ "\udcff" }}) could not be written
        raise RenderError(f"template {path}: its output is not valid text (a lone surrogate at character {exc.start})") from None
    return text
