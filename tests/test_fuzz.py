"""Fuzzing ingest and the CLI with hostile and broken inputs: nothing is lost, nothing crashes.

Every generated folder is read twice: as a whole, and entry by entry. Each entry must
yield at least one article or one skipped record naming it (its path relative to the
input root, or ``path:line``), with a reason; the folder run must account for exactly as
many items as the entries did one by one; what ingest produced must serialise to strict
JSON that passes the published schema, with no absolute path and no markup in it.

The strategies here are also what ``benchmarks/fuzz_report.py`` runs.
"""

from __future__ import annotations

import functools
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cluster.ingest import SUPPORTED_EXTENSIONS, load_articles
from cluster.settings import IngestSettings
from cluster.types import Article, Cluster, Clustering, Skipped

# Fixed budgets, derandomised: CI sees the same examples on every run.
INGEST_EXAMPLES = 1900
CLUSTER_CLI_EXAMPLES = 150
RUN_CLI_EXAMPLES = 80
FUZZ = dict(deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck), print_blob=True)

MARKUP = re.compile(r"<\s*/?\s*(?:script|iframe|style|img|link|object|embed|svg)\b|<[A-Za-z!/?][^<>]*>", re.I)

# -- content ------------------------------------------------------------------------------------
WORDS = ("rain", "fell", "Paris", "officials", "said", "Monday", "the", "mayor", "of", "12", "people", "were", "hurt", "café", "日本", "Zürich")
ODD_CHARS = "\u202e\u202d\u200b\u200c\u200d\u200f\u200e\u2066\u2067\u2069\u061c\ufeff\u00ad\u2028\u2029"
CONTROL = "".join(chr(c) for c in list(range(0, 32)) + [127] + list(range(0x80, 0xA0)))
MULTIBYTE = "éßø日本語😀𝔘ḁ‱"

HTML_FRAGMENTS = (
    "<script>fetch('http://127.0.0.1:9/steal')</script>",
    "<script src=http://127.0.0.1:9/x.js></script>",
    "<SCRIPT>document.write('<p>injected</p>')</SCRIPT>",
    "<script>unterminated(",
    "<iframe src='http://127.0.0.1:9/frame'></iframe>",
    "<iframe srcdoc='<script>x()</script>'>",
    "<img src=http://127.0.0.1:9/pixel.gif onerror=alert(1)>",
    "<link rel=stylesheet href=http://127.0.0.1:9/s.css>",
    "<meta http-equiv=refresh content='0;url=http://127.0.0.1:9/'>",
    "<object data=http://127.0.0.1:9/x.swf></object><embed src=x>",
    "<svg onload=alert(1)><circle r=1 /></svg>",
    "<style>body{background:url(http://127.0.0.1:9/bg)}</style>",
    "<!-- a comment <script>hidden()</script> -->",
    "<!-- unterminated comment",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#x3C;iframe src=x&#x3E;",
    "＜script＞alert(1)＜/script＞",
    "&amp;lt;b&amp;gt; &nbsp;&copy;&#8212;&#0;&#xD800;&#x110000;&bogus;",
    "<p>Officials said 12 people were hurt when rain fell in Paris on Monday.</p>",
    "<p>The mayor of Paris said the clean-up would take a week, and officials agreed.",
    "<div><span><b><i>nested<u>never closed",
    "</div></div></body>",
    "<a href='javascript:alert(1)'>link</a>",
    "<title>Rain &amp; <b>storms</b></title>",
    "<h1>Headline <script>x()</script></h1>",
    "<<<>>><p<p>><//>",
    "<![CDATA[ raw <b>text</b> ]]>",
    "<?xml version='1.0'?><!DOCTYPE html SYSTEM 'http://127.0.0.1:9/dtd'>",
    "<base href=http://127.0.0.1:9/>",
)


def _text(alphabet: str, max_size: int = 300) -> st.SearchStrategy[str]:
    return st.lists(st.one_of(st.sampled_from(WORDS), st.text(alphabet=alphabet, min_size=1, max_size=4)), max_size=max_size // 4).map(" ".join)


@st.composite
def _truncated_utf8(draw: Any) -> bytes:
    data = draw(_text(MULTIBYTE + "abc \n")).encode("utf-8")
    return data[: draw(st.integers(0, len(data)))]


@st.composite
def _nul_bytes(draw: Any) -> bytes:
    data = bytearray(draw(_text("abc \n")).encode("utf-8"))
    for _ in range(draw(st.integers(1, 4))):
        data.insert(draw(st.integers(0, len(data))), 0)
    return bytes(data)


@st.composite
def _huge_line(draw: Any) -> bytes:
    unit = draw(st.sampled_from([b"x", b"word ", "日本".encode(), b"<b>", b"&amp;"]))
    size = draw(st.integers(5_000, 300_000))
    line = unit * (size // len(unit))
    if draw(st.booleans()):
        line = b'{"text": "' + line.replace(b'"', b"") + b'"}'
    return b"Title\n" + line + b"\n"


@st.composite
def _deep_json(draw: Any) -> bytes:
    depth = draw(st.integers(1, 5_000))
    opener, closer = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
    nested = opener * depth + "1" + closer * depth
    where = draw(st.sampled_from(["document", "text", "extra"]))
    if where == "document":
        return nested.encode()
    if where == "text":
        return ('{"text": ' + nested + "}").encode()
    return ('{"text": "Rain fell in Paris.", "extra": ' + nested + "}").encode()


@st.composite
def _html(draw: Any) -> bytes:
    parts = draw(st.lists(st.sampled_from(HTML_FRAGMENTS), min_size=0, max_size=12))
    doc = "".join(parts)
    if draw(st.booleans()):
        doc = "<html><head><title>T</title></head><body>" + doc + "</body></html>"
    data = doc.encode("utf-8")
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return data


_JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.sampled_from(["\ud800", "x\udfff", "<script>x()</script>", "", "   ", "\u202eevil", "&lt;iframe&gt;"]),
)
_JSON_VALUES = st.recursive(_JSON_SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)
_RECORD_KEYS = st.sampled_from(["id", "title", "text", "source", "url", "published", "meta", "extra", "\ud800", ""])


@st.composite
def _json_records(draw: Any) -> bytes:
    def record() -> Any:
        if draw(st.integers(0, 9)) == 0:
            return draw(_JSON_VALUES)
        fields = draw(st.dictionaries(_RECORD_KEYS, _JSON_VALUES, max_size=6))
        if draw(st.booleans()):
            fields["text"] = draw(_text(string_alphabet()))
        return fields

    records = [record() for _ in range(draw(st.integers(0, 5)))]
    if draw(st.booleans()):  # JSONL-shaped: one value per line, some lines broken or blank
        lines = [json.dumps(r, allow_nan=True) for r in records]
        lines += draw(st.lists(st.sampled_from(["", "   ", "{", "}", "nul\x00", '{"text": "a"', "[1,2", "NaN"]), max_size=3))
        return "\n".join(lines).encode("utf-8", "surrogatepass")
    value: Any = records[0] if len(records) == 1 else records
    return json.dumps(value, allow_nan=True).encode("utf-8", "surrogatepass")


def string_alphabet() -> str:
    return "abcdefgh ,.\n" + MULTIBYTE + ODD_CHARS


CONTENT = {
    "random_bytes": st.binary(max_size=600),
    "truncated_utf8": _truncated_utf8(),
    "nul_bytes": _nul_bytes(),
    "control_chars": _text(CONTROL + "ab ").map(lambda t: t.encode("utf-8")),
    "bidi_zero_width": _text(ODD_CHARS + "ab ").map(lambda t: t.encode("utf-8")),
    "huge_line": _huge_line(),
    "deep_json": _deep_json(),
    "empty": st.sampled_from([b"", b" ", b"\n\n\t\r\n", b"\xef\xbb\xbf", b"\xef\xbb\xbf \n"]),
    "html": _html(),
    "json_records": _json_records(),
    "plain_text": _text("abcdefgh ,.\n").map(lambda t: ("Headline\n" + t).encode()),
}

EXTENSIONS = (*SUPPORTED_EXTENSIONS, ".TXT", ".Json", ".pdf", "", ".txt.bak")
NAME_PREFIXES = (
    "with space", "new\nline", "tab\there", "ünïcødé", "日本語の記事", "emoji 😀", "rtl\u202eexe", "zero\u200bwidth",
    "bad\udcffbyte", "\udce9t\udce9", ".hidden", "-dash", "$(echo pwn)", "a;b|c&d", "'quoted\"", "..dots",
)
SPECIALS = ("fifo", "dangling_link", "loop_link", "folder_link", "folder_named_like_file", "unreadable_link")


@dataclass(frozen=True)
class Entry:
    """One generated folder entry: a file with content, or a filesystem oddity."""

    name: str
    category: str
    data: bytes = b""


def _name_prefix() -> st.SearchStrategy[str]:
    free = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/\x00"), min_size=1, max_size=12)
    return st.one_of(st.sampled_from(NAME_PREFIXES), free)


@st.composite
def entries(draw: Any, max_entries: int = 4) -> list[Entry]:
    """A folder's worth of hostile entries, with unique, legal names."""
    count = draw(st.integers(1, max_entries))
    out: list[Entry] = []
    used: set[bytes] = set()
    for index in range(count):
        if draw(st.integers(0, 9)) == 0:
            category = draw(st.sampled_from(SPECIALS))
            data = b""
            ext = ".txt"
        else:
            category = draw(st.sampled_from(sorted(CONTENT)))
            data = draw(CONTENT[category])
            ext = draw(st.sampled_from(EXTENSIONS))
        name = draw(_name_prefix()) + ext
        if name in (".", "..") or len(os.fsencode(name)) > 200 or os.fsencode(name) in used:
            name = f"{index}-entry{ext}"
        used.add(os.fsencode(name))
        out.append(Entry(name, category, data))
    return out


def relative(name: str) -> str:
    """How an input name appears in outputs: UTF-8 text, undecodable bytes shown as \\xNN."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def materialise(root: Path, items: list[Entry]) -> None:
    """Create the entries under ``root`` (an existing, empty folder)."""
    for entry in items:
        path = root / entry.name
        if entry.category == "fifo":
            os.mkfifo(path)
        elif entry.category == "dangling_link":
            os.symlink("no-such-target.txt", path)
        elif entry.category == "loop_link":
            os.symlink(entry.name, path)
        elif entry.category == "folder_link":
            os.symlink(".", path)  # a loop back to the root: must not be followed
        elif entry.category == "folder_named_like_file":
            path.mkdir()
            (path / "inner.txt").write_bytes(b"Inner headline\nRain fell in Paris on Monday, officials said.")
        elif entry.category == "unreadable_link":
            os.symlink("/proc/self/mem", path)  # a regular file whose read fails, even for root
        else:
            path.write_bytes(entry.data)


def _matches(item_input: str, rel: str) -> bool:
    return item_input == rel or item_input.startswith(rel + ":") or item_input.startswith(rel + "/")


def check_folder(root: Path, items: list[Entry], ingest: IngestSettings) -> tuple[Any, dict[str, int]]:
    """Ingest ``root`` and assert that every entry is accounted for; return (ingested, items per entry)."""
    ingested = load_articles([root], ingest)
    per_entry: dict[str, int] = {}
    for entry in items:
        rel = relative(entry.name)
        path = root / entry.name
        if entry.category == "folder_link" or entry.name.startswith("."):
            mine = [s for s in ingested.skipped if s.input == rel]
            assert len(mine) == 1, f"{rel!r} (not read) should have exactly one skipped record, has {mine}"
            per_entry[rel] = 1
            continue
        single = load_articles([path], ingest)
        found = len(single.articles) + len(single.skipped)
        assert found >= 1, f"{rel!r} yielded nothing"
        for skip in single.skipped:
            assert skip.reason.strip(), f"empty reason for {skip.input!r}"
            expected = relative(path.name) if entry.category != "folder_named_like_file" else "inner.txt"
            assert _matches(skip.input, expected), (skip.input, expected)
        per_entry[rel] = found
    total = len(ingested.articles) + len(ingested.skipped)
    assert total == sum(per_entry.values()), f"folder run has {total} items, entries one by one have {per_entry}"
    names = [relative(e.name) for e in items]
    for skip in ingested.skipped:
        assert skip.reason.strip()
        assert not os.path.isabs(skip.input) and str(root) not in skip.input
        assert any(_matches(skip.input, rel) for rel in names), f"skipped {skip.input!r} names no input"
    return ingested, per_entry


def check_clusters_json(root: Path, ingested: Any, schema: jsonschema.Draft202012Validator, out_dir: Path) -> dict[str, Any]:
    """The clusters.json of ingest's output (one story per article) is strict, valid, relative and markup-free."""
    from summarize.output import clustering_to_dict, write_json

    clustering = Clustering(articles=ingested.articles, clusters=tuple(Cluster.of([a.id]) for a in ingested.articles), skipped=ingested.skipped)
    target = out_dir / "clusters.json"
    write_json(clustering_to_dict(clustering), target)
    text = target.read_text("utf-8")
    data = json.loads(text)
    schema.validate(data)
    assert str(root) not in text and tempfile.gettempdir() + os.sep not in text
    for article in data["articles"]:
        for field in ("text", "title"):
            value = article[field] or ""
            assert not MARKUP.search(value), f"markup in {field} of {article['id']!r}: {value[:200]!r}"
        assert article["text"].strip()
    stats = data["stats"]
    assert stats["inputs"] == stats["articles"] + stats["skipped"]
    return data


INGEST_SETTINGS = st.sampled_from(
    [IngestSettings(), IngestSettings(max_file_bytes=4096), IngestSettings(max_articles=2), IngestSettings(max_file_bytes=64, max_articles=1)]
)


@functools.cache
def schema_validator(name: str) -> jsonschema.Draft202012Validator:
    """A validator for a published schema, built once (validate() would re-check the schema every call)."""
    from summarize.output import load_schema

    schema = load_schema(name)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@settings(max_examples=INGEST_EXAMPLES, **FUZZ)
@given(items=entries(), ingest=INGEST_SETTINGS)
def test_every_hostile_input_yields_an_article_or_a_named_skip_and_valid_json(
    items: list[Entry], ingest: IngestSettings
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "in put ü"
        root.mkdir()
        out_dir = Path(tmp) / "out"
        out_dir.mkdir()
        materialise(root, items)
        ingested, _ = check_folder(root, items, ingest)
        check_clusters_json(root, ingested, schema_validator("clusters"), out_dir)


@settings(max_examples=CLUSTER_CLI_EXAMPLES, **FUZZ)
@given(items=entries(max_entries=5))
def test_storyfold_cluster_on_hostile_folders_writes_a_valid_balanced_clusters_json(items: list[Entry]) -> None:
    from typer.testing import CliRunner

    from summarize.cli import app

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "in put"
        root.mkdir()
        materialise(root, items)
        ingested, _ = check_folder(root, items, IngestSettings())
        target = Path(tmp) / "clusters.json"
        result = CliRunner().invoke(app, ["cluster", str(root), "-o", str(target), "--processes", "1", "--quiet"])
        assert result.exit_code == 0, (result.output, result.exception)
        text = target.read_text("utf-8")
        data = json.loads(text)
        schema_validator("clusters").validate(data)
        assert str(root) not in text
        members = sorted(i for c in data["clusters"] for i in c["article_ids"])
        assert members == sorted(a["id"] for a in data["articles"]) == sorted(a.id for a in ingested.articles)
        assert sorted((s["input"], s["reason"]) for s in data["skipped"]) == sorted((s.input, s.reason) for s in ingested.skipped)
        assert data["stats"]["inputs"] == data["stats"]["articles"] + data["stats"]["skipped"]


def check_digest(data: dict[str, Any], root: Path, text: str, schema: jsonschema.Draft202012Validator, ingested: Any) -> None:
    """A digest is valid, balanced (inputs = in stories + skipped), relative and markup-free."""
    schema.validate(data)
    stats = data["stats"]
    assert stats["inputs"] == stats["in_stories"] + stats["skipped"]
    assert stats["in_stories"] == stats["articles"] == len(ingested.articles)
    assert stats["skipped"] == len(data["skipped"]) == len(ingested.skipped)
    in_stories = sorted(i for s in data["stories"] for i in s["article_ids"])
    assert in_stories == sorted(a.id for a in ingested.articles)
    assert sorted((s["input"], s["reason"]) for s in data["skipped"]) == sorted((s.input, s.reason) for s in ingested.skipped)
    assert str(root) not in text and tempfile.gettempdir() + os.sep not in text
    for story in data["stories"]:
        fields = [story["summary"], story["title"] or ""] + [f["text"] for f in story["facts"]]
        for value in fields:
            assert not MARKUP.search(value), f"markup in story {story['id']}: {value[:200]!r}"


@settings(max_examples=RUN_CLI_EXAMPLES, **FUZZ)
@given(items=entries(max_entries=5))
def test_storyfold_run_on_hostile_folders_exits_cleanly_with_every_input_accounted_for(
    items: list[Entry]
) -> None:
    from typer.testing import CliRunner

    from summarize.cli import app

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "in put"
        root.mkdir()
        materialise(root, items)
        ingested, _ = check_folder(root, items, IngestSettings())
        target = Path(tmp) / "digest.json"
        result = CliRunner().invoke(app, ["run", str(root), "-o", str(target), "--summarizer", "extractive", "--processes", "1", "--quiet"])
        assert result.exit_code == 0, (result.output, result.exception)
        text = target.read_text("utf-8")
        check_digest(json.loads(text), root, text, schema_validator("digest"), ingested)
