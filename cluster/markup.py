"""Markup cleaning: one cleaning for every text that reaches clusters or a digest.

Feeds and scrapers hand over titles and texts that still carry markup: ``<![CDATA[...]]>``
sections, HTML entities (often escaped twice, ``&amp;lt;p&amp;gt;``), tags (sometimes cut
off mid-tag by an excerpt), Markdown links, ``javascript:`` or ``data:`` URLs, and bidi or
zero-width characters that make one name look like two. :func:`clean_markup` turns such a
text into plain text; :func:`clean_inline` does the same for one-line values (titles,
publisher names). Both are pure functions of their input.

Only real tags are stripped: a known HTML element name (:data:`HTML_ELEMENTS`, or a
namespaced or custom name such as ``<o:p>``), with every attribute given a value unless it
is a boolean one (:data:`BOOLEAN_ATTRIBUTES`); comments, ``<!DOCTYPE>`` and ``<?xml?>``. So
"A<B and C>D", "a<b with b>c" and "<<we deserved it>>" are text. A :class:`PlainText` (a
``.txt`` file) has nothing stripped at all unless it holds HTML (:func:`holds_markup`).

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

__all__ = ["MAX_ROUNDS", "HTML_ELEMENTS", "BOOLEAN_ATTRIBUTES", "PlainText", "clean_markup", "clean_inline", "holds_markup"]

#: Most rounds of tag stripping and entity decoding. Every round that changes the text
#: also shortens it (a tag or entity becomes one character or none), so this only bounds
#: the work on hostile input; real feeds need two or three.
MAX_ROUNDS = 32

_CDATA = re.compile(r"<!\[CDATA\[(.*?)(?:\]\]>|$)", re.S)
_CDATA_END = re.compile(r"\]\]>")

#: The element names a tag is recognised by (HTML's, current and obsolete, lower case).
#: A name with ``:`` or ``-`` (``<o:p>``, ``<fb:like>``, ``<my-widget>``) is a tag too.
HTML_ELEMENTS = frozenset(
    """a abbr acronym address applet area article aside audio b base basefont bdi bdo bgsound big blink
    blockquote body br button canvas caption center cite code col colgroup data datalist dd del details dfn
    dialog dir div dl dt em embed fieldset figcaption figure font footer form frame frameset h1 h2 h3 h4 h5
    h6 head header hgroup hr html i iframe img input ins isindex kbd keygen label legend li link listing main
    map mark marquee math menu menuitem meta meter nav nobr noembed noframes noscript object ol optgroup
    option output p param picture plaintext portal pre progress q rb rp rt rtc ruby s samp script search
    section select slot small source spacer span strike strong style sub summary sup svg table tbody td
    template textarea tfoot th thead time title tr track tt u ul var video wbr xmp""".split()
)
#: Attributes written without a value (``<td nowrap>``); any other attribute of a tag has
#: ``=value``. So ``<B and C>`` in "A<B and C>D" is text, not a ``<b>`` tag.
BOOLEAN_ATTRIBUTES = frozenset(
    """allowfullscreen async autofocus autoplay checked compact controls default defer disabled
    formnovalidate hidden inert ismap itemscope loop multiple muted nomodule noresize noshade novalidate
    nowrap open playsinline readonly required reversed selected truespeed""".split()
)
# An attribute: a name, and maybe a value, quoted or not (an unquoted value runs to the next
# space or '>', as browsers read it: href=/a?b=1&c=2).
_ATTRIBUTE = r"""[^\s<>"'/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s<>]+))?"""
_ATTRIBUTE_NAME = re.compile(r"""\s*([^\s<>"'/=]+)(\s*=)?(?:\s*(?:"[^"]*"|'[^']*'|[^\s<>]+))?""")
_NAME = r"[A-Za-z][A-Za-z0-9:-]*"
_HIDDEN_NAMES = "script|style|iframe|noscript|template|svg|math|object|head"
# Elements whose content is never text (with the content).
_HIDDEN = re.compile(rf"<({_HIDDEN_NAMES})((?:\s+{_ATTRIBUTE})*)\s*/?\s*>.*?(?:</\1\s*>|$)", re.S | re.I)
# Comments (to the text's end when unclosed), <!DOCTYPE …>, <?xml …?>.
_DECLARATION = re.compile(r"<!--.*?(?:-->|$)|<![A-Za-z][^<>]*>|<\?[A-Za-z][^<>]*>", re.S)
# Any tag; _tag decides whether it is a real one (a known name, attributes with values).
_TAG = re.compile(rf"<(/?)({_NAME})((?:\s+{_ATTRIBUTE})*)\s*/?\s*>")
# Debris of an end tag: '</ >', '<//>'.
_END_DEBRIS = re.compile(r"</[^<>A-Za-z0-9]*>")
# Inline elements: removed without a gap ("wo<b>r</b>d" stays one word).
_INLINE = frozenset(
    "a abbr b bdi bdo cite code data del dfn em font i ins kbd mark q s samp small span strong sub sup time u var wbr".split()
)
# Block elements: a line break (paragraphs stay apart for sentence splitting).
_BLOCK = frozenset(
    """p br div li ul ol h1 h2 h3 h4 h5 h6 tr table blockquote article section header footer figure
    figcaption dd dt dl pre hr aside main nav""".split()
)
# A tag cut off at the very end of a text (an excerpt cut mid-tag): '<a href="x' or '<p class=x'.
_CUT_TAG = re.compile(rf"<(/?)({_NAME})((?:\s+[^\s<>=]+(?:=(?:\"[^\"]*\"?|'[^']*'?|[^\s<>]*))?)*)\s*/?$")
# What makes a plain text (a .txt file) hold HTML besides a real tag: a comment, doctype,
# CDATA section or XML declaration.
_HOLDS_MARKUP = re.compile(r"<!--|<!doctype\b|<!\[CDATA\[|<\?xml\b", re.I)
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


class PlainText(str):
    """A text known to be plain (a ``.txt`` file's title and text): :func:`clean_markup`
    strips nothing tag-like from it (no cut-off tag at its end, no ``</ >``) unless it holds
    HTML (:func:`holds_markup`: a real tag, comment or doctype), so a ``<`` or ``>`` in prose
    stays."""

    __slots__ = ()


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
    plain = isinstance(text, PlainText)
    for _ in range(MAX_ROUNDS):
        before = text
        text = normalize(text) if not text.isascii() else text
        strip = not plain or holds_markup(text)  # each round: decoded entities may have made tags
        if strip and "<" in text:
            text = _strip_tags(text)
        if strip and "]]>" in text:
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
    text = _HIDDEN.sub(_hidden, text)
    text = _DECLARATION.sub(" ", text)
    text = _TAG.sub(_tag, text)
    if "</" in text:
        text = _END_DEBRIS.sub(" ", text)
    if "<" in text[-300:]:
        text = _CUT_TAG.sub(_cut_tag, text)
    return text


def _real_tag(name: str, attributes: str, closing: bool) -> bool:
    """Whether a tag-shaped string is a tag: a known element name (or a namespaced or custom
    one), no attributes on an end tag, and every attribute with a value unless boolean."""
    name = name.lower()
    if name not in HTML_ELEMENTS and ":" not in name and "-" not in name:
        return False
    if not attributes.strip():
        return True
    if closing:
        return False
    for found in _ATTRIBUTE_NAME.finditer(attributes):
        if found.group(2) is None and found.group(1).lower() not in BOOLEAN_ATTRIBUTES:
            return False
    return True


def _hidden(match: re.Match[str]) -> str:
    return " " if _real_tag(match.group(1), match.group(2), False) else match.group(0)


def _tag(match: re.Match[str]) -> str:
    closing, name, attributes = match.group(1), match.group(2), match.group(3)
    if not _real_tag(name, attributes, bool(closing)):
        return match.group(0)
    name = name.lower()
    return "" if name in _INLINE else "\n" if name in _BLOCK else " "


def _cut_tag(match: re.Match[str]) -> str:
    """A tag cut off at the text's end, when it is one: a known element with an attribute begun."""
    name = match.group(2).lower()
    known = name in HTML_ELEMENTS or ":" in name or "-" in name
    return "" if known and "=" in match.group(3) or known and match.group(1) else match.group(0)


def holds_markup(text: str) -> bool:
    """Whether a plain text (a .txt file's) holds HTML: a real tag (a known element name,
    every attribute with a value unless boolean: ``<p>``, ``</b>``, ``<a href=x>``), a
    comment, doctype, CDATA section or XML declaration. A ``<`` or ``>`` that is no tag
    ("A<B and C>D", "<<we deserved it>>", a tag cut off at the end) is not markup.

    Example:
        >>> holds_markup("If A<B and C>D the law applies"), holds_markup("Line one<br>line two")
        (False, True)
    """
    if "<" not in text:
        return False
    if _HOLDS_MARKUP.search(text):
        return True
    return any(_real_tag(m.group(2), m.group(3), bool(m.group(1))) for m in _TAG.finditer(text))


def _link_text(match: re.Match[str]) -> str:
    """A Markdown link or image as its text (an image's alt text); the target is dropped."""
    return match.group(2)
