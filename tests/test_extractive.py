"""The extractive summarizer: budget, redundancy, consensus order, attribution."""

from __future__ import annotations

import dataclasses

import pytest

from cluster.errors import ConfigError
from summarize.extractive import ExtractiveSummarizer, word_budget
from summarize.facts import build_facts
from summarize.settings import Settings, SummarySettings
from summarize.types import Fact, StoryInput, Summarizer
from tests.conftest import make_article


def fact(text: str, sources: int, salience: float, position: int = 0) -> Fact:
    ids = tuple(f"a{k}" for k in range(sources))
    return Fact(text=text, article_ids=ids, sources=ids, independent_ids=ids, salience=salience, position=position)


def summarize(facts: tuple[Fact, ...], settings: SummarySettings, source_words: int = 400) -> str:
    story = StoryInput("s", facts, ("word " * source_words,))
    return ExtractiveSummarizer(settings=settings).summarize([story])[0].text


TWELVE_WORD_FACTS = (
    "Heavy rain flooded the old harbour district of Genoa on Sunday evening.",
    "Firefighters rescued forty residents trapped on the rooftops near the central station.",
    "Regional officials closed every school and most bridges until further notice today.",
    "Weather services expect another storm front to reach northern Italy tomorrow morning.",
    "Insurers estimate early damage to shops and warehouses at several million euros.",
    "Trains between Milan and the coast stopped after landslides blocked two tracks.",
)


def _twelve_word_facts(count: int) -> tuple[Fact, ...]:
    return tuple(fact(text, 1, 1.0 - k / 20) for k, text in enumerate(TWELVE_WORD_FACTS[:count]))


def test_it_implements_the_summarizer_protocol() -> None:
    summarizer = ExtractiveSummarizer(settings=SummarySettings())
    assert isinstance(summarizer, Summarizer)
    assert summarizer.method == "extractive" and summarizer.model is None


def test_budget_is_a_share_of_source_words_within_bounds() -> None:
    settings = SummarySettings(max_words=75, min_words=25, source_ratio=0.4, source_offset=0)
    assert word_budget(["one two three " * 50], settings) == 60
    assert word_budget(["word " * 1000], settings) == 75
    assert word_budget(["word " * 10], settings) == 25
    assert word_budget(["same text here"] * 50, settings) == 25  # identical copies count once


def test_budget_counts_only_source_words_beyond_the_offset() -> None:
    settings = SummarySettings(max_words=75, min_words=25, source_ratio=0.5, source_offset=100)
    assert word_budget(["word " * 200], settings) == 50
    assert word_budget(["word " * 90], settings) == 25  # fewer words than the offset: the floor
    assert word_budget(["word " * 400], settings) == 75


def test_overshoot_one_fills_the_budget_with_a_last_sentence() -> None:
    facts = _twelve_word_facts(6)
    assert all(len(f.text.split()) == 12 for f in facts)
    text = summarize(facts, SummarySettings(max_words=30, min_words=30, overshoot=1.0))
    assert len(text.split()) == 36  # 24 words are under 30: a third sentence crosses the budget


def test_overshoot_half_stops_nearer_the_budget() -> None:
    facts = _twelve_word_facts(6)
    assert len(summarize(facts, SummarySettings(max_words=30, min_words=30, overshoot=0.5)).split()) == 24  # 6 short beats 6 over
    assert len(summarize(facts, SummarySettings(max_words=32, min_words=32, overshoot=0.5)).split()) == 36  # 4 over beats 8 short


def test_overshoot_zero_never_passes_the_budget() -> None:
    facts = _twelve_word_facts(6)
    assert len(summarize(facts, SummarySettings(max_words=35, min_words=35, overshoot=0.0)).split()) == 24
    assert len(summarize(facts, SummarySettings(max_words=36, min_words=36, overshoot=0.0)).split()) == 36


def test_summary_stays_near_the_budget_in_whole_sentences() -> None:
    facts = _twelve_word_facts(6)
    text = summarize(facts, SummarySettings(max_words=40, min_words=10))
    sentences = [s + "." for s in text.split(". ") if s]
    assert 30 <= len(text.split()) <= 50
    assert all(s.strip().rstrip(".") + "." in {f.text for f in facts} for s in sentences)


def test_near_duplicate_facts_are_not_both_chosen() -> None:
    facts = (
        fact("The mayor of Lyon resigned on Friday after a fraud inquiry.", 2, 0.9),
        fact("The mayor of Lyon resigned on Friday after the fraud inquiry began.", 1, 0.85),
        fact("City hall will hold a special election in the spring.", 1, 0.5),
    )
    text = summarize(facts, SummarySettings(max_words=25, min_words=5, redundancy=1.0))
    assert "special election" in text
    assert text.count("resigned") == 1


def test_a_near_duplicate_never_fills_the_budget() -> None:
    facts = (
        fact("The mayor of Lyon resigned on Friday after a fraud inquiry.", 2, 0.9),
        fact("The mayor of Lyon resigned on Friday after the fraud inquiry began.", 1, 0.85),
    )
    settings = SummarySettings(max_words=40, min_words=40, overshoot=1.0, redundancy=0.0)
    assert summarize(facts, settings).count("resigned") == 1
    assert summarize(facts, dataclasses.replace(settings, max_overlap=1.0)).count("resigned") == 2


def test_summary_settings_reject_out_of_range_overshoot_and_overlap() -> None:
    with pytest.raises(ConfigError, match=r"\[summary\] overshoot: 1.5 must be a finite number from 0 to 1; 0 never passes"):
        SummarySettings(overshoot=1.5)
    with pytest.raises(ConfigError, match=r"\[summary\] max_overlap: 0.0 must be a finite number above 0 and at most 1; "):
        SummarySettings(max_overlap=0.0)
    with pytest.raises(ConfigError, match=r"\[summary\] source_offset: -1 must be an integer from 0 to 1_000_000; 0 counts every"):
        SummarySettings(source_offset=-1)


def test_consensus_facts_come_first() -> None:
    facts = (
        fact("Three outlets say the bridge reopened on Monday morning.", 3, 0.2, position=3),
        fact("One outlet says the bridge cost 40 million euros to repair.", 1, 0.9, position=0),
    )
    text = summarize(facts, SummarySettings(max_words=30, min_words=20))
    assert text.index("bridge reopened") < text.index("40 million")


@pytest.mark.parametrize("marks", ["“”", '""', "‘’", "''"])
def test_an_unattributed_single_source_quote_is_left_out(marks: str) -> None:
    opening, closing = marks
    facts = (
        fact("“This is a disaster for every family in the city,” one resident wrote.", 1, 0.5),
        fact(f"{opening}This bridge will never be safe again, believe me.{closing}", 1, 0.95),
        fact("The bridge reopened on Monday after two years of repairs.", 2, 0.6),
    )
    text = summarize(facts, SummarySettings(max_words=30, min_words=25))
    assert "never be safe" not in text
    assert "one resident wrote" in text


def test_story_with_no_facts_gets_an_empty_summary() -> None:
    assert summarize((), SummarySettings()) == ""


def test_a_story_of_repeated_paragraphs_gets_an_extractive_summary() -> None:
    body = ("The central bank raised its main interest rate by half a point to 4.5 percent on Thursday, its {k} rise this year. "
            "Officials said inflation remained far above the target of 2 percent and that more increases could follow. "
            "Markets had expected the move, and the currency rose slightly against the dollar after the announcement. ")
    articles = [make_article(f"a{k}", body.format(k=k) * 6, source=f"S{k}", title="Central bank raises rates") for k in range(3)]
    settings = Settings()
    summarizer = ExtractiveSummarizer(settings=settings.summary)
    facts = build_facts(articles, {}, settings)
    (summary,) = summarizer.summarize([StoryInput("s", facts, tuple(a.text for a in articles))])
    assert summary.text and summary.method == "extractive"


def test_the_seed_summary_leads_with_what_all_three_outlets_report() -> None:
    from cluster import cluster_articles, load_articles
    from summarize import load_settings, summarize_clustering

    from .conftest import SEEDS

    settings = load_settings()
    ingested = load_articles([SEEDS], settings.ingest)
    digest = summarize_clustering(cluster_articles(ingested.articles, settings.cluster), settings)
    (story,) = digest.stories
    summary = story.summary.text
    for consensus in ("10 minutes", "New START", "Paul Whelan"):
        assert consensus in summary, f"{consensus!r} is reported by all three seeds but missing from: {summary}"


def test_a_sentence_cut_off_by_an_excerpt_is_not_put_in_the_summary() -> None:
    cut = fact("The panel said more data is needed before it can approve boosters for everyone, and that the...", 3, 1.0)
    whole = fact("The agency authorized booster doses for people over 65 on Wednesday.", 1, 0.2)
    text = summarize((cut, whole), SummarySettings(min_words=40, max_words=40), source_words=400)
    assert text == whole.text


def test_a_story_told_only_in_cut_off_sentences_is_still_summarized() -> None:
    cut = fact("The panel said more data is needed before it can approve boosters for everyone, and that the…", 2, 1.0)
    assert summarize((cut,), SummarySettings()) == cut.text


_ZH = [
    "云岭县政府表示，地震发生后已紧急调派救援队伍前往受灾最严重的乡镇开展搜救工作。",
    "当地气象部门预计未来三天将有持续降雨，可能引发山体滑坡等次生灾害，提醒居民注意防范。",
    "省民政厅已向灾区调拨帐篷、棉被和饮用水等救灾物资，首批物资于当天下午运抵县城。",
    "县人民医院已接收数十名伤员，其中多人伤势较重，正在全力救治之中。",
    "交通部门表示，通往震中的一条公路因落石中断，抢修人员正在连夜清理路面。",
    "学校已经停课，教育部门正在评估校舍受损情况，确保复课后师生安全。",
    "电力公司表示，受地震影响，部分村庄停电，抢修人员正在恢复供电。",
    "专家指出，该地区位于地震带上，历史上曾多次发生中强地震。",
    "志愿者团体也赶赴灾区，协助发放物资并为受灾群众提供心理疏导。",
    "当地政府呼吁居民不要轻信谣言，以官方发布的信息为准。",
]


def test_a_chinese_summary_keeps_the_word_budget_counted_as_chinese_words() -> None:
    from cluster import Article, Cluster
    from summarize.digest import summarize_cluster
    from summarize.segmenter import word_count
    from summarize.settings import SummarySettings

    arts = {"a": Article("a", "".join(_ZH), source="A报"), "b": Article("b", "".join(reversed(_ZH)), source="B网")}
    summary = summarize_cluster(Cluster.of(["a", "b"]), arts).summary.text
    settings = SummarySettings()
    last = word_count(summary.split("。")[-2] + "。") if summary.count("。") > 1 else 0
    assert word_count(summary) <= settings.max_words + last  # only the last sentence may cross the budget
    assert summary.count("。") < len(_ZH)
    assert "。 " not in summary  # sentences of a script without spaces are joined without one
