"""Markdown input: front matter gives title and date, and no Markdown syntax reaches texts, facts or summaries."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cluster.ingest import load_articles
from cluster.parsers import parse_markdown
from summarize.cli import app

from .conftest import read_folder

DATA = Path(__file__).parent / "data" / "markdown"
SYNTAX = re.compile(r"\*|__|`|^#|\||^>|^---|^\+\+\+|title:|date:", re.M)


@pytest.fixture(scope="module")
def read() -> tuple[dict, dict, list[str]]:
    return read_folder(DATA)


def test_yaml_front_matter_gives_title_and_date_and_is_not_text(read) -> None:
    articles, _, _ = read
    post = articles["post"]
    assert post.title == "City council approves new bridge" and post.published == "2024-03-05"
    assert post.text.startswith("The city council approved on Monday a plan")  # the heading repeating the title is gone
    assert "title:" not in post.text and "---" not in post.text


def test_toml_front_matter_gives_title_date_and_keeps_other_fields_in_meta(read) -> None:
    hugo = read[0]["hugo"]
    assert hugo.title == "Ferry service suspended after storm"
    assert hugo.published == "2024-03-07T08:30:00-05:00"
    assert hugo.meta == {"draft": False, "tags": ["weather", "transport"]}


def test_markdown_syntax_is_removed_from_every_text(read) -> None:
    articles, skipped, _ = read
    assert not skipped
    for article in articles.values():
        assert not SYNTAX.search(article.text), (article.id, article.text)
        assert not SYNTAX.search(article.title), article.title
    notes = articles["notes"]
    assert notes.title == "Port workers strike over pay"  # the first level-1 heading; the site name above it dropped
    assert "demanding a ten percent raise" in notes.text
    assert "North 12\nSouth 7" in notes.text  # table rows without pipes
    assert 'strike_day = "Friday"' in notes.text  # code kept, fences gone
    assert '"We will not go back," said union leader Ana Ortiz.' in notes.text
    assert "1986. The last strike" in notes.text  # a year that looks like a list number stays
    assert articles["setext"].title == "Museum buys a lost painting"


def test_front_matter_that_does_not_parse_is_a_warning_and_left_out(read) -> None:
    articles, _, warnings = read
    assert articles["broken"].title == "Library reopens after renovation"
    assert "unclosed" not in articles["broken"].text
    assert [w for w in warnings if w.startswith("broken.md: YAML front matter does not parse")]


@pytest.mark.parametrize(
    "text, title, body",
    [
        ("# Storm floods Metropolis\nA storm flooded Metropolis today.", "Storm floods Metropolis", "A storm flooded Metropolis today."),
        ("Storm floods Metropolis\n\nA storm **flooded** Metropolis today.", "Storm floods Metropolis", "\nA storm flooded Metropolis today."),
        ("## Storm floods *Metropolis*\n\nA storm flooded `Metropolis` today.", "Storm floods Metropolis", "A storm flooded Metropolis today."),
        ("---\ntitle: Rain\n---\nSome rain fell on Monday, snake_case and 2 * 3 stay.", "Rain", "Some rain fell on Monday, snake_case and 2 * 3 stay."),
        ("---\n---\n# Rain\n\nSome rain fell.", "Rain", "Some rain fell."),
    ],
)
def test_the_title_is_front_matter_then_first_heading_then_first_line(text: str, title: str, body: str) -> None:
    record = parse_markdown(text)
    assert (record["title"], record["text"]) == (title, body)


def test_a_wrongly_typed_front_matter_title_is_reported_not_used(tmp_path: Path) -> None:
    (tmp_path / "odd.md").write_text("---\ntitle: {a: 1}\n---\n# Real heading\n\nThe council met on Monday and approved the plan.\n")
    warnings: list[str] = []
    ingested = load_articles([tmp_path], warn=warnings.append, processes=1)
    assert ingested.articles[0].title is None
    assert "odd.md: article 'odd': field 'title' must be a string, got dict; dropped" in warnings


def test_a_markdown_story_reads_cleanly_in_the_digest(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "post.md").write_bytes((DATA / "post.md").read_bytes())
    (folder / "plain.md").write_text("City council approves new bridge over the river\n\nThe city council approved on Monday a plan "
                                     "to build a new bridge over the river, costing 40 million dollars, the mayor said. "
                                     "Construction will start in 2025.\n")
    out = tmp_path / "digest.json"
    result = CliRunner().invoke(app, ["run", str(folder), "-o", str(out), "--summarizer", "extractive", "--processes", "1"])
    assert result.exit_code == 0, result.output
    digest = json.loads(out.read_text("utf-8"))
    assert [s["title"] for s in digest["stories"]] == ["City council approves new bridge"]
    story = digest["stories"][0]
    assert not SYNTAX.search(story["summary"])
    assert all(not SYNTAX.search(fact["text"]) for fact in story["facts"])


def test_a_yaml_alias_bomb_in_front_matter_is_a_warning_not_a_hang(tmp_path: Path) -> None:
    aliases = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"] + [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    (tmp_path / "bomb.md").write_text("---\n" + "\n".join(aliases) + "\n---\n# Bridge approved\n\nThe council approved the bridge on Monday.\n")
    warnings: list[str] = []
    ingested = load_articles([tmp_path], warn=warnings.append, processes=1)
    assert ingested.articles[0].title == "Bridge approved" and ingested.articles[0].meta == {}
    assert warnings == ["bomb.md: front matter holds more than 10000 values (YAML aliases expanded); it is left out of the text"]
