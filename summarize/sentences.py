"""Sentence splitting and filtering: the candidate statements of an article.

Splitting is offline (:mod:`summarize.segmenter`: abbreviation, initial and quotation
rules; hard-wrapped lines joined; live-blog entry stamps stripped). Lines that are not prose are dropped before
splitting: advertisements, comment prompts, cookie notices, bylines, photo captions,
headline-like lines without a full stop. A dateline opening a sentence ("WASHINGTON
(Reuters) -", "(CNN)") is stripped. Sentences outside the word range, fragments without a
verb ending (no terminal punctuation) and sentences that are mostly link text are dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cluster.text import normalize

from .segmenter import join_wrapped_lines, segment, word_count
from .settings import SentenceSettings

__all__ = ["Sentence", "split_sentences", "strip_dateline", "is_truncated"]


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of one article; ``position`` counts kept sentences from 0.

    Example:
        >>> Sentence("Rain fell.", "a1", 0).position
        0
    """

    text: str
    article_id: str
    position: int


# Whole lines that are page furniture, not reporting. A new alternative's opening word goes
# in _BOILERPLATE_OPENINGS too (lines opening otherwise never reach this pattern).
_BOILERPLATE = re.compile(
    r"""^\s*(?:
        -?\s*advertisement\s*-?
      | (?:sponsored(?:\s+content)?|story\s+continues\s+below.*|continue\s+reading.*)
      | (?:leave\s+a\s+(?:reply|comment)|post\s+a\s+comment|comments?|reply)\s*:?
      | (?:share|tweet|email|print)(?:\s+(?:this|on|via|to|with|the\s+(?:story|article|link))\b.{0,80})?
      | (?:follow\s+us|subscribe|sign\s+up)\b.{0,80}
      | (?:click|tap)\s+here\b.*
      | (?:related|read\s+more|also\s+read|recommended|more\s+from|watch|listen)\s*:.*
      | (?:your\s+email\s+address\s+will\s+not\s+be\s+published|required\s+fields\s+are\s+marked).*
      | (?:all\s+rights\s+reserved|copyright\b|©).*
      | .*\bcookies?\b.*\b(?:consent|accept|policy|settings|browsing|experience)\b.*
      | (?:photo|image|file\s+photo|picture|video)\s*(?::|credit|by).*
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
# Short lines naming the writer or the time of posting.
_BYLINE = re.compile(
    r"^\s*(?:(?:by|written\s+by|reporting\s+by|editing\s+by)\s+[A-Z]|(?:updated|published|posted)\b\s*:?\s*\w+\s+\d)",
    re.IGNORECASE,
)
_BYLINE_MAX_WORDS = 12
# Photo captions and credits in brackets: "[File: Andrew Harnik/pool via Reuters]".
_CREDIT = re.compile(r"[\[(]\s*(?:file\s+)?(?:photo|image|picture|file|credit|getty|ap\s+photo|reuters)\b[^\])]{0,200}[\])]", re.IGNORECASE)
# "WASHINGTON (Reuters) - ", "LONDON, March 2 (AP) — ", "NEW DELHI — ".
_DATELINE = re.compile(
    r"^(?:[A-Z][A-Z.'’-]+(?:[ ,]+[A-Z][A-Za-z.'’-]+){0,4}"  # place, in capitals (a following region may be title case)
    r"(?:,?\s+(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}))?"  # optional date
    r"\s*(?:\((?:AP|Reuters|AFP|CNN|UPI|dpa|Xinhua|[A-Z][A-Za-z ]{1,30})\))?"  # optional agency
    r"\s*[-—–]+\s+)"
)
# An agency credit alone opening the text, with or without a dash: "(CNN)The ...", "(AP) — ...".
_AGENCY_OPENING = re.compile(r"^\((?:AP|Reuters|AFP|CNN|UPI|dpa|Xinhua|Bloomberg)\)\s*(?:[-—–]+\s*)?")
# A page's date and time stamp opening the text: "May 3, 2013 | 8:20 am", "Posted: Sunday, May 5,
# 2013 at 7:31 AM ET Updated 5:40 p.m. ET".
_DATE_STAMP = re.compile(
    r"^(?:(?:posted|published|updated)(?:\s+on)?:?\s*)?(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}"
    r"(?:\s*(?:[|,•·-]|at|updated)?\s*\d{1,2}\s*[:.]\s*\d{2}\s*(?:[ap]\.?\s*m\b\.?)?(?:\s*(?:ET|EST|EDT|PT|PST|PDT|CT|CST|CDT|GMT|UTC|BST)\b)?)*"
    r"\s*[|•·—–-]?\s*",
    re.IGNORECASE,
)
_LEADING_LABEL = re.compile(r"^(?:VIDEO|WATCH|PHOTOS?|LISTEN|BREAKING|EXCLUSIVE|UPDATE|OPINION|ANALYSIS)\s*[:|-]\s*", re.IGNORECASE)
_CUT_ENDINGS = ("...", "…", "]", "\"", "'", "”", "’", ")")  # what a cut-off sentence can end with
_URL = re.compile(r"https?://\S+|www\.\S+")


def _ends_with_stop(text: str) -> bool:
    """Whether ``text`` ends in a stop and closing quotes or brackets: a search for
    ``(?:[.!?]["'”’)\\]]*|[。！？][」』”’）)]*)$`` (so also before a final newline), read
    from the end instead of searched for."""
    if text.endswith("\n"):
        text = text[:-1]
    body = text.rstrip("\"'”’)]")
    if body and body[-1] in ".!?":
        return True
    body = text.rstrip("」』”’）)")
    return bool(body) and body[-1] in "。！？"


# The words that open every boilerplate line but those about cookies (lower case): a line
# opening with none of them, and without "cookie", cannot match _BOILERPLATE.
_BOILERPLATE_OPENINGS = (
    "advertisement", "sponsored", "story", "continue", "leave", "post", "comment", "reply", "share", "tweet",
    "email", "print", "follow", "subscribe", "sign", "click", "tap", "related", "read", "also", "recommended",
    "more", "watch", "listen", "your", "required", "all", "copyright", "photo", "image", "file", "picture", "video",
)


# Furniture is a short line of one sentence: a longer line, or one of several sentences,
# is running text (a feed's whole text on one line), whose furniture sentences
# _FURNITURE_SENTENCE finds once it is split.
_FURNITURE_LINE_CHARS = 300
_CAPTION = re.compile(r"\s*(?:photo|image|file\s+photo|picture|video)\s*(?::|credit|by)", re.IGNORECASE)  # a caption of any length
_INNER_STOP = re.compile(r"[.!?][\"'”’)\]]*\s+\S")  # a line of several sentences is judged sentence by sentence


def _boilerplate(line: str) -> bool:
    """``_BOILERPLATE.match(line)``, with the pattern run only where it can match. An ASCII
    line is passed over when it opens (after spaces and a dash) with no boilerplate word
    and holds no "cookie"; other lines always go to the pattern (its case-insensitive
    match also accepts letters such as "ſ" that lower-casing does not turn into "s")."""
    if line.isascii():
        lowered = line.lower()
        if "cookie" not in lowered and not lowered.lstrip().lstrip("-").lstrip().startswith(_BOILERPLATE_OPENINGS):
            return False
    return bool(_BOILERPLATE.match(line))
# Page furniture that arrives as a sentence of running text (a feed's text on one line):
# a copyright notice, a call to subscribe or to follow, a link prompt. Narrower than
# _BOILERPLATE, which judges whole short lines ("Share this" is furniture as a line,
# "Share prices fell" is news as a sentence).
_FURNITURE_SENTENCE = re.compile(
    r"""^[\s"'“‘(\[-]*(?:
        copyright\b | © | all\s+rights\s+reserved\b
      | (?:subscribe|sign\s+up)\s+(?:now\s+)?(?:to|for)\s+(?:our|the|my)\s+(?:\w+\s+){0,3}?(?:newsletters?|podcasts?|channel|alerts|updates|emails?)\b
      | (?:click|tap)\s+here\b | follow\s+us\b
      | (?:read|see)\s+more\s+(?:at|on)\s+(?:our|the)\s+(?:web)?site\b
      | (?:this|our)\s+(?:web)?site\s+uses\s+cookies\b | we\s+use\s+cookies\b | by\s+continuing\s+to\s+(?:browse|use)\b
      | (?=.*\bcookies?\b)(?=.*\b(?:accept|consent|policy|settings)\b)(?=.*\b(?:you|your|our|we)\b)
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# A sentence cut off by a feed or an excerpt: "... and that the...", "… said acting FDA Commissioner […]".
_TRUNCATED = re.compile(r"(?:\w|[,;:])\s*(?:\.{3,}|…|\[\s*(?:\.{3,}|…)\s*\])[\"'”’)\]]*$")


def strip_dateline(sentence: str) -> str:
    """Remove a wire dateline, a page's date stamp or a section label that opens a sentence.

    Example:
        >>> strip_dateline("WASHINGTON (Reuters) - The Senate passed the bill.")
        'The Senate passed the bill.'
        >>> strip_dateline("(CNN)Stabbings inside a rabbi's home marked the latest attack.")
        "Stabbings inside a rabbi's home marked the latest attack."
        >>> strip_dateline("May 3, 2013 | 8: 20 am Lindsay Lohan's attorney said Thursday the actress checked in.")
        "Lindsay Lohan's attorney said Thursday the actress checked in."
    """
    stripped = _LEADING_LABEL.sub("", sentence)
    stripped = _cut_opening(stripped, _DATELINE.match(stripped) or _AGENCY_OPENING.match(stripped))
    return _without_date_stamp(stripped)


def _without_date_stamp(text: str) -> str:
    """``text`` without a page's date and time stamp opening it. Lines are cleaned of it
    before they are split, since the splitter would cut "5:40 p.m. ET The ..." after "p.m."."""
    return _cut_opening(text, _DATE_STAMP.match(text))


def _cut_opening(text: str, match: "re.Match[str] | None") -> str:
    """``text`` after ``match`` (an opening), when what follows reads as a sentence start."""
    rest = text[match.end() :] if match else ""
    if match and len(rest) > 20 and (rest[0].isupper() or rest[0] in "\"“‘'"):
        return rest
    return text


_ROUGH_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def _bounded_lines(text: str, max_chars: int) -> list[str]:
    """Text lines, with a line over ``max_chars`` cut at sentence ends and runaway pieces dropped.

    Keeps the sentence splitter away from megabyte-long lines without losing the
    ordinary sentences of a long paragraph.
    """
    lines = []
    for line in text.split("\n"):
        if len(line) <= max_chars:
            lines.append(line)
            continue
        pieces = [p for p in _ROUGH_SENTENCE_END.split(line) if len(p) <= max_chars]
        lines.append(" ".join(pieces))
    return lines


def _prose_lines(text: str, settings: SentenceSettings, strict: bool = True, title: str | None = None) -> list[str]:
    headline = _line_key(normalize(title)) if title else None
    furniture_free = []
    for line in _bounded_lines(normalize(text), settings.max_chars):
        line = _without_date_stamp(_CREDIT.sub(" ", line).strip())
        if line and len(line) <= _FURNITURE_LINE_CHARS and (not _INNER_STOP.search(line) or _CAPTION.match(line)) and _boilerplate(line):
            continue
        if headline and line and not _ends_with_stop(line) and _line_key(line) == headline:
            continue  # the page's headline repeated above the text: joined to the lead, it would make a run-on
        if _BYLINE.match(line) and len(line.split()) <= _BYLINE_MAX_WORDS:
            continue
        furniture_free.append(line)  # blank lines stay: they end paragraphs
    lines = []
    for line in join_wrapped_lines("\n".join(furniture_free)):
        if strict and not _ends_with_stop(line) and word_count(line) < 25:
            continue  # a headline, caption or menu entry: no full stop
        lines.append(" ".join(line.split()))  # joined lines are stripped: the same as re.sub(r"\s+", " ", line)
    return lines


def _line_key(line: str) -> str:
    """A line as a headline is compared: words only, case folded."""
    return " ".join(line.casefold().split())


def _keep(sentence: str, settings: SentenceSettings, strict: bool = True) -> bool:
    if not settings.min_words <= word_count(sentence) <= settings.max_words:
        return False
    if not strict:
        return True
    if not _ends_with_stop(sentence):
        return False
    if ("://" in sentence or "www." in sentence) and _URL.search(sentence) and word_count(_URL.sub("", sentence)) < settings.min_words:
        return False
    letters = _letters(sentence)
    if letters < 0.6 * len(sentence.replace(" ", "")):
        return False
    if sentence[0].islower() or not (sentence[0].isalnum() or sentence[0] in "\"'“‘(「『"):
        return False  # a fragment left over from a broken line
    return True


_ASCII_LETTERS = bytes(range(65, 91)) + bytes(range(97, 123))


def _letters(text: str) -> int:
    """How many characters of ``text`` are letters (``str.isalpha``)."""
    if text.isascii():
        return len(text) - len(text.encode("ascii").translate(None, _ASCII_LETTERS))
    return sum(ch.isalpha() for ch in text)


def is_truncated(sentence: str) -> bool:
    """Whether ``sentence`` was cut off mid-phrase by an excerpt or a feed (ends in an
    ellipsis right after a word): it can support a fact but reads badly in a summary.

    Example:
        >>> is_truncated("The panel said more data is needed, and that the..."), is_truncated("He left.")
        (True, False)
    """
    return sentence.endswith(_CUT_ENDINGS) and bool(_TRUNCATED.search(sentence))


def split_sentences(text: str, settings: SentenceSettings, *, strict: bool = True, title: str | None = None) -> list[str]:
    """Split article text into clean, complete sentences.

    ``strict=False`` keeps lines without a full stop and fragments (still within the
    word limits): the fallback for a text with no complete sentence at all. A line that
    repeats ``title`` (the article's headline, as pages put it above the text; compared
    by words, case folded) and has no full stop is dropped, so it is never joined to the
    lead as a run-on; a title that is the lead sentence itself stays.

    Example:
        >>> from summarize.settings import SentenceSettings
        >>> split_sentences("- Advertisement -\\nWASHINGTON (Reuters) - The Senate passed the bill on Friday. "
        ...                 "It now goes to the House for a vote.", SentenceSettings())
        ['The Senate passed the bill on Friday.', 'It now goes to the House for a vote.']
    """
    sentences: list[str] = []
    for line in _prose_lines(text, settings, strict, title):
        for raw in segment(line):
            sentence = strip_dateline(raw.strip())
            if sentence and _keep(sentence, settings, strict) and not _FURNITURE_SENTENCE.match(sentence):
                sentences.append(sentence)
    return sentences
