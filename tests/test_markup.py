"""Markup cleaning: what feeds and scrapers leave in titles and texts never reaches a digest."""

import re

import pytest

from cluster.markup import clean_inline, clean_markup

_RESIDUE = re.compile(r"<[A-Za-z/!?]|CDATA|\]\]>|&(?:[a-z]+|#\d+|#x[0-9a-f]+);|javascript:|data:image", re.I)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("<![CDATA[Ferry service suspended after storm]]>", "Ferry service suspended after storm"),
        ("<![CDATA[<p>The ferry was suspended.</p>]]>", "The ferry was suspended."),
        ("Storm&#8217;s toll rises to 4 as &quot;Helmi&quot; hits coast", "Storm’s toll rises to 4 as \"Helmi\" hits coast"),
        ("&amp;lt;p&amp;gt;Rates held&amp;lt;/p&amp;gt;", "Rates held"),
        ("&amp;amp;amp;amp;lt;b&amp;amp;amp;amp;gt;Deep&amp;amp;amp;amp;lt;/b&amp;amp;amp;amp;gt;", "Deep"),
        ("&lt;![CDATA[<b>Nested</b>]]&gt;", "Nested"),
        ("Cut off here <a href=\"https://example.com/x", "Cut off here"),
        ("Unclosed <p class=lead>start of text", "Unclosed\nstart of text"),
        ("<script>alert(1)</script>Safe text", "Safe text"),
        ("wo<b>r</b>d and <!-- note -->more", "word and more"),
        ("<<<>>><p ><//></ >", "<<<>>>"),
        ("[Read more](javascript:alert(1)) here", "Read more here"),
        ("![chart](data:image/png;base64,AAAA) Rates", "chart Rates"),
        ("Go java\tscript:alert(document.cookie) now", "Go now"),
        ("JaVaScRiPt:void(0) text", "text"),
        ("Pix data:image/gif;base64,R0lGOD== end", "Pix end"),
        ("Zero\u200bwidth and \u202ebidi\u202c marks\u2066", "Zerowidth and bidi marks"),
        ("\uff1cscript\uff1ealert(1)\uff1c/script\uff1eFull-width", "Full-width"),
    ],
)
def test_feed_markup_is_cleaned_to_plain_text(raw, expected):
    assert clean_markup(raw) == expected
    assert not _RESIDUE.search(clean_markup(raw))


@pytest.mark.parametrize("text", ["AT&T posts profit", "3 < 5 and 7 > 2", "The data: 5 people hurt", "Q&A: what we know"])
def test_plain_text_that_looks_like_markup_is_kept(text):
    assert clean_markup(text) == text


def test_paragraph_tags_keep_paragraphs_apart():
    assert clean_markup("<p>One.</p><p>Two.</p>") == "One.\n\nTwo."


def test_markup_only_text_is_empty_and_inline_none():
    assert clean_markup("<![CDATA[<p></p>]]>") == ""
    assert clean_inline("<br/>&nbsp;") is None
    assert clean_inline(None) is None


def test_inline_is_one_line():
    assert clean_inline("<h1>Ferry\nservice</h1>\n\n suspended") == "Ferry service suspended"
