"""The summarize stage's fast paths give what their reference computations give.

Each fast path promises the same result as a plainer, slower computation: TF-IDF rows
as scikit-learn's ``TfidfVectorizer`` computes them, a one-article story's salience as
SciPy's sparse products compute it, the sentence splitter's and the fact features'
word lookups and reordered patterns as the plain regular expressions find, the digest's
bytes as ``json.dumps`` writes them, the extractive choice as a full scan of the
candidates makes it, stories on batched worker processes as one process summarizes
them. Each is checked here on seeded random inputs against that reference.
"""

from __future__ import annotations

import json
import math
import random
import re
from collections import Counter
from typing import Sequence

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from cluster.text import word_tokens
from summarize.extractive import ExtractiveSummarizer, content_bag, word_budget
from summarize.facts import _NAME, _QUOTED_SPAN, _first_person
from summarize.neutrality import subjectivity
from summarize.numbers import _FIGURE, _NUMBER_WORD, _figure_matches, _has_number_word, _words_to_digits
from summarize.output import dumps
from summarize.pairs import candidate_pairs, sequential_sums
from summarize.salience import SentenceRanker
from summarize.segmenter import _CANDIDATE, _WORD_BEFORE, _word_before, join_wrapped_lines
from summarize.sentences import _BOILERPLATE, Sentence, _boilerplate, _ends_with_stop
from summarize.settings import SummarySettings
from summarize.types import Fact, StoryInput

WORDS = (
    "the rain fell in Paris on Monday and river rose two metres overnight city closed 12 schools near its banks "
    "Zürich naïve Straße İstanbul ΣΟΦΟΣ it's don’t 3,5 1.2bn U.S. x _ __init__ de la"
).split()


def _text(rng: random.Random, most: int, extra: tuple[str, ...] = (), words: Sequence[str] = WORDS) -> str:
    return " ".join(rng.choice([*words, *extra]) for _ in range(rng.randint(0, most)))


ASCII_WORDS = tuple(w for w in WORDS if w.isascii())


def _reference(documents: list[str]) -> TfidfVectorizer:
    texts = [d for d in documents if d.strip()] or ["empty"]
    try:
        return TfidfVectorizer(sublinear_tf=True, stop_words="english", token_pattern=r"(?u)\b\w+\b").fit(texts)
    except ValueError:  # every word is a stop word
        return TfidfVectorizer(sublinear_tf=True, token_pattern=r"(?u)\b\w+\b").fit(texts)


@pytest.mark.parametrize("words", ["any", "ascii", "control"])
@pytest.mark.parametrize("dense", [True, False])
@pytest.mark.parametrize("seed", range(3))
def test_tfidf_rows_are_scikit_learns_bit_for_bit(seed: int, dense: bool, words: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Texts with letters beyond ASCII (the token pattern), ASCII texts only (one
    translation per text), and texts holding a control character."""
    if not dense:  # word counts sorted, as for a big story, instead of taken from a dense array
        monkeypatch.setattr("summarize.salience._DENSE_CELLS", 0)
    rng = random.Random(seed)
    vocabulary = {"any": WORDS, "ascii": ASCII_WORDS, "control": ASCII_WORDS + ("a\x01b", "\x01")}[words]
    for _ in range(60):
        documents = [_text(rng, 25, words=vocabulary) for _ in range(rng.randint(1, 30))]
        others = [_text(rng, 20, ("zebra", "the")) for _ in range(4)]
        reference, ranker = _reference(documents), SentenceRanker().fit(documents)
        for texts in (documents, others, ["the and of", ""]):
            expected, got = reference.transform(texts), ranker.transform(texts)
            assert got.shape == expected.shape
            assert got.indptr.tolist() == expected.indptr.tolist()
            assert got.indices.tolist() == expected.indices.tolist()
            assert got.data.tolist() == expected.data.tolist()  # equal floats, not close ones
        fitted = [d for d in documents if d.strip()]
        cut = rng.randint(0, len(fitted))
        for groups in (
            [documents[:3], documents[3:5] or ["rain"], ["Paris", "Paris Zürich"]],
            [fitted[:cut], fitted[cut:]],  # every fitted text once, in order (a story's articles)
        ):
            joined = ranker.transform_joined(groups)
            expected = reference.transform([" ".join(group) for group in groups])
            assert joined.indptr.tolist() == expected.indptr.tolist()
            assert joined.indices.tolist() == expected.indices.tolist() and joined.data.tolist() == expected.data.tolist()


def test_tfidf_of_stop_words_only_falls_back_to_every_word() -> None:
    ranker = SentenceRanker().fit(["the and of", "and the"])
    assert sorted(ranker.vocabulary_) == ["and", "of", "the"]
    assert ranker.transform(["of the"]).data.tolist() == _reference(["the and of", "and the"]).transform(["of the"]).data.tolist()


def _weighted(ranker: SentenceRanker, sentences: list[Sentence], centrality, support, heading) -> np.ndarray:
    """The salience formula written out: the signals weighted, plus position, less the question penalty."""
    position = 1.0 / (1.0 + np.array([s.position for s in sentences], dtype=float))
    question = np.array([s.text.rstrip("\"'”’) ").endswith("?") for s in sentences], dtype=float)
    return (
        ranker.centrality_weight * centrality
        + ranker.support_weight * support
        + ranker.title_weight * heading
        + ranker.position_weight * position
        - ranker.question_penalty * question
    )


def _scipy_score(sentences: list[Sentence], article: str, title: str, ranker: SentenceRanker) -> np.ndarray:
    """A one-article story's salience the way SciPy computes it: cosine to the article
    by element-wise product and row sum, title cosine by a sparse product."""
    reference = _reference([s.text for s in sentences])
    rows = reference.transform([s.text for s in sentences])
    own = reference.transform([article])[[0] * len(sentences)]
    centrality = np.asarray(rows.multiply(own).sum(axis=1)).ravel()
    heading = (rows @ reference.transform([title]).T).toarray().mean(axis=1) if title.strip() else np.zeros(len(sentences))
    return _weighted(ranker, sentences, centrality, np.zeros(len(sentences)), heading)


@pytest.mark.parametrize("seed", range(4))
def test_one_article_salience_is_the_scipy_computation_bit_for_bit(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(60):
        sentences = [Sentence(rng.choice(WORDS) + " " + _text(rng, 30) + rng.choice([".", "?", ""]), "a", k) for k in range(rng.randint(1, 40))]
        article = rng.choice([" ".join(s.text for s in sentences), " ".join(s.text for s in sentences[::2]) + " zebra"])
        title = rng.choice(["", "   ", _text(rng, 12, ("zebra",)), sentences[0].text])
        ranker = SentenceRanker().fit([s.text for s in sentences])
        expected = _scipy_score(sentences, article, title, ranker)
        for rows, documents in ((None, None), (ranker.weights([s.text for s in sentences]), ranker.weights([article]))):
            got = ranker.score(sentences, {"a": article}, {"a": title}, rows=rows, documents=documents)
            assert got.tolist() == expected.tolist()  # equal floats, not close ones


def _scipy_pairs(rows, owners: np.ndarray) -> list[tuple[int, int, float]]:
    """Candidate pairs the way SciPy computes them: every cosine of the sparse product."""
    product = (rows @ rows.T).tocoo()
    keep = (product.row < product.col) & (owners[product.row] != owners[product.col]) & (product.data > 0.0)
    return sorted(zip(product.row[keep].tolist(), product.col[keep].tolist(), product.data[keep].tolist()))


def _scipy_story_score(sentences: list[Sentence], texts: dict[str, str], titles: dict[str, str], ranker: SentenceRanker) -> np.ndarray:
    """A story's salience the way SciPy computes it: centrality from an element-wise
    product, row sums, column sums and a matrix-vector product; support from the sparse
    product; the title signal from a sparse product."""
    ids = sorted(texts)
    owners = np.array([ids.index(s.article_id) if s.article_id in texts else -1 for s in sentences])
    rows, documents = ranker.transform([s.text for s in sentences]), ranker.transform([texts[a] for a in ids])
    to_own = np.where(owners >= 0, np.asarray(rows.multiply(documents[np.maximum(owners, 0)]).sum(axis=1)).ravel(), 0.0)
    to_all = np.asarray(rows @ np.asarray(documents.sum(axis=0)).ravel()).ravel()
    centrality = (to_all - to_own) / np.where(owners >= 0, len(ids) - 1, len(ids))
    support = np.zeros(len(sentences))
    for i, j, cosine in _scipy_pairs(rows, owners):
        support[i], support[j] = max(support[i], cosine), max(support[j], cosine)
    heads = [t for a in ids if (t := titles.get(a, "")).strip()]
    heading = (rows @ ranker.transform(heads).T).toarray().mean(axis=1) if heads else np.zeros(len(sentences))
    return _weighted(ranker, sentences, centrality, support, heading)


@pytest.mark.parametrize("seed", range(6))
def test_sequential_sums_are_a_plain_loops(seed: int) -> None:
    rng = np.random.default_rng(seed)
    for skewed in (False, True):  # runs padded to one width, or a few long runs added a step at a time
        lengths = rng.integers(0, 4 if skewed else 30, size=int(rng.integers(0, 300)))
        if skewed and lengths.size:
            lengths[0] = 500
        values = rng.random(int(lengths.sum())) * 10.0 ** rng.integers(-8, 8, size=int(lengths.sum()))
        expected, at = [], 0
        for length in lengths.tolist():
            total = 0.0
            for value in values[at : at + length].tolist():
                total += value
            expected.append(total)
            at += length
        assert sequential_sums(values, lengths).tolist() == expected


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("plain", [True, False])
def test_story_salience_and_pairs_from_plain_arrays_are_scipys_bit_for_bit(
    seed: int, plain: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not plain:  # every story past the plain arrays' limit: SciPy's own path, to the same floats
        monkeypatch.setattr("summarize.pairs.MAX_PLAIN_PRODUCTS", 0)
    rng = random.Random(seed)
    for _ in range(40):
        ids = [f"a{k}" for k in range(rng.randint(2, 5))]
        sentences = [
            Sentence(rng.choice(WORDS) + " " + _text(rng, 30) + rng.choice([".", "?", ""]), rng.choice(ids + ["stray"] * (k == 3)), k)
            for k in range(rng.randint(1, 40))
        ]
        texts = {a: " ".join(s.text for s in sentences if s.article_id == a) or _text(rng, 8, ("zebra",)) for a in ids}
        titles = {a: rng.choice(["", "  ", _text(rng, 12, ("zebra",)), sentences[0].text]) for a in ids}
        ranker = SentenceRanker().fit([s.text for s in sentences])
        rows, documents = ranker.weights([s.text for s in sentences]), ranker.weights([texts[a] for a in ids])
        owners = np.array([ids.index(s.article_id) if s.article_id in texts else -1 for s in sentences])
        first, second, cosine = candidate_pairs(rows, owners)
        assert list(zip(first.tolist(), second.tolist(), cosine.tolist())) == _scipy_pairs(rows.tocsr(), owners)
        got = ranker.score(sentences, texts, titles, rows=rows, documents=documents)
        assert got.tolist() == _scipy_story_score(sentences, texts, titles, ranker).tolist()  # equal floats, not close ones



def test_story_salience_when_no_article_shares_a_word_with_the_sentences() -> None:
    sentences = [Sentence("Rain fell in Paris.", "a", 0), Sentence("Rain fell in Oslo?", "b", 0), Sentence("Snow.", "c", 0)]
    texts, titles = {"a": "zebra", "b": "yak", "c": ""}, {"a": "Rain", "b": "", "c": "zebra"}
    ranker = SentenceRanker().fit([s.text for s in sentences])
    rows, documents = ranker.weights([s.text for s in sentences]), ranker.weights([texts[a] for a in sorted(texts)])
    assert documents.data.size == 0
    got = ranker.score(sentences, texts, titles, rows=rows, documents=documents)
    assert got.tolist() == _scipy_story_score(sentences, texts, titles, ranker).tolist()

PIECES = (
    "a", "B", " ", "  ", "\t", "\n", "\x0b", "\u2028", "\u3000", "\xa0", ".", "...", "!", "?", "…", "。", "！", "？",
    '"', "'", "”", "’", ")", "]", "»", "」", "』", "）", "-", "Share", "cookies", "consent", "Advertisement", "ſhare",
    "Photo:", "click here", "Related:", "copyright", "©", "U.S.", "www.", "http://x.io", "Mr.", "1.5", "好",
    "Gen", "O’Neil", "e-mail", "x_y", "٣", "Ⅻ",
)
_REFERENCE_CANDIDATE = re.compile(r"(?:[.!?…]+|\.{3})[\"'”’)\]»]*(?=\s)|[。！？]+[」』”’）)\]]*")
_REFERENCE_TERMINAL = re.compile(r"(?:[.!?][\"'”’)\]]*|[。！？][」』”’）)]*)$")


@pytest.mark.parametrize("seed", range(3))
def test_sentence_pattern_fast_paths_are_the_patterns(seed: int) -> None:
    """The splitter's faster forms find what the plain patterns find: stop candidates,
    a line's closing stop, boilerplate lines, runs of whitespace."""
    rng = random.Random(seed)
    for _ in range(3000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 14)))
        spans = [(m.start(), m.end()) for m in _CANDIDATE.finditer(text)]
        assert spans == [(m.start(), m.end()) for m in _REFERENCE_CANDIDATE.finditer(text)], text
        assert _ends_with_stop(text) == bool(_REFERENCE_TERMINAL.search(text)), text
        assert _boilerplate(text) == bool(_BOILERPLATE.match(text)), text
        for end in range(len(text) + 1):
            assert _word_before(text, end) == _WORD_BEFORE.search(text[max(0, end - 40) : end]).group(1), (text, end)
    for line in join_wrapped_lines("".join(rng.choice(PIECES) for _ in range(400))):
        assert " ".join(line.split()) == re.sub(r"\s+", " ", line)


FIGURE_PIECES = (
    "1", "12", "1,500", "2 000", "3.5", "$", "US$", "usd", "USD ", "EUR", " ", "bn", " million", "%", " per cent", "€",
    "a", "x", ":", ".", ",", "\u00a0", "dollars", "5m", "k", "hk$", "C$", "٣", "-",
)


@pytest.mark.parametrize("seed", range(3))
def test_figure_matches_are_the_patterns_matches(seed: int) -> None:
    """Figures are looked for only near digits, and found where the pattern finds them."""
    rng = random.Random(seed)
    for _ in range(4000):
        text = "".join(rng.choice(FIGURE_PIECES) for _ in range(rng.randint(0, 12)))
        expected = [(m.span(), m.groupdict()) for m in _FIGURE.finditer(text)]
        assert [(m.span(), m.groupdict()) for m in _figure_matches(text)] == expected, text


NUMBER_PIECES = (
    " ", "  ", "\n", "Twelve", "twelve", "TWENTY", "ten", "tens", "often", "a dozen", "One dozen", "dozens", "3 dozen",
    "5", "1.5", " million", "Millions", "thousand", "bn", "people", "'s", "Ankara", "Blinken's", "U.S.", "NATO", "McDonald",
    "x-Ray", "İstanbul", "ſeven", "ſix", "É", "_", ".", ",", "’", "-", "(", '"',
    "I", "We", "we", "us", "US", "mine", "ours", "I'm", "myth", "‘my’", "“our", "ours”", "é",
)
_TOKEN_WORD = re.compile(r"\w+(?:['’]\w+)*")
_REFERENCE_FIRST_PERSON = re.compile(r"\b(?:I|me|my|mine|we|us|our|ours)\b")
_REFERENCE_NAME = re.compile(r"\b[A-Z][\w'’.-]*[a-z0-9][\w'’-]*|\b[A-Z]{2,}\b")


def _reference_words_to_digits(text: str) -> str:
    """The number-word rewrite with every pattern run, as it was before the checks."""
    from summarize import numbers

    text = numbers._DIGIT_SCALE.sub(lambda m: m.group(1) + " " + numbers._SHORT_SCALE[m.group(2).lower().rstrip("s")], text)
    text = numbers._DOZEN.sub("12", text)
    text = re.sub(r"\bdozens?\b", "12", text) if re.search(r"\b\d+\s+dozen\b", text) else text
    if not numbers._NUMBER_WORD.search(text):
        return text
    return numbers._alpha2digit()(text, "en")


@pytest.mark.parametrize("seed", range(3))
def test_name_and_number_word_fast_paths_are_the_patterns(seed: int) -> None:
    """Names, number words and the number-word rewrite, where a word lookup or a
    reordered pattern stands in for the plain one, give what the plain one gives."""
    rng = random.Random(seed)
    for _ in range(1500):
        text = "".join(rng.choice(NUMBER_PIECES) for _ in range(rng.randint(0, 12)))
        assert _NAME.findall(text) == _REFERENCE_NAME.findall(text), text
        assert bool(_NAME.fullmatch(text)) == bool(_REFERENCE_NAME.fullmatch(text)), text
        assert _has_number_word(text) == bool(_NUMBER_WORD.search(text)), text
        assert word_tokens(text) == ([m.group(0).lower().replace("’", "'") for m in _TOKEN_WORD.finditer(text)]), text
        assert _first_person(text) == (bool(_REFERENCE_FIRST_PERSON.search(text)) and bool(_REFERENCE_FIRST_PERSON.search(_QUOTED_SPAN.sub(" ", text)))), text
        assert _words_to_digits(text) == _reference_words_to_digits(text), text


def _reference_subjectivity(text: str) -> float:
    from cluster.text import word_tokens
    from summarize.neutrality import load_lexicon

    tokens = word_tokens(text)
    if not tokens:
        return 0.0
    loaded = sum(load_lexicon().get(token, 0.0) for token in tokens)
    shouted = sum(1 for word in text.split() if len(word) > 3 and word.isalpha() and word.isupper())
    return min(1.0, (loaded + 0.5 * (text.count("!") + shouted)) / len(tokens))


def test_subjectivity_fast_path_is_the_plain_count() -> None:
    rng = random.Random(0)
    pieces = ("NATO", " ", "USA", "HORRIBLE", "horrible", "good", "bad!", "ÉTAT", "Stop", "ABCD1", "SHOUT,", "Outrage", "wonderful", ".")
    for _ in range(3000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        assert subjectivity(text) == _reference_subjectivity(text), text


def _random_value(rng: random.Random, depth: int = 0) -> object:
    kind = rng.randrange(9 if depth < 4 else 5)
    if kind == 0:
        return rng.choice([0.0, -0.0, 1e-05, -3e-06, 2.5e-07, 5e-324, 1e-4, 0.1, 1.0, 1e16, 1e22, -1.5e300, rng.random()])
    if kind == 1:
        return rng.choice([0, -1, 2**63 - 1, 12])
    if kind == 2:
        return "".join(rng.choice("ab \"\\/\x00\x1f\x7f\u2028é漢😀\n\t") for _ in range(rng.randint(0, 8)))
    if kind == 3:
        return rng.choice([None, True, False])
    if kind == 4:
        return round(rng.random() * 10 ** rng.randint(-9, 3), rng.randint(0, 9))
    if kind in (5, 6):
        return {f"k{i}{rng.choice('é漢')}": _random_value(rng, depth + 1) for i in range(rng.randint(0, 4))}
    return [_random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]


@pytest.mark.parametrize("seed", range(3))
def test_dumps_writes_the_bytes_json_dumps_writes(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(200):
        data = {"schema": "x", "value": _random_value(rng), "pair": ("a", 1e-05)}
        assert dumps(data) == json.dumps(data, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_dumps_refuses_what_json_refuses(value: float) -> None:
    with pytest.raises(ValueError):
        dumps({"stories": [{"salience": value}]})


def test_dumps_falls_back_for_what_orjson_cannot_write() -> None:
    data = {"big": 2**70, "nested": {1: "int key"}}
    assert dumps(data) == json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _full_scan(facts: tuple[Fact, ...], settings: SummarySettings, budget: int) -> list[int]:
    """Maximal marginal relevance as first written: every candidate rescored at every step."""
    candidates = list(range(len(facts)))
    spread = max(max(f.source_count for f in facts) - 1, 1)
    value = {i: facts[i].salience + settings.consensus_weight * (facts[i].source_count - 1) / spread for i in candidates}
    bags = {i: content_bag(facts[i].text) for i in candidates}

    def cosine(a: Counter[str], b: Counter[str]) -> float:
        if not a or not b:
            return 0.0
        dot = sum(v * b[k] for k, v in a.items() if k in b)
        return dot / math.sqrt(sum(v * v for v in a.values()) * sum(v * v for v in b.values()))

    chosen: list[int] = []
    used = 0
    overlap = dict.fromkeys(candidates, 0.0)
    while candidates and used < budget:
        best = max(candidates, key=lambda i: (value[i] - settings.redundancy * overlap[i], -i))
        candidates.remove(best)
        if overlap[best] >= settings.max_overlap:
            continue
        length = len(facts[best].text.split())
        past = used + length - budget
        if chosen and past > 0 and past >= settings.overshoot * length:
            continue
        chosen.append(best)
        used += length
        for i in candidates:
            overlap[i] = max(overlap[i], cosine(bags[i], bags[best]))
    return chosen


@pytest.mark.parametrize("seed", range(4))
def test_lazy_extractive_choice_is_the_full_scans(seed: int) -> None:
    rng = random.Random(seed)
    vocabulary = "rain flood paris river schools mayor storm bridge trains police said the a of in".split()
    for _ in range(150):
        facts = []
        for k in range(rng.randint(1, 25)):
            words = [rng.choice(vocabulary) for _ in range(rng.randint(1, 14))]
            sources = rng.randint(1, 4)
            ids = tuple(f"a{s}" for s in range(sources))
            salience = rng.choice([0.5, 0.25, rng.random(), rng.random() - 0.2])
            facts.append(Fact(" ".join(words).capitalize() + ".", ids, ids, ids, salience=salience, position=k))
        settings = SummarySettings(
            redundancy=rng.choice([0.0, 0.5, 2.0]), max_overlap=rng.choice([0.3, 0.5, 1.0]), overshoot=rng.choice([0.0, 0.5, 1.0])
        )
        story, sources = tuple(facts), ("word " * rng.randint(20, 400),)
        chosen = _full_scan(story, settings, word_budget(sources, settings))
        ordered = sorted(chosen, key=lambda i: (-story[i].source_count, story[i].position, i))
        summary = ExtractiveSummarizer(settings=settings).summarize([StoryInput("s", story, sources)])[0]
        assert summary.text == " ".join(story[i].text for i in ordered)


def _small_clusterings():
    from cluster import Article, cluster_articles
    from cluster.types import Clustering, Skipped

    texts = [
        "Heavy rain flooded Genoa on Sunday, officials said. Firefighters rescued 40 residents from rooftops.",
        "Floods hit Genoa on Sunday after heavy rain. Firefighters rescued 40 people, the mayor said.",
        "The central bank raised rates by 0.25 points on Thursday. Markets fell 2% after the decision.",
        "A new bridge opened in Lisbon. It cost 1.5 billion euros and took 5 years to build.",
    ]
    articles = [Article(f"a{k}", text, title=text.split(".")[0], source=f"outlet{k % 3}") for k, text in enumerate(texts)]
    full = cluster_articles(articles)
    yield Clustering(full.articles, full.clusters, (Skipped("bad.json", "not JSON"),))
    yield Clustering((), (), (Skipped("empty.txt", "no text"),))


@pytest.mark.parametrize("case", range(2))
@pytest.mark.parametrize("encoded", [False, True])
def test_streamed_digest_is_the_whole_digest_written(tmp_path, case: int, encoded: bool) -> None:
    from summarize.digest import summarize_clustering, summarize_stories
    from summarize.output import digest_to_dict, encode_story, write_digest, write_json
    from summarize.settings import Settings

    clustering = list(_small_clusterings())[case]
    settings = Settings()
    whole, streamed = tmp_path / "whole.json", tmp_path / "streamed.json"
    write_json(digest_to_dict(summarize_clustering(clustering, settings), generated_at="2026-01-01T00:00:00+00:00"), whole)
    done = summarize_stories(clustering, settings, encode=encode_story if encoded else None)
    stories = reversed(list(done))  # any order: the writer puts them in digest order
    head = write_digest(stories, clustering, settings, streamed, generated_at="2026-01-01T00:00:00+00:00")
    assert streamed.read_bytes() == whole.read_bytes()
    assert head["stats"] == json.loads(whole.read_text())["stats"]


def test_streamed_digest_missing_a_story_is_refused_and_nothing_written(tmp_path) -> None:
    from cluster.errors import InvariantError
    from summarize.digest import summarize_stories
    from summarize.output import write_digest
    from summarize.settings import Settings

    clustering = next(_small_clusterings())
    stories = list(summarize_stories(clustering, Settings()))[1:]
    with pytest.raises(InvariantError, match="in no story"):
        write_digest(stories, clustering, Settings(), tmp_path / "digest.json")
    assert list(tmp_path.iterdir()) == []


def test_stories_on_worker_processes_in_batches_give_the_one_process_digest() -> None:
    """Enough stories for the worker pool, sized so batches close on the story count, on
    the article count and around a story bigger than a batch: the same digest as one
    process computes."""
    from cluster import Article
    from cluster.settings import EngineSettings
    from cluster.types import Cluster, Clustering
    from summarize.digest import summarize_clustering
    from summarize.output import digest_to_dict
    from summarize.settings import Settings

    rng = random.Random(5)
    articles, clusters = [], []
    for story, size in enumerate([1] * 40 + [3, 70, 2] + [1] * 30 + [9] * 8):
        ids = []
        for k in range(size):
            text = " ".join(f"{_text(rng, 14, ('Genoa', 'flooded', '40'))}." for _ in range(rng.randint(2, 6)))
            articles.append(Article(f"s{story:03d}-{k:02d}", f"Rain hit town {story} on Monday. {text}", source=f"outlet{k % 4}"))
            ids.append(articles[-1].id)
        clusters.append(Cluster.of(ids))
    clustering = Clustering(tuple(articles), tuple(sorted(clusters, key=lambda c: c.article_ids)), ())
    one = digest_to_dict(summarize_clustering(clustering, Settings(engine=EngineSettings(processes=1))), generated_at="x")
    pooled = digest_to_dict(summarize_clustering(clustering, Settings(engine=EngineSettings(processes=2))), generated_at="x")
    assert len(one["stories"]) == len(clusters) >= 64
    assert pooled == one
