"""Markup cleaning: what feeds and scrapers leave in titles and texts never reaches a digest."""

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cluster.markup import PlainText, clean_inline, clean_markup, holds_markup
from summarize.cli import app

DATA = Path(__file__).parent / "data"

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


@pytest.mark.parametrize(
    "text",
    [
        "If A<B and C>D then the law applies",
        "The coach said <<we deserved it>> in French.",
        "Compare a<b with b>c in the formula",
        "x<y and y>z, 3 <5 but 7> 2",
        "The <<golden rule>> and <i am not a tag>",
        "Really<?! No way",
        "The <style guide> says <b and c> are fine",
    ],
)
def test_angle_brackets_that_are_not_tags_survive(text):
    assert clean_markup(text) == text


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("<td nowrap>cell</td>", "cell"),
        ("<B>Loud</B> news", "Loud news"),
        ("<p>One</p><o:p></o:p>Two", "One\nTwo"),
        ("<my-widget data-x=1>W</my-widget>", "W"),
        ("<img src=a.png alt=\"A\"/>Pic", "Pic"),
        ("<!DOCTYPE html><html><body><p>Hi</p></body></html>", "Hi"),
        ("<video controls autoplay>clip</video> and <input type=checkbox checked>box", "clip and box"),
        ("<a href=/a?b=1&c=2 target=_blank>link</a> here", "link here"),
        ('<p class="lead" / >Text<br / >more', "Text\nmore"),
    ],
)
def test_real_tags_with_values_or_boolean_attributes_are_stripped(raw, expected):
    assert clean_markup(raw) == expected


def test_a_plain_text_file_is_not_tag_stripped_unless_it_holds_html():
    assert clean_markup(PlainText('Ends on a<b and <a href="x')) == 'Ends on a<b and <a href="x'
    assert clean_markup('Ends on a<b and <a href="x') == "Ends on a<b and"  # a feed's excerpt cut mid-tag
    assert clean_markup(PlainText("Met on Monday.<br>Approved <b>it</b>.")) == "Met on Monday.\nApproved it."
    assert clean_markup(PlainText("Escaped &lt;script&gt;x()&lt;/script&gt; tag")) == "Escaped tag"
    assert not holds_markup("a<b with b>c, <<quoted>>, <a href=")
    assert holds_markup("<p> alone") and holds_markup("<!-- c -->") and holds_markup('<img src="x.png">')


def test_angle_brackets_in_text_and_json_input_reach_the_clusters(tmp_path):
    out = tmp_path / "clusters.json"
    result = CliRunner().invoke(app, ["cluster", str(DATA / "angle-brackets"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    articles = {a["id"]: a for a in json.loads(out.read_text("utf-8"))["articles"]}
    assert "<<we deserved it>>" in articles["lt3"]["text"] and "Compare a<b with b>c in" in articles["lt3"]["text"]
    assert "If A<B and C>D then" in articles["inequality"]["text"] and "3 <5 but 7> 2" in articles["inequality"]["text"]
    assert articles["holds-html"]["text"] == "The council met on Monday.\nIt approved the budget for next year."
    assert articles["ineq"]["title"] == "If A<B and C>D" and articles["ineq"]["text"].startswith("If A<B and C>D then")
    assert articles["quote"]["title"] == "<<We deserved it>>, says coach"
    assert articles["html"]["title"] == "Budget approved"
    assert articles["html"]["text"] == "The council approved the budget on Monday.\n\nIt rises by five percent."
    assert "a<b with b>c" in articles["formula"]["text"] and "x < y" in articles["formula"]["text"]
