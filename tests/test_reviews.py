"""Reviews: several per case, each kept as it stood on its date; joint sessions toward the
five-session mark, individual ones beside it."""

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from practice.dates import format_date, practice_today
from practice.extensions import db
from practice.progress.change import Change
from practice.progress.models import Review
from practice.progress.reviews import figures_as_of, record_review
from practice.progress.timeline import five_session_mark, joint
from tests.factories import add_check_in, add_session, add_session_with

DAY = date(2026, 6, 10)


# --- Plain functions -------------------------------------------------------------


def test_a_joint_session_is_one_everyone_of_the_case_came_to():
    assert joint(["a", "b"], ["a", "b"])
    assert not joint(["a"], ["a", "b"])
    assert not joint([], ["a", "b"])
    assert joint(["a"], ["a"])  # one person in individual work: every session of theirs
    assert not joint(["a"], [])


@pytest.mark.parametrize(
    ("together", "reviewed", "alone", "due", "remaining"),
    [
        (4, False, 3, False, 1),  # individual sessions do not bring the review nearer
        (5, False, 0, True, 0),
        (5, True, 2, False, 0),
        (0, False, 6, False, 5),
        (7, False, 1, True, 0),
    ],
)
def test_the_five_session_mark_counts_joint_sessions(together, reviewed, alone, due, remaining):
    mark = five_session_mark(together, reviewed, alone)
    assert (mark.joint, mark.individual, mark.review_due, mark.remaining) == (
        together,
        alone,
        due,
        remaining,
    )


def test_figures_as_of_a_day_leave_out_what_came_after():
    positions = {1: "a", 2: "b"}
    check_ins = [
        (1, DAY - timedelta(days=30), 8),
        (2, DAY - timedelta(days=30), 14),
        (1, DAY - timedelta(days=10), 11),
        (2, DAY - timedelta(days=10), 13),
        (1, DAY, 12),  # on the day itself: counted
        (2, DAY, 9),
        (1, DAY + timedelta(days=1), 20),  # after: left out
        (2, DAY + timedelta(days=7), 21),
    ]
    sessions = [
        (DAY - timedelta(days=29), ["a", "b"], {"trust": 3, "teamwork": 5}),
        (DAY - timedelta(days=20), ["a"], {}),
        (DAY - timedelta(days=9), ["a", "b"], {"trust": 5}),
        (DAY + timedelta(days=2), ["a", "b"], {"trust": 9}),
    ]
    kept = figures_as_of(DAY, positions, check_ins, sessions)
    a, b = kept.partners
    assert (a.baseline, a.baseline_on, a.latest, a.latest_on) == (8, DAY - timedelta(30), 12, DAY)
    assert a.change is Change.IMPROVED  # +4, still below 13.5
    assert (b.baseline, b.latest) == (14, 9)
    assert b.change is Change.DETERIORATED  # -5
    assert (kept.joint, kept.individual) == (2, 1)
    # Teamwork was rated at the first session only: first and latest are that one rating.
    assert kept.blocks == {"trust": [3, 5], "teamwork": [5, 5]}


def test_figures_with_a_missing_baseline_one_partner_only_and_one_person():
    # Nothing recorded yet for B; one check-in for A (a baseline, nothing to compare).
    kept = figures_as_of(DAY, {1: "a", 2: "b"}, [(1, DAY, 10)], [])
    a, b = kept.partners
    assert (a.baseline, a.latest, a.change) == (10, None, None)
    assert (b.baseline, b.latest, b.change) == (None, None, None)
    assert (kept.joint, kept.individual, kept.blocks) == (0, 0, {})
    # One person in individual work: every session counts toward the mark.
    alone = figures_as_of(
        DAY, {7: "a"}, [(7, DAY - timedelta(9), 6), (7, DAY, 15)], [(DAY, ["a"], {})]
    )
    [person] = alone.partners
    assert person.change is Change.RECOVERED
    assert (alone.joint, alone.individual) == (1, 0)


# --- Recording and showing reviews ------------------------------------------------


@pytest.fixture
def as_counsellor(auth, counsellor):
    auth.login(counsellor)
    return counsellor


@pytest.fixture
def case(make_case, counsellor):
    return make_case(counsellor, weeks_ago=10)


@pytest.fixture
def five_joint(case):
    """Five joint sessions and one with Alex alone; check-ins before the fifth."""
    alex, jordan = case.partners
    for n in range(5):
        add_session(case, -40 + 7 * n)
    add_session_with(case, days_ago=30, with_whom=("a",), came=("a",))
    add_check_in(alex, -41, (2, 2, 2, 2))  # 8
    add_check_in(jordan, -41, (4, 3, 3, 3))  # 13
    add_check_in(alex, -13, (3, 3, 3, 3))  # 12: +4, improved
    add_check_in(jordan, -13, (4, 3, 3, 4))  # 14: +1, no reliable change
    return case


def body(page: str) -> str:
    """A page from its heading on (the flash of "recorded" above it comes only once)."""
    return page[page.index("<h1") :]


def review_data(days=0, summary="What we found", token="r" * 32) -> dict:
    return {
        "form_token": token,
        "reviewed_on": (practice_today() + timedelta(days=days)).isoformat(),
        "summary": summary,
    }


def test_a_review_keeps_its_figures_whatever_comes_after(client, as_counsellor, five_joint):
    case = five_joint
    alex, jordan = case.partners
    response = client.post(
        f"/cases/{case.id}/review", data=review_data(-12, "First review", "1" * 32)
    )
    assert response.status_code == 302
    first = db.session.scalar(sa.select(Review))
    assert (first.joint_sessions, first.individual_sessions) == (5, 1)
    assert [(m.position, m.baseline, m.latest, m.change) for m in first.measures] == [
        ("a", 8, 12, Change.IMPROVED),
        ("b", 13, 14, Change.UNCHANGED),
    ]
    page = client.get(f"/cases/{case.id}/reviews/{first.id}").data.decode()
    assert "First review" in page
    assert re.search(
        r"Alex</th>\s*<td>8 .*?</td>\s*<td>12 .*?</td>\s*<td>\+4</td>\s*<td>Improved", page, re.S
    )

    # Later: more sessions and check-ins, and a paper check-in dated before the review.
    add_session(case, -5)
    add_check_in(alex, -6, (4, 4, 4, 4))  # 16: recovered since the first
    add_check_in(jordan, -6, (2, 2, 2, 2))  # 8: a reliable fall
    # A paper check-in typed in late, dated before all the others: Alex's first total now.
    add_check_in(alex, -45, (3, 3, 3, 3), by=as_counsellor)  # 12
    again = client.get(f"/cases/{case.id}/reviews/{first.id}").data.decode()
    assert body(again) == body(page)  # the first review reads the same

    response = client.post(
        f"/cases/{case.id}/review", data=review_data(0, "Second review", "2" * 32)
    )
    assert response.status_code == 302
    second = db.session.scalars(sa.select(Review).order_by(Review.id)).all()[1]
    assert second.joint_sessions == 6
    assert [(m.baseline, m.latest, m.change) for m in second.measures] == [
        (12, 16, Change.RECOVERED),
        (13, 8, Change.DETERIORATED),
    ]
    second_page = client.get(f"/cases/{case.id}/reviews/{second.id}").data.decode()
    assert "Partners drifting apart" in second_page
    progress = client.get(f"/cases/{case.id}/progress").data.decode()
    assert "2 reviews recorded" in progress
    listed = progress.split('id="reviews"')[1].split("</ol>")[0]
    assert listed.index(format_date(first.reviewed_on)) < listed.index(
        format_date(second.reviewed_on)
    )
    assert "Alex 8 → 12 (improved)" in listed
    assert "Alex 12 → 16 (recovered)" in listed
    assert "Jordan 13 → 8 (deteriorated)" in listed


def test_the_review_page_is_on_the_audit_trail(client, as_counsellor, five_joint):
    from practice.audit.models import AuditEvent

    review = record_review(five_joint, practice_today(), "Kept", as_counsellor.id)
    db.session.commit()
    assert client.get(f"/cases/{five_joint.id}/reviews/{review.id}").status_code == 200
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "review.view"))
    assert (event.case_id, event.object_id) == (five_joint.id, review.id)


def test_a_review_of_another_case_is_not_found(client, as_counsellor, five_joint, make_case):
    other = make_case(as_counsellor, ("Sam Okafor", "Robin Okafor"))
    review = record_review(other, practice_today(), "Theirs", as_counsellor.id)
    db.session.commit()
    assert client.get(f"/cases/{five_joint.id}/reviews/{review.id}").status_code == 404
    assert client.get(f"/cases/{five_joint.id}/reviews/99999").status_code == 404


def test_the_review_falls_due_at_the_fifth_joint_session(client, as_counsellor, case):
    for n in range(4):
        add_session(case, -30 + 7 * n)
    for days in (3, 4, 5):
        add_session_with(case, days_ago=days, with_whom=("b",), came=("b",))
    page = client.get(f"/cases/{case.id}/progress").data.decode()
    assert '<div class="stat">4<span' in page
    assert "and 3 with one partner alone, not counted toward the mark" in page
    assert "Review due" not in page
    assert "1 more joint session to go" in page
    case_page = client.get(f"/cases/{case.id}").data.decode()
    assert "Joint sessions: <strong>4</strong> (the guides advise at least 5)" in case_page
    assert "and 3 with one partner alone" in case_page
    add_session(case, -1)
    page = client.get(f"/cases/{case.id}/progress").data.decode()
    assert "Review due" in page
    assert "Record the five-session review" in page
    from practice.main.dashboard import attention

    assert [c.id for c in attention(as_counsellor, practice_today()).reviews_due] == [case.id]


def test_in_individual_work_every_session_counts(client, as_counsellor, make_case):
    from practice.main.dashboard import attention

    lee = make_case(as_counsellor, ("Lee Park",))
    for n in range(5):
        add_session(lee, -30 + 7 * n, attendees=("a",))
    page = client.get(f"/cases/{lee.id}/progress").data.decode()
    assert '<div class="stat">5<span' in page
    assert "Review due" in page
    assert "with one partner alone" not in page
    assert [c.id for c in attention(as_counsellor, practice_today()).reviews_due] == [lee.id]


def test_a_case_with_four_joint_sessions_and_individual_ones_is_not_due(
    as_counsellor, case, make_case
):
    from practice.main.dashboard import attention

    for n in range(4):
        add_session(case, -30 + 7 * n)
    for days in (3, 4):
        add_session_with(case, days_ago=days, with_whom=("a",), came=("a",))
    # A session both were booked for where only one came is not joint either.
    add_session(case, -2, attendees=("b",))
    assert attention(as_counsellor, practice_today()).reviews_due == []
