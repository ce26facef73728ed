"""Field cases of reading feeds and pages (tests/cases/03..08, ingest side), each with more
inputs of the same kind beside it (``more/``): what a user expects of the digest."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from cluster.ingest import load_articles
from summarize.cli import app
from summarize.output import load_schema

CASES = Path(__file__).parent / "cases"
MARKUP = re.compile(r"<[A-Za-z/!?]|CDATA|\]\]>|&(?:[a-z]+|#\d+|#x[0-9a-f]+);|javascript:|data:image", re.I)


def run_digest(tmp_path: Path, *inputs: Path) -> tuple[dict, str]:
    out = tmp_path / "digest.json"
    result = CliRunner().invoke(app, ["run", *map(str, inputs), "-o", str(out), "--summarizer", "extractive", "--processes", "1"])
    assert result.exit_code == 0, result.output
    digest = json.loads(out.read_text("utf-8"))
    jsonschema.validate(digest, load_schema("digest"))
    return digest, result.output


def story_of(digest: dict, article_id: str) -> dict:
    return next(s for s in digest["stories"] if article_id in s["article_ids"])


def read(folder: Path) -> tuple[dict, list, list[str]]:
    warnings: list[str] = []
    ingested = load_articles([folder], warn=warnings.append, processes=1)
    return {a.id: a for a in ingested.articles}, list(ingested.skipped), warnings


# -- 03: titles lose the publisher's tail ----------------------------------------------------
def test_03_aggregator_titles_lose_the_publisher_tail(tmp_path: Path) -> None:
    digest, _ = run_digest(tmp_path, CASES / "03-japanese-headlines" / "input")
    for story in digest["stories"]:
        assert not re.search(r"\s-\s\S+$", story["title"])
        assert all(not re.search(r"\s-\s\S+$", a["title"]) for a in story["articles"])
    articles, _, _ = read(CASES / "03-japanese-headlines" / "input")
    assert articles["gn-1"].title == "大手通信会社で大規模障害、全国で通話できず"
    assert articles["gn-1"].meta["original_title"].endswith(" - ITメディアX")
    assert {a.language for a in articles.values()} == {"ja"}


def test_03_more_tails_prefixes_and_section_labels(tmp_path: Path) -> None:
    articles, _, _ = read(CASES / "03-japanese-headlines" / "more")
    assert articles["zh-1"].title == "四川发生5.8级地震 造成3人死亡"
    assert articles["th-1"].title == "พายุพัดถล่มชายฝั่งภาคใต้ มีผู้เสียชีวิต 4 ราย"
    assert articles["ja-3"].title == "新幹線が一時運転見合わせ"
    assert articles["en-1"].title == "Storm batters the southern coast"  # "- BBC News", publisher BBC
    assert articles["en-2"].title == "Senate passes the spending bill"  # "| CNN Politics", edition.cnn.com
    assert articles["en-3"].title == "Why the rate decision matters"  # "Opinion |"
    assert articles["en-4"].title == "Biden signs the bill - and what comes next"  # a dash inside a headline stays
    assert (articles["zh-1"].language, articles["th-1"].language, articles["en-1"].language) == ("zh", "th", "en")


def test_a_tail_repeated_across_one_publishers_titles_is_removed(tmp_path: Path) -> None:
    rows = [
        {"id": f"r{i}", "url": f"https://www.example-wire.com/a{i}", "title": f"{head} - Daily Wire Report", "text": f"{head}, officials said on Monday."}
        for i, head in enumerate(["Quake shakes the northern coast", "Council approves the new budget", "River floods three villages"])
    ]
    (tmp_path / "feed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    articles, _, _ = read(tmp_path)
    assert [a.title for a in articles.values()] == ["Quake shakes the northern coast", "Council approves the new budget", "River floods three villages"]


# -- 04: body field names; no usable text ------------------------------------------------------
def test_04_body_under_maintext_is_read(tmp_path: Path) -> None:
    digest, _ = run_digest(tmp_path, CASES / "04-body-field-name" / "input")
    assert story_of(digest, "n1")["articles"][0]["title"] == "Council approves park on old rail yard"
    assert digest["skipped"] == []


def test_04_more_field_names_and_records_without_text_are_named(tmp_path: Path) -> None:
    articles, skipped, warnings = read(CASES / "04-body-field-name" / "more")
    assert sorted(articles) == ["c1", "c2", "c3", "c4", "c5", "c6"]
    assert articles["c1"].url == "https://www.example-city.org/news/library"
    assert articles["c1"].published == "2024-03-04T09:00:00+00:00"
    assert articles["c2"].source == "Metro Courier" and articles["c2"].url == "https://metrocourier.example.com"
    assert articles["c3"].source == "River Gazette"
    assert articles["c4"].published == "2024-03-05T15:00:00+00:00"
    assert articles["c6"].text == "The port authority approved dredging of the harbour on Thursday.\n\nWork starts in May."
    reasons = {s.input: s.reason for s in skipped}
    assert reasons["scrapers.jsonl:7"] == "record has no text (looked for text, content, body, maintext, article, article_text, full_text, description, summary)"
    assert reasons["scrapers.jsonl:8"].startswith("record has no text (empty after removing markup")
    assert len(warnings) == 2 and all(w.count("\n") == 0 for w in warnings)


def test_text_field_names_are_configurable(tmp_path: Path) -> None:
    (tmp_path / "a.jsonl").write_text(json.dumps({"id": "x", "story_body": "The river rose by two metres overnight."}) + "\n")
    config = tmp_path / "c.toml"
    config.write_text('[ingest]\ntext_fields = ["story_body", "text"]\n')
    from summarize import load_settings

    ingested = load_articles([tmp_path / "a.jsonl"], load_settings(config).ingest)
    assert [a.text for a in ingested.articles] == ["The river rose by two metres overnight."]


# -- 05 / 06: markup and entities ---------------------------------------------------------------
@pytest.mark.parametrize("folder", ["input", "more"])
def test_05_cdata_and_markup_never_reach_the_digest(tmp_path: Path, folder: str) -> None:
    digest, _ = run_digest(tmp_path, CASES / "05-cdata-in-json" / folder)
    blob = json.dumps(digest["stories"], ensure_ascii=False)
    assert not MARKUP.search(blob), MARKUP.search(blob)
    titles = {a["id"]: a["title"] for s in digest["stories"] for a in s["articles"]}
    if folder == "input":
        assert titles == {"t2": "Ferry service suspended after storm"}
    else:
        assert titles == {"x1": "Harbour reopens after repairs", "x2": "Ferry timetable changes from May", "x3": "Pier repairs to start next month"}


def test_06_entities_in_titles_are_decoded(tmp_path: Path) -> None:
    digest, _ = run_digest(tmp_path, CASES / "06-entities-in-title" / "input")
    assert digest["stories"][0]["title"] == 'Storm’s toll rises to 4 as "Helmi" hits coast'
    articles, _, _ = read(CASES / "06-entities-in-title" / "more")
    assert articles["e1"].title == "Council’s plan — “a fair deal”"
    assert articles["e2"].title == "Prices up 3% & wages flat"  # escaped twice
    assert articles["e3"].title == "Snow closes schools in the north"  # zero-width and bidi characters
    assert articles["e3"].source == articles["e1"].source == "north-herald"


# -- 07: dates -----------------------------------------------------------------------------------
def test_07_rfc822_reports_two_weeks_apart_stay_two_stories_as_with_iso(tmp_path: Path) -> None:
    rfc, _ = run_digest(tmp_path, CASES / "07-rfc822-dates" / "input")
    iso_folder = tmp_path / "iso"
    iso_folder.mkdir()
    shutil.copy(CASES / "07-rfc822-dates" / "more" / "iso.jsonl", iso_folder)
    iso, _ = run_digest(tmp_path, iso_folder)
    assert story_of(rfc, "a")["id"] != story_of(rfc, "c")["id"]
    assert sorted(s["article_ids"] for s in rfc["stories"]) == sorted(s["article_ids"] for s in iso["stories"])
    assert story_of(rfc, "a")["articles"][0]["published"] == "2024-03-07T08:30:00-05:00"


def test_07_every_common_feed_date_form_is_read_and_a_bad_one_warns_once(tmp_path: Path) -> None:
    folder = tmp_path / "dates"
    folder.mkdir()
    shutil.copy(CASES / "07-rfc822-dates" / "more" / "dates.jsonl", folder)
    articles, skipped, warnings = read(folder)
    assert skipped == [] and len(articles) == 9
    for article_id, article in articles.items():
        if article_id != "d-bad":
            assert article.published is not None and article.published.startswith("2024-03-07"), article_id
    assert articles["d-bad"].published is None
    assert articles["d-bad"].meta["original_published"] == "sometime last week"
    assert articles["d-rfc"].meta["original_published"] == "Thu, 07 Mar 2024 08:30:00 EST"
    (line,) = warnings
    assert "'d-bad'" in line and "dates.jsonl:9" in line and "'sometime last week'" in line and "kept undated" in line


# -- 08: stubs -----------------------------------------------------------------------------------
def test_08_paywall_stubs_are_skipped_not_merged_or_summarized(tmp_path: Path) -> None:
    digest, _ = run_digest(tmp_path, CASES / "08-paywall-stubs" / "input")
    assert digest["stories"] == []
    reasons = [s["reason"] for s in digest["skipped"]]
    assert len(reasons) == 2 and all(r.startswith("stub: paywall") for r in reasons)
    assert digest["stats"]["inputs"] == 2


def test_08_more_walls_captions_and_shared_teasers_are_stubs_but_a_brief_is_news(tmp_path: Path) -> None:
    articles, skipped, warnings = read(CASES / "08-paywall-stubs" / "more")
    assert list(articles) == ["brief"]
    reasons = {s.input: s.reason for s in skipped}
    assert "consent wall" in reasons["walls.json:1"] and "consent wall" in reasons["walls.json:2"]
    assert "caption" in reasons["walls.json:5"]
    assert "same short text" in reasons["teaser-a"] and "same short text" in reasons["teaser-b"]
    assert len(warnings) == 5


# -- ids, self-written files, publishers, the digest's article list -----------------------------
def test_the_same_relative_path_in_two_inputs_keeps_both_articles(tmp_path: Path) -> None:
    for day, text in (("monday", "The storm reached the coast on Monday night."), ("tuesday", "Rain fell across Paris on Tuesday morning.")):
        (tmp_path / day).mkdir()
        (tmp_path / day / "article.txt").write_text(f"Headline of {day}\n\n{text}\n")
    ingested = load_articles([tmp_path / "monday", tmp_path / "tuesday"], processes=1)
    assert [a.id for a in ingested.articles] == ["monday/article", "tuesday/article"] and ingested.skipped == ()
    ingested = load_articles([tmp_path / "monday" / "article.txt", tmp_path / "tuesday" / "article.txt"], processes=1)
    assert [a.id for a in ingested.articles] == ["monday/article", "tuesday/article"]


def test_a_digest_or_clusters_file_inside_an_input_is_skipped_by_its_schema(tmp_path: Path) -> None:
    (tmp_path / "news.jsonl").write_text(json.dumps({"id": "a", "text": "The council approved the new park on Monday."}) + "\n")
    first, _ = run_digest(tmp_path, tmp_path / "news.jsonl")
    (tmp_path / "old-digest.json").write_text(json.dumps(first))
    ingested = load_articles([tmp_path], processes=1)
    assert [a.id for a in ingested.articles] == ["a"]
    assert [(s.input, s.reason) for s in ingested.skipped] == [
        (name, "a file storyfold wrote (schema 'storyfold.digest/2'), not articles") for name in ("digest.json", "old-digest.json")
    ]


def test_one_outlet_under_names_hosts_and_look_alikes_is_one_source(tmp_path: Path) -> None:
    texts = [
        "The central bank held interest rates at 5.25% on Wednesday, citing stubborn inflation in services.",
        "Rates stay at 5.25%: the central bank said on Wednesday that services inflation is still too high to cut.",
        "Policymakers kept the benchmark rate at 5.25% on Wednesday and signalled no cut before the summer.",
        "The central bank left its key rate unchanged at 5.25% on Wednesday, as markets had expected.",
        "Wednesday's decision to hold the rate at 5.25% was unanimous, the central bank said.",
        "Holding at 5.25% on Wednesday, the central bank warned that rents keep inflation in services high.",
    ]
    rows = [
        {"id": "nyt-1", "source": "The New York Times", "url": "https://www.nytimes.com/2024/03/07/business/rates.html", "text": texts[0]},
        {"id": "nyt-2", "url": "https://m.nytimes.com/2024/03/07/rates-amp.html", "text": texts[1]},
        {"id": "cnn-1", "source": "\u0421NN", "text": texts[2]},
        {"id": "cnn-2", "url": "https://edition.cnn.com/2024/03/07/rates", "text": texts[3]},
        {"id": "reuters", "source": "U.S.", "url": "https://www.reuters.com/markets/us/rates", "text": texts[4]},
        {"id": "anon", "text": texts[5]},
    ]
    (tmp_path / "feed.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    articles, _, _ = read(tmp_path)
    assert articles["nyt-1"].source == articles["nyt-2"].source == "The New York Times"
    assert articles["cnn-1"].source == articles["cnn-2"].source
    assert articles["reuters"].source == "reuters.com"  # a section label is not a name
    assert articles["anon"].source is None
    (tmp_path / "out").mkdir()
    digest, _ = run_digest(tmp_path / "out", tmp_path / "feed.jsonl")
    by_id = {a["id"]: a for s in digest["stories"] for a in s["articles"]}
    for story in digest["stories"]:
        names = {by_id[i]["publisher"] for i in story["article_ids"]}
        unnamed = sum(1 for i in story["article_ids"] if by_id[i]["publisher"] is None)
        if not story["copies"]:  # each publisher once, and the unnamed article as its own source
            assert story["independent_sources"] == len(names - {None}) + unnamed
        assert "anon" not in story["sources"] and None not in story["sources"]
    assert by_id["nyt-2"] == {"id": "nyt-2", "title": None, "url": "https://m.nytimes.com/2024/03/07/rates-amp.html", "published": None,
                              "publisher": "The New York Times", "language": "en", "copy_of": by_id["nyt-2"]["copy_of"]}
    assert by_id["anon"]["publisher"] is None
