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
   kept, they count towards group means); pairs published too far apart (when both carry
   ``published``) are dropped;
4. group: average-link agglomeration over the verified edges, where an absent edge counts
   as zero similarity, so one weak link cannot merge two stories;
5. attach: an article left alone joins the group of its most similar article when that
   one pair reaches ``attach_similarity`` (a group's mean is a high bar for one report);
6. copies join the group of their original.
"""

from __future__ import annotations

import heapq
import os
import re
import unicodedata
import zlib
from datetime import date
from typing import TYPE_CHECKING, Iterator, Mapping, Sequence

from .settings import StorySettings

if TYPE_CHECKING:  # pragma: no cover
    from array import array

    import numpy as np
    import scipy.sparse as sp

    from .types import Article

__all__ = ["group_stories", "story_vectors", "candidate_pairs", "verified_edges", "average_link", "attach_loners"]

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")

# Function words that carry no story identity (a short, fixed list keeps this dependency-free).
STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having he
    her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not
    now of off on once only or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves said says say told
    according one two new like get got make made many much may might must us year years time""".split()
)


def group_stories(articles: Sequence["Article"], copies: Mapping[str, str], settings: StorySettings) -> list[tuple[str, ...]]:
    """Group articles into stories; every article lands in exactly one group.

    Originals are clustered; each copy (``copies`` maps copy id -> original id) joins its
    original's group. Groups are sorted tuples of ids, sorted by their first id.

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
    labels = cluster_originals([by_id[i] for i in originals], settings)
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
    vectors = story_vectors(articles, settings)
    rows, cols = candidate_pairs(vectors, settings)
    rows, cols, sims = verified_edges(vectors, rows, cols, articles, settings)
    labels = average_link(n, rows, cols, sims, settings.min_similarity)
    return attach_loners(labels, rows, cols, sims, settings.attach_similarity)


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
        for separator, word in _TOKEN.findall(_clean(part)):
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
    workers = _cores()
    if workers == 1 or len(articles) < _PARALLEL_FROM:
        yield from map(_batch_columns, tasks)
        return
    import multiprocessing

    method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    with multiprocessing.get_context(method).Pool(workers) as pool:
        yield from pool.imap(_batch_columns, tasks, chunksize=1)


def _cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


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
    cols_parts, count_parts = [], []
    for cols, counts in _column_batches(articles, settings):
        cols_parts.append(np.frombuffer(cols, dtype=np.int64).astype(np.int32))
        count_parts.append(np.frombuffer(counts, dtype=np.int64))
    counts = np.concatenate(count_parts) if count_parts else np.zeros(0, np.int64)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    cols_all = np.concatenate(cols_parts) if cols_parts else np.zeros(0, np.int32)
    del cols_parts
    tf = sp.csr_matrix((np.ones(len(cols_all), dtype=np.float32), cols_all, indptr), shape=(n, width))
    del cols_all
    tf.sum_duplicates()  # also sorts the columns of each row
    df = np.bincount(tf.indices, minlength=width).astype(np.float32)
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    if n >= DROP_UNIQUE_TERMS_FROM:
        idf[df < 2] = 0.0
    del df
    weights = np.array([1.0, settings.title_weight, settings.names_weight, settings.lead_weight], dtype=np.float32)
    weights = np.sqrt(weights / weights.sum())
    out_rows = []
    step = 65536
    for start in range(0, n, step):
        out_rows.append(_weigh_rows(tf[start : start + step], idf, weights, settings.vector_terms))
    return sp.vstack(out_rows, format="csr") if out_rows else sp.csr_matrix((0, width), dtype=np.float32)


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


def candidate_pairs(vectors: "sp.csr_matrix", settings: StorySettings) -> tuple["np.ndarray", "np.ndarray"]:
    """Candidate pairs (row < col) from an inverted index over each article's top terms.

    Each article keeps its ``index_terms`` heaviest terms; terms held by more than
    ``max_posting`` articles are dropped from the index (too common to point at a story).
    Scores are pruned dot products; each article keeps its ``neighbors`` best.
    """
    import numpy as np
    import scipy.sparse as sp

    n = vectors.shape[0]
    pruned = _top_terms(vectors, settings.index_terms)
    df = np.bincount(pruned.indices, minlength=pruned.shape[1])
    keep = df <= settings.max_posting
    pruned = pruned @ sp.diags(keep.astype(np.float32))
    pruned.eliminate_zeros()
    transposed = pruned.T.tocsr()
    rows_out: list[np.ndarray] = []
    cols_out: list[np.ndarray] = []
    chunk = 4096
    for start in range(0, n, chunk):
        block = (pruned[start : start + chunk] @ transposed).tocsr()
        r, c = _top_per_row(block, start, settings.neighbors)
        rows_out.append(r)
        cols_out.append(c)
    rows = np.concatenate(rows_out) if rows_out else np.zeros(0, dtype=np.int64)
    cols = np.concatenate(cols_out) if cols_out else np.zeros(0, dtype=np.int64)
    lo, hi = np.minimum(rows, cols), np.maximum(rows, cols)
    valid = lo != hi
    keys = np.unique(lo[valid].astype(np.int64) * n + hi[valid])
    return keys // n, keys % n


def _top_terms(vectors: "sp.csr_matrix", k: int) -> "sp.csr_matrix":
    """Keep each row's ``k`` largest entries (ties by column, so deterministic)."""
    import numpy as np
    import scipy.sparse as sp

    row_of = np.repeat(np.arange(vectors.shape[0]), np.diff(vectors.indptr))
    chosen = np.sort(_heaviest_per_row(row_of, vectors.data, k))
    return sp.csr_matrix((vectors.data[chosen], (row_of[chosen], vectors.indices[chosen])), shape=vectors.shape)


def _heaviest_per_row(row_of: "np.ndarray", data: "np.ndarray", k: int) -> "np.ndarray":
    """Positions of the ``k`` largest values of each row; ``row_of`` is sorted, values lie in [0, 1].

    One stable sort on a composite key (row, then falling value); ties keep their input
    order (columns are sorted within a row), so the choice is deterministic.
    """
    import numpy as np

    order = np.argsort(row_of * 4.0 + (2.0 - np.minimum(data, 1.5)), kind="stable")
    row_sorted = row_of[order]
    rank = np.arange(len(order)) - np.searchsorted(row_sorted, row_sorted, side="left")
    return order[rank < k]


def _top_per_row(block: "sp.csr_matrix", offset: int, k: int) -> tuple["np.ndarray", "np.ndarray"]:
    """The ``k`` best-scoring columns of each row of ``block`` (rows shifted by ``offset``), self excluded."""
    import numpy as np

    block.sort_indices()
    counts = np.diff(block.indptr)
    local = np.repeat(np.arange(block.shape[0]), counts)
    row_of = local + offset
    cols = block.indices
    mask = (cols != row_of) & (block.data > 0)
    local, row_of, cols, data = local[mask], row_of[mask], cols[mask], block.data[mask]
    # One stable sort on a composite key: by row, then by falling score, ties by column.
    order = np.argsort(local * 4.0 + (2.0 - np.minimum(data, 1.5)), kind="stable")
    row_sorted = local[order]
    starts = np.searchsorted(row_sorted, row_sorted, side="left")
    rank = np.arange(len(order)) - starts
    chosen = order[rank < k]
    return row_of[chosen].astype(np.int64), cols[chosen].astype(np.int64)


def verified_edges(
    vectors: "sp.csr_matrix", rows: "np.ndarray", cols: "np.ndarray", articles: Sequence["Article"], settings: StorySettings
) -> tuple["np.ndarray", "np.ndarray", "np.ndarray"]:
    """Exact cosine of each candidate pair; pairs published too far apart are dropped."""
    import numpy as np

    sims = np.zeros(len(rows), dtype=np.float64)
    step = 200_000
    for start in range(0, len(rows), step):
        r, c = rows[start : start + step], cols[start : start + step]
        sims[start : start + step] = np.asarray(vectors[r].multiply(vectors[c]).sum(axis=1)).ravel()
    # Weak pairs are kept: they count towards the mean similarity of two groups, so a
    # group whose members all mildly agree with another can still join it.
    keep = sims > 0
    if settings.max_days_apart > 0:
        days = np.array([_day_number(a.published) for a in articles], dtype=np.float64)
        gap = np.abs(days[rows] - days[cols])
        keep &= ~(gap > settings.max_days_apart)  # NaN (unknown date) keeps the pair
    return rows[keep], cols[keep], sims[keep]


def _day_number(published: str | None) -> float:
    """Days since 0001-01-01 for an ISO date or datetime string; NaN when absent or unreadable."""
    if not published:
        return float("nan")
    match = _DATE.search(published)
    if not match:
        return float("nan")
    try:
        return float(date(int(match.group(1)), int(match.group(2)), int(match.group(3))).toordinal())
    except ValueError:
        return float("nan")


def average_link(n: int, rows: "np.ndarray", cols: "np.ndarray", sims: "np.ndarray", threshold: float) -> list[int]:
    """Average-link agglomeration over a sparse similarity graph; absent edges count as 0.

    Two groups merge while the mean similarity over ALL their member pairs is at least
    ``threshold``, so a single strong pair between two large groups is not enough.
    Returns a label per node: the smallest index in its group.

    Example:
        >>> import numpy as np
        >>> average_link(3, np.array([0, 1]), np.array([1, 2]), np.array([0.9, 0.3]), 0.5)
        [0, 0, 2]
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
    while heap:
        negative, a, b = heapq.heappop(heap)
        na, nb = neighbours[a], neighbours[b]
        if na is None or nb is None:
            continue
        total = na.get(b)
        if total is None or total / (size[a] * size[b]) != -negative:
            continue  # stale entry: one side has grown since it was pushed
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


def attach_loners(labels: Sequence[int], rows: "np.ndarray", cols: "np.ndarray", sims: "np.ndarray", threshold: float) -> list[int]:
    """Move each article left alone into the group of its most similar article, when that pair is >= ``threshold``.

    Average link asks an article to match a group's mean over all members, a high bar for
    a short report, or a long one that ranges wider, on a story with many articles: it can
    end up alone although its closest article belongs to that story. Only articles alone
    move, and only onto groups of two or more formed before, so nothing chains; an article
    with no pair at or above ``threshold`` stays alone. Ties go to the smaller article index.

    Example:
        >>> import numpy as np
        >>> attach_loners([0, 0, 2, 3], np.array([0, 1, 2]), np.array([1, 2, 3]), np.array([0.9, 0.5, 0.1]), 0.4)
        [0, 0, 0, 3]
    """
    import numpy as np

    label = np.asarray(labels, dtype=np.int64)
    n = len(label)
    alone = np.bincount(label, minlength=n)[label] == 1
    strong = sims >= threshold
    rows, cols, sims = rows[strong], cols[strong], sims[strong]
    forward = alone[rows] & ~alone[cols]  # rows alone, cols in a group
    backward = alone[cols] & ~alone[rows]
    a = np.concatenate([rows[forward], cols[backward]]).astype(np.int64)
    b = np.concatenate([cols[forward], rows[backward]]).astype(np.int64)
    s = np.concatenate([sims[forward], sims[backward]])
    if not len(a):
        return label.tolist()
    order = np.lexsort((b, -s, a))  # by article, then falling similarity, then partner index
    a, b = a[order], b[order]
    first = np.ones(len(a), dtype=bool)
    first[1:] = a[1:] != a[:-1]
    moved = label.copy()
    moved[a[first]] = label[b[first]]
    return moved.tolist()
