"""Digest stories: the headline chosen for a story."""

from __future__ import annotations

from pathlib import Path

from cluster.ingest import load_articles
from cluster.types import Cluster
from summarize import summarize_cluster
from tests.conftest import make_article

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def test_the_seed_story_is_titled_by_one_of_its_headlines() -> None:
    articles = load_articles([SEEDS]).articles
    story = summarize_cluster(Cluster.of([a.id for a in articles]), {a.id: a for a in articles})
    assert story.title in {a.title for a in articles}
    assert "Blinken" in story.title and "Lavrov" in story.title


def test_the_title_most_in_agreement_with_the_story_wins_over_the_longest_article() -> None:
    quake = "A magnitude 7.1 earthquake struck the coast of Chile on Tuesday, killing at least 12 people in Valparaiso."
    articles = [
        # The longest article, which reports the most facts, has a section name for a title.
        make_article("a", quake + " Rescue teams searched collapsed buildings overnight. Schools will stay shut this week. "
                     "The port was closed to ships until engineers inspect the docks.", title="World News", source="AP"),
        make_article("b", quake, title="Deadly earthquake strikes Chile", source="BBC"),
        make_article("c", quake + " Rescue teams searched collapsed buildings overnight.", title="Chile earthquake kills 12", source="CNN"),
    ]
    story = summarize_cluster(Cluster.of(["a", "b", "c"]), {a.id: a for a in articles})
    assert story.title in {"Deadly earthquake strikes Chile", "Chile earthquake kills 12"}


def test_a_single_article_story_keeps_its_own_title_and_untitled_stories_have_none() -> None:
    article = make_article("a", "A magnitude 7.1 earthquake struck the coast of Chile on Tuesday.", title="Quake in Chile")
    assert summarize_cluster(Cluster.of(["a"]), {"a": article}).title == "Quake in Chile"
    untitled = make_article("b", "A magnitude 7.1 earthquake struck the coast of Chile on Tuesday.")
    assert summarize_cluster(Cluster.of(["b"]), {"b": untitled}).title is None
