"""Text normalisation, tokens and shingles: pure functions."""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import lru_cache

__all__ = ["normalize", "escape_controls", "word_tokens", "ascii_word_runs", "word_shingles", "STOP_WORDS", "SUMMARY_STOP_WORDS", "english_stop_words"]

_WORD = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)


def normalize(text: str) -> str:
    """NFKC-normalise, drop zero-width and control characters, collapse spaces.

    Example:
        >>> normalize("Caf\\u00e9\\u200b  news")
        'Café news'
    """
    if text.isascii():  # ASCII is NFKC already; its category-C characters are the controls
        text = _ASCII_CONTROL.sub("", text)
    else:
        text = _other_characters().sub(_drop_other, unicodedata.normalize("NFKC", text))
    if "  " in text or "\t" in text:  # other spacing controls are gone by now
        text = _SPACES.sub(" ", text)
    return text.strip()


_LINE_BREAKING = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def escape_controls(text: str) -> str:
    r"""``text`` with control characters (C0, DEL, C1) and line and paragraph separators
    written as escapes (``\n``, ``\x1f``, ``\u2028``), so that an id or a file name stays
    one visible line and is never silently changed into another.

    Example:
        >>> print(escape_controls("a\nb\x1fc.txt"))
        a\nb\x1fc.txt
    """
    if not _LINE_BREAKING.search(text):
        return text
    return _LINE_BREAKING.sub(lambda m: repr(m.group())[1:-1], text)


_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SPACES = re.compile(r"[ \t]{2,}|\t")
_OTHER: list[re.Pattern[str]] = []


def _other_characters() -> re.Pattern[str]:
    """A pattern for the characters ``normalize`` drops: group 1 matches every BMP character of
    Unicode category C (control, format, surrogate, private use, unassigned) but newline and
    tab, group 2 any character beyond the BMP (checked one by one). Built once, on first use."""
    if not _OTHER:
        ranges: list[list[int]] = []
        for code in range(0x10000):
            if unicodedata.category(chr(code))[0] == "C" and code not in (9, 10):
                if ranges and ranges[-1][1] == code - 1:
                    ranges[-1][1] = code
                else:
                    ranges.append([code, code])
        bmp = "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges)
        _OTHER.append(re.compile(f"([{bmp}])|([\\U00010000-\\U{sys.maxunicode:08x}])"))
    return _OTHER[0]


def _drop_other(match: re.Match[str]) -> str:
    astral = match.group(2)
    return "" if astral is None or unicodedata.category(astral)[0] == "C" else astral


def word_tokens(text: str) -> list[str]:
    """Lower-cased word tokens.

    Example:
        >>> word_tokens("Blinken met Lavrov's aide.")
        ['blinken', 'met', "lavrov's", 'aide']
    """
    if text.isascii():  # lower-casing ASCII keeps every character's class and the text's length
        if "'" not in text:
            return ascii_word_runs(text)  # no apostrophe to join words: the tokens are the runs of \w
        return _WORD.findall(text.lower())
    return [m.group(0).lower().replace("’", "'") for m in _WORD.finditer(text)]


# For ASCII text ``\w`` is [A-Za-z0-9_]: letters (lower-cased, or kept), digits and "_" kept,
# every other character a space.
_ASCII_WORD_CHARS = {
    lower: str.maketrans({chr(c): (chr(c).lower() if lower else chr(c)) if chr(c).isalnum() or chr(c) == "_" else " " for c in range(128)})
    for lower in (True, False)
}


def ascii_word_runs(text: str, *, lower: bool = True) -> list[str]:
    """The runs of word characters of an ASCII ``text``, lower-cased unless ``lower=False``:
    what ``re.findall(r"\\w+", text.lower())`` (or ``text``) gives, by one translation and
    a split.

    Example:
        >>> ascii_word_runs("U.S. jobs_report: 12.5% (Twelve)")
        ['u', 's', 'jobs_report', '12', '5', 'twelve']
        >>> ascii_word_runs("I said: We (Twelve)", lower=False)
        ['I', 'said', 'We', 'Twelve']
    """
    return text.translate(_ASCII_WORD_CHARS[lower]).split()


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


# The stop-word lists, all in this one place. Each stays the list its stage was tuned
# with: one list for all would change which articles share a story and what summaries say.
#
# STOP_WORDS: function words that carry no story identity (story vectors, headline and
# off-title checks); a short, fixed list keeps this dependency-free.
STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having he
    her here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not
    now of off on once only or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves said says say told
    according one two new like get got make made many much may might must us year years time""".split()
)

# SUMMARY_STOP_WORDS: function words left out of the word bags that compare summary
# sentences (summarize.extractive.content_bag).
SUMMARY_STOP_WORDS = frozenset(
    "a an the and or but of to in on at for by with from as is are was were be been has have had it its this that "
    "these those he she they his her their him them we our you your i not no said says will would could should "
    "than then there here who whom which what when where why how also after before over into about".split()
)


@lru_cache(maxsize=1)
def english_stop_words() -> frozenset[str]:
    """scikit-learn's English stop-word list (318 words), for the names a fact mentions (``summarize.facts.names``).

    Example:
        >>> "the" in english_stop_words()
        True
    """
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS  # lazy: sklearn is heavy to import

    return ENGLISH_STOP_WORDS
