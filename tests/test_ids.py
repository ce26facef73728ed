"""Ids: story ids never collide through their encoding; ids and names keep no control characters."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cluster.ingest import load_articles
from cluster.types import Cluster, derive_id
from summarize.cli import app

runner = CliRunner()

# Pairs of member sets that one separator-joined string used to confuse.
COLLIDING = [
    (["a", "b"], ["a\x1fb"]),
    (["x", "y\x1fz"], ["x\x1fy", "z"]),
    (["p\x1fq", "r"], ["p", "q\x1fr"]),
    (["", "k"], ["\x1fk"]),
]


@pytest.mark.parametrize("first, second", COLLIDING)
def test_member_sets_that_join_to_the_same_string_get_different_ids(first: list[str], second: list[str]) -> None:
    assert derive_id("story", first) != derive_id("story", second)
    assert Cluster.of(first).id != Cluster.of(second).id


def test_a_story_id_depends_on_the_member_set_only() -> None:
    assert derive_id("story", ["b", "a", "a"]) == derive_id("story", ["a", "b"])


@pytest.mark.parametrize("first, second", COLLIDING[:3])
def test_summarize_gives_stories_with_colliding_joins_different_ids(tmp_path: Path, first: list[str], second: list[str]) -> None:
    ids = first + second
    texts = {i: f"Article {n}: the council of town {n} approved a new budget of {n} million on Monday." for n, i in enumerate(ids)}
    data = {
        "schema": "storyfold.clusters/1",
        "articles": [{"id": i, "text": texts[i]} for i in ids],
        "clusters": [{"id": "one", "article_ids": first, "copies": {}}, {"id": "two", "article_ids": second, "copies": {}}],
        "skipped": [],
    }
    path = tmp_path / "c.json"
    path.write_text(json.dumps(data))
    result = runner.invoke(app, ["summarize", str(path), "--summarizer", "extractive", "-o", str(tmp_path / "d.json")])
    assert result.exit_code == 0, result.output
    stories = json.loads((tmp_path / "d.json").read_text())["stories"]
    assert len(stories) == 2 and len({s["id"] for s in stories}) == 2


@pytest.mark.parametrize("raw, expected", [("a\x1fb", "a\\x1fb"), ("a\nb", "a\\nb"), ("x\ty\r", "x\\ty\\r"), ("q\u2028r", "q\\u2028r")])
def test_record_ids_with_control_characters_are_escaped_at_ingest(tmp_path: Path, raw: str, expected: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    plain = raw.replace("\x1f", "").replace("\n", "").replace("\t", "").replace("\r", "").replace("\u2028", "")
    records = [{"id": raw, "text": "Rain fell in Paris on Monday."}, {"id": plain, "text": "Snow fell in Oslo on Tuesday."}]
    (folder / "a.jsonl").write_text("\n".join(json.dumps(r) for r in records) + "\n")
    ingested = load_articles([folder])
    assert sorted(a.id for a in ingested.articles) == sorted([expected, plain]) and not ingested.skipped


@pytest.mark.parametrize("name, shown", [("bad\nname.txt", "bad\\nname.txt"), ("tab\there\x1b[31m.json", "tab\\there\\x1b[31m.json")])
def test_file_names_with_control_characters_become_escaped_ids_and_one_line_warnings(tmp_path: Path, name: str, shown: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / name).write_text("" if name.endswith(".txt") else "{not json")
    (folder / "good.txt").write_text("Rain in Paris\nRain fell in Paris on Monday, officials said.")
    warnings: list[str] = []
    ingested = load_articles([folder], warn=warnings.append)
    assert [s.input for s in ingested.skipped] == [shown]
    assert len(warnings) == 1 and "\n" not in warnings[0] and "\x1b" not in warnings[0] and shown in warnings[0]


@pytest.mark.parametrize("name, article_id", [("line\nbreak.txt", "line\\nbreak"), ("unit\x1fsep.md", "unit\\x1fsep")])
def test_a_default_id_from_a_file_name_holds_no_control_character(tmp_path: Path, name: str, article_id: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / name).write_text("Rain in Paris\nRain fell in Paris on Monday, officials said.")
    assert [a.id for a in load_articles([folder]).articles] == [article_id]
