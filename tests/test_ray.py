"""The Ray engine gives exactly the local engine's copies, stories and digest."""

from __future__ import annotations

import random
from typing import Iterator

import pytest

from cluster.copies import find_copies
from cluster.settings import CopySettings, EngineSettings

from .conftest import make_article
from .extras import requires_extra
from .test_copies import edited_variants, make_text

pytestmark = requires_extra("ray")


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    import ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def corpus() -> list:
    articles = []
    for i in range(12):
        sentences = make_text(200 + i, 20)
        articles.append(make_article(f"story{i:02d}", " ".join(sentences), published=f"2024-02-{i + 1:02d}"))
        for name, text in edited_variants(sentences, i).items():
            articles.append(make_article(f"story{i:02d}-{name}", text))
    articles += [make_article(f"solo{i:02d}", " ".join(make_text(500 + i, 20))) for i in range(30)]
    articles += [make_article("empty1", ""), make_article("empty2", "...")]
    random.Random(5).shuffle(articles)
    return articles


def test_ray_engine_finds_the_same_copies_as_the_local_engine(local_ray: None) -> None:
    articles = corpus()
    settings = CopySettings()
    local = find_copies(articles, settings, EngineSettings(processes=1))
    # Small shards, so the shuffle spreads band keys over several partitions.
    distributed = find_copies(articles, settings, EngineSettings(name="ray", batch_size=16))
    assert len(local) == 60
    assert distributed == local


def test_ray_engine_matches_local_with_legacy_scheme_and_explicit_bands(local_ray: None) -> None:
    articles = corpus()
    settings = CopySettings(scheme="legacy", bands=32, rows=4, threshold=0.6)
    local = find_copies(articles, settings, EngineSettings(processes=1))
    assert find_copies(articles, settings, EngineSettings(name="ray", batch_size=25)) == local


def story_corpus() -> list:
    """Copies, rewrites of one event by several outlets (dated and undated), and real-looking news."""
    from .store_corpus import DAY1, DAY1_DATE, DAY2, DAY2_DATE

    rng = random.Random(11)
    articles = corpus()
    for i in range(10):
        event = make_text(900 + i, 14)
        for k in range(4):
            filler = make_text(2000 + 10 * i + k, 6)
            kept = rng.sample(event, 10) + filler
            fields = {"source": f"Outlet {k}", "title": f"Event {i} as outlet {k} tells it"}
            if k % 2 == 0:
                fields["published"] = f"2024-03-{1 + i % 5:02d}"
            articles.append(make_article(f"event{i:02d}-{k}", " ".join(kept), **fields))
    for day, rows in ((DAY1_DATE, DAY1), (DAY2_DATE, DAY2)):
        for article_id, source, url, title, text in rows:
            articles.append(make_article(f"{day[:10]}-{article_id}", text, source=source, url=url, title=title, published=day))
    return articles


def test_every_stage_on_ray_gives_the_local_clustering_and_digest(local_ray: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from cluster.engine_ray import RayEngine
    from cluster.pipeline import cluster_articles
    from cluster.settings import ClusterSettings
    from summarize.digest import summarize_clustering
    from summarize.output import digest_to_dict
    from summarize.settings import Settings

    articles = story_corpus()
    local = cluster_articles(articles, ClusterSettings(engine=EngineSettings(processes=1)))
    mapped: list[str] = []
    original_map = RayEngine.map

    def counting_map(self, function, items):  # type: ignore[no-untyped-def]
        mapped.append(function.__name__)
        return original_map(self, function, items)

    monkeypatch.setattr(RayEngine, "map", counting_map)
    ray_engine = EngineSettings(name="ray", batch_size=32)
    distributed = cluster_articles(articles, ClusterSettings(engine=ray_engine))
    assert distributed.clusters == local.clusters
    assert any(len(c.article_ids) >= 4 for c in local.clusters)  # stories were grouped, not only copies
    assert {"_score_block", "_pair_cosines"} <= set(mapped)

    local_digest = digest_to_dict(summarize_clustering(local, Settings(engine=EngineSettings(processes=1))))
    ray_digest = digest_to_dict(summarize_clustering(distributed, Settings(engine=ray_engine)))
    assert "_story_batch" in mapped
    assert ray_digest == local_digest


def test_ray_map_runs_tasks_in_other_processes_in_item_order(local_ray: None) -> None:
    import os

    from cluster.engine_ray import RayEngine

    engine = RayEngine(EngineSettings(name="ray"))
    values = list(range(1000))
    shared = engine.share(values)
    assert engine.share(values) is shared  # put in the object store once
    results = list(engine.map(_pid_and_sum, [(shared, k) for k in range(12)]))
    assert [total for _, total in results] == [sum(range(1000)) + k for k in range(12)]
    assert all(pid != os.getpid() for pid, _ in results)


def _pid_and_sum(values: list[int], extra: int) -> tuple[int, int]:
    import os

    return os.getpid(), sum(values) + extra


def test_cli_run_with_engine_ray_writes_the_local_digest_bytes(local_ray: None, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    from typer.testing import CliRunner

    from summarize.cli import app

    lines = [json.dumps({"id": a.id, "text": a.text, "title": a.title, "source": a.source, "url": a.url, "published": a.published})
             for a in story_corpus()]
    (tmp_path / "day.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    runner = CliRunner()
    for name in ("local", "ray"):
        result = runner.invoke(app, ["run", str(tmp_path / "day.jsonl"), "--engine", name, "-o", str(tmp_path / f"{name}.json"), "-q"])
        assert result.exit_code == 0, result.output
    assert (tmp_path / "ray.json").read_bytes() == (tmp_path / "local.json").read_bytes()
    digest = json.loads((tmp_path / "ray.json").read_text(encoding="utf-8"))
    assert len(digest["stories"]) >= 10
