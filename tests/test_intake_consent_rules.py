"""Intake questions and consent as plain values: no database, no request."""

import pytest

from practice.consent.rules import (
    IN_PERSON,
    VIDEO,
    blocks,
    missing,
    normalised,
    same_name,
    text_digest,
)
from practice.intake.default_form import DEFAULT_QUESTIONS
from practice.intake.questions import (
    REQUIRED,
    Question,
    QuestionProblem,
    answer_rows,
    carried_over,
    check_answers,
    check_question,
    new_key,
    shown,
)

SCALE = Question("hope", "scale", "How hopeful?", low=0, high=10)
CHOICE = Question("live", "choice", "Together?", required=True, options=("Yes", "No"))
BORN = Question("born", "date", "Born")
SHORT = Question("phone", "short", "Phone", required=True)
HEADING = Question("h", "heading", "About you")
FORM = [HEADING, SHORT, CHOICE, SCALE, BORN]


def test_a_sent_form_needs_every_required_answer():
    answers, problems = check_answers(FORM, {"phone": " 555 ", "hope": "7"}, complete=True)
    assert answers == {"phone": "555", "hope": "7"}
    assert problems == {"live": REQUIRED}


def test_a_draft_keeps_what_fits_and_asks_for_nothing():
    answers, problems = check_answers(FORM, {"hope": "7", "unknown": "x"}, complete=False)
    assert answers == {"hope": "7"}
    assert problems == {}


@pytest.mark.parametrize(
    ("question", "value", "message"),
    [
        (SCALE, "11", "Choose a number from 0 to 10."),
        (SCALE, "seven", "Choose a number from 0 to 10."),
        (CHOICE, "Maybe", "Choose one of the options."),
        (BORN, "14/06/1987", "Give the date as YYYY-MM-DD, for example 1988-03-02."),
        (BORN, "1799-01-01", "Give a date between 1900 and 2100."),
        (SHORT, "x" * 301, "Keep this under 300 characters."),
    ],
)
def test_an_answer_that_cannot_be_kept_says_why(question, value, message):
    _, problems = check_answers([question], {question.key: value}, complete=False)
    assert problems == {question.key: message}


def test_a_draft_moving_to_a_new_version_keeps_what_still_fits():
    newer = [Question("hope", "scale", "How hopeful?", low=1, high=5), SHORT]
    assert carried_over({"hope": "7", "phone": "555", "live": "Yes"}, newer) == {"phone": "555"}


def test_answers_read_beside_their_questions():
    rows = answer_rows(FORM, {"phone": "555", "hope": "3", "born": "1987-06-14"})
    assert rows == [
        (True, "About you", ""),
        (False, "Phone", "555"),
        (False, "Together?", ""),
        (False, "How hopeful?", "3 (on a scale from 0 to 10)"),
        (False, "Born", "14 June 1987"),
    ]
    assert shown(CHOICE, None) == ""


@pytest.mark.parametrize(
    ("question", "field"),
    [
        (Question("k", "essay", "What?"), "kind"),
        (Question("k", "short", "  "), "label"),
        (Question("k", "choice", "Pick", options=("Only one",)), "options"),
        (Question("k", "choice", "Pick", options=("Yes", "yes")), "options"),
        (Question("k", "scale", "How much?", low=5, high=5), "high"),
        (Question("k", "scale", "How much?", low=0, high=50), "high"),
        (Question("k", "scale", "How much?"), "low"),
    ],
)
def test_a_question_that_breaks_a_rule_is_refused_beside_its_field(question, field):
    with pytest.raises(QuestionProblem) as refused:
        check_question(question)
    assert refused.value.field == field


def test_a_question_is_tidied_to_what_its_kind_needs():
    tidy = check_question(
        Question("k", "short", " Phone ", required=True, options=("x", "y"), low=1, high=2)
    )
    assert tidy == Question("k", "short", "Phone", required=True)
    heading = check_question(Question("h", "heading", "Part two", required=True))
    assert heading.required is False


def test_the_default_form_is_a_valid_form_with_unique_keys():
    keys = [q.key for q in DEFAULT_QUESTIONS]
    assert len(keys) == len(set(keys))
    assert [check_question(q) for q in DEFAULT_QUESTIONS] == list(DEFAULT_QUESTIONS)
    assert new_key(keys) not in keys


def test_only_the_current_versions_signed_count():
    current = {"counselling": 3, "confidentiality": 4, "privacy": 5, "video": 6}
    assert missing(current, {3, 4, 5}) == []
    assert missing(current, {3, 4, 5}, VIDEO) == ["video"]
    assert missing(current, {1, 4}) == ["counselling", "privacy"]  # 1: an older version


def test_a_document_not_published_is_not_asked_for():
    assert missing({"counselling": 3}, set(), IN_PERSON) == ["counselling"]
    assert missing({}, set(), VIDEO) == []


@pytest.mark.parametrize(
    ("typed", "ok"),
    [
        ("Zoë O'Brien-Ng", True),
        ("zoe  obrien ng", True),
        ("ZOË O’BRIEN NG", True),
        ("Zoe O Brien Ng", False),
        ("Zoë", False),
        ("   ", False),
    ],
)
def test_a_typed_name_must_be_the_name_on_file(typed, ok):
    assert same_name(typed, "Zoë O'Brien-Ng") is ok


def test_the_signed_text_is_one_text_whatever_the_line_breaks():
    body = normalised("First line  \r\nsecond\r\n\r\n\r\nThird\n\n")
    assert body == "First line\nsecond\n\n\nThird"
    assert text_digest("Title", body) == text_digest("Title", normalised(body))
    assert text_digest("Title", body) != text_digest("Title", body + ".")
    assert len(text_digest("Title", body)) == 64


def test_a_short_first_line_reads_as_a_heading():
    assert blocks("Records\nWe keep notes.\n\nBy signing, you agree.\n\nShort one.") == [
        ("Records", "We keep notes."),
        ("", "By signing, you agree."),
        ("", "Short one."),
    ]
