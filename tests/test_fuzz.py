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
from cluster.text import escape_controls
from cluster.types import Article, Cluster, Clustering, Skipped
from .conftest import nest_folders

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
SPECIALS = (
    "fifo", "dangling_link", "loop_link", "folder_link", "folder_named_like_file", "unreadable_link",
    "outside_link", "outside_folder_link", "deep_folder",
)
DEEP_FOLDER_LEVELS = 400  # deep, yet within what shutil.rmtree (recursive) can remove; tests/test_inputs.py goes past 1,000


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
    """How an input name appears in outputs: UTF-8 text, undecodable bytes shown as \\xNN,
    control characters escaped (``\\n``)."""
    return escape_controls(os.fsencode(name).decode("utf-8", "backslashreplace"))


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
        elif entry.category == "outside_link":
            os.symlink("/etc/passwd" if os.path.exists("/etc/passwd") else os.__file__, path)  # out of the folder: not read
        elif entry.category == "outside_folder_link":
            os.symlink(os.path.dirname(os.__file__), path)
        elif entry.category == "deep_folder":
            _nest(path, DEEP_FOLDER_LEVELS)
        else:
            path.write_bytes(entry.data)


def _nest(path: Path, levels: int) -> None:
    path.mkdir()
    nest_folders(path, levels, "Deep headline\nRain fell in Paris on Monday, officials said.")


def _matches(item_input: str, rel: str) -> bool:
    return item_input == rel or item_input.startswith(rel + ":") or item_input.startswith(rel + "/")


def check_folder(root: Path, items: list[Entry], ingest: IngestSettings) -> tuple[Any, dict[str, int]]:
    """Ingest ``root`` and assert that every entry is accounted for; return (ingested, items per entry)."""
    ingested = load_articles([root], ingest)
    per_entry: dict[str, int] = {}
    for entry in items:
        rel = relative(entry.name)
        path = root / entry.name
        if entry.category in ("folder_link", "outside_link", "outside_folder_link") or entry.name.startswith("."):
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


# -- hand-edited clusters.json ------------------------------------------------------------------
CLUSTER_EDIT_EXAMPLES = 100
_EDIT_IDS = ("a", "b", "a\x1fb", "c", "c\x1fa", "d\n", "é", "x" * 3)
_EDIT_TEXTS = (
    "Officials said 12 people were hurt when rain fell in Paris on Monday.",
    "The mayor of Paris said 12 people were hurt in Monday's rain, officials agreed.",
    "<script>x()</script>",
    "   ",
    "Rain fell <img src=x onerror=alert(1) in Paris [more](javascript:alert(1)) \u202e on Monday.",
)
HUGE_NUMBER = "9" * 4400
_MUTATIONS = (
    "rename_clusters", "unknown_top_key", "unknown_article_key", "unknown_cluster_key", "unknown_stats_key",
    "skipped_not_list", "skipped_bare_string", "skipped_missing_reason", "skipped_twice", "skipped_and_article",
    "bad_copies", "huge_number", "nan", "infinity", "overflow_float", "lone_surrogate", "unknown_member",
    "member_twice", "markup_title", "no_clusters_key",
)


@st.composite
def clusters_edits(draw: Any) -> tuple[str, list[str]]:
    """A clusters.json text as a hand edit might leave it, and the mutations applied."""
    ids = draw(st.lists(st.sampled_from(_EDIT_IDS), min_size=1, max_size=6, unique=True))
    articles: list[dict[str, Any]] = [{"id": i, "text": draw(st.sampled_from(_EDIT_TEXTS)), "source": draw(st.sampled_from(["Acme", "acme\u200b", "Асme", None]))} for i in ids]
    groups: dict[int, list[str]] = {}
    for i in ids:
        groups.setdefault(draw(st.integers(0, 2)), []).append(i)
    clusters: list[dict[str, Any]] = [{"article_ids": members, "copies": {}} for members in groups.values()]
    data: dict[str, Any] = {"schema": "storyfold.clusters/1", "articles": articles, "clusters": clusters, "skipped": [{"input": "bad.json", "reason": "malformed"}]}
    mutations = draw(st.lists(st.sampled_from(_MUTATIONS), max_size=3, unique=True))
    replace: dict[str, str] = {}
    for mutation in mutations:
        if mutation == "rename_clusters" and "clusters" in data:
            data["cluster"] = data.pop("clusters")
        elif mutation == "no_clusters_key":
            data.pop("clusters", None)
        elif mutation == "unknown_top_key":
            data["extra"] = 1
        elif mutation == "unknown_article_key":
            articles[0]["body"] = "x"
        elif mutation == "unknown_cluster_key" and clusters:
            clusters[0]["members"] = []
        elif mutation == "unknown_stats_key":
            data["stats"] = {"inputs": 1, "lost": 0}
        elif mutation == "skipped_not_list":
            data["skipped"] = draw(st.sampled_from([3, "bad.json", {"input": "x", "reason": "y"}, None]))
        elif mutation == "skipped_bare_string":
            data["skipped"] = ["bad.json"]
        elif mutation == "skipped_missing_reason":
            data["skipped"] = [{"input": "bad.json"}]
        elif mutation == "skipped_twice":
            data["skipped"] = [{"input": "x", "reason": "one"}, {"input": "x", "reason": "two"}]
        elif mutation == "skipped_and_article":
            data["skipped"] = [{"input": ids[0], "reason": "hand-skipped"}]
        elif mutation == "bad_copies" and clusters:
            pool = [*ids, "missing", 5, None]
            clusters[0]["copies"] = draw(st.dictionaries(st.sampled_from([*ids, "missing"]), st.sampled_from(pool), max_size=3))
        elif mutation == "huge_number":
            articles[0]["meta"] = {"n": "HUGE"}
            replace['"HUGE"'] = HUGE_NUMBER
        elif mutation in ("nan", "infinity", "overflow_float"):
            articles[0]["meta"] = {"n": "NUMBER"}
            replace['"NUMBER"'] = {"nan": "NaN", "infinity": "-Infinity", "overflow_float": "1e999"}[mutation]
        elif mutation == "lone_surrogate":
            articles[-1][draw(st.sampled_from(["title", "text", "source"]))] = "bad \ud800 text"
        elif mutation == "unknown_member" and clusters:
            clusters[0]["article_ids"].append("nobody")
        elif mutation == "member_twice" and len(clusters) > 1:
            clusters[1]["article_ids"].append(clusters[0]["article_ids"][0])
        elif mutation == "markup_title":
            articles[0]["title"] = "<script>alert(1)</script>[x](javascript:alert(1))\u202eTitle"
    text = json.dumps(data, ensure_ascii=True)  # lone surrogates become \ud800 escapes, as in a hand-edited file
    for placeholder, value in replace.items():
        text = text.replace(placeholder, value)
    return text, mutations


def check_clusters_edit(text: str, folder: Path) -> str:
    """Read an edited clusters.json and summarize it: a one-line contract error, or a digest
    that accounts for every article id of the file once, with distinct story ids and strict JSON.
    Returns ``"refused"`` or ``"read"``; anything else (a traceback) propagates."""
    from cluster.errors import StoryfoldError
    from summarize import digest_to_dict, summarize_clustering
    from summarize.output import dumps, read_clustering

    path = folder / "edited.json"
    path.write_text(text, encoding="utf-8")
    warnings: list[str] = []
    try:
        clustering = read_clustering(path, warn=warnings.append)
        digest = summarize_clustering(clustering)
    except StoryfoldError as exc:
        assert str(exc).strip() and "\n" not in str(exc), f"error message is not one line: {exc!r}"
        return "refused"
    assert all("\n" not in w for w in warnings), warnings
    data = digest_to_dict(digest)
    dumps(data).encode("utf-8")  # strict JSON, encodable
    raw = json.loads(text)
    ids = {a["id"] for a in raw["articles"]}
    in_stories = [i for s in data["stories"] for i in s["article_ids"]]
    skipped = [s["input"] for s in data["skipped"]]
    assert len(in_stories) == len(set(in_stories)), "an article is in two stories"
    assert ids <= set(in_stories) | set(skipped), f"lost: {sorted(ids - set(in_stories) - set(skipped))}"
    raw_skipped = raw.get("skipped") if isinstance(raw.get("skipped"), list) else []
    named = {s if isinstance(s, str) else s.get("input") for s in raw_skipped if isinstance(s, (str, dict))}
    assert named <= set(skipped), f"skipped inputs lost: {sorted(map(str, named - set(skipped)))}"
    assert len({s["id"] for s in data["stories"]}) == len(data["stories"]), "two stories share an id"
    stats = data["stats"]
    assert stats["inputs"] == stats["in_stories"] + stats["skipped"] == len(in_stories) + len(skipped)
    assert not set(in_stories) & set(skipped), "an input is both in a story and skipped"
    for story in data["stories"]:
        for value in [story["summary"], story["title"] or ""] + [f["text"] for f in story["facts"]]:
            assert not MARKUP.search(value) and "javascript:" not in value and "\u202e" not in value, value
    return "read"


@settings(max_examples=CLUSTER_EDIT_EXAMPLES, **FUZZ)
@given(edit=clusters_edits())
def test_a_hand_edited_clusters_json_is_read_whole_or_refused_in_one_line(edit: tuple[str, list[str]]) -> None:
    text, _ = edit
    with tempfile.TemporaryDirectory() as tmp:
        check_clusters_edit(text, Path(tmp))
