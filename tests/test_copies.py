"""Copies (near-duplicates): signatures compatible with datasketch, candidate search, groups."""

from __future__ import annotations

import random

import numpy as np
import pytest

from cluster.copies import article_signatures, copy_pairs, find_copies
from cluster.errors import ConfigError
from cluster.hashing import shingle_hash
from cluster.settings import CopySettings, EngineSettings
from cluster.signatures import (
    iter_signature_batches,
    signatures_for_texts,
    text_shingles,
    text_tokens,
    to_datasketch,
)
from cluster.text import word_tokens

from .conftest import ELECTION, QUAKE, make_article

LOCAL = EngineSettings(processes=1)
VOCABULARY = [f"{a}{b}{c}" for a in ("ka", "lo", "mi", "su", "te", "ra", "no", "vi") for b in ("ri", "ta", "ne", "po", "du", "se") for c in ("n", "s", "l", "m", "", "r")]


def make_text(seed: int, sentences: int = 30) -> list[str]:
    """A deterministic synthetic article: a list of sentences over a shared vocabulary."""
    rng = random.Random(seed)
    return [" ".join(rng.choice(VOCABULARY) for _ in range(rng.randint(12, 24))).capitalize() + "." for _ in range(sentences)]


def edited_variants(sentences: list[str], seed: int) -> dict[str, str]:
    """Republications with small edits: words changed, a sentence dropped or added, other boilerplate."""
    rng = random.Random(seed)
    words = " ".join(sentences).split(" ")
    changed = list(words)
    for position in rng.sample(range(len(changed)), 3):
        changed[position] = "edited"
    return {
        "changed-words": " ".join(changed),
        "dropped-sentence": " ".join(sentences[:10] + sentences[11:]),
        "added-sentence": " ".join(sentences[:5] + ["An extra sentence the desk added for local readers today."] + sentences[5:]),
        "boilerplate": "Advertisement. " + " ".join(sentences) + " Copyright Example Wire. Share this story.",
        "curly-quotes": " ".join(sentences).replace(".", "’s.", 2) + " “Quoted” — end.",
    }


def test_republished_article_with_small_edits_is_found_as_a_copy_of_the_original() -> None:
    original = make_text(1)
    articles = [make_article("original", " ".join(original), published="2024-03-01T08:00:00Z")]
    for name, text in edited_variants(original, 2).items():
        articles.append(make_article(f"copy-{name}", text, published="2024-03-02T08:00:00Z"))
    articles += [make_article(f"other-{i}", " ".join(make_text(100 + i))) for i in range(20)]

    copies = find_copies(articles, CopySettings(), LOCAL)

    assert copies == {a.id: "original" for a in articles if a.id.startswith("copy-")}


def test_distinct_articles_sharing_a_vocabulary_are_not_copies() -> None:
    articles = [make_article(f"a{i}", " ".join(make_text(i))) for i in range(60)]
    assert find_copies(articles, CopySettings(), LOCAL) == {}


def test_two_write_ups_of_one_event_are_not_copies() -> None:
    articles = [make_article(article_id, text) for article_id, _, text in QUAKE + ELECTION]
    assert find_copies(articles, CopySettings(), LOCAL) == {}


def test_original_is_the_earliest_published_then_the_smallest_id() -> None:
    text = " ".join(make_text(7))
    dated = [
        make_article("z-first", text, published="2024-01-01T09:00:00+00:00"),
        make_article("a-later", text, published="2024-01-01T10:00:00+00:00"),
        make_article("b-undated", text),
    ]
    assert find_copies(dated, CopySettings(), LOCAL) == {"a-later": "z-first", "b-undated": "z-first"}
    undated = [make_article(i, text) for i in ("m", "c", "x")]
    assert find_copies(undated, CopySettings(), LOCAL) == {"m": "c", "x": "c"}


def test_texts_without_words_are_not_copies_of_each_other() -> None:
    articles = [make_article("e1", ""), make_article("e2", "!!! ..."), make_article("e3", " ")]
    assert find_copies(articles, CopySettings(), LOCAL) == {}


def test_find_copies_does_not_depend_on_input_order() -> None:
    base = [make_text(i) for i in range(6)]
    articles = [make_article(f"orig{i}", " ".join(s)) for i, s in enumerate(base)]
    for i, sentences in enumerate(base):
        for name, text in edited_variants(sentences, i).items():
            articles.append(make_article(f"copy{i}-{name}", text))
    expected = find_copies(articles, CopySettings(), LOCAL)
    shuffled = list(articles)
    random.Random(3).shuffle(shuffled)
    assert len(expected) == 30
    assert find_copies(shuffled, CopySettings(), LOCAL) == expected


@pytest.mark.parametrize("scheme", ["affine32", "legacy"])
def test_signatures_equal_datasketch_minhash_with_the_documented_hashfunc(scheme: str) -> None:
    import datasketch
    texts = [
        " ".join(make_text(5, 4)),
        "Blinken met Lavrov’s aide in Genève; “talks” — went well, l'état's résumé said. ÉTÉ Straße İstanbul",
        "three words only",
        "",
        "naïve café owners in São Paulo and Zürich 2024 x_y co-op",
        "averyveryverylongtokenthatspansseveralchunks and another one",
    ]
    signatures = signatures_for_texts(texts, num_perm=64, seed=7, scheme=scheme, batch_size=2)
    for text, signature in zip(texts, signatures):
        minhash = datasketch.MinHash(num_perm=64, seed=7, hashfunc=shingle_hash, scheme=scheme)
        minhash.update_batch(text_shingles(text, 5))
        assert np.array_equal(minhash.hashvalues, signature), text


def test_shingle_hash_accepts_utf8_bytes_like_strings() -> None:
    assert shingle_hash("café au lait") == shingle_hash("café au lait".encode("utf-8"))
    assert shingle_hash("a b") != shingle_hash("b a")


def test_tokens_are_the_word_tokens_of_the_text_module() -> None:
    text = "Blinken met Lavrov’s aide. “Talks” — in Genève, O'Neil's 2nd 'quote' rock'n'roll x_y don''t end'"
    assert text_tokens(text) == word_tokens(text)


def test_signature_loads_into_datasketch_lsh_and_finds_the_copy() -> None:
    import datasketch
    original = make_text(11)
    texts = [" ".join(original), edited_variants(original, 1)["changed-words"], " ".join(make_text(12))]
    signatures = signatures_for_texts(texts)
    lsh = datasketch.MinHashLSH(threshold=0.7, num_perm=128)
    for key, signature in zip(("original", "copy", "other"), signatures):
        lsh.insert(key, to_datasketch(signature))
    assert sorted(lsh.query(to_datasketch(signatures[1]))) == ["copy", "original"]


def test_worker_processes_give_the_same_signatures_as_one_process() -> None:
    texts = [" ".join(make_text(i, 8)) for i in range(40)] + ["", "short text"]
    single = signatures_for_texts(texts, batch_size=5, processes=1)
    several = signatures_for_texts(texts, batch_size=5, processes=2)
    assert np.array_equal(single, several)


def test_signatures_read_an_iterator_one_batch_at_a_time() -> None:
    consumed = []

    def texts():
        for i in range(10):
            consumed.append(i)
            yield f"text number {i} with some words"

    batches = iter_signature_batches(texts(), num_perm=8, batch_size=3)
    first = next(batches)
    assert first.shape == (3, 8)
    assert len(consumed) <= 4
    assert sum(len(b) for b in batches) == 7


def test_copy_pairs_are_verified_against_the_threshold() -> None:
    original = make_text(21)
    half = " ".join(original[:15] + make_text(22)[:15])
    signatures = article_signatures([" ".join(original), half], CopySettings(), LOCAL)
    assert copy_pairs(signatures, CopySettings(threshold=0.9, bands=128, rows=1)).tolist() == []
    assert copy_pairs(signatures, CopySettings(threshold=0.2, bands=128, rows=1)).tolist() == [[0, 1]]


def test_bad_copy_settings_name_the_value_and_the_fix() -> None:
    with pytest.raises(ConfigError, match=r"\[copies\] scheme: 'minhash64' must be one of \"affine32\", \"legacy\""):
        CopySettings(scheme="minhash64")
    with pytest.raises(ConfigError, match=r"\[copies\] rows: 0 must be above 0 when bands is set \(8\); set both bands and rows, or both to 0"):
        CopySettings(bands=8)
    with pytest.raises(ConfigError, match=r"\[copies\] bands: 20 must be at most num_perm / rows \(128 / 8\), as bands x rows = 160 exceeds num_perm; lower bands"):
        CopySettings(bands=20, rows=8)


def test_ray_engine_without_ray_installed_says_which_extra_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "ray", None)
    articles = [make_article("a", "some words here"), make_article("b", "other words there")]
    with pytest.raises(ImportError, match=r"pip install 'storyfold\[ray\]'"):
        find_copies(articles, CopySettings(), EngineSettings(name="ray"))
