"""The Ray engine gives exactly the local engine's copies."""

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
