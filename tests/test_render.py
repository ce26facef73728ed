"""storyfold render and --format: newsletter issues in HTML and Markdown, through the CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from summarize.cli import app
from summarize.render import escape_markdown, issue_view, render_digest, safe_url

from .conftest import SEEDS
from .newsletter_data import full_digest, hostile_digest, write_corpus
from .store_corpus import DAY1, DAY1_DATE, DAY2, DAY2_DATE, write_day

runner = CliRunner()


def run_cli(*args: object, input: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args], input=input)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def markdown_to_html(text: str) -> str:
    """What a newsletter tool that allows raw HTML in Markdown would make of ``text``."""
    return MarkdownIt("commonmark", {"html": True}).enable("table").render(text)


@pytest.fixture(scope="module")
def seeds_digest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seeds") / "digest.json"
    code, _, stderr = run_cli("run", SEEDS, "-o", out, "--summarizer", "extractive", "-q")
    assert code == 0, stderr
    return out


def test_seeds_digest_renders_as_html_and_markdown(seeds_digest: Path, tmp_path: Path) -> None:
    story = json.loads(seeds_digest.read_text("utf-8"))["stories"][0]
    html_out, md_out = tmp_path / "issue.html", tmp_path / "issue.md"
    assert run_cli("render", seeds_digest, "-o", html_out)[0] == 0
    assert run_cli("render", seeds_digest, "-o", md_out)[0] == 0
    html, md = html_out.read_text("utf-8"), md_out.read_text("utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<meta name="viewport"' in html
    assert story["title"] in html and story["summary"] in html
    assert f"## {escape_markdown(story['title'])}" in md
    assert "reported by 3 of 3 sources" in html and "reported by 3 of 3 sources" in md
    rendered = markdown_to_html(md)
    assert story["summary"].replace("\u201c", "").split(".")[0] in rendered


def test_html_is_one_self_contained_file_with_inline_styles(seeds_digest: Path) -> None:
    code, html, _ = run_cli("render", seeds_digest, "-f", "html")
    assert code == 0
    assert not re.search(r"<(script|link|iframe|img|object|embed|style)\b", html, re.I)
    assert not re.search(r"\bsrc=|url\(|@import", html, re.I)
    assert 'style="' in html and "max-width:640px" in html


def test_rendering_is_deterministic(seeds_digest: Path) -> None:
    assert run_cli("render", seeds_digest, "-f", "md")[1] == run_cli("render", seeds_digest, "-f", "md")[1]
    assert run_cli("render", seeds_digest)[1] == run_cli("render", seeds_digest)[1]


def test_every_story_field_shows_in_both_formats() -> None:
    data = full_digest()
    for fmt in ("html", "md"):
        text = render_digest(data, fmt)
        page = text if fmt == "html" else markdown_to_html(text)
        assert "Blast at Harbor Street fuel depot" in page
        assert "6\u20137 Mar 2024" in page  # date range of the story's articles
        assert "reported by 2 of 2 sources" in page and "reported by 1 of 2 sources" in page
        assert "killed 12" in page and "killed 15" in page  # both sides of the dispute
        assert "The death toll" in page
        assert 'href="https://metro.example/blast"' in page and 'href="https://coast.example/news/blast"' in page
        assert "reprinted by" in page and 'href="https://gazette.example/blast-copy"' in page
        assert re.search(r"new", page, re.I) and re.search(r"updated", page, re.I)
        assert 'href="http://islandpost.example/ferry"' in page


def test_disputed_claims_stand_side_by_side_with_who_says_what() -> None:
    html = render_digest(full_digest(), "html")
    row = re.search(r'<table[^>]*class="dispute".*?</table>', html, re.S)
    assert row is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(0), re.S)
    assert len(cells) == 2
    assert "killed 12" in cells[0] and "Metro Daily" in cells[0]
    assert "killed 15" in cells[1] and "Coast Times" in cells[1]
    md = render_digest(full_digest(), "md")
    table = markdown_to_html(md)
    assert re.search(r"<th>.*Metro Daily.*says.*</th>\s*<th>.*Coast Times.*says.*</th>", table)
    assert re.search(r"<td>killed 12</td>\s*<td>killed 15</td>", table)


def test_copies_are_noted_as_reprinted_not_as_another_source() -> None:
    view = issue_view(full_digest()).stories[0]
    assert [p.name for p in view.publishers] == ["Coast Times", "Metro Daily"]
    metro = view.publishers[1]
    assert [(r.name, r.url) for r in metro.reprinted_by] == [("Port Gazette", "https://gazette.example/blast-copy")]
    assert view.independent_sources == 2 and view.article_count == 3


def test_markup_in_a_digest_never_becomes_markup_in_html() -> None:
    html = render_digest(hostile_digest(), "html")
    body = html.split("<body", 1)[1]
    assert "<script" not in body and "<img" not in body and "<i>" not in body and "<b>" not in body
    assert "&lt;script&gt;" in body
    assert not re.search(r'href="(?!https?://)', body)
    assert "javascript:" not in re.sub(r"&[^;]+;", "", " ".join(re.findall(r'href="[^"]*"', body)))
    assert 'id="x&#34; onmouseover=&#34;alert(1)"' in body or 'id="x&quot; onmouseover' in body


def test_markup_in_a_digest_never_becomes_markup_in_markdown() -> None:
    md = render_digest(hostile_digest(), "md")
    html = markdown_to_html(md)
    assert "<script" not in html and "<img" not in html and "<i>" not in html and "<b>" not in html
    assert not re.search(r'href="(?!https?://)', html)
    assert "<em>bold</em>" not in html and "<code>" not in html
    assert "Title &lt;script&gt;" in html
    assert "Fact &lt;script&gt;document.title='pwned'&lt;/script&gt; | cell | break" in html


@pytest.mark.parametrize(
    ("url", "safe"),
    [("https://a.example/x?y=1#z", True), ("http://a.example", True), ("HTTPS://A.EXAMPLE/", True),
     ("javascript:alert(1)", False), ("JaVaScRiPt:alert(1)", False), ("data:text/html,x", False), ("//a.example/x", False),
     ("/relative", False), ("https://a.example/x y", False), ("https://a.example/\n", False), ("vbscript:x", False),
     ("https:///nohost", False), ("", False), (None, False), (42, False)],
)
def test_only_absolute_http_links_are_made(url: object, safe: bool) -> None:
    assert (safe_url(url) is not None) is safe


def test_a_version_1_digest_with_only_ids_and_titles_renders(tmp_path: Path) -> None:
    digest = tmp_path / "old.json"
    digest.write_text(json.dumps({"schema": "storyfold.digest/1", "stories": [{"id": "s", "title": "Only a title"}, {"id": "t"}]}))
    for fmt in ("html", "md"):
        code, out, stderr = run_cli("render", digest, "-f", fmt)
        assert code == 0, stderr
        assert "Only a title" in out and "Untitled story" in out


def test_run_writes_an_issue_when_asked_for_a_format(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in")
    issue = tmp_path / "issue.html"
    code, _, stderr = run_cli("run", corpus, "-o", issue, "--summarizer", "extractive")
    assert code == 0, stderr
    html = issue.read_text("utf-8")
    assert html.startswith("<!DOCTYPE html>") and "Chile" in html and "Norway" in html
    code, md, _ = run_cli("run", corpus, "--format", "md", "--summarizer", "extractive", "-q")
    assert code == 0 and md.startswith("# ") and "Chile" in md
    code, _, stderr = run_cli("run", corpus, "--format", "pdf")
    assert code == 2 and "'pdf' is not one of json, html, md" in stderr


def test_a_user_template_overrides_blocks_and_is_still_autoescaped(tmp_path: Path) -> None:
    digest = tmp_path / "d.json"
    digest.write_text(json.dumps(hostile_digest()))
    template = tmp_path / "mine.html.j2"
    template.write_text('{% extends "newsletter.html.j2" %}{% block footer %}<tr><td>Our footer</td></tr>{% endblock %}')
    code, html, stderr = run_cli("render", digest, "--template", template)
    assert code == 0, stderr
    assert "Our footer" in html and "A source is counted once" not in html
    assert "<script" not in html.split("<body", 1)[1]
    standalone = tmp_path / "plain.md.j2"
    standalone.write_text("{% for s in issue.stories %}* {{ s.title }}\n{% endfor %}")
    code, md, _ = run_cli("render", digest, "-f", "md", "--template", standalone)
    assert code == 0 and md.startswith("* Title \\<script\\>")


def test_render_errors_name_the_file_and_exit_with_their_codes(tmp_path: Path) -> None:
    code, _, stderr = run_cli("render", tmp_path / "missing.json")
    assert code == 2 and "missing.json does not exist" in stderr
    clusters = tmp_path / "clusters.json"
    clusters.write_text(json.dumps({"schema": "storyfold.clusters/1", "clusters": []}))
    code, _, stderr = run_cli("render", clusters)
    assert code == 1 and "run `storyfold summarize` on it first" in stderr
    broken = tmp_path / "broken.j2"
    broken.write_text("{% for %}")
    digest = tmp_path / "d.json"
    digest.write_text(json.dumps(full_digest()))
    code, _, stderr = run_cli("render", digest, "--template", broken)
    assert code == 2 and "broken.j2: line 1" in stderr


def test_render_reads_the_digest_from_stdin(seeds_digest: Path) -> None:
    code, md, _ = run_cli("render", "-", "-f", "md", input=seeds_digest.read_text("utf-8"))
    assert code == 0 and md.startswith("# The day's stories")


def test_max_facts_caps_the_facts_shown_and_says_how_many_more(seeds_digest: Path) -> None:
    facts = len(json.loads(seeds_digest.read_text("utf-8"))["stories"][0]["facts"])
    assert facts > 2
    code, md, _ = run_cli("render", seeds_digest, "-f", "md", "--max-facts", "2")
    assert code == 0
    assert md.count("reported by") == 2 and f"and {facts - 2} more facts in the digest" in md
    code, md, _ = run_cli("render", seeds_digest, "-f", "md", "--max-facts", "0")
    assert md.count("reported by") == facts


def test_a_store_run_marks_new_and_updated_stories_in_the_issue(tmp_path: Path) -> None:
    day1, day2 = write_day(tmp_path / "day1", DAY1, DAY1_DATE), write_day(tmp_path / "day2", DAY2, DAY2_DATE)
    db = tmp_path / "news.db"
    assert run_cli("run", day1, "--store", db, "--summarizer", "extractive", "-q", "-o", tmp_path / "day1.json")[0] == 0
    code, _, stderr = run_cli("run", day2, "--store", db, "--summarizer", "extractive", "-q", "-o", tmp_path / "day2.json")
    assert code == 0, stderr
    digest = json.loads((tmp_path / "day2.json").read_text("utf-8"))
    statuses = {s["status"] for s in digest["stories"]}
    assert {"new", "updated"} <= statuses
    code, md, _ = run_cli("render", tmp_path / "day2.json", "-f", "md")
    assert code == 0
    assert md.count("**NEW**") == sum(s["status"] == "new" for s in digest["stories"])
    assert md.count("**UPDATED**") == sum(s["status"] == "updated" for s in digest["stories"])
    html = render_digest(digest, "html")
    assert html.count('class="badge"') == len([s for s in digest["stories"] if s["status"] in ("new", "updated")])


def test_articles_of_unnamed_publishers_show_their_headlines_not_ids(seeds_digest: Path) -> None:
    story = json.loads(seeds_digest.read_text("utf-8"))["stories"][0]
    code, md, _ = run_cli("render", seeds_digest, "-f", "md")
    assert code == 0
    for article in story.get("articles", []):
        assert escape_markdown(article["title"]) in md
    assert not any(article_id in md or escape_markdown(article_id) in md for article_id in story["article_ids"])


def test_disputes_as_the_fact_stage_writes_them_show_each_claim_with_its_sources() -> None:
    data = full_digest()
    story = data["stories"][0]
    story["disputes"] = [{"kind": "figures", "about": "killed", "claims": [
        {"text": "The blast killed 12 people.", "sources": ["Metro Daily"], "article_ids": ["blast-a"]},
        {"text": "The blast killed 15 people.", "sources": ["Coast Times"], "article_ids": ["blast-b"]}]}]
    story["facts"][0]["evidence"] = [{"article_id": "blast-a", "publisher": "Metro Daily", "text": "40 people were injured."}]
    view = issue_view(data).stories[0]
    assert [(side.claim, [s.name for s in side.sources]) for side in view.disputes[0].sides] == [
        ("The blast killed 12 people.", ["Metro Daily"]), ("The blast killed 15 people.", ["Coast Times"])]
    assert view.disputes[0].about == "killed"
    assert "https://metro.example/blast" in [s.url for s in view.facts[0].sources]


def test_the_page_language_is_the_articles_language() -> None:
    data = full_digest()
    assert '<html lang="en">' in render_digest(data, "html")
    for story in data["stories"]:
        for article in story["articles"]:
            article["language"] = "zh"
    assert '<html lang="zh">' in render_digest(data, "html")
    data["stories"][0]["articles"][0]["language"] = '"><script>'
    assert "<script>" not in render_digest(data, "html")
