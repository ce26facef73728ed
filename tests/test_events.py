"""Stories by event: text without spaces, templated bulletins, live blogs, paywall stubs."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from cluster import cluster_articles, load_articles
from cluster.events import conflicting_pairs, event_keys, is_live_blog, untied_language_pairs
from cluster.settings import ClusterSettings, EngineSettings, StorySettings
from cluster.stories import group_stories

from .conftest import ELECTION, QUAKE, make_article

CASES = Path(__file__).parent / "cases"
SETTINGS = ClusterSettings(engine=EngineSettings(processes=1))


def stories_of(name: str) -> list[tuple[str, ...]]:
    ingested = load_articles([CASES / name / "input"])
    return [c.article_ids for c in cluster_articles(ingested.articles, SETTINGS).clusters]


def test_case_two_chinese_outlets_on_one_earthquake_are_one_story() -> None:
    assert stories_of("01-chinese-one-story") == [("a", "b")]


def test_case_two_japanese_headlines_on_one_outage_are_one_story() -> None:
    assert stories_of("03-japanese-headlines") == [("gn-1", "gn-2")]


def test_chinese_stories_of_different_events_and_an_english_one_stay_apart() -> None:
    articles = [
        make_article("quake-a", "6月12日凌晨，云岭县发生5.8级地震，震源深度10公里。地震已造成3人遇难、27人受伤。", title="云岭县发生5.8级地震"),
        make_article("quake-b", "12日凌晨，云岭县遭遇5.8级地震。当地官员表示，地震共造成3人死亡、27人受伤。", title="云岭5.8级地震致3死27伤"),
        make_article("flood-a", "受持续强降雨影响，青河市多条河流水位上涨，市区部分道路积水严重，已转移群众1200人。", title="青河市遭遇强降雨"),
        make_article("flood-b", "青河市连日强降雨，河流水位持续上涨，当地已紧急转移1200名群众，部分道路积水。", title="青河强降雨转移1200人"),
        *(make_article(i, text, source=s) for i, s, text in QUAKE),
    ]
    groups = group_stories(articles, {}, StorySettings())
    assert ("flood-a", "flood-b") in groups and ("quake-a", "quake-b") in groups
    assert ("quake-ap", "quake-bbc") in groups


def test_case_templated_bulletins_of_two_quakes_are_two_stories() -> None:
    assert stories_of("10-templated-bulletins") == [("q1",), ("q2",)]


def bulletin(town: str, magnitude: str, km: int, direction: str, time: str, depth: int) -> tuple[str, str]:
    title = f"Magnitude {magnitude} quake strikes near {town}"
    text = (
        f"A magnitude {magnitude} earthquake struck {km} km {direction} of {town} at {time} local time, the geological "
        f"survey said. The quake was {depth} km deep. There were no immediate reports of damage or injuries."
    )
    return title, text


def test_bulletins_from_one_template_split_by_event_and_join_the_same_event() -> None:
    a_title, a_text = bulletin("Ridgefield", "4.1", 12, "north", "03:14", 8)
    b_title, b_text = bulletin("Lakeport", "3.8", 5, "east", "09:52", 11)
    c_title, c_text = bulletin("Millbrook", "2.9", 7, "west", "17:40", 4)
    articles = [
        make_article("q1", a_text, title=a_title, published="2024-08-06"),
        make_article("q2", b_text, title=b_title, published="2024-08-06"),
        make_article("q3", c_text, title=c_title, published="2024-08-06"),
        make_article(
            "q1-local",
            "Residents of Ridgefield were woken at 03:14 by a magnitude 4.1 earthquake centred 12 km north of the town, "
            "the geological survey said. No damage was reported.",
            title="Ridgefield shaken by 4.1 quake overnight",
            published="2024-08-06",
        ),
    ]
    groups = group_stories(articles, {}, StorySettings())
    assert sorted(groups) == [("q1", "q1-local"), ("q2",), ("q3",)]


def test_one_story_with_different_figures_in_each_report_still_joins() -> None:
    # Each outlet leads with other figures, but they share the toll and the place.
    first = make_article("x", "At least 12 people died when a 7.1 quake hit Valparaiso on Tuesday; 300 homes were destroyed.", title="Chile quake kills 12")
    second = make_article("y", "Rescuers in Valparaiso searched rubble after the quake killed 12 and injured 85, with 40 still missing.", title="Valparaiso digs out")
    assert conflicting_pairs([first, second], np.array([0]), np.array([1])).tolist() == [False]
    assert event_keys(None, "Sales rose 12,000 to 1.2 million in Ohio, said Smith.")[0] == frozenset({"12000", "1.2"})


LIVE_BLOG = (
    "11:30 " + QUAKE[0][2] + "\n"
    "12:55 " + QUAKE[1][2] + "\n"
    "14:10 " + ELECTION[1][2] + "\n"
    "15:20 Norway's Labour won 48 seats; Jonas Gahr Store will form a coalition after eight years of Conservative rule."
)


def test_a_live_blog_joins_the_story_it_matches_and_pulls_in_no_other() -> None:
    assert is_live_blog(LIVE_BLOG)
    articles = [
        *(make_article(i, text, source=s) for i, s, text in QUAKE + ELECTION[:1]),
        make_article("live", LIVE_BLOG, title="Live: Chile earthquake and Norway election", source="Live desk"),
    ]
    # Read as an ordinary article, the blog's later entries would pull the election report
    # into the earthquake story.
    assert group_stories(articles, {}, StorySettings()) == [("live", "quake-ap", "quake-bbc"), ("vote-reuters",)]


def test_case_a_live_blog_and_a_lone_wire_report_on_its_story_are_one_story() -> None:
    # The wire report is alone before live blogs attach: a live blog may join a lone
    # article too (but never another live blog).
    assert stories_of("13-liveblog-closure") == [("lb-v2", "w1")]
    ingested = load_articles([CASES / "13-liveblog-closure" / "more"])
    assert [c.article_ids for c in cluster_articles(ingested.articles, SETTINGS).clusters] == [("live", "wire")]


def test_an_article_that_mentions_times_is_not_a_live_blog() -> None:
    assert not is_live_blog("Polls opened at 07:00 and close at 21:00.\nResults are due after 22:30.")


def test_case_paywall_stubs_are_neither_merged_nor_copies() -> None:
    ingested = load_articles([CASES / "08-paywall-stubs" / "input"])
    result = cluster_articles(ingested.articles, SETTINGS)
    kept = [a.id for a in ingested.articles]
    assert all(len(c.article_ids) == 1 and not c.copy_map for c in result.clusters), kept


def test_reports_in_two_languages_stay_apart_unless_figures_or_names_tie_them() -> None:
    english = "The city council approved the new transport plan on Monday after a long debate about bus lanes and fares."
    spanish = "El consejo aprobó el nuevo plan de transporte el lunes tras un largo debate sobre carriles de autobús y tarifas."
    articles = [make_article("en-1", english, language="en"), make_article("es-1", spanish, language="es")]
    # The shared words ("plan", "debate") would join them at so low a bar.
    groups = group_stories(articles, {}, StorySettings(min_similarity=0.01, attach_similarity=0.01, group_margin=0.0))
    assert sorted(groups) == [("en-1",), ("es-1",)]
    tied = [
        make_article("en", "A magnitude 5.8 earthquake hit Yunling county, killing 3 people.", language="en"),
        make_article("zh", "云岭县发生5.8级地震，已造成3人遇难。", language="zh"),
    ]
    assert untied_language_pairs(tied, np.array([0]), np.array([1])).tolist() == [False]
