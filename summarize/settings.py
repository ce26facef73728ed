"""Settings for every stage: the clustering tables plus the summarize tables.

``configs/default.toml`` documents each key; the dataclass defaults below are the same
values, so a run without ``--config`` behaves exactly as one with the default file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cluster.errors import ConfigError
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
    """Sentence splitting and filtering."""

    min_words: int = 5
    max_words: int = 80
    max_chars: int = 2000

    def __post_init__(self) -> None:
        if self.min_words < 1 or self.max_words < self.min_words:
            raise ConfigError(f"sentences: need 1 <= min_words <= max_words, got {self.min_words}, {self.max_words}")


@dataclass(frozen=True, slots=True)
class SalienceSettings:
    """TF-IDF sentence salience: a weighted sum of four signals, each on a 0..1 scale."""

    centrality_weight: float = 1.0
    support_weight: float = 0.5
    title_weight: float = 0.5
    position_weight: float = 0.1
    question_penalty: float = 0.1

    def __post_init__(self) -> None:
        for name in ("centrality_weight", "support_weight", "title_weight", "position_weight", "question_penalty"):
            if getattr(self, name) < 0:
                raise ConfigError(f"salience.{name}: {getattr(self, name)} must be >= 0 (0 switches the signal off)")


@dataclass(frozen=True, slots=True)
class FactSettings:
    """Cross-source fact alignment."""

    min_similarity: float = 0.35
    name_weight: float = 0.2
    number_weight: float = 0.15
    numbers_must_agree: bool = True
    max_per_article: int = 2
    neutrality_weight: float = 2.0
    dangling_penalty: float = 0.2
    support_bonus: float = 0.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.min_similarity <= 2.0:
            raise ConfigError(f"facts.min_similarity: {self.min_similarity} must be between 0 and 2")
        if self.max_per_article < 1:
            raise ConfigError(f"facts.max_per_article: {self.max_per_article} must be >= 1")
        for name in ("name_weight", "number_weight", "neutrality_weight", "dangling_penalty", "support_bonus"):
            if getattr(self, name) < 0:
                raise ConfigError(f"facts.{name}: {getattr(self, name)} must be >= 0")


@dataclass(frozen=True, slots=True)
class SummarySettings:
    """The consolidated summary."""

    summarizer: str = "auto"
    max_words: int = 75
    min_words: int = 25
    source_ratio: float = 1.0
    source_offset: int = 120
    overshoot: float = 1.0
    redundancy: float = 0.5
    max_overlap: float = 0.5
    consensus_weight: float = 0.5

    def __post_init__(self) -> None:
        if self.summarizer not in ("auto", "bart", "extractive"):
            raise ConfigError(f"summary.summarizer: {self.summarizer!r} is not one of 'auto', 'bart', 'extractive'")
        if self.max_words < 5:
            raise ConfigError(f"summary.max_words: {self.max_words} must be >= 5")
        if not 1 <= self.min_words <= self.max_words:
            raise ConfigError(f"summary.min_words: {self.min_words} must be between 1 and max_words ({self.max_words})")
        if not 0.0 < self.source_ratio <= 1.0:
            raise ConfigError(f"summary.source_ratio: {self.source_ratio} must be in (0, 1]")
        if self.source_offset < 0:
            raise ConfigError(f"summary.source_offset: {self.source_offset} must be >= 0 (0 counts every source word)")
        if not 0.0 <= self.overshoot <= 1.0:
            raise ConfigError(
                f"summary.overshoot: {self.overshoot} must be between 0 (never pass the budget) and 1 (always fill it)"
            )
        if not 0.0 < self.max_overlap <= 1.0:
            raise ConfigError(f"summary.max_overlap: {self.max_overlap} must be in (0, 1] (1 allows near-duplicates)")
        if self.redundancy < 0 or self.consensus_weight < 0:
            raise ConfigError(f"summary: redundancy ({self.redundancy}) and consensus_weight ({self.consensus_weight}) must be >= 0")


@dataclass(frozen=True, slots=True)
class BartSettings:
    """The BART summarizer (needs the ``bart`` extra and model weights).

    The generation defaults are those of ``facebook/bart-large-cnn``. Input longer than
    the model's limit is split on fact boundaries and summarized hierarchically.
    """

    model: str = "facebook/bart-large-cnn"
    device: str = "auto"
    num_beams: int = 4
    min_new_tokens: int = 56
    max_new_tokens: int = 142
    no_repeat_ngram_size: int = 3
    length_penalty: float = 2.0
    batch_size: int = 8
    quantize: bool = False
    fp16: bool = False
    guard: bool = True
    fact_tokens: int = 0

    def __post_init__(self) -> None:
        if self.fact_tokens < 0:
            raise ConfigError(f"bart.fact_tokens: {self.fact_tokens} must be >= 0 (0 summarizes every fact)")
        if self.device not in ("auto", "cpu", "cuda"):
            raise ConfigError(f"bart.device: {self.device!r} is not one of 'auto', 'cpu', 'cuda'")
        if not self.model.strip():
            raise ConfigError("bart.model: must name a Hugging Face model id or a local folder, got an empty string")
        for name in ("num_beams", "max_new_tokens", "batch_size"):
            if getattr(self, name) < 1:
                raise ConfigError(f"bart.{name}: {getattr(self, name)!r} must be >= 1")
        if self.no_repeat_ngram_size < 0:
            raise ConfigError(f"bart.no_repeat_ngram_size: {self.no_repeat_ngram_size} must be >= 0 (0 turns it off)")
        if not 0 <= self.min_new_tokens <= self.max_new_tokens:
            raise ConfigError(
                f"bart.min_new_tokens: {self.min_new_tokens} must be between 0 and max_new_tokens {self.max_new_tokens}"
            )


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
