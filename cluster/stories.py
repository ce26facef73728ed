"""Story grouping: a story representation, candidate search, verification, grouping.

Syndicated copies are near-duplicates; stories are looser: write-ups of one event by
different outlets share names, numbers and salient words, but few word sequences. The
grouping reads like a table of contents:

1. represent: one sparse TF-IDF vector per original article, made of weighted blocks
   (body words, title words, capitalised names, lead words), each block L2-normalised,
   so a dot product is a weighted mean of per-block cosines;
2. candidates: an inverted index over each article's top TF-IDF terms, with posting
   lists of overly common terms dropped; each article keeps its ``neighbors`` best
   candidates by the pruned score (no all-pairs comparison anywhere);
3. verify: the exact cosine of the full vectors for each candidate pair (weak pairs are
   kept, they count towards group means); pairs published too far apart (when both carry
   ``published``) are dropped;
4. group: average-link agglomeration over the verified edges, where an absent edge counts
   as zero similarity, so one weak link cannot merge two stories;
5. copies join the group of their original.
"""

from __future__ import annotations

import heapq
import re
from datetime import date
from typing import TYPE_CHECKING, Mapping, Sequence

from .settings import StorySettings
from .text import normalize

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import scipy.sparse as sp

    from .types import Article

__all__ = ["group_stories", "story_vectors", "candidate_pairs", "verified_edges", "average_link"]

_WORD = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)
_NAME = re.compile(r"(?<![\w'’])[A-Z][\w'’-]*\w")
_SENTENCE_END = re.compile(r"[.!?]['\"’”)]*\s+|\n+")
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
    return average_link(n, rows, cols, sims, settings.min_similarity)


def _features(article: "Article", settings: StorySettings) -> list[str]:
    """Prefixed features of one article: ``w`` body+title words, ``t`` title words, ``n`` names, ``l`` lead words."""
    title = normalize(article.title or "")
    body = normalize((article.text or "")[: settings.max_words * 12])  # ~12 characters a word is plenty
    words_left = settings.max_words
    body_tokens = [w.lower() for w in _WORD.findall(body)[:words_left]]
    title_tokens = [w.lower() for w in _WORD.findall(title)]
    feats = [f"w {w}" for w in title_tokens + body_tokens if w not in STOP_WORDS and not w.isdigit() or (w.isdigit() and len(w) > 1)]
    feats += [f"t {w}" for w in title_tokens if w not in STOP_WORDS]
    feats += [f"l {w}" for w in body_tokens[: settings.lead_words] if w not in STOP_WORDS]
    cut = len(" ".join(body.split()[: settings.max_words]))
    for sentence in _SENTENCE_END.split(title + "\n" + body[: cut + 1]):
        for match in _NAME.finditer(sentence):
            if match.start() == 0:
                continue  # sentence-initial capitals are not evidence of a name
            name = match.group(0).lower()
            if name not in STOP_WORDS:
                feats.append(f"n {name}")
    return feats


# Terms found in one article only are dropped on corpora at least this large: there they
# are mostly typos and one-off mentions that dilute the cosine; on a tiny corpus nearly
# every term is unique, and dropping them would leave only the common words.
DROP_UNIQUE_TERMS_FROM = 100
_BLOCKS = ("w", "t", "n", "l")


def story_vectors(articles: Sequence["Article"], settings: StorySettings) -> "sp.csr_matrix":
    """Sparse story vectors (rows L2-normalised overall) from weighted, per-block TF-IDF.

    Example:
        >>> from cluster.types import Article
        >>> v = story_vectors([Article("a", "Quake hits Chile."), Article("b", "Quake hits Peru.")], StorySettings())
        >>> v.shape[0]
        2
    """
    import numpy as np
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = [_features(a, settings) for a in articles]
    vectorizer = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, min_df=2 if len(articles) >= DROP_UNIQUE_TERMS_FROM else 1, dtype=np.float32)
    try:
        matrix = vectorizer.fit_transform(docs).tocsr()
        vocabulary = vectorizer.get_feature_names_out()
    except ValueError:  # no feature occurs in two articles: nothing can be similar
        return sp.csr_matrix((len(articles), 1), dtype=np.float32)
    block_of = np.array([_BLOCKS.index(name[0]) for name in vocabulary], dtype=np.int8)
    weights = {"w": 1.0, "t": settings.title_weight, "n": settings.names_weight, "l": settings.lead_weight}
    total = sum(weights.values())
    matrix.sort_indices()
    data = matrix.data.astype(np.float64)
    row_of = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    col_block = block_of[matrix.indices]
    for b, name in enumerate(_BLOCKS):
        mask = col_block == b
        norms = np.zeros(matrix.shape[0])
        np.add.at(norms, row_of[mask], data[mask] ** 2)
        norms = np.sqrt(norms)
        factor = np.sqrt(weights[name] / total)
        safe = np.where(norms > 0, norms, 1.0)
        data[mask] = data[mask] / safe[row_of[mask]] * factor
    # Renormalise: an article without a title (or without names) spends its whole weight on
    # the blocks it has, so its similarities are on the same scale as everyone else's.
    norms = np.sqrt(np.bincount(row_of, weights=data**2, minlength=matrix.shape[0]))
    data = data / np.where(norms > 0, norms, 1.0)[row_of]
    return sp.csr_matrix((data.astype(np.float32), matrix.indices, matrix.indptr), shape=matrix.shape)


def _identity(features: list[str]) -> list[str]:
    return features


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
    """Keep each row's ``k`` largest entries (ties broken by column, so deterministic)."""
    import numpy as np
    import scipy.sparse as sp

    counts = np.diff(vectors.indptr)
    row_of = np.repeat(np.arange(vectors.shape[0]), counts)
    order = np.lexsort((vectors.indices, -vectors.data, row_of))
    rank = np.arange(len(order)) - np.repeat(vectors.indptr[:-1], counts)
    chosen = order[rank < k]
    return sp.csr_matrix((vectors.data[chosen], (row_of[chosen], vectors.indices[chosen])), shape=vectors.shape)


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
