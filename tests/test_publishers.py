"""Publishers: one key and one name per outlet, never a URL, section label or file id."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cluster.publishers import (
    is_section_name,
    name_key,
    outlet_domain,
    publisher_key,
    publisher_name,
    registrable_domain,
    resolve_publishers,
)
from summarize.cli import app


@pytest.mark.parametrize(
    "url, domain",
    [
        ("https://edition.cnn.com/2024/03/07/politics/x.html", "cnn.com"),
        ("https://m.cnn.com/a", "cnn.com"),
        ("https://amp.cnn.com/a", "cnn.com"),
        ("http://www.bbc.co.uk/news/a", "bbc.co.uk"),
        ("news.bbc.co.uk", "bbc.co.uk"),
        ("https://someblog.blogspot.com/p", "someblog.blogspot.com"),
        ("https://alicenotes.wordpress.com/2024/03/05/quake/", "alicenotes.wordpress.com"),
        ("https://www.bobreports.substack.com/p/quake", "bobreports.substack.com"),
        ("https://schleifen.ucoz.de/briefe", "schleifen.ucoz.de"),
        ("https://wordpress.com/blog/2024/x", "wordpress.com"),
        ("https://www.wordpress.com/", "wordpress.com"),
        ("https://www.alicenotes.wordpress.com/a", "alicenotes.wordpress.com"),
        ("http://localhost:8000/a", None),
        ("http://10.0.0.1/a", None),
        ("not a url", None),
        ("", None),
    ],
)
def test_registrable_domain_is_offline_and_joins_mobile_and_edition_hosts(url, domain):
    assert registrable_domain(url) == domain


def test_names_compare_after_nfkc_casefold_format_and_confusables():
    assert name_key("Salon") == name_key("SALON") == name_key("Sal\u200bon") == name_key("\uff33alon")
    assert name_key("\u0421NN") == name_key("CNN")  # Cyrillic Es
    assert name_key("Reut\u0435rs") == name_key("Reuters")  # Cyrillic ie
    assert name_key("The Guardian") == name_key("guardian")
    assert name_key("CNN") != name_key("CBN")


def test_section_labels_urls_and_markup_are_not_names():
    assert publisher_name("U.S.") is None
    assert publisher_name("World") is None
    assert is_section_name("Politics")
    assert publisher_name("http://www.tmz.com") == "tmz.com"
    assert publisher_name("edition.cnn.com") == "cnn.com"
    assert publisher_name("<b>Salon</b>") == "Salon"
    assert publisher_name("   ") is None


def test_one_outlet_under_names_domains_and_hosts_is_one_publisher():
    pubs = resolve_publishers(
        [
            ("The New York Times", "https://www.nytimes.com/2024/a.html"),
            ("nytimes.com", None),
            ("new york times", None),
            (None, "https://m.nytimes.com/b"),
            ("Salon", None),
            (None, "https://www.salon.com/x"),
            ("CNN", "https://edition.cnn.com/a"),
            ("\u0421NN", None),
            ("U.S.", "https://www.reuters.com/world/us/x"),
            ("Reuters", "https://www.reuters.com/y"),
        ]
    )
    assert {p.key for p in pubs[:4]} == {"nytimes.com"} and {p.name for p in pubs[:4]} == {"The New York Times"}
    assert pubs[4] == pubs[5] and pubs[4].name == "Salon"
    assert pubs[6] == pubs[7] and pubs[6].name == "CNN"
    assert pubs[8] == pubs[9] and pubs[8].name == "Reuters"


def test_an_aggregator_link_does_not_make_its_items_one_publisher():
    pubs = resolve_publishers([("BBC", "https://news.google.com/rss/articles/1"), ("CNN", "https://news.google.com/rss/articles/2")])
    assert pubs[0].key != pubs[1].key


def test_alias_table_joins_names_and_domains():
    aliases = {"Associated Press": ["AP", "apnews.com"]}
    pubs = resolve_publishers([("AP", None), (None, "https://apnews.com/article/x"), ("Associated Press", None)], aliases)
    assert {p.key for p in pubs} == {"alias:associatedpress"} and {p.name for p in pubs} == {"Associated Press"}


def test_no_name_and_no_url_is_an_unknown_publisher():
    assert resolve_publishers([(None, None), ("", "file.html")]) == [None, None]
    assert publisher_key(None) is None


@pytest.mark.parametrize(
    "entries",
    [
        [("Alice's Notes", "https://alicenotes.wordpress.com/a"), ("Bob Reports", "https://bobreports.wordpress.com/b")],
        [(None, "https://alicenotes.wordpress.com/a"), (None, "https://bobreports.wordpress.com/b")],
        [("Medium", "https://medium.com/@alice/quake-1"), ("Medium", "https://medium.com/@bob/quake-2")],
        [(None, "https://medium.com/@alice/quake-1"), (None, "https://medium.com/city-desk/quake-2")],
        [("Tumblr", "https://alice.tumblr.com/post/1"), ("Tumblr", "https://bob.tumblr.com/post/2")],
        [(None, "https://www.tumblr.com/alice/1"), (None, "https://www.tumblr.com/bob/2")],
    ],
)
def test_writers_on_one_hosting_platform_are_different_publishers(entries):
    first, second = resolve_publishers(entries)
    assert first is not None and second is not None
    assert first.key != second.key


def test_one_blog_on_a_platform_is_still_one_publisher():
    pubs = resolve_publishers(
        [("Alice's Notes", "https://alicenotes.wordpress.com/a"), (None, "https://alicenotes.wordpress.com/b"), ("alicenotes.wordpress.com", None)]
    )
    assert {(p.key, p.name) for p in pubs} == {("alicenotes.wordpress.com", "Alice's Notes")}


@pytest.mark.parametrize(
    "url, outlet",
    [
        ("https://medium.com/@alice/quake-4f2a", "medium.com/@alice"),
        ("https://www.medium.com/City-Desk/quake", "medium.com/city-desk"),
        ("https://medium.com/", "medium.com"),
        ("https://medium.com/p/4f2a9c", "medium.com"),
        ("https://www.tumblr.com/alice/7123", "tumblr.com/alice"),
        ("https://substack.com/@bob/note", "substack.com/@bob"),
        ("https://edition.cnn.com/x", "cnn.com"),
        (None, None),
    ],
)
def test_outlet_domain_reads_the_writer_from_the_path_on_path_hosted_platforms(url, outlet):
    assert outlet_domain(url) == outlet


def test_two_blogs_on_one_platform_count_as_two_sources_each_credited_with_its_own_words(tmp_path):
    feed = Path(__file__).parent / "cases" / "hosted-blogs" / "feed.jsonl"
    result = CliRunner().invoke(app, ["run", str(feed), "-o", str(tmp_path / "d.json"), "--summarizer", "extractive", "-q"])
    assert result.exit_code == 0, result.output
    (story,) = json.loads((tmp_path / "d.json").read_text())["stories"]
    assert story["independent_sources"] == 2
    assert sorted(story["sources"]) == ["Alice's Notes", "Bob Reports"]
    credited = {f["text"]: f["sources"] for f in story["facts"]}
    assert credited["Local volunteers set up a soup kitchen near the cathedral."] == ["Bob Reports"]
    assert credited["I watched neighbours carry blankets into the square."] == ["Alice's Notes"]


def test_a_tie_between_spellings_of_one_name_shows_the_mixed_case_one():
    pubs = resolve_publishers([("REUTERS", None), ("Reuters", None), (None, "https://www.reuters.com/x")])
    assert {p.name for p in pubs} == {"Reuters"}


def test_two_posts_on_the_platforms_own_site_are_one_publisher():
    first, second = resolve_publishers([(None, "https://wordpress.com/blog/2024/a"), (None, "https://wordpress.com/blog/2024/b")])
    assert first is not None and first == second and first.key == "wordpress.com"
