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


def test_a_story_past_max_story_articles_is_read_from_a_sample_but_counts_every_member():
    from dataclasses import replace as _replace

    from cluster import Article, Cluster
    from summarize import summarize_cluster
    from summarize.settings import FactSettings, Settings

    texts = [
        "The city council approved a new budget of 40 million dollars on Monday after a long debate.",
        "Council members voted 7 to 2 to pass the 40 million dollar budget on Monday evening.",
        "A 40 million dollar budget won council approval on Monday, with 7 votes in favour.",
    ]
    articles = {}
    for k in range(9):
        article_id = f"a{k}"
        articles[article_id] = Article(article_id, texts[k % 3], title=f"Budget passes {k}", source=f"Outlet {k % 3}")
    cluster = Cluster.of(sorted(articles))
    settings = Settings(facts=_replace(FactSettings(), max_story_articles=3))
    story = summarize_cluster(cluster, articles, settings)
    assert story.article_ids == tuple(sorted(articles))
    assert story.independent_sources == 3
    read = {e for fact in story.facts for e in fact.article_ids}
    assert len(read) <= 3 and {articles[i].source for i in read} == {"Outlet 0", "Outlet 1", "Outlet 2"}


def test_an_article_past_max_article_chars_is_read_up_to_the_limit():
    from dataclasses import replace as _replace

    from cluster import Article, Cluster
    from summarize import summarize_cluster
    from summarize.settings import SentenceSettings, Settings

    head = "Rescue teams reached the flooded village of Amberly on Tuesday morning. "
    tail = "Officials later confirmed that the Zephyrine dam had held through the night. "
    text = head * 40 + tail * 400
    settings = Settings(sentences=_replace(SentenceSettings(), max_article_chars=2000))
    story = summarize_cluster(Cluster.of(["big"]), {"big": Article("big", text, title="Floods", source="Wire")}, settings)
    assert story.facts and all("Zephyrine" not in fact.text for fact in story.facts)
    assert "Zephyrine" not in story.summary.text
# --- one owner per concern ---------------------------------------------------------


def test_a_storys_independent_sources_are_derived_from_its_independent_ids() -> None:
    import dataclasses

    quake = "A magnitude 7.1 earthquake struck the coast of Chile on Tuesday, killing at least 12 people in Valparaiso."
    articles = {
        "ap": make_article("ap", quake, source="AP"),
        "ap-copy": make_article("ap-copy", quake, source="Daily Herald"),  # a copy of AP's story
        "ap-2": make_article("ap-2", quake + " Rescue teams searched the rubble.", source="AP"),  # AP again
        "bbc": make_article("bbc", "At least 12 people died when a 7.1 quake hit Chile on Tuesday.", source="BBC"),
    }
    story = summarize_cluster(Cluster.of(list(articles), {"ap-copy": "ap"}), articles)
    assert story.independent_sources == len(story.independent_ids) == 2
    assert list(story.independent_ids) == sorted(set(story.independent_ids))
    assert "independent_sources" not in {f.name for f in dataclasses.fields(story)}  # derived, cannot disagree
    assert dataclasses.replace(story, independent_ids=("x",)).independent_sources == 1


def test_an_article_in_no_story_fails_the_digest_accounting_with_the_shared_check() -> None:
    import pytest

    from cluster.errors import InvariantError
    from cluster.types import Clustering
    from summarize import summarize_clustering

    articles = (make_article("a", "Rain fell in Paris on Monday, officials said."), make_article("b", "Snow fell in Oslo on Monday."))
    lost = Clustering(articles=articles, clusters=(Cluster.of(["a"]),))
    with pytest.raises(InvariantError, match=r"^accounting failed: in no story: \['b'\]$"):
        summarize_clustering(lost)


def test_only_the_json_writer_converts_to_dicts() -> None:
    import re

    root = Path(__file__).resolve().parents[1]
    converters = [
        f"{path.relative_to(root)}: {name}"
        for path in sorted([*(root / "cluster").glob("*.py"), *(root / "summarize").glob("*.py")])
        if path.name != "output.py"
        for name in re.findall(r"^def (\w+_to_(?:dict|list))\(", path.read_text("utf-8"), flags=re.M)
    ]
    assert converters == []
