"""Ingest: the only module that reads input files.

Reads folders (recursively) and files of .txt, .md, .html/.htm, .json and .jsonl into
:class:`~cluster.types.Article` objects. Every input that yields no article is reported as
a :class:`~cluster.types.Skipped` with its input (a path relative to the input root, or
``path:line``) and a reason; nothing is dropped silently.
"""

from __future__ import annotations

import html as html_lib
import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence
from urllib.parse import urlsplit

from .errors import InputPathError
from .settings import IngestSettings, process_pool, usable_cores
from .text import STOP_WORDS, normalize, word_tokens
from .types import Article, Skipped

__all__ = ["SUPPORTED_EXTENSIONS", "Ingested", "iter_articles", "load_articles", "clean_text"]

SUPPORTED_EXTENSIONS = (".txt", ".md", ".html", ".htm", ".json", ".jsonl")
ARTICLE_FIELDS = ("id", "title", "text", "source", "url", "published")

Warn = Callable[[str], None]

_TAG = re.compile(r"<(?:script|style|iframe|noscript)\b.*?(?:</(?:script|style|iframe|noscript)\s*>|$)|<!--.*?(?:-->|$)|</?[A-Za-z][^<>]*>", re.S | re.I)
_BLANK_LINES = re.compile(r"\n{3,}")


@dataclass(frozen=True, slots=True)
class Ingested:
    """What ingest produced: the articles, and the inputs that produced none."""

    articles: tuple[Article, ...]
    skipped: tuple[Skipped, ...]


class _Skip(Exception):
    """Internal: this input yields no article, for ``reason``."""

    def __init__(self, reason: str, input: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.input = input


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


def _decode(data: bytes, where: str, warn: Warn | None) -> str:
    if b"\x00" in data[:8192]:
        raise _Skip("binary file (NUL bytes)")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise _Skip(f"undecodable bytes: not UTF-8 and not cp1252 (byte {exc.start})") from None
    if warn:
        warn(f"{where}: not valid UTF-8, decoded as cp1252")
    return text


_MAX_META_DEPTH = 32


def _safe_str(text: str) -> str:
    """``text`` with lone surrogates (unencodable in UTF-8) replaced by U+FFFD."""
    return text.encode("utf-8", "surrogatepass").decode("utf-8", "replace") if not text.isascii() else text


def _json_value(value: Any, key: str, depth: int = 0) -> Any:
    """An extra field's value made writable as strict JSON: no NaN/Infinity, no lone surrogates."""
    if depth > _MAX_META_DEPTH:
        raise _Skip(f"field {key!r} is nested more than {_MAX_META_DEPTH} levels deep")
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
    raise _Skip(f"field {key!r} must be a string, got {type(value).__name__}")


class _Reader:
    """Turns one input root into articles and skips, enforcing ids and caps."""

    def __init__(self, settings: IngestSettings, warn: Warn | None) -> None:
        self.settings = settings
        self.warn = warn
        self.patterns = [re.compile(p, re.I) for p in settings.boilerplate_patterns]
        self.seen: dict[str, str] = {}
        self.count = 0
        self.cleaner = _Cleaner(self.patterns)

    # -- records -------------------------------------------------------------------------
    def make_article(self, record: dict[str, Any], default_id: str, where: str, cleaned: str | None = None) -> Article:
        raw_id = record.get("id")
        if raw_id is None or raw_id == "":
            article_id = default_id
        elif isinstance(raw_id, (str, int)) and not isinstance(raw_id, bool):
            article_id = normalize(str(raw_id))
            if not article_id:
                article_id = default_id
        else:
            raise _Skip(f"field 'id' must be a string or integer, got {type(raw_id).__name__}")
        text_value = record.get("text")
        if text_value is None:
            raise _Skip("record has no text")
        if not isinstance(text_value, str):
            raise _Skip(f"field 'text' must be a string, got {type(text_value).__name__}")
        text = clean_text(text_value, self.patterns) if cleaned is None else cleaned
        if not text:
            raise _Skip("record has no text (empty after removing markup and boilerplate)")
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

    def accept(self, article: Article, where: str) -> Article | Skipped:
        if article.id in self.seen:
            return Skipped(where, f"duplicate id {article.id!r} (first seen in {self.seen[article.id]})")
        if self.count >= self.settings.max_articles:
            return Skipped(where, f"article cap reached (ingest.max_articles = {self.settings.max_articles})")
        self.seen[article.id] = where
        self.count += 1
        return article

    # -- files ---------------------------------------------------------------------------
    def read_file(self, path: Path, rel: str) -> Iterator[Article | Skipped]:
        suffix = path.suffix.lower()
        default_id = rel[: -len(path.suffix)] if path.suffix else rel
        try:
            info = path.stat()
        except OSError as exc:
            yield Skipped(rel, f"cannot read: {exc.strerror or exc}")
            return
        if not stat.S_ISREG(info.st_mode):
            yield Skipped(rel, "not a regular file")
            return
        if suffix == ".jsonl":
            yield from self.read_jsonl(path, rel)
            return
        if info.st_size > self.settings.max_file_bytes:
            yield Skipped(rel, f"file is {info.st_size} bytes, over the cap (ingest.max_file_bytes = {self.settings.max_file_bytes})")
            return
        try:
            data = path.read_bytes()
            if not data.strip():
                raise _Skip("empty file")
            text = _decode(data, rel, self.warn)
            if suffix in (".txt", ".md"):
                records = [(self.parse_plain(text, markdown=suffix == ".md"), default_id, rel)]
            elif suffix in (".html", ".htm"):
                records = [(self.parse_html(text), default_id, rel)]
            else:
                records = self.parse_json(text, rel, default_id)
        except _Skip as skip:
            yield Skipped(rel, skip.reason)
            return
        except OSError as exc:
            yield Skipped(rel, f"cannot read: {exc.strerror or exc}")
            return
        for record, record_id, where in records:
            yield self.to_article(record, record_id, where)

    def to_article(self, record: Any, default_id: str, where: str, cleaned: str | None = None) -> Article | Skipped:
        try:
            if isinstance(record, _Skip):
                raise record
            if not isinstance(record, dict):
                raise _Skip(f"expected a JSON object, got {type(record).__name__}")
            article = self.make_article(record, default_id, where, cleaned)
        except _Skip as skip:
            return Skipped(where, skip.reason)
        return self.accept(article, where)

    def parse_plain(self, text: str, *, markdown: bool) -> dict[str, Any]:
        lines = text.splitlines()
        filled = [index for index, line in enumerate(lines) if line.strip()]
        if not filled:
            raise _Skip("empty file")
        index = _headline_index(lines, filled[:2])
        title = lines[index].strip()
        if markdown:
            title = title.lstrip("#").strip()
        return {"title": title or None, "text": "\n".join(lines[index + 1 :])}

    def parse_html(self, text: str) -> dict[str, Any]:
        from lxml import html as lxml_html  # lazy: only HTML inputs need it

        try:
            tree = lxml_html.document_fromstring(text)
        except Exception as exc:  # lxml raises several types on hopeless markup
            raise _Skip(f"unparseable HTML ({type(exc).__name__})") from None

        def meta(*xpaths: str) -> str | None:
            for xpath in xpaths:
                for value in tree.xpath(xpath):
                    value = str(value).strip()
                    if value:
                        return value
            return None

        title = meta("//meta[@property='og:title']/@content", "//title/text()", "//h1//text()")
        url = meta("//link[@rel='canonical']/@href", "//meta[@property='og:url']/@content")
        published = meta(
            "//meta[@property='article:published_time']/@content",
            "//meta[@name='date']/@content",
            "//time/@datetime",
        )
        source = meta("//meta[@property='og:site_name']/@content")
        import trafilatura  # lazy: heavy import

        body = trafilatura.extract(text, include_comments=False, include_tables=False, favor_recall=True)
        if not body:
            raise _Skip("no main text found in HTML")
        return {"title": title, "text": body, "url": url, "published": published, "source": source}

    def parse_json(self, text: str, rel: str, default_id: str) -> list[tuple[Any, str, str]]:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise _Skip(f"malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
        except RecursionError:
            raise _Skip("malformed JSON: nested too deeply") from None
        if isinstance(data, dict):
            return [(data, default_id, rel)]
        if isinstance(data, list):
            if not data:
                raise _Skip("empty JSON list")
            return [(item, f"{rel}:{i}", f"{rel}:{i}") for i, item in enumerate(data, start=1)]
        raise _Skip(f"expected a JSON object or a list of objects, got {type(data).__name__}")

    def read_jsonl(self, path: Path, rel: str) -> Iterator[Article | Skipped]:
        cap = self.settings.max_file_bytes
        try:
            handle = path.open("rb")
        except OSError as exc:
            yield Skipped(rel, f"cannot read: {exc.strerror or exc}")
            return
        produced = False
        # Lines are parsed here in order; the texts of a batch are cleaned together, on
        # every core for large files (cleaning is most of the work of ingest), while the
        # next batch is parsed.
        batch: list[tuple[str, Any]] = []
        pending: tuple[list[tuple[str, Any]], Callable[[], list[str]]] | None = None
        with handle:
            for number, line, oversize in _bounded_lines(handle, cap):
                where = f"{rel}:{number}"
                if oversize:
                    produced = True
                    batch.append((where, Skipped(where, f"line is over the cap (ingest.max_file_bytes = {cap} bytes)")))
                elif line.strip():
                    produced = True
                    batch.append((where, self.parse_jsonl_line(line, where)))
                if len(batch) >= _CLEAN_BATCH:
                    if pending is not None:
                        yield from self.finish_batch(*pending)
                    pending = (batch, self.cleaner.submit(_texts(batch)))
                    batch = []
            if pending is not None:
                yield from self.finish_batch(*pending)
            yield from self.finish_batch(batch, self.cleaner.submit(_texts(batch)))
        if not produced:
            yield Skipped(rel, "empty file")

    def parse_jsonl_line(self, line: bytes, where: str) -> Any:
        """The JSON value of one line, or the Skipped it makes."""
        try:
            record_text = _decode(line, where, self.warn)
            try:
                return json.loads(record_text)
            except json.JSONDecodeError as exc:
                raise _Skip(f"bad JSONL line: {exc.msg} at column {exc.colno}") from None
            except RecursionError:
                raise _Skip("bad JSONL line: nested too deeply") from None
        except _Skip as skip:
            return Skipped(where, skip.reason)

    def finish_batch(self, batch: list[tuple[str, Any]], texts: Callable[[], list[str]]) -> Iterator[Article | Skipped]:
        """Articles and skips of parsed lines, in order; ``texts`` gives their cleaned texts."""
        cleaned = iter(texts())
        for where, record in batch:
            if isinstance(record, Skipped):
                yield record
            elif isinstance(record, dict) and isinstance(record.get("text"), str):  # as in _texts
                yield self.to_article(record, where, where, next(cleaned))
            else:
                yield self.to_article(record, where, where)

    def close(self) -> None:
        self.cleaner.close()


_CLEAN_BATCH = 2048  # JSONL lines parsed before their texts are cleaned together
_PARALLEL_CLEAN_FROM = 512  # texts in a batch from which worker processes clean them
_CLEAN_CHUNK = 128  # texts per task handed to a worker


class _Cleaner:
    """``clean_text`` over lists of texts: in worker processes (started on first need, one
    per core) for long lists, else here. The output is the same either way."""

    def __init__(self, patterns: Sequence[re.Pattern[str]]) -> None:
        self.patterns = list(patterns)
        self.pool: Any = None

    def submit(self, texts: list[str]) -> Callable[[], list[str]]:
        """Start cleaning ``texts``; the returned function waits for and returns the result."""
        workers = usable_cores()
        if workers == 1 or len(texts) < _PARALLEL_CLEAN_FROM:
            return lambda: [clean_text(t, self.patterns) for t in texts]
        if self.pool is None:
            self.pool = process_pool(workers, _init_cleaner, (self.patterns,))
        chunks = [texts[i : i + _CLEAN_CHUNK] for i in range(0, len(texts), _CLEAN_CHUNK)]
        result = self.pool.map_async(_clean_chunk, chunks, chunksize=1)
        return lambda: [text for part in result.get() for text in part]

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool.join()
            self.pool = None


def _texts(batch: list[tuple[str, Any]]) -> list[str]:
    """The texts to clean of a batch of parsed lines (records with a string ``text``)."""
    return [r["text"] for _, r in batch if isinstance(r, dict) and isinstance(r.get("text"), str)]


_WORKER_PATTERNS: list[re.Pattern[str]] = []


def _init_cleaner(patterns: list[re.Pattern[str]]) -> None:
    _WORKER_PATTERNS[:] = patterns


def _clean_chunk(texts: list[str]) -> list[str]:
    return [clean_text(t, _WORKER_PATTERNS) for t in texts]


def _bounded_lines(handle: Any, cap: int) -> Iterator[tuple[int, bytes, bool]]:
    """Yield (line number, line, oversize) without ever holding more than ``cap`` bytes of a line."""
    number = 0
    while True:
        line = handle.readline(cap + 1)
        if not line:
            return
        number += 1
        if len(line) > cap and not line.endswith(b"\n"):
            while True:  # discard the rest of the long line in bounded pieces
                rest = handle.readline(1 << 20)
                if not rest or rest.endswith(b"\n"):
                    break
            yield number, b"", True
            continue
        yield number, line, False


def _walk(root: Path) -> Iterator[tuple[Path, str | None]]:
    """Entries under ``root`` in sorted order, each with the reason it is not read (or None).

    Symlinked folders are not followed (no loops) and hidden entries are not read; both
    are reported, as is a folder that cannot be listed, so nothing vanishes silently.
    """
    errors: list[OSError] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=errors.append):
        while errors:
            exc = errors.pop()
            if exc.filename is not None and Path(exc.filename) != root:
                yield Path(exc.filename), f"cannot read folder: {exc.strerror or exc}"
        here = Path(dirpath)
        entries = [(d, True) for d in dirnames] + [(f, False) for f in filenames]
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not (here / d).is_symlink())
        for name, is_dir in sorted(entries):
            path = here / name
            if name.startswith("."):
                yield path, "hidden " + ("folder" if is_dir else "file") + " (names starting with '.' are not read)"
            elif is_dir and path.is_symlink():
                yield path, "symbolic link to a folder (not followed)"
            elif not is_dir:
                yield path, None
    for exc in errors:
        if exc.filename is not None and Path(exc.filename) != root:
            yield Path(exc.filename), f"cannot read folder: {exc.strerror or exc}"
        else:
            raise InputPathError(f"input folder {str(root)!r} cannot be read: {exc.strerror or exc}")


def _display(name: str) -> str:
    """A file name as UTF-8-safe text: undecodable bytes (kept by the OS as surrogates) become ``\\xNN``."""
    if name.isascii():
        return name
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def _relative(path: Path, root: Path) -> str:
    return _display(path.relative_to(root).as_posix())


def iter_articles(
    paths: Iterable[str | os.PathLike[str]], settings: IngestSettings | None = None, *, warn: Warn | None = None
) -> Iterator[Article | Skipped]:
    """Stream articles and skips from files and folders, one input at a time.

    Inputs are read in sorted order, so the same inputs always give the same stream.
    ``warn`` receives one line per problem (a skipped input, a cp1252 fallback).

    Raises:
        InputPathError: an input path does not exist.

    Example:
        >>> items = list(iter_articles(["seeds"]))  # doctest: +SKIP
    """
    settings = settings or IngestSettings()
    reader = _Reader(settings, warn)
    roots = [Path(p) for p in paths]
    for root in roots:
        if not os.path.lexists(root):
            raise InputPathError(f"input path {str(root)!r} does not exist")
    try:
        for root in roots:
            if root.is_dir():
                files = [(path, _relative(path, root), why) for path, why in _walk(root)]
            else:
                files = [(root, _display(root.name), None)]
            for path, rel, why in files:
                if why is not None:
                    items: Iterable[Article | Skipped] = [Skipped(rel, why)]
                elif path.suffix.lower() not in SUPPORTED_EXTENSIONS:
                    items = [
                        Skipped(rel, f"unsupported file type {path.suffix or '(none)'!r} (supported: {', '.join(SUPPORTED_EXTENSIONS)})")
                    ]
                elif path.is_symlink() and not path.exists():
                    items = [Skipped(rel, "broken symbolic link (its target is missing, or it points to itself)")]
                else:
                    items = reader.read_file(path, rel)
                for item in items:
                    if isinstance(item, Skipped) and warn:
                        warn(f"skipped {item.input}: {item.reason}")
                    yield item
    finally:
        reader.close()


def load_articles(
    paths: Iterable[str | os.PathLike[str]], settings: IngestSettings | None = None, *, warn: Warn | None = None
) -> Ingested:
    """Read every article under ``paths`` (files or folders, recursively).

    Example:
        >>> ingested = load_articles(["seeds"])  # doctest: +SKIP
        >>> len(ingested.articles)  # doctest: +SKIP
        3
    """
    articles: list[Article] = []
    skipped: list[Skipped] = []
    for item in iter_articles(paths, settings, warn=warn):
        (articles if isinstance(item, Article) else skipped).append(item)  # type: ignore[arg-type]
    return Ingested(tuple(articles), tuple(skipped))


_HEADLINE_WORDS = 20
_SENTENCE_END = tuple(".!:;,\"”")


def _headline_index(lines: list[str], first_two: list[int]) -> int:
    """The line of a plain-text file that is its headline: the first non-empty line, unless
    it and the next are both short and unpunctuated (a site's name or slogan above the
    headline) and the next shares more words with the body than the first does.

    Example:
        >>> _headline_index(["Daily Planet", "", "Storm floods Metropolis", "", "A storm flooded Metropolis today."], [0, 2])
        2
        >>> _headline_index(["Storm floods Metropolis", "By Lois Lane", "", "A storm flooded Metropolis today."], [0, 1])
        0
    """
    first = first_two[0]
    if len(first_two) < 2:
        return first
    second = first_two[1]
    if not all(_headline_like(lines[i]) for i in first_two):
        return first
    body = {w for line in lines[second + 1 : second + 60] for w in word_tokens(line)}

    def shared(i: int) -> int:
        words = {w for w in word_tokens(lines[i]) if len(w) > 2 and w.replace("'", "").isalpha()}
        return len((words - STOP_WORDS) & body)

    return second if shared(second) > max(shared(first), 1) else first


def _headline_like(line: str) -> bool:
    words = line.strip().lstrip("#").split()
    return 0 < len(words) <= _HEADLINE_WORDS and not line.rstrip().endswith(_SENTENCE_END)
