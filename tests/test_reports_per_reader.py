"""Each client-facing PDF is written for one reader: what must be in it, and what must not."""

from datetime import timedelta

import pytest

from practice.cases.models import CaseStatus
from practice.database import now_utc
from practice.extensions import db
from practice.progress.models import CheckIn
from tests.factories import add_session_with, pdf_text, sign_in

SOLO_NOTE = "Alex, try leaving two short notes this week."
EACH_NOTE = "One rewrite each, before we meet."


@pytest.fixture
def couple(counsellor, make_case):
    return make_case(counsellor)


def test_a_joint_handout_gives_each_partner_only_their_homework(
    app, counsellor, couple, make_assignment
):
    joint = add_session_with(couple)
    make_assignment(couple, "appreciation-noticing-log", "a", note=SOLO_NOTE, session=joint)
    make_assignment(couple, "i-statement-rewrites", "each", note=EACH_NOTE, session=joint)
    # Given later, at no session: on no handout of this one.
    make_assignment(couple, "connection-ten-minutes", "together", note="Later words.")
    alex, jordan = (sign_in(app, p.user) for p in couple.partners)
    mine = pdf_text(alex.get(f"/portal/handouts/{joint.id}.pdf").data)
    theirs = pdf_text(jordan.get(f"/portal/handouts/{joint.id}.pdf").data)
    for text in (mine, theirs):
        assert "Rewrite three complaints" in text
        assert EACH_NOTE in text
        assert "Later words." not in text
        assert "We slowed it down." in text
    assert SOLO_NOTE in mine
    assert SOLO_NOTE not in theirs
    assert "Appreciation" not in theirs
    assert "Jordan Morgan" in theirs
    assert "Alex Morgan" not in theirs
    # The counsellor previews each copy, and they are the partners' own.
    counsellor_view = sign_in(app, counsellor)
    url = f"/cases/{couple.id}/sessions/{joint.id}/handout-b.pdf"
    assert pdf_text(counsellor_view.get(url).data) == theirs


def test_an_individual_session_is_one_partners_alone(app, counsellor, couple, make_assignment):
    joint = add_session_with(couple, days_ago=10)
    alone = add_session_with(
        couple, days_ago=3, with_whom=("a",), came=("a",), summary="Alex alone."
    )
    make_assignment(couple, "appreciation-noticing-log", "a", note=SOLO_NOTE, session=alone)
    alex, jordan = (sign_in(app, p.user) for p in couple.partners)
    assert jordan.get(f"/portal/handouts/{alone.id}.pdf").status_code == 404
    documents = jordan.get("/portal/documents").get_data(as_text=True)
    assert f"/portal/handouts/{alone.id}.pdf" not in documents
    assert f"/portal/handouts/{joint.id}.pdf" in documents
    text = pdf_text(alex.get(f"/portal/handouts/{alone.id}.pdf").data)
    assert "Alex alone." in text
    assert SOLO_NOTE in text
    # Numbered among the sessions each came to: Alex's second, and Jordan's first stays first.
    assert "Session 2," in text
    assert "Session 1," in pdf_text(jordan.get(f"/portal/handouts/{joint.id}.pdf").data)
    counsellor_view = sign_in(app, counsellor)
    base = f"/cases/{couple.id}/sessions/{alone.id}"
    assert counsellor_view.get(f"{base}/handout-b.pdf").status_code == 404
    assert counsellor_view.get(f"{base}/handout-a.pdf").status_code == 200
    page = counsellor_view.get(base).get_data(as_text=True)
    assert "Alex’s handout" in page
    assert "Jordan’s handout" not in page


def test_a_one_partner_worksheet_carries_that_partners_name_only(app, couple, make_assignment):
    solo = make_assignment(couple, "appreciation-noticing-log", "a", note=SOLO_NOTE)
    each = make_assignment(couple, "i-statement-rewrites", "each")
    alex, jordan = (sign_in(app, p.user) for p in couple.partners)
    text = pdf_text(alex.get(f"/portal/worksheets/{solo.id}.pdf").data)
    assert "Alex Morgan" in text
    assert "Jordan" not in text
    assert SOLO_NOTE in text
    assert jordan.get(f"/portal/worksheets/{solo.id}.pdf").status_code == 404
    text = pdf_text(jordan.get(f"/portal/worksheets/{each.id}.pdf").data)
    assert "Jordan Morgan" in text
    assert "Alex" not in text


def check_in(case, partner, total_from, days_ago):
    db.session.add(
        CheckIn(
            case_id=case.id,
            partner_id=partner.id,
            completed_at=now_utc() - timedelta(days=days_ago),
            csi_happiness=total_from[0],
            csi_warm=total_from[1],
            csi_rewarding=total_from[2],
            csi_satisfied=total_from[3],
            csi_total=sum(total_from),
            blocks={},
            entered_by_id=partner.user_id,
        )
    )


def test_the_closing_summary_is_written_for_its_reader(
    app, counsellor, couple, make_assignment, make_entry
):
    alex, jordan = couple.partners
    add_session_with(couple, days_ago=30)
    add_session_with(couple, days_ago=20, with_whom=("a",), came=("a",))
    solo = make_assignment(couple, "appreciation-noticing-log", "a", note=SOLO_NOTE)
    each = make_assignment(couple, "i-statement-rewrites", "each")
    make_entry(solo, alex, helpful=5)
    make_entry(each, jordan, helpful=4)
    check_in(couple, alex, (0, 1, 1, 1), 31)  # Alex: 3 -> 11
    check_in(couple, alex, (3, 3, 2, 3), 2)
    check_in(couple, jordan, (4, 4, 4, 4), 31)  # Jordan: 16 -> 20
    check_in(couple, jordan, (5, 5, 5, 5), 2)
    couple.status, couple.closed_at = CaseStatus.CLOSED, now_utc()
    couple.closing_note = "Keep your Sunday walks."
    db.session.commit()
    browser = sign_in(app, jordan.user)
    text = pdf_text(browser.get("/portal/closing-summary.pdf").data)
    assert "you came to 1 session" in text
    assert "+4" in text
    assert "Keep your Sunday walks." in text
    assert "Rewrite three complaints" in text
    assert "Appreciation" not in text
    assert "+8" not in text
    assert "Alex" not in text
    # Once Alex lets Jordan see Alex's scores, they are there.
    alex.shares_scores = True
    db.session.commit()
    text = pdf_text(browser.get("/portal/closing-summary.pdf").data)
    assert "Alex" in text
    assert "+8" in text
    assert "Appreciation" not in text  # still Alex's own homework
    # The counsellor's preview of Jordan's copy is Jordan's copy.
    preview = sign_in(app, counsellor).get(f"/cases/{couple.id}/closing-summary-b.pdf")
    assert pdf_text(preview.data) == text


def test_no_closing_summary_for_a_partner_while_the_case_is_open(app, couple):
    browser = sign_in(app, couple.partners[0].user)
    assert browser.get("/portal/closing-summary.pdf").status_code == 404
