"""Settings for every stage: the clustering tables plus the summarize tables.

``configs/default.toml`` documents each key; the dataclass defaults below are the same
values, so a run without ``--config`` behaves exactly as one with the default file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from cluster.constraints import check_settings, flag, integer, number, one_of, setting, text
from cluster.settings import (
    CLUSTER_TABLES,
    ClusterSettings,
    CopySettings,
    EngineSettings,
    IngestSettings,
    StorySettings,
    read_toml,
    settings_from_tables,
)

__all__ = [
    "SentenceSettings",
    "SalienceSettings",
    "FactSettings",
    "SummarySettings",
    "BartSettings",
    "Settings",
    "load_settings",
]


@dataclass(frozen=True, slots=True)
class SentenceSettings:
    """Sentence splitting and filtering (``[sentences]``)."""

    TABLE: ClassVar[str] = "sentences"
    min_words: int = setting(5, integer(1, "max_words"), "shorter sentences are not candidate facts, 5 is the default")
    max_words: int = setting(80, integer(1, 10_000), "longer sentences are not candidate facts, 80 is the default")
    max_chars: int = setting(2000, integer(100, 1_000_000), "lines longer than this are cut at sentence ends, and below 100 ordinary sentences would be lost")
    max_article_chars: int = setting(200_000, integer(1_000, 1_000_000_000), "200000 (the default) reads about 30,000 words of an article")

    def __post_init__(self) -> None:
        check_settings(self)


@dataclass(frozen=True, slots=True)
class SalienceSettings:
    """TF-IDF sentence salience: a weighted sum of four signals, each on a 0..1 scale (``[salience]``)."""

    TABLE: ClassVar[str] = "salience"
    centrality_weight: float = setting(1.0, number(0), "0 switches the signal off, 1.0 is the default")
    support_weight: float = setting(0.5, number(0), "0 switches the signal off, 0.5 is the default")
    title_weight: float = setting(0.5, number(0), "0 switches the signal off, 0.5 is the default")
    position_weight: float = setting(0.1, number(0), "0 switches the signal off, 0.1 is the default")
    question_penalty: float = setting(0.1, number(0), "0 switches the penalty off, 0.1 is the default")

    def __post_init__(self) -> None:
        check_settings(self)


@dataclass(frozen=True, slots=True)
class FactSettings:
    """Cross-source fact alignment (``[facts]``)."""

    TABLE: ClassVar[str] = "facts"
    min_similarity: float = setting(0.35, number(0, 2), "an adjusted similarity such as 0.35 (the default)")
    name_weight: float = setting(0.2, number(0), "0 ignores shared names, 0.2 is the default")
    number_weight: float = setting(0.15, number(0), "0 ignores shared numbers, 0.15 is the default")
    numbers_must_agree: bool = setting(True, flag(), "write true or false without quotes")
    max_per_article: int = setting(2, integer(1, 1000), "2 (the default) lets a sentence with two claims meet two sentences")
    neutrality_weight: float = setting(2.0, number(0), "0 ignores wording, 2.0 is the default")
    dangling_penalty: float = setting(0.2, number(0), "0 turns it off, 0.2 is the default")
    support_bonus: float = setting(0.0, number(0), "0 (the default) orders by source count only")
    max_story_articles: int = setting(300, integer(2, 10_000_000), "300 (the default) reads every article of all but the largest stories")
    max_postings: int = setting(200, integer(2, 1_000_000), "200 is the default, higher is exact for bigger stories but slower")
    thin_words: int = setting(25, integer(0, 10_000), "0 never marks a story thin, 25 is the default")
    max_single_source: int = setting(10, integer(-1, 1_000_000), "use -1 for every fact, 10 is the default")

    def __post_init__(self) -> None:
        check_settings(self)


@dataclass(frozen=True, slots=True)
class SummarySettings:
    """The consolidated summary (``[summary]``)."""

    TABLE: ClassVar[str] = "summary"
    summarizer: str = setting("auto", one_of("auto", "bart", "extractive"), '"extractive" never loads a model')
    max_words: int = setting(75, integer(5, 10_000), "a summary budget in words, 75 is the default")
    min_words: int = setting(25, integer(1, "max_words"), "lower min_words or raise max_words")
    source_ratio: float = setting(1.0, number(0, 1, low_open=True), "1.0 (the default) budgets one summary word per source word")
    source_offset: int = setting(120, integer(0, 1_000_000), "0 counts every source word, 120 is the default")
    overshoot: float = setting(1.0, number(0, 1), "0 never passes the budget, 1 always fills it")
    redundancy: float = setting(0.5, number(0), "0 ignores overlap with chosen sentences, 0.5 is the default")
    max_overlap: float = setting(0.5, number(0, 1, low_open=True), "1 allows near-duplicates, 0.5 is the default")
    consensus_weight: float = setting(0.5, number(0), "0 chooses by salience alone, 0.5 is the default")

    def __post_init__(self) -> None:
        check_settings(self)


@dataclass(frozen=True, slots=True)
class BartSettings:
    """The BART summarizer (needs the ``bart`` extra and model weights; ``[bart]``).

    The generation defaults are those of ``facebook/bart-large-cnn``. Input longer than
    the model's limit is split on fact boundaries and summarized hierarchically.
    """

    TABLE: ClassVar[str] = "bart"
    model: str = setting("facebook/bart-large-cnn", text(), "name a Hugging Face model id or a local folder")
    device: str = setting("auto", one_of("auto", "cpu", "cuda"), '"auto" uses CUDA when present')
    num_beams: int = setting(4, integer(1, 64), "1 is greedy search, 4 is the default")
    min_new_tokens: int = setting(56, integer(0, "max_new_tokens"), "lower min_new_tokens or raise max_new_tokens")
    max_new_tokens: int = setting(142, integer(1, 4096), "142 is the default")
    no_repeat_ngram_size: int = setting(3, integer(0, 100), "0 turns the check off, 3 is the default")
    length_penalty: float = setting(2.0, number(), "above 1 favours longer summaries, 2.0 is the default")
    batch_size: int = setting(8, integer(1, 1024), "memory grows with batch_size, 8 is the default")
    quantize: bool = setting(False, flag(), "write true or false without quotes")
    fp16: bool = setting(False, flag(), "write true or false without quotes")
    guard: bool = setting(True, flag(), "write true or false without quotes")
    fact_tokens: int = setting(0, integer(0, 1_000_000), "0 summarizes every fact")

    def __post_init__(self) -> None:
        check_settings(self)


SUMMARIZE_TABLES: dict[str, type] = {
    "sentences": SentenceSettings,
    "salience": SalienceSettings,
    "facts": FactSettings,
    "summary": SummarySettings,
    "bart": BartSettings,
}


@dataclass(frozen=True, slots=True)
class Settings:
    """Every table of a storyfold config file."""

    ingest: IngestSettings = field(default_factory=IngestSettings)
    copies: CopySettings = field(default_factory=CopySettings)
    stories: StorySettings = field(default_factory=StorySettings)
    engine: EngineSettings = field(default_factory=EngineSettings)
    sentences: SentenceSettings = field(default_factory=SentenceSettings)
    salience: SalienceSettings = field(default_factory=SalienceSettings)
    facts: FactSettings = field(default_factory=FactSettings)
    summary: SummarySettings = field(default_factory=SummarySettings)
    bart: BartSettings = field(default_factory=BartSettings)

    @property
    def cluster(self) -> ClusterSettings:
        """The subset the clustering stages read."""
        return ClusterSettings(ingest=self.ingest, copies=self.copies, stories=self.stories, engine=self.engine)


def load_settings(path: str | Path | None = None) -> Settings:
    """Load every table from a TOML file, or the defaults when ``path`` is None.

    Example:
        >>> load_settings().summary.max_words
        75
    """
    if path is None:
        return Settings()
    return settings_from_tables(read_toml(path), {**CLUSTER_TABLES, **SUMMARIZE_TABLES}, Settings, source=str(path))
