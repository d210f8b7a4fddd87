"""Reliable change where each reader sees it: the progress view, the counsellor's report,
and each partner's copy in plain words, with the audience rule kept."""

import re

import pytest

from practice.dates import practice_today
from practice.extensions import db
from practice.progress.reviews import record_review
from tests.factories import add_reported_session, check_in_days_ago, pdf_text, sign_in

ALEX = [((2, 2, 2, 2), 30), ((4, 4, 3, 4), 3)]  # 8 → 15: recovered
JORDAN = [((5, 4, 4, 4), 30), ((3, 3, 3, 3), 3)]  # 17 → 12: deteriorated, and below 13.5


@pytest.fixture
def couple(counsellor, make_case):
    case = make_case(counsellor, weeks_ago=6)
    add_reported_session(case, days_ago=28, step=2)
    add_reported_session(case, days_ago=2, step=3)
    alex, jordan = case.partners
    for partner, made in ((alex, ALEX), (jordan, JORDAN)):
        for answers, days_ago in made:
            check_in_days_ago(case, partner, answers, days_ago=days_ago)
    return case


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_the_progress_view_reads_each_partners_change(app, couple):
    page = sign_in(app, couple.counsellor).get(f"/cases/{couple.id}/progress").data.decode()
    table = page.split('id="change-table"')[1].split("</table>")[0]
    rows = dict(re.findall(r'<th scope="row">(\w+)</th>(.*?)</tr>', table, re.S))
    alex, jordan = (re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", rows[n])) for n in rows)
    assert "8 → 15" in alex
    assert "+7 Recovered a reliable rise, from below 13.5 to 13.5 or above" in alex
    assert "17 → 12" in jordan
    assert "-5 Deteriorated a reliable fall" in jordan
    assert 'id="drifting-apart"' in page
    assert "a change of 4 points or more (more than 3.06)" in page


def test_the_counsellors_report_has_the_classes_and_the_kept_reviews(app, couple):
    record_review(couple, practice_today(), "Talk about Jordan's fall.", couple.counsellor_id)
    db.session.commit()
    browser = sign_in(app, couple.counsellor)
    text = words(pdf_text(browser.get(f"/cases/{couple.id}/progress.pdf").data))
    assert "Change since the first check-in" in text
    assert "Recovered: a reliable rise" in text
    assert "Deteriorated: a reliable fall" in text
    assert "Partners drifting apart" in text
    assert "Review of" in text
    assert "Talk about Jordan's fall." in text
    assert "the figures as they stood that day; partners drifting apart" in text


def test_each_partners_copy_says_their_own_change_in_plain_words(app, couple):
    alex, jordan = couple.partners
    browser = sign_in(app, couple.counsellor)
    mine = words(pdf_text(browser.get(f"/cases/{couple.id}/progress/client/a.pdf").data))
    theirs = words(pdf_text(browser.get(f"/cases/{couple.id}/progress/client/b.pdf").data))
    assert "your score has gone up by 7 points, from 8 to 15" in mine
    assert "a real change. The score is now above the 13.5 line." in mine
    assert "your score has gone down by 5 points, from 17 to 12" in theirs
    assert "talk this over with your counsellor" in theirs
    # Neither copy carries the other's change, nor the counsellor's words for them.
    assert "from 17 to 12" not in mine
    assert "from 8 to 15" not in theirs
    for text in (mine, theirs):
        for counsellors_only in (
            "drifting",
            "Deteriorated",
            "Recovered",
            "reliable change index",
            "Jacobson",
        ):
            assert counsellors_only not in text, counsellors_only


def test_the_partners_change_is_in_a_copy_only_while_they_agree(app, couple):
    alex, jordan = couple.partners
    couple.progress_shared = True
    db.session.commit()
    jordan_portal = sign_in(app, jordan.user)
    alex_portal = sign_in(app, alex.user)
    assert "from 17 to 12" not in words(pdf_text(alex_portal.get("/portal/progress.pdf").data))
    jordan_portal.post("/portal/sharing/scores", data={"share": "y"})
    text = words(pdf_text(alex_portal.get("/portal/progress.pdf").data))
    assert "Jordan’s score has gone down by 5 points, from 17 to 12" in text
    assert "your score has gone up by 7 points" in text
    assert "drifting" not in text  # even with both partners' scores in one copy
    jordan_portal.post("/portal/sharing/scores", data={})
    assert "from 17 to 12" not in words(pdf_text(alex_portal.get("/portal/progress.pdf").data))


def test_one_check_in_is_a_starting_point_and_none_says_nothing(app, counsellor, make_case):
    case = make_case(counsellor)
    add_reported_session(case, days_ago=7)
    alex, _ = case.partners
    check_in_days_ago(case, alex, (3, 3, 3, 3), days_ago=8)
    browser = sign_in(app, counsellor)
    mine = words(pdf_text(browser.get(f"/cases/{case.id}/progress/client/a.pdf").data))
    theirs = words(pdf_text(browser.get(f"/cases/{case.id}/progress/client/b.pdf").data))
    assert "Your first check-in is the starting point" in mine
    assert "What has changed since the first check-in" not in theirs
    page = browser.get(f"/cases/{case.id}/progress").data.decode()
    assert "One check-in: nothing to compare yet" in page
    assert "No check-in yet" in page


def test_a_small_change_is_read_as_no_clear_change(app, counsellor, make_case):
    case = make_case(counsellor)
    add_reported_session(case, days_ago=7)
    alex, _ = case.partners
    check_in_days_ago(case, alex, (3, 3, 3, 3), days_ago=20)  # 12
    check_in_days_ago(case, alex, (4, 3, 4, 4), days_ago=8)  # 15: +3, crosses, not reliable
    browser = sign_in(app, counsellor)
    mine = words(pdf_text(browser.get(f"/cases/{case.id}/progress/client/a.pdf").data))
    assert "gone up by 3 points, from 12 to 15. A change this small" in mine
    page = browser.get(f"/cases/{case.id}/progress").data.decode()
    assert "No reliable change" in page
