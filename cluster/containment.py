"""Copies by Jaccard or containment: sketches, recall-tuned band search, verification, originals.

A reprint is often not a near-duplicate of its original in the Jaccard sense: a paper that
runs the first half of a wire story has about half its shingles, so Jaccard is ~0.5 while
the reprint is wholly *contained* in the original. Each article's sketch is its MinHash
signature, its number of distinct shingles and the signature of its lead (its first
words, which a reprint cut at the end keeps). For a pair with estimated Jaccard ``J``
and shingle-set sizes ``|S| <= |L|``, the shared shingles are ``J (|S| + |L|) / (1 + J)``,
so the containment of the smaller in the larger is estimated as

    C = J (|S| + |L|) / ((1 + J) |S|)

(Broder 1997, "On the resemblance and containment of documents"; the same relation
underlies datasketch's LSH Ensemble). A pair is a copy when ``J >= threshold``, or when
``C >= containment`` and ``|S| >= min_kept |L|`` (below that share the estimate is too
noisy to tell a short excerpt from a chance overlap).

Candidates come from two LSH band searches, each tuned for recall rather than for the
balance datasketch's ``MinHashLSH`` strikes (a missed reprint inflates a story's source
count; a false candidate only costs one verification): the shape is the one with the
fewest expected false candidates among those that miss a pair at the target similarity
with probability at most ``max_miss``. With the defaults (128 permutations, target
Jaccard 0.6; 64 lead permutations, target lead Jaccard 0.7; ``max_miss`` 0.01):

- whole text: 19 bands of 3 rows; a pair at Jaccard 0.6 is missed with probability
  0.0098, at 0.7 with 0.0003 (datasketch's 14 x 9 at threshold 0.7 misses 0.60 and 0.22);
- lead (first 60 words): 11 bands of 3 rows; a pair of leads at Jaccard 0.7 is missed
  with probability 0.0098, at 0.8 with 0.0002. A reprint that keeps its original's
  lead (any cut at the end, a dateline or a credit line added) is found however short it is.

Every candidate is verified against the thresholds above; a pair whose estimate lies
within ``BORDER`` (0.1) of a threshold is decided on its exact shingle sets. :func:`miss_probability` gives
the figure for any shape.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Sequence

import numpy as np

from .dates import published_timestamp
from .errors import ConfigError
from .lsh import candidate_pairs, merge_pairs
from .pools import pool_map, process_pool, usable_cores
from .settings import CopySettings, EngineSettings
from .signatures import CJK_CHARACTERS, _shingle_hashes, empty_signature_rows, sketch_batch

if TYPE_CHECKING:
    from .types import Article

__all__ = [
    "Sketches",
    "miss_probability",
    "recall_band_shape",
    "search_shapes",
    "sketch_texts",
    "sketch_shard",
    "sketch_candidates",
    "verify_copy_pairs",
    "off_title_pairs",
    "choose_originals",
]

_VERIFY_BLOCK = 32768
# Estimates within this distance of a threshold are checked on the exact shingle sets.
BORDER = 0.1
# A copy with at least this share of its group's largest shingle count is a full text.
FULL_SHARE = 0.9


@dataclass(frozen=True, slots=True)
class Sketches:
    """Per-article sketches, row ``i`` for article ``i``.

    signatures: uint32 ``(n, num_perm)`` MinHash of the whole text.
    sizes: int64 ``(n,)`` distinct shingles of the text.
    leads: uint32 ``(n, lead_num_perm)`` MinHash of the text's first ``lead_words`` words
    (``(n, 0)`` when the lead search is off).
    """

    signatures: np.ndarray
    sizes: np.ndarray
    leads: np.ndarray


def miss_probability(similarity: float, bands: int, rows: int) -> float:
    """Probability that a pair of Jaccard ``similarity`` shares no band: ``(1 - s**rows) ** bands``.

    Example:
        >>> round(miss_probability(0.6, 19, 3), 4)
        0.0098
    """
    return float((1.0 - similarity**rows) ** bands)


@functools.lru_cache(maxsize=64)
def recall_band_shape(similarity: float, num_perm: int, max_miss: float) -> tuple[int, int]:
    """``(bands, rows)`` with the fewest expected false candidates that misses a pair at ``similarity`` at most ``max_miss`` of the time.

    False candidates are measured as datasketch does, by the integral of the candidate
    probability ``1 - (1 - s**rows)**bands`` over ``s`` in ``[0, similarity)``. When no
    shape reaches ``max_miss``, the one with the smallest miss probability is returned.

    Raises:
        ConfigError: ``similarity`` not in (0, 1].

    Example:
        >>> recall_band_shape(0.6, 128, 0.01)
        (19, 3)
    """
    from scipy.integrate import quad

    if not 0.0 < similarity <= 1.0:
        raise ConfigError(f"copies: candidate similarity {similarity!r} must be above 0 and at most 1")
    best: tuple[float, int, int] | None = None
    fallback: tuple[float, int, int] = (2.0, 1, num_perm)
    for rows in range(1, num_perm + 1):
        for bands in range(1, num_perm // rows + 1):
            miss = miss_probability(similarity, bands, rows)
            fallback = min(fallback, (miss, bands, rows))
            if miss > max_miss:
                continue
            false, _ = quad(lambda s: 1.0 - (1.0 - s ** float(rows)) ** float(bands), 0.0, similarity)
            if best is None or false < best[0]:
                best = (false, bands, rows)
            break  # more bands of these rows only add false candidates
    return (best[1], best[2]) if best else (fallback[1], fallback[2])


def search_shapes(settings: CopySettings) -> tuple[tuple[int, int], tuple[int, int] | None]:
    """The ``(bands, rows)`` of the whole-text search and of the lead search (None when off).

    Example:
        >>> search_shapes(CopySettings())
        ((19, 3), (11, 3))
    """
    if settings.bands and settings.rows:
        whole = (settings.bands, settings.rows)
    else:
        whole = recall_band_shape(settings.candidate_similarity, settings.num_perm, settings.max_miss)
    lead = None
    if settings.lead_words:
        lead = recall_band_shape(settings.lead_similarity, settings.lead_num_perm, settings.max_miss)
    return whole, lead


def sketch_shard(texts: Sequence[str], settings: CopySettings) -> Sketches:
    """Sketches of a list of texts in this process.

    Example:
        >>> sketch_shard(["Rain fell in Paris on Monday"], CopySettings(num_perm=8, lead_num_perm=4)).leads.shape
        (1, 4)
    """
    lead_shingles = max(1, settings.lead_words - settings.shingle_size + 1) if settings.lead_words else 0
    signatures, sizes, leads = sketch_batch(
        texts,
        shingle_size=settings.shingle_size,
        num_perm=settings.num_perm,
        seed=settings.seed,
        scheme=settings.scheme,
        lead_shingles=lead_shingles,
        lead_num_perm=settings.lead_num_perm if settings.lead_words else 0,
    )
    return Sketches(signatures, sizes, leads)


def _sketch_task(args: tuple[list[str], CopySettings]) -> Sketches:
    return sketch_shard(*args)


def sketch_texts(texts: Iterable[str], settings: CopySettings, engine: EngineSettings) -> Sketches:
    """Sketches of all ``texts`` (any iterable, read ``engine.batch_size`` at a time) on the local engine's processes.

    The result does not depend on the number of processes.

    Example:
        >>> sketch_texts(["Rain fell in Paris"], CopySettings(), EngineSettings(processes=1)).signatures.shape
        (1, 128)
    """
    if engine.batch_size <= 0:
        raise ConfigError(f"engine.batch_size: {engine.batch_size} must be > 0")
    if engine.processes < 0:
        raise ConfigError(f"engine.processes: {engine.processes} must be >= 0 (0 means one per core)")
    iterator = iter(texts)
    batches = iter(lambda: list(itertools.islice(iterator, engine.batch_size)), [])
    workers = engine.processes or usable_cores()
    first = list(itertools.islice(batches, 2))
    parts: list[Sketches]
    if workers == 1 or len(first) < 2:
        parts = [sketch_shard(batch, settings) for batch in itertools.chain(first, batches)]
    else:
        tasks = ((batch, settings) for batch in itertools.chain(first, batches))
        with process_pool(workers) as pool:
            parts = list(pool_map(pool, _sketch_task, tasks, ahead=2 * workers - 1))
    if not parts:
        return Sketches(
            np.empty((0, settings.num_perm), dtype=np.uint32),
            np.empty(0, dtype=np.int64),
            np.empty((0, settings.lead_num_perm if settings.lead_words else 0), dtype=np.uint32),
        )
    return Sketches(
        np.concatenate([p.signatures for p in parts]),
        np.concatenate([p.sizes for p in parts]),
        np.concatenate([p.leads for p in parts]),
    )


def sketch_candidates(sketches: Sketches, settings: CopySettings) -> np.ndarray:
    """Candidate pairs ``(i, j)``, ``i < j``, sorted: a shared band of the whole-text or of the lead signatures.

    Example:
        >>> s = sketch_texts(["a b c d e f g", "a b c d e f g", "x y z"], CopySettings(), EngineSettings(processes=1))
        >>> sketch_candidates(s, CopySettings()).tolist()
        [[0, 1]]
    """
    (bands, rows), lead = search_shapes(settings)
    empty = empty_signature_rows(sketches.signatures)
    parts = [candidate_pairs(sketches.signatures, bands, rows, exclude=empty)]
    if lead is not None:
        parts.append(candidate_pairs(sketches.leads, lead[0], lead[1], exclude=empty))
    return merge_pairs(parts)


def verify_copy_pairs(
    signatures: np.ndarray,
    sizes: np.ndarray,
    pairs: np.ndarray,
    settings: CopySettings,
    texts: Sequence[str] | None = None,
) -> np.ndarray:
    """The candidate pairs that are copies: Jaccard ``>= threshold``, or containment
    ``>= containment`` with the smaller set holding ``>= min_kept`` of the larger's shingles.

    Both are estimated from the signatures and sizes. With ``texts``, a pair whose estimate
    lies within ``BORDER`` of a threshold is decided on its exact shingle sets instead (the
    estimate's standard deviation is 0.03-0.1 with 128 permutations), so a reprint with 3%
    of its words edited (containment ~0.85) and an article with half its text rewritten
    (up to ~0.72) are told apart.

    Example:
        >>> sig = np.array([[1, 2, 3, 4], [1, 2, 9, 9], [1, 8, 8, 8]], dtype=np.uint32)
        >>> sizes = np.array([100, 50, 100])
        >>> verify_copy_pairs(sig, sizes, np.array([[0, 1], [0, 2]]), CopySettings()).tolist()
        [[0, 1]]
    """
    if not len(pairs):
        return np.empty((0, 2), dtype=np.int64)
    num_perm = signatures.shape[1]
    needed = int(np.ceil(settings.threshold * num_perm - 1e-9))
    keep = np.empty(len(pairs), dtype=bool)
    border = np.zeros(len(pairs), dtype=bool)
    for lo in range(0, len(pairs), _VERIFY_BLOCK):
        block = pairs[lo : lo + _VERIFY_BLOCK]
        agree = np.count_nonzero(signatures[block[:, 0]] == signatures[block[:, 1]], axis=1)
        jaccard = agree / num_perm
        a, b = sizes[block[:, 0]].astype(np.float64), sizes[block[:, 1]].astype(np.float64)
        small, large = np.minimum(a, b), np.maximum(a, b)
        with np.errstate(divide="ignore", invalid="ignore"):
            contained = jaccard * (small + large) / ((1.0 + jaccard) * small)
        kept = (small > 0) & (small >= settings.min_kept * large)
        by_containment = kept & (contained >= settings.containment - 1e-9)
        keep[lo : lo + len(block)] = (agree >= needed) | by_containment
        near = (np.abs(jaccard - settings.threshold) < BORDER) | (kept & (np.abs(contained - settings.containment) < BORDER))
        border[lo : lo + len(block)] = near & ~(jaccard >= settings.threshold + BORDER) & ~(kept & (contained >= settings.containment + BORDER))
    if texts is not None and border.any():
        hashes: dict[int, np.ndarray] = {}

        def shingles(i: int) -> np.ndarray:
            if i not in hashes:
                hashes[i] = np.unique(_shingle_hashes([texts[i]], settings.shingle_size)[0])
            return hashes[i]

        for k in np.flatnonzero(border).tolist():
            i, j = int(pairs[k, 0]), int(pairs[k, 1])
            x, y = shingles(i), shingles(j)
            shared = len(np.intersect1d(x, y, assume_unique=True))
            small, large = min(len(x), len(y)), max(len(x), len(y))
            if not small:
                keep[k] = False
                continue
            jaccard = shared / (small + large - shared)
            keep[k] = jaccard >= settings.threshold or (
                small >= settings.min_kept * large and shared / small >= settings.containment - 1e-9
            )
    return pairs[keep]


# Title and text terms for the off-title check: words of two or more letters outside the
# stop list, and character bigrams of text without spaces.
_TERM = re.compile(f"[{CJK_CHARACTERS}]+|[^\\W\\d_]{{2,}}")
_CJK_RUN = re.compile(f"[{CJK_CHARACTERS}]")
# Characters of the text that are searched for the title's terms.
_TITLE_CHECK_CHARS = 50_000


def _terms(text: str) -> set[str]:
    from .text import STOP_WORDS

    terms: set[str] = set()
    for match in _TERM.finditer(text.lower()):
        token = match.group(0)
        if _CJK_RUN.match(token):
            terms.update(token[k : k + 2] for k in range(max(1, len(token) - 1)))
        elif token not in STOP_WORDS:
            terms.add(token)
    return terms


def off_title_pairs(articles: Sequence["Article"], pairs: np.ndarray, max_words: int = 0) -> np.ndarray:
    """Boolean mask of the pairs to drop: one member's text shares no term with its own title
    while the two titles share fewer than half their terms.

    A text that never mentions what its headline says is not the article (a paywall or
    consent pitch, a site template, a stub): two such pages of different stories are not
    copies however alike their text, while two with one headline still are. With
    ``max_words`` > 0 only texts shorter than that many words count (a stub is short; a
    long text under an unrelated heading, such as a section name, is still an article).

    Example:
        >>> from cluster.types import Article
        >>> pitch = "Subscribe to read. Become a member to keep reading our trusted journalism."
        >>> a = [Article("a", pitch, title="Bank holds rates"), Article("b", pitch, title="Carmaker recalls SUVs")]
        >>> off_title_pairs(a, np.array([[0, 1]])).tolist()
        [True]
    """
    drop = np.zeros(len(pairs), dtype=bool)
    if not len(pairs):
        return drop
    members = np.unique(pairs)
    titled = [
        i for i in members.tolist()
        if articles[i].title and (not max_words or len((articles[i].text or "").split(None, max_words)) <= max_words)
    ]
    if not titled:
        return drop
    terms: dict[int, set[str]] = {}
    off = np.zeros(len(articles), dtype=bool)
    for i in titled:
        terms[i] = _terms(articles[i].title or "")
        off[i] = len(terms[i]) >= 2 and not (terms[i] & _terms((articles[i].text or "")[:_TITLE_CHECK_CHARS]))
    for k in np.flatnonzero(off[pairs[:, 0]] | off[pairs[:, 1]]).tolist():
        ti, tj = terms.get(int(pairs[k, 0]), set()), terms.get(int(pairs[k, 1]), set())
        union = ti | tj
        drop[k] = not union or len(ti & tj) / len(union) < 0.5
    return drop


def _agency(article: "Article", agencies: frozenset[str]) -> bool:
    source = (article.source or "").strip().lower()
    if source and (source in agencies or source.removeprefix("www.") in agencies):
        return True
    if article.url:
        from urllib.parse import urlsplit

        host = (urlsplit(article.url).hostname or "").lower().removeprefix("www.")
        return bool(host) and any(host == a or host.endswith("." + a) for a in agencies if "." in a)
    return False


def choose_originals(
    articles: Sequence["Article"], labels: np.ndarray, sizes: np.ndarray, settings: CopySettings
) -> dict[str, str]:
    """Copy id -> original id for every copy group (component of ``labels`` with two or more members).

    The original is the earliest dated member, then a full text (at least ``FULL_SHARE``
    of the distinct shingles of the group's fullest), then an agency's own copy (``settings.agencies``), then the smallest id.
    Dates decide only between dated members: when a group has an undated member, the
    fullest text, then the agency, come first, so an undated wire story is not made a
    copy of a dated reprint of itself. A bare date (``2024-05-02``) names a day, not its
    midnight: when a member's date has no time, dates decide by UTC day, and within a day
    the full text, then the agency, then the earlier time come first, so a reprint dated
    only by its day is not made the original of the wire story timed that morning.

    Example:
        >>> from cluster.types import Article
        >>> arts = [Article("wire", "x", source="Reuters"), Article("paper", "x", published="2024-05-02")]
        >>> choose_originals(arts, np.array([0, 0]), np.array([40, 40]), CopySettings())
        {'paper': 'wire'}
    """
    sizes_by_label = np.bincount(labels) if len(labels) else np.empty(0, dtype=np.int64)
    groups: dict[int, list[int]] = {}
    for index in np.flatnonzero(sizes_by_label[labels] > 1).tolist():
        groups.setdefault(int(labels[index]), []).append(index)
    agencies = frozenset(a.strip().lower() for a in settings.agencies)
    result: dict[str, str] = {}
    for label in sorted(groups):
        group = groups[label]
        moments = {i: published_timestamp(articles[i].published) for i in group}
        all_dated = all(m is not None for m in moments.values())
        # a date with no time ("2024-05-02", as ingest writes a bare date) is a whole day
        all_timed = all_dated and all("T" in (articles[i].published or "") for i in group)
        fullest = max(int(sizes[i]) for i in group)

        def order(i: int) -> tuple:
            moment = moments[i]
            # Full: within FULL_SHARE of the group's fullest text (a dateline or credit line
            # added to a reprint does not make it fuller than its original).
            trimmed = 0 if sizes[i] >= FULL_SHARE * fullest else 1
            agency = 0 if _agency(articles[i], agencies) else 1
            if all_timed:
                return (moment, trimmed, agency, articles[i].id)
            if all_dated:
                return (moment // 86400, trimmed, agency, moment, articles[i].id)
            return (trimmed, agency, 0 if moment is not None else 1, moment or 0.0, articles[i].id)

        original = articles[min(group, key=order)].id
        for index in group:
            if articles[index].id != original:
                result[articles[index].id] = original
    return dict(sorted(result.items()))


