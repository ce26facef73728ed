"""Ingest through the library API: formats, ids, sources, boilerplate."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cluster import InputPathError, load_articles

from .conftest import SEEDS


def test_seed_articles_are_read_with_ids_from_their_paths_and_no_boilerplate() -> None:
    ingested = load_articles([SEEDS])
    assert [a.id for a in ingested.articles] == sorted(p.stem for p in SEEDS.glob("*.txt"))
    assert ingested.skipped == ()
    first = ingested.articles[0]
    assert "Advertisement" not in first.text and "Leave a Reply" not in first.text and "cookies" not in first.text
    assert "Blinken" in first.text


def test_text_and_markdown_take_the_first_line_as_title(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("\n# Storm hits coast\n\nWind speeds reached 120 km/h on Sunday.\n")
    (article,) = load_articles([tmp_path]).articles
    assert article.title == "Storm hits coast"
    assert article.text == "Wind speeds reached 120 km/h on Sunday."
    assert article.id == "a"


@pytest.mark.parametrize(
    ("text", "title", "body_starts"),
    [
        # A site's slogan above the headline: the headline shares the body's words.
        ("Fastest News Updates\n\nStorm floods Metropolis harbour\n\nA storm flooded the Metropolis harbour on Sunday.",
         "Storm floods Metropolis harbour", "A storm flooded"),
        # A byline or a caption under the headline is not taken for it.
        ("Storm floods Metropolis harbour\nBy Lois Lane\n\nA storm flooded the Metropolis harbour on Sunday.",
         "Storm floods Metropolis harbour", "By Lois Lane"),
        ("Storm floods Metropolis harbour on Sunday\n\nMetropolis harbour\n\nA storm flooded the Metropolis harbour on Sunday.",
         "Storm floods Metropolis harbour on Sunday", "Metropolis harbour"),
        # A first paragraph is never passed over for the line after it.
        ("Storm news.\nStorm floods Metropolis harbour\n\nA storm flooded the Metropolis harbour on Sunday.",
         "Storm news.", "Storm floods"),
    ],
)
def test_plain_text_headline_is_the_first_line_unless_a_slogan_stands_above_it(
    tmp_path: Path, text: str, title: str, body_starts: str
) -> None:
    (tmp_path / "a.txt").write_text(text)
    (article,) = load_articles([tmp_path]).articles
    assert article.title == title
    assert article.text.startswith(body_starts)


def test_the_seed_with_a_site_slogan_above_its_headline_gets_the_headline() -> None:
    titles = [a.title for a in load_articles([SEEDS]).articles]
    assert "Fastest News Updates around the World" not in titles
    assert "High-Level Talks Between Blinken and Lavrov Since Ukrainian Invasion" in titles


def test_html_gives_main_text_title_canonical_url_and_domain_source(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text(
        "<html><head><title>Site | Storm</title><meta property='og:title' content='Storm hits coast'>"
        "<link rel='canonical' href='https://www.example.org/storm'></head><body>"
        "<nav>Home | World | Sport</nav><script>document.write('evil')</script>"
        "<article><p>Wind speeds reached 120 km/h on Sunday as the storm made landfall near the harbour town.</p>"
        "<p>Officials said more than 4,000 homes lost power &amp; several roads were closed by fallen trees.</p></article>"
        "</body></html>"
    )
    (article,) = load_articles([tmp_path]).articles
    assert article.title == "Storm hits coast"
    assert article.url == "https://www.example.org/storm"
    assert article.source == "example.org"
    assert "4,000 homes lost power & several roads" in article.text
    assert "evil" not in article.text and "<" not in article.text


def test_json_fields_map_and_other_fields_go_to_meta(tmp_path: Path) -> None:
    (tmp_path / "list.json").write_text(json.dumps([
        {"id": 7, "text": "A story.", "source": "Wire", "stance": "left", "url": "https://a.example/x"},
        {"text": "Another story.", "url": "https://news.example.com/y"},
    ]))
    first, second = load_articles([tmp_path]).articles
    assert (first.id, first.source, dict(first.meta)) == ("7", "Wire", {"stance": "left"})
    assert (second.id, second.source) == ("list.json:2", "example.com")  # the registrable domain


def test_a_missing_path_raises_input_path_error(tmp_path: Path) -> None:
    with pytest.raises(InputPathError, match="does not exist"):
        load_articles([tmp_path / "missing"])


def test_unsupported_files_are_accounted_for(tmp_path: Path) -> None:
    (tmp_path / "photo.jpg").write_bytes(b"\xff\xd8\xff")
    ingested = load_articles([tmp_path])
    assert ingested.articles == ()
    assert ingested.skipped[0].input == "photo.jpg"
    assert "unsupported file type" in ingested.skipped[0].reason


def test_a_one_line_article_that_mentions_cookies_is_kept_while_the_notice_is_dropped(tmp_path: Path) -> None:
    story = ("Regulators fined the bakery chain after tests found its cookies contained undeclared nuts, "
             "and told shops to stop the use of the recalled batches. " * 4).strip()
    notice = "This website uses cookies to improve your experience."
    (tmp_path / "a.jsonl").write_text(json.dumps({"id": "bakery", "text": story}) + "\n")
    (tmp_path / "b.txt").write_text(f"Title\n{notice}\nThe vote passed.\n")
    loaded = load_articles([tmp_path])
    by_id = {a.id: a for a in loaded.articles}
    assert by_id["bakery"].text == story
    assert by_id["b"].text == "The vote passed."
    assert loaded.skipped == ()
