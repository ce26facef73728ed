"""Facts: sentences aligned across a story's articles, with independent-source counts.

The main function reads like a table of contents: sentences → salience → alignment
(lexical similarity plus agreement on names and numbers) → one fact per aligned group,
phrased by its most neutral complete sentence and counted by independent sources.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, Mapping, Sequence

import numpy as np

from cluster.text import english_stop_words, word_tokens
from cluster.types import Article

from .neutrality import subjectivity
from .salience import SentenceRanker
from .sentences import Sentence, is_truncated, split_sentences
from .sources import independent_source_keys
from .types import Fact

if TYPE_CHECKING:
    from .settings import FactSettings, Settings

__all__ = ["build_facts", "story_sentences", "align_sentences", "names", "numbers"]

_NAME = re.compile(r"\b[A-Z][\w'’.-]*[a-z0-9][\w'’-]*|\b[A-Z]{2,}\b")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NUMBER_WORDS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
    "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "twenty": "20", "hundred": "100", "thousand": "1000",
    "dozen": "12", "million": "1000000", "billion": "1000000000",
}  # fmt: skip
# Openings that lean on a previous sentence: such a sentence does not stand alone.
_DANGLING = re.compile(
    r"^(?:he|she|it|they|his|her|its|their|this|that|these|those|but|and|so|yet|also|however|meanwhile|in addition|still)\b",
    re.IGNORECASE,
)


def names(text: str) -> frozenset[str]:
    """Capitalised words after the first word, lower-cased: the names a sentence mentions.

    Example:
        >>> sorted(names("On Monday Blinken met Lavrov in New Delhi."))
        ['blinken', 'delhi', 'lavrov', 'monday', 'new']
    """
    words = _NAME.findall(text)
    first = text.split(maxsplit=1)[0] if text.split() else ""
    found = {re.sub(r"['’]s$", "", w.strip(".")).lower() for w in words}
    if first and _NAME.fullmatch(first.strip("\"'“‘(")) and text.count(first) == 1:
        found.discard(first.strip("\"'“‘(.").lower())
    stop = english_stop_words()
    return frozenset(w for w in found if w not in stop)


def numbers(text: str) -> frozenset[str]:
    """The numbers a sentence states, digits or words, as digit strings.

    Example:
        >>> sorted(numbers("Ten people and 1,200 cattle died."))
        ['10', '1200']
    """
    found = {m.group(0).replace(",", "") for m in _NUMBER.finditer(text)}
    found |= {_NUMBER_WORDS[t] for t in word_tokens(text) if t in _NUMBER_WORDS}
    return frozenset(found)


def story_sentences(articles: Sequence[Article], settings: "Settings") -> list[Sentence]:
    """Every kept sentence of every article, in article-id then position order.

    When no article has a complete sentence, fragments within the word limits are kept
    instead, so a story of headline-like snippets still has facts.
    """
    for strict in (True, False):
        out: list[Sentence] = []
        for article in sorted(articles, key=lambda a: a.id):
            for position, text in enumerate(split_sentences(article.text, settings.sentences, strict=strict)):
                out.append(Sentence(text=text, article_id=article.id, position=position))
        if out:
            break
    return out


def _pair_similarity(cosine: float, a: Sentence, b: Sentence, settings: "FactSettings") -> float:
    """Cosine similarity adjusted by agreement on names and numbers."""
    numbers_a, numbers_b = numbers(a.text), numbers(b.text)
    if settings.numbers_must_agree and numbers_a and numbers_b and not numbers_a & numbers_b:
        return 0.0  # "12 dead" and "30 dead" are different claims, however alike the words
    names_a, names_b = names(a.text), names(b.text)
    name_overlap = len(names_a & names_b) / min(len(names_a), len(names_b)) if names_a and names_b else 0.0
    number_match = 1.0 if numbers_a & numbers_b else 0.0
    return cosine + settings.name_weight * name_overlap + settings.number_weight * number_match


def align_sentences(sentences: Sequence[Sentence], vectors: object, settings: "FactSettings") -> list[list[int]]:
    """Group sentence indices that state the same thing.

    Pairs from different articles are merged strongest first while their adjusted
    similarity reaches ``settings.min_similarity``, and only while the merged group holds
    at most ``settings.max_per_article`` sentences of any one article (a sentence can
    carry two claims that another writer splits in two). Groups come back sorted by
    their first index.
    """
    n = len(sentences)
    if n == 0:
        return []
    cosine = (vectors @ vectors.T).toarray()  # type: ignore[operator]
    pairs: list[tuple[float, int, int]] = []
    for i in range(n):
        for j in range(i + 1, n):
            if sentences[i].article_id == sentences[j].article_id or cosine[i, j] <= 0.0:
                continue
            similarity = _pair_similarity(float(cosine[i, j]), sentences[i], sentences[j], settings)
            if similarity >= settings.min_similarity:
                pairs.append((similarity, i, j))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    group_of = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    for _, i, j in pairs:
        gi, gj = group_of[i], group_of[j]
        if gi == gj:
            continue
        per_article = Counter(sentences[k].article_id for k in members[gi] + members[gj])
        if max(per_article.values()) > settings.max_per_article:
            continue
        keep, drop = min(gi, gj), max(gi, gj)
        members[keep].extend(members.pop(drop))
        for k in members[keep]:
            group_of[k] = keep
    return sorted(sorted(group) for group in members.values())


def _phrasing_cost(sentence: Sentence, salience: float, settings: "FactSettings") -> float:
    """Lower is better: loaded wording, a penalty for leaning on earlier sentences, less salience."""
    cost = settings.neutrality_weight * subjectivity(sentence.text) - salience
    if _DANGLING.match(sentence.text):
        cost += settings.dangling_penalty
    return cost


def build_facts(articles: Sequence[Article], copies: Mapping[str, str], settings: "Settings") -> tuple[Fact, ...]:
    """All facts of one story, most widely reported first.

    A fact is a representative sentence plus the articles that state it. Its
    ``independent_ids`` count copies of one story once and a publisher once; its
    ``sources`` are the reporting articles' source names (the article id where there is
    none). The representative is the group's most neutral complete phrasing: the lowest
    ``neutrality_weight`` x subjectivity (VADER lexicon) minus salience, with a penalty
    for openings that lean on an earlier sentence ("He", "Her name is"); a member cut off by
    an excerpt phrases the fact only when no member is complete. Facts are sorted by source count
    (descending), then salience (descending), then text.

    Example:
        >>> from cluster import Article
        >>> from summarize.settings import Settings
        >>> facts = build_facts([Article("a", "Rain flooded Paris on Monday, closing 12 schools.", source="AP"),
        ...                      Article("b", "Heavy rain flooded Paris on Monday and 12 schools closed.", source="BBC")],
        ...                     {}, Settings())
        >>> facts[0].source_count, facts[0].sources
        (2, ('AP', 'BBC'))
    """
    sentences = story_sentences(articles, settings)
    if not sentences:
        return ()
    by_id = {a.id: a for a in articles}
    ranker = SentenceRanker.from_settings(settings.salience).fit([s.text for s in sentences])
    texts = {a.id: " ".join(s.text for s in sentences if s.article_id == a.id) or a.text for a in articles}
    titles = {a.id: a.title or "" for a in articles}
    salience = ranker.score(sentences, texts, titles)
    groups = align_sentences(sentences, ranker.transform([s.text for s in sentences]), settings.facts)

    keys = independent_source_keys(list(by_id.values()), copies)
    facts = []
    for group in groups:
        # A complete member always phrases the fact before one cut off by an excerpt.
        best = min(
            group,
            key=lambda k: (is_truncated(sentences[k].text), _phrasing_cost(sentences[k], float(salience[k]), settings.facts), k),
        )
        article_ids = tuple(sorted({sentences[k].article_id for k in group}))
        support = settings.facts.support_bonus * (len({keys[a] for a in article_ids}) - 1)
        facts.append(
            Fact(
                text=sentences[best].text,
                article_ids=article_ids,
                sources=tuple(sorted({by_id[a].source or a for a in article_ids})),
                independent_ids=tuple(sorted({keys[a] for a in article_ids})),
                salience=float(np.max(salience[group])) + support,
                position=min(sentences[k].position for k in group),
            )
        )
    return tuple(sorted(facts, key=lambda f: (-f.source_count, -f.salience, f.text)))
