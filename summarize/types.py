"""Data passed between the summarize stages: frozen, slotted dataclasses."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence, runtime_checkable

__all__ = ["Evidence", "Fact", "StoryInput", "Summary", "Summarizer"]


@dataclass(frozen=True, slots=True)
class Evidence:
    """What one article says in support of a fact: its sentence(s), and whose they are.

    ``source_key`` names the article's independent source (copies of one story and one
    publisher share a key), which is what a fact's ``source_count`` counts.
    """

    article_id: str
    publisher: str
    text: str
    source_key: str


@dataclass(frozen=True, slots=True)
class Fact:
    """A statement and the articles that report it.

    ``independent_ids`` holds one key per independent source among the reporting
    articles (a publisher counts once, and so does a group of copies of one story);
    ``source_count`` is derived from it.
    """

    text: str
    article_ids: tuple[str, ...]
    sources: tuple[str, ...]
    independent_ids: tuple[str, ...]
    salience: float = 0.0
    position: int = 0  # earliest sentence position among its reports (0: an article's first sentence)
    evidence: tuple[Evidence, ...] = ()
    disputed: bool = False  # one version of a claim other sources state differently

    @property
    def source_count(self) -> int:
        """Independent sources: distinct evidence keys (``independent_ids`` when no evidence is attached)."""
        if self.evidence:
            return 1 if len(self.evidence) == 1 else len({e.source_key for e in self.evidence})
        return len(self.independent_ids)


@dataclass(frozen=True, slots=True)
class StoryInput:
    """What a summarizer receives for one story.

    ``facts`` are ordered by consensus (source count), then salience: the order the
    summary should follow. ``source_texts`` are the full article texts, which the
    hallucination guard checks generated names and numbers against.
    """

    story_id: str
    facts: tuple[Fact, ...]
    source_texts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Summary:
    """A summary of one story and how it was made.

    ``method`` is ``"extractive"`` or ``"bart"``; ``model`` names the model (None for
    extractive); ``dropped_sentences`` counts generated sentences the hallucination
    guard removed; ``note`` says why a fallback happened, when one did.
    """

    text: str
    method: str
    model: str | None = None
    dropped_sentences: int = 0
    note: str | None = None


@runtime_checkable
class Summarizer(Protocol):
    """Turns stories' selected facts into one consolidated summary each."""

    method: str
    model: str | None

    def summarize(self, stories: Sequence[StoryInput]) -> list[Summary]:
        """Return one :class:`Summary` per story, in order."""
        ...
