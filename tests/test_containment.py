"""Copies by containment: trimmed reprints, text without spaces, stubs, originals, band search."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from cluster import cluster_articles, load_articles
from cluster.containment import miss_probability, recall_band_shape, search_shapes
from cluster.copies import find_copies
from cluster.errors import ConfigError
from cluster.settings import ClusterSettings, CopySettings, EngineSettings
from cluster.signatures import text_shingles

from .conftest import make_article
from .test_copies import make_text

LOCAL = EngineSettings(processes=1)
CASES = Path(__file__).parent / "cases"


def case_clustering(name: str):
    ingested = load_articles([CASES / name / "input"])
    return cluster_articles(ingested.articles, ClusterSettings(engine=LOCAL))


def paragraphs(seed: int, count: int = 10) -> list[str]:
    sentences = make_text(seed, count * 2)
    return [" ".join(sentences[k : k + 2]) for k in range(0, len(sentences), 2)]


def test_case_trimmed_reprint_is_a_copy_of_the_wire_story() -> None:
    result = case_clustering("09-trimmed-reprint")
    assert len(result.clusters) == 1
    ((copy, original),) = result.clusters[0].copy_map.items()
    assert original == "newswire-1" and copy != original


@pytest.mark.parametrize("kept", [0.3, 0.5, 0.7])
def test_a_reprint_of_the_first_part_is_a_copy_however_much_is_cut(kept: float) -> None:
    original = paragraphs(1, 20)
    trimmed = original[: int(len(original) * kept)]
    articles = [
        make_article("wire", "\n\n".join(original), published="2024-05-14T08:00:00Z"),
        make_article("paper", "BERLIN (dpa) - " + "\n\n".join(trimmed) + "\n\nReporting by staff.", published="2024-05-14T10:00:00Z"),
        *[make_article(f"other{i}", "\n\n".join(paragraphs(100 + i))) for i in range(10)],
    ]
    assert find_copies(articles, CopySettings(), LOCAL) == {"paper": "wire"}


def test_half_rewritten_article_and_a_shared_quote_are_not_copies() -> None:
    original = paragraphs(2, 12)
    other = paragraphs(3, 12)
    rewritten = [p if k % 2 == 0 else other[k] for k, p in enumerate(original)]
    quote = original[4]
    quoting = paragraphs(4, 12)
    quoting.insert(3, quote)
    articles = [
        make_article("a", "\n\n".join(original)),
        make_article("b", "\n\n".join(rewritten)),
        make_article("c", "\n\n".join(quoting)),
    ]
    assert find_copies(articles, CopySettings(), LOCAL) == {}


def test_case_chinese_reprint_with_one_phrase_changed_is_a_copy() -> None:
    result = case_clustering("02-chinese-reprint")
    assert [c.copy_map for c in result.clusters] == [{"c": "a"}]


def test_japanese_and_chinese_text_is_shingled_by_characters() -> None:
    # Without word breaks a clause would be one token; characters make edits local.
    text = "大手通信会社の携帯電話回線で3日朝から大規模な通信障害が発生し、全国で音声通話がつながりにくい状態が続いている。" * 2
    edited = text.replace("3日朝", "4日朝", 1)
    assert len(text_shingles(text, 5)) > 50
    articles = [
        make_article("jp-a", text, published="2024-06-03"),
        make_article("jp-b", edited, published="2024-06-04"),
        make_article("zh", "云岭县发生5.8级地震，震源深度10公里。地震已造成3人遇难、27人受伤。"),
    ]
    assert find_copies(articles, CopySettings(), LOCAL) == {"jp-b": "jp-a"}


def test_case_paywall_stubs_of_two_stories_are_not_copies() -> None:
    result = case_clustering("08-paywall-stubs")
    assert all(not c.copy_map for c in result.clusters)


def test_stubs_with_one_pitch_are_not_copies_but_a_duplicate_stub_of_one_story_is() -> None:
    pitch = "This content is for subscribers only. Log in or start your free trial today to continue reading the full story and our archive."
    articles = [
        make_article("s1", pitch, title="Council approves new budget for schools"),
        make_article("s2", pitch, title="Striker signs three-year contract with rivals"),
        make_article("s3", pitch, title="Striker signs three-year contract with rivals"),
        make_article("s4", "本内容仅限订阅用户阅读。请登录或开始免费试用以继续阅读全文。", title="云岭县发生5.8级地震"),
        make_article("s5", "本内容仅限订阅用户阅读。请登录或开始免费试用以继续阅读全文。", title="青河市举行农业博览会"),
    ]
    assert find_copies(articles, CopySettings(), LOCAL) == {"s3": "s2"}


def test_a_new_headline_does_not_stop_a_copy() -> None:
    text = "\n\n".join(paragraphs(5))
    first = text.split(".")[0]
    articles = [
        make_article("a", text, title=first, published="2024-01-01"),
        make_article("b", text, title="Kalo rin tens " + first.split()[3], published="2024-01-02"),
    ]
    assert find_copies(articles, CopySettings(), LOCAL) == {"b": "a"}


def test_undated_wire_story_is_not_made_a_copy_of_a_dated_reprint() -> None:
    text = "\n\n".join(paragraphs(6))
    articles = [
        make_article("wire", text, source="Reuters"),
        make_article("paper", "LONDON (Reuters) - " + text, published="2024-05-02T10:00:00Z", source="Daily Post"),
    ]
    assert find_copies(articles, CopySettings(), LOCAL) == {"paper": "wire"}
    # Undated, equally full: the agency's own copy is the original.
    same = [make_article("paper", text, source="daily post"), make_article("zwire", text, url="https://apnews.com/article/x")]
    assert find_copies(same, CopySettings(), LOCAL) == {"paper": "zwire"}


@pytest.mark.parametrize("reprint_date", ["2024-05-02", "2024-05-02T00:00:00Z"])
def test_a_reprint_dated_by_its_day_only_is_not_the_original_of_the_wire_story_timed_that_day(reprint_date: str) -> None:
    text = "\n\n".join(paragraphs(6))
    wire = make_article("wire-ap", text, published="2024-05-02T09:00:00Z", source="AP")
    reprint = make_article(
        "dateline", "PORTOVERDE (AP) - " + text + "\n\nSubscribe to our newsletter.", published=reprint_date, source="Valley Voice"
    )
    expected = {"dateline": "wire-ap"} if reprint_date == "2024-05-02" else {"wire-ap": "dateline"}  # a time is a time
    assert find_copies([wire, reprint], CopySettings(), LOCAL) == expected
    # a day earlier is earlier, whatever the precision
    earlier = make_article("dateline", reprint.text, published="2024-05-01", source="Valley Voice")
    assert find_copies([wire, earlier], CopySettings(), LOCAL) == {"wire-ap": "dateline"}


def test_the_fullest_text_is_the_original_when_dates_cannot_decide() -> None:
    full = paragraphs(7, 14)
    articles = [
        make_article("a-trimmed", "\n\n".join(full[:8]), published="2024-05-02"),
        make_article("b-full", "\n\n".join(full)),
    ]
    assert find_copies(articles, CopySettings(), LOCAL) == {"a-trimmed": "b-full"}
    dated = [make_article("a-trimmed", "\n\n".join(full[:8]), published="2024-05-01"), make_article("b-full", "\n\n".join(full), published="2024-05-02")]
    assert find_copies(dated, CopySettings(), LOCAL) == {"b-full": "a-trimmed"}


def test_band_search_is_tuned_to_miss_at_most_max_miss_at_the_target_similarity() -> None:
    (bands, rows), (lead_bands, lead_rows) = search_shapes(CopySettings())
    assert miss_probability(0.6, bands, rows) <= 0.01
    assert miss_probability(0.7, lead_bands, lead_rows) <= 0.01
    assert recall_band_shape(0.6, 128, 0.01) == (19, 3)
    # A stricter miss rate needs more bands.
    stricter = recall_band_shape(0.6, 128, 0.001)
    assert miss_probability(0.6, *stricter) <= 0.001


def test_bad_containment_settings_name_the_key() -> None:
    with pytest.raises(ConfigError, match="containment"):
        CopySettings(containment=1.5)
    with pytest.raises(ConfigError, match="lead_words"):
        CopySettings(lead_words=-1)
    with pytest.raises(ConfigError, match="candidate_similarity"):
        CopySettings(candidate_similarity=0.0)


def test_containment_needs_the_smaller_text_to_keep_min_kept_of_the_larger() -> None:
    original = paragraphs(8, 30)
    excerpt = original[:2]
    articles = [make_article("long", "\n\n".join(original)), make_article("excerpt", "\n\n".join(excerpt))]
    assert find_copies(articles, CopySettings(), LOCAL) == {}
    assert find_copies(articles, CopySettings(min_kept=0.0), LOCAL) == {"excerpt": "long"}
    assert np.isfinite(miss_probability(0.5, 1, 1))
