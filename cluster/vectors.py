"""Story vectors: one sparse, weighted, per-block TF-IDF vector per article.

Each article's words are read in one regex pass, the function words of its language
left out (English: :data:`cluster.text.STOP_WORDS`; other languages: the Stopwords ISO
lists through the ``stopwordsiso`` package, so that in a mixed-language input "die",
"und" and "der" do not make two unrelated German articles alike), their inflections
folded (:func:`fold_word`), and hashed into fixed columns (no vocabulary is kept), four columns
a word: body words, title words, capitalised names and numbers, lead words. Each block
is L2-normalised and weighted, so a dot product of two rows is a weighted mean of
per-block cosines. Large inputs are read in worker processes.
"""

from __future__ import annotations

import functools
import re
import unicodedata
import zlib
from typing import TYPE_CHECKING, Iterator, Sequence

from .events import cjk_bigrams
from .pools import pool_map, process_pool, usable_cores
from .settings import StorySettings
from .text import STOP_WORDS
from .topk import heaviest_per_row

if TYPE_CHECKING:  # pragma: no cover
    from array import array

    import numpy as np
    import scipy.sparse as sp

    from .types import Article

__all__ = ["story_vectors", "fold_word", "language_stop_words", "DROP_UNIQUE_TERMS_FROM"]

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


def language_stop_words(language: str | None) -> frozenset[str]:
    """Function words of ``language`` (ISO 639-1) left out of story vectors besides
    :data:`cluster.text.STOP_WORDS`: the Stopwords ISO list (``stopwordsiso``) of a
    language other than English, lower-cased; empty for English, an unknown language or
    None (English words are left out of every article).

    Example:
        >>> {"die", "und", "der"} <= language_stop_words("de"), language_stop_words("en"), language_stop_words(None)
        (True, frozenset(), frozenset())
    """
    return _stop_words_of(language.lower()) if language else frozenset()


@functools.lru_cache(maxsize=None)
def _stop_words_of(language: str) -> frozenset[str]:
    if language == "en":
        return frozenset()
    import stopwordsiso  # lazy: reads its lists on first use

    if not stopwordsiso.has_lang(language):
        return frozenset()
    return frozenset(w.lower() for w in stopwordsiso.stopwords(language))


def _article_columns(
    title: str, body: str, max_words: int, lead_words: int, cache: dict[str, int], out: "array", language: str | None = None
) -> None:
    """Append the feature columns of one article to ``out`` (one column per occurrence).

    Blocks: ``_W`` body and title words, ``_T`` title words, ``_L`` words among the first
    ``lead_words`` body words, ``_N`` names and numbers: capitalised words that do not open
    a sentence, and tokens with digits (counts, sums, dates tell events of one topic apart). Words are folded
    (:func:`fold_word`) before hashing; the function words of ``language``
    (:func:`language_stop_words`) are left out. ``cache`` (one per language) maps a
    lowercased token to its column base ``b``, to ``-b - 2`` for a number, or to -1 for a
    stop word.
    """
    stops = language_stop_words(language)
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
                bucket = cache[low] = -1 if low in stops else _column_base(low)
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


def _batch_columns(task: tuple[list[tuple[str, str, str | None]], int, int]) -> "sp.csr_matrix":
    """Term counts of a batch of (title, body, language) triples: a ``(len(pairs), 2**23)`` float32 CSR
    matrix, columns sorted and summed in each row (read in the worker, so only the counts
    travel back)."""
    from array import array

    import numpy as np
    import scipy.sparse as sp

    pairs, max_words, lead_words = task
    cols: array = array("l")
    counts: array = array("l")
    caches: dict[str | None, dict[str, int]] = {}
    for title, body, language in pairs:
        before = len(cols)
        key = (language or "").lower() or None
        cache = caches.get(key)
        if cache is None:
            cache = caches[key] = {}
        _article_columns(title, body, max_words, lead_words, cache, cols, key)
        counts.append(len(cols) - before)
    indptr = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(np.frombuffer(counts, dtype=np.int64), out=indptr[1:])
    indices = np.frombuffer(cols, dtype=np.int64).astype(np.int32)
    del cols
    batch = sp.csr_matrix((np.ones(len(indices), dtype=np.float32), indices, indptr), shape=(len(counts), _BUCKETS * 4))
    batch.sum_duplicates()  # also sorts the columns of each row
    return batch


def _column_batches(articles: Sequence["Article"], settings: StorySettings) -> "Iterator[sp.csr_matrix]":
    """Yield the term counts (:func:`_batch_columns`) per batch of articles in input order, on every core for large inputs."""
    chars = settings.max_words * 12  # ~12 characters a word is plenty
    tasks = (
        (
            [(a.title or "", (a.text or "")[:chars], a.language) for a in articles[start : start + _BATCH]],
            settings.max_words,
            settings.lead_words,
        )
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
    vocabulary is kept) and each row keeps its ``vector_terms`` heaviest entries. The IDF
    of an article in a language other than the corpus's most common one is counted among
    the articles of its own language (:func:`_language_idf`): counted over the whole
    corpus, the everyday words of a minority language are rare, and weigh as if they
    told two of its articles apart. Function words are left out per language
    (:func:`language_stop_words`).

    Returns an ``(n, 2**23)`` float32 CSR matrix (int32 column indices, int64 row
    pointers, columns sorted in each row), one row per article; column ``4 * b + k`` is
    word bucket ``b`` (of ``2**21``) in block ``k`` (body, title, names and numbers, lead).
    Memory is about ``2 * max_words`` entries an article while it is built.

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
    for batch in _column_batches(articles, settings):
        # Occurrences become counts batch by batch (in the workers), so all occurrences are never held at once.
        if filled + batch.nnz > capacity:
            capacity = max(2 * capacity, filled + batch.nnz)
            data_all = np.concatenate([data_all[:filled], np.empty(capacity - filled, dtype=np.float32)])
            cols_all = np.concatenate([cols_all[:filled], np.empty(capacity - filled, dtype=np.int32)])
        data_all[filled : filled + batch.nnz] = batch.data
        cols_all[filled : filled + batch.nnz] = batch.indices
        filled += batch.nnz
        count_parts.append(np.diff(batch.indptr))
        del batch
    counts = np.concatenate(count_parts) if count_parts else np.zeros(0, np.int64)
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=indptr[1:])
    # The reserve is shrunk in place (no copy; scipy copies a view of a much larger array),
    # and the counts stay in the two flat arrays: each step below wraps its own rows.
    data_all.resize(filled, refcheck=False)  # no view of them exists
    cols_all.resize(filled, refcheck=False)
    data, indices = data_all, cols_all
    del data_all, cols_all
    # Document frequencies, counted a slice of entries at a time (bincount widens its input
    # to int64 and returns one int64 count a column: two 64 MB temporaries, whatever the corpus).
    counted = np.zeros(width, dtype=np.int32)
    for start in range(0, filled, 1 << 22):
        counted += np.bincount(indices[start : start + (1 << 22)], minlength=width)  # same_kind cast
    df = counted.astype(np.float32)  # exact: a count is at most n, far below 2**24
    del counted
    idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
    if n >= DROP_UNIQUE_TERMS_FROM:
        idf[df < 2] = 0.0
    del df
    languages = _language_idf(articles, indices, indptr)
    weights = np.array([1.0, settings.title_weight, settings.names_weight, settings.lead_weight], dtype=np.float32)
    weights = np.sqrt(weights / weights.sum())
    # Weighted rows are written over the counts: a slice never has more entries weighted
    # than counted, so the output never overtakes the input still to be read.
    out_indptr = np.zeros(n + 1, dtype=np.int64)
    step = 4096  # rows weighed at once: their temporaries are ~60 bytes an entry (~100 MB a step)
    for start in range(0, n, step):
        stop = min(start + step, n)
        lo, hi = int(indptr[start]), int(indptr[stop])
        rows = sp.csr_matrix((data[lo:hi], indices[lo:hi], indptr[start : stop + 1] - lo), shape=(stop - start, width))
        rows.has_canonical_format = True  # each batch was summed and sorted
        own = [(r[(r >= start) & (r < stop)] - start, c, i) for r, c, i in languages]
        part = _weigh_rows(rows, idf, weights, settings.vector_terms, [o for o in own if o[0].size])
        del rows
        first = out_indptr[start]
        data[first : first + part.nnz] = part.data
        indices[first : first + part.nnz] = part.indices
        out_indptr[start + 1 : stop + 1] = first + part.indptr[1:]
    end = int(out_indptr[-1])
    data.resize(end, refcheck=False)  # in place again: the weighted rows are the vectors
    indices.resize(end, refcheck=False)
    return sp.csr_matrix((data, indices, out_indptr), shape=(n, width))


def _language_idf(
    articles: Sequence["Article"], indices: "np.ndarray", indptr: "np.ndarray"
) -> "list[tuple[np.ndarray, np.ndarray, np.ndarray]]":
    """The IDF of each language but the corpus's most common one, counted among that
    language's articles only: one ``(rows, columns, idf)`` per language, ``rows`` its
    articles (int64, ascending), ``columns`` the columns its articles hold (int32,
    ascending) and ``idf`` theirs (float32, same formula as :func:`story_vectors`); ``[]``
    for a corpus of one language. Articles of unknown language go with the most common."""
    import numpy as np
    from collections import Counter

    languages = [(a.language or "").lower() for a in articles]
    counted = Counter(code for code in languages if code)
    if len(counted) < 2:
        return []
    common = min(counted.items(), key=lambda item: (-item[1], item[0]))[0]
    rows_of: dict[str, list[int]] = {}
    for row, code in enumerate(languages):
        if code and code != common:
            rows_of.setdefault(code, []).append(row)
    out = []
    for _, rows in sorted(rows_of.items()):
        held = np.concatenate([indices[indptr[r] : indptr[r + 1]] for r in rows])  # each row's columns are distinct
        columns, df = np.unique(held, return_counts=True)
        n = len(rows)
        idf = np.log((1.0 + n) / (1.0 + df.astype(np.float32))) + 1.0
        if n >= DROP_UNIQUE_TERMS_FROM:
            idf[df < 2] = 0.0
        out.append((np.array(rows, dtype=np.int64), columns, idf.astype(np.float32)))
    return out


def _weigh_rows(
    tf: "sp.csr_matrix",
    idf: "np.ndarray",
    weights: "np.ndarray",
    keep: int,
    own_idf: "Sequence[tuple[np.ndarray, np.ndarray, np.ndarray]]" = (),
) -> "sp.csr_matrix":
    """Sublinear TF-IDF, per-block L2 norm times block weight, top ``keep`` entries, row L2
    norm. ``own_idf``: ``(rows of tf, columns, idf)`` of rows weighed by their language's
    own IDF instead of ``idf`` (see :func:`_language_idf`)."""
    import numpy as np
    import scipy.sparse as sp

    rows = tf.shape[0]
    row_of = np.repeat(np.arange(rows), np.diff(tf.indptr))
    block = tf.indices & 3
    term_idf = idf[tf.indices]
    for local, columns, language_idf in own_idf:
        for r in local.tolist():
            lo, hi = tf.indptr[r], tf.indptr[r + 1]
            term_idf[lo:hi] = language_idf[np.searchsorted(columns, tf.indices[lo:hi])]
    data = (1.0 + np.log(tf.data)) * term_idf
    key = row_of * 4 + block
    norms = np.sqrt(np.bincount(key, weights=data.astype(np.float64) ** 2, minlength=rows * 4))
    data = data / np.where(norms > 0, norms, 1.0)[key] * weights[block]
    live = data > 0
    row_of, cols, data = row_of[live], tf.indices[live], data[live].astype(np.float32)
    if len(data) and np.bincount(row_of, minlength=rows).max() > keep:
        chosen = np.sort(heaviest_per_row(row_of, data, keep))
        row_of, cols, data = row_of[chosen], cols[chosen], data[chosen]
    norms = np.sqrt(np.bincount(row_of, weights=data.astype(np.float64) ** 2, minlength=rows))
    data = (data / np.where(norms > 0, norms, 1.0)[row_of]).astype(np.float32)
    indptr = np.zeros(rows + 1, dtype=np.int64)
    np.cumsum(np.bincount(row_of, minlength=rows), out=indptr[1:])
    return sp.csr_matrix((data, cols, indptr), shape=tf.shape)
