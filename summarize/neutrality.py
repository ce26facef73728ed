"""How loaded a sentence's wording is, scored with the VADER sentiment lexicon.

The lexicon ships inside the installed ``vaderSentiment`` package (a plain text file of
words and human-rated valences from -4 to +4), so nothing is downloaded at run time.
A neutral sentence uses few rated words, and only mild ones.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from itertools import repeat

from cluster.errors import LexiconUnavailableError
from cluster.text import word_tokens

__all__ = ["subjectivity", "load_lexicon"]

# Valences are rated on -4..+4; a word at full strength counts as one loaded word.
_MAX_VALENCE = 4.0
# Each exclamation mark or all-caps shouted word adds this much loaded wording.
_EMPHASIS = 0.5
_FOUR_CAPITALS = re.compile(r"[A-Z]{4}")


@lru_cache(maxsize=1)
def load_lexicon() -> dict[str, float]:
    """The VADER lexicon as ``{lower-cased word: |valence| / 4}``, read once.

    Example:
        >>> load_lexicon()["outrage"] > load_lexicon()["good"] > 0
        True
    """
    try:
        text = resources.files("vaderSentiment").joinpath("vader_lexicon.txt").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError) as exc:
        raise LexiconUnavailableError(
            f"cannot read vader_lexicon.txt from the vaderSentiment package ({exc}); install it with `pip install vaderSentiment`"
        ) from None
    lexicon: dict[str, float] = {}
    for line in text.splitlines():
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        word = parts[0].strip().lower()
        if not word or not any(ch.isalpha() for ch in word):
            continue  # emoticons are never in news prose
        try:
            lexicon[word] = min(1.0, abs(float(parts[1])) / _MAX_VALENCE)
        except ValueError:
            continue
    return lexicon


def subjectivity(text: str) -> float:
    """Loaded wording per word, between 0 (neutral) and 1.

    The sum of the lexicon strengths of the words used (plus emphasis: exclamation
    marks, shouted words) divided by the number of words.

    Example:
        >>> subjectivity("The council met on Tuesday to discuss the budget.")
        0.0
        >>> subjectivity("The disgraceful, horrific budget is a disaster!") > 0.3
        True
    """
    tokens = word_tokens(text)
    if not tokens:
        return 0.0
    lexicon = load_lexicon()
    loaded = sum(map(lexicon.get, tokens, repeat(0.0)))  # the same values in the same order as a loop
    if text.isascii() and not _FOUR_CAPITALS.search(text):
        shouted = 0  # an ASCII word that is shouted (upper case, letters only, 4 or more) holds four capitals in a row
    else:
        shouted = sum(1 for word in text.split() if len(word) > 3 and word.isalpha() and word.isupper())
    loaded += _EMPHASIS * (text.count("!") + shouted)
    return min(1.0, loaded / len(tokens))
