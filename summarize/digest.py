"""Digest assembly: facts and a consolidated summary for every story.

The main function reads like a table of contents: facts per story → summaries (one
batched call to the summarizer) → stories → accounting check.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any, Callable, Iterator, Mapping, Sequence

from cluster.accounting import check_accounting
from cluster.errors import InvariantError
from cluster.pools import collector_paused, pool_map, process_limit, process_pool, usable_cores
from cluster.types import Article, Cluster, Clustering, Skipped

from .extractive import bag_cosine, content_bag
from .facts import Dispute, StoryFacts, analyze_story
from .segmenter import word_count
from .settings import Settings
from .sources import independent_source_keys
from .types import Fact, StoryInput, Summarizer, Summary

__all__ = ["StoryArticle", "Story", "Digest", "summarize_cluster", "summarize_clustering", "summarize_stories", "story_order"]


@dataclass(frozen=True, slots=True)
class StoryArticle:
    """One article of a story as the digest lists it, so a newsletter can link its sources.

    ``published`` is ISO 8601; ``publisher`` the publisher's name (None when nothing names
    it); ``language`` an ISO 639-1 code; ``copy_of`` the id of the article this one copies
    (None for an original).
    """

    id: str
    title: str | None
    url: str | None
    published: str | None
    publisher: str | None
    language: str | None
    copy_of: str | None


@dataclass(frozen=True, slots=True)
class Story:
    """One story of the digest: its articles, facts and consolidated summary.

    ``independent_ids`` holds one key per independent source among the story's articles
    (a publisher counts once, and so does a group of copies); ``independent_sources`` is
    derived from it, as a fact's ``source_count`` is.
    """

    id: str
    title: str | None
    article_ids: tuple[str, ...]
    copies: tuple[tuple[str, str], ...]
    sources: tuple[str, ...]
    independent_ids: tuple[str, ...]
    summary: Summary
    facts: tuple[Fact, ...]
    articles: tuple[StoryArticle, ...] = ()
    disputes: tuple[Dispute, ...] = ()
    facts_left_out: int = 0
    sentence_stats: Mapping[str, Any] | None = None

    @property
    def independent_sources(self) -> int:
        """The number of independent sources that report the story."""
        return len(self.independent_ids)


@dataclass(frozen=True, slots=True)
class Digest:
    """Every story, what was skipped, and the settings that produced them."""

    stories: tuple[Story, ...]
    skipped: tuple[Skipped, ...]
    settings: Settings
    articles_in: int

    @property
    def stats(self) -> dict[str, int]:
        """Accounting: ``inputs`` (articles read + skipped) = ``in_stories`` + ``skipped``."""
        return digest_stats(self.articles_in, len(self.skipped), [s.article_ids for s in self.stories])


def digest_stats(articles_in: int, skipped: int, stories: Sequence[Sequence[str]]) -> dict[str, int]:
    """A digest's accounting from its counts and each story's article ids (see :attr:`Digest.stats`)."""
    return {
        "inputs": articles_in + skipped,
        "articles": articles_in,
        "in_stories": sum(map(len, stories)),
        "skipped": skipped,
        "stories": len(stories),
    }


def _source_names(articles: Sequence[Article]) -> tuple[str, ...]:
    """The publishers' names (an article no source names counts in independent_sources, not here)."""
    return tuple(sorted({a.source for a in articles if a.source}))


def _story_articles(cluster: Cluster, members: Sequence[Article]) -> tuple[StoryArticle, ...]:
    copies = cluster.copy_map
    return tuple(
        StoryArticle(a.id, a.title, a.url, a.published, a.source, a.language, copies.get(a.id))
        for a in sorted(members, key=lambda a: a.id)
    )


def _story_title(articles: Sequence[Article], facts: Sequence[Fact], copies: Mapping[str, str]) -> str | None:
    """The headline that best agrees with the story.

    Each original's title is scored by its content-word cosine to the other originals'
    titles plus its cosine to the facts the most sources report, so a first line that is
    not the story's headline (a site's slogan, a section name) loses to one that is. Ties
    go to the article that reports the most facts, then to the earliest id.
    """
    titled = [a for a in articles if a.title and a.id not in copies] or [a for a in articles if a.title]
    if not titled:
        return None
    reported: dict[str, int] = {}
    for fact in facts:
        for article_id in fact.article_ids:
            reported[article_id] = reported.get(article_id, 0) + fact.source_count
    most = max((f.source_count for f in facts), default=0)
    consensus = content_bag(" ".join(f.text for f in facts if f.source_count == most))
    bags = {a.id: content_bag(a.title or "") for a in titled}
    every_title: Counter[str] = Counter()
    for bag in bags.values():
        every_title.update(bag)
    every_norm = sum(v * v for v in every_title.values())

    def agreement(article: Article) -> float:
        own = bags[article.id]
        # Cosine to the other titles' words (every title's minus its own), in O(own words).
        dot = sum(v * (every_title[w] - v) for w, v in own.items())
        rest = every_norm - sum(every_title[w] ** 2 - (every_title[w] - v) ** 2 for w, v in own.items())
        own_norm = sum(v * v for v in own.values())
        to_titles = dot / math.sqrt(own_norm * rest) if dot > 0 else 0.0
        return round(to_titles + bag_cosine(own, consensus), 9)

    best = min(titled, key=lambda a: (-agreement(a), -reported.get(a.id, 0), a.id))
    return best.title


def _read_members(cluster: Cluster, members: Sequence[Article], settings: Settings) -> list[Article]:
    """The members a story's facts are read from: at most ``facts.max_story_articles`` of
    them, each cut to ``sentences.max_article_chars`` characters.

    A story past the limit is read from a sample that keeps every publisher in view:
    originals before copies, then publishers in turn (each publisher's articles in id
    order), so ten reprints of one wire story never crowd out a second outlet. Every member
    still counts in ``article_ids``, ``sources`` and ``independent_sources``. A cut text
    ends at the last sentence end (``.``, ``!``, ``?`` or ``。``) before the limit, else at
    the last space.
    """
    limit = settings.facts.max_story_articles
    chosen = list(members)
    if len(chosen) > limit:
        copies = cluster.copy_map
        queues: dict[str, list[Article]] = {}
        for article in sorted(chosen, key=lambda a: (a.id in copies, a.id)):
            queues.setdefault(article.source or article.id, []).append(article)
        order: list[Article] = []
        rounds = [queues[key] for key in sorted(queues, key=lambda k: (queues[k][0].id in copies, queues[k][0].id))]
        depth = 0
        while len(order) < limit:
            layer = [queue[depth] for queue in rounds if depth < len(queue)]
            if not layer:
                break
            order.extend(layer[: limit - len(order)])
            depth += 1
        keep = {a.id for a in order}
        chosen = [a for a in members if a.id in keep]
    cap = settings.sentences.max_article_chars
    return [_cut_text(a, cap) if len(a.text) > cap else a for a in chosen]


def _cut_text(article: Article, cap: int) -> Article:
    head = article.text[:cap]
    end = max(head.rfind(mark) for mark in (". ", "! ", "? ", ".\n", "。"))
    if end <= 0:
        end = head.rfind(" ")
    return replace(article, text=head[: end + 1] if end > 0 else head)


def _story_work(task: tuple[Cluster, list[Article]], context: "_Context") -> Any:
    """One story's facts; with a per-story summarizer (``context[1]``), the whole story,
    passed through ``context[2]`` when it is a function (an encoder).

    A worker sends back only this: the article texts it was given stay where they are
    (they are most of a story's bytes), and the main process rebuilds what it needs."""
    (cluster, members), (settings, summarizer, encode) = task, context
    read = _read_members(cluster, members, settings)
    found = analyze_story(read, cluster.copy_map, settings)
    if summarizer is None:
        return found
    (summary,) = summarizer.summarize([_summary_input(cluster, read, found)])
    story = _assemble(cluster, members, found, summary, settings)
    return story if encode is None else encode(story)


_Context = tuple[Settings, "Summarizer | None", "Callable[[Story], Any] | None"]
_WORKER_CONTEXT: dict[str, _Context] = {}  # a worker process's context, set once when it starts


def _start_worker(context: _Context) -> None:
    _WORKER_CONTEXT["context"] = context


def _story_batch(batch: list[tuple[Cluster, list[Article]]], context: "_Context") -> list[Any]:
    """:func:`_story_work` of each story of a batch, in order."""
    return [_story_work(task, context) for task in batch]


def _worker_stories(batch: list[tuple[Cluster, list[Article]]]) -> list[Any]:
    return _story_batch(batch, _WORKER_CONTEXT["context"])


# Stories below this many are summarized in this process: starting workers costs more.
_POOL_MIN_STORIES = 64
# Stories go to a worker process or a Ray task in batches of at most this many stories and
# articles (a bigger story goes alone): one message each way per batch, not per story, since
# most stories take a few milliseconds and a message costs a fair part of that.
_BATCH_STORIES = 16
_BATCH_ARTICLES = 64
# Batches in flight per worker process. Results are taken in story order, so a story far
# slower than the rest (a big one) holds back the results after it: a wide window keeps the
# other workers busy meanwhile (a 5,000-article scale.py corpus on 2 workers: 14.2 s with 4
# batches in flight, 11.2 s with 64), and memory stays bounded: at most 32 x 64 articles
# per worker.
_BATCHES_AHEAD = 32


def _batches(tasks: Iterator[tuple[Cluster, list[Article]]]) -> Iterator[list[tuple[Cluster, list[Article]]]]:
    """``tasks`` in order, grouped into batches of ``_BATCH_STORIES`` stories and
    ``_BATCH_ARTICLES`` articles at most (a bigger story alone)."""
    batch: list[tuple[Cluster, list[Article]]] = []
    articles = 0
    for task in tasks:
        if batch and (len(batch) == _BATCH_STORIES or articles + len(task[1]) > _BATCH_ARTICLES):
            yield batch
            batch, articles = [], 0
        batch.append(task)
        articles += len(task[1])
    if batch:
        yield batch


def _story_results(
    tasks: Iterator[tuple[Cluster, list[Article]]],
    count: int,
    settings: Settings,
    summarizer: Summarizer | None,
    encode: "Callable[[Story], Any] | None" = None,
) -> Iterator[Any]:
    """:func:`_story_work` of every story, in story order, with a bounded number of
    stories in flight: as Ray tasks with ``engine.name = "ray"`` (settings and summarizer
    sent once); else on ``usable_cores()`` worker processes (the ``[engine] processes``
    limit applies), or in this process for a small clustering or a limit of one. Where
    they run never changes the result. While other processes do the work, this one's
    cycle collector is paused (:func:`cluster.pools.collector_paused`): it only gathers
    the stories that come back."""
    context = (settings, summarizer, encode)
    if settings.engine.name == "ray":
        from cluster.engine import engine_for

        engine = engine_for(settings.engine)
        shared = engine.share(context)
        with collector_paused():  # this process only collects the stories that come back
            for results in engine.map(_story_batch, ((batch, shared) for batch in _batches(tasks))):
                yield from results
        return
    with process_limit(settings.engine.processes):
        workers = min(usable_cores(), count)
        if workers <= 1 or count < _POOL_MIN_STORIES:
            yield from (_story_work(task, context) for task in tasks)
            return
        with process_pool(workers, _start_worker, (context,)) as pool, collector_paused():
            for results in pool_map(pool, _worker_stories, _batches(tasks), ahead=_BATCHES_AHEAD * workers):
                yield from results


def _summary_input(cluster: Cluster, read: Sequence[Article], found: StoryFacts) -> StoryInput:
    """What the summarizer gets: the facts a summary may state and the texts read."""
    return StoryInput(story_id=cluster.id, facts=found.summary_facts, source_texts=tuple(a.text for a in read))


def _shown_facts(facts: tuple[Fact, ...], limit: int) -> tuple[tuple[Fact, ...], int]:
    """Every multi-source fact plus the ``limit`` most salient single-source ones (-1: all),
    in the facts' order; and how many were left out."""
    if limit < 0:
        return facts, 0
    single = sorted((i for i, f in enumerate(facts) if f.source_count <= 1), key=lambda i: (-facts[i].salience, i))
    hidden = set(single[limit:])
    return tuple(f for i, f in enumerate(facts) if i not in hidden), len(hidden)


def _thin(found: StoryFacts, summary: Summary, settings: Settings) -> Summary:
    """A story with too little prose is marked ``thin``: its summary is only its facts, said plainly."""
    if not found.thin:
        return summary
    words = sum(word_count(f.text) for f in found.facts)
    return Summary(
        text=summary.text or " ".join(f.text for f in found.summary_facts),
        method="thin",
        model=None,
        note=f"thin: {words} words of reporting that stand alone (facts.thin_words = {settings.facts.thin_words}); not summarized",
    )


def _assemble(cluster: Cluster, members: Sequence[Article], found: StoryFacts, summary: Summary, settings: Settings) -> Story:
    keys = independent_source_keys(members, cluster.copy_map)
    facts = found.facts
    shown, left_out = _shown_facts(facts, settings.facts.max_single_source)
    return Story(
        id=cluster.id,
        title=_story_title(members, facts, cluster.copy_map),
        article_ids=cluster.article_ids,
        copies=cluster.copies,
        sources=_source_names(members),
        independent_ids=tuple(sorted(set(keys.values()))),
        summary=_thin(found, summary, settings),
        facts=shown,
        disputes=found.disputes,
        facts_left_out=left_out,
        sentence_stats=found.sentence_stats,
        articles=_story_articles(cluster, members),
    )


def summarize_cluster(
    cluster: Cluster, articles: Mapping[str, Article], settings: Settings | None = None, summarizer: Summarizer | None = None
) -> Story:
    """Facts and a consolidated summary for one cluster.

    ``summarizer`` defaults to the extractive one (no model is loaded).

    Example:
        >>> from cluster import Article, Cluster
        >>> arts = {"a": Article("a", "Rain fell in Paris on Monday, officials said. The river rose two metres "
        ...                           "overnight and the city closed 12 schools near its banks. More rain is expected on "
        ...                           "Tuesday.", source="AP")}
        >>> summarize_cluster(Cluster.of(["a"]), arts).summary.method
        'extractive'
        >>> summarize_cluster(Cluster.of(["a"]), {"a": Article("a", "Rain fell in Paris on Monday.")}).summary.method
        'thin'
    """
    settings = settings or Settings()
    if summarizer is None:
        from .extractive import ExtractiveSummarizer

        summarizer = ExtractiveSummarizer(settings=settings.summary)
    members = [articles[i] for i in cluster.article_ids]
    read = _read_members(cluster, members, settings)
    found = analyze_story(read, cluster.copy_map, settings)
    (summary,) = summarizer.summarize([_summary_input(cluster, read, found)])
    return _assemble(cluster, members, found, summary, settings)


def story_order(story: Story) -> tuple[int, int, str]:
    """The digest's story order: most independent sources first, then most articles, then id."""
    return (-story.independent_sources, -len(story.article_ids), story.id)


def summarize_stories(
    clustering: Clustering,
    settings: Settings | None = None,
    summarizer: Summarizer | None = None,
    *,
    progress: Callable[[int], None] | None = None,
    encode: "Callable[[Story], Any] | None" = None,
) -> Iterator[Any]:
    """Every cluster's :class:`Story`, in cluster order, as each is done (``encode(story)``
    instead, with ``encode``: a module-level function, run where the story was built, so a
    worker sends back its result, such as :func:`summarize.output.encode_story`'s bytes).

    Facts are built story by story, in worker processes or Ray tasks (see
    ``[engine]``). A summarizer whose ``per_story`` attribute is true (the extractive one:
    each summary depends on its story alone) summarizes each story where its facts were
    built, and stories are yielded as they come, so a caller that writes them out holds
    one at a time; any other summarizer gets all stories at once, so a model can batch
    them. ``progress`` is called with the number of stories whose facts were just built.

    Raises:
        InvariantError: the summarizer returned another number of summaries than stories.
    """
    settings = settings or Settings()
    if summarizer is None:
        from .extractive import ExtractiveSummarizer

        summarizer = ExtractiveSummarizer(settings=settings.summary)
    by_id = clustering.article_map()
    tasks = ((cluster, [by_id[i] for i in cluster.article_ids]) for cluster in clustering.clusters)
    per_story = summarizer if getattr(summarizer, "per_story", False) else None
    if per_story is not None:
        for story in _story_results(tasks, len(clustering.clusters), settings, per_story, encode):
            if progress:
                progress(1)
            yield story
        return
    results = []
    for result in _story_results(tasks, len(clustering.clusters), settings, None):
        results.append(result)
        if progress:
            progress(1)
    members = [[by_id[i] for i in cluster.article_ids] for cluster in clustering.clusters]
    inputs = [
        _summary_input(cluster, _read_members(cluster, m, settings), found)
        for cluster, m, found in zip(clustering.clusters, members, results)
    ]
    summaries = summarizer.summarize(inputs)
    if len(summaries) != len(inputs):
        raise InvariantError(f"summarizer returned {len(summaries)} summaries for {len(inputs)} stories")
    for c, m, f, summary in zip(clustering.clusters, members, results, summaries):
        story = _assemble(c, m, f, summary, settings)  # type: ignore[arg-type]
        yield story if encode is None else encode(story)


def summarize_clustering(
    clustering: Clustering,
    settings: Settings | None = None,
    summarizer: Summarizer | None = None,
    *,
    progress: Callable[[int], None] | None = None,
) -> Digest:
    """Summarize every cluster of a clustering into a :class:`Digest` (see
    :func:`summarize_stories`), stories in :func:`story_order`.

    Raises:
        InvariantError: the summarizer's count was off, or an article is in no story or in two.
    """
    settings = settings or Settings()
    stories = sorted(summarize_stories(clustering, settings, summarizer, progress=progress), key=story_order)
    digest = Digest(stories=tuple(stories), skipped=clustering.skipped, settings=settings, articles_in=len(clustering.articles))
    check_accounting(clustering, (s.article_ids for s in digest.stories), unit="story")
    return digest
