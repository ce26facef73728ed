"""Incremental runs over a story store: today's articles joined to the stories of the last days.

A run reads like a table of contents:

1. known: input articles already in the store (same id, same url, or the same text from
   the same source) are not added again;
2. day: the run's day is ``now`` when given, else the newest date among the new articles,
   else the day of the previous run; an undated article takes the run's day;
3. window: the stored articles dated within ``stories.max_days_apart`` days before the
   run's day (and the undated ones) are the ones today's articles may join;
4. candidates: when the window holds at most ``WHOLE_WINDOW`` stored articles, every
   window story is a candidate. Otherwise the new articles' hashed lead terms (title and
   first words, TF-IDF weighted over the window and today) are compared with the window's
   stored terms, and every stored story with an article among a new article's nearest
   stored articles is a candidate (only term blobs are read for the window, texts only
   for the candidates);
5. cluster: :func:`cluster.cluster_articles` groups the new articles together with every
   window article of the candidate stories;
6. ids: each stored story goes to the cluster that holds most of its articles (a split
   keeps the id on the larger part); when one cluster receives several stored stories the
   oldest id survives and the others are recorded as merged into it; a cluster with no
   stored story gets a new id (derived from its members, as ``storyfold run`` does);
7. write: one transaction records the run, the new articles, the moved ones and the
   stories; a rerun of the same input finds every article stored and changes nothing.

The digest of a run (:func:`store_digest`) lists the stories the run created or changed
(or every live story), each with ``status`` (new, updated, unchanged), ``first_seen`` and
``last_seen`` (the dates of its earliest and latest articles), the articles and sources new
in this run, and per fact whether it is new (reported only by articles this run added).
Rerunning the same input (same articles, same ``now``) as the latest run writes that run's
digest again, byte for byte.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
import os
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

from cluster import Article, Cluster, Clustering, Skipped, cluster_articles, derive_id
from cluster.errors import ConfigError
from cluster.dates import article_day

from .store import NewArticle, StoredArticle, StoryStore, open_store

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import scipy.sparse as sp

    from .settings import Settings
    from .types import Summarizer

__all__ = ["StoreRun", "StoryMatch", "match_stories", "update_store", "store_digest", "run_with_store", "parse_day", "text_hash", "lead_terms"]

LEAD_CHARS = 1000  # characters of an article's text read for its candidate terms (after the title, read twice)
TERMS_KEPT = 64  # hashed terms stored per article (the most frequent)
HASH_FEATURES = 2**20
WHOLE_WINDOW = 5000  # up to this many stored articles in the window, all are grouped again (no candidate search)
NEIGHBORS = 1  # nearest stored articles kept per new article
MIN_COSINE = 0.25  # lead-term cosine a stored article needs to be a candidate

Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class StoreRun:
    """What one incremental run did.

    ``run``: the run the digest describes (a rerun of the latest input describes the
    latest run again); ``day``: the run's day as an ordinal (None when nothing is dated
    and ``now`` was not given); ``since_day``: the first day of the window (None: no
    window); ``added``: ids of the input articles that ``run`` added; ``known``: input
    articles that were already stored, as skipped entries with the stored id;
    ``changed``: whether this call changed the store; ``window``: stored articles in the
    window; ``reclustered``: those clustered again with the new ones.
    """

    run: int
    day: int | None
    since_day: int | None
    added: tuple[str, ...]
    known: tuple[Skipped, ...]
    changed: bool
    repeat: bool = False
    window: int = 0
    reclustered: int = 0
    stories_new: int = 0
    stories_updated: int = 0
    merged: tuple[tuple[str, str], ...] = ()


def parse_day(value: str | date | None) -> int | None:
    """The ordinal of a ``YYYY-MM-DD`` date (or a :class:`datetime.date`); None for None.

    Raises :class:`ConfigError` for anything else.

    Example:
        >>> parse_day("2024-05-01") == date(2024, 5, 1).toordinal()
        True
    """
    if value is None:
        return None
    if isinstance(value, date):
        return value.toordinal()
    try:
        return date.fromisoformat(value.strip()).toordinal()
    except ValueError:
        raise ConfigError(f"now: {value!r} is not a date; give it as YYYY-MM-DD") from None


def _count(count: int, one: str, many: str | None = None) -> str:
    """``1 new story``, ``2 new stories``: the noun agrees with the count."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def _iso(day: int | None) -> str | None:
    return date.fromordinal(day).isoformat() if day is not None else None


def text_hash(text: str) -> str:
    """SHA-1 (hex) of a text with its whitespace collapsed and its case folded.

    Example:
        >>> text_hash("Rain  fell.") == text_hash("rain fell.")
        True
    """
    return hashlib.sha1(" ".join(text.split()).casefold().encode("utf-8")).hexdigest()


def _vectorizer():  # type: ignore[no-untyped-def]
    from sklearn.feature_extraction.text import HashingVectorizer

    return HashingVectorizer(
        n_features=HASH_FEATURES,
        alternate_sign=False,
        norm=None,
        lowercase=True,
        stop_words="english",
        token_pattern=r"(?u)\b\w{3,}\b",
        dtype="float32",
    )


def _lead(article: Article) -> str:
    title = article.title or ""
    lead = article.text[:LEAD_CHARS]
    if len(article.text) > LEAD_CHARS:
        lead = lead.rpartition(" ")[0] or lead  # no word cut in two
    return f"{title} {title} {lead}"


def lead_terms(articles: Sequence[Article]) -> list[bytes]:
    """Each article's hashed lead terms as a blob: up to ``TERMS_KEPT`` column numbers
    (int32, of a 2**20-column hashing space over words of 3+ characters, English stop
    words left out, read from the title twice and the first ``LEAD_CHARS`` characters of
    the text, about 150 words) followed
    by their counts (uint8, capped at 255); the most frequent terms are kept.

    Example:
        >>> len(lead_terms([Article("a", "Rain fell in Paris on Monday.")])[0]) // 5
        4
    """
    import numpy as np

    if not articles:
        return []
    counts = _vectorizer().transform([_lead(a) for a in articles]).tocsr()
    counts.sort_indices()
    out = []
    for row in range(counts.shape[0]):
        lo, hi = counts.indptr[row], counts.indptr[row + 1]
        cols = counts.indices[lo:hi].astype(np.int32)
        vals = counts.data[lo:hi]
        if len(cols) > TERMS_KEPT:
            keep = np.lexsort((cols, -vals))[:TERMS_KEPT]
            keep.sort()
            cols, vals = cols[keep], vals[keep]
        out.append(cols.tobytes() + np.minimum(vals, 255).astype(np.uint8).tobytes())
    return out


def _terms_matrix(blobs: Sequence[bytes]) -> "sp.csr_matrix":
    import numpy as np
    import scipy.sparse as sp

    lengths = np.fromiter((len(b) // 5 for b in blobs), dtype=np.int64, count=len(blobs))
    indptr = np.zeros(len(blobs) + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    joined = b"".join(blobs)
    cols = np.empty(int(indptr[-1]), dtype=np.int32)
    vals = np.empty(int(indptr[-1]), dtype=np.float32)
    view = memoryview(joined)
    offset = 0
    for row, n in enumerate(lengths.tolist()):
        start = int(indptr[row])
        cols[start : start + n] = np.frombuffer(view, dtype=np.int32, count=n, offset=offset)
        vals[start : start + n] = np.frombuffer(view, dtype=np.uint8, count=n, offset=offset + 4 * n)
        offset += 5 * n
    return sp.csr_matrix((vals, cols, indptr), shape=(len(blobs), HASH_FEATURES))


def _weighted(counts: "sp.csr_matrix", idf: "np.ndarray", common: "np.ndarray") -> "sp.csr_matrix":
    import numpy as np
    from sklearn.preprocessing import normalize

    weighted = counts.copy()
    weighted.data = (1.0 + np.log(weighted.data)) * idf[weighted.indices]
    weighted.data[common[weighted.indices]] = 0.0
    weighted.eliminate_zeros()
    return normalize(weighted, norm="l2", copy=False)


def candidate_rows(new_terms: Sequence[bytes], stored_terms: Sequence[bytes]) -> list[int]:
    """Rows of ``stored_terms`` that are among the ``NEIGHBORS`` nearest (lead-term
    TF-IDF cosine >= ``MIN_COSINE``) of some new article, sorted.

    The inverse document frequency is taken over both sets; terms held by more than 1% of
    the articles (and more than 50) are left out, as carrying no story. Work is a sparse
    product in blocks of 2,048 new articles.
    """
    import numpy as np

    if not new_terms or not stored_terms:
        return []
    new = _terms_matrix(new_terms)
    stored = _terms_matrix(stored_terms)
    total = new.shape[0] + stored.shape[0]
    df = np.bincount(new.indices, minlength=HASH_FEATURES) + np.bincount(stored.indices, minlength=HASH_FEATURES)
    idf = (np.log((1.0 + total) / (1.0 + df)) + 1.0).astype(np.float32)
    common = df > max(50, total // 100)
    new_w = _weighted(new, idf, common)
    stored_t = _weighted(stored, idf, common).T.tocsr()
    found: set[int] = set()
    for start in range(0, new_w.shape[0], 2048):
        sims = (new_w[start : start + 2048] @ stored_t).tocsr()
        sims.data[sims.data < MIN_COSINE] = 0.0
        sims.eliminate_zeros()
        for row in range(sims.shape[0]):
            lo, hi = sims.indptr[row], sims.indptr[row + 1]
            if hi - lo <= NEIGHBORS:
                found.update(sims.indices[lo:hi].tolist())
            else:
                order = np.lexsort((sims.indices[lo:hi], -sims.data[lo:hi]))[:NEIGHBORS]
                found.update(sims.indices[lo:hi][order].tolist())
    return sorted(found)


def _fingerprint(articles: Sequence[Article], hashes: Sequence[str], now: int | None) -> str:
    digest = hashlib.sha1()
    for article_id, h in sorted(zip((a.id for a in articles), hashes)):
        digest.update(f"{article_id}\x1f{h}\n".encode("utf-8"))
    digest.update(f"now={now}".encode("utf-8"))
    return digest.hexdigest()


def _known_reason(input_id: str, stored_id: str, run: int) -> str:
    if stored_id == input_id:
        return f"already in the store (added in run {run})"
    return f"already in the store as {stored_id} (added in run {run}): the same url, or the same text from the same source"


def _new_story_id(store: StoryStore, member_ids: Sequence[str], taken: set[str], run: int) -> str:
    story_id = derive_id("story", list(member_ids))
    extra = 0
    while story_id in taken or store.story_exists(story_id):
        extra += 1
        story_id = derive_id("story", [*member_ids, f"\x1erun {run}/{extra}"])
    taken.add(story_id)
    return story_id


@dataclass(frozen=True, slots=True)
class StoryMatch:
    """Which stored story each new cluster continues (see :func:`match_stories`).

    Parallel to the clusters: ``kept`` is the stored story id a cluster keeps (None: a new
    story), ``changed`` whether its members differ from that story's, ``split_from`` for a
    new story made of stored articles, the story most of them came from. ``merged`` holds
    ``(merged id, surviving id)`` pairs, sorted.
    """

    kept: tuple[str | None, ...]
    changed: tuple[bool, ...]
    split_from: tuple[str | None, ...]
    merged: tuple[tuple[str, str], ...]


def match_stories(
    clusters: Sequence[Sequence[str]], prior: Mapping[str, str], created_run: Mapping[str, int]
) -> StoryMatch:
    """Carry stored story ids over to a new clustering.

    ``clusters``: member ids of each new cluster; ``prior``: ``{stored article id: its
    story id}`` for the stored articles that were clustered again (every one of their
    stories' window articles); ``created_run``: the run that created each of those stories.

    Each stored story goes to the cluster holding most of its articles (on a tie, the
    earlier cluster), so a split keeps the id on the larger part. A cluster that receives
    several stories keeps the oldest (earliest created run, then smallest id); the others
    are merged into it. A cluster that receives none is a new story.

    Example:
        >>> m = match_stories([("a", "b", "c"), ("d",)], {"a": "s1", "b": "s1", "c": "s2", "d": "s1"}, {"s1": 2, "s2": 1})
        >>> m.kept, m.merged
        (('s2', None), (('s1', 's2'),))
    """
    before: dict[str, set[str]] = {}
    for article_id, story_id in prior.items():
        before.setdefault(story_id, set()).add(article_id)
    cluster_of = {article_id: k for k, cluster in enumerate(clusters) for article_id in cluster}
    received: dict[int, list[str]] = {}
    for story_id in sorted(before):
        tally: dict[int, int] = {}
        for article_id in before[story_id]:
            k = cluster_of[article_id]
            tally[k] = tally.get(k, 0) + 1
        received.setdefault(min(tally, key=lambda k: (-tally[k], k)), []).append(story_id)
    kept: list[str | None] = []
    changed: list[bool] = []
    split_from: list[str | None] = []
    merged: list[tuple[str, str]] = []
    for k, cluster in enumerate(clusters):
        if k in received:
            ordered = sorted(received[k], key=lambda s: (created_run[s], s))
            kept.append(ordered[0])
            changed.append(set(cluster) != before[ordered[0]])
            split_from.append(None)
            merged.extend((other, ordered[0]) for other in ordered[1:])
            continue
        came_from: dict[str, int] = {}
        for article_id in cluster:
            if article_id in prior:
                came_from[prior[article_id]] = came_from.get(prior[article_id], 0) + 1
        kept.append(None)
        changed.append(True)
        split_from.append(min(came_from, key=lambda s: (-came_from[s], s)) if came_from else None)
    return StoryMatch(kept=tuple(kept), changed=tuple(changed), split_from=tuple(split_from), merged=tuple(sorted(merged)))


def update_store(
    store: StoryStore,
    articles: Sequence[Article],
    settings: "Settings",
    *,
    now: str | date | None = None,
    progress: Progress | None = None,
) -> StoreRun:
    """Add ``articles`` to ``store`` and regroup them with the stored stories of the window.

    Must be called inside ``store.transaction()``. ``now`` (``YYYY-MM-DD``) sets the run's
    day; by default it is the newest date among the new articles. Returns what the run
    did; the store is unchanged when every article was already stored.

    Raises :class:`ConfigError` for a ``now`` that is not a date, and whatever
    :func:`cluster.cluster_articles` raises.

    Example:
        >>> from summarize import load_settings
        >>> from summarize.store import SQLiteStore
        >>> store = SQLiteStore(":memory:")
        >>> with store.transaction():
        ...     update_store(store, [Article("a", "Rain fell in Paris on Monday.")], load_settings()).added
        ('a',)
    """
    say = progress or (lambda message: None)
    now_day = parse_day(now)
    hashes = [text_hash(a.text) for a in articles]
    fingerprint = _fingerprint(articles, hashes, now_day)
    found = store.known_articles(articles, hashes)
    latest = store.latest_run()

    def known_skips(run: int) -> tuple[Skipped, ...]:
        """Input articles stored before ``run``, as skipped entries naming the stored article."""
        ordered = sorted((a.id for a in articles if a.id in found and found[a.id][1] != run))
        return tuple(Skipped(input=i, reason=_known_reason(i, *found[i])) for i in ordered)

    window = settings.cluster.stories.max_days_apart
    fresh = [(a, h) for a, h in zip(articles, hashes) if a.id not in found]
    if not fresh:
        if latest is not None and latest.fingerprint == fingerprint:
            added = tuple(sorted(a.id for a in articles if found[a.id][1] == latest.id))
            since = latest.day - window if latest.day is not None and window > 0 else None
            say(f"store: the same input as run {latest.id}; nothing to add")
            return StoreRun(run=latest.id, day=latest.day, since_day=since, added=added, known=known_skips(latest.id), changed=False, repeat=True)
        run = (latest.id if latest else 0) + 1
        day = now_day if now_day is not None else (latest.day if latest else None)
        since = day - window if day is not None and window > 0 else None
        say("store: every article is already stored; nothing to add")
        return StoreRun(run=run, day=day, since_day=since, added=(), known=known_skips(run), changed=False)

    days = {}
    for article, _ in fresh:
        value = article_day(article)
        days[article.id] = None if math.isnan(value) else int(value)
    dated = [d for d in days.values() if d is not None]
    day = now_day if now_day is not None else (max(dated) if dated else (latest.day if latest else None))
    since = day - window if day is not None and window > 0 else None
    if day is None:
        say("store: no article is dated and --now was not given: the run has no day, so undated articles stay in the window")
    run = store.add_run(day, fingerprint, len(fresh))

    new_articles = [a for a, _ in fresh]
    terms = lead_terms(new_articles)
    window_ids, window_stories, window_terms = store.window_terms(since)
    rows = range(len(window_ids)) if len(window_ids) <= WHOLE_WINDOW else candidate_rows(terms, window_terms)
    candidate_stories = sorted({window_stories[r] for r in rows})
    stored = store.story_members(candidate_stories, since)
    say(
        f"store: run {run}, day {_iso(day) or 'unknown'}: {_count(len(fresh), 'new article')} ({len(found)} already stored) "
        f"with {_count(len(stored), 'stored article')} of {_count(len(candidate_stories), 'story', 'stories')} out of {len(window_ids)} in the window"
    )

    clustering = cluster_articles([*new_articles, *(s.article for s in stored)], settings.cluster, progress=progress)

    prior = {s.article.id: s for s in stored}
    clusters = list(clustering.clusters)
    records = store.stories({s.story_id for s in stored})
    match = match_stories(
        [c.article_ids for c in clusters], {i: s.story_id for i, s in prior.items()}, {k: r.created_run for k, r in records.items()}
    )
    taken: set[str] = set()
    story_of_cluster: list[str] = []
    created = updated = 0
    for gone, into in match.merged:
        store.merge_story(gone, into, run)
    for cluster, kept, changed, split_from in zip(clusters, match.kept, match.changed, match.split_from):
        if kept is not None:
            if changed:
                store.touch_story(kept, run)
                updated += 1
            story_of_cluster.append(kept)
            continue
        story_id = _new_story_id(store, cluster.article_ids, taken, run)
        store.create_story(story_id, run, split_from=split_from)
        created += 1
        story_of_cluster.append(story_id)
    merged = list(match.merged)

    placed: dict[str, tuple[str, str | None]] = {}
    for cluster, story_id in zip(clusters, story_of_cluster):
        copies = cluster.copy_map
        for article_id in cluster.article_ids:
            placed[article_id] = (story_id, copies.get(article_id))
    moves = [
        (article_id, *placed[article_id])
        for article_id, s in sorted(prior.items())
        if (s.story_id, s.copy_of) != placed[article_id]
    ]
    store.move_articles(moves)
    store.add_articles(
        run,
        [
            NewArticle(article=a, story_id=placed[a.id][0], copy_of=placed[a.id][1], day=days[a.id] if days[a.id] is not None else day, text_hash=h, terms=t)
            for (a, h), t in zip(fresh, terms)
        ],
    )
    say(f"store: run {run}: {_count(created, 'new story', 'new stories')}, {updated} updated, {len(merged)} merged into another")
    return StoreRun(
        run=run,
        day=day,
        since_day=since,
        added=tuple(sorted(a.id for a in new_articles)),
        known=known_skips(run),
        changed=True,
        window=len(window_ids),
        reclustered=len(stored),
        stories_new=created,
        stories_updated=updated,
        merged=tuple(sorted(merged)),
    )


def store_digest(
    store: StoryStore,
    update: StoreRun,
    settings: "Settings",
    summarizer: "Summarizer | None" = None,
    *,
    skipped: Sequence[Skipped] = (),
    all_stories: bool = False,
    generated_at: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """The digest object of a run: the stories it created or changed (every live story
    with ``all_stories``), each with its store id, status, first and last seen dates, and
    what is new in this run. Must be called inside ``store.transaction()``, after
    :func:`update_store`.

    ``skipped`` are the inputs ingest skipped; the stored articles the input repeated are
    added to them. ``stats`` counts this run's input: ``inputs = in_stories + skipped``,
    where ``in_stories`` counts the input articles this run added.
    """
    from .digest import Digest, summarize_clustering
    from .output import digest_to_dict

    changed = store.stories_changed(update.run)
    ids = sorted(set(changed) | set(store.live_stories(update.since_day) if all_stories else ()))
    members = store.story_members(ids)
    by_story: dict[str, list[StoredArticle]] = {}
    for m in members:
        by_story.setdefault(m.story_id, []).append(m)
    clusters = []
    id_of: dict[tuple[str, ...], str] = {}
    for story_id in ids:
        group = by_story.get(story_id, [])
        if not group:
            continue
        inside = {m.article.id for m in group}
        copies = {m.article.id: m.copy_of for m in group if m.copy_of and m.copy_of in inside}
        cluster = Cluster.of([m.article.id for m in group], copies)
        clusters.append(cluster)
        id_of[cluster.article_ids] = story_id
    clustering = Clustering(articles=tuple(m.article for m in members), clusters=tuple(clusters), skipped=tuple(skipped) + update.known)
    digest = summarize_clustering(clustering, settings, summarizer, progress=progress)
    stories = [dataclasses.replace(s, id=id_of[s.article_ids]) for s in digest.stories]
    stories.sort(key=lambda s: (-s.independent_sources, -len(s.article_ids), s.id))
    digest = Digest(stories=tuple(stories), skipped=digest.skipped, settings=digest.settings, articles_in=digest.articles_in)
    data = digest_to_dict(digest, generated_at=generated_at)

    records = store.stories(ids)
    spans = store.story_days(ids)
    merges = store.merges(update.run) if update.changed or update.repeat else []
    merged_from: dict[str, list[str]] = {}
    for gone, into in merges:
        merged_from.setdefault(into, []).append(gone)
    added_in = {m.article.id for m in members if m.added_run == update.run}
    out_stories = []
    for entry in data["stories"]:
        story_id = entry["id"]
        record = records[story_id]
        status = "unchanged"
        if record.updated_run == update.run and story_id in changed:
            status = "new" if record.created_run == update.run else "updated"
        first, last = spans.get(story_id, (None, None))
        new_ids = sorted(i for i in entry["article_ids"] if i in added_in)
        publisher_of = {a["id"]: a.get("publisher") for a in entry.get("articles", ())}
        older_sources = {publisher_of.get(i) for i in entry["article_ids"] if i not in added_in}
        for fact in entry["facts"]:
            fact["new"] = bool(fact["article_ids"]) and all(i in added_in for i in fact["article_ids"])
        story = {"id": story_id, "status": status, "first_seen": _iso(first), "last_seen": _iso(last)}
        story.update({k: v for k, v in entry.items() if k != "id"})
        story["new_article_ids"] = new_ids
        story["new_sources"] = sorted({publisher_of.get(i) for i in new_ids} - older_sources - {None})
        story["merged_from"] = sorted(merged_from.get(story_id, []))
        story["split_from"] = record.split_from if record.created_run == update.run else None
        out_stories.append(story)
    data["stories"] = out_stories
    read = len(update.added) + len(update.known)
    data["stats"] = {
        "inputs": read + len(skipped),
        "articles": read,
        "in_stories": len(update.added),
        "skipped": len(skipped) + len(update.known),
        "stories": len(out_stories),
    }
    stored_articles, live = store.counts()
    data["store"] = {
        "run": update.run,
        "day": _iso(update.day),
        "window_from": _iso(update.since_day),
        "added": len(update.added),
        "already_stored": len(update.known),
        "stories_new": sum(1 for s in out_stories if s["status"] == "new"),
        "stories_updated": sum(1 for s in out_stories if s["status"] == "updated"),
        "merged": [{"id": gone, "into": into} for gone, into in merges],
        "articles_stored": stored_articles,
        "stories_stored": live,
    }
    return data


def run_with_store(
    path: str | os.PathLike[str],
    articles: Sequence[Article],
    settings: "Settings",
    summarizer: "Summarizer | None" = None,
    *,
    skipped: Sequence[Skipped] = (),
    now: str | date | None = None,
    all_stories: bool = False,
    generated_at: str | None = None,
    progress: Progress | None = None,
    story_progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Update the store at ``path`` with ``articles`` and return the run's digest object,
    all in one transaction (see :func:`update_store` and :func:`store_digest`).

    Raises :class:`summarize.store.StoreBusyError` when another run holds the store,
    :class:`summarize.store.StoreError` when the file is not a usable store.

    Example:
        >>> from summarize import load_settings
        >>> digest = run_with_store(":memory:", [Article("a", "Rain fell in Paris on Monday.")], load_settings())
        >>> digest["stories"][0]["status"]
        'new'
    """
    store = open_store(path)
    try:
        with store.transaction():
            update = update_store(store, articles, settings, now=now, progress=progress)
            data = store_digest(
                store, update, settings, summarizer, skipped=skipped, all_stories=all_stories, generated_at=generated_at, progress=story_progress
            )
            if progress and update.changed:
                progress("store: committing")
        return data
    finally:
        store.close()

