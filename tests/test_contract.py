"""clusters.json read strictly, and cleaned like ingest: a hand edit is either understood or refused in one line."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cluster.errors import InvariantError
from cluster.types import Article, Cluster, Clustering
from summarize.cli import app
from summarize.digest import summarize_clustering

runner = CliRunner()

QUAKE = "A magnitude 7.1 earthquake struck off the coast of Chile on Tuesday, killing at least 12 people, officials said."
QUAKE2 = "At least 12 people died when a 7.1 magnitude earthquake hit the coast of Chile on Tuesday, officials said."
VOTE = "Voters in Norway elected a new parliament on Monday, handing the Labour Party 48 seats, the commission said."


def base() -> dict[str, Any]:
    return {
        "schema": "storyfold.clusters/1",
        "articles": [{"id": "a", "text": QUAKE}, {"id": "b", "text": QUAKE2}, {"id": "c", "text": VOTE}],
        "clusters": [{"id": "s1", "article_ids": ["a", "b"], "copies": {}}, {"id": "s2", "article_ids": ["c"], "copies": {}}],
        "skipped": [{"input": "bad.json", "reason": "malformed JSON"}],
        "stats": {"inputs": 4, "articles": 3, "skipped": 1, "clusters": 2},
    }


def summarize(tmp_path: Path, data: Any = None, raw: str | None = None):  # type: ignore[no-untyped-def]
    path = tmp_path / "c.json"
    path.write_text(raw if raw is not None else json.dumps(data, ensure_ascii=False), encoding="utf-8", errors="surrogatepass")
    out = tmp_path / "d.json"
    result = runner.invoke(app, ["summarize", str(path), "--summarizer", "extractive", "-o", str(out)])
    digest = json.loads(out.read_text(encoding="utf-8")) if result.exit_code == 0 else None
    return result, digest


def assert_contract_error(result, *needles: str) -> None:  # type: ignore[no-untyped-def]
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("storyfold: error: "), result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


# ----------------------------------------------------------------------------- unknown keys


@pytest.mark.parametrize(
    "edit, key",
    [
        (lambda d: d.update(cluster=d.pop("clusters")), "'cluster'"),
        (lambda d: d.update(Articles=[]), "'Articles'"),
        (lambda d: d["articles"][0].update(body="x"), "'body'"),
        (lambda d: d["clusters"][1].update(articles=["c"]), "'articles'"),
        (lambda d: d["skipped"][0].update(why="x"), "'why'"),
        (lambda d: d["stats"].update(lost=0), "'lost'"),
    ],
)
def test_an_unknown_key_is_an_error_naming_it(tmp_path: Path, edit: Any, key: str) -> None:
    data = base()
    edit(data)
    result, _ = summarize(tmp_path, data)
    assert_contract_error(result, f"unknown key {key}")


# ----------------------------------------------------------------------------- skipped entries


@pytest.mark.parametrize(
    "skipped, needle",
    [
        (["bad.json"], "skipped[0]: expected an object"),
        ([{"input": "x"}, 7], "skipped[0]: needs a string 'input'"),
        ([{"input": "x", "reason": "r"}, 7], "skipped[1]: expected an object"),
        ([{"input": 3, "reason": "r"}], "skipped[0]: needs a string 'input'"),
        ([{"input": "x", "reason": ""}], "non-empty string 'reason'"),
        (3, "'skipped' must be a list"),
        ("bad.json", "'skipped' must be a list"),
        ({"input": "x", "reason": "r"}, "'skipped' must be a list"),
    ],
)
def test_a_skipped_entry_that_is_not_an_input_and_a_reason_is_an_error(tmp_path: Path, skipped: Any, needle: str) -> None:
    data = base()
    data["skipped"] = skipped
    result, _ = summarize(tmp_path, data)
    assert_contract_error(result, needle)


@pytest.mark.parametrize(
    "skipped, needle",
    [
        ([{"input": "a", "reason": "hand-skipped"}], "article 'a' is also in skipped[0]"),
        ([{"input": "x", "reason": "r"}, {"input": "c", "reason": "r"}], "article 'c' is also in skipped[1]"),
        ([{"input": "b", "reason": "r"}, {"input": "b", "reason": "again"}], "article 'b' is also in skipped[0]"),
    ],
)
def test_an_input_counted_twice_is_an_error(tmp_path: Path, skipped: Any, needle: str) -> None:
    data = base()
    data["skipped"] = skipped
    result, _ = summarize(tmp_path, data)
    assert_contract_error(result, needle)


def test_the_same_name_skipped_in_two_input_folders_is_two_inputs(tmp_path: Path) -> None:
    data = base()
    data["skipped"] = [{"input": "bad.json", "reason": "malformed JSON"}, {"input": "bad.json", "reason": "malformed JSON"}]
    result, digest = summarize(tmp_path, data)
    assert result.exit_code == 0, result.output
    assert digest["stats"]["skipped"] == 2 and digest["stats"]["inputs"] == 5


@pytest.mark.parametrize("twice", ["a", "c"])
def test_the_accounting_invariant_counts_distinct_article_ids(twice: str) -> None:
    clustering = Clustering(
        articles=(Article("a", QUAKE), Article("b", QUAKE2), Article("c", VOTE), Article(twice, VOTE)),
        clusters=(Cluster.of(["a", "b"]), Cluster.of(["c"])),
    )
    with pytest.raises(InvariantError, match="appears twice"):
        summarize_clustering(clustering)


# ----------------------------------------------------------------------------- copies


@pytest.mark.parametrize(
    "copies, named",
    [
        ({"a": "c"}, "'a' -> 'c' dropped: the original 'c' is not an article of this cluster"),
        ({"a": "nobody"}, "'a' -> 'nobody' dropped: the original 'nobody' is not"),
        ({"c": "a"}, "'c' -> 'a' dropped: the copy 'c' is not an article of this cluster"),
        ({"a": "a"}, "'a' -> 'a' dropped: an article cannot copy itself"),
        ({"a": 5}, "'a' -> 5 dropped: the original must be an article id"),
    ],
)
def test_a_copy_pair_that_cannot_apply_is_a_warning_naming_the_cluster_and_the_pair(tmp_path: Path, copies: dict[str, Any], named: str) -> None:
    data = base()
    data["clusters"][0]["copies"] = copies
    result, digest = summarize(tmp_path, data)
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if "copy pair" in line]
    assert len(warnings) == 1 and "clusters[0]" in warnings[0] and named in warnings[0], result.stderr
    assert all(story["copies"] == {} for story in digest["stories"])


def test_a_copy_of_a_copy_is_dropped_with_a_warning(tmp_path: Path) -> None:
    data = base()
    data["articles"].append({"id": "d", "text": QUAKE + " Rescue teams searched the rubble."})
    data["clusters"][0]["article_ids"].append("d")
    data["clusters"][0]["copies"] = {"a": "b", "b": "d"}
    result, digest = summarize(tmp_path, data)
    assert result.exit_code == 0, result.output
    assert "'a' -> 'b' dropped: the original 'b' is itself a copy" in result.stderr
    story = next(s for s in digest["stories"] if "a" in s["article_ids"])
    assert story["copies"] == {"b": "d"}


# ----------------------------------------------------------------------------- JSON limits


@pytest.mark.parametrize(
    "raw, needle",
    [
        ('{"schema": "storyfold.clusters/1", "articles": [], "clusters": [], "stats": {"inputs": ' + "9" * 4301 + "}}", "more than 4300 digits"),
        ('{"schema": "storyfold.clusters/1", "articles": [{"id": "a", "text": "x", "meta": {"n": ' + "1" * 5000 + "}}], \"clusters\": []}", "digits"),
        ('{"schema": "storyfold.clusters/1", "articles": [{"id": "a", "text": "x", "meta": {"n": NaN}}], "clusters": []}', "NaN"),
        ('{"schema": "storyfold.clusters/1", "articles": [{"id": "a", "text": "x", "meta": {"n": -Infinity}}], "clusters": []}', "Infinity"),
        ('{"schema": "storyfold.clusters/1", "articles": [{"id": "a", "text": "x", "meta": {"n": 1e999}}], "clusters": []}', "articles[0].meta.n is NaN or infinite"),
        ('{"schema": "storyfold.clusters/1", "articles": [{"id": "a", "text": "x", "title": "bad \\ud800 title"}], "clusters": []}', "articles[0].title holds a lone surrogate"),
        ('{"schema": "storyfold.clusters/1", "articles": [{"id": "a\\udfff", "text": "x"}], "clusters": []}', "articles[0].id holds a lone surrogate"),
        ('{"schema": "storyfold.clusters/1", "articles": [{"id": "a", "text": "x", "meta": {"k\\udc80": 1}}], "clusters": []}', "lone surrogate"),
    ],
)
def test_json_number_and_text_limits_are_contract_errors_not_tracebacks(tmp_path: Path, raw: str, needle: str) -> None:
    result, _ = summarize(tmp_path, raw=raw)
    assert_contract_error(result, needle)
    assert "Traceback" not in result.output


# ----------------------------------------------------------------------------- one cleaning

HOSTILE_TITLES = [
    "<script>alert(1)</script>Quake hits Chile",
    "[Quake hits Chile](javascript:alert(1))",
    "\u202eQuake hits Chile\u202c",
    "Quake <img src=x onerror=alert(1) hits Chile",
]


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_titles_and_texts_read_from_clusters_json_are_cleaned_like_ingest(tmp_path: Path, title: str) -> None:
    data = base()
    data["articles"][0]["title"] = title
    data["articles"][1]["title"] = title
    data["articles"][0]["text"] = QUAKE + ' <img src=x onerror="alert(1)" [more](javascript:alert(2)) \u202e'
    data["articles"][1]["text"] = "<p>" + QUAKE2 + "</p><script>steal()</script>"
    result, digest = summarize(tmp_path, data)
    assert result.exit_code == 0, result.output
    text = json.dumps(digest, ensure_ascii=False)
    assert not re.search(r"<\s*/?\s*(script|img)|javascript:|onerror|\u202e|\u202c|steal\(", text, re.I), text
    story = next(s for s in digest["stories"] if "a" in s["article_ids"])
    assert story["title"].startswith("Quake") or "Quake hits Chile" in story["title"]


@pytest.mark.parametrize("variant", ["Acme\u200b", "\u202eAcme", "ＡＣＭＥ", "<b>Acme</b>", "\u0410cme", "Acm\u0435"])
def test_sources_read_from_clusters_json_are_cleaned_so_variants_count_once(tmp_path: Path, variant: str) -> None:
    data = base()
    data["articles"][0]["source"] = "Acme"
    data["articles"][1]["source"] = variant
    result, digest = summarize(tmp_path, data)
    assert result.exit_code == 0, result.output
    story = next(s for s in digest["stories"] if "a" in s["article_ids"])
    assert story["independent_sources"] == 1, story


@pytest.mark.parametrize(
    ("value", "read"),
    [
        ("not a date", None),
        ("2024-13-45", None),
        ("March 5, 2024", "2024-03-05"),
        ("Tue, 05 Mar 2024 09:00:00 GMT", "2024-03-05T09:00:00+00:00"),
        ("2024-03-05T09:00:00Z", "2024-03-05T09:00:00Z"),
        ("2024-03-05", "2024-03-05"),
    ],
)
def test_dates_read_from_clusters_json_are_read_like_ingest(tmp_path: Path, value: str, read: str | None) -> None:
    data = base()
    data["articles"][0]["published"] = value
    result, digest = summarize(tmp_path, data)
    assert result.exit_code == 0, result.output
    (article,) = [a for s in digest["stories"] for a in s["articles"] if a["id"] == "a"]
    assert article["published"] == read
    warned = [line for line in result.stderr.splitlines() if "'published'" in line]
    assert len(warned) == (1 if read is None else 0), result.stderr
    if read is None:
        assert "article 'a'" in warned[0] and "read as undated" in warned[0]


def test_an_article_that_is_only_markup_is_skipped_with_a_reason(tmp_path: Path) -> None:
    data = base()
    data["articles"].append({"id": "m", "text": "<script>x()</script><img src=x>"})
    result, digest = summarize(tmp_path, data)
    assert result.exit_code == 0, result.output
    assert {"input": "m", "reason": "article has no text (empty after removing markup)"} in digest["skipped"]
    assert digest["stats"]["inputs"] == digest["stats"]["in_stories"] + digest["stats"]["skipped"]
