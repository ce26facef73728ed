"""Hallucination guard: generated sentences may only name what the sources name.

Every name (a run of capitalised words) and every number in a generated sentence must
occur in the story's article texts; a sentence with an unsupported name or number is
dropped. The check is deliberately literal: a model that writes "Sergei Blinken" or
"40 people" where the articles say "Antony Blinken" and "14 people" loses that sentence.

Names: a run of consecutive capitalised words ("Antony Blinken", "U.S", "NATO") must
occur as the same run of words in a source. The first word of a sentence is capitalised
anyway, so it only starts a name when the next word is capitalised too, or when it is
not a common sentence opener and occurs nowhere in the sources, in any case.

Numbers: every number ("14", "1,000", "2.5" in "2.5%", "2022"), compared without
thousands separators, must occur as a number in a source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

__all__ = ["SourceIndex", "GuardResult", "split_sentences", "find_names", "find_numbers", "unsupported_terms", "guard_text"]

_WORD = re.compile(r"[^\W_](?:[\w'’.\-&]*[^\W_])?")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")

# Words that often open a sentence and are not names; a capitalised one at the start
# of a sentence is never checked.
_OPENERS = frozenset(
    """a an the this that these those there here it its he she they we i you his her their our
    in on at of for from by with as to after before during since until while when where if but and
    or so yet also however meanwhile still then now today yesterday earlier later according both
    all some many most several few no not one two three four five six seven eight nine ten
    officials authorities police experts critics""".split()
)


def _strip(word: str) -> str:
    """Drop a possessive and a trailing full stop: "Russia's" -> "Russia", "U.S." -> "U.S"."""
    for suffix in ("'s", "’s"):
        if word.endswith(suffix):
            word = word[: -len(suffix)]
    return word.rstrip(".")


def _tokens(text: str) -> list[tuple[str, bool]]:
    """Words with a flag that says whether a name run must end after them.

    A run ends at punctuation between two words and after a possessive.
    """
    matches = list(_WORD.finditer(text))
    tokens = []
    for i, match in enumerate(matches):
        raw = match.group()
        word = _strip(raw)
        gap = text[match.end() : matches[i + 1].start()] if i + 1 < len(matches) else "."
        ends = word != raw.rstrip(".") or bool(gap.strip()) or raw.endswith(".")
        if word:
            tokens.append((word, ends))
    return tokens


def _words(text: str) -> list[str]:
    return [word for word, _ in _tokens(text)]


def _is_capitalised(word: str) -> bool:
    return word[:1].isupper()


_NUMBER = re.compile(r"\d(?:[\d,.]*\d)?")


def _normalise_number(number: str) -> str:
    return number.replace(",", "")


@dataclass(frozen=True, slots=True)
class SourceIndex:
    """The words of a story's source texts, ready for the guard's look-ups.

    Example:
        >>> index = SourceIndex.build(["Antony Blinken met Sergei Lavrov on 14 July."])
        >>> index.has_run(("Antony", "Blinken")), index.has_number("14")
        (True, True)
    """

    joined: str
    folded: frozenset[str]
    numbers: frozenset[str]

    @classmethod
    def build(cls, texts: Sequence[str]) -> "SourceIndex":
        tokens = [t for text in texts for t in _tokens(text)]
        words = [word for word, _ in tokens]
        joined = "".join(f" {word} |" if ends else f" {word}" for word, ends in tokens)
        numbers = frozenset(_normalise_number(n) for text in texts for n in _NUMBER.findall(text))
        return cls(joined + " ", frozenset(w.casefold() for w in words), numbers)

    def has_run(self, words: Sequence[str]) -> bool:
        """Whether these words occur in this order, adjacent, in a source (case-sensitive)."""
        return f" {' '.join(words)} " in self.joined

    def has_word(self, word: str) -> bool:
        """Whether the word occurs in a source in any case."""
        return word.casefold() in self.folded

    def has_number(self, number: str) -> bool:
        """Whether the number occurs in a source (thousands separators ignored)."""
        return _normalise_number(number) in self.numbers


@dataclass(frozen=True, slots=True)
class GuardResult:
    """The sentences of a generated text the guard kept, and those it dropped."""

    kept: tuple[str, ...]
    dropped: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.kept)


def split_sentences(text: str) -> list[str]:
    """Split generated text into sentences at ., ! or ? followed by a capital or digit.

    Example:
        >>> split_sentences("Talks ended. Both sides met on Friday! Why?")
        ['Talks ended.', 'Both sides met on Friday!', 'Why?']
    """
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]


def find_names(sentence: str, index: SourceIndex | None = None) -> list[tuple[str, ...]]:
    """The names in a sentence: maximal runs of capitalised words.

    A sentence's first word starts a name when the next word is capitalised, or when it
    is not a common opener and (given ``index``) occurs nowhere in the sources.

    Example:
        >>> find_names("The talks between Antony Blinken and Lavrov ended.")
        [('Antony', 'Blinken'), ('Lavrov',)]
    """
    runs: list[tuple[int, list[str]]] = []
    open_run = False
    for position, (word, ends) in enumerate(_tokens(sentence)):
        if _is_capitalised(word):
            if open_run:
                runs[-1][1].append(word)
            else:
                runs.append((position, [word]))
            open_run = not ends
        else:
            open_run = False
    if runs and runs[0][0] == 0:
        first = runs[0][1]
        if first[0].casefold() in _OPENERS:
            first.pop(0)
        elif len(first) == 1 and (index is None or index.has_word(first[0])):
            first.pop(0)
    return [tuple(run) for _, run in runs if run]


def find_numbers(sentence: str) -> list[str]:
    """The numbers in a sentence, as written.

    Example:
        >>> find_numbers("At least 1,200 people, 40% of them children, fled in 2022.")
        ['1,200', '40', '2022']
    """
    return _NUMBER.findall(sentence)


def unsupported_terms(sentence: str, index: SourceIndex) -> list[str]:
    """The names and numbers in ``sentence`` that no source contains, in order.

    Example:
        >>> index = SourceIndex.build(["Antony Blinken met Sergei Lavrov; 14 people attended."])
        >>> unsupported_terms("Sergei Blinken said 40 people attended.", index)
        ['Sergei Blinken', '40']
    """
    missing = [" ".join(name) for name in find_names(sentence, index) if not index.has_run(name)]
    missing += [n for n in find_numbers(sentence) if not index.has_number(n)]
    return missing


def guard_text(text: str, source_texts: Sequence[str] | SourceIndex) -> GuardResult:
    """Keep the sentences of ``text`` whose names and numbers all occur in the sources.

    Example:
        >>> result = guard_text("Blinken met Lavrov. Putin joined them.", ["Blinken met Lavrov in Bali."])
        >>> result.kept, result.dropped
        (('Blinken met Lavrov.',), ('Putin joined them.',))
    """
    index = source_texts if isinstance(source_texts, SourceIndex) else SourceIndex.build(source_texts)
    kept: list[str] = []
    dropped: list[str] = []
    for sentence in split_sentences(text):
        (dropped if unsupported_terms(sentence, index) else kept).append(sentence)
    return GuardResult(tuple(kept), tuple(dropped))
