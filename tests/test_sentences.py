"""Sentence splitting: prose kept whole, page furniture and fragments dropped."""

from __future__ import annotations

import pytest

from summarize.neutrality import subjectivity
from summarize.sentences import split_sentences, strip_dateline
from summarize.settings import SentenceSettings

SETTINGS = SentenceSettings()


def test_sentences_are_split_at_full_stops_but_not_at_abbreviations() -> None:
    text = "Mr. Smith met U.S. officials on Monday in Paris. They agreed on a new trade plan for the region."
    assert split_sentences(text, SETTINGS) == [
        "Mr. Smith met U.S. officials on Monday in Paris.",
        "They agreed on a new trade plan for the region.",
    ]


def test_boilerplate_bylines_and_captions_are_dropped() -> None:
    text = "\n".join([
        "- Advertisement -",
        "By Jane Doe and John Roe",
        "Photo: Andrew Harnik/pool via Reuters",
        "The council approved the new budget on Tuesday after a long debate.",
        "Leave a Reply",
        "We use cookies to improve your experience. By continuing you accept our cookie policy.",
        "Share this article on Facebook",
    ])
    assert split_sentences(text, SETTINGS) == ["The council approved the new budget on Tuesday after a long debate."]


def test_a_sentence_opening_with_by_is_not_mistaken_for_a_byline() -> None:
    text = "By Tuesday, rescuers had pulled twelve people alive from the rubble of the hotel."
    assert split_sentences(text, SETTINGS) == [text]


def test_wire_datelines_and_section_labels_are_stripped() -> None:
    assert strip_dateline("WASHINGTON (Reuters) - The Senate passed the bill on Friday.") == "The Senate passed the bill on Friday."
    assert strip_dateline("NEW DELHI — Top diplomats met briefly on Thursday at the summit.") == "Top diplomats met briefly on Thursday at the summit."
    assert strip_dateline("VIDEO: Ballot harvesting helped deliver several districts.") == "Ballot harvesting helped deliver several districts."
    assert strip_dateline("(CNN)Stabbings inside a rabbi's home shook the town.") == "Stabbings inside a rabbi's home shook the town."
    assert strip_dateline("(CNN) - Sen. Bernie Sanders ended his campaign on Wednesday.") == "Sen. Bernie Sanders ended his campaign on Wednesday."
    assert strip_dateline("(AP) — The storm moved north on Friday night.") == "The storm moved north on Friday night."
    # a parenthesis that is not an agency credit stays
    assert strip_dateline("(R-Ky.) and two others voted no on the bill.") == "(R-Ky.) and two others voted no on the bill."


@pytest.mark.parametrize(
    "stamp",
    ["May 3, 2013 | 8: 20 am ", "May 2, 2013 12:50 PM ", "May 03, 2013 ", "Posted: Sunday, May 5, 2013 at 7:31 AM ET Updated 5:40 p.m. ET "],
)
def test_a_page_date_stamp_opening_the_text_is_stripped(stamp: str) -> None:
    assert split_sentences(stamp + "Lindsay Lohan checked into a rehab clinic on Thursday.", SETTINGS) == [
        "Lindsay Lohan checked into a rehab clinic on Thursday."
    ]


def test_a_sentence_about_a_date_keeps_it() -> None:
    sentence = "May 3, 2013 was the day the actress checked into a rehab clinic."
    assert strip_dateline(sentence) == sentence


def test_a_capitalised_opening_word_is_not_taken_for_a_dateline() -> None:
    sentence = "NASA - the space agency - launched a probe toward Jupiter on Monday."
    assert strip_dateline("US officials said the talks lasted ten minutes.") == "US officials said the talks lasted ten minutes."
    assert strip_dateline(sentence) == sentence


def test_headlines_fragments_and_short_sentences_are_not_candidates() -> None:
    text = "Blinken and Lavrov meet at G20\n\nThey met.\nand then the ministers left the room without a statement."
    assert split_sentences(text, SETTINGS) == []


def test_word_limits_come_from_settings() -> None:
    text = "Rain fell in Paris today. The storm that hit the north of France overnight flooded many roads."
    assert split_sentences(text, SentenceSettings(min_words=6)) == ["The storm that hit the north of France overnight flooded many roads."]
    assert split_sentences(text, SentenceSettings(min_words=1, max_words=5)) == ["Rain fell in Paris today."]


def test_loaded_wording_scores_higher_than_neutral_wording() -> None:
    neutral = subjectivity("The council met on Tuesday to discuss the budget.")
    loaded = subjectivity("The council's disgraceful, corrupt budget is a shameful disaster!")
    assert neutral == 0.0
    assert 0.0 < loaded <= 1.0


HEADLINE = "Central bank raises its key interest rate to 16 percent as inflation climbs"
LEAD = "The central bank raised its key interest rate by 100 basis points to 16 percent on Friday, the regulator said."


@pytest.mark.parametrize("shown", [HEADLINE, HEADLINE.upper(), "  " + HEADLINE.replace(" ", "  ") + " "])
def test_the_headline_repeated_above_the_text_is_never_joined_to_the_lead(shown: str) -> None:
    text = f"{shown}\n{LEAD}\nThe decision came amid accelerating inflation and a weaker currency in recent months."
    sentences = split_sentences(text, SETTINGS, title=HEADLINE)
    assert sentences[0] == LEAD
    assert not any(HEADLINE.casefold() in s.casefold() for s in sentences)


def test_a_sentence_that_only_opens_like_the_headline_is_kept() -> None:
    text = f"{HEADLINE}, the central bank said on Friday after a two-day meeting of its board."
    assert split_sentences(text, SETTINGS, title=HEADLINE) == [text]


@pytest.mark.parametrize(
    "furniture",
    [
        "Copyright 2024 The Associated Press.",
        "© 2024 Example Media Group. All rights reserved.",
        "All rights reserved by the publisher of this site.",
        "Subscribe to our newsletter for local news every morning.",
        "Sign up for the daily briefing newsletter in your inbox.",
        "Click here to see the full list of closures.",
        "Follow us on Twitter for the latest updates.",
        "Read more at our website about this story.",
    ],
)
def test_furniture_inside_running_text_is_no_sentence(furniture: str) -> None:
    news = "The council approved the new budget on Tuesday after a long debate."
    assert split_sentences(f"{news} {furniture} {news}", SETTINGS) == [news, news]


@pytest.mark.parametrize(
    "sentence",
    [
        "Share prices fell 3 percent on Monday in early trading.",
        "He said he would sign up for the draft this year.",
        "Readers can subscribe to the paper for ten dollars a month, the company said.",
        "Follow-up talks are planned for next week in Geneva.",
        "Email addresses of 3 million customers were stolen, the company said.",
        "Print editions of the paper will end in March, the publisher said.",
    ],
)
def test_news_sentences_that_open_like_furniture_are_kept(sentence: str) -> None:
    assert split_sentences(sentence, SETTINGS) == [sentence]


def test_a_title_that_is_the_lead_sentence_itself_stays() -> None:
    lead = "The council approved the annual budget on Tuesday, raising spending by five percent to cover new teachers."
    text = f"{lead}\nThe vote was 7 to 2, the clerk said on Wednesday."
    assert split_sentences(text, SETTINGS, title=lead) == [lead, "The vote was 7 to 2, the clerk said on Wednesday."]


@pytest.mark.parametrize(
    "opening",
    [
        "Girl Scouts across the county began selling cookies this weekend, and troop leaders said they would accept cash "
        "and cards at booths outside grocery stores.",
        "Copyright 2024 The Associated Press.",
        "Click here for the full list of closures.",
    ],
)
def test_a_whole_text_on_one_line_is_split_not_judged_as_one_furniture_line(opening: str) -> None:
    news = "The annual sale funds camping trips and community projects, organizers said on Monday. " * 3
    sentences = split_sentences(f"{opening} {news}", SETTINGS)
    assert "The annual sale funds camping trips and community projects, organizers said on Monday." in sentences
    assert (opening in sentences) == opening.startswith("Girl Scouts")
