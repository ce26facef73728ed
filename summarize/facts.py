"""Facts: sentences aligned across a story's articles, with their evidence and disputes.

The main function reads like a table of contents: sentences → per-sentence features
(names, figures, quotations, role) → salience → candidate pairs from an inverted index
(:mod:`summarize.pairs`) → alignment (lexical similarity plus agreement on names and
figures; pairs that describe the same event with different figures, or the same
quotation credited to different people, are kept apart as a dispute) → one fact per
aligned group that holds a sentence able to stand alone, phrased by its most neutral
complete member, with every member as evidence.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Mapping, Sequence

import numpy as np

from cluster.text import ascii_word_runs, english_stop_words, word_tokens
from cluster.types import Article

from .neutrality import subjectivity
from .numbers import Figure, conflicting_figures, figure_values, figures, may_state_figures
from .pairs import candidate_pairs
from .salience import SentenceRanker
from .segmenter import _OPENERS, word_count  # words that open sentences
from .sentences import Sentence, is_truncated, split_sentences
from .sources import independent_source_keys
from .types import Evidence, Fact

if TYPE_CHECKING:
    from .settings import FactSettings, Settings

__all__ = [
    "Claim",
    "Dispute",
    "StoryFacts",
    "analyze_story",
    "build_facts",
    "story_sentences",
    "align_sentences",
    "names",
    "numbers",
    "sentence_role",
]

# r"\b[A-Z][\w'’.-]*[a-z0-9][\w'’-]*|\b[A-Z]{2,}\b", written to open with a character set
# (the look-behind is that \b), so the engine skips to capitals in C.
_NAME = re.compile(r"[A-Z](?<!\w[A-Z])(?:[\w'’.-]*[a-z0-9][\w'’-]*|[A-Z]+\b)")
_LOWER_WORD = re.compile(r"\b[a-z][a-z'’-]{3,}\b")  # a content word in lower case
# Openings that lean on a previous sentence (a pronoun subject, a connective): such a
# sentence phrases a fact only when no member stands alone better.
_DANGLING = re.compile(
    r"^(?:he|she|it|they|his|her|its|their|this|that|these|those|but|and|so|yet|also|however|meanwhile|in addition|still)\b",
    re.IGNORECASE,
)
_CONNECTIVE = (
    r"(?:but|and|so|yet|also|however|meanwhile|in addition|still|ultimately|after all|instead|indeed|in fact|moreover|"
    r"furthermore|nonetheless|nevertheless|even so|as a result|therefore|thus|then|otherwise|likewise|similarly|"
    r"besides|by contrast|in contrast|on the other hand|for (?:example|instance))\b,?\s*"
)
_ANAPHOR = r"(?:this|that|these|those|such|it|the (?:opposite|same|other|latter|former|reverse|rest))\b(?!\s+(?:of|who|which|week|month|year|morning|afternoon|evening|weekend|time|summer|winter|spring|autumn|fall|season)\b)"
# A sentence whose subject is only a pointer back ("Ultimately, the opposite has happened.",
# "That is not all.", "But it was too late."): no claim of its own.
_LEANING = re.compile(rf"^(?:{_CONNECTIVE})?{_ANAPHOR}|^{_CONNECTIVE}(?=\S+(?:\s+\S+){{0,5}}\s*$)", re.IGNORECASE)
# A phrase opening with a preposition and holding no finite verb: "On other matters ranging from ...".
_PREPOSITION_OPENING = re.compile(
    r"^(?:on|in|at|for|with|from|of|to|about|regarding|including|among|along|amid|despite|after|before|during|"
    r"ranging|such as|as for|plus)\b",
    re.IGNORECASE,
)
_FINITE = frozenset(
    "is are was were be been am has have had do does did will would can could should may might must shall "
    "said says say told tells asked added announced reported warned called made makes took takes gave gives "
    "left leaves came comes went goes got gets saw sees found finds began begins held holds kept keeps won wins "
    "lost loses ran runs rose rises fell falls met meets led leads paid pays sent sends set sets put puts hit hits "
    "killed struck spent spends".split()
)
# A photo caption read as a sentence.
_CAPTION = re.compile(r"^(?:pictured|above|below|left|right|top|bottom|seen here|in this (?:photo|image|picture)|file photo)\b[:,]?", re.IGNORECASE)
_QUOTE = re.compile(r"[\"“]([^\"“”]{15,}?)[\"”]")
_FIRST_PERSON_WORDS = frozenset("I me my mine we us our ours".split())
_FIRST_PERSON = re.compile(r"\b(?:" + "|".join(sorted(_FIRST_PERSON_WORDS)) + r")\b")
_QUOTED_SPAN = re.compile(r"[\"“][^\"“”]*[\"”]|‘[^‘’]*’")
_REPORTING = frozenset(
    "said says told tells added asked according after before with from that this their they them there then "
    "when where which while would could should also have been were what said, about into".split()
)
_CAPITAL_RUN = re.compile(r"(?:[A-Z][\w'’.-]*(?:\s+(?:[A-Z][\w'’.-]*|de|van|von|al|bin|la|le))*)")


@dataclass(frozen=True, slots=True)
class Claim:
    """One version of a disputed claim: its wording and who states it."""

    text: str
    sources: tuple[str, ...]
    article_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Dispute:
    """Sources that report the same event differently, each version side by side.

    ``kind`` is ``"figures"`` (different figures for the same thing) or
    ``"attribution"`` (the same quotation credited to different people); ``about`` says
    what differs. No verdict is given.
    """

    kind: str
    about: str
    claims: tuple[Claim, ...]


@dataclass(frozen=True, slots=True)
class StoryFacts:
    """Everything the fact stage knows about one story.

    ``facts`` are most widely reported first; ``summary_facts`` are what a summarizer
    may state (a dispute becomes one statement naming each version's sources, and other
    facts that repeat a disputed figure are left out); ``sentence_stats`` accounts for
    every kept sentence: ``kept`` = ``in_facts`` + the sum of ``dropped``; ``thin`` says
    the story has too little prose to summarize.
    """

    facts: tuple[Fact, ...]
    disputes: tuple[Dispute, ...]
    summary_facts: tuple[Fact, ...]
    sentence_stats: Mapping[str, object]
    thin: bool = False


@dataclass(frozen=True, slots=True)
class _Features:
    """Per-sentence features, computed once."""

    names: frozenset[str]
    figures: tuple[Figure, ...]
    values: frozenset[str]
    quote: frozenset[str]  # words of the longest quotation (empty when none)
    speakers: frozenset[str]  # names outside the quotation
    words: frozenset[str]  # every word, lower-cased
    frame_content: frozenset[str]  # lower-case content words outside the quotation (not its speaker's names)


def names(text: str) -> frozenset[str]:
    """Capitalised words after the first word, lower-cased: the names a sentence mentions.

    Example:
        >>> sorted(names("On Monday Blinken met Lavrov in New Delhi."))
        ['blinken', 'delhi', 'lavrov', 'monday', 'new']
    """
    words = _NAME.findall(text)
    if not words:
        return frozenset()
    head = text.split(maxsplit=1)
    first = head[0] if head else ""
    # "Biden's" -> "biden"
    found = {(word[:-2] if word.endswith(("'s", "’s")) else word).lower() for word in {w.strip(".") for w in words}}
    if first and _NAME.fullmatch(first.strip("\"'“‘(")) and text.count(first) == 1:
        found.discard(first.strip("\"'“‘(.").lower())
    return frozenset(found - english_stop_words())


def numbers(text: str) -> frozenset[str]:
    """The figures a sentence states, normalised (see :mod:`summarize.numbers`).

    Example:
        >>> sorted(numbers("Ten people and 1,200 cattle died."))
        ['10', '1200']
    """
    return figure_values(text)


def sentence_role(text: str) -> str:
    """``"fact"`` for a sentence that can stand alone, else why it cannot: ``"leaning"`` (its
    subject only points back: "Ultimately, the opposite has happened.", "That was not all.",
    or a connective opens a short remark: "But not yet."), ``"fragment"`` (a
    prepositional phrase with no finite verb) or ``"caption"``. Such sentences still
    serve as evidence for a fact another sentence states.

    Example:
        >>> sentence_role("On other matters ranging from arms control to embassy staff and prisoners.")
        'fragment'
        >>> sentence_role("Ultimately, the opposite has happened."), sentence_role("Rain flooded Paris.")
        ('leaning', 'fact')
    """
    bare = text.lstrip("\"'“‘(")
    if _CAPTION.match(bare):
        return "caption"
    if _LEANING.match(text):  # a quotation opening the sentence is the speaker's claim, whatever its first word
        return "leaning"
    if _PREPOSITION_OPENING.match(bare):
        tokens = word_tokens(text)
        if not any(t in _FINITE or (len(t) > 4 and t.endswith("ed")) for t in tokens):
            return "fragment"
    return "fact"


def _features(text: str, named: frozenset[str] | None = None) -> _Features:
    quotes = [m.group(1) for m in _QUOTE.finditer(text)]
    quote = max(quotes, key=len) if quotes else ""
    outside = _QUOTE.sub(" ", text) if quote else text
    found = figures(text)
    return _Features(
        names=names(text) if named is None else named,
        figures=found,
        values=frozenset(f.canonical for f in found),
        quote=frozenset(word_tokens(quote)) if len(quote.split()) >= 4 else frozenset(),
        speakers=names(" " + outside) if quote else frozenset(),
        words=frozenset(word_tokens(text)),
        frame_content=frozenset(
            w.lower() for w in _LOWER_WORD.findall(outside) if w not in _REPORTING
        ) if quote else frozenset(),
    )


class _LazyFeatures:
    """Per-sentence features computed on first use, once per distinct text: most sentences
    of a story are in no candidate pair, a story of one article has no pairs at all, and
    a copy repeats its original's sentences word for word."""

    __slots__ = ("_texts", "_done", "_names", "_counted")

    def __init__(self, texts: Sequence[str]) -> None:
        self._texts = texts
        self._done: dict[str, _Features] = {}
        self._names: dict[str, frozenset[str]] = {}
        self._counted: dict[str, bool] = {}

    def __getitem__(self, index: int) -> _Features:
        text = self._texts[index]
        found = self._done.get(text)
        if found is None:
            found = self._done[text] = _features(text, self.names(index))
        return found

    def names(self, index: int) -> frozenset[str]:
        """The sentence's :func:`names` alone, which decide whether the rest is needed."""
        text = self._texts[index]
        found = self._names.get(text)
        if found is None:
            found = self._names[text] = names(text)
        return found

    def may_count(self, index: int) -> bool:
        """Whether the sentence may state a figure (:func:`summarize.numbers.may_state_figures`)."""
        text = self._texts[index]
        found = self._counted.get(text)
        if found is None:
            found = self._counted[text] = may_state_figures(text)
        return found


def story_sentences(articles: Sequence[Article], settings: "Settings") -> list[Sentence]:
    """Every kept sentence of every article, in article-id then position order.

    When no article has a complete sentence, fragments within the word limits are kept
    instead, so a story of headline-like snippets still has facts.
    """
    for strict in (True, False):
        out: list[Sentence] = []
        for article in sorted(articles, key=lambda a: a.id):
            for position, text in enumerate(split_sentences(article.text, settings.sentences, strict=strict, title=article.title)):
                out.append(Sentence(text=text, article_id=article.id, position=position))
        if out:
            break
    return out


def _quote_conflict(a: _Features, b: _Features) -> bool:
    """The same quotation (word Jaccard >= 0.8) credited to different named people."""
    if not a.quote or not b.quote or not a.speakers or not b.speakers:
        return False
    overlap = len(a.quote & b.quote) / len(a.quote | b.quote)
    return overlap >= 0.8 and not a.speakers & b.speakers


def _event_similarity(cosine: float, a: frozenset[str], b: frozenset[str], settings: "FactSettings") -> float:
    """The cosine plus ``name_weight`` x the share of the smaller name set the other holds."""
    name_overlap = len(a & b) / min(len(a), len(b)) if a and b else 0.0
    return cosine + settings.name_weight * name_overlap


def _pair_scores(event: float, a: _Features, b: _Features, settings: "FactSettings") -> tuple[float, tuple[str, ...]]:
    """(merge similarity, conflicts) for two sentences whose event similarity
    (:func:`_event_similarity`: the cosine plus name agreement, figures aside, how surely
    the two describe one event) is ``event``.

    The merge similarity adds agreement on figures and is 0 when the figures conflict,
    when both state figures and share none (with ``numbers_must_agree``), or when a
    quotation is credited to different people.
    """
    conflicts = conflicting_figures(a.figures, b.figures)
    if _quote_conflict(a, b):
        conflicts = conflicts + ("\x00quote",)
    if conflicts:
        return 0.0, conflicts
    if (a.quote and not b.quote) or (b.quote and not a.quote):
        quote, other = (a, b) if a.quote else (b, a)
        if len(quote.quote & other.words) < 0.5 * len(quote.quote) and not (quote.frame_content & other.words):
            return 0.0, ()  # they share only who speaks, not what is said
    if settings.numbers_must_agree and a.values and b.values and not a.values & b.values:
        return 0.0, ()  # "12 dead" and "30 dead" are different claims, however alike the words
    number_match = 1.0 if a.values & b.values else 0.0
    return event + settings.number_weight * number_match, ()


def _sentence_pairs(sentences: Sequence[Sentence], vectors: object, max_postings: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate pairs of sentences from different articles (see :func:`candidate_pairs`)."""
    owner_index = {a: k for k, a in enumerate(sorted({s.article_id for s in sentences}))}
    owners = np.array([owner_index[s.article_id] for s in sentences])
    return candidate_pairs(vectors, owners, max_postings=max_postings)


def align_sentences(
    sentences: Sequence[Sentence],
    vectors: object,
    settings: "FactSettings",
    features: "Sequence[_Features] | _LazyFeatures | None" = None,
    pairs: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
) -> tuple[list[list[int]], list[tuple[int, int, tuple[str, ...]]]]:
    """Group sentence indices that state the same thing; return the groups and the disputes.

    Candidate pairs come from an inverted index (:func:`summarize.pairs.candidate_pairs`,
    ``settings.max_postings``), never from all pairs. Pairs from different articles are
    merged strongest first while their adjusted similarity reaches
    ``settings.min_similarity``, while the merged group holds at most
    ``settings.max_per_article`` sentences of any one article and more than one sentence
    of at most one article (one writer's sentence can carry two claims that another
    writer splits in two; two writers' pairs would be a chain of distinct claims); groups
    of one sentence per article are formed first. Groups never merge across a
    dispute: a pair whose event similarity reaches ``min_similarity`` but whose figures
    or quotation credits conflict. Groups come back sorted by their first index; each
    dispute is ``(i, j, what differs)``.
    """
    n = len(sentences)
    if n == 0:
        return [], []
    features = features if features is not None else _LazyFeatures([s.text for s in sentences])
    lazy = features if isinstance(features, _LazyFeatures) else None
    named = lazy.names if lazy is not None else (lambda k: features[k].names)
    may_count = lazy.may_count if lazy is not None else (lambda k: bool(features[k].values))
    first, second, cosine = pairs if pairs is not None else _sentence_pairs(sentences, vectors, settings.max_postings)
    pairs: list[tuple[float, int, int]] = []
    disputes: list[tuple[int, int, tuple[str, ...]]] = []
    threshold, most_for_figures = settings.min_similarity, settings.number_weight * 1.0
    name_of: list[frozenset[str] | None] = [None] * n  # each sentence's names, looked up once
    for i, j, cos in zip(first.tolist(), second.tolist(), cosine.tolist()):
        a, b = name_of[i], name_of[j]
        if a is None:
            a = name_of[i] = named(i)
        if b is None:
            b = name_of[j] = named(j)
        event = _event_similarity(cos, a, b, settings)
        if event < threshold and (event + most_for_figures < threshold or not (may_count(i) and may_count(j))):
            continue  # neither a merge nor a dispute: only a shared figure could lift it, and none can be shared
        similarity, conflicts = _pair_scores(event, features[i], features[j], settings)
        if conflicts and event >= settings.min_similarity:
            disputes.append((i, j, conflicts))
        elif similarity >= settings.min_similarity:
            pairs.append((similarity, i, j))
    if not pairs:
        return [[k] for k in range(n)], disputes  # nothing merges: one group per sentence
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    group_of = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    # Per group, kept in step with ``members`` so a merge check costs the smaller group's
    # size, not both groups': sentences per article, the largest of those counts, how many
    # articles give more than one sentence, and the members that take part in a dispute.
    # Only sentences of a merge pair are ever a group's key here.
    paired = {k for _, i, j in pairs for k in (i, j)}
    per_article: dict[int, Counter[str]] = {i: Counter({sentences[i].article_id: 1}) for i in paired}
    largest: dict[int, int] = dict.fromkeys(paired, 1)
    repeated: dict[int, int] = dict.fromkeys(paired, 0)
    apart: dict[int, set[int]] = {}
    for i, j, _ in disputes:
        apart.setdefault(i, set()).add(j)
        apart.setdefault(j, set()).add(i)
    disputed: dict[int, list[int]] = {i: [i] for i in apart}
    # Two passes: first one sentence per article; then a group may take a second (up to
    # max_per_article) sentence of one article, when a sentence of another article carries
    # both claims. Two articles with two sentences each would be a chain, not a carrier.
    for cap in (1, settings.max_per_article):
        for _, i, j in pairs:
            gi, gj = group_of[i], group_of[j]
            if gi == gj:
                continue
            small, big = (gi, gj) if len(per_article[gi]) <= len(per_article[gj]) else (gj, gi)
            counts_big = per_article[big]
            most = max(largest[gi], largest[gj])
            several = repeated[gi] + repeated[gj]
            for article, count in per_article[small].items():
                other = counts_big.get(article, 0)
                if other:
                    if count + other > most:
                        most = count + other
                        if most > cap:
                            break  # refused whatever the rest holds: the largest count only grows
                    several += 1 - (count > 1) - (other > 1)
            if most > cap or several > 1:
                continue
            if any(group_of[other] == gj for k in disputed.get(gi, ()) for other in apart[k]):
                continue  # the two groups hold versions of a disputed claim
            keep, drop = min(gi, gj), max(gi, gj)
            moved = members.pop(drop)
            members[keep].extend(moved)
            for k in moved:
                group_of[k] = keep
            counts_big.update(per_article.pop(small))  # the smaller group's counts join the larger's
            del per_article[big]
            per_article[keep] = counts_big
            largest[keep], repeated[keep] = most, several
            del largest[drop], repeated[drop]
            if drop in disputed:
                disputed.setdefault(keep, []).extend(disputed.pop(drop))
    return sorted(sorted(group) for group in members.values()), disputes


def _phrasing(text: str, settings: "FactSettings") -> tuple[bool, float, bool]:
    """What a member's claim to phrase its fact takes from its text alone: whether it is
    cut off, its loaded wording (``neutrality_weight`` x subjectivity), and whether it
    leans on earlier sentences. Computed once per distinct text of a story."""
    return is_truncated(text), settings.neutrality_weight * subjectivity(text), bool(_DANGLING.match(text))


def _phrasing_cost(phrasing: tuple[bool, float, bool], salience: float, settings: "FactSettings") -> float:
    """Lower is better: loaded wording, a penalty for leaning on earlier sentences, less salience."""
    cost = phrasing[1] - salience
    if phrasing[2]:
        cost += settings.dangling_penalty
    return cost


def _first_person(text: str) -> bool:
    """First person outside quotation marks: the writer speaking, not a report."""
    # removing quotations only adds word boundaries: no first person in the text, none outside them
    if text.isascii():  # a match is a whole run of word characters: look the runs up
        if _FIRST_PERSON_WORDS.isdisjoint(ascii_word_runs(text, lower=False)):
            return False
    elif not _FIRST_PERSON.search(text):
        return False
    return bool(_FIRST_PERSON.search(_QUOTED_SPAN.sub(" ", text)))


def build_facts(articles: Sequence[Article], copies: Mapping[str, str], settings: "Settings") -> tuple[Fact, ...]:
    """All facts of one story, most widely reported first (see :func:`analyze_story`).

    Example:
        >>> from cluster import Article
        >>> from summarize.settings import Settings
        >>> facts = build_facts([Article("a", "Rain flooded Paris on Monday, closing 12 schools.", source="AP"),
        ...                      Article("b", "Heavy rain flooded Paris on Monday and 12 schools closed.", source="BBC")],
        ...                     {}, Settings())
        >>> facts[0].source_count, facts[0].sources, [e.publisher for e in facts[0].evidence]
        (2, ('AP', 'BBC'), ['AP', 'BBC'])
    """
    return analyze_story(articles, copies, settings).facts


def analyze_story(articles: Sequence[Article], copies: Mapping[str, str], settings: "Settings") -> StoryFacts:
    """Facts, disputes, what a summary may state, and the sentence accounting of one story.

    A fact is a group of aligned sentences that holds at least one sentence able to stand
    alone (:func:`sentence_role`); every member is its evidence, one entry per article
    (an article's two members are joined). ``source_count`` counts the evidence's
    independent sources (copies of one story and one publisher count once). The fact is
    phrased by its most neutral complete stand-alone member: the lowest
    ``neutrality_weight`` x subjectivity (VADER lexicon) minus salience; a member cut off
    by an excerpt phrases it only when no member is complete. A group of sentences that
    cannot stand alone is no fact; its sentences are counted in
    ``sentence_stats["dropped"]`` by reason. Facts are sorted by source count
    (descending), then salience (descending), then text.
    """
    sentences = story_sentences(articles, settings)
    if not sentences:
        return StoryFacts((), (), (), {"kept": 0, "in_facts": 0, "dropped": {}}, thin=True)
    fact_settings = settings.facts
    by_id = {a.id: a for a in articles}
    texts_in_order = [s.text for s in sentences]
    features = _LazyFeatures(texts_in_order)
    role_of = {text: sentence_role(text) for text in dict.fromkeys(texts_in_order)}  # a copy repeats sentences
    roles = [role_of[text] for text in texts_in_order]
    ranker = SentenceRanker.from_settings(settings.salience).fit(texts_in_order)
    own: dict[str, list[str]] = {}
    for s in sentences:
        own.setdefault(s.article_id, []).append(s.text)
    texts = {a.id: " ".join(own.get(a.id, ())) or a.text for a in articles}
    titles = {a.id: a.title or "" for a in articles}
    vectors = ranker.weights(texts_in_order)
    documents = ranker.weights_joined([own.get(a, [texts[a]]) for a in sorted(texts)])
    pairs = _sentence_pairs(sentences, vectors, fact_settings.max_postings)
    salience = ranker.score(sentences, texts, titles, rows=vectors, pairs=pairs, documents=documents)
    groups, dispute_pairs = align_sentences(sentences, vectors, fact_settings, features, pairs)
    scores = salience.tolist()  # Python floats: the same values, read without NumPy's per-call cost

    keys = independent_source_keys(list(by_id.values()), copies)
    fact_of: dict[int, int] = {}  # group index -> fact index
    facts: list[Fact] = []
    dropped: Counter[str] = Counter()
    alone_support = fact_settings.support_bonus * 0  # the bonus of a fact with one independent source
    phrasing_of: dict[str, tuple[bool, float, bool]] = {}  # a copy repeats its original's sentences
    for g, group in enumerate(groups):
        if len(group) == 1:  # one sentence (every sentence of a one-article story): its own evidence
            (k,) = group
            if roles[k] != "fact":
                dropped[roles[k]] += 1
                continue
            sentence = sentences[k]
            article_id = sentence.article_id
            publisher, key = by_id[article_id].source or article_id, keys[article_id]
            fact_of[g] = len(facts)
            facts.append(
                Fact(
                    text=sentence.text,
                    article_ids=(article_id,),
                    sources=(publisher,),
                    independent_ids=(key,),
                    salience=scores[k] + alone_support,
                    position=sentence.position,
                    evidence=(Evidence(article_id=article_id, publisher=publisher, text=sentence.text, source_key=key),),
                )
            )
            continue
        standing = [k for k in group if roles[k] == "fact"]
        if not standing:
            dropped.update(roles[k] for k in group)
            continue
        if len(standing) == 1:
            best = standing[0]
        else:  # complete before cut off, then the lowest phrasing cost, then the earliest
            claims = []
            for k in standing:
                text = texts_in_order[k]
                phrasing = phrasing_of.get(text) or phrasing_of.setdefault(text, _phrasing(text, fact_settings))
                claims.append((phrasing[0], _phrasing_cost(phrasing, scores[k], fact_settings), k))
            best = min(claims)[2]
        said: dict[str, list[str]] = {}  # each article's members, in sentence order
        for k in group:
            said.setdefault(sentences[k].article_id, []).append(sentences[k].text)
        article_ids = tuple(sorted(said))
        evidence = tuple(
            Evidence(article_id=a, publisher=by_id[a].source or a, text=" ".join(said[a]), source_key=keys[a])
            for a in article_ids
        )
        independent = tuple(sorted({keys[a] for a in article_ids}))
        support = fact_settings.support_bonus * (len(independent) - 1)
        fact_of[g] = len(facts)
        facts.append(
            Fact(
                text=sentences[best].text,
                article_ids=article_ids,
                sources=tuple(sorted({by_id[a].source or a for a in article_ids})),
                independent_ids=independent,
                salience=max(scores[k] for k in group) + support,
                position=min(sentences[k].position for k in group),
                evidence=evidence,
            )
        )

    group_index = {k: g for g, group in enumerate(groups) for k in group}
    disputes, disputed_facts, disputed_figures = _disputes(dispute_pairs, group_index, fact_of, facts, features, groups)
    facts = [replace(f, disputed=True) if i in disputed_facts else f for i, f in enumerate(facts)]
    order = sorted(range(len(facts)), key=lambda i: (-facts[i].source_count, -facts[i].salience, facts[i].text))
    summary_facts = _summary_facts(
        facts, disputes, disputed_facts, disputed_figures, features, groups, fact_of, {a.id: a.source for a in articles}, titles
    )
    # word counts add up over the spaces that join texts
    kept_words = word_count(" ".join([text for text, role in zip(texts_in_order, roles) if role == "fact"]))
    stats = {"kept": len(sentences), "in_facts": len(sentences) - sum(dropped.values()), "dropped": dict(sorted(dropped.items()))}
    return StoryFacts(
        facts=tuple(facts[i] for i in order),
        disputes=tuple(d for d, _ in disputes),
        summary_facts=summary_facts,
        sentence_stats=stats,
        thin=kept_words < fact_settings.thin_words,
    )


def _disputes(
    dispute_pairs: Sequence[tuple[int, int, tuple[str, ...]]],
    group_index: Mapping[int, int],
    fact_of: Mapping[int, int],
    facts: Sequence[Fact],
    features: "Sequence[_Features] | _LazyFeatures",
    groups: Sequence[Sequence[int]],
) -> tuple[list[tuple[Dispute, tuple[int, ...]]], set[int], set[tuple[str, str]]]:
    """Disputes between facts: connected facts of dispute pairs, each version once."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    about: dict[tuple[int, int], set[str]] = {}
    for i, j, conflicts in dispute_pairs:
        gi, gj = group_index[i], group_index[j]
        if gi == gj or gi not in fact_of or gj not in fact_of:
            continue  # a version that is no fact (a fragment) is no side of a dispute
        fi, fj = fact_of[gi], fact_of[gj]
        if set(facts[fi].independent_ids) == set(facts[fj].independent_ids):
            continue  # one source disagreeing with itself (an update) is no dispute between sources
        parent[find(fi)] = find(fj)
        about.setdefault((min(fi, fj), max(fi, fj)), set()).update(conflicts)
    components: dict[int, list[int]] = {}
    for f in sorted(parent):
        components.setdefault(find(f), []).append(f)
    out: list[tuple[Dispute, tuple[int, ...]]] = []
    disputed: set[int] = set()
    disputed_figures: set[tuple[str, str]] = set()
    for members in components.values():
        members = sorted(members, key=lambda f: (-facts[f].source_count, facts[f].text))
        keys = sorted({k for pair, ks in about.items() if pair[0] in members for k in ks})
        quote = "\x00quote" in keys
        figure_keys = [k for k in keys if k != "\x00quote"]
        for f in members:
            for k in groups[[g for g, fi in fact_of.items() if fi == f][0]]:
                disputed_figures.update((fig.key, fig.canonical) for fig in features[k].figures if fig.key in figure_keys)
        if quote:
            kind, what = "attribution", "who is quoted"
        else:
            kind, what = "figures", "figures for " + ", ".join(repr(k) for k in figure_keys)
        claims = tuple(Claim(text=facts[f].text, sources=facts[f].sources, article_ids=facts[f].article_ids) for f in members)
        out.append((Dispute(kind=kind, about=what, claims=claims), tuple(members)))
        disputed.update(members)
    out.sort(key=lambda d: d[0].claims[0].text)
    return out, disputed, disputed_figures


def _listing(names: Sequence[str]) -> str:
    """Names as prose: "AP", "AP and BBC", "AP, BBC and CNN"."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _who(fact: Fact, names: Mapping[str, str | None], titles: Mapping[str, str]) -> tuple[str, bool]:
    """The sources of ``fact`` in prose, never an article id (ids are for machines: the
    JSON's ``sources`` and ``article_ids`` carry them): its publishers, then the articles
    with none, counted ("AP, BBC and 2 unnamed reports"); one such article alone is
    named by its headline in quotes when it has one. And whether that subject is plural."""
    named = sorted({names[a] for a in fact.article_ids if names[a]})
    unnamed = sorted(a for a in fact.article_ids if not names[a])
    if len(unnamed) == 1 and titles.get(unnamed[0]):
        named.append(f"“{titles[unnamed[0]]}”")
    elif unnamed:
        named.append("an unnamed report" if len(unnamed) == 1 else f"{len(unnamed)} unnamed reports")
    return _listing(named), len(named) > 1 or len(unnamed) > 1


def _attributed(
    dispute: Dispute, versions: Sequence[Fact], names: Mapping[str, str | None], titles: Mapping[str, str]
) -> str:
    """One sentence stating each version of a dispute with its sources (named as
    :func:`_who` names them), no verdict."""
    first = versions[0]
    body = first.text.rstrip()
    if body.endswith("."):
        body = body[:-1]
    if dispute.kind == "figures" and not dispute_keys_unknown(dispute):
        inline = _inline_figures(versions, names, titles)
        if inline:
            return inline
    others = []
    for fact in versions[1:]:
        named, plural = _who(fact, names, titles)
        if dispute.kind == "attribution":
            outside = _QUOTED_SPAN.sub(" ", fact.text)
            runs = [r for r in _CAPITAL_RUN.findall(outside) if len(r.split()) >= 2] or _CAPITAL_RUN.findall(outside)
            speaker = max(runs, key=len) if runs else "someone else"
            others.append(f"{named} {'attribute' if plural else 'attributes'} it to {speaker}")
        else:
            others.append(f"{named} {'report' if plural else 'reports'}: {fact.text.rstrip('.')}")
    opening = body.split(maxsplit=1)[0]
    if opening != "I" and opening.lower() in _OPENERS and opening[1:] == opening[1:].lower():
        body = body[:1].lower() + body[1:]  # "According to AP, at the time ...", not "..., At the time"
    return f"According to {_who(first, names, titles)[0]}, {body}; " + "; ".join(others) + "."


def dispute_keys_unknown(dispute: Dispute) -> bool:
    return not dispute.about.startswith("figures for ")


def _inline_figures(versions: Sequence[Fact], names: Mapping[str, str | None], titles: Mapping[str, str]) -> str | None:
    """The first version with each differing figure replaced by every version's figure and
    sources ("killed 12 (wire-one) or 15 (city-paper) people"), when the versions differ
    only in their figures; else None."""
    texts = [v.text for v in versions]
    split = [re.split(r"(\d[\d,.\u00a0\u2009\u202f]*\d|\d)", t) for t in texts]
    if len({len(parts) for parts in split}) != 1:
        return None
    words = [[p for k, p in enumerate(parts) if k % 2 == 0] for parts in split]
    if any(w != words[0] for w in words[1:]):
        return None  # more than the figures differs
    out = []
    for k, piece in enumerate(split[0]):
        if k % 2 == 0:
            out.append(piece)
            continue
        values = [parts[k] for parts in split]
        if len(set(values)) == 1:
            out.append(piece)
        else:
            out.append(" or ".join(f"{value} ({_who(v, names, titles)[0]})" for value, v in zip(values, versions)))
    return "".join(out)


def _summary_facts(
    facts: Sequence[Fact],
    disputes: Sequence[tuple[Dispute, tuple[int, ...]]],
    disputed: set[int],
    disputed_figures: set[tuple[str, str]],
    features: "Sequence[_Features] | _LazyFeatures",
    groups: Sequence[Sequence[int]],
    fact_of: Mapping[int, int],
    names: Mapping[str, str | None],
    titles: Mapping[str, str],
) -> tuple[Fact, ...]:
    """What a summary may state: undisputed facts that repeat no disputed figure, written
    in the third person, plus one attributed statement per dispute (its sources named by
    :func:`_who` from ``names``, article id -> publisher or None, and ``titles``)."""
    group_of_fact = {f: g for g, f in fact_of.items()}
    out: list[Fact] = []
    for i, fact in enumerate(facts):
        if i in disputed:
            continue
        if not disputed_figures:
            out.append(fact)
            continue
        figs = {(fig.key, fig.canonical) for k in groups[group_of_fact[i]] for fig in features[k].figures}
        if figs & disputed_figures:
            continue  # would state a disputed figure as if agreed
        out.append(fact)
    writer_free = [f for f in out if not _first_person(f.text)]
    out = writer_free if writer_free else out
    for dispute, members in disputes:
        versions = [facts[f] for f in members]
        out.append(
            Fact(
                text=_attributed(dispute, versions, names, titles),
                article_ids=tuple(sorted({a for v in versions for a in v.article_ids})),
                sources=tuple(sorted({s for v in versions for s in v.sources})),
                independent_ids=tuple(sorted({k for v in versions for k in v.independent_ids})),
                salience=max(v.salience for v in versions),
                position=min(v.position for v in versions),
                evidence=tuple(e for v in versions for e in v.evidence),
            )
        )
    return tuple(sorted(out, key=lambda f: (-f.source_count, -f.salience, f.text)))
