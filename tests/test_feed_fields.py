"""Dates, titles, stubs and languages as feeds write them (cluster.feeddates, titles, stubs, languages, fields)."""

from __future__ import annotations

import re

import pytest

from cluster.feeddates import UnreadableDate, parse_published
from cluster.fields import pick_fields
from cluster.languages import detect_language, unspaced_script
from cluster.stubs import DEFAULT_STUB_PATTERNS, stub_reason
from cluster.titles import strip_title


@pytest.mark.parametrize(
    "value, expected",
    [
        ("Thu, 07 Mar 2024 08:30:00 EST", "2024-03-07T08:30:00-05:00"),
        ("Thu, 21 Mar 2024 08:30:00 EDT", "2024-03-21T08:30:00-04:00"),
        ("Thu, 07 Mar 2024 13:30:00 GMT", "2024-03-07T13:30:00+00:00"),
        ("Thu, 07 Mar 2024 08:30:00 +0100", "2024-03-07T08:30:00+01:00"),
        ("Thu, 7 Mar 2024 05:30 PDT", "2024-03-07T05:30:00-07:00"),
        ("2024-03-07T08:30:00Z", "2024-03-07T08:30:00+00:00"),
        ("2024-03-07", "2024-03-07"),
        ("20240307", "2024-03-07"),
        ("2024/3/7 08:30:00", "2024-03-07T08:30:00+00:00"),
        ("3/7/2024", "2024-03-07"),
        ("07.03.2024", "2024-03-07"),
        ("March 7, 2024", "2024-03-07"),
        ("7 March 2024 8:30 am PDT", "2024-03-07T08:30:00-07:00"),
        ("March 7, 2024 at 2:15 p.m. ET", "2024-03-07T14:15:00-05:00"),
        ("Updated: 2024-03-07", "2024-03-07"),
        ("2024年3月7日", "2024-03-07"),
        ("2024年3月7日 8時30分", "2024-03-07T08:30:00+00:00"),
        (1709818200, "2024-03-07T13:30:00+00:00"),
        ("1709818200", "2024-03-07T13:30:00+00:00"),
        (1709818200000, "2024-03-07T13:30:00+00:00"),
        (None, None),
        ("  ", None),
    ],
)
def test_feed_date_forms_become_iso_8601_with_offset_or_a_plain_date(value, expected):
    assert parse_published(value) == expected


def test_day_first_is_a_setting():
    assert parse_published("07/03/2024", dayfirst=True) == "2024-03-07"
    assert parse_published("07/03/2024") == "2024-07-03"


@pytest.mark.parametrize("value", ["sometime last week", "Thursday", "March 2024", "12", "0000-00-00", "3024-01-01", True, [2024]])
def test_a_value_that_names_no_day_is_unreadable(value):
    with pytest.raises(UnreadableDate):
        parse_published(value)


def test_fields_are_read_in_the_documented_order_and_empty_values_fall_through():
    fields, used = pick_fields({"text": "", "content": "Body.", "body": "Other.", "link": "https://a.example/x", "date": "2024-03-07"})
    assert (fields["text"], fields["url"], fields["published"]) == ("Body.", "https://a.example/x", "2024-03-07")
    assert used == {"content", "link", "date"}


@pytest.mark.parametrize(
    "title, publishers, expected",
    [
        ("Storm batters coast - BBC News", ["BBC"], "Storm batters coast"),
        ("Storm batters coast | CNN Politics", ["cnn.com"], "Storm batters coast"),
        ("Storm batters coast – The Guardian", ["The Guardian"], "Storm batters coast"),
        ("Storm batters coast | Politics", [], "Storm batters coast"),
        ("Opinion | Storm batters coast", [], "Storm batters coast"),
        ("Analysis: Why the storm was so deadly", [], "Why the storm was so deadly"),
        ("Breaking: man charged after fire", [], "Man charged after fire"),
        ("UPDATE 2-Storm batters coast, kills 4", ["Reuters"], "Storm batters coast, kills 4"),
        ("Storm: What we know so far", [], "Storm: What we know so far"),
        ("Storm batters coast - and more is coming", ["BBC"], "Storm batters coast - and more is coming"),
        ("Storm - BBC News", ["BBC"], "Storm - BBC News"),  # the headline would be too short
        ("大手通信会社で大規模障害 - ITメディアX", [], "大手通信会社で大規模障害"),
    ],
)
def test_titles_lose_publisher_tails_and_section_labels_only(title, publishers, expected):
    assert strip_title(title, publishers) == expected


PATTERNS = [re.compile(p, re.I) for p in DEFAULT_STUB_PATTERNS]


@pytest.mark.parametrize(
    "title, text, kind",
    [
        ("Rates held", "Subscribe to read\n\nBecome a member to keep reading.", "paywall"),
        ("Mayor resigns", "We and our partners use cookies to store and access information on your device.", "consent"),
        ("Mayor resigns", "Please enable JavaScript to view this page.", "paywall"),
        ("Flood waters recede", "Photo: Residents wade through water. (AP Photo/Jane Doe)", "caption"),
        ("Mayor resigns", "Mayor resigns", "repeats"),
        ("Mayor resigns", "Video", "words"),
    ],
)
def test_stubs_are_named_by_kind(title, text, kind):
    reason = stub_reason(title, text, PATTERNS, min_text_words=2, stub_max_words=150)
    assert reason is not None and reason.startswith("stub:")
    assert {"paywall": "wall", "consent": "wall", "caption": "caption", "repeats": "repeats", "words": "words"}[kind] in reason


def test_a_long_article_that_mentions_subscribing_is_not_a_stub():
    text = "The council met on Monday. " * 60 + "Subscribe to read more from our newsroom."
    assert stub_reason("Council meets", text, PATTERNS, min_text_words=2, stub_max_words=150) is None
    assert stub_reason("Council meets", "Many of them are actually Republicans.", PATTERNS, min_text_words=2, stub_max_words=150) is None


@pytest.mark.parametrize(
    "text, language",
    [
        ("Storm Helmi hit the southern coast on Monday, killing four people.", "en"),
        ("La tormenta dejó cuatro muertos en la costa sur el lunes por la noche.", "es"),
        ("Der Sturm traf am Montag die Südküste und tötete vier Menschen.", "de"),
        ("四川某县今天凌晨发生5.8级地震，造成3人死亡、27人受伤。", "zh"),
        ("大手通信会社の携帯電話回線で3日朝から大規模な通信障害が発生した。", "ja"),
        ("พายุพัดถล่มชายฝั่งภาคใต้เมื่อวันจันทร์ มีผู้เสียชีวิต 4 ราย", "th"),
    ],
)
def test_languages_are_detected_offline(text, language):
    assert detect_language(text) == language


def test_unspaced_scripts_are_told_apart():
    assert unspaced_script("四川发生5.8级地震。") and unspaced_script("東京で地震が発生しました。")
    assert not unspaced_script("Rain in Zürich") and not unspaced_script("Дождь в Москве")
