"""Facts: cross-source alignment, independent-source counts, neutral representatives."""

from __future__ import annotations

from pathlib import Path

import pytest

from cluster.ingest import load_articles
from summarize.facts import build_facts
from summarize.settings import Settings
from summarize.types import Fact
from tests.conftest import make_article

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture(scope="module")
def seed_facts() -> tuple[Fact, ...]:
    articles = load_articles([SEEDS]).articles
    assert len(articles) == 3
    return build_facts(articles, {}, Settings())


def _count_of(facts: tuple[Fact, ...], *words: str) -> int:
    """The highest source count among facts whose text has all ``words``."""
    matching = [f.source_count for f in facts if all(w.lower() in f.text.lower() for w in words)]
    assert matching, f"no fact mentions {words}"
    return max(matching)


def test_seed_meeting_length_is_reported_by_all_three_seeds(seed_facts: tuple[Fact, ...]) -> None:
    assert _count_of(seed_facts, "10 minutes") == 3


def test_seed_new_start_appeal_is_reported_by_all_three_seeds(seed_facts: tuple[Fact, ...]) -> None:
    assert _count_of(seed_facts, "New START", "reverse") == 3


def test_seed_paul_whelan_appeal_is_reported_by_all_three_seeds(seed_facts: tuple[Fact, ...]) -> None:
    assert _count_of(seed_facts, "Paul Whelan", "release") == 3


def test_seed_un_vote_of_141_countries_has_one_source(seed_facts: tuple[Fact, ...]) -> None:
    assert _count_of(seed_facts, "141 countries") == 1


def test_seed_boilerplate_never_becomes_a_fact(seed_facts: tuple[Fact, ...]) -> None:
    texts = " ".join(f.text.lower() for f in seed_facts)
    assert "advertisement" not in texts and "leave a reply" not in texts and "cookie" not in texts


def test_facts_are_sorted_by_source_count_then_salience(seed_facts: tuple[Fact, ...]) -> None:
    keys = [(-f.source_count, -f.salience, f.text) for f in seed_facts]
    assert keys == sorted(keys)
    assert {f.source_count for f in seed_facts} >= {1, 3}


QUAKE_AP = "A magnitude 7.1 earthquake struck off the coast of Chile on Tuesday, killing at least 12 people. Rescue teams searched collapsed buildings overnight in the port."
QUAKE_BBC = "At least 12 people died when a 7.1 magnitude earthquake hit the coast of Chile on Tuesday. The president declared a state of emergency in the region."


def test_a_copy_from_another_publisher_counts_once() -> None:
    original = make_article("ap-1", QUAKE_AP, source="AP")
    copy = make_article("herald-1", QUAKE_AP + " Schools in the area will stay closed this week.", source="Daily Herald")
    facts = build_facts([original, copy], {"herald-1": "ap-1"}, Settings())
    shared = next(f for f in facts if "earthquake" in f.text)
    assert shared.article_ids == ("ap-1", "herald-1")
    assert shared.sources == ("AP", "Daily Herald")
    assert shared.source_count == 1


def test_independent_publishers_count_separately_and_one_publisher_once() -> None:
    articles = [
        make_article("ap-1", QUAKE_AP, source="AP"),
        make_article("bbc-1", QUAKE_BBC, source="BBC"),
        make_article("ap-2", "A 7.1 magnitude earthquake hit Chile's coast on Tuesday, killing at least 12 people, officials said.", source="ap"),
    ]
    facts = build_facts(articles, {}, Settings())
    quake = next(f for f in facts if "earthquake" in f.text)
    assert set(quake.article_ids) == {"ap-1", "ap-2", "bbc-1"}
    assert quake.source_count == 2


def test_different_numbers_are_different_facts() -> None:
    articles = [
        make_article("a", "The storm killed 12 people in the coastal town of Valparaiso on Tuesday night.", source="AP"),
        make_article("b", "The storm killed 30 people in the coastal town of Valparaiso on Tuesday night.", source="BBC"),
    ]
    facts = build_facts(articles, {}, Settings())
    assert [f.source_count for f in facts] == [1, 1]


def test_sources_fall_back_to_article_ids() -> None:
    facts = build_facts([make_article("a", QUAKE_AP), make_article("b", QUAKE_BBC)], {}, Settings())
    quake = next(f for f in facts if "earthquake" in f.text)
    assert quake.sources == ("a", "b")


@pytest.mark.parametrize(
    ("other", "representative"),
    [
        # the more neutral phrasing
        ("The disgraceful, corrupt mayor of Lyon shamefully resigned on Friday after a damning fraud scandal.",
         "The mayor of Lyon resigned on Friday after an inquiry into fraud at city hall."),
        # a complete member before one cut off by an excerpt
        ("The Food and Drug Administration on Wednesday authorized Pfizer booster doses for people 65 and older and...",
         "The Food and Drug Administration authorized Pfizer booster doses on Wednesday for people 65 and older."),
        # a sentence opening on a possessive leans on the one before it
        ("Her name is Frances Haugen, the Facebook whistleblower.",
         "Frances Haugen is the Facebook whistleblower who gave documents to the Senate."),
    ],
    ids=["neutral", "complete", "standalone"],
)
def test_the_representative_is_the_best_phrasing_of_the_fact(other: str, representative: str) -> None:
    facts = build_facts([make_article("a", other, source="X"), make_article("b", representative, source="Y")], {}, Settings())
    assert facts[0].source_count == 2
    assert facts[0].text == representative


def test_a_story_without_sentences_has_no_facts() -> None:
    assert build_facts([make_article("a", "Breaking news")], {}, Settings()) == ()  # under min_words


def test_a_story_of_fragments_falls_back_to_them() -> None:
    facts = build_facts([make_article("a", "Senate passes the budget bill after a long night of votes")], {}, Settings())
    assert [f.text for f in facts] == ["Senate passes the budget bill after a long night of votes"]

