"""Sentence boundary detection: rules for news prose, in one regular-expression pass.

A boundary is a run of ``.``, ``!``, ``?`` or ``…`` (with any closing quotes or brackets)
followed by whitespace, or a run of ``。！？`` in scripts written without spaces. A
candidate boundary is rejected when the word before the stop is an abbreviation that
does not end sentences (titles such as "Gen." or "Mr.", "No." before a number), an
initial ("John F. Kennedy"), or an abbreviation that may end a sentence ("U.S.",
"a.m.", "Inc.") followed by a word that continues the clause ("U.S. officials",
"11:30 a.m. Eastern Time"); and when the next word starts in lower case ("etc. and",
'"Stop!" he said'). Decimal numbers ("1.5"), web addresses and "U.S." hold no
whitespace after the inner dots, so they never offer a boundary.

Hard-wrapped lines (a paragraph broken by single newlines at a fixed width) are joined
before splitting; a line without a full stop followed by a capitalised line (a
headline, a caption) stays on its own. Entry stamps of live blogs ("11:30 Iran says …",
"10.05am: ...") are stripped from the opening of each line and sentence.

The rules follow the Punkt analysis of abbreviations, initials and ordinal numbers
(Kiss & Strunk, 2006, Computational Linguistics 32(4)) with a hand-made abbreviation
list instead of unsupervised training; pysbd (Sadvilkar & Neumann, 2020) is the
baseline that ``benchmarks/sentences.py`` measures this splitter against.
"""

from __future__ import annotations

import re

__all__ = ["segment", "join_wrapped_lines", "strip_entry_stamp", "word_count"]

# Abbreviations after which a full stop never ends a sentence when a capital or digit
# follows: titles, ranks and reference words ("Gen. Milley", "No. 10", "Rep. Smith").
_TITLES = frozenset(
    """mr mrs ms messrs mme mlle dr prof gen lt col maj capt cpt cmdr adm sgt cpl pvt brig
    sen sens rep reps gov govs const lt.gov pres supt insp det rev fr hon amb atty sec treas
    st ste mt ft nr para ch sec sect op ed eds
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    ave blvd rd hwy dept univ assn bros est approx ca cf vs v
    ala ariz ark calif colo conn del fla ga ill ind kan kans ky la md mass mich minn miss mo mont
    neb nebr nev okla ore pa penn tenn tex va vt wash wis wisc wyo""".split()
)
# Reference words that take a number: "No. 10", "Art. 5", "pp. 4-9" (but "No. I mean").
_NUMBERED = frozenset("no nos vol vols art arts fig figs p pp".split())
# Abbreviations that can also end a sentence: a boundary only before a word that usually
# opens one ("... in the U.S. The talks ...").
_MAYBE_FINAL = frozenset(
    """inc corp co ltd llc plc jr sr etc al bros u.s u.k u.n e.u u.s.a a.m p.m d.c n.y l.a
    i.e e.g ph.d b.c a.d""".split()
)
# Words that open sentences; after "U.S.", "a.m." or "Inc." they mark a new sentence.
_OPENERS = frozenset(
    """the a an he she it they we i you this that these those there his her its their our my
    but and so yet however meanwhile in on at for after before when while if as since
    officials police authorities some many most no one two three several both all
    by previously during with from among although though because despite earlier later last
    next now then still also instead according under over until more only even other each
    every what who how why where such not""".split()
)
# Boundary candidates: stops, closing quotes or brackets, then whitespace (or a CJK stop).
# Written to open with one character set, so the engine skips to the next stop in C.
_CANDIDATE = re.compile(r"[.!?…。！？](?:(?<=[.!?…])[.!?…]*[\"'”’)\]»]*(?=\s)|(?<=[。！？])[。！？]*[」』”’）)\]]*)")
_NEXT_WORD = re.compile(r"\s+[\"'“‘(\[]*(\S+)")
_WORD_BEFORE = re.compile(r"([\w.'’-]*)$")
_INITIAL = re.compile(r"^(?:[A-Z]|[A-Z]\.[A-Z])$")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_FINAL = re.compile(r"[.!?…。！？][\"'”’)\]»」』）]*$")
# "11:30 ", "10.05am: ", "9:15 p.m. ET - " opening a line or sentence, before a capital.
_STAMP = re.compile(
    r"^\s*(?:[01]?\d|2[0-3])[:.][0-5]\d(?:\s?[ap]\.?m\.?)?(?:\s?(?:GMT|BST|CET|CEST|UTC|[ECMP][SD]?T))?\s*[:|•·—–-]?\s+(?=[\"“‘'(]?[A-Z])"
)


_LETTERS_WITH_DOTS = re.compile(r"(?:[a-z]\.){1,3}[a-z]")  # "u.s", "a.m": an abbreviation read back
_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]+")


def word_count(text: str) -> int:
    """Words in ``text``: space-separated tokens, with a run of Chinese, Japanese or Korean
    characters counted as one word per two characters (the mean length of a Chinese word).

    Example:
        >>> word_count("Rain fell in Paris."), word_count("地震已造成3人遇难、27人受伤。")
        (4, 7)
    """
    if text.isascii():
        return len(text.split())
    cjk = _CJK_RUN.findall(text)
    if not cjk:
        return len(text.split())
    rest = _CJK_RUN.sub(" ", text)
    return len(rest.split()) + sum(max(1, len(run) // 2) for run in cjk)


def strip_entry_stamp(text: str) -> str:
    """``text`` without a live blog's entry stamp ("11:30", "10.05am:") opening it.

    Example:
        >>> strip_entry_stamp("11:30 Iran says it has closed the strait.")
        'Iran says it has closed the strait.'
        >>> strip_entry_stamp("12.5 percent of voters stayed home.")
        '12.5 percent of voters stayed home.'
    """
    return _STAMP.sub("", text, count=1)


def _wrapped(line: str, following: str) -> bool:
    """Whether ``line`` runs on into ``following`` (a hard wrap, not a heading)."""
    if not following:
        return False
    head = following.lstrip()[:1]
    if _FINAL.search(line):
        # a stop that does not end a sentence before this word ("11:30 a.m.\nEastern Time")
        if head.islower():  # only after an abbreviation ("the U.S.\nand Canada"), not "They met.\nand then"
            last = line.rsplit(None, 1)[-1].lower().rstrip(".")
            return last in _MAYBE_FINAL or last in _TITLES or bool(_LETTERS_WITH_DOTS.fullmatch(last))
        joined = line + " " + following
        stop = _CANDIDATE.search(joined, len(line) - len(_FINAL.search(line).group(0)))
        return stop is not None and not _is_boundary(joined, stop.start(), stop.end())
    if head.islower() or head.isdigit() or line.endswith((",", ";", ":", "-", "–", "—", "(")):
        return True
    return len(line) >= 50 and line[-1:].isalpha() and line.rsplit(None, 1)[-1][:1].islower()


def join_wrapped_lines(text: str) -> list[str]:
    """The lines of ``text`` with hard-wrapped paragraphs joined into one line each.

    Blank lines end paragraphs; inside one, a line joins the next when it ends without a
    full stop and the next opens in lower case, or it ends mid-phrase (a comma, a dash, a
    lower-case word on a line of 50 characters or more), or it ends with a stop that is no
    sentence end before the next line's first word ("a.m." before "Eastern"). A line
    without a full stop above a capitalised one (a headline, a caption) and a sentence
    that ends at the line's end stay on their own. Entry stamps are stripped from each
    line's opening.

    Example:
        >>> join_wrapped_lines("The outage began at 11:30 a.m.\\nEastern Time, officials said.\\n\\nNext")
        ['The outage began at 11:30 a.m. Eastern Time, officials said.', 'Next']
    """
    out: list[str] = []
    current = ""
    for raw in text.split("\n"):
        line = strip_entry_stamp(raw.strip())
        if not line:
            if current:
                out.append(current)
            current = ""
            continue
        if current and _wrapped(current, line):
            current = current + ("" if _CJK.search(current[-1]) and _CJK.search(line[0]) else " ") + line
        else:
            if current:
                out.append(current)
            current = line
    if current:
        out.append(current)
    return out


def _word_before(text: str, start: int) -> str:
    """The word (with dots, apostrophes and hyphens) that ends at ``start``, read back at
    most 40 characters: what ``_WORD_BEFORE`` finds in ``text[start - 40 : start]``,
    scanned from the end instead of searched for from every position."""
    low = max(0, start - 40)
    if start > low and text[start - 1] == "\n":  # the pattern's "$" may also match before a final newline
        return _WORD_BEFORE.search(text[low:start]).group(1)  # type: ignore[union-attr]
    i = start
    while i > low and (text[i - 1].isalnum() or text[i - 1] in "_.'’-"):  # \w is str.isalnum() or "_"
        i -= 1
    return text[i:start]


def _is_boundary(text: str, start: int, end: int) -> bool:
    """Whether the stop ``text[start:end]`` ends a sentence (``end`` is followed by space)."""
    stop = text[start:end]
    after = _NEXT_WORD.match(text, end)
    if after is None:
        return True  # only space (and openers) follow
    nxt = after.group(1)
    first = nxt[:1]
    if first.islower():
        return False  # "etc. and", '"Stop!" he said', "U.S. officials"
    if not stop.startswith("."):
        return True  # ! ? … end sentences before anything but lower case
    if stop.startswith("..") and not first.isupper():
        return False
    before = _word_before(text, start)
    if not before:
        return True
    key = before.lower().strip("'’").rstrip(".")
    if _INITIAL.match(before.rstrip(".")) and len(before.rstrip(".").replace(".", "")) <= 2:
        # "John F. Kennedy", "George W. Bush"; a single capital ending a sentence ("Plan B.") is rarer
        return first.isupper() and nxt.lower().strip("\"'“”,") in _OPENERS
    if key in _TITLES or key.rsplit("-", 1)[-1] in _TITLES and "-" in key:
        return False  # "Gen. Milley", "(I-Vt.) bill"
    if before.isdigit() and nxt.isdigit():
        return False  # a decimal spaced out by a tokenizer: "averaging 16. 8 points"
    if key in _NUMBERED and before[:1].isupper() == (key != "p" and key != "pp") and first.isdigit():
        return False
    if key in _MAYBE_FINAL or _LETTERS_WITH_DOTS.fullmatch(key):
        return nxt.strip("\"'“”,.").lower() in _OPENERS or not first.isalnum()
    return True


_QUOTE_SPAN = 400  # characters a quotation may run and still hold its sentences together


def _inside_quote(line: str, start: int, end: int) -> bool:
    """Whether ``line[start:end]`` ends inside a quotation that closes later in the line
    (within ``_QUOTE_SPAN`` characters): '"Send her back! Send her back!" they chanted.'"""
    piece = line[start:end]
    straight = piece.count('"') % 2 == 1
    curly = piece.count("“") > piece.count("”")
    if not (straight or curly):
        return False
    if straight:
        opened, close = piece.rfind('"'), line.find('"', end, end + _QUOTE_SPAN)
    else:  # the quotation must close before another one opens ("When did I say? “Let’s ...”")
        opened = piece.rfind("“")
        close, reopen = line.find("”", end, end + _QUOTE_SPAN), line.find("“", end, end + _QUOTE_SPAN)
        if reopen != -1 and reopen < close:
            return False
    return close != -1 and close - (start + opened) <= _QUOTE_SPAN


def segment(text: str) -> list[str]:
    """Split ``text`` into sentences (stripped, never empty), in order.

    Lines are joined where the text is hard-wrapped (see :func:`join_wrapped_lines`);
    every remaining line break ends a sentence.

    Example:
        >>> segment('Gen. Mark Milley spoke at 9 a.m. Eastern Time. Prices rose 1.5% in the U.S. '
        ...         '"It is over," he said. 地震造成3人死亡。27人受伤。')
        ['Gen. Mark Milley spoke at 9 a.m. Eastern Time.', 'Prices rose 1.5% in the U.S.', '"It is over," he said.', '地震造成3人死亡。', '27人受伤。']
    """
    sentences: list[str] = []
    for line in join_wrapped_lines(text):
        start = 0
        for match in _CANDIDATE.finditer(line):
            if match.group(0)[0] in "。！？" or (
                _is_boundary(line, match.start(), match.end()) and not _inside_quote(line, start, match.end())
            ):
                piece = line[start : match.end()].strip()
                if piece:
                    sentences.append(strip_entry_stamp(piece))
                start = match.end()
        piece = line[start:].strip()
        if piece:
            sentences.append(strip_entry_stamp(piece))
    return sentences
