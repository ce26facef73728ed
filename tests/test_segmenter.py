"""The sentence splitter: the hand-marked gold file and the kinds of boundary it covers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from summarize.segmenter import join_wrapped_lines, segment, strip_entry_stamp
from summarize.sentences import split_sentences
from summarize.settings import SentenceSettings

GOLD = [json.loads(line) for line in (Path(__file__).parent / "data" / "sentences_gold.jsonl").open(encoding="utf-8")]


def test_the_gold_file_is_big_enough_and_covers_every_kind() -> None:
    assert sum(len(r["sentences"]) for r in GOLD) >= 200
    kinds = {r["kind"] for r in GOLD}
    assert {"ampm", "us", "title", "no", "decimal", "quote", "initial", "hard-wrap", "entry-stamp", "spaceless-script"} <= kinds


def test_the_splitter_gets_at_least_97_percent_of_gold_sentences_right() -> None:
    right = total = 0
    for record in GOLD:
        got = segment(record["text"])
        right += sum(1 for s in record["sentences"] if s in got)
        total += len(record["sentences"])
    assert right / total >= 0.97


@pytest.mark.parametrize("kind", ["hard-wrap", "entry-stamp", "spaceless-script"])
def test_every_constructed_passage_of_a_kind_splits_exactly(kind: str) -> None:
    for record in (r for r in GOLD if r["kind"] == kind):
        assert segment(record["text"]) == record["sentences"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Gen. Mark Milley spoke. He left.", ["Gen. Mark Milley spoke.", "He left."]),
        ("It begins at 9 a.m. Eastern Time on Monday.", ["It begins at 9 a.m. Eastern Time on Monday."]),
        ("The vote came just before 4 a.m. The bill now goes to the House.", ["The vote came just before 4 a.m.", "The bill now goes to the House."]),
        ("U.S. officials met. The U.S. Senate voted.", ["U.S. officials met.", "The U.S. Senate voted."]),
        ("He wore No. 10 for the club. No. I did not.", ["He wore No. 10 for the club.", "No.", "I did not."]),
        ("Prices rose 1.5% to $2.25 a gallon. Sales fell.", ["Prices rose 1.5% to $2.25 a gallon.", "Sales fell."]),
        ('"Stop! Stop!" the crowd chanted. Police left.', ['"Stop! Stop!" the crowd chanted.', "Police left."]),
        ("John F. Kennedy spoke in Berlin.", ["John F. Kennedy spoke in Berlin."]),
        ("地震造成3人死亡。27人受伤！", ["地震造成3人死亡。", "27人受伤！"]),
    ],
)
def test_boundaries(text: str, expected: list[str]) -> None:
    assert segment(text) == expected


def test_hard_wrapped_lines_join_but_headlines_stay_apart() -> None:
    text = "Storm closes ferry routes\nThe operator suspended crossings on Friday, citing\nwinds of up to 90 km/h."
    assert join_wrapped_lines(text) == ["Storm closes ferry routes", "The operator suspended crossings on Friday, citing winds of up to 90 km/h."]


def test_entry_stamps_are_stripped_but_figures_are_not() -> None:
    assert strip_entry_stamp("11:30 Iran says it has closed the strait.") == "Iran says it has closed the strait."
    assert strip_entry_stamp("10.05am: The minister spoke.") == "The minister spoke."
    assert strip_entry_stamp("12.5 percent of voters stayed home.") == "12.5 percent of voters stayed home."


def test_a_wrapped_time_does_not_break_a_sentence_in_the_article_path() -> None:
    text = "The outage began at 11:30 a.m.\nEastern Time, and more than 100,000 users filed reports."
    assert split_sentences(text, SentenceSettings()) == [
        "The outage began at 11:30 a.m. Eastern Time, and more than 100,000 users filed reports."
    ]


def test_live_blog_entries_lose_their_stamps_in_the_article_path() -> None:
    text = "11:55 A tanker reported coming under gunfire in the strait.\n\n11:30 Iran says it has closed the Strait of Hormuz."
    assert split_sentences(text, SentenceSettings()) == [
        "A tanker reported coming under gunfire in the strait.",
        "Iran says it has closed the Strait of Hormuz.",
    ]


def test_a_megabyte_of_low_variety_text_splits_in_linear_time() -> None:
    text = ("Mr. A. B. said the U.S. plan is No. 1. " * 30000)[:1_000_000]
    assert len(segment(text)) > 1000
