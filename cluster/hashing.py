"""Hashing: the hash functions and mixers of the copy stages, in one place.

- :func:`token_hash` and :func:`shingle_hash`: the 64-bit token hash and the 32-bit
  shingle hash MinHash signatures are made of (:mod:`cluster.signatures`), with the
  vectorised :func:`token_span_hashes`;
- :func:`fmix64`, :func:`fmix64_array`, :func:`fmix32_array`: the MurmurHash3 finalizers;
- :func:`mix_band_keys`: the finalizer of the LSH band keys (:mod:`cluster.lsh`);
- :func:`partition_of`: the partition of a band entry in the Ray engine's shuffle.

All arithmetic is modulo ``2**64`` (or ``2**32``), written so that the Python-int and
NumPy versions agree bit for bit.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "token_hash",
    "shingle_hash",
    "token_span_hashes",
    "fmix64",
    "fmix64_array",
    "fmix32_array",
    "mix_band_keys",
    "partition_of",
]

MASK64 = (1 << 64) - 1
# Odd multipliers: of a token's byte length, and of the polynomial that combines token hashes.
LENGTH_MULTIPLIER = 0xC2B2AE3D27D4EB4F
SHINGLE_MULTIPLIER = 0x9E3779B97F4A7C15
_PARTITION_MIX = np.uint64(0x9E3779B97F4A7C15)


def token_hash(token: str | bytes) -> int:
    """64-bit hash of one token, read as UTF-8 bytes.

    ``h = len(bytes) * 0xC2B2AE3D27D4EB4F mod 2**64``; then for each 8-byte chunk (the last
    one zero-padded), read little-endian as ``c``: ``h = fmix64(h ^ c)``, where fmix64 is
    the MurmurHash3 64-bit finalizer.

    Example:
        >>> token_hash("rain") == token_hash(b"rain") != token_hash("rainy")
        True
    """
    raw = token.encode("utf-8", "surrogatepass") if isinstance(token, str) else bytes(token)
    h = (len(raw) * LENGTH_MULTIPLIER) & MASK64
    for offset in range(0, len(raw), 8):
        h = fmix64(h ^ int.from_bytes(raw[offset : offset + 8], "little"))
    return h


def fmix64(x: int) -> int:
    """The MurmurHash3 64-bit finalizer of a Python int below ``2**64``.

    Example:
        >>> fmix64(0), fmix64(1) != fmix64(2)
        (0, True)
    """
    x ^= x >> 33
    x = (x * 0xFF51AFD7ED558CCD) & MASK64
    x ^= x >> 33
    x = (x * 0xC4CEB9FE1A85EC53) & MASK64
    return x ^ (x >> 33)


def shingle_hash(shingle: str | bytes) -> int:
    """32-bit hash of a shingle; pass it as ``hashfunc=`` to datasketch to get storyfold's signatures.

    The shingle is split on single spaces into tokens; with ``t`` the :func:`token_hash`
    of each, ``h = sum(t[j] * M**(n-1-j)) mod 2**64`` (``M = 0x9E3779B97F4A7C15``), and the
    result is the top 32 bits of ``fmix64(h)``. Bytes are read as UTF-8.

    Example:
        >>> from datasketch import MinHash
        >>> from cluster.signatures import signatures_for_texts, text_shingles
        >>> m = MinHash(num_perm=16, seed=1, hashfunc=shingle_hash)
        >>> m.update_batch(text_shingles("Rain fell in Paris on Monday", 5))
        >>> bool((m.hashvalues == signatures_for_texts(["Rain fell in Paris on Monday"], num_perm=16)[0]).all())
        True
    """
    if not isinstance(shingle, str):
        shingle = bytes(shingle).decode("utf-8", "surrogatepass")
    h = 0
    for token in shingle.split(" "):
        h = (h * SHINGLE_MULTIPLIER + token_hash(token)) & MASK64
    return fmix64(h) >> 32


def fmix64_array(x: np.ndarray) -> np.ndarray:
    """:func:`fmix64` of every value of a uint64 array (a new array of the same shape).

    Example:
        >>> int(fmix64_array(np.array([7], dtype=np.uint64))[0]) == fmix64(7)
        True
    """
    x = x ^ (x >> np.uint64(33))
    x *= np.uint64(0xFF51AFD7ED558CCD)
    x ^= x >> np.uint64(33)
    x *= np.uint64(0xC4CEB9FE1A85EC53)
    x ^= x >> np.uint64(33)
    return x


def fmix32_array(x: np.ndarray) -> np.ndarray:
    """The MurmurHash3 32-bit finalizer of every value of a uint32 array (a new array of the same shape)."""
    x = x ^ (x >> np.uint32(16))
    x *= np.uint32(0x85EBCA6B)
    x ^= x >> np.uint32(13)
    x *= np.uint32(0xC2B2AE35)
    x ^= x >> np.uint32(16)
    return x


def token_span_hashes(data: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """:func:`token_hash` of every token span of ``data``, eight bytes at a time.

    ``data`` is a uint8 array (the tokens' UTF-8 bytes); ``starts`` and ``ends`` are int64
    arrays of shape ``(tokens,)``, each span ``data[start:end]``. Returns a ``(tokens,)``
    uint64 array.

    Example:
        >>> data = np.frombuffer(b"rain fell", dtype=np.uint8)
        >>> int(token_span_hashes(data, np.array([0, 5]), np.array([4, 9]))[1]) == token_hash("fell")
        True
    """
    lengths = (ends - starts).astype(np.uint64)
    hashes = lengths * np.uint64(LENGTH_MULTIPLIER)
    padded = np.zeros((len(data) + 15) // 8 * 8, dtype=np.uint8)
    padded[: len(data)] = data
    words = padded.view("<u8")
    selected = np.arange(len(starts))
    positions = starts.astype(np.int64)
    while len(selected):
        # The 8 bytes at an unaligned position, from the two aligned words around it.
        index = positions >> 3
        shift = ((positions & 7) << 3).astype(np.uint64)
        chunk = (words[index] >> shift) | ((words[index + 1] << np.uint64(1)) << (np.uint64(63) - shift))
        remaining = lengths[selected] - (positions - starts[selected]).astype(np.uint64)
        short = remaining < 8
        if short.any():
            chunk &= np.where(short, (np.uint64(1) << (np.minimum(remaining, np.uint64(7)) << np.uint64(3))) - np.uint64(1), np.uint64(MASK64))
        hashes[selected] = fmix64_array(hashes[selected] ^ chunk)
        keep = remaining > 8
        selected = selected[keep]
        positions = positions[keep] + 8
    return hashes


def mix_band_keys(key: np.ndarray) -> np.ndarray:
    """Finish raw band sums into band keys, in place: ``k ^= k >> 29; k *= 0xBF58476D1CE4E5B9; k ^= k >> 32``.

    ``key`` is a uint64 array (any shape); it is returned.

    Example:
        >>> mix_band_keys(np.array([0, 1], dtype=np.uint64)).tolist()[0]
        0
    """
    key ^= key >> np.uint64(29)
    key *= np.uint64(0xBF58476D1CE4E5B9)
    key ^= key >> np.uint64(32)
    return key


def partition_of(band: np.ndarray, key: np.ndarray, partitions: int) -> np.ndarray:
    """The shuffle partition of each band entry: ``(key ^ band * 0x9E3779B97F4A7C15) mod partitions``.

    ``band`` and ``key`` are uint64 arrays of one shape; returns int64 values in ``[0, partitions)``.

    Example:
        >>> partition_of(np.array([0, 1], dtype=np.uint64), np.array([5, 5], dtype=np.uint64), 4).tolist()[0]
        1
    """
    return ((key ^ (band * _PARTITION_MIX)) % np.uint64(partitions)).astype(np.int64)
