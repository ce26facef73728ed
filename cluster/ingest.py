"""Ingest: the only module that reads input files.

Reads folders (recursively) and files of .txt, .md, .html/.htm, .json and .jsonl into
:class:`~cluster.types.Article` objects. Every input that yields no article is reported as
a :class:`~cluster.types.Skipped` with its input (a path relative to the input root, or
``path:line``) and a reason; nothing is dropped silently.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from .charsets import LineDecoder
from .corpus import settle_articles
from .errors import InputPathError
from .parsers import Warn, decode_bytes, parse_html, parse_json, parse_json_line, parse_markdown, parse_plain, utf8_lines
from .pools import process_limit, process_pool, usable_cores
from .records import Rules, SkipInput, prepare_text, record_text, record_to_article
from .settings import IngestSettings
from .text import escape_controls
from .types import Article, Skipped

__all__ = ["PARSERS", "SUPPORTED_EXTENSIONS", "Ingested", "iter_articles", "load_articles"]

# The parser of each file type, by lower-case suffix; each takes the file's text and gives
# its record, or (JSON) a list of records. JSONL is read line by line (``_Reader.read_jsonl``).
PARSERS: dict[str, Callable[[str], Any]] = {
    ".txt": parse_plain,
    ".md": parse_markdown,
    ".html": parse_html,
    ".htm": parse_html,
    ".json": parse_json,
}
SUPPORTED_EXTENSIONS = (*PARSERS, ".jsonl")


@dataclass(frozen=True, slots=True)
class Ingested:
    """What ingest produced: the articles, and the inputs that produced none."""

    articles: tuple[Article, ...]
    skipped: tuple[Skipped, ...]


class _Reader:
    """Turns one input root into articles and skips, enforcing ids and caps."""

    def __init__(self, settings: IngestSettings, warn: Warn | None) -> None:
        self.settings = settings
        self.warn = warn
        self.rules = Rules.of(settings)
        self.seen: dict[str, str] = {}
        self.named: set[str] = set()  # ids that came from a file's name (its path without the extension)
        self.count = 0
        self.cleaner = _Cleaner(self.rules)

    def accept(self, article: Article, where: str, named: bool = False) -> Article | Skipped:
        """``article``, or the Skipped it makes (an id already taken, the article cap);
        ``named``: its id is the file's path without the extension."""
        if article.id in self.seen:
            first = self.seen[article.id]
            if named and article.id in self.named:
                return Skipped(
                    where,
                    f"duplicate id {article.id!r}: files {first} and {where} map to the same id (a file's id is its "
                    f"path without the extension); {first} is kept: rename one of them, or give it an \"id\" field",
                )
            return Skipped(where, f"duplicate id {article.id!r} (first seen in {first})")
        if self.count >= self.settings.max_articles:
            return Skipped(where, f"article cap reached (ingest.max_articles = {self.settings.max_articles})")
        self.seen[article.id] = where
        if named:
            self.named.add(article.id)
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
                raise SkipInput("empty file")
            text = decode_bytes(data, rel, self.warn, html=PARSERS[suffix] is parse_html)
            parsed = parse_markdown(text, where=rel, warn=self.warn) if PARSERS[suffix] is parse_markdown else PARSERS[suffix](text)
        except SkipInput as skip:
            yield Skipped(rel, skip.reason)
            return
        except OSError as exc:
            yield Skipped(rel, f"cannot read: {exc.strerror or exc}")
            return
        if isinstance(parsed, list):  # a JSON list: records numbered from 1
            for number, record in enumerate(parsed, start=1):
                yield self.to_article(record, f"{rel}:{number}", f"{rel}:{number}")
        else:
            yield self.to_article(parsed, default_id, rel, named=True)

    def to_article(self, record: Any, default_id: str, where: str, prepared: Any = None, *, named: bool = False) -> Article | Skipped:
        try:
            article = record_to_article(record, default_id, self.rules, prepared, where=where, warn=self.warn)
        except SkipInput as skip:
            return Skipped(where, skip.reason)
        return self.accept(article, where, named=named and article.id == default_id)

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
        pending: tuple[list[tuple[str, Any]], Callable[[], list[Any]]] | None = None
        decode = LineDecoder(self.warn)  # an encoding detected on one line is tried first on the next
        with handle:
            for number, line, oversize in _bounded_lines(utf8_lines(handle), cap):
                where = f"{rel}:{number}"
                if oversize:
                    produced = True
                    batch.append((where, Skipped(where, f"line is over the cap (ingest.max_file_bytes = {cap} bytes)")))
                elif line.strip():
                    produced = True
                    batch.append((where, self.parse_jsonl_line(line, where, decode)))
                if len(batch) >= _CLEAN_BATCH:
                    if pending is not None:
                        yield from self.finish_batch(*pending)
                    pending = (batch, self.cleaner.submit(_texts(batch, self.rules)))
                    batch = []
            if pending is not None:
                yield from self.finish_batch(*pending)
            yield from self.finish_batch(batch, self.cleaner.submit(_texts(batch, self.rules)))
        if not produced:
            yield Skipped(rel, "empty file")

    def parse_jsonl_line(self, line: bytes, where: str, decode: LineDecoder | None = None) -> Any:
        """The JSON value of one line, or the Skipped it makes."""
        try:
            return parse_json_line(decode(line, where) if decode is not None else decode_bytes(line, where, self.warn))
        except SkipInput as skip:
            return Skipped(where, skip.reason)

    def finish_batch(self, batch: list[tuple[str, Any]], texts: Callable[[], list[Any]]) -> Iterator[Article | Skipped]:
        """Articles and skips of parsed lines, in order; ``texts`` gives their prepared texts."""
        prepared = texts()
        cleaned = iter(prepared)
        with_text = _with_text(batch, self.rules) if len(prepared) < len(batch) else None
        for index, (where, record) in enumerate(batch):
            if isinstance(record, Skipped):
                yield record
            elif with_text is None or index in with_text:  # as in _texts
                yield self.to_article(record, where, where, next(cleaned))
            else:
                yield self.to_article(record, where, where)

    def close(self) -> None:
        self.cleaner.close()


_CLEAN_BATCH = 2048  # JSONL lines parsed before their texts are cleaned together
_PARALLEL_CLEAN_FROM = 512  # texts in a batch from which worker processes clean them
_CLEAN_CHUNK = 128  # texts per task handed to a worker


class _Cleaner:
    """:func:`~cluster.records.prepare_text` (markup, stubs, boilerplate, language) over
    lists of texts: in worker processes (started on first need, one per core) for long
    lists, else here. The output is the same either way."""

    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self.pool: Any = None

    def submit(self, texts: list[tuple[str, str | None]]) -> Callable[[], list[Any]]:
        """Start preparing ``texts`` ((text, title) pairs); the returned function waits for and returns the result."""
        workers = usable_cores()
        if workers == 1 or len(texts) < _PARALLEL_CLEAN_FROM:
            return lambda: [prepare_text(t, title, self.rules) for t, title in texts]
        if self.pool is None:
            self.pool = process_pool(workers, _init_cleaner, (self.rules,))
        chunks = [texts[i : i + _CLEAN_CHUNK] for i in range(0, len(texts), _CLEAN_CHUNK)]
        result = self.pool.map_async(_clean_chunk, chunks, chunksize=1)
        return lambda: [text for part in result.get() for text in part]

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool.join()
            self.pool = None


def _with_text(batch: list[tuple[str, Any]], rules: Rules) -> set[int]:
    """Indices of the records of a batch that _texts gives a text for."""
    return {i for i, (_, record) in enumerate(batch) if record_text(record, rules) is not None}


def _texts(batch: list[tuple[str, Any]], rules: Rules) -> list[tuple[str, str | None]]:
    """The (text, title) to prepare of a batch of parsed lines (records with a string text)."""
    found = []
    for _, record in batch:
        pair = record_text(record, rules)
        if pair is not None:
            found.append(pair)
    return found


_WORKER_RULES: list[Rules] = []


def _init_cleaner(rules: Rules) -> None:
    _WORKER_RULES[:] = [rules]


def _clean_chunk(texts: list[tuple[str, str | None]]) -> list[Any]:
    rules = _WORKER_RULES[0]
    return [prepare_text(t, title, rules) for t, title in texts]


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

    The walk keeps its own stack of folders instead of recursing, so no depth of nesting
    can exhaust Python's call stack (a folder past the system's path-length limit is
    reported as unreadable). Each folder's own entries come first, then its subfolders,
    in sorted order. Symlinked folders are not followed (no loops), a symbolic link to a
    file outside the input folder is not read (a link to ``/etc/passwd`` would put that
    file into the output), and hidden entries are not read; all are reported, as is a
    folder that cannot be listed, so nothing vanishes silently.
    """
    real_root = os.path.realpath(root)
    stack: list[Path] = [root]
    while stack:
        here = stack.pop()
        try:
            with os.scandir(here) as listing:
                entries = sorted((entry.name, entry) for entry in listing)
        except OSError as exc:
            if here == root:
                raise InputPathError(f"input folder {str(root)!r} cannot be read: {exc.strerror or exc}") from None
            yield here, f"cannot read folder: {exc.strerror or exc}"
            continue
        subfolders: list[Path] = []
        for name, entry in entries:
            path = here / name
            try:
                is_dir = entry.is_dir()  # follows a link, like os.walk
            except OSError:
                is_dir = False
            if name.startswith("."):
                yield path, "hidden " + ("folder" if is_dir else "file") + " (names starting with '.' are not read)"
            elif is_dir and entry.is_symlink():
                yield path, "symbolic link to a folder (not followed)"
            elif is_dir:
                subfolders.append(path)
            elif entry.is_symlink() and os.path.exists(path) and not _inside(os.path.realpath(path), real_root):
                yield path, "symbolic link to a file outside the input folder (not followed)"
            else:
                yield path, None
        stack.extend(reversed(subfolders))


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _display(name: str) -> str:
    """A file name as UTF-8-safe, one-line text: undecodable bytes (kept by the OS as
    surrogates) become ``\\xNN`` and control characters are escaped (``\\n``), so a name
    never splits a warning line and an id made from it holds no control character."""
    if not name.isascii():
        name = os.fsencode(name).decode("utf-8", "backslashreplace")
    return escape_controls(name)


def _relative(path: Path, root: Path) -> str:
    return _display(path.relative_to(root).as_posix())


def _listing(root: Path) -> list[tuple[Path, str, str | None]]:
    """(path, path relative to the input, reason it is not read or None) of every entry of one input."""
    if root.is_dir():
        return [(path, _relative(path, root), why) for path, why in _walk(root)]
    return [(root, _display(root.name), None)]


def _clashing(listed: list[list[tuple[Path, str, str | None]]], files: list[tuple[Path, str, str | None]]) -> set[str]:
    """Relative paths of ``files`` that another input also yields."""
    if len(listed) < 2:
        return set()
    own = {rel for _, rel, _ in files}
    seen_elsewhere: set[str] = set()
    for other in listed:
        if other is not files:
            seen_elsewhere.update(rel for _, rel, _ in other if rel in own)
    return seen_elsewhere


def _entry_key(path: Path, why: str | None) -> str:
    """The real path of a listed entry: a file read through a link is its target; an entry
    that is not read (a hidden name, a link to a folder) is itself, in its real folder."""
    if why is None:
        return os.path.realpath(path)
    return os.path.join(os.path.realpath(path.parent), path.name)


def _read_once(roots: list[Path], listed: list[list[tuple[Path, str, str | None]]]) -> tuple[list[list[tuple[Path, str, str | None]]], list[str]]:
    """The listings with each real file kept under one input only, and a warning per input
    that repeated another's files (``seeds ./seeds/``, or a folder and a file inside it).

    A file listed by several inputs is kept where its relative path is longest (the
    outermost folder, so its id does not depend on the order of the inputs; the first
    such input on a tie). Files listed twice under one input (two links to one file) are
    not touched here.
    """
    places: dict[str, list[tuple[int, int]]] = {}
    for i, files in enumerate(listed):
        for j, (path, _, why) in enumerate(files):
            places.setdefault(_entry_key(path, why), []).append((i, j))
    dropped: dict[int, dict[int, list[str]]] = {}  # input -> keeping input -> relative paths dropped
    drop: set[tuple[int, int]] = set()
    for where in places.values():
        if len({i for i, _ in where}) < 2:
            continue
        keeper = min(where, key=lambda place: (-len(listed[place[0]][place[1]][1]), place[0]))[0]
        for i, j in where:
            if i != keeper:
                drop.add((i, j))
                dropped.setdefault(i, {}).setdefault(keeper, []).append(listed[i][j][1])
    if not drop:
        return listed, []
    kept = [[entry for j, entry in enumerate(files) if (i, j) not in drop] for i, files in enumerate(listed)]
    warnings = []
    for i in sorted(dropped):
        given = _display(str(roots[i]))
        through = " and ".join(repr(_display(str(roots[k]))) for k in sorted(dropped[i]))
        names = sorted(rel for rels in dropped[i].values() for rel in rels)
        if through == repr(given):  # the same path, written alike (seeds and ./seeds/)
            warnings.append(f"input {given!r} was given twice; {'it is' if not roots[i].is_dir() else 'each file is'} read once")
        elif not roots[i].is_dir():
            warnings.append(f"input {given!r} was given twice (the same file is read through input {through}); it is read once")
        elif not kept[i]:
            files = "its file is" if len(names) == 1 else f"its {len(names)} files are"
            warnings.append(f"input {given!r} was given twice ({files} read through input {through}); each file is read once")
        else:
            shown = ", ".join(names[:3]) + (", ..." if len(names) > 3 else "")
            count = "1 file" if len(names) == 1 else f"{len(names)} files"
            warnings.append(f"input {given!r}: {count} ({shown}) also given through input {through}; each file is read once")
    return kept, warnings


def _root_labels(roots: list[Path]) -> list[str]:
    """A name per input that tells them apart: its folder's name (a file's own folder),
    with as many parent folders as it takes (``monday``, ``a/monday`` and ``b/monday``)."""
    parts = []
    for root in roots:
        folder = root if root.is_dir() else root.parent
        parts.append([_display(p) for p in folder.resolve().parts[1:]] or ["input"])
    for depth in range(1, max(len(p) for p in parts) + 1):
        labels = ["/".join(p[-depth:]) for p in parts]
        if len(set(labels)) == len(labels) or depth == max(len(p) for p in parts):
            return labels
    return ["input"] * len(roots)


def iter_articles(
    paths: Iterable[str | os.PathLike[str]], settings: IngestSettings | None = None, *, warn: Warn | None = None
) -> Iterator[Article | Skipped]:
    """Stream articles and skips from files and folders, one input at a time.

    Inputs are read in the order given, each in sorted order, so the same inputs always
    give the same stream. A file that two inputs reach (the same folder given twice, or a
    folder and a file inside it; compared by real path) is read once, under the input
    where its relative path is longest, and ``warn`` says it was given twice. When two
    inputs yield the same relative path
    (``monday/article.html`` and ``tuesday/article.html``), that path, and so the id of its
    article, is prefixed with the input's folder name (``monday/article``), with parent
    folders added while the names still clash. ``warn`` receives one line per problem (a
    skipped input, a guessed text encoding, an unreadable date).

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
        listed = [_listing(root) for root in roots]
        if len(roots) > 1:  # the same file reached through two inputs is read once, under its usual id
            listed, repeats = _read_once(roots, listed)
            for message in repeats:
                if warn:
                    warn(message)
        for root, files, label in zip(roots, listed, _root_labels(roots)):
            clashing = _clashing(listed, files)
            for path, rel, why in files:
                if rel in clashing:  # the same relative path under another input: name the input
                    rel = f"{label}/{rel}"
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
    paths: Iterable[str | os.PathLike[str]],
    settings: IngestSettings | None = None,
    *,
    warn: Warn | None = None,
    processes: int = 0,
) -> Ingested:
    """Read every article under ``paths`` (files or folders, recursively), on at most
    ``processes`` processes (0: one per core; ``engine.processes`` in the config).

    Unlike :func:`iter_articles`, which streams each article as read, this also settles
    what needs the whole corpus (:func:`cluster.corpus.settle_articles`): one name per
    publisher, title tails repeated across a publisher's titles, shared teaser stubs.

    Raises:
        InputPathError: an input path does not exist.
        ConfigError: ``processes`` is negative.

    Example:
        >>> ingested = load_articles(["seeds"])  # doctest: +SKIP
        >>> len(ingested.articles)  # doctest: +SKIP
        3
    """
    articles: list[Article] = []
    skipped: list[Skipped] = []
    with process_limit(processes):
        for item in iter_articles(paths, settings, warn=warn):
            (articles if isinstance(item, Article) else skipped).append(item)  # type: ignore[arg-type]
    articles, stubs = settle_articles(articles, settings or IngestSettings())
    for stub in stubs:
        if warn:
            warn(f"skipped {stub.input}: {stub.reason}")
    return Ingested(tuple(articles), tuple(skipped) + tuple(stubs))
