"""Stubs: records whose text is not the article (paywalls, consent walls, captions).

A stub is skipped, with its reason, never read as news: two paywalled stories of one
outlet carry the same subscription pitch, and read as news they would be copies of each
other and the pitch their summary. Three rules, on the text as the record gives it
(markup removed, before boilerplate lines are dropped):

1. a known wall: the text is short (at most ``ingest.stub_max_words`` words) and matches
   one of ``ingest.stub_patterns`` (subscription pitches, sign-in and article-limit walls,
   cookie and consent notices, "enable JavaScript", ad-blocker notices);
2. too little text: fewer than ``ingest.min_text_words`` words, or the text only repeats
   the title, or it is a photo caption or credit;
3. one outlet's shared teaser (:func:`shared_stub_groups`): the same short text under
   different titles from one publisher.

Short texts that are news (a one-sentence dek, a brief) are kept: only these rules skip.
"""

from __future__ import annotations

import hashlib
import re
from typing import Iterable, Sequence

__all__ = ["DEFAULT_STUB_PATTERNS", "stub_reason", "shared_stub_groups"]

DEFAULT_STUB_PATTERNS = (
    r"\bsubscribe (now |today )?(to|and) (read|continue|keep reading|unlock|get)\b",
    r"\b(become|already) an? (member|subscriber|paying subscriber)\b",
    r"\bto (continue|keep) reading\b",
    r"\b(for|to) (subscribers|members|premium members) only\b|\bsubscribers?[- ]only\b|\bsubscriber exclusive\b",
    r"\b(sign|log) ?in to (read|continue|view|access)\b",
    r"\breached (your|the) (free |monthly )?(article|story|page)s? limit\b",
    r"\bthis (article|content|story) is (only )?(available|reserved) (only )?(to|for) (subscribers|members)\b",
    r"\bunlimited (digital )?access\b|\bstart your (free )?trial\b",
    r"\bwe (and our (partners|vendors) )?use cookies\b|\b(accept|reject|manage) (all )?cookies\b",
    r"\b(your privacy choices|cookie (policy|settings|preferences)|consent to (the use of )?cookies)\b",
    r"\bwe value your privacy\b|\b(store|access) information on (a|your) device\b",
    r"\b(please )?(enable|turn on) javascript\b|\byour browser (does not|doesn.t) support\b",
    r"\b(disable|turn off|pause|whitelist) (your )?ad ?-?blocker\b",
)

_CAPTION = re.compile(
    r"^\s*(?:\(?(?:photo|image|picture|video|file photo|credit)s?\s*(?:by|:|/|credit)|\(?(?:AP|AFP|Reuters|Getty Images|EPA|Shutterstock)\s*(?:Photo|Images)?\s*/)",
    re.I,
)
_CAPTION_MAX_WORDS = 40
_WORD = re.compile(r"\w+", re.UNICODE)


def _words(text: str) -> int:
    """Words of a text; a character of a script without spaces counts as one word."""
    count = 0
    for match in _WORD.finditer(text):
        token = match.group(0)
        count += 1 if token.isascii() else max(1, sum(1 for ch in token if ord(ch) >= 0x2E80))
    return count


def stub_reason(
    title: str | None,
    text: str,
    patterns: Sequence[re.Pattern[str]],
    *,
    min_text_words: int,
    stub_max_words: int,
) -> str | None:
    """Why a record is a stub (one line, for ``skipped``), or None when it is an article.

    Args:
        title: the cleaned title, or None.
        text: the text with markup removed (before boilerplate lines are dropped).
        patterns: compiled ``stub_patterns`` (case-insensitive).
        min_text_words: fewer words than this is too little text.
        stub_max_words: a wall pattern marks a stub only in a text of at most this many words.

    Example:
        >>> pats = [re.compile(p, re.I) for p in DEFAULT_STUB_PATTERNS]
        >>> stub_reason("Rates held", "Subscribe to read. Become a member to keep reading.", pats, min_text_words=4, stub_max_words=150)
        "stub: paywall or consent wall, not the article (matches ingest.stub_patterns: 'subscribe to read')"
        >>> stub_reason("Rates held", "The central bank held rates at 5.25% on Wednesday.", pats, min_text_words=4, stub_max_words=150) is None
        True
    """
    # More spaces and line breaks than stub_max_words + 1: more words too (no need to count them).
    words = stub_max_words + 1 if text.count(" ") + text.count("\n") >= stub_max_words + 2 else _words(text)
    if words <= stub_max_words:
        for pattern in patterns:
            match = pattern.search(text)
            if match:
                return f"stub: paywall or consent wall, not the article (matches ingest.stub_patterns: {match.group(0).lower()!r})"
    if words < min_text_words:
        return f"stub: {words} words of text, under ingest.min_text_words = {min_text_words}"
    if title and len(text) <= 2 * len(title) and _WORD.findall(text.casefold()) == _WORD.findall(title.casefold()):
        return "stub: the text only repeats the title"
    if words <= _CAPTION_MAX_WORDS and _CAPTION.match(text):
        return "stub: a photo caption or credit, not the article"
    return None


def shared_stub_groups(
    items: Iterable[tuple[str | None, str | None, str]], stub_max_words: int
) -> dict[int, int]:
    """Records that share one short text under different titles from one publisher.

    Args:
        items: (publisher key, title, text) per article, in order.
        stub_max_words: texts longer than this are never shared stubs.

    Returns:
        index -> size of its group, for every article of such a group (two or more
        different titles of one publisher with the same text).

    Example:
        >>> shared_stub_groups([("k", "Rates held", "Join us."), ("k", "Cars recalled", "Join us."), ("k", "Rain", "Rain fell.")], 150)
        {0: 2, 1: 2}
    """
    groups: dict[tuple[str, bytes], list[tuple[int, str]]] = {}
    for index, (key, title, text) in enumerate(items):
        if key is None or text.count(" ") + text.count("\n") >= stub_max_words + 2 or _words(text) > stub_max_words:
            continue
        digest = hashlib.blake2b(" ".join(_WORD.findall(text.casefold())).encode("utf-8", "replace"), digest_size=16).digest()
        groups.setdefault((key, digest), []).append((index, " ".join(_WORD.findall((title or "").casefold()))))
    found: dict[int, int] = {}
    for members in groups.values():
        if len(members) >= 2 and len({title for _, title in members}) >= 2:
            for index, _ in members:
                found[index] = len(members)
    return found
