"""The rendered issue in a real browser: headless Chromium loads the HTML, and the
rendered DOM must hold every story's title, summary and source link; the screenshot
must not be blank. Skipped only where no Chromium is installed (``.ci/run`` installs
the Debian package, so CI always runs it)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from lxml import html as lxml_html
from typer.testing import CliRunner

from summarize.cli import app
from summarize.render import safe_url

from .newsletter_data import full_digest, hostile_digest, write_corpus

CHROMIUM = next((path for path in map(shutil.which, ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")) if path), None)
if CHROMIUM is None and os.environ.get("STORYFOLD_REQUIRE_BROWSER"):
    raise RuntimeError("STORYFOLD_REQUIRE_BROWSER is set but no Chromium is on PATH (Debian: apt-get install -y chromium)")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get install -y chromium; .ci/run installs it)"
)

FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--hide-scrollbars", "--mute-audio",
)


def chromium(page: Path, profile: Path, *args: str) -> str:
    """Run headless Chromium on ``page`` with a new empty profile; returns stdout."""
    profile.mkdir(parents=True, exist_ok=False)
    result = subprocess.run(
        [str(CHROMIUM), *FLAGS, f"--user-data-dir={profile}", *args, page.resolve().as_uri()],
        capture_output=True, text=True, timeout=180, check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def rendered_dom(page: Path, tmp_path: Path) -> lxml_html.HtmlElement:
    return lxml_html.fromstring(chromium(page, tmp_path / "profile-dom", "--dump-dom"))


def screenshot(page: Path, target: Path, tmp_path: Path, size: str = "700,1200") -> Path:
    chromium(page, tmp_path / "profile-shot", f"--screenshot={target}", f"--window-size={size}")
    assert target.is_file(), "Chromium wrote no screenshot"
    return target


def assert_not_blank(png: Path) -> None:
    from PIL import Image

    with Image.open(png) as image:
        gray = image.convert("L")
        histogram = gray.histogram()
    pixels = sum(histogram)
    assert sum(1 for count in histogram if count) > 10, "the screenshot is (nearly) one colour"
    dark = sum(histogram[:110]) / pixels
    assert dark > 0.003, f"only {dark:.4%} of the screenshot is text-dark: nothing rendered?"


def render(digest: dict, tmp_path: Path, name: str) -> Path:
    source = tmp_path / f"{name}.json"
    source.write_text(json.dumps(digest), "utf-8")
    page = tmp_path / f"{name}.html"
    result = CliRunner().invoke(app, ["render", str(source), "-o", str(page), "-q"])
    assert result.exit_code == 0, result.output
    return page


def expected_links(digest: dict) -> set[str]:
    return {url for story in digest["stories"] for a in story.get("articles", []) if (url := safe_url(a.get("url")))}


def assert_page_shows(digest: dict, dom: lxml_html.HtmlElement) -> None:
    headlines = [" ".join(h.text_content().split()) for h in dom.find_class("headline")]
    summaries = [" ".join(s.text_content().split()) for s in dom.find_class("summary")]
    hrefs = set(dom.xpath("//a/@href"))
    assert headlines == [story["title"] for story in digest["stories"]]
    assert summaries == [" ".join(story["summary"].split()) for story in digest["stories"] if story.get("summary")]
    assert expected_links(digest) <= hrefs, expected_links(digest) - hrefs


def test_a_digest_from_run_shows_every_title_summary_and_link_in_chromium(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in")
    digest_path = tmp_path / "digest.json"
    result = CliRunner().invoke(app, ["run", str(corpus), "-o", str(digest_path), "--summarizer", "extractive", "-q"])
    assert result.exit_code == 0, result.output
    digest = json.loads(digest_path.read_text("utf-8"))
    assert len(digest["stories"]) == 2
    page = render(digest, tmp_path, "run")
    assert_page_shows(digest, rendered_dom(page, tmp_path))
    assert_not_blank(screenshot(page, tmp_path / "run.png", tmp_path))


def test_publishers_disputes_and_badges_render_in_chromium(tmp_path: Path) -> None:
    digest = full_digest()
    page = render(digest, tmp_path, "full")
    dom = rendered_dom(page, tmp_path)
    assert_page_shows(digest, dom)
    assert len(expected_links(digest)) == 4
    assert [" ".join(b.text_content().split()).lower() for b in dom.find_class("badge")] == ["new", "updated"]
    cells = [" ".join(td.text_content().split()) for td in dom.xpath("//table[contains(@class,'dispute')]//td")]
    assert cells == ["killed 12 says Metro Daily", "killed 15 says Coast Times"]
    assert_not_blank(screenshot(page, tmp_path / "full.png", tmp_path, size="390,1400"))  # a phone's width


def test_nothing_from_a_hostile_digest_runs_or_becomes_an_element_in_chromium(tmp_path: Path) -> None:
    digest = hostile_digest()
    dom = rendered_dom(render(digest, tmp_path, "hostile"), tmp_path)
    assert dom.xpath("//script | //img | //iframe | //i | //b") == []
    assert dom.findtext(".//title") != "pwned"
    assert all(href.startswith(("http://", "https://")) for href in dom.xpath("//a/@href"))
    assert "<script>document.title='pwned'</script>" in " ".join(h.text_content() for h in dom.find_class("headline"))
