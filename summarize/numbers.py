"""Figures in a sentence, normalised so that equal amounts compare equal.

"2,000", "2 000" (space, thin or no-break space), "2.000.000" and "two thousand" are the
same count; "$1.5 billion", "$1,500 million", "US$1.5bn" and "1.5 billion dollars" are
the same amount of US dollars; "4%", "4 percent" and "four per cent" the same share.
Number words are read by text2num (``alpha2digit``, English); grouping, scale words
(thousand, million/m/mn, billion/bn/b, trillion/tn/tr), percent forms and currency
symbols and ISO 4217 codes by the rules below.

Each figure carries a *key*: the content word it counts ("12 people", "killed 12" ->
``people``/``killed``), which is how two sentences' figures for the same thing are
compared (:func:`conflicting_figures`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Iterator

from cluster.text import ascii_word_runs

__all__ = ["Figure", "figures", "figure_values", "conflicting_figures", "may_state_figures"]


@dataclass(frozen=True, slots=True)
class Figure:
    """One figure: ``value`` is canonical (``"1500000000"``, ``"4"``), ``unit`` is a currency
    code, ``"%"`` or ``""`` (a count), ``key`` the word it counts (may be ``""``) and
    ``year`` whether it reads as a calendar year (1900-2099 with no unit).

    Example:
        >>> figures("The plan costs $1.5bn.")[0]
        Figure(value='1500000000', unit='USD', key='cost', year=False, surface='$1.5bn')
    """

    value: str
    unit: str
    key: str
    year: bool = False
    surface: str = ""  # the figure as written (after number words became digits)

    @property
    def canonical(self) -> str:
        """``unit:value`` (``"USD:1500000000"``), or the bare value for a count."""
        return f"{self.unit}:{self.value}" if self.unit else self.value


_SYMBOLS = {"$": "USD", "us$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "₩": "KRW", "₽": "RUB", "a$": "AUD", "c$": "CAD", "hk$": "HKD"}
_CODES = "USD|EUR|GBP|JPY|CNY|RMB|INR|CHF|CAD|AUD|HKD|KRW|RUB|BRL|MXN|ZAR|SEK|NOK|DKK|PLN|TRY"
_CURRENCY_WORDS = {
    "dollar": "USD", "dollars": "USD", "euro": "EUR", "euros": "EUR", "pound": "GBP", "pounds": "GBP",
    "sterling": "GBP", "yen": "JPY", "yuan": "CNY", "renminbi": "CNY", "rupee": "INR", "rupees": "INR",
}  # fmt: skip
_SCALES = {
    "thousand": 3, "k": 3, "million": 6, "millions": 6, "m": 6, "mn": 6, "mln": 6, "billion": 9, "billions": 9,
    "bn": 9, "b": 9, "trillion": 12, "trillions": 12, "tn": 12, "tr": 12, "lakh": 5, "crore": 7, "thou": 3,
}  # fmt: skip
_DIGIT_SCALE = re.compile(r"(\d)\s?(thousands?|millions?|billions?|trillions?)\b", re.IGNORECASE)
_SHORT_SCALE = {"thousand": "thou", "million": "mn", "billion": "bn", "trillion": "tn"}
_SPACES = "\u00a0\u2009\u202f"
_FIGURE = re.compile(
    rf"(?<![\d:.,])(?P<pre>(?:US|HK|[AC])?\$|[€£¥₹₩₽]|\b(?:{_CODES})\s?)?"
    rf"(?P<num>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d{{1,3}}(?:[{_SPACES}]\d{{3}})+(?:[.,]\d+)?|\d{{1,3}}(?: \d{{3}})+(?![\d.,])"
    r"|\d{1,3}(?:\.\d{3}){2,}(?:,\d+)?|\d+(?:[.,]\d+)?)"
    r"(?P<scale>\s?(?:thousand|millions?|billions?|trillions?|lakh|crore|thou|mn|mln|bn|tn)\b|(?:k|m|b|tr)\b)?"
    rf"(?P<post>\s?(?:%|per\s?cent\b|percent\b|pc\b|percentage points?\b)|\s?(?:{_CODES})\b"
    r"|\s(?:dollars?|euros?|pounds?|sterling|yen|yuan|renminbi|rupees?)\b)?(?![:\d])",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_YEAR = re.compile(r"(?:19|20)\d\d")
_STOP = frozenset(
    "a an the of to in on at for by with from and or as is are was were be been has have had it its this that "
    "than more less about some over under nearly almost around least most up down after before since per each "
    "who which said says according above below roughly just only nearly almost another other another total".split()
)


@lru_cache(maxsize=1)
def _alpha2digit():  # type: ignore[no-untyped-def]
    from text_to_num import alpha2digit

    return alpha2digit


_NUMBER_WORDS = (
    "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
    "eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million billion"
).split()
_NUMBER_WORD = re.compile(r"(?i)\b(?:" + "|".join(_NUMBER_WORDS) + r")\b")
_NUMBER_WORD_SET = frozenset(_NUMBER_WORDS)
_ANY_DIGIT = re.compile(r"\d")
_DOZEN = re.compile(r"\b(?:a|one)\s+dozen\b", re.IGNORECASE)


def _has_number_word(text: str) -> bool:
    """``_NUMBER_WORD.search(text)``: a number word standing as a whole word. For ASCII
    text, a lookup of its words (a match is a whole run of word characters)."""
    if text.isascii():
        return not _NUMBER_WORD_SET.isdisjoint(ascii_word_runs(text))
    return bool(_NUMBER_WORD.search(text))


def _words_to_digits(text: str) -> str:
    """Number words as digits ("twelve" -> "12", "a dozen" -> "12"); "one" alone stays a word."""
    # a scale after digits is written short so that text2num leaves it alone ("1.5 billion" -> "1.5 bn")
    lowered = text.lower() if text.isascii() else None  # ASCII: a pattern runs only when its word is there
    if lowered is None or "thousand" in lowered or "illion" in lowered:
        text = _DIGIT_SCALE.sub(lambda m: m.group(1) + " " + _SHORT_SCALE[m.group(2).lower().rstrip("s")], text)
    if lowered is None or "dozen" in lowered:
        text = _DOZEN.sub("12", text)
        text = re.sub(r"\bdozens?\b", "12", text) if re.search(r"\b\d+\s+dozen\b", text) else text
    if not _has_number_word(text):
        return text
    try:
        return _alpha2digit()(text, "en")
    except Exception:  # a text2num parse failure leaves the words as they are  # noqa: BLE001
        return text


_DOT_GROUPS = re.compile(r"\d{1,3}(?:\.\d{3}){2,}(?:,\d+)?")
_COMMA_GROUPS = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
_DECIMAL_COMMA = re.compile(r"\d+,\d{1,2}")
_DOT_THOUSAND = re.compile(r"\d{1,3}\.000")


def _parse(num: str) -> Decimal | None:
    """A figure's digits as a Decimal, with its grouping read (comma, space, dot groups)."""
    digits = num
    for space in " " + _SPACES:
        digits = digits.replace(space, "")
    if digits.isdigit():
        pass  # no grouping to read
    elif _DOT_GROUPS.fullmatch(digits):  # 2.000.000 or 1.234.567,5
        digits = digits.replace(".", "").replace(",", ".")
    elif _COMMA_GROUPS.fullmatch(digits):
        digits = digits.replace(",", "")
    elif _DECIMAL_COMMA.fullmatch(digits):  # a decimal comma: "1,5"
        digits = digits.replace(",", ".")
    elif _DOT_THOUSAND.fullmatch(digits):  # "2.000": grouping (a decimal is not written with three zeros)
        digits = digits.replace(".", "")
    else:
        digits = digits.replace(",", "")
    try:
        return Decimal(digits)
    except InvalidOperation:
        return None


# Capitalised words that a figure after them dates rather than names ("March 12", "Friday 3").
_CALENDAR = frozenset(
    """january february march april may june july august september october november december jan feb mar apr jun jul
    aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday sunday""".split()
)


def _key(text: str, start: int, end: int) -> str:
    """The content word a figure counts: the next word unless it is a stop word, else the
    previous one; "" for a figure that is part of a name ("Python 3.5", "Windows 11",
    "Boeing 737", "Python 3.5, 3.6 and 3.7"): one written right after a capitalised word
    that is no month or weekday and does not open the sentence (or in a list of such
    figures), which labels a thing rather than counts it."""
    window = text[max(0, start - 40) : start]
    before = [w for w in _WORD.finditer(window) if w.group(0).lower() not in _STOP]
    word = before[-1].group(0) if before else ""
    if (
        word[:1].isupper()
        and word.lower() not in _CALENDAR
        and _LABEL_GAP.fullmatch(window[before[-1].end() :])
        and not _OPENING.fullmatch(text[: max(0, start - 40) + before[-1].start()])  # "About 20 people": no name
    ):
        return ""  # a model, version or route number right after its name: a label, not a count to compare
    after = _WORD.search(text, end, min(len(text), end + 40))
    if after and after.group(0).lower() not in _STOP and after.start() - end <= 3:
        return _singular(after.group(0))
    return _singular(word) if word else ""


# Between a name and the figures that label it: space, or earlier labels of a list ("3.5, 3.6, and ").
_OPENING = re.compile(r"(?:.*[.!?:;]\s+)?[\s\"'“‘(\[-]*", re.S)  # all that may come before a sentence's first word
_LABEL_GAP = re.compile(r"\s+(?:[\d.+]+,?\s+(?:(?:and|or)\s+)?)*")


def _singular(word: str) -> str:
    word = word.lower()
    word = word[:-2] if word.endswith(("'s", "’s")) else word
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def may_state_figures(text: str) -> bool:
    """False when ``text`` surely states no figure: it has no digit, and no number word
    that could become one. A cheap test before :func:`figures`.

    Example:
        >>> may_state_figures("Rain fell in Paris."), may_state_figures("Twelve died."), may_state_figures("A dozen fled.")
        (False, True, True)
    """
    return bool(_ANY_DIGIT.search(text)) or _has_number_word(text) or "dozen" in text.lower()


_PREFIX_REACH = 4  # the longest text _FIGURE allows before a figure's first digit: a code and a space ("USD 5")


def _figure_matches(text: str) -> Iterator["re.Match[str]"]:
    """The matches of ``_FIGURE.finditer(text)``, with the pattern tried only where a
    match can start: a figure opens with a digit or with a prefix of at most
    ``_PREFIX_REACH`` characters before one. The pattern has no fixed first character,
    so ``finditer`` would try it at every position of the text."""
    pos = 0
    while True:
        digit = _ANY_DIGIT.search(text, pos)
        if digit is None:
            return
        first = digit.start()
        for start in range(max(pos, first - _PREFIX_REACH), first + 1):
            match = _FIGURE.match(text, start)  # the look-behind still sees the text before start
            if match:
                yield match
                pos = match.end()
                break
        else:
            pos = first + 1


def figures(text: str) -> tuple[Figure, ...]:
    """The figures ``text`` states, in order (number words included).

    Example:
        >>> [f.canonical for f in figures("Twelve people died; 2 000 fled and $1,500 million was pledged.")]
        ['12', '2000', 'USD:1500000000']
        >>> [f.canonical for f in figures("Prices rose 4 per cent, or 1.5bn euros.")]
        ['%:4', 'EUR:1500000000']
    """
    if not may_state_figures(text):
        return ()
    text = _words_to_digits(text)
    found = []
    for match in _figure_matches(text):
        value = _parse(match.group("num"))
        if value is None:
            continue
        scale = (match.group("scale") or "").strip().lower()
        if scale:
            if scale in ("m", "b", "k", "tr") and not match.group("pre") and not (match.group("post") or "").strip():
                scale = ""  # "5m", "3k" without money: metres, a distance, a count of thousands - left unscaled
            if scale:
                value *= Decimal(10) ** _SCALES[scale]
        pre = (match.group("pre") or "").strip().lower()
        post = (match.group("post") or "").strip().lower()
        unit = ""
        if pre:
            unit = _SYMBOLS.get(pre, pre.upper())
        elif post.startswith("percentage"):
            unit = "pp"
        elif post.startswith(("%", "per", "pc")):
            unit = "%"
        elif post:
            unit = _CURRENCY_WORDS.get(post, post.upper())
        unit = "CNY" if unit == "RMB" else unit
        canonical = format(value.normalize(), "f")
        if "." in canonical:
            canonical = canonical.rstrip("0").rstrip(".")
        year = not unit and not scale and _YEAR.fullmatch(match.group("num")) is not None
        key = _key(text, match.start(), match.end())
        found.append(Figure(value=canonical, unit=unit, key=key, year=year, surface=match.group(0).strip()))
    return tuple(found)


def figure_values(text: str) -> frozenset[str]:
    """The canonical figures of ``text`` (see :attr:`Figure.canonical`).

    Example:
        >>> figure_values("$1.5 billion") == figure_values("US$1,500 million") == figure_values("1.5bn dollars")
        True
    """
    return frozenset(f.canonical for f in figures(text))


def conflicting_figures(a: tuple[Figure, ...], b: tuple[Figure, ...]) -> tuple[str, ...]:
    """The keys on which two sentences state different figures and no common one.

    A key is the counted word and the unit ("people" counts, "rose" in US dollars); a
    figure that the other sentence states under any key is no conflict. Years are left out ("in 2019" beside "in 2020" is a different time, not a different
    toll); figures without a key are compared only when neither sentence has keyed ones.

    Example:
        >>> conflicting_figures(figures("An explosion killed 12 people and injured 40."),
        ...                     figures("An explosion killed 15 people and injured 40."))
        ('people',)
    """
    if not a or not b:
        return ()

    def by_key(items: tuple[Figure, ...]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for f in items:
            if not f.year and f.key:
                out.setdefault(f.key if not f.unit else f"{f.key} ({f.unit})", set()).add(f.canonical)
        return out

    keyed_a, keyed_b = by_key(a), by_key(b)
    all_a, all_b = {f.canonical for f in a}, {f.canonical for f in b}
    return tuple(
        sorted(k for k in keyed_a.keys() & keyed_b.keys() if not keyed_a[k] & all_b and not keyed_b[k] & all_a)
    )
