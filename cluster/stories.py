"""Story grouping: a story representation, candidate search, verification, grouping.

Syndicated copies are near-duplicates; stories are looser: write-ups of one event by
different outlets share names, numbers and salient words, but few word sequences. The
grouping reads like a table of contents:

1. represent: one sparse TF-IDF vector per original article, made of weighted blocks
   (body words, title words, capitalised names and numbers, lead words), each block
   L2-normalised, so a dot product is a weighted mean of per-block cosines. Words are read
   in one regex pass, their inflections folded, and hashed into fixed columns (no
   vocabulary), in worker processes on large inputs;
2. candidates: an inverted index over each article's top TF-IDF terms, with posting
   lists of overly common terms dropped; each article keeps its ``neighbors`` best
   candidates by the pruned score (no all-pairs comparison anywhere);
3. verify: the exact cosine of the full vectors for each candidate pair (weak pairs are
   kept, they count towards group means); pairs dated too far apart are dropped (the date
   is ``published``, else a date in the URL path);
4. group: average-link agglomeration over the verified edges, where an absent edge counts
   as zero similarity, so one weak link cannot merge two stories; two groups of two or
   more articles need a margin over ``min_similarity`` that shrinks with the pairs
   between them (two tight groups on one theme are most often two stories), and no
   group's dated articles span more than ``max_days_apart`` days (copies, step 6, join
   whatever their date);
5. attach: an article left alone joins the group of its most similar article when that
   one pair reaches ``attach_similarity`` and stands out (``attach_margin`` times its best
   pair with any other group or lone article), and the group stays within the date span;
6. copies join the group of their original.
"""

from __future__ import annotations

import heapq
import math
import re
import unicodedata
import zlib
from typing import TYPE_CHECKING, Iterator, Mapping, Sequence

from .dates import article_days
from .pools import pool_map, process_pool, thread_map, usable_cores
from .settings import StorySettings
from .events import cjk_bigrams
from .text import STOP_WORDS

if TYPE_CHECKING:  # pragma: no cover
    from array import array

    import numpy as np
    import scipy.sparse as sp

    from .types import Article

__all__ = ["group_stories", "story_vectors", "candidate_pairs", "verified_edges", "average_link", "attach_loners"]



def group_stories(articles: Sequence["Article"], copies: Mapping[str, str], settings: StorySettings) -> list[tuple[str, ...]]:
    """Group articles into stories; every article lands in exactly one group.

    Each copy group (``copies`` maps copy id -> original id) is clustered as one article,
    read through its fullest text, and all its members join that article's group; articles
    that are no copy are clustered as they are. Groups are sorted tuples of ids, sorted by
    their first id.

    Example:
        >>> from cluster.types import Article
        >>> from cluster.settings import StorySettings
        >>> group_stories([Article("b", "Rain in Oslo."), Article("a", "Rain in Oslo.")], {"b": "a"}, StorySettings())
        [('a', 'b')]
    """
    by_id = {a.id: a for a in articles}
    ids = sorted(by_id)
    root = {i: _resolve_original(i, copies, by_id) for i in ids}
    originals = sorted({r for r in root.values()})
    # A copy group is represented by its fullest text (the longest; on a tie, the original):
    # which member is the original (earliest dated, else smallest id) must not change the story.
    fullest = {r: r for r in originals}
    for i in ids:
        r, best = root[i], fullest[root[i]]
        if len(by_id[i].text or "") > len(by_id[best].text or ""):
            fullest[r] = i
    labels = cluster_originals([by_id[fullest[i]] for i in originals], settings)
    label_of = dict(zip(originals, labels))
    members: dict[int, list[str]] = {}
    for i in ids:
        members.setdefault(label_of[root[i]], []).append(i)
    return sorted((tuple(sorted(m)) for m in members.values()), key=lambda g: g[0])


def _resolve_original(article_id: str, copies: Mapping[str, str], known: Mapping[str, object]) -> str:
    """Follow copy -> original links to an article that is not itself a copy (cycles stop)."""
    seen = {article_id}
    current = article_id
    while current in copies and copies[current] in known and copies[current] not in seen:
        current = copies[current]
        seen.add(current)
    return current


def cluster_originals(articles: Sequence["Article"], settings: StorySettings) -> list[int]:
    """Return a story label per article (labels are the index of a group representative)."""
    n = len(articles)
    if n <= 1:
        return list(range(n))
    window = float(settings.max_days_apart)
    days = _story_days(settings, articles)
    vectors = story_vectors(articles, settings)
    rows, cols = candidate_pairs(vectors, settings, articles, days=days)
    rows, cols, sims = verified_edges(vectors, rows, cols, articles, settings, days=days)
    del vectors  # not needed for grouping: free it before the grouping's own structures grow
    rows, cols, sims, merging = event_edges(articles, rows, cols, sims, settings)
    labels = average_link(n, rows[merging], cols[merging], sims[merging], settings.min_similarity, days, window, settings.group_margin)
    labels = attach_loners(labels, rows[merging], cols[merging], sims[merging], settings.attach_similarity, days, window, settings.attach_margin)
    if merging.all():
        return labels
    # Live blogs, left alone so far, join the story they match best; nothing joins through them.
    live = ~merging
    return attach_loners(labels, rows[live], cols[live], sims[live], settings.attach_similarity, days, window, settings.attach_margin)


def event_edges(
    articles: Sequence["Article"], rows: "np.ndarray", cols: "np.ndarray", sims: "np.ndarray", settings: StorySettings
) -> tuple["np.ndarray", "np.ndarray", "np.ndarray", "np.ndarray"]:
    """Drop the edges between different events of one template, and mark the edges that may merge groups.

    An edge of at least ``attach_similarity`` whose two articles state figures and names
    in their headlines and leads and share none of either is dropped
    (:func:`cluster.events.conflicting_pairs`), and so is an edge to a page whose text
    never mentions its own, different headline (:func:`cluster.containment.off_title_pairs`). Edges that touch a live blog
    (:func:`cluster.events.is_live_blog`) take no part in merging groups (the returned
    boolean mask is False for them): a live blog whose entries move from one event to
    another would bridge two stories. A live blog joins the story it matches best
    afterwards, through :func:`attach_loners` (one pair must stand out), and no article
    joins a story through it. The rule trades a story told only in live blogs, which
    stays in pieces, for never chaining two stories through one.
    """
    import numpy as np

    from .containment import off_title_pairs
    from .events import conflicting_pairs, is_live_blog

    strong = np.flatnonzero(sims >= settings.attach_similarity)
    drop = np.zeros(len(rows), dtype=bool)
    drop[strong] = conflicting_pairs(articles, rows[strong], cols[strong])
    # Pages whose text never mentions their headline (paywall or consent pitches) are alike
    # in text only: they join no other headline's story.
    drop |= off_title_pairs(articles, np.stack([rows, cols], axis=1))
    keep = ~drop
    rows, cols, sims = rows[keep], cols[keep], sims[keep]
    live = np.zeros(len(articles), dtype=bool)
    touched = np.unique(np.concatenate([rows, cols])) if len(rows) else np.empty(0, dtype=np.int64)
    for i in touched.tolist():
        live[i] = is_live_blog(articles[i].text)
    merging = ~(live[rows] | live[cols])
    return rows, cols, sims, merging


# A sentence end or line break, or a token: a number with thousands separators or a
# decimal point (read as one number: "373,000" and "373000" agree, "5.6" is not "5" and
# "6") or a word with inner apostrophes.
_TOKEN = re.compile(r"([.!?]['\"’”)]*\s|\n)|(\d+(?:[,.]\d+)+(?!\w)|\w+(?:['’]\w+)*)", re.UNICODE)
_SEPARATORS = str.maketrans("", "", ",")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
# Feature columns: a word's hash picks a row of ``_BUCKETS``, its block picks one of four columns.
_BUCKETS = 1 << 21
_W, _T, _N, _L = 0, 1, 2, 3
_PARALLEL_FROM = 20_000  # below this many articles worker processes cost more than they save
_BATCH = 4096


def _clean(text: str) -> str:
    """NFKC (skipped for ASCII) and no control or zero-width characters."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return _CONTROL.sub(" ", text)


def _article_columns(title: str, body: str, max_words: int, lead_words: int, cache: dict[str, int], out: "array") -> None:
    """Append the feature columns of one article to ``out`` (one column per occurrence).

    Blocks: ``_W`` body and title words, ``_T`` title words, ``_L`` words among the first
    ``lead_words`` body words, ``_N`` names and numbers: capitalised words that do not open
    a sentence, and tokens with digits (counts, sums, dates tell events of one topic apart).
    Words are folded (:func:`fold_word`) before hashing. ``cache`` maps a lowercased token
    to its column base ``b``, to ``-b - 2`` for a number, or to -1 for a stop word.
    """
    append = out.append
    for part, is_title in ((title, True), (body, False)):
        if not part:
            continue
        sentence_start = True
        position = 0
        cleaned = _clean(part)
        if not cleaned.isascii():
            cleaned = cjk_bigrams(cleaned)  # text without spaces: character bigrams are its words
        for separator, word in _TOKEN.findall(cleaned):
            if separator:
                sentence_start = True
                continue
            if not is_title:
                position += 1
                if position > max_words:
                    break
            low = word.lower()
            opens = sentence_start
            sentence_start = False
            bucket = cache.get(low)
            if bucket is None:
                bucket = cache[low] = _column_base(low)
            number = bucket < -1
            if number:
                bucket = -bucket - 2
            elif bucket < 0:
                continue
            append(bucket + _W)
            if is_title:
                append(bucket + _T)
            elif position <= lead_words:
                append(bucket + _L)
            if number or (not opens and word[0].isupper() and len(word) > 1):
                append(bucket + _N)


def _column_base(low: str) -> int:
    """The first of a token's four columns ``b``; ``-b - 2`` for a number (a token that starts
    or ends with a digit); -1 for a stop word or a single digit."""
    if low in STOP_WORDS or (len(low) == 1 and low.isdigit()):
        return -1
    number = low[0].isdigit() or low[-1].isdigit()
    if low[0].isdigit():
        low = low.translate(_SEPARATORS)
    base = (zlib.crc32(fold_word(low).encode("utf-8")) % _BUCKETS) * 4
    return -base - 2 if number else base


def fold_word(word: str) -> str:
    """Fold a lowercased word's inflections into one form: a light suffix stripper.

    Strips a possessive, then one of -ies (to -y), -ing, -ed, -es, -s (not after s, u
    or i), then a final -e, leaving at least three letters; words of four letters or
    fewer and tokens with digits are kept. Crude next to a full stemmer, but enough to
    match "vaccines", "vaccine" and "vaccinated" on "vaccin", "cancels" and "canceled"
    on "cancel", and "Biden's" on "biden".

    Example:
        >>> [fold_word(w) for w in ("vaccines", "vaccine", "closed", "biden's", "news", "419000")]
        ['vaccin', 'vaccin', 'clos', 'biden', 'news', '419000']
    """
    if word.endswith(("'s", "’s")):
        word = word[:-2]
    if len(word) <= 4 or any(ch.isdigit() for ch in word):
        return word
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word[-2] in "sui":
                break
            word = word[: -len(suffix)] + replacement
            break
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


_SUFFIXES = (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""))


def _batch_columns(task: tuple[list[tuple[str, str]], int, int]) -> tuple["array", "array"]:
    """Feature columns of a batch of (title, body) pairs and the per-article counts."""
    from array import array

    pairs, max_words, lead_words = task
    cols: array = array("l")
    counts: array = array("l")
    cache: dict[str, int] = {}
    for title, body in pairs:
        before = len(cols)
        _article_columns(title, body, max_words, lead_words, cache, cols)
        counts.append(len(cols) - before)
    return cols, counts


def _column_batches(articles: Sequence["Article"], settings: StorySettings) -> "Iterator[tuple[array, array]]":
    """Yield (columns, counts) per batch of articles in input order, on every core for large inputs."""
    chars = settings.max_words * 12  # ~12 characters a word is plenty
    tasks = (
        ([(a.title or "", (a.text or "")[:chars]) for a in articles[start : start + _BATCH]], settings.max_words, settings.lead_words)
        for start in range(0, len(articles), _BATCH)
    )
    workers = usable_cores()
    if workers == 1 or len(articles) < _PARALLEL_FROM:
        yield from map(_batch_columns, tasks)
        return
    with process_pool(workers) as pool:
        yield from pool_map(pool, _batch_columns, tasks, ahead=2 * workers)


# Terms found in one article only are dropped on corpora at least this large: there they
# are mostly typos and one-off mentions that dilute the cosine; on a tiny corpus nearly
# every term is unique, and dropping them would leave only the common words.
DROP_UNIQUE_TERMS_FROM = 100


def story_vectors(articles: Sequence["Article"], settings: StorySettings) -> "sp.csr_matrix":
    """Sparse story vectors (rows L2-normalised) from weighted, per-block TF-IDF.

    Each block (body words, title words, names and numbers, lead words) is L2-normalised and weighted,
    then the row is normalised again, so an article lacking a block (no title) is on the
    same scale as the others. Words are hashed into a fixed number of columns (no
    vocabulary is kept) and each row keeps its ``vector_terms`` heaviest entries.

    Example:
        >>> from cluster.types import Article
        >>> v = story_vectors([Article("a", "Quake hits Chile."), Article("b", "Quake hits Peru.")], StorySettings())
        >>> v.shape[0]
        2
    """
    import numpy as np
    import scipy.sparse as sp

    n = len(articles)
    width = _BUCKETS * 4
    # Counts go straight into two arrays reserved for 2 * max_words distinct columns an
    # article (pages are only taken as they are written), grown if ever needed, so no list
    # of parts is joined at the end (which would hold the counts twice).
    capacity = max(1, n) * 2 * settings.max_words
    data_all = np.empty(capacity, dtype=np.float32)
    cols_all = np.empty(capacity, dtype=np.int32)
    filled = 0
    count_parts = []
    for cols, counts in _column_batches(articles, settings):
        # Occurrences become counts batch by batch, so all occurrences are never held at once.
        batch_indptr = np.zeros(len(counts) + 1, dtype=np.int64)
        np.cumsum(np.frombuffer(counts, dtype=np.int64), out=batch_indptr[1:])
        cols_array = np.frombuffer(cols, dtype=np.int64).astype(np.int32)
        batch = sp.csr_matrix((np.ones(len(cols_array), dtype=np.float32), cols_array, batch_indptr), shape=(len(counts), width))
        batch.sum_duplicates()  # also sorts the columns of each row
        if filled + batch.nnz > capacity:
            capacity = max(2 * capacity, filled + batch.nnz)
            data_all = np.concatenate([data_all[:filled], np.empty(capacity - filled, dtype=np.float32)])
            cols_all = np.concatenate([cols_all[:filled], np.empty(capacity - filled, dtype=np.int32)])
        data_all[filled : filled + batch.nnz] = batch.data
        cols_all[filled : filled + batch.nnz] = batch.indices
        filled += batch.nnz
        count_parts.append(np.diff(batch.indptr))
        del batch, cols_array
    counts = np.concatenate(count_parts) if count_parts else np.zeros(0, np.int64)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    data_all, cols_all = data_all[:filled], cols_all[:filled]
    tf = sp.csr_matrix((data_all, cols_all, indptr), shape=(n, width))
    del data_all, cols_all
    tf.has_canonical_format = True  # each batch was summed and sorted
    df = np.zeros(width, dtype=np.float32)
    for start in range(0, tf.nnz, 1 << 24):  # bincount widens its input: a slice at a time
        df += np.bincount(tf.indices[start : start + (1 << 24)], minlength=width)
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    if n >= DROP_UNIQUE_TERMS_FROM:
        idf[df < 2] = 0.0
    del df
    weights = np.array([1.0, settings.title_weight, settings.names_weight, settings.lead_weight], dtype=np.float32)
    weights = np.sqrt(weights / weights.sum())
    # Weighted rows are written over the counts: a slice never has more entries weighted
    # than counted, so the output never overtakes the input still to be read.
    data, indices = tf.data, tf.indices
    indptr = np.zeros(n + 1, dtype=np.int64)
    step = 16_384  # rows weighed at once: their temporaries are ~60 bytes an entry
    for start in range(0, n, step):
        stop = min(start + step, n)
        part = _weigh_rows(tf[start:stop], idf, weights, settings.vector_terms)
        first = indptr[start]
        data[first : first + part.nnz] = part.data
        indices[first : first + part.nnz] = part.indices
        indptr[start + 1 : stop + 1] = first + part.indptr[1:]
    del tf
    return sp.csr_matrix((data[: indptr[-1]], indices[: indptr[-1]], indptr), shape=(n, width))


def _weigh_rows(tf: "sp.csr_matrix", idf: "np.ndarray", weights: "np.ndarray", keep: int) -> "sp.csr_matrix":
    """Sublinear TF-IDF, per-block L2 norm times block weight, top ``keep`` entries, row L2 norm."""
    import numpy as np
    import scipy.sparse as sp

    rows = tf.shape[0]
    row_of = np.repeat(np.arange(rows), np.diff(tf.indptr))
    block = tf.indices & 3
    data = (1.0 + np.log(tf.data)) * idf[tf.indices]
    key = row_of * 4 + block
    norms = np.sqrt(np.bincount(key, weights=data.astype(np.float64) ** 2, minlength=rows * 4))
    data = data / np.where(norms > 0, norms, 1.0)[key] * weights[block]
    live = data > 0
    row_of, cols, data = row_of[live], tf.indices[live], data[live].astype(np.float32)
    if len(data) and np.bincount(row_of, minlength=rows).max() > keep:
        chosen = np.sort(_heaviest_per_row(row_of, data, keep))
        row_of, cols, data = row_of[chosen], cols[chosen], data[chosen]
    norms = np.sqrt(np.bincount(row_of, weights=data.astype(np.float64) ** 2, minlength=rows))
    data = (data / np.where(norms > 0, norms, 1.0)[row_of]).astype(np.float32)
    indptr = np.zeros(rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(row_of, minlength=rows), out=indptr[1:])
    return sp.csr_matrix((data, cols, indptr), shape=tf.shape)


def candidate_pairs(
    vectors: "sp.csr_matrix",
    settings: StorySettings,
    articles: Sequence["Article"] | None = None,
    *,
    days: "np.ndarray | None" = None,
) -> tuple["np.ndarray", "np.ndarray"]:
    """Candidate pairs (row < col) from an inverted index over each article's top terms.

    Each article keeps its ``index_terms`` heaviest terms; terms held by more than
    ``max_posting`` articles are dropped from the index (too common to point at a story).
    Scores are pruned dot products; each article keeps its ``neighbors`` best. Rows are
    scored in blocks (sparse products against the index, on every core), so memory stays
    bounded. With ``articles`` and ``max_days_apart`` set, a block is only scored against
    the articles published within that many days of it (and the undated ones): pairs
    further apart never take a neighbour's place, and a term is too common when more than
    ``max_posting`` of those articles hold it, so the cap means the same on a day of news
    and on two years of it. ``days`` (from :func:`article_days`) spares reading the dates again.

    Example:
        >>> from cluster.types import Article
        >>> arts = [Article("a", "Quake hits Chile."), Article("b", "Quake hits Chile today."), Article("c", "Rain in Oslo.")]
        >>> [x.tolist() for x in candidate_pairs(story_vectors(arts, StorySettings()), StorySettings(), arts)]
        [[0], [1]]
    """
    import numpy as np

    n = vectors.shape[0]
    days = _story_days(settings, articles, days)
    blocks = _candidate_blocks(_top_terms(vectors, settings.index_terms), days, settings.max_days_apart, settings.max_posting)
    parts = _map_blocks(blocks, settings.neighbors, settings.max_posting)
    rows = np.concatenate([r for r, _ in parts]) if parts else np.zeros(0, dtype=np.int64)
    cols = np.concatenate([c for _, c in parts]) if parts else np.zeros(0, dtype=np.int64)
    del parts
    lo, hi = np.minimum(rows, cols), np.maximum(rows, cols)
    valid = lo != hi
    keys = lo[valid].astype(np.int64) * n + hi[valid]
    keys.sort()
    keys = keys[np.concatenate([[True], keys[1:] != keys[:-1]])] if len(keys) else keys
    return keys // n, keys % n


# A block of rows is scored at once when the index entries it may touch stay below this
# (bounds the memory of one sparse product; two of them run at a time on two cores).
_BLOCK_WORK = 2_500_000
_BLOCK_ROWS = 16_384
# Value bits of the packed sort keys (row, falling value, tie breaker) of the top-k helpers.
_VALUE_BITS = 24


class _Block:
    """One block of candidate search: query rows against a window of index rows.

    ``query`` and ``index`` are CSR matrices of pruned vectors; ``query_ids`` and
    ``index_ids`` their article numbers; ``query_days`` and ``index_days`` their day
    numbers (None when dates are not checked).
    """

    __slots__ = ("query", "query_ids", "query_days", "index_t", "index_ids", "index_days", "max_days")

    def __init__(self, query, query_ids, query_days, index_t, index_ids, index_days, max_days):  # type: ignore[no-untyped-def]
        self.query, self.query_ids, self.query_days = query, query_ids, query_days
        self.index_t, self.index_ids, self.index_days = index_t, index_ids, index_days
        self.max_days = max_days


def _candidate_blocks(pruned: "sp.csr_matrix", days: "np.ndarray | None", max_days: int, max_posting: int) -> "Iterator[_Block]":
    """Split the rows of ``pruned`` into blocks, each with the window of rows it is scored against.

    Rows are taken in date order (undated last); a block of dated rows is scored against
    the dated rows within ``max_days`` of its first and last day plus all undated rows, an
    undated block against everything. A block holds as many rows as keep its product small.
    """
    import numpy as np
    import scipy.sparse as sp

    n = pruned.shape[0]
    if days is None:
        order = np.arange(n)
        dated = 0
    else:
        known = ~np.isnan(days)
        order = np.concatenate([np.flatnonzero(known)[np.argsort(days[known], kind="stable")], np.flatnonzero(~known)])
        dated = int(known.sum())
    ordered = pruned[order]
    del pruned  # the only reference: candidate_pairs passes it straight in
    sorted_days = days[order[:dated]] if days is not None else None
    # Work of a row: the index entries its terms point at in its date window (a term's share
    # of the window taken as its share of all rows), at most max_posting a term.
    share = np.ones(n)
    if sorted_days is not None and dated:
        reach = np.searchsorted(sorted_days, sorted_days + max_days, side="right")
        reach -= np.searchsorted(sorted_days, sorted_days - max_days, side="left")
        share[:dated] = (reach + (n - dated)) / n
    df = np.bincount(ordered.indices, minlength=ordered.shape[1]).astype(np.float64)
    row_of = np.repeat(np.arange(n), np.diff(ordered.indptr))
    work = np.bincount(row_of, weights=np.minimum(df[ordered.indices] * share[row_of], max_posting), minlength=n)
    del df, row_of, share
    full_t = None

    def transposed_all():  # type: ignore[no-untyped-def]
        nonlocal full_t
        if full_t is None:
            full_t = ordered.T.tocsr()
        return full_t

    cuts = _block_cuts(work, dated)
    for start, stop in zip(cuts[:-1], cuts[1:]):
        query = ordered[start:stop]
        query_ids = order[start:stop]
        if start >= dated or sorted_days is None:  # undated rows (or no date check): all rows
            yield _Block(query, query_ids, None, transposed_all(), order, None, max_days)
            continue
        lo = int(np.searchsorted(sorted_days, sorted_days[start] - max_days, side="left"))
        hi = int(np.searchsorted(sorted_days, sorted_days[stop - 1] + max_days, side="right"))
        window_days = np.concatenate([sorted_days[lo:hi], np.full(n - dated, np.nan)])
        if (hi - lo) + (n - dated) > n - n // 8:  # nearly everything: one transpose serves all
            full_days = np.concatenate([sorted_days, np.full(n - dated, np.nan)])
            yield _Block(query, query_ids, sorted_days[start:stop], transposed_all(), order, full_days, max_days)
            continue
        window = sp.vstack([ordered[lo:hi], ordered[dated:]], format="csr") if dated < n else ordered[lo:hi]
        index_ids = np.concatenate([order[lo:hi], order[dated:]])
        yield _Block(query, query_ids, sorted_days[start:stop], window.T.tocsr(), index_ids, window_days, max_days)


def _block_cuts(work: "np.ndarray", dated: int) -> list[int]:
    """Block boundaries over rows with estimated ``work``: at most ``_BLOCK_WORK`` each (one row at least), none across ``dated``."""
    import numpy as np

    n = len(work)
    cuts = [0]
    total = np.concatenate([[0.0], np.cumsum(work)])
    while cuts[-1] < n:
        start = cuts[-1]
        limit = dated if start < dated else n
        stop = int(np.searchsorted(total, total[start] + _BLOCK_WORK, side="right")) - 1
        cuts.append(max(start + 1, min(stop, limit, start + _BLOCK_ROWS)))
    return cuts


def _map_blocks(blocks: "Iterator[_Block]", k: int, max_posting: int) -> list[tuple["np.ndarray", "np.ndarray"]]:
    """Top-``k`` candidates of every block, in block order, on every core."""
    return list(thread_map(lambda block: _block_candidates(block, k, max_posting), blocks))


def _block_candidates(block: _Block, k: int, max_posting: int) -> tuple["np.ndarray", "np.ndarray"]:
    """Article numbers of the ``k`` best candidates of each query row of ``block``; terms
    held by more than ``max_posting`` rows of the block's window are left out."""
    import numpy as np

    query = block.query
    common = np.diff(block.index_t.indptr) > max_posting
    if common[query.indices].any():
        query = query.copy()
        query.data[common[query.indices]] = 0
        query.eliminate_zeros()
    product = (query @ block.index_t).tocsr()
    local = np.repeat(np.arange(product.shape[0], dtype=np.int64), np.diff(product.indptr))
    cols = block.index_ids[product.indices]
    rows = block.query_ids[local]
    keep = (cols != rows) & (product.data > 0)
    if block.query_days is not None and block.index_days is not None:
        gap = np.abs(block.query_days[local] - block.index_days[product.indices])
        keep &= ~(gap > block.max_days)  # NaN (undated) keeps the pair
    local, cols, scores = local[keep], cols[keep], product.data[keep]
    del product, keep
    chosen_rows, chosen_cols = _top_per_row(local, cols, scores, k)
    return block.query_ids[chosen_rows], chosen_cols


def _top_terms(vectors: "sp.csr_matrix", k: int) -> "sp.csr_matrix":
    """Keep each row's ``k`` largest entries (ties by column, so deterministic), a slice of rows at a time."""
    import numpy as np
    import scipy.sparse as sp

    lengths = np.diff(vectors.indptr)
    if not len(lengths) or lengths.max() <= k:
        return vectors.copy()
    indptr = np.zeros(vectors.shape[0] + 1, dtype=np.int64)
    np.cumsum(np.minimum(lengths, k), out=indptr[1:])
    data = np.empty(indptr[-1], dtype=vectors.data.dtype)
    indices = np.empty(indptr[-1], dtype=vectors.indices.dtype)
    step = 16_384
    for start in range(0, vectors.shape[0], step):
        stop = min(start + step, vectors.shape[0])
        first, last = vectors.indptr[start], vectors.indptr[stop]
        row_of = np.repeat(np.arange(stop - start, dtype=np.int64), lengths[start:stop])
        chosen = np.sort(_heaviest_per_row(row_of, vectors.data[first:last], k)) + first
        data[indptr[start] : indptr[stop]] = vectors.data[chosen]
        indices[indptr[start] : indptr[stop]] = vectors.indices[chosen]
    return sp.csr_matrix((data, indices, indptr), shape=vectors.shape)


def _value_key(data: "np.ndarray") -> "np.ndarray":
    """Falling values in [0, 1] as rising integers of ``_VALUE_BITS`` bits (values beyond are clipped)."""
    import numpy as np

    top = (1 << _VALUE_BITS) - 1
    return top - np.rint(np.clip(data, 0.0, 1.0) * top).astype(np.int64)


def _heaviest_per_row(row_of: "np.ndarray", data: "np.ndarray", k: int) -> "np.ndarray":
    """Positions of the ``k`` largest values of each row; ``row_of`` is sorted, values lie in [0, 1].

    One sort of packed integer keys (row, falling value, position in the row); ties keep
    their input order (columns are sorted within a row), so the choice is deterministic.
    Values closer than 2**-24 count as ties.
    """
    import numpy as np

    total = len(row_of)
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    row_of = np.asarray(row_of, dtype=np.int64)
    first = np.flatnonzero(np.concatenate([[True], row_of[1:] != row_of[:-1]]))
    lengths = np.diff(np.append(first, total))
    position = np.arange(total, dtype=np.int64) - np.repeat(first, lengths)
    position_bits = max(1, int(lengths.max() - 1).bit_length())
    row_bits = 63 - _VALUE_BITS - position_bits
    if row_bits < 1:  # pragma: no cover - a row of more than 2**37 entries
        raise ValueError(f"a row of {int(lengths.max())} entries is too long to rank")
    chosen = []
    # Rows are numbered from the first row of a span; spans are as long as the key allows.
    span_start = 0
    while span_start < total:
        base = row_of[span_start]
        span_stop = int(np.searchsorted(row_of, base + (1 << row_bits), side="left"))
        part = slice(span_start, span_stop)
        keys = ((row_of[part] - base) << (_VALUE_BITS + position_bits)) | (_value_key(data[part]) << position_bits) | position[part]
        keys.sort()
        # Sorting keeps each row's span, so the sorted entry i is of rank position[i] in its row.
        rank = position[part]
        picked = np.flatnonzero(rank < k)
        original = picked - rank[picked] + (keys[picked] & ((1 << position_bits) - 1))
        chosen.append(original + span_start)
        span_start = span_stop
    return np.concatenate(chosen)


def _may_rank(local: "np.ndarray", scores: "np.ndarray", rows: int, k: int) -> "np.ndarray":
    """Mask of the entries that may be among the ``k`` best of their row: those at or above
    the row's ``k``-th best, read from a 256-level histogram of the row's scores (square-root
    scale, as most scores are small), so every true top-k entry passes, plus a few ties."""
    import numpy as np

    levels = 256
    level = (np.sqrt(np.clip(scores, 0.0, 1.0)) * (levels - 1)).astype(np.int64)
    counts = np.bincount(local.astype(np.int64) * levels + level, minlength=rows * levels).reshape(rows, levels)
    at_or_above = np.cumsum(counts[:, ::-1], axis=1)[:, ::-1]  # entries at this level or higher
    floor = np.maximum((at_or_above >= k).sum(axis=1) - 1, 0)  # highest level with k entries there or above
    return level >= floor[local]


def _top_per_row(local: "np.ndarray", cols: "np.ndarray", scores: "np.ndarray", k: int) -> tuple["np.ndarray", "np.ndarray"]:
    """The ``k`` best-scoring ``cols`` of each row (``local`` rows, sorted, from 0), ties by smaller column.

    Returns the (row, column) pairs chosen, rows rising.
    """
    import numpy as np

    if len(local) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    rows = int(local[-1]) + 1
    if len(local) > 4 * k * rows:  # most entries cannot make a top k: drop them before sorting
        live = _may_rank(local, scores, rows, k)
        local, cols, scores = local[live], cols[live], scores[live]
    column_bits = max(1, int(cols.max()).bit_length())
    row_bits = 63 - _VALUE_BITS - column_bits
    if int(local[-1]).bit_length() > row_bits:  # pragma: no cover - blocks are far smaller
        raise ValueError(f"{int(local[-1]) + 1} rows with columns up to {int(cols.max())} are too many to rank at once")
    keys = (local.astype(np.int64) << (_VALUE_BITS + column_bits)) | (_value_key(scores) << column_bits) | cols.astype(np.int64)
    keys.sort()
    rows = keys >> (_VALUE_BITS + column_bits)
    first = np.flatnonzero(np.concatenate([[True], rows[1:] != rows[:-1]]))
    rank = np.arange(len(keys), dtype=np.int64) - np.repeat(first, np.diff(np.append(first, len(keys))))
    picked = keys[rank < k]
    return picked >> (_VALUE_BITS + column_bits), picked & ((1 << column_bits) - 1)


def verified_edges(
    vectors: "sp.csr_matrix",
    rows: "np.ndarray",
    cols: "np.ndarray",
    articles: Sequence["Article"],
    settings: StorySettings,
    *,
    days: "np.ndarray | None" = None,
) -> tuple["np.ndarray", "np.ndarray", "np.ndarray"]:
    """Exact cosine of each candidate pair; pairs dated too far apart are dropped.

    ``days`` (from :func:`article_days`) spares reading the articles' dates again.
    """
    import numpy as np

    sims = np.zeros(len(rows), dtype=np.float64)
    step = 20_000

    def cosines(start: int) -> None:
        r, c = rows[start : start + step], cols[start : start + step]
        sims[start : start + step] = np.asarray(vectors[r].multiply(vectors[c]).sum(axis=1)).ravel()

    for _ in thread_map(cosines, range(0, len(rows), step)):
        pass
    # Weak pairs are kept: they count towards the mean similarity of two groups, so a
    # group whose members all mildly agree with another can still join it.
    keep = sims > 0
    days = _story_days(settings, articles, days)
    if days is not None:
        gap = np.abs(days[rows] - days[cols])
        keep &= ~(gap > settings.max_days_apart)  # NaN (unknown date) keeps the pair
    return rows[keep], cols[keep], sims[keep]


def _story_days(settings: StorySettings, articles: Sequence["Article"] | None, days: "np.ndarray | None" = None) -> "np.ndarray | None":
    """The day numbers the date checks use: None when ``max_days_apart`` is 0, else
    ``days`` when given, else those of ``articles`` (None when no article is dated)."""
    if settings.max_days_apart <= 0:
        return None
    if days is None and articles is not None:
        return article_days(articles)
    return days


def average_link(
    n: int,
    rows: "np.ndarray",
    cols: "np.ndarray",
    sims: "np.ndarray",
    threshold: float,
    days: "np.ndarray | None" = None,
    window: float = 0.0,
    group_margin: float = 0.0,
) -> list[int]:
    """Average-link agglomeration over a sparse similarity graph; absent edges count as 0.

    Two groups merge while the mean similarity over ALL their member pairs is at least
    ``threshold``, so a single strong pair between two large groups is not enough.
    When both groups already hold two or more members, the mean must also clear
    ``threshold + group_margin / sqrt(pairs)``: two tight groups on one theme (this week's
    jobless claims and last week's) are most often two stories, and a mean over few pairs
    is a noisy estimate, while the bar falls back towards ``threshold`` as the pairs
    between two large groups of one big story grow.
    With ``days`` (a day number per node, NaN unknown) and ``window`` > 0, two groups
    merge only while their dated members, together, span at most ``window`` days: a
    weekly report and the next week's, worded alike, stay two stories even when an
    undated article links them.
    Returns a label per node: the smallest index in its group.

    Example:
        >>> import numpy as np
        >>> average_link(3, np.array([0, 1]), np.array([1, 2]), np.array([0.9, 0.3]), 0.5)
        [0, 0, 2]

        Two tight pairs with a mean of 0.4 between them merge at threshold 0.3, but not
        with a group margin of 0.3 (their 4 pairs need 0.3 + 0.3 / 2 = 0.45):

        >>> rows, cols = np.array([0, 2, 0, 0, 1, 1]), np.array([1, 3, 2, 3, 2, 3])
        >>> sims = np.array([0.8, 0.8, 0.4, 0.4, 0.4, 0.4])
        >>> average_link(4, rows, cols, sims, 0.3), average_link(4, rows, cols, sims, 0.3, group_margin=0.3)
        ([0, 0, 0, 0], [0, 0, 2, 2])
    """
    neighbours: list[dict[int, float] | None] = [dict() for _ in range(n)]
    heap: list[tuple[float, int, int]] = []
    for a, b, s in zip(rows.tolist(), cols.tolist(), sims.tolist()):
        neighbours[a][b] = s  # type: ignore[index]
        neighbours[b][a] = s  # type: ignore[index]
        if s >= threshold:
            heap.append((-s, a, b))
    heapq.heapify(heap)
    size = [1] * n
    parent = list(range(n))
    # Each group's first and last known day (+inf, -inf while none is known).
    first: list[float] = []
    last: list[float] = []
    if days is not None and window > 0:
        import numpy as np

        known = ~np.isnan(days)
        first = np.where(known, days, np.inf).tolist()
        last = np.where(known, days, -np.inf).tolist()
    while heap:
        negative, a, b = heapq.heappop(heap)
        na, nb = neighbours[a], neighbours[b]
        if na is None or nb is None:
            continue
        total = na.get(b)
        if total is None or total / (size[a] * size[b]) != -negative:
            continue  # stale entry: one side has grown since it was pushed
        if group_margin and size[a] > 1 and size[b] > 1 and -negative < threshold + group_margin / math.sqrt(size[a] * size[b]):
            continue  # tried again if either group grows
        if first:
            start, end = min(first[a], first[b]), max(last[a], last[b])
            if end - start > window:
                continue  # never: a group's span only grows
            first[a] = first[b] = start
            last[a] = last[b] = end
        if len(na) < len(nb):
            a, b, na, nb = b, a, nb, na
        parent[b] = a
        size[a] += size[b]
        del na[b]
        del nb[a]
        for x, v in nb.items():
            nx = neighbours[x]
            del nx[b]  # type: ignore[union-attr]
            merged = na.get(x, 0.0) + v
            na[x] = merged
            nx[a] = merged  # type: ignore[index]
        neighbours[b] = None
        for x, v in na.items():
            mean = v / (size[a] * size[x])
            if mean >= threshold:
                heapq.heappush(heap, (-mean, a, x))
    smallest: dict[int, int] = {}
    roots = []
    for i in range(n):
        root = i
        while parent[root] != root:
            root = parent[root]
        roots.append(root)
        smallest.setdefault(root, i)  # i rises, so the first member seen is the smallest
    return [smallest[r] for r in roots]


def _attach_within_span(
    label: "np.ndarray", a: "np.ndarray", b: "np.ndarray", s: "np.ndarray", days: "np.ndarray", window: float
) -> list[int]:
    """attach_loners with dates: strongest pairs first, each article into its group while it fits.

    A group's span grows as dated articles join it, so pairs are taken one at a time.
    """
    import numpy as np

    known = ~np.isnan(days)
    first = np.full(len(label), np.inf)
    last = np.full(len(label), -np.inf)
    np.minimum.at(first, label[known], days[known])
    np.maximum.at(last, label[known], days[known])
    first_of, last_of = first.tolist(), last.tolist()
    day_of = days.tolist()  # NaN where undated
    order = np.lexsort((b, a, -s))  # falling similarity, then article, then partner index
    moved = label.copy()
    for x, y in zip(a[order].tolist(), b[order].tolist()):
        group = int(label[y])
        day = day_of[x]
        if day == day:  # a dated article: the group's span must stay within the window
            start, end = min(first_of[group], day), max(last_of[group], day)
            if end - start > window:
                continue
            first_of[group], last_of[group] = start, end
        moved[x] = group
    return moved.tolist()


def attach_loners(
    labels: Sequence[int],
    rows: "np.ndarray",
    cols: "np.ndarray",
    sims: "np.ndarray",
    threshold: float,
    days: "np.ndarray | None" = None,
    window: float = 0.0,
    margin: float = 1.0,
) -> list[int]:
    """Move each article left alone into the group of its most similar article, when that
    pair is >= ``threshold`` and >= ``margin`` times its best pair with any other group or
    lone article.

    Average link asks an article to match a group's mean over all members, a high bar for
    a short report, or a long one that ranges wider, on a story with many articles: it can
    end up alone although its closest article belongs to that story. One pair decides, so
    the rule asks that pair to stand out: an article about as close to two stories (or to
    another lone article) stays alone. Only articles alone move, and only onto groups of
    two or more formed before, so nothing chains; an article whose most similar article is
    alone too stays alone. Ties go to the smaller article index.
    With ``days`` and ``window``, an article does not join a group whose dated members
    would then span more than ``window`` days; articles move strongest pair first, so the
    span holds when several join one group.

    Example:
        >>> import numpy as np
        >>> attach_loners([0, 0, 2, 3], np.array([0, 1, 2]), np.array([1, 2, 3]), np.array([0.9, 0.5, 0.1]), 0.4)
        [0, 0, 0, 3]

        Article 2 is about as close to group {0, 1} as to group {3, 4}: with a margin of
        1.5 it stays alone.

        >>> rows, cols, sims = np.array([0, 3, 2, 2]), np.array([1, 4, 0, 3]), np.array([0.9, 0.9, 0.5, 0.4])
        >>> attach_loners([0, 0, 2, 3, 3], rows, cols, sims, 0.3), attach_loners([0, 0, 2, 3, 3], rows, cols, sims, 0.3, margin=1.5)
        ([0, 0, 0, 3, 3], [0, 0, 2, 3, 3])
    """
    import numpy as np

    label = np.asarray(labels, dtype=np.int64)
    n = len(label)
    alone = np.bincount(label, minlength=n)[label] == 1
    # Every pair with an article alone, seen from that article: by article, falling
    # similarity, then partner index, so each article's first pair is its best.
    forward, backward = alone[rows], alone[cols]
    a = np.concatenate([rows[forward], cols[backward]]).astype(np.int64)
    b = np.concatenate([cols[forward], rows[backward]]).astype(np.int64)
    s = np.concatenate([sims[forward], sims[backward]])
    if not len(a):
        return label.tolist()
    order = np.lexsort((b, -s, a))
    a, b, s = a[order], b[order], s[order]
    first = np.ones(len(a), dtype=bool)
    first[1:] = a[1:] != a[:-1]
    run = np.cumsum(first) - 1  # each pair's article, numbered 0.. in order
    best_group = label[b[first]]
    rival = np.zeros(int(first.sum()))  # best pair with any other group (or article alone)
    other = label[b] != best_group[run]
    np.maximum.at(rival, run[other], s[other])
    best = s[first]
    keep = ~alone[b[first]] & (best >= threshold) & (best >= margin * rival)
    a, b, s = a[first][keep], b[first][keep], best[keep]
    if not len(a):
        return label.tolist()
    if days is not None and window > 0:
        return _attach_within_span(label, a, b, s, days, window)
    moved = label.copy()
    moved[a] = label[b]
    return moved.tolist()
