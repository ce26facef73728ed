"""The extractive summarizer: the story's top facts, in full sentences, within a budget.

No model is loaded. For each story the facts are chosen greedily by salience (plus a
bonus for consensus), each candidate discounted by its word overlap with what is already
chosen (maximal marginal relevance; a near-duplicate, overlapping a chosen sentence by
``max_overlap`` or more, is never taken), until the length budget is met; a last sentence that
crosses the budget is taken when at most ``overshoot`` of it lies past the budget. The
budget is a share of the story's source words beyond ``source_offset``, between
``min_words`` and ``max_words``. The chosen facts are written consensus first, then in
the order the articles tell them. A fact phrased only by a sentence cut off by an excerpt
("... and that the...") or by a single source's unattributed quote is left out while
other facts remain.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import Sequence

from cluster.text import SUMMARY_STOP_WORDS, word_tokens

from .segmenter import word_count
from .sentences import is_truncated
from .settings import SummarySettings
from .types import Fact, StoryInput, Summary

__all__ = ["ExtractiveSummarizer", "word_budget", "content_bag", "bag_cosine", "join_sentences"]

_QUOTE_OPEN = re.compile(r"^[\"“‘']")
_ATTRIBUTION = re.compile(
    r"\b(?:said|says|told|added|wrote|tweeted|stated|argued|claimed|according to|asked|noted|insisted|warned|declared)\b",
    re.IGNORECASE,
)


def word_budget(source_texts: Sequence[str], settings: SummarySettings) -> int:
    """Words allowed for a story: ``source_ratio`` of its distinct source texts' words beyond
    the first ``source_offset``, kept between ``min_words`` and ``max_words``. Words are
    counted by :func:`summarize.segmenter.word_count` (a run of Chinese, Japanese or Korean
    characters counts one word per two characters), here and for the sentences chosen.

    Example:
        >>> word_budget(["one " * 80, "two " * 80], SummarySettings())
        40
        >>> word_budget(["one " * 100, "two " * 100], SummarySettings())
        75
        >>> word_budget(["word " * 50], SummarySettings())
        25
    """
    words = sum(word_count(text) for text in sorted(set(source_texts)))
    budget = round(settings.source_ratio * max(words - settings.source_offset, 0))
    return int(min(settings.max_words, max(settings.min_words, budget)))


def content_bag(text: str) -> Counter[str]:
    """Counts of ``text``'s lowercased content words (no stop words, no one-letter tokens).

    Example:
        >>> sorted(content_bag("The rain, the rain in Paris").items())
        [('paris', 1), ('rain', 2)]
    """
    return Counter([t for t in word_tokens(text) if len(t) > 1 and t not in SUMMARY_STOP_WORDS])


def bag_cosine(a: Counter[str], b: Counter[str]) -> float:
    """Cosine of two word-count bags (0 when either is empty)."""
    if not a or not b:
        return 0.0
    return _cosine(a, b, _squared_norm(a), _squared_norm(b))


def _squared_norm(bag: Counter[str]) -> int:
    return sum(v * v for v in bag.values())


def _cosine(a: Counter[str], b: Counter[str], norm_a: int, norm_b: int) -> float:
    """:func:`bag_cosine` of two non-empty bags whose squared norms are given. The counts
    are integers, so the dot product is exact in any order."""
    dot = sum(a[k] * b[k] for k in a.keys() & b.keys())
    return dot / math.sqrt(norm_a * norm_b)


def _unattributed_quote(fact: Fact) -> bool:
    """A single-source quotation with no speaker named in the sentence."""
    return fact.source_count <= 1 and bool(_QUOTE_OPEN.match(fact.text)) and not _ATTRIBUTION.search(fact.text)


_QUOTE_OPENINGS = ("\"", "“", "‘", "'")  # what _QUOTE_OPEN matches


def _readable(fact: Fact) -> bool:
    """Neither a single source's unattributed quote nor cut off by an excerpt
    (:func:`summarize.sentences.is_truncated`); the quote's pattern runs only on a
    sentence that opens with a quotation mark."""
    if fact.text.startswith(_QUOTE_OPENINGS) and _unattributed_quote(fact):
        return False
    return not is_truncated(fact.text)


_SPACELESS_END = ("。", "！", "？", "」", "』", "）")


def join_sentences(sentences: Sequence[str]) -> str:
    """Sentences as one text: a space between them, none between two in a script written
    without spaces (a Chinese or Japanese sentence end followed by such a sentence).

    Example:
        >>> join_sentences(["Rain fell.", "Schools closed."]), join_sentences(["地震造成3人死亡。", "27人受伤。"])
        ('Rain fell. Schools closed.', '地震造成3人死亡。27人受伤。')
    """
    out = ""
    for sentence in sentences:
        if out:
            out += "" if out.endswith(_SPACELESS_END) and _CJK_START.match(sentence) else " "
        out += sentence
    return out


_CJK_START = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\d「『（(]")


class ExtractiveSummarizer:
    """Choose and order a story's facts into a summary of whole sentences.

    Example:
        >>> from summarize.types import Fact, StoryInput
        >>> facts = (Fact("Rain flooded Paris on Monday.", ("a", "b"), ("AP", "BBC"), ("a", "b"), 1.0),
        ...          Fact("The mayor likes jazz.", ("a",), ("AP",), ("a",), 0.1))
        >>> story = StoryInput("s1", facts, ("Rain flooded Paris on Monday. The mayor likes jazz.",))
        >>> ExtractiveSummarizer(settings=SummarySettings(min_words=5)).summarize([story])[0].text
        'Rain flooded Paris on Monday.'
    """

    method = "extractive"
    model = None
    per_story = True  # each summary depends on its story alone: it may run where the story's facts are built

    def __init__(self, *, settings: SummarySettings) -> None:
        self.settings = settings

    def summarize(self, stories: Sequence[StoryInput]) -> list[Summary]:
        """One :class:`Summary` per story, in order."""
        return [Summary(text=self._summarize_one(story), method=self.method, model=None) for story in stories]

    def _select(self, facts: Sequence[Fact], budget: int) -> list[int]:
        """Greedy maximal marginal relevance: the candidate with the best value minus
        ``redundancy`` x its largest overlap with a chosen fact, ties to the earlier fact.

        Evaluated lazily (as lazy greedy submodular selection, Minoux 1978): a
        candidate's score never exceeds its value, so candidates are visited by value
        and the search stops at the first whose value cannot beat the best score found;
        word bags and overlaps are computed only for the candidates visited. The choice
        is the one a full scan makes."""
        readable = [i for i, f in enumerate(facts) if _readable(f)]
        candidates = readable or list(range(len(facts)))
        most_sources = max((f.source_count for f in facts), default=1)
        spread = max(most_sources - 1, 1)
        value = {i: facts[i].salience + self.settings.consensus_weight * (facts[i].source_count - 1) / spread for i in candidates}
        by_value = sorted(candidates, key=lambda i: (-value[i], i))
        bags: dict[int, Counter[str]] = {}
        norms: dict[int, int] = {}  # each bag's squared norm, summed once

        def bag(i: int) -> Counter[str]:
            if i not in bags:
                bags[i] = found = content_bag(facts[i].text)
                norms[i] = _squared_norm(found)
            return bags[i]

        chosen: list[int] = []
        used = 0
        overlap = dict.fromkeys(candidates, 0.0)  # with the closest sentence chosen so far
        folded = dict.fromkeys(candidates, 0)  # how many chosen sentences overlap[i] has seen
        left = set(candidates)

        def refresh(i: int) -> float:
            own = bag(i)
            for c in chosen[folded[i] :]:
                if own and bags[c]:  # bag_cosine with the norms summed once (an empty bag: 0, overlap unchanged)
                    overlap[i] = max(overlap[i], _cosine(own, bags[c], norms[i], norms[c]))
            folded[i] = len(chosen)
            return value[i] - self.settings.redundancy * overlap[i]

        while left and used < budget:
            best, best_key = -1, None
            for i in by_value:
                if i not in left:
                    continue
                if best_key is not None and (value[i], -i) < best_key:
                    break  # no later candidate can score higher
                key = (refresh(i), -i)
                if best_key is None or key > best_key:
                    best, best_key = i, key
            left.discard(best)
            if overlap[best] >= self.settings.max_overlap:
                continue  # a near-duplicate of a chosen sentence
            # A sentence that crosses the budget is taken while less than `overshoot` of it lies past it.
            length = word_count(facts[best].text)
            past = used + length - budget
            if chosen and past > 0 and past >= self.settings.overshoot * length:
                continue
            bag(best)
            chosen.append(best)
            used += length
        return chosen

    def _summarize_one(self, story: StoryInput) -> str:
        if not story.facts:
            return ""
        budget = word_budget(story.source_texts, self.settings)
        chosen = self._select(story.facts, budget)
        ordered = sorted(chosen, key=lambda i: (-story.facts[i].source_count, story.facts[i].position, i))
        return join_sentences([story.facts[i].text for i in ordered])
