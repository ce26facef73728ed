"""TF-IDF sentence salience: how central, early and widely supported a sentence is.

A sentence's score is a weighted sum of four signals, all on a 0..1 scale:

* centrality: its mean cosine similarity to the *other* articles of the story (what
  the story as a whole is about, not what one writer dwells on);
* support: its best cosine similarity to a single sentence of another article (some
  other source says the same thing);
* title: its mean cosine similarity to the articles' titles;
* position: ``1 / (1 + position)``, since news puts the essentials first.

The ranker follows scikit-learn's conventions: ``__init__`` stores keyword-only
settings, :meth:`SentenceRanker.fit` learns the vocabulary and IDF and returns self,
learned state ends in ``_``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import chain
from typing import TYPE_CHECKING, Any, Mapping, NamedTuple, Sequence

import numpy as np

from cluster.text import ascii_word_runs

from .sentences import Sentence

if TYPE_CHECKING:
    from .settings import SalienceSettings

__all__ = ["SentenceRanker", "TfidfRows", "NotFittedError"]

_TOKEN = re.compile(r"(?u)\b\w+\b")  # scikit-learn's token pattern with one-letter words kept
_DENSE_CELLS = 1 << 16  # rows x vocabulary up to which word counts are taken from a dense array


@lru_cache(maxsize=None)
def _stop_words(name: str | None) -> frozenset[str]:
    if name is None:
        return frozenset()
    if name != "english":
        raise ValueError(f"stop_words must be 'english' or None, not {name!r}")
    from cluster.text import english_stop_words

    return english_stop_words()


class NotFittedError(ValueError, AttributeError):
    """A ranker was used before :meth:`SentenceRanker.fit`.

    A programming error, not a user error (as scikit-learn's ``NotFittedError``): it is no
    :class:`~cluster.errors.StoryfoldError`, so the CLI does not turn it into an exit code
    and it keeps its traceback.
    """


class TfidfRows(NamedTuple):
    """TF-IDF rows in compressed sparse row form: the arrays of a SciPy ``csr_matrix``
    without its per-operation checks, for the many small stories of a digest.

    ``data`` holds the float64 weights, ``indices`` their int32 columns (ascending within
    a row), ``indptr`` (int32, ``n_rows + 1``) where each row starts; ``shape`` is
    ``(n_rows, vocabulary)``.
    """

    data: np.ndarray
    indices: np.ndarray
    indptr: np.ndarray
    shape: tuple[int, int]

    def tocsr(self) -> Any:
        """The rows as a SciPy ``csr_matrix`` (sharing the arrays)."""
        from scipy.sparse import csr_matrix

        return csr_matrix((self.data, self.indices, self.indptr), shape=self.shape)


def _as_csr(rows: Any) -> Any:
    return rows.tocsr() if isinstance(rows, TfidfRows) else rows


def _distinct(keys: np.ndarray, cells: int, weights: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of ``keys`` (int, all in ``[0, cells)``), ascending, and how many
    times each occurs (with ``weights``: the sum of its whole-number weights, exact in
    float64). Counted in a dense array when ``cells`` is small, else sorted."""
    if cells <= _DENSE_CELLS:
        counts = np.bincount(keys, weights=weights, minlength=cells)
        found = np.flatnonzero(counts)
        return found, counts[found]
    if weights is None:
        return np.unique(keys, return_counts=True)
    found, inverse = np.unique(keys, return_inverse=True)
    return found, np.bincount(inverse, weights=weights)


def _row_sums(products: np.ndarray, indptr: np.ndarray, n: int, *, drop_zeros: bool) -> np.ndarray:
    """Each row's sum of ``products`` (laid out as the rows' entries), added as SciPy's
    ``sum(axis=1)`` adds a CSR matrix's rows: ``np.add.reduceat`` over the non-empty
    rows, after dropping zero products when the matrix came from an element-wise product
    (which keeps no zeros)."""
    if drop_zeros and not products.all():
        kept = products != 0.0
        row_of = np.repeat(np.arange(n), np.diff(indptr))
        indptr = np.zeros(n + 1, dtype=np.intp)
        np.cumsum(np.bincount(row_of[kept], minlength=n), out=indptr[1:])
        products = products[kept]
    sums = np.zeros(n)
    nonempty = np.flatnonzero(np.diff(indptr))
    if nonempty.size:
        sums[nonempty] = np.add.reduceat(products, indptr[nonempty])
    return sums


def _support(n: int, pairs: tuple[np.ndarray, np.ndarray, np.ndarray]) -> np.ndarray:
    """Each of ``n`` sentences' best cosine in candidate ``pairs`` (0 when in none)."""
    first, second, cosine = pairs
    support = np.zeros(n)
    np.maximum.at(support, first, cosine)
    np.maximum.at(support, second, cosine)
    return support


def _title_texts(article_ids: Sequence[str], titles: Mapping[str, str] | None) -> list[str]:
    """The non-blank titles of ``article_ids``, in that order."""
    return [t for a in article_ids if (t := (titles or {}).get(a) or "").strip()]


class SentenceRanker:
    """Score sentences of one story by centrality, support, title match and position.

    Example:
        >>> from summarize.sentences import Sentence
        >>> sentences = [Sentence("Rain flooded Paris on Monday.", "a", 0),
        ...              Sentence("The mayor likes jazz.", "a", 1),
        ...              Sentence("Floods hit Paris after heavy rain on Monday.", "b", 0)]
        >>> ranker = SentenceRanker().fit([s.text for s in sentences])
        >>> scores = ranker.score(sentences, {"a": "Rain flooded Paris on Monday. The mayor likes jazz.",
        ...                                   "b": "Floods hit Paris after heavy rain on Monday."})
        >>> bool(scores[0] > scores[1])
        True
    """

    def __init__(
        self,
        *,
        centrality_weight: float = 1.0,
        support_weight: float = 0.5,
        title_weight: float = 0.5,
        position_weight: float = 0.1,
        question_penalty: float = 0.1,
        sublinear_tf: bool = True,
        stop_words: str | None = "english",
    ) -> None:
        self.centrality_weight = centrality_weight
        self.support_weight = support_weight
        self.title_weight = title_weight
        self.position_weight = position_weight
        self.question_penalty = question_penalty
        self.sublinear_tf = sublinear_tf
        self.stop_words = stop_words

    @classmethod
    def from_settings(cls, settings: "SalienceSettings") -> "SentenceRanker":
        """A ranker with the weights of a ``[salience]`` table."""
        return cls(
            centrality_weight=settings.centrality_weight,
            support_weight=settings.support_weight,
            title_weight=settings.title_weight,
            position_weight=settings.position_weight,
            question_penalty=settings.question_penalty,
        )

    def fit(self, documents: Sequence[str]) -> "SentenceRanker":
        """Learn the vocabulary and IDF from ``documents`` (a story's sentences, or a corpus).

        The weights are scikit-learn's ``TfidfVectorizer(sublinear_tf=True,
        stop_words="english", token_pattern=r"(?u)\\b\\w+\\b")``, bit for bit: lower-cased
        word tokens without English stop words (all words when every one is a stop word),
        the vocabulary in sorted order, ``idf = ln((1 + n) / (1 + df)) + 1``, ``tf = 1 +
        ln(count)``, rows scaled to unit L2 norm. Computed here from one tokenization per
        text: each fitted text's token columns are kept, so the rows of fitted texts and of
        texts joined from them (a story's articles) are counted with NumPy, not tokenized
        again; this saves the estimator's fixed cost per call, paid four times for every
        story.

        Raises:
            ValueError: no document holds a word token (as scikit-learn's empty vocabulary).
        """
        texts = [d for d in documents if d.strip()] or ["empty"]
        stop = _stop_words(self.stop_words)
        tokens = [self._tokens(text, stop) for text in texts]
        if stop and not any(tokens):  # every word is a stop word
            stop = frozenset()
            tokens = [self._tokens(text, stop) for text in texts]
        flat = list(chain.from_iterable(tokens))
        vocabulary = sorted(set(flat))
        if not vocabulary:
            raise ValueError("empty vocabulary; the documents hold no word tokens")
        self.stop_words_ = stop
        self.vocabulary_ = {word: column for column, word in enumerate(vocabulary)}
        # The fitted texts' token columns, one run per text, and where each text's run starts.
        self._columns = np.fromiter(map(self.vocabulary_.__getitem__, flat), dtype=np.intp, count=len(flat))
        self._offsets = np.zeros(len(texts) + 1, dtype=np.intp)
        np.cumsum(np.fromiter(map(len, tokens), dtype=np.intp, count=len(tokens)), out=self._offsets[1:])
        self._position = {text: k for k, text in enumerate(texts)}
        self._texts = texts
        size = len(vocabulary)
        # distinct (text, column) pairs as ``text * size + column``, ascending, and their counts
        self._entries = _distinct(np.repeat(np.arange(len(texts)), np.diff(self._offsets)) * size + self._columns, len(texts) * size)
        df = np.bincount(self._entries[0] % size, minlength=size).astype(np.float64)  # documents holding each word
        df += 1.0
        idf = np.full_like(df, fill_value=len(texts) + 1, dtype=np.float64)
        idf /= df
        np.log(idf, out=idf)
        idf += 1.0
        self.idf_ = idf
        return self

    @staticmethod
    def _tokens(text: str, stop: frozenset[str]) -> list[str]:
        words = ascii_word_runs(text) if text.isascii() else _TOKEN.findall(text.lower())
        return [token for token in words if token not in stop]

    def _fitted(self) -> None:
        if not hasattr(self, "idf_"):
            raise NotFittedError("SentenceRanker is not fitted yet: call fit(documents) before score() or transform()")

    def transform(self, texts: Sequence[str]) -> Any:
        """L2-normalised TF-IDF rows of ``texts``: a SciPy ``csr_matrix``, shape
        ``(len(texts), vocabulary)``, float64, sorted int32 indices."""
        return self.weights(texts).tocsr()

    def transform_joined(self, groups: Sequence[Sequence[str]]) -> Any:
        """The rows :meth:`transform` gives ``[" ".join(group) for group in groups]``, from
        each member's tokens (reused when the member was fitted)."""
        return self.weights_joined(groups).tocsr()

    def weights(self, texts: Sequence[str]) -> "TfidfRows":
        """The rows of :meth:`transform` as plain arrays (:class:`TfidfRows`), without a
        SciPy matrix."""
        self._fitted()
        return self._weigh(list(texts), None, len(texts))

    def weights_joined(self, groups: Sequence[Sequence[str]]) -> "TfidfRows":
        """The rows of :meth:`transform_joined` as plain arrays (:class:`TfidfRows`)."""
        self._fitted()
        sizes = np.fromiter(map(len, groups), dtype=np.intp, count=len(groups))
        return self._weigh(list(chain.from_iterable(groups)), np.repeat(np.arange(len(groups)), sizes), len(groups))

    def _weigh(self, members: list[str], rows_of: np.ndarray | None, n_rows: int) -> "TfidfRows":
        """The rows whose words are the tokens of ``members``, member ``k`` counted in row
        ``rows_of[k]`` (``None``: row ``k``); a member's words outside the vocabulary are
        left out."""
        from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2

        size = len(self.vocabulary_)
        if members == self._texts:  # the fitted texts in order (a story's sentences): counted already
            keys, counts = self._entries
            if rows_of is not None:
                text = keys // size
                keys, counts = _distinct(rows_of[text] * size + (keys - text * size), n_rows * size, counts)
        else:
            keys, counts = self._counted(members, rows_of)
        row = keys // size
        indptr = np.zeros(n_rows + 1, dtype=np.int32)
        np.cumsum(np.bincount(row, minlength=n_rows), out=indptr[1:])
        values = counts.astype(np.float64)
        if self.sublinear_tf:
            np.log(values, out=values)
            values += 1.0
        column = (keys - row * size).astype(np.int32)
        values *= self.idf_[column]
        rows = TfidfRows(values, column, indptr, (n_rows, size))
        inplace_csr_row_normalize_l2(rows)  # reads data, indices, indptr and shape: scikit-learn's own loop
        return rows

    def _counted(self, members: list[str], rows_of: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """Distinct ``row * vocabulary + column`` keys of ``members``' words, ascending (so
        columns ascend within a row), and their counts."""
        columns, offsets = self._columns, self._offsets
        at = [self._position.get(text, -1) for text in members]
        if -1 in at:  # texts that were not fitted: tokenized here, their columns appended
            vocabulary, stop, added = self.vocabulary_, self.stop_words_, []
            for k, text in enumerate(members):
                if at[k] < 0:
                    at[k] = len(offsets) - 1 + len(added)
                    added.append([vocabulary[word] for word in self._tokens(text, stop) if word in vocabulary])
            columns = np.concatenate([columns, np.fromiter(chain.from_iterable(added), dtype=np.intp)])
            offsets = np.concatenate([offsets, offsets[-1] + np.cumsum([len(found) for found in added], dtype=np.intp)])
        at_array = np.array(at, dtype=np.intp)
        starts, lengths = offsets[at_array], offsets[at_array + 1] - offsets[at_array]
        runs = np.cumsum(lengths) - lengths  # where each member's run starts among the gathered tokens
        gathered = columns[np.repeat(starts - runs, lengths) + np.arange(int(lengths.sum()))]
        rows = np.arange(len(members)) if rows_of is None else rows_of
        size = len(self.vocabulary_)
        return _distinct(np.repeat(rows, lengths) * size + gathered, (int(rows.max(initial=-1)) + 1) * size)

    def score(
        self,
        sentences: Sequence[Sentence],
        article_texts: Mapping[str, str],
        titles: Mapping[str, str] | None = None,
        *,
        max_postings: int = 200,
        rows: Any = None,
        pairs: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None,
        documents: Any = None,
    ) -> np.ndarray:
        """One salience score per sentence, in input order (float64, shape ``(n,)``).

        ``article_texts`` maps each article id to the text the centrality signal compares
        against; ``titles`` maps article ids to titles (missing or empty: no title signal).
        Support is read from candidate pairs (:func:`summarize.pairs.candidate_pairs` with
        ``max_postings``) and centrality from the sum of the article vectors, so memory
        and time grow with the sentences, not their square. ``rows`` (the sentences'
        :meth:`transform` or :meth:`weights`), ``pairs`` (their candidate pairs) and
        ``documents`` (the rows of ``article_texts`` in sorted id order) may be passed
        when the caller has them already. A one-article story, and a story whose
        sentence pairs share at most :data:`summarize.pairs.MAX_PLAIN_PRODUCTS` term
        products, is scored from the plain arrays, without SciPy, to the same floats.
        """
        if not sentences:
            return np.zeros(0)
        article_ids = sorted(article_texts)
        if len(article_ids) == 1 and all(s.article_id == article_ids[0] for s in sentences):
            return self._score_one_article(sentences, article_texts, titles, rows, documents)
        index = {a: i for i, a in enumerate(article_ids)}
        owner = np.array([index.get(s.article_id, -1) for s in sentences])
        rows = self.weights([s.text for s in sentences]) if rows is None else rows
        documents = self.weights([article_texts[a] for a in article_ids]) if documents is None else documents
        if len(article_ids) > 1 and isinstance(rows, TfidfRows) and isinstance(documents, TfidfRows):
            scores = self._score_plain(sentences, article_ids, titles, rows, documents, owner, pairs, max_postings)
            if scores is not None:
                return scores
        rows, documents = _as_csr(rows), _as_csr(documents)

        # mean cosine to the other articles = (cosine to the sum of all articles - to its own) / (articles - 1)
        own_rows = documents[np.maximum(owner, 0)]
        to_own = np.where(owner >= 0, np.asarray(rows.multiply(own_rows).sum(axis=1)).ravel(), 0.0)
        if len(article_ids) > 1:
            to_all = np.asarray(rows @ np.asarray(documents.sum(axis=0)).ravel()).ravel()
            others = np.where(owner >= 0, len(article_ids) - 1, len(article_ids))
            centrality = (to_all - to_own) / others
        else:
            centrality = to_own if len(article_ids) else np.zeros(len(sentences))

        from .pairs import candidate_pairs

        support = _support(len(sentences), pairs if pairs is not None else candidate_pairs(rows, owner, max_postings=max_postings))

        title_texts = _title_texts(article_ids, titles)
        if title_texts:
            title = (rows @ self.transform(title_texts).T).toarray().mean(axis=1)
        else:
            title = np.zeros(len(sentences))

        return self._combine(sentences, centrality, support, title)

    def _combine(self, sentences: Sequence[Sentence], centrality: np.ndarray, support: np.ndarray, title: np.ndarray) -> np.ndarray:
        position = 1.0 / (1.0 + np.array([s.position for s in sentences], dtype=float))
        question = np.array([s.text.rstrip("\"'”’) ").endswith("?") for s in sentences], dtype=float)
        return (
            self.centrality_weight * centrality
            + self.support_weight * support
            + self.title_weight * title
            + self.position_weight * position
            - self.question_penalty * question
        )

    def _score_plain(
        self,
        sentences: Sequence[Sentence],
        article_ids: Sequence[str],
        titles: Mapping[str, str] | None,
        rows: TfidfRows,
        documents: TfidfRows,
        owner: np.ndarray,
        pairs: tuple[np.ndarray, np.ndarray, np.ndarray] | None,
        max_postings: int,
    ) -> np.ndarray | None:
        """:meth:`score` of a story of several articles from the plain arrays, each sum
        in the order SciPy's sparse operations add it (see :meth:`_score_one_article` and
        :func:`summarize.pairs.shared_term_dots`); ``None`` when the story is too big for
        that, to be scored with SciPy."""
        from .pairs import candidate_pairs, sequential_sums, shared_term_dots

        n, width = rows.shape
        title_texts = _title_texts(article_ids, titles)
        heading = self.weights(title_texts) if title_texts else None
        title_dots = shared_term_dots(rows, heading) if heading is not None else None
        if heading is not None and title_dots is None:
            return None
        lengths = np.diff(rows.indptr)
        # cosine to its own article: products at the shared words, zeros dropped, added by
        # np.add.reduceat (SciPy's element-wise product, then its row sum)
        article_keys = np.repeat(np.arange(documents.shape[0]), np.diff(documents.indptr)) * width + documents.indices
        keys = np.repeat(np.maximum(owner, 0), lengths) * width + rows.indices
        own_weight = np.zeros(keys.size)  # the article's weight of each sentence word (0: not in it)
        if article_keys.size:
            at = np.minimum(np.searchsorted(article_keys, keys), article_keys.size - 1)
            found = article_keys[at] == keys
            own_weight[found] = documents.data[at[found]]
        products = rows.data * own_weight
        to_own = _row_sums(products, rows.indptr, n, drop_zeros=True)
        to_own[owner < 0] = 0.0
        # cosine to the sum of the articles: the column sums add the articles one after
        # another (SciPy's ``sum(axis=0)``), each row's products are added one after another
        # (its matrix-vector product)
        total = np.zeros(width)
        starts = documents.indptr.tolist()
        for k in range(documents.shape[0]):
            total[documents.indices[starts[k] : starts[k + 1]]] += documents.data[starts[k] : starts[k + 1]]
        to_all = sequential_sums(rows.data * total[rows.indices], lengths)
        others = np.where(owner >= 0, len(article_ids) - 1, len(article_ids))
        centrality = (to_all - to_own) / others

        support = _support(n, pairs if pairs is not None else candidate_pairs(rows, owner, max_postings=max_postings))

        if title_dots is not None:
            dense = np.zeros((n, heading.shape[0]))
            dense[title_dots[0], title_dots[1]] = title_dots[2]
            title = dense.mean(axis=1)
        else:
            title = np.zeros(n)
        return self._combine(sentences, centrality, support, title)

    def _score_one_article(
        self,
        sentences: Sequence[Sentence],
        article_texts: Mapping[str, str],
        titles: Mapping[str, str] | None,
        rows: Any,
        documents: Any,
    ) -> np.ndarray:
        """:meth:`score` for the sentences of a one-article story (three quarters of the
        stories of a day), bit for bit, from the plain arrays: every sum is done in the
        order SciPy does it (a row's products over shared columns, ascending, added by
        ``np.add.reduceat`` for the cosine to the article, one after another for the
        title), and support is 0 with no other article."""
        (article_id,) = article_texts
        rows = rows if rows is not None else self.weights([s.text for s in sentences])
        document = documents if documents is not None else self.weights([article_texts[article_id]])
        n = len(sentences)
        dense = np.zeros(document.shape[1])
        dense[document.indices[document.indptr[0] : document.indptr[1]]] = document.data[document.indptr[0] : document.indptr[1]]
        centrality = _row_sums(rows.data * dense[rows.indices], rows.indptr, n, drop_zeros=True)
        title = np.zeros(n)
        title_text = (titles or {}).get(article_id) or ""
        if title_text.strip():
            heading = self.weights([title_text])
            weight_of = dict(zip(heading.indices.tolist(), heading.data.tolist()))
            values, columns, starts = rows.data.tolist(), rows.indices.tolist(), rows.indptr.tolist()
            for i in range(n):
                total = 0.0
                for k in range(starts[i], starts[i + 1]):
                    other = weight_of.get(columns[k])
                    if other is not None:
                        total += values[k] * other
                title[i] = total
        return self._combine(sentences, centrality, np.zeros(n), title)
