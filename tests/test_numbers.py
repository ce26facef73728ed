"""Figures that mean the same compare equal; different figures for one thing conflict."""

from __future__ import annotations

import pytest

from summarize.facts import build_facts
from summarize.numbers import conflicting_figures, figure_values, figures
from summarize.settings import Settings
from tests.conftest import make_article


@pytest.mark.parametrize(
    "forms",
    [
        ["2,000 people", "2 000 people", "2\u2009000 people", "2\u202f000 people", "2.000 people", "two thousand people"],
        ["$1.5 billion", "$1,500 million", "US$1.5bn", "1.5 billion dollars", "USD 1.5 billion", "$1.5 bn"],
        ["4%", "4 percent", "4 per cent", "four per cent"],
        ["€3 million", "EUR 3m", "3 million euros"],
        ["2.000.000 people", "2,000,000 people", "two million people", "2 million people"],
        ["twelve people", "12 people", "a dozen people"],
    ],
)
def test_every_way_of_writing_a_figure_compares_equal(forms: list[str]) -> None:
    values = {figure_values(f) for f in forms}
    assert len(values) == 1 and values != {frozenset()}


def test_different_amounts_units_and_currencies_differ() -> None:
    assert figure_values("$1.5 billion") != figure_values("€1.5 billion")
    assert figure_values("4%") != figure_values("4 people")
    assert figure_values("1,5 million") == figure_values("1.5 million")


def test_times_are_not_figures_and_years_are_marked() -> None:
    assert figures("at 11:30 a.m. on Monday") == ()
    assert [f.year for f in figures("In 2019, 40 people died.")] == [True, False]


def test_the_same_counted_thing_with_different_figures_conflicts() -> None:
    assert conflicting_figures(figures("The blast killed 12 people and injured 40."), figures("The blast killed 15 people and injured 40.")) == ("people",)
    assert conflicting_figures(figures("The blast killed 12 people."), figures("Twelve people died in the blast.")) == ()
    # a share and a price in one sentence do not conflict with a price alone
    assert conflicting_figures(figures("Oil rose 4% to $96 a barrel."), figures("Brent rose above $96 a barrel.")) == ()
    # different years are different times, not a dispute
    assert conflicting_figures(figures("The law passed in 2019."), figures("The law passed in 2020.")) == ()


def test_figures_written_differently_make_one_two_source_fact() -> None:
    facts = build_facts(
        [
            make_article("a", "The government pledged $1.5 billion for flood defences on Monday, the finance ministry said.", source="AP"),
            make_article("b", "The government pledged $1,500 million for flood defences on Monday, the finance ministry said.", source="BBC"),
            make_article("c", "Some 2,000 homes were flooded across the region on Sunday, officials said.", source="AP2"),
            make_article("d", "Some 2 000 homes were flooded across the region on Sunday, officials said.", source="DW"),
        ],
        {},
        Settings(),
    )
    assert sorted(f.source_count for f in facts) == [2, 2]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("At the time, Python 3.5, 3.6, and 3.7 were released.", "Most of the problems stemmed from changes between Python 2.7 and 3.5+."),
        ("The update reached Windows 11 machines first.", "The update reached Windows 10 machines first."),
        ("Flights on the Boeing 737 were grounded.", "Flights on the Boeing 787 were grounded."),
    ],
)
def test_numbers_that_label_a_named_thing_are_no_dispute(a: str, b: str) -> None:
    assert conflicting_figures(figures(a), figures(b)) == ()


@pytest.mark.parametrize(
    ("a", "b", "keys"),
    [
        ("The storm killed 12 people.", "The storm killed 15 people.", ("people",)),
        ("Republicans currently hold 53 seats.", "Republicans currently hold 51 seats.", ("seat",)),
        ("The vote was set for March 12.", "The vote was set for March 15.", ("march",)),
    ],
)
def test_counts_and_dates_after_a_capitalised_word_still_conflict(a: str, b: str, keys: tuple[str, ...]) -> None:
    assert conflicting_figures(figures(a), figures(b)) == keys


def test_a_count_after_the_opening_word_of_a_sentence_is_still_a_count() -> None:
    assert [f.key for f in figures("Approximately 20 students walked out. About 300 people marched.")] == ["student", "people"]
