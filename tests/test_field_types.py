"""Record fields of the wrong type: one line naming the file, line, field and type; a bad text skips the record, a bad
optional field is dropped (its value kept in meta), never silently."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cluster.records import SkipInput, record_to_article
from summarize.cli import app

from .conftest import read_folder

DATA = Path(__file__).parent / "data" / "typed-fields"


@pytest.fixture(scope="module")
def read() -> tuple[dict, dict, list[str]]:
    return read_folder(DATA)


def test_a_text_of_the_wrong_type_skips_the_record_naming_field_and_type(read) -> None:
    _, skipped, warnings = read
    assert skipped == {
        "breaker.json:1": "field 'text' must be a string, got dict",
        "more.jsonl:1": "field 'text' must be a string, got list",
        "more.jsonl:2": "field 'text' must be a string, got int",
    }
    assert "skipped breaker.json:1: field 'text' must be a string, got dict" in warnings


@pytest.mark.parametrize(
    "article_id, where, field, problem, meta",
    [
        ("date-dict", "breaker.json:2", "published", "must be a string or a number, got dict", {"d": 1}),
        ("title-dict", "breaker.json:3", "title", "must be a string, got dict", {"a": 1}),
        ("source-list", "breaker.json:4", "source", "must be a string, got list", ["a", "b"]),
        ("url-int", "breaker.json:5", "url", "must be a string, got int", 123),
        ("date-list", "more.jsonl:3", "published", "must be a string or a number, got list", [2024]),
        ("title-bool", "more.jsonl:4", "title", "must be a string, got bool", True),
        ("headline-list", "more.jsonl:5", "headline", "must be a string, got list", ["One", "Two"]),
        ("language-dict", "more.jsonl:6", "language", "must be a string, got dict", {"code": "en"}),
        ("link-float", "more.jsonl:7", "link", "must be a string, got float", 1.5),
    ],
)
def test_an_optional_field_of_the_wrong_type_is_dropped_with_one_line(read, article_id, where, field, problem, meta) -> None:
    articles, _, warnings = read
    article = articles[article_id]
    assert [w for w in warnings if f"'{article_id}'" in w] == [f"{where}: article {article_id!r}: field {field!r} {problem}; dropped"]
    assert article.meta[field] == meta
    key = {"headline": "title", "link": "url"}.get(field, field)
    value = getattr(article, key)
    assert value is None or (key == "language" and value == "en")  # a dropped language is detected instead


def test_values_feeds_really_use_are_read_without_a_warning(read) -> None:
    articles, _, warnings = read
    fine = articles["fine"]
    assert not [w for w in warnings if "'fine'" in w]
    assert (fine.title, fine.source, fine.published) == ("Budget approved", "City Gazette", "2024-03-07T13:30:00+00:00")
    assert "fourteen percent" in fine.text and fine.meta == {"original_published": 1709818200}


def test_no_record_is_lost_and_the_cli_reports_each_problem_once(tmp_path: Path) -> None:
    out = tmp_path / "clusters.json"
    result = CliRunner().invoke(app, ["cluster", str(DATA), "-o", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads(out.read_text("utf-8"))
    records = len(json.loads((DATA / "breaker.json").read_text())) + len((DATA / "more.jsonl").read_text().splitlines())
    assert len(data["articles"]) + len(data["skipped"]) == records
    assert result.output.count("must be a") == 12


def test_the_adapter_without_a_warn_still_drops_and_keeps_the_value() -> None:
    article = record_to_article({"text": "Rain fell in Paris on Monday.", "url": ["https://a.example/x", "https://b.example/y"]}, "r")
    assert article.url is None and article.meta == {"url": ["https://a.example/x", "https://b.example/y"]}
    with pytest.raises(SkipInput, match=r"field 'content' must be a string, got dict"):
        record_to_article({"content": {"html": "<p>Rain</p>"}}, "r")
