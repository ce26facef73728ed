"""MinHash signatures over word shingles, computed in NumPy batches and compatible with datasketch.

This is the only module that makes MinHash signatures. A signature row equals the
``hashvalues`` of ``datasketch.MinHash(num_perm, seed=seed, scheme=scheme,
hashfunc=cluster.hashing.shingle_hash)`` updated with the text's shingles (see :func:`text_shingles`),
so signatures load into datasketch's ``MinHash``/``LeanMinHash`` (:func:`to_datasketch`)
and its ``MinHashLSH`` (Redis storage included).

How it stays fast: a batch of texts becomes one byte array; tokens are found, and hashed
eight bytes at a time, with whole-array NumPy operations; shingle hashes are combined
from token hashes arithmetically (so :func:`cluster.hashing.shingle_hash` reproduces them from the
shingle string); the permutations run on blocks of a few thousand shingles at once; and
batches go to several processes.

Two permutation schemes, both bit-for-bit those of datasketch:

- ``"affine32"`` (the datasketch >= 2.0 default): ``h = fmix32(hv)``, then ``a * h + b mod 2**32``.
- ``"legacy"`` (datasketch < 2.0, or ``scheme="legacy"``): ``((a * hv + b) mod 2**64) mod (2**61 - 1)``
  truncated to 32 bits; the uint64 wraparound of the product is reproduced exactly.
  About twice as slow.
"""

from __future__ import annotations

import functools
import itertools
import re
from typing import Any, Iterable, Iterator, Sequence

import numpy as np

from .errors import ConfigError
from .hashing import MASK64, SHINGLE_MULTIPLIER, fmix32_array, fmix64_array, shingle_hash, token_span_hashes
from .pools import pool_map, process_pool, usable_cores
from .text import word_shingles

__all__ = [
    "SCHEMES",
    "text_tokens",
    "text_shingles",
    "permutations",
    "signature_batch",
    "sketch_batch",
    "iter_signature_batches",
    "signatures_for_texts",
    "empty_signature_rows",
    "to_datasketch",
]

SCHEMES = ("affine32", "legacy")

_MERSENNE = (1 << 61) - 1
_MAX32 = (1 << 32) - 1
# Texts per tokenising block and shingles per permutation block (both keep work in cache).
_BLOCK_TEXTS = 96
_BLOCK_SHINGLES = 4096
# Non-word characters common in news text, replaced by a space before tokenising so that
# more texts take the pure-ASCII path. ’ becomes ', which tokens keep between letters.
_SPACED = "“”‘—–…«»•·\u00a0\u2009\u200b"
_APOSTROPHE = ord("'")
_SPACE = ord(" ")


@functools.lru_cache(maxsize=1)
def _tables() -> tuple[bytes, np.ndarray]:
    """The byte translation (ASCII lower-casing; other ASCII non-word bytes to space) and a word flag per code point."""
    table = bytearray(range(256))
    for code in range(128):
        char = chr(code)
        table[code] = ord(char.lower()) if (char.isalnum() or char in "_'") else _SPACE
    import re

    word = np.zeros(0x110000, dtype=bool)
    every_char = "".join(map(chr, range(0x110000)))
    for match in re.finditer(r"\w+", every_char):  # the `\w` of Python's `re`, found in C
        word[match.start() : match.end()] = True
    return bytes(table), word


# Characters of scripts written without spaces between words (Han, Hiragana, Katakana,
# and their compatibility and half-width forms): each is one token, so word shingles of
# such text are character n-grams (a Chinese clause would otherwise be a single token).
CJK_CHARACTERS = "\u3005\u3007\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
_CJK = re.compile(f"([{CJK_CHARACTERS}])")


def _prepare(text: str) -> bytes:
    """A text as the bytes that are tokenised: lower-cased UTF-8, ’ as ', common punctuation
    as spaces, a space around every character of a script written without spaces."""
    if not text.isascii():
        text = text.replace("’", "'")
        for char in _SPACED:
            if char in text:
                text = text.replace(char, " ")
        if not text.isascii():
            if _CJK.search(text):
                text = _CJK.sub(r" \1 ", text)
            return text.lower().encode("utf-8", "surrogatepass")
    return text.encode("ascii")


def _token_spans(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Tokenise texts at once: the joined byte array, token starts and ends in it, tokens per text.

    Tokens are runs of word characters (Python's ``\\w``), joined across an apostrophe
    that has a word character on both sides.
    """
    table, word = _tables()
    prepared = [_prepare(t) for t in texts]
    data = np.frombuffer(b" ".join(prepared).translate(table) + b" " * 8, dtype=np.uint8)
    is_word = data != _SPACE
    high = np.flatnonzero(data >= 0x80)
    if len(high):
        # Decode each multi-byte character's code point and give its flag to all its bytes.
        lead_mask = data[high] >= 0xC0
        leads = high[lead_mask]
        first = data[leads].astype(np.uint32)
        following = [data[np.minimum(leads + k, len(data) - 1)].astype(np.uint32) & 0x3F for k in (1, 2, 3)]
        code = np.where(
            first < 0xE0,
            ((first & 0x1F) << 6) | following[0],
            np.where(
                first < 0xF0,
                ((first & 0x0F) << 12) | (following[0] << 6) | following[1],
                ((first & 0x07) << 18) | (following[0] << 12) | (following[1] << 6) | following[2],
            ),
        )
        flags = word[np.minimum(code, 0x10FFFF)]
        owner = np.maximum.accumulate(np.where(lead_mask, np.arange(len(high)), 0))
        lead_flags = np.zeros(len(high), dtype=bool)
        lead_flags[lead_mask] = flags
        is_word[high] = lead_flags[owner]
    apostrophe = data == _APOSTROPHE
    is_word &= ~apostrophe
    in_token = is_word.copy()
    in_token[1:-1] |= apostrophe[1:-1] & is_word[:-2] & is_word[2:]
    edges = np.diff(in_token.view(np.int8), prepend=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    text_ends = np.cumsum(np.fromiter(map(len, prepared), dtype=np.int64, count=len(prepared)) + 1)
    counts = np.bincount(np.searchsorted(text_ends, starts, side="right"), minlength=len(texts))[: len(texts)]
    return data, starts, ends, counts


def text_tokens(text: str) -> list[str]:
    """Lower-cased word tokens: runs of word characters (``\\w``), joined across inner apostrophes.

    The same tokens as :func:`cluster.text.word_tokens`, except that the whole text is
    lower-cased before it is split (which differs only for a few letters such as the Turkish İ),
    and that every Han, Hiragana or Katakana character is a token of its own (those scripts
    put no spaces between words, so their shingles are character n-grams).

    Example:
        >>> text_tokens("Blinken met Lavrov’s aide.")
        ['blinken', 'met', "lavrov's", 'aide']
        >>> text_tokens("云岭县地震 M5.8")
        ['云', '岭', '县', '地', '震', 'm5', '8']
    """
    data, starts, ends, _ = _token_spans([text])
    raw = data.tobytes()
    return [raw[s:e].decode("utf-8", "surrogatepass") for s, e in zip(starts.tolist(), ends.tolist())]


def text_shingles(text: str, size: int) -> list[str]:
    """The shingles a signature is made of: word ``size``-grams of :func:`text_tokens`, joined by one space.

    A text shorter than ``size`` words gives one shingle of all its words; an empty text none.

    Example:
        >>> text_shingles("Rain fell in Paris", 3)
        ['rain fell in', 'fell in paris']
    """
    return word_shingles(text_tokens(text), size)


@functools.lru_cache(maxsize=16)
def permutations(num_perm: int, seed: int, scheme: str = "affine32") -> tuple[np.ndarray, np.ndarray]:
    """The permutation parameters ``(a, b)`` datasketch draws for ``MinHash(num_perm, seed, scheme=scheme)``.

    Example:
        >>> a, b = permutations(4, 1)
        >>> a.dtype.name, len(b), bool((a % 2 == 1).all())
        ('uint32', 4, True)
    """
    _check_scheme(scheme)
    gen = np.random.RandomState(seed)
    if scheme == "legacy":
        pairs = [
            (gen.randint(1, np.uint64(_MERSENNE), dtype=np.uint64), gen.randint(0, np.uint64(_MERSENNE), dtype=np.uint64))
            for _ in range(num_perm)
        ]
        arr = np.array(pairs, dtype=np.uint64).T
        return arr[0].copy(), arr[1].copy()
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def _check_scheme(scheme: str) -> None:
    if scheme not in SCHEMES:
        raise ConfigError(f"copies.scheme: {scheme!r} is not one of {', '.join(map(repr, SCHEMES))}")


def _shingle_hashes(texts: Sequence[str], size: int) -> tuple[np.ndarray, np.ndarray]:
    """32-bit shingle hashes of every text, concatenated in text order, and each text's shingle count."""
    data, starts, ends, token_counts = _token_spans(texts)
    flat = token_span_hashes(data, starts, ends)
    total = len(flat)
    shingle_counts = np.where(token_counts >= size, token_counts - size + 1, np.minimum(token_counts, 1))
    if total >= size:
        n = total - size + 1
        multiplier = np.uint64(SHINGLE_MULTIPLIER)
        h = flat[:n].copy()
        for j in range(1, size):
            h *= multiplier
            h += flat[j : j + n]
        # Keep windows that lie inside one text.
        token_starts = np.cumsum(token_counts) - token_counts
        position = np.arange(total, dtype=np.int64) - np.repeat(token_starts, token_counts)
        length = np.repeat(token_counts, token_counts)
        windows = h[(position <= length - size)[:n]]
    else:
        windows = np.empty(0, dtype=np.uint64)
    short = np.flatnonzero((token_counts > 0) & (token_counts < size))
    if len(short):
        # Texts shorter than one shingle: one shingle of all their words, placed in order.
        window_ends = np.cumsum(np.where(token_counts >= size, token_counts - size + 1, 0))
        token_starts = np.cumsum(token_counts) - token_counts
        parts = []
        cursor = 0
        for i in short.tolist():
            end = int(window_ends[i])
            parts.append(windows[cursor:end])
            h_short = 0
            for k in range(int(token_starts[i]), int(token_starts[i] + token_counts[i])):
                h_short = (h_short * SHINGLE_MULTIPLIER + int(flat[k])) & MASK64
            parts.append(np.array([h_short], dtype=np.uint64))
            cursor = end
        parts.append(windows[cursor:])
        windows = np.concatenate(parts)
    hashes = (fmix64_array(windows) >> np.uint64(32)).astype(np.uint32)
    return hashes, shingle_counts


def signature_batch(
    texts: Sequence[str], *, shingle_size: int = 5, num_perm: int = 128, seed: int = 1, scheme: str = "affine32"
) -> np.ndarray:
    """Signatures of a batch of texts, one uint32 row of ``num_perm`` values per text: ``(len(texts), num_perm)``.

    Raises:
        ConfigError: ``scheme`` is not one of :data:`SCHEMES`.

    A text without words gets the all-``2**32 - 1`` row of an empty datasketch MinHash.

    Example:
        >>> signature_batch(["Rain fell in Paris on Monday", ""], num_perm=8).shape
        (2, 8)
    """
    return sketch_batch(texts, shingle_size=shingle_size, num_perm=num_perm, seed=seed, scheme=scheme)[0]


def sketch_batch(
    texts: Sequence[str],
    *,
    shingle_size: int = 5,
    num_perm: int = 128,
    seed: int = 1,
    scheme: str = "affine32",
    lead_shingles: int = 0,
    lead_num_perm: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Signatures, shingle-set sizes and lead signatures of a batch of texts, in one pass.

    Returns ``(signatures, sizes, leads)``: ``signatures`` as :func:`signature_batch`
    (uint32, ``(n, num_perm)``); ``sizes`` the number of distinct shingle hashes of each
    text (int64, ``(n,)``; 0 for a text without words), with which a Jaccard estimate
    becomes a containment estimate; ``leads`` the signatures (uint32, ``(n,
    lead_num_perm)``, permutations of ``seed + 1``) of each text's first ``lead_shingles``
    shingles, which a reprint cut at the end keeps whole.

    Example:
        >>> sig, sizes, leads = sketch_batch(["Rain fell in Paris on Monday", ""], num_perm=8, lead_shingles=1, lead_num_perm=4)
        >>> sig.shape, sizes.tolist(), leads.shape
        ((2, 8), [2, 0], (2, 4))
    """
    _check_scheme(scheme)
    out = np.full((len(texts), num_perm), _MAX32, dtype=np.uint32)
    sizes = np.zeros(len(texts), dtype=np.int64)
    leads = np.full((len(texts), lead_num_perm), _MAX32, dtype=np.uint32)
    for lo in range(0, len(texts), _BLOCK_TEXTS):
        block = texts[lo : lo + _BLOCK_TEXTS]
        hashes, counts = _shingle_hashes(block, shingle_size)
        _permute(hashes, counts, out[lo : lo + len(block)], num_perm, seed, scheme)
        owner = np.repeat(np.arange(len(block), dtype=np.uint64), counts)
        distinct = np.unique((owner << np.uint64(32)) | hashes.astype(np.uint64))
        sizes[lo : lo + len(block)] = np.bincount((distinct >> np.uint64(32)).astype(np.int64), minlength=len(block))
        if lead_num_perm and lead_shingles > 0:
            lead_counts = np.minimum(counts, lead_shingles)
            starts = np.cumsum(counts) - counts
            lead_starts = np.cumsum(lead_counts) - lead_counts
            within = np.arange(int(lead_counts.sum()), dtype=np.int64) - np.repeat(lead_starts, lead_counts)
            lead_hashes = hashes[np.repeat(starts, lead_counts) + within]
            _permute(lead_hashes, lead_counts, leads[lo : lo + len(block)], lead_num_perm, seed + 1, scheme)
    return out, sizes, leads


def _permute(hashes: np.ndarray, counts: np.ndarray, out: np.ndarray, num_perm: int, seed: int, scheme: str) -> None:
    """Write into ``out`` the minimum of every permutation over each text's shingle hashes."""
    a, b = permutations(num_perm, seed, scheme)
    a_col, b_col = a[:, None], b[:, None]
    values = fmix32_array(hashes) if scheme == "affine32" else hashes.astype(np.uint64)
    ends = np.cumsum(counts)
    starts = ends - counts
    nonempty = np.flatnonzero(counts > 0)
    nonempty_ends = ends[nonempty]
    i = 0
    while i < len(nonempty):
        lo = int(starts[nonempty[i]])
        j = max(int(np.searchsorted(nonempty_ends, lo + _BLOCK_SHINGLES, side="right")), i + 1)
        rows = nonempty[i:j]
        hi = int(ends[rows[-1]])
        permuted = a_col * values[None, lo:hi]
        permuted += b_col
        if scheme == "legacy":
            permuted %= np.uint64(_MERSENNE)
            permuted &= np.uint64(_MAX32)
        out[rows] = np.minimum.reduceat(permuted, starts[rows] - lo, axis=1).T
        i = j


def _signature_task(args: tuple[list[str], int, int, int, str]) -> np.ndarray:
    texts, shingle_size, num_perm, seed, scheme = args
    return signature_batch(texts, shingle_size=shingle_size, num_perm=num_perm, seed=seed, scheme=scheme)


def _batches(texts: Iterable[str], batch_size: int) -> Iterator[list[str]]:
    iterator = iter(texts)
    while batch := list(itertools.islice(iterator, batch_size)):
        yield batch


def _worker_count(processes: int) -> int:
    if processes < 0:
        raise ConfigError(f"engine.processes: {processes} must be >= 0 (0 means one per core)")
    return processes or usable_cores()


def iter_signature_batches(
    texts: Iterable[str],
    *,
    shingle_size: int = 5,
    num_perm: int = 128,
    seed: int = 1,
    scheme: str = "affine32",
    batch_size: int = 2048,
    processes: int = 1,
) -> Iterator[np.ndarray]:
    """Yield signature batches in input order, reading ``texts`` lazily, ``batch_size`` at a time.

    Each batch is a uint32 ``(batch, num_perm)`` array.

    Raises:
        ConfigError: an unknown ``scheme``, ``batch_size`` <= 0 or ``processes`` < 0.

    With ``processes`` other than 1 (0: one per core), batches are computed in worker
    processes; at most two batches per worker are in flight, so a long stream of texts
    is never held in memory at once. The result does not depend on ``processes``.

    Example:
        >>> [b.shape for b in iter_signature_batches(iter(["a b c"] * 5), num_perm=4, batch_size=2)]
        [(2, 4), (2, 4), (1, 4)]
    """
    _check_scheme(scheme)
    if batch_size <= 0:
        raise ConfigError(f"engine.batch_size: {batch_size} must be > 0")
    workers = _worker_count(processes)
    batches = _batches(texts, batch_size)
    params = (shingle_size, num_perm, seed, scheme)
    if workers == 1:
        for batch in batches:
            yield _signature_task((batch, *params))
        return
    first = list(itertools.islice(batches, 2))
    if len(first) < 2:
        for batch in first:
            yield _signature_task((batch, *params))
        return
    tasks = ((batch, *params) for batch in itertools.chain(first, batches))
    with process_pool(workers) as pool:
        yield from pool_map(pool, _signature_task, tasks, ahead=2 * workers - 1)


def signatures_for_texts(
    texts: Iterable[str],
    *,
    shingle_size: int = 5,
    num_perm: int = 128,
    seed: int = 1,
    scheme: str = "affine32",
    batch_size: int = 2048,
    processes: int = 1,
) -> np.ndarray:
    """Signatures of all ``texts`` (any iterable, consumed in batches) as one ``(n, num_perm)`` uint32 array.

    Example:
        >>> signatures_for_texts(["Rain fell in Paris on Monday"], num_perm=8).shape
        (1, 8)
    """
    parts = list(
        iter_signature_batches(
            texts,
            shingle_size=shingle_size,
            num_perm=num_perm,
            seed=seed,
            scheme=scheme,
            batch_size=batch_size,
            processes=processes,
        )
    )
    if not parts:
        return np.empty((0, num_perm), dtype=np.uint32)
    return np.concatenate(parts)


def empty_signature_rows(signatures: np.ndarray) -> np.ndarray:
    """Boolean mask of rows that are the signature of a text without words.

    ``signatures``: uint32 ``(n, num_perm)``; returns bool ``(n,)``.

    Example:
        >>> empty_signature_rows(signature_batch(["", "a b"], num_perm=4)).tolist()
        [True, False]
    """
    return (signatures == np.uint32(_MAX32)).all(axis=1)


def to_datasketch(signature: np.ndarray, *, seed: int = 1, scheme: str = "affine32", lean: bool = True) -> Any:
    """Turn one signature row into a datasketch ``LeanMinHash`` (or ``MinHash`` with ``lean=False``).

    Example:
        >>> m = to_datasketch(signatures_for_texts(["Rain fell in Paris on Monday"], num_perm=8)[0])
        >>> len(m.hashvalues)
        8
    """
    from datasketch import LeanMinHash, MinHash

    _check_scheme(scheme)
    values = np.asarray(signature, dtype=np.uint64 if scheme == "legacy" else np.uint32)
    try:
        minhash = MinHash(seed=seed, hashvalues=values, scheme=scheme, hashfunc=shingle_hash)
    except TypeError:  # datasketch < 2.0 knows only the legacy scheme and has no `scheme` argument
        if scheme != "legacy":
            raise ConfigError(
                f"copies.scheme: {scheme!r} needs datasketch >= 2.0; upgrade datasketch or set scheme = 'legacy'"
            ) from None
        minhash = MinHash(seed=seed, hashvalues=values, hashfunc=shingle_hash)
    return LeanMinHash(minhash) if lean else minhash
