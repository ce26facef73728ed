"""Markup cleaning: one cleaning for every text that reaches clusters or a digest.

Feeds and scrapers hand over titles and texts that still carry markup: ``<![CDATA[...]]>``
sections, HTML entities (often escaped twice, ``&amp;lt;p&amp;gt;``), tags (sometimes cut
off mid-tag by an excerpt), Markdown links, ``javascript:`` or ``data:`` URLs, and bidi or
zero-width characters that make one name look like two. :func:`clean_markup` turns such a
text into plain text; :func:`clean_inline` does the same for one-line values (titles,
publisher names). Both are pure functions of their input.

The order, repeated until nothing changes (at most :data:`MAX_ROUNDS` rounds, so markup
escaped many times over is still removed): NFKC (full-width
``＜`` is ``<``) → CDATA unwrapped → comments, processing instructions and tags stripped
(script, style and similar elements with their content) → entities decoded. Then
Markdown links are reduced to their text, ``javascript:``/``vbscript:``/``data:`` URLs
dropped, and format characters (Unicode category Cf: bidi controls, zero-width spaces and
joiners, soft hyphens) and other control characters removed, spacing collapsed
(:func:`cluster.text.normalize`).
"""

from __future__ import annotations

import html
import re

from .text import normalize

__all__ = ["MAX_ROUNDS", "clean_markup", "clean_inline"]

#: Most rounds of tag stripping and entity decoding. Every round that changes the text
#: also shortens it (a tag or entity becomes one character or none), so this only bounds
#: the work on hostile input; real feeds need two or three.
MAX_ROUNDS = 32

_CDATA = re.compile(r"<!\[CDATA\[(.*?)(?:\]\]>|$)", re.S)
_CDATA_END = re.compile(r"\]\]>")
# Elements whose content is never text (with the content), comments, <!DOCTYPE>, <?xml?>.
_HIDDEN = re.compile(
    r"<(script|style|iframe|noscript|template|svg|math|object|head)\b.*?(?:</\1\s*>|$)|<!--.*?(?:-->|$)|<[!?][^<>]*>?",
    re.S | re.I,
)
# Inline elements: removed without a gap ("wo<b>r</b>d" stays one word).
_INLINE_TAG = re.compile(
    r"</?(?:a|abbr|b|bdi|bdo|cite|code|data|del|dfn|em|font|i|ins|kbd|mark|q|s|samp|small|span|strong|sub|sup|time|u|var|wbr)\b[^<>]*>",
    re.I,
)
# Block elements: a line break (paragraphs stay apart for sentence splitting).
_BLOCK_TAG = re.compile(
    r"</?(?:p|br|div|li|ul|ol|h[1-6]|tr|table|blockquote|article|section|header|footer|figure|figcaption|dd|dt|dl|pre|hr|aside|main|nav)\b[^<>]*>",
    re.I,
)
_OTHER_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s[^<>]*)?/?>|</[^<>]*>")
# A tag cut off at the very end of a text (an excerpt cut mid-tag): '<a href="x' or '<p class=x'.
_CUT_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:-]*(?:\s+[^\s<>=]+(?:=(?:\"[^\"]*\"?|'[^']*'?|[^\s<>]*))?)*\s*/?$")
_MARKDOWN_LINK = re.compile(r"(!?)\[([^\[\]\n]{0,500})\]\(\s*<?([^()\s<>]*(?:\([^()\s]*\)[^()\s<>]*)*)>?(?:\s+\"[^\"\n]*\")?\s*\)")
# Script and data URLs, written with any spacing or case ("java\tscript:", "JaVaScRiPt:").
_UNSAFE_URL = re.compile(
    r"(?:\b(?:j\s*a\s*v\s*a|v\s*b)\s*s\s*c\s*r\s*i\s*p\s*t\s*:|\bdata:[a-z]+/[\w.+-]+[;,])[^\s<>\"'\]]*(?:\([^()\s]*\))?",
    re.I,
)
# The end of a script or data URL's scheme, looked for just before each colon (a scan of
# the whole text for the spaced forms would cost more than the rest of the cleaning).
_UNSAFE_SCHEME_END = re.compile(r"(?:(?:j\s*a\s*v\s*a|v\s*b)\s*s\s*c\s*r\s*i\s*p\s*t\s*|data)$", re.I)
_BLANK_LINES = re.compile(r"\n[ \t]*(?:\n[ \t]*){2,}")
_LINE_SPACE = re.compile(r"[ \t]*\n[ \t]*")
_ANY_SPACE = re.compile(r"\s+")


def clean_markup(text: str) -> str:
    """Plain text of ``text``: no CDATA, tags, entities, Markdown links, script or data
    URLs, bidi or zero-width characters. Paragraph breaks stay as newlines.

    Args:
        text: a title, body text or name, as a feed or scraper gave it (str of any length).

    Returns:
        The cleaned text (str), stripped; empty when ``text`` was only markup.

    Example:
        >>> clean_markup("<![CDATA[<p>Ferry &amp;amp; bus</p>]]>")
        'Ferry & bus'
        >>> clean_markup("Storm&#8217;s toll &amp;lt;b&amp;gt;rises&amp;lt;/b&amp;gt;")
        'Storm’s toll rises'
        >>> clean_markup("[Read](javascript:alert(1)) the\\u200b report")
        'Read the report'
    """
    if not text:
        return ""
    for _ in range(MAX_ROUNDS):
        before = text
        text = normalize(text) if not text.isascii() else text
        if "<" in text:
            text = _strip_tags(text)
        if "]]>" in text:
            text = _CDATA_END.sub("", text)
        if "&" in text:
            text = html.unescape(text)
        if text == before:
            break
    if "](" in text:
        text = _MARKDOWN_LINK.sub(_link_text, text)
    if ":" in text and _has_unsafe_url(text):
        text = _UNSAFE_URL.sub("", text)
    text = normalize(text)  # format and control characters, NFKC, spacing
    if "\n" in text:
        if " \n" in text or "\n " in text or "\t" in text:
            text = _LINE_SPACE.sub("\n", text)
        if "\n\n\n" in text:
            text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


def _has_unsafe_url(text: str) -> bool:
    """Whether a script or data URL scheme ends at one of the text's colons."""
    at = text.find(":")
    while at != -1:
        if _UNSAFE_SCHEME_END.search(text, max(0, at - 40), at):
            return True
        at = text.find(":", at + 1)
    return False


def clean_inline(text: str | None) -> str | None:
    """:func:`clean_markup` on one line: every run of whitespace becomes one space. For
    titles and names; None or a value that is only markup gives None.

    Example:
        >>> clean_inline("  <h1>Ferry\\nservice</h1> &quot;suspended&quot; ")
        'Ferry service "suspended"'
        >>> clean_inline("<br/>") is None
        True
    """
    if text is None:
        return None
    cleaned = clean_markup(text)
    if "\n" in cleaned or "\t" in cleaned:
        cleaned = _ANY_SPACE.sub(" ", cleaned).strip()
    return cleaned or None


def _strip_tags(text: str) -> str:
    if "<![" in text:
        text = _CDATA.sub(lambda m: m.group(1), text)
    text = _HIDDEN.sub(" ", text)
    text = _INLINE_TAG.sub("", text)
    text = _BLOCK_TAG.sub("\n", text)
    text = _OTHER_TAG.sub(" ", text)
    if "<" in text[-300:]:
        text = _CUT_TAG.sub("", text)
    return text


def _link_text(match: re.Match[str]) -> str:
    """A Markdown link or image as its text (an image's alt text); the target is dropped."""
    return match.group(2)
