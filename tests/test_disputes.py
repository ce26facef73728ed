"""Facts an editor can check: evidence, disputes side by side, sentence accounting (field cases 11-13)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from cluster import Cluster
from cluster.ingest import load_articles
from summarize.cli import app
from summarize.digest import summarize_cluster
from summarize.output import load_schema

from .conftest import SEEDS

CASES = Path(__file__).parent / "cases"
runner = CliRunner()


def digest_of(folder: Path, tmp_path: Path, *options: str) -> dict:
    out = tmp_path / "digest.json"
    result = runner.invoke(app, ["run", str(folder), "-o", str(out), "--summarizer", "extractive", "-q", *options])
    assert result.exit_code == 0, result.stderr
    data = json.loads(out.read_text("utf-8"))
    jsonschema.validate(data, load_schema("digest"))
    return data


def only_story(data: dict) -> dict:
    assert len(data["stories"]) == 1
    return data["stories"][0]


def test_every_fact_carries_its_evidence_and_counts_it(tmp_path: Path) -> None:
    story = only_story(digest_of(SEEDS, tmp_path))
    for fact in story["facts"]:
        ids = [e["article_id"] for e in fact["evidence"]]
        assert ids == fact["article_ids"]
        assert all(e["text"] and e["publisher"] for e in fact["evidence"])
        assert fact["source_count"] == len(ids)  # the seeds are three publishers, no copies
    stats = story["sentences"]
    assert stats["kept"] == stats["in_facts"] + sum(stats["dropped"].values())


def test_a_claim_absorbed_before_is_visible_as_evidence(tmp_path: Path) -> None:
    story = only_story(digest_of(SEEDS, tmp_path, "--facts", "all"))
    evidence = [e["text"] for f in story["facts"] for e in f["evidence"]]
    assert any("state of the nation" in text for text in evidence)


@pytest.mark.parametrize(
    ("folder", "figure_pattern"),
    [("input", r"\b(12|15)\b"), ("more-money", r"\$1\.[25] billion"), ("more-words", r"\b(twelve|12|9)\b")],
)
def test_figures_that_differ_on_one_event_are_a_dispute_not_an_agreed_fact(folder: str, figure_pattern: str, tmp_path: Path) -> None:
    story = only_story(digest_of(CASES / "11-conflicting-toll" / folder, tmp_path))
    versions = [f for f in story["facts"] if re.search(figure_pattern, f["text"])]
    assert len(versions) >= 2 and all(f["disputed"] for f in versions)
    (dispute,) = story["disputes"]
    assert dispute["kind"] == "figures" and len(dispute["claims"]) == 2
    said = {c["text"]: set(c["sources"]) for c in dispute["claims"]}
    assert len(set().union(*said.values())) == len(story["sources"])  # who says what, for every version
    # the summary names every version's sources instead of stating one as agreed
    for claim in dispute["claims"]:
        assert any(source in story["summary"] for source in claim["sources"])


def test_the_agreed_part_of_a_disputed_toll_is_never_stated_with_one_side(tmp_path: Path) -> None:
    story = only_story(digest_of(CASES / "11-conflicting-toll" / "input", tmp_path))
    assert not [f for f in story["facts"] if re.search(r"\b(12|15)\b", f["text"]) and f["source_count"] >= 2]
    assert "12 (wire-one) or 15 (city-paper) people" in story["summary"]


@pytest.mark.parametrize("folder", ["input", "more"])
def test_a_quotation_credited_to_different_people_is_not_agreed(folder: str, tmp_path: Path) -> None:
    story = only_story(digest_of(CASES / "12-quote-attribution" / folder, tmp_path))
    quoted = [f for f in story["facts"] if f["text"].startswith('"')]
    assert len(quoted) == 2 and all(f["source_count"] == 1 and f["disputed"] for f in quoted)
    (dispute,) = story["disputes"]
    assert dispute["kind"] == "attribution"
    assert {s for c in dispute["claims"] for s in c["sources"]} == set(story["sources"])
    assert "attributes it to" in story["summary"]


@pytest.mark.parametrize(("folder", "claim"), [("input", "closed the Strait of Hormuz"), ("more", "closed all")])
def test_a_claim_a_live_blog_and_a_wire_share_is_a_two_source_fact_in_the_summary(folder: str, claim: str) -> None:
    # The fact stage on the story as the case defines it: the live blog and the wire together.
    articles = load_articles([CASES / "13-liveblog-closure" / folder]).articles
    story = summarize_cluster(Cluster.of([a.id for a in articles]), {a.id: a for a in articles})
    shared = [f for f in story.facts if claim in f.text or any(claim in e.text for e in f.evidence)]
    assert shared and max(f.source_count for f in shared) == 2
    assert claim.split()[0] in story.summary.text
    stamped = [t for t in [story.summary.text] + [f.text for f in story.facts] if re.match(r"\s*\d{1,2}[:.]\d{2}\b", t)]
    assert not stamped


def test_single_source_facts_beyond_the_limit_are_counted_not_listed(tmp_path: Path) -> None:
    every = only_story(digest_of(SEEDS, tmp_path, "--facts", "all"))
    top = only_story(digest_of(SEEDS, tmp_path))
    single = [f for f in every["facts"] if f["source_count"] == 1]
    assert every["facts_left_out"] == 0 and len(single) > 10
    assert len([f for f in top["facts"] if f["source_count"] == 1]) == 10
    assert top["facts_left_out"] == len(single) - 10
    assert [f for f in top["facts"] if f["source_count"] > 1] == [f for f in every["facts"] if f["source_count"] > 1]


def test_a_story_with_too_little_prose_is_marked_thin(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.json").write_text(json.dumps({"id": "a", "source": "x", "title": "Photo", "text": "Pictured: the harbour at dawn on Monday."}))
    story = only_story(digest_of(folder, tmp_path))
    assert story["summary_method"] == "thin" and story["note"].startswith("thin")
    assert "Pictured" not in story["summary"]


def test_a_single_source_summary_never_opens_on_an_earlier_sentence_or_speaks_in_the_first_person(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    text = ("After all, he's the man behind the plan. I think the council got this badly wrong. "
            "The city council approved a new tram line for the east side on Tuesday. "
            "The line will cost 400 million euros and open in 2029, the transport office said.")
    (folder / "a.json").write_text(json.dumps({"id": "a", "source": "x", "title": "Tram line approved", "text": text}))
    story = only_story(digest_of(folder, tmp_path))
    assert story["summary"].startswith("The city council approved")
    assert not re.search(r"\bI\b", story["summary"])


QUAKE = "A magnitude 6.1 earthquake struck Portoverde on Tuesday and killed at least {n} people, officials said. " \
    "Mayor Elena Ruiz said schools would remain closed on Wednesday. Residents slept outside in the main square."


def _disputed_summary(*articles: tuple[str, str | None, str | None, int]) -> str:
    """The summary of one story of quake reports (id, source, title, toll)."""
    from cluster import Article

    arts = {i: Article(i, QUAKE.format(n=n), source=source, title=title) for i, source, title, n in articles}
    return summarize_cluster(Cluster.of(sorted(arts)), arts).summary.text


@pytest.mark.parametrize(
    ("articles", "names"),
    [
        ([("a1", None, "Quake kills 12", 12), ("a2", None, "Quake kills 15", 15)], ["“Quake kills 12”", "“Quake kills 15”"]),
        ([("a1", None, None, 12), ("a2", "City Paper", None, 15)], ["an unnamed report", "City Paper"]),
        ([("a1", None, None, 12), ("a2", None, None, 12), ("a3", "AP", None, 15)], ["2 unnamed reports", "AP"]),
        ([("a1", "AP", None, 12), ("a2", "BBC", None, 12), ("a3", "CNN", None, 15)], ["AP and BBC", "CNN"]),
    ],
)
def test_a_dispute_names_its_sources_in_prose_never_by_article_id(articles, names) -> None:
    text = _disputed_summary(*articles)
    assert f"12 ({names[0]}) or 15 ({names[1]})" in text
    assert not re.search(r"\ba[123]\b", text)


def test_an_attributed_version_agrees_its_verb_and_lowers_a_sentence_opener() -> None:
    from cluster import Article

    said = "At the time, at least 12 people had died in Portoverde after the earthquake, officials said. " \
        "Mayor Elena Ruiz said schools would remain closed on Wednesday. Residents slept outside in the main square."
    other = "At the time, at least 15 people had died in Portoverde after the strong earthquake struck, rescuers said. " \
        "Mayor Elena Ruiz said schools would remain closed on Wednesday. The army sent soldiers to help."
    arts = {
        "a1": Article("a1", said, source="AP"),
        "a2": Article("a2", said.replace("Residents", "Many residents"), source="BBC"),
        "a3": Article("a3", other),
        "a4": Article("a4", other.replace("The army", "The national army")),
    }
    text = summarize_cluster(Cluster.of(sorted(arts)), arts).summary.text
    assert text.startswith("According to AP and BBC, at the time, at least 12 people had died")
    assert "; 2 unnamed reports report: At the time, at least 15 people" in text
