"""Story grouping: planted stories, similar-but-different events, the seed articles."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cluster.errors import ConfigError
from cluster.settings import StorySettings
from cluster.dates import DateWindow, article_day
from cluster.edges import Edges
from cluster.grouping import attach_loners, average_link
from cluster.stories import group_stories
from cluster.vectors import fold_word, story_vectors
from cluster.types import Article

SEEDS = Path(__file__).parents[1] / "seeds"


def seed_articles() -> list[Article]:
    return [Article(id=path.stem, text=path.read_text(encoding="utf-8")) for path in sorted(SEEDS.glob("*.txt"))]


QUAKE_CHILE = (
    "A magnitude 7.1 earthquake struck off the coast of Chile on Tuesday, killing at least 12 people and destroying "
    "hundreds of homes in the port city of Valparaiso. Rescue teams searched collapsed buildings overnight. President "
    "Gabriel Boric declared a state of emergency in the region and sent troops to help. The quake was felt as far away "
    "as Santiago, officials said. The national emergency office said aftershocks were likely for several days."
)
QUAKE_CHILE_2 = (
    "At least 12 people died when a powerful 7.1 magnitude earthquake hit Chile's coast near Valparaiso on Tuesday. "
    "Hundreds of homes were destroyed and rescuers dug through rubble through the night. Chile's President Gabriel "
    "Boric announced a state of emergency and deployed the army. Residents of Santiago also felt strong shaking."
)
QUAKE_TURKEY = (
    "A magnitude 5.8 earthquake shook eastern Turkey on Sunday, killing three people and damaging 40 buildings in the "
    "province of Malatya. Rescue teams searched collapsed buildings overnight. Interior Minister Ali Yerlikaya said "
    "tents were sent to the region. The quake was felt as far away as Elazig, officials said. The disaster agency AFAD "
    "warned that aftershocks were likely for several days."
)
QUAKE_TURKEY_2 = (
    "Three people died after a 5.8 magnitude quake struck Malatya province in eastern Turkey on Sunday. Forty buildings "
    "were damaged and rescuers worked through the night. Interior Minister Ali Yerlikaya said the state sent tents. "
    "The shaking was also felt in Elazig, according to the AFAD disaster agency."
)
REHAB_REID = (
    "Actress Tara Reid has checked into Promises Treatment Center in Malibu, her representative told People magazine "
    "on Friday. The American Pie star asked for privacy for her and her family at this time. Reid, 33, has struggled "
    "with partying for years, her friends said."
)
REHAB_REID_2 = (
    "Tara Reid entered the Promises rehab facility in Malibu, the American Pie star's rep confirmed to People on Friday. "
    "The 33-year-old actress asked fans to respect her family's privacy."
)
REHAB_LOHAN = (
    "Lindsay Lohan has checked into the Betty Ford Center in Rancho Mirage after skipping a court-ordered stay at a "
    "Newport Beach facility, her lawyer Mark Heller told a Los Angeles judge on Friday. The Mean Girls star, 26, faces "
    "90 days of treatment under her probation deal."
)
REHAB_LOHAN_2 = (
    "Lindsay Lohan arrived at the Betty Ford Center in Rancho Mirage, attorney Mark Heller told the Los Angeles court "
    "on Friday, after she left a Newport Beach clinic. The 26-year-old actress must spend 90 days in rehab under her "
    "probation."
)
UNRELATED = [
    Article("u-vote", "Voters in Norway elected a new parliament on Monday, handing the Labour Party 48 seats and ending eight "
            "years of Conservative government. Labour leader Jonas Gahr Store is expected to form a coalition.", title="Labour wins Norway election"),
    Article("u-rates", "The European Central Bank kept interest rates unchanged on Thursday and said inflation in the euro area "
            "was easing faster than expected. President Christine Lagarde said cuts were not yet discussed.", title="ECB holds rates"),
    Article("u-football", "Manchester City beat Real Madrid 4-0 in the Champions League semi-final second leg at the Etihad, "
            "with Bernardo Silva scoring twice before half-time as Pep Guardiola's side reached the final in Istanbul.", title="City thrash Real"),
    Article("u-mars", "NASA's Perseverance rover collected its twentieth rock sample from Jezero crater, scientists at the Jet "
            "Propulsion Laboratory in Pasadena said, and the samples may one day return to Earth.", title="Rover takes new sample"),
    Article("u-wheat", "Wheat prices in Chicago rose 6 percent after Russia pulled out of the Black Sea grain deal, traders said, "
            "raising fears of food shortages in Egypt and Lebanon, which import much of their grain.", title="Wheat jumps"),
]


def story_of(groups: list[tuple[str, ...]], article_id: str) -> tuple[str, ...]:
    return next(g for g in groups if article_id in g)


def test_every_article_lands_in_exactly_one_sorted_group() -> None:
    articles = [Article("q2", QUAKE_CHILE_2), Article("q1", QUAKE_CHILE), Article("t1", QUAKE_TURKEY), *UNRELATED]
    groups = group_stories(articles, {}, StorySettings())
    flat = [i for g in groups for i in g]
    assert sorted(flat) == sorted(a.id for a in articles)
    assert all(list(g) == sorted(g) for g in groups)
    assert [g[0] for g in groups] == sorted(g[0] for g in groups)


def test_republished_article_with_small_edits_joins_its_original() -> None:
    edited = QUAKE_CHILE.replace("Tuesday", "Tuesday morning").replace("officials said", "local officials said") + " More soon."
    articles = [Article("orig", QUAKE_CHILE), Article("reprint", edited), Article("turkey", QUAKE_TURKEY), *UNRELATED]
    groups = group_stories(articles, {}, StorySettings())
    assert story_of(groups, "orig") == ("orig", "reprint")


def test_copy_joins_its_original_even_when_its_text_differs() -> None:
    articles = [Article("orig", QUAKE_CHILE), Article("copy", "Short wire note."), *UNRELATED]
    groups = group_stories(articles, {"copy": "orig"}, StorySettings())
    assert story_of(groups, "copy") == ("copy", "orig")


def test_which_copy_is_the_original_does_not_change_the_story() -> None:
    # A stub and the full report are one copy group; whichever is the original (earliest
    # dated, else smallest id), the group is read through its fullest text.
    stub = "A magnitude 7.1 earthquake struck. Live updates follow."
    articles = [Article("full", QUAKE_CHILE), Article("stub", stub), Article("chile-2", QUAKE_CHILE_2), *UNRELATED]
    for copies in ({"stub": "full"}, {"full": "stub"}):
        assert story_of(group_stories(articles, copies, StorySettings()), "chile-2") == ("chile-2", "full", "stub")


def test_two_earthquakes_in_different_places_stay_apart() -> None:
    articles = [
        Article("chile-1", QUAKE_CHILE),
        Article("chile-2", QUAKE_CHILE_2),
        Article("turkey-1", QUAKE_TURKEY),
        Article("turkey-2", QUAKE_TURKEY_2),
        *UNRELATED,
    ]
    groups = group_stories(articles, {}, StorySettings())
    assert story_of(groups, "chile-1") == ("chile-1", "chile-2")
    assert story_of(groups, "turkey-1") == ("turkey-1", "turkey-2")


def test_two_celebrity_rehab_stories_stay_apart() -> None:
    articles = [
        Article("reid-1", REHAB_REID, title="Tara Reid checks into rehab"),
        Article("reid-2", REHAB_REID_2, title="Tara Reid enters Promises"),
        Article("lohan-1", REHAB_LOHAN, title="Lindsay Lohan checks into Betty Ford"),
        Article("lohan-2", REHAB_LOHAN_2, title="Lohan enters rehab at Betty Ford"),
        *UNRELATED,
    ]
    groups = group_stories(articles, {}, StorySettings())
    assert story_of(groups, "reid-1") == ("reid-1", "reid-2")
    assert story_of(groups, "lohan-1") == ("lohan-1", "lohan-2")


def test_seed_articles_form_one_story() -> None:
    seeds = seed_articles()
    assert len(seeds) == 3
    groups = group_stories(seeds, {}, StorySettings())
    assert groups == [tuple(sorted(a.id for a in seeds))]


def test_seed_articles_form_one_story_among_unrelated_articles() -> None:
    seeds = seed_articles()
    articles = [*seeds, Article("chile", QUAKE_CHILE), Article("reid", REHAB_REID), *UNRELATED]
    groups = group_stories(articles, {}, StorySettings())
    assert story_of(groups, seeds[0].id) == tuple(sorted(a.id for a in seeds))
    assert sum(len(g) == 1 for g in groups) == len(articles) - 3


def test_articles_published_far_apart_stay_apart() -> None:
    articles = [
        Article("chile-1", QUAKE_CHILE, published="2024-03-05"),
        Article("chile-2", QUAKE_CHILE_2, published="2024-03-06T10:00:00Z"),
        Article("chile-late", QUAKE_CHILE_2, published="2024-06-01"),
        *UNRELATED,
    ]
    groups = group_stories(articles, {}, StorySettings(max_days_apart=14))
    assert story_of(groups, "chile-1") == ("chile-1", "chile-2")
    assert story_of(groups, "chile-late") == ("chile-late",)


def test_dates_in_urls_keep_articles_apart_when_published_is_absent() -> None:
    articles = [
        Article("chile-1", QUAKE_CHILE, url="https://news.example/world/2024/03/05/chile-quake"),
        Article("chile-2", QUAKE_CHILE_2, url="https://wire.example/chile-quake-kills-12-2024-03-06/"),
        Article("chile-late", QUAKE_CHILE_2, url="https://paper.example/2024/jun/01/chile-quake"),
        *UNRELATED,
    ]
    groups = group_stories(articles, {}, StorySettings(max_days_apart=7))
    assert story_of(groups, "chile-1") == ("chile-1", "chile-2")
    assert story_of(groups, "chile-late") == ("chile-late",)
    # with dates off, the same three articles are one story
    assert story_of(group_stories(articles, {}, StorySettings(max_days_apart=0)), "chile-late") == ("chile-1", "chile-2", "chile-late")


JOBLESS_WEEK_1 = [
    ("Jobless claims unexpectedly jump to 419,000", "The number of Americans filing new claims for unemployment benefits rose "
     "unexpectedly last week, climbing by 51,000 to 419,000, the Labor Department said on Thursday. Economists had expected "
     "claims to fall to 350,000. The increase came as the Delta variant spread across the South."),
    ("Surprise rise in jobless claims shows labor market churn", "Initial applications for state unemployment benefits "
     "increased by 51,000 to 419,000 in the week ended July 17, the Labor Department said Thursday. It was the highest "
     "level since mid-May. Analysts blamed auto plant shutdowns and the Delta variant."),
    ("US jobless claims climb to 419,000", "Weekly jobless claims jumped to 419,000 last week, the Labor Department "
     "reported on Thursday, well above forecasts of 350,000. Continuing claims fell slightly to 3.2 million as employers "
     "kept hiring despite the rise in Delta cases."),
]
JOBLESS_WEEK_2 = [
    ("Jobless claims fall to 373,000", "The number of Americans filing new claims for unemployment benefits fell last week "
     "to 373,000, the Labor Department said on Thursday, reversing much of the previous week's jump. Economists had "
     "expected claims of 380,000. Hiring has picked up as businesses reopen."),
    ("US jobless claims drop back to 373,000", "Initial applications for state unemployment benefits decreased by 24,000 "
     "to 373,000 in the week ended July 24, the Labor Department said Thursday. Continuing claims rose to 3.3 million. "
     "Employers are struggling to fill a record number of open jobs."),
    ("Weekly jobless claims ease as hiring picks up", "Weekly jobless claims eased to 373,000 last week, the Labor "
     "Department reported on Thursday, as employers added workers to meet rising demand. Claims remain above their "
     "pre-pandemic level of about 220,000 a week."),
]


def test_two_weekly_reports_on_one_theme_stay_two_stories_without_dates() -> None:
    # Three outlets on this week's jobless claims, three on last week's, all undated: each
    # week is a tight group, and the groups are alike in every word but the numbers.
    articles = [
        *(Article(f"week-1-{i}", text, title=title) for i, (title, text) in enumerate(JOBLESS_WEEK_1)),
        *(Article(f"week-2-{i}", text, title=title) for i, (title, text) in enumerate(JOBLESS_WEEK_2)),
        *UNRELATED,
    ]
    groups = group_stories(articles, {}, StorySettings())
    assert story_of(groups, "week-1-0") == ("week-1-0", "week-1-1", "week-1-2")
    assert story_of(groups, "week-2-0") == ("week-2-0", "week-2-1", "week-2-2")
    # without the margin two groups need, the plain mean merges the two weeks
    merged = group_stories(articles, {}, StorySettings(group_margin=0.0))
    assert len(story_of(merged, "week-1-0")) == 6


def test_group_margin_applies_between_groups_and_shrinks_as_they_grow() -> None:
    def two_groups(size: int, cross: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        # Two groups of ``size`` (0.8 inside each) with ``cross`` between every pair across.
        first, second = range(size), range(size, 2 * size)
        pairs = [(a, b, 0.8) for group in (first, second) for a in group for b in group if a < b]
        pairs += [(a, b, cross) for a in first for b in second]
        rows, cols, sims = zip(*pairs)
        return np.array(rows), np.array(cols), np.array(sims)

    # Threshold 0.3, margin 0.3: 2 + 2 (4 pairs) need 0.45, 5 + 5 (25 pairs) need 0.36.
    assert len(set(average_link(4, Edges(*two_groups(2, 0.4)), 0.3, group_margin=0.3))) == 2
    assert len(set(average_link(4, Edges(*two_groups(2, 0.5)), 0.3, group_margin=0.3))) == 1
    assert len(set(average_link(10, Edges(*two_groups(5, 0.4)), 0.3, group_margin=0.3))) == 1
    # A single article joins a group at the plain threshold: the margin is between groups.
    rows, cols, sims = np.array([0, 0, 1]), np.array([1, 2, 2]), np.array([0.8, 0.35, 0.35])
    assert average_link(3, Edges(rows, cols, sims), 0.3, group_margin=0.3) == [0, 0, 0]


@pytest.mark.parametrize("value", [-0.1, float("nan"), float("inf")])
def test_group_margin_must_be_a_number_at_least_zero(value: float) -> None:
    with pytest.raises(ConfigError, match=r"\[stories\] group_margin: .* must be a finite number at least 0; 0 turns the margin off"):
        StorySettings(group_margin=value)


def test_an_undated_article_does_not_join_reports_weeks_apart_into_one_story() -> None:
    # Week 1 and week 3 of a running story, worded alike, plus an undated article close to
    # both: pairwise only the dated pair is too far apart, yet no group may span 14 days.
    articles = [
        Article("week-1", QUAKE_CHILE, published="2024-03-05"),
        Article("undated", QUAKE_CHILE_2),
        Article("week-3", QUAKE_CHILE, published="2024-03-19"),
        *UNRELATED,
    ]
    groups = group_stories(articles, {}, StorySettings(max_days_apart=7))
    assert story_of(groups, "week-1") != story_of(groups, "week-3")
    assert "undated" in story_of(groups, "week-1") + story_of(groups, "week-3")


@pytest.mark.parametrize(
    ("published", "url", "expected"),
    [
        (None, "https://example.com/2021/10/18/story", "2021-10-18"),
        (None, "https://example.com/world/story-title-2021-10-18/", "2021-10-18"),
        (None, "http://articles.example.com/2013/may/03/local/story", "2013-05-03"),
        (None, "http://example.com/news/article.jsp?ymd=20081216&id=3718580", "2008-12-16"),
        (None, "https://blog.example/2005_05_01_archive.html", "2005-05-01"),
        (None, "http://articles.example.com/2013/may/03/local/la-me-0504-lohan-rehab-20130504", "2013-05-03"),
        (None, "http://www.example.com/technology/20070503/judge-sentences", "2007-05-03"),
        (None, "example.com/2021/10/18/story", "2021-10-18"),  # no scheme
        (None, "https://example.com/20081216/2021/10/18/story", "2008-12-16"),  # the first date
        (None, "https://example.com/2021/13/45/story", None),  # not a date
        (None, "https://example.com/story-1235089585", None),  # an id, not a date
        (None, "https://2021-10-18.example.com/story", None),  # the host is not the path
        (None, "https://example.com/2021/03/10-things-to-know", None),  # year/month, then a slug
        (None, "https://example.com/2019/10/1-dead-in-crash/", None),
        (None, "https://example.com/2013/mayor-5-wins", None),
        (None, "https://example.com/samsung-2020-11-5g-phone", None),
        (None, "https://example.com/2021/1x/18/story", None),
        (None, None, None),
        ("2020-01-02T10:00:00Z", "https://example.com/2021/10/18/story", "2020-01-02"),  # published wins
    ],
)
def test_article_day_reads_published_else_a_date_in_the_url_path(published: str | None, url: str | None, expected: str | None) -> None:
    from datetime import date

    day = article_day(Article("a", "text", url=url, published=published))
    if expected is None:
        assert np.isnan(day)
    else:
        assert day == date.fromisoformat(expected).toordinal()


def test_lone_article_does_not_join_a_group_outside_the_date_window() -> None:
    days = np.array([100.0, 101.0, 120.0, np.nan])
    labels = attach_loners([0, 0, 2, 3], Edges(np.array([0, 1]), np.array([2, 3]), np.array([0.9, 0.9])), 0.4, window=DateWindow(days, 7))
    assert labels == [0, 0, 2, 0]  # the undated article joins; the one 20 days on does not


def test_lone_articles_joining_one_group_keep_it_within_the_date_window() -> None:
    # Two lone articles, each within 7 days of the group on its own (days 100 and 110
    # around a group on day 105), cannot both join: the stronger pair goes first.
    days = np.array([100.0, 110.0, 105.0, 105.0])
    labels = attach_loners([0, 1, 2, 2], Edges(np.array([0, 1]), np.array([2, 3]), np.array([0.8, 0.9])), 0.4, window=DateWindow(days, 7))
    assert labels == [0, 2, 2, 2]


def test_grouping_is_deterministic_under_input_order() -> None:
    articles = [Article("chile-1", QUAKE_CHILE), Article("chile-2", QUAKE_CHILE_2), Article("turkey-1", QUAKE_TURKEY), *UNRELATED]
    first = group_stories(articles, {}, StorySettings())
    assert group_stories(list(reversed(articles)), {}, StorySettings()) == first


def test_average_link_does_not_chain_through_one_weak_link() -> None:
    # Two tight triangles {0,1,2} and {3,4,5} joined by a single edge 2-3 above the threshold.
    rows = np.array([0, 0, 1, 3, 3, 4, 2])
    cols = np.array([1, 2, 2, 4, 5, 5, 3])
    sims = np.array([0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.6])
    labels = average_link(6, Edges(rows, cols, sims), 0.5)
    assert labels[0] == labels[1] == labels[2]
    assert labels[3] == labels[4] == labels[5]
    assert labels[0] != labels[3]


def test_negative_block_weight_is_rejected_with_the_fix() -> None:
    with pytest.raises(ConfigError, match=r"\[stories\] names_weight: -1.0 must be a finite number at least 0; 0 turns the block off"):
        StorySettings(names_weight=-1.0)


def test_article_without_title_has_a_unit_story_vector() -> None:
    articles = [Article("chile", QUAKE_CHILE), Article("turkey", QUAKE_TURKEY, title="Quake in Turkey"), *UNRELATED]
    vectors = story_vectors(articles, StorySettings())
    norms = np.sqrt(np.asarray(vectors.multiply(vectors).sum(axis=1)).ravel())
    assert np.allclose(norms, 1.0, atol=1e-5)


def test_story_vectors_keep_at_most_vector_terms_entries_per_row() -> None:
    articles = [Article("chile", QUAKE_CHILE), Article("chile-2", QUAKE_CHILE_2), Article("turkey", QUAKE_TURKEY)]
    full = story_vectors(articles, StorySettings())
    pruned = story_vectors(articles, StorySettings(vector_terms=10))
    assert np.diff(full.indptr).max() > 10
    assert np.diff(pruned.indptr).max() == 10


def test_inflections_of_a_word_fold_to_one_form() -> None:
    assert fold_word("vaccines") == fold_word("vaccine") == "vaccin"
    assert fold_word("cancels") == fold_word("canceled") == "cancel"
    assert fold_word("biden's") == fold_word("biden") == "biden"
    assert fold_word("crisis") == "crisis"
    assert fold_word("news") == "news"


def test_numbers_with_thousands_separators_match_the_same_number_without() -> None:
    articles = [
        Article("a", "Jobless claims rose by 51,000 to 419,000 last week, the Labor Department said."),
        Article("b", "Jobless claims rose by 51000 to 419000 last week, the Labor Department said."),
    ]
    vectors = story_vectors(articles, StorySettings()).toarray()
    assert np.allclose(vectors[0], vectors[1])
    assert float(vectors[0] @ vectors[1]) > 0.999


def test_lone_article_joins_the_group_of_its_closest_article_above_the_threshold() -> None:
    # A tight story {0,1,2,3}; article 4 resembles member 0 only, so its mean to the story is low.
    rows = np.array([0, 0, 0, 1, 1, 2, 0])
    cols = np.array([1, 2, 3, 2, 3, 3, 4])
    sims = np.array([0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.5])
    labels = average_link(5, Edges(rows, cols, sims), 0.4)
    assert labels == [0, 0, 0, 0, 4]
    assert attach_loners(labels, Edges(rows, cols, sims), 0.4) == [0, 0, 0, 0, 0]


def test_lone_article_below_the_threshold_and_pairs_stay_where_they_are() -> None:
    # {0,1} and {2,3} are pairs; 4 is alone with a best pair of 0.3 < 0.4.
    rows = np.array([0, 2, 1, 4])
    cols = np.array([1, 3, 2, 0])
    sims = np.array([0.8, 0.8, 0.45, 0.3])
    labels = average_link(5, Edges(rows, cols, sims), 0.4)
    assert labels == [0, 0, 2, 2, 4]
    assert attach_loners(labels, Edges(rows, cols, sims), 0.4) == labels


def test_lone_article_joins_only_when_its_closest_pair_stands_out() -> None:
    # Groups {0,1} and {3,4}; article 2 leans to {0,1} (0.5) but also to {3,4} (0.4 or 0.2).
    labels = [0, 0, 2, 3, 3]
    rows, cols = np.array([0, 3, 2, 2]), np.array([1, 4, 0, 3])
    ambiguous = np.array([0.9, 0.9, 0.5, 0.4])
    clear = np.array([0.9, 0.9, 0.5, 0.2])
    assert attach_loners(labels, Edges(rows, cols, ambiguous), 0.3, margin=1.4) == labels  # 0.5 < 1.4 x 0.4
    assert attach_loners(labels, Edges(rows, cols, clear), 0.3, margin=1.4) == [0, 0, 0, 3, 3]
    assert attach_loners(labels, Edges(rows, cols, ambiguous), 0.3) == [0, 0, 0, 3, 3]  # margin 1: the best pair decides


def test_a_lone_articles_pairs_within_one_group_are_not_its_rival() -> None:
    # Article 2 is close to two members of group {0,1} (0.5, 0.45) and far from {3,4} (0.2):
    # the rival is the best pair with ANOTHER group, so it joins.
    labels = [0, 0, 2, 3, 3]
    rows, cols = np.array([0, 3, 2, 2, 2]), np.array([1, 4, 0, 1, 3])
    sims = np.array([0.9, 0.9, 0.5, 0.45, 0.2])
    assert attach_loners(labels, Edges(rows, cols, sims), 0.3, margin=1.4) == [0, 0, 0, 3, 3]


def test_a_lone_article_close_to_another_lone_article_is_ambiguous() -> None:
    # Article 2: 0.5 to group {0,1}, 0.4 to lone article 3; 0.5 < 1.4 x 0.4, so it stays.
    labels = [0, 0, 2, 3]
    rows, cols, sims = np.array([0, 2, 2]), np.array([1, 0, 3]), np.array([0.9, 0.5, 0.4])
    assert attach_loners(labels, Edges(rows, cols, sims), 0.3, margin=1.4) == labels
    assert attach_loners(labels, Edges(rows, cols, sims), 0.3, margin=1.2) == [0, 0, 0, 3]


def test_a_lone_article_that_stands_out_still_respects_the_date_window() -> None:
    # Both lone articles stand out for group {2,3} (day 105); only the one within 7 days joins,
    # and the other does not fall back to its weaker pair with group {4,5}.
    days = np.array([100.0, 120.0, 105.0, 105.0, 121.0, 121.0])
    labels = [0, 1, 2, 2, 4, 4]
    rows, cols = np.array([0, 1, 1, 2, 4]), np.array([2, 3, 4, 3, 5])
    sims = np.array([0.8, 0.9, 0.2, 0.9, 0.9])
    assert attach_loners(labels, Edges(rows, cols, sims), 0.15, window=DateWindow(days, 7), margin=1.4) == [2, 1, 2, 2, 4, 4]


def test_lone_article_whose_closest_article_is_alone_stays_alone() -> None:
    # Article 2's best pair is lone article 3 (0.6), not group {0,1} (0.35).
    labels = [0, 0, 2, 3]
    rows, cols, sims = np.array([0, 2, 2]), np.array([1, 3, 0]), np.array([0.9, 0.6, 0.35])
    assert attach_loners(labels, Edges(rows, cols, sims), 0.3) == labels


@pytest.mark.parametrize("value", [0.9, float("nan"), float("inf")])
def test_attach_margin_must_be_a_number_at_least_one(value: float) -> None:
    with pytest.raises(ConfigError, match=r"\[stories\] attach_margin: .* must be a finite number at least 1; 1 lets the best pair decide"):
        StorySettings(attach_margin=value)


def test_decimal_numbers_are_read_whole() -> None:
    # "5.6" and "6.1" differ; read digit by digit they would both vanish as single digits.
    articles = [
        Article("a", "A magnitude 5.6 earthquake hit Qeshm island."),
        Article("b", "A magnitude 6.1 earthquake hit Qeshm island."),
        Article("c", "A magnitude 5.6 earthquake hit Qeshm island."),
    ]
    vectors = story_vectors(articles, StorySettings()).toarray()
    assert float(vectors[0] @ vectors[2]) > 0.999
    assert float(vectors[0] @ vectors[1]) < 0.99


GERMAN_FIRE = (
    "In der Nacht zum Dienstag ist in einer Lagerhalle am Stadtrand ein Feuer ausgebrochen. Die Feuerwehr war mit "
    "mehr als sechzig Einsatzkräften vor Ort und konnte das Übergreifen der Flammen auf die benachbarten Gebäude "
    "verhindern. Verletzt wurde nach Angaben der Polizei niemand, doch der Schaden ist nach ersten Schätzungen "
    "erheblich. Die Ursache des Brandes ist noch unklar, die Ermittlungen dauern an. Anwohner wurden gebeten, "
    "Fenster und Türen geschlossen zu halten, weil der Rauch über die Wohngebiete zog. Am Morgen waren die "
    "Löscharbeiten weitgehend abgeschlossen, und die Straße wurde wieder für den Verkehr freigegeben."
)
GERMAN_SCHOOL = (
    "Nach zwei Jahren Bauzeit ist die neue Grundschule im Norden der Stadt am Montag eröffnet worden. Die "
    "Bürgermeisterin sagte bei der Feier, dass die Schule für die wachsende Zahl der Familien im Viertel dringend "
    "gebraucht werde. In dem Gebäude gibt es zwölf Klassenräume, eine Turnhalle und eine Mensa, in der die Kinder "
    "täglich ein warmes Essen bekommen. Die Kosten lagen am Ende etwas höher als geplant, weil die Preise für "
    "Baumaterial gestiegen sind. Die Eltern zeigten sich mit dem Ergebnis zufrieden, auch wenn der Schulweg für "
    "einige Kinder nun länger ist als bisher."
)


def test_two_unrelated_articles_of_a_minority_language_stay_apart_among_english_ones() -> None:
    english = [
        Article(a.id, a.text, title=a.title, source=a.source, published=a.published, language="en")
        for a in [*seed_articles(), Article("chile", QUAKE_CHILE), Article("reid", REHAB_REID), *UNRELATED]
    ]
    german = [Article("de-fire", GERMAN_FIRE, language="de"), Article("de-school", GERMAN_SCHOOL, language="de")]
    groups = group_stories([*english, *german], {}, StorySettings())
    assert story_of(groups, "de-fire") == ("de-fire",)
    assert story_of(groups, "de-school") == ("de-school",)
    # the shared function words ("die", "der", "und") no longer make them alike
    vectors = story_vectors([*english, *german], StorySettings())
    assert float(vectors[len(english)].multiply(vectors[len(english) + 1]).sum()) < 0.05
