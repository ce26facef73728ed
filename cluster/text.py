"""Text normalisation, tokens and shingles: pure functions."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize", "word_tokens", "word_shingles"]

_WORD = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)


def normalize(text: str) -> str:
    """NFKC-normalise, drop zero-width and control characters, collapse spaces.

    Example:
        >>> normalize("Caf\\u00e9\\u200b  news")
        'Café news'
    """
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    return text.strip()


def word_tokens(text: str) -> list[str]:
    """Lower-cased word tokens.

    Example:
        >>> word_tokens("Blinken met Lavrov's aide.")
        ['blinken', 'met', "lavrov's", 'aide']
    """
    return [m.group(0).lower().replace("’", "'") for m in _WORD.finditer(text)]


def word_shingles(tokens: list[str], size: int) -> list[str]:
    """Word ``size``-shingles; a text shorter than ``size`` gives one shingle of all its words.

    Example:
        >>> word_shingles(["a", "b", "c"], 2)
        ['a b', 'b c']
    """
    if not tokens:
        return []
    if len(tokens) < size:
        return [" ".join(tokens)]
    return [" ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)]
