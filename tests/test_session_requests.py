"""Clients asking to move or cancel a session, end to end: the request in the portal, the
counsellor's answer, and what each partner then sees and receives.

Alex and Jordan are a couple with a joint session in three days. A request is
Alex's and the counsellor's alone; Jordan learns only of a change to the session,
as of any change, by the same email as Alex, which names nobody who asked.
"""

import itertools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask import g

from practice.admin.models import PracticeSettings
from practice.audit.models import AuditEvent
from practice.calendar import policy
from practice.calendar.booking import Booking, book
from practice.calendar.models import RequestStatus, SessionRequest
from practice.database import now_utc
from practice.extensions import db
from practice.mail.models import OutboundEmail
from practice.sessions.models import Session, SessionStatus
from tests.conftest import csrf_login, form_token
from tests.factories import quiet, sign_in

REASON = "My shift moved to that evening"
REPLY = "That week is full; the time we have stays the best one"


# --- The policy, as plain values -------------------------------------------------------


@pytest.mark.parametrize(
    ("hours_ahead", "notice", "late"),
    [(30, 24, False), (24, 24, False), (23.9, 24, True), (30, 48, True), (1, 0, False)],
)
def test_a_request_inside_the_notice_period_is_late(hours_ahead, notice, late):
    now = datetime(2026, 11, 24, 10, 30, tzinfo=UTC)
    assert policy.is_late(now + timedelta(hours=hours_ahead), now, notice) is late


@pytest.mark.parametrize(
    ("hours", "words"),
    [
        (24, "24 hours’ notice"),
        (1, "1 hour’s notice"),
        (48, "2 days’ notice"),
        (36, "36 hours’ notice"),
    ],
)
def test_the_notice_in_words(hours, words):
    assert policy.notice_words(hours) == words


# --- Building blocks ----------------------------------------------------------------------


def booked(case, starts_at, invitees=()) -> Session:
    booking = Booking(
        day=starts_at.date(), start=starts_at.time(), minutes=50, invitees=tuple(invitees)
    )
    made, _ = book(case, booking, ZoneInfo("UTC"), case.counsellor, None)
    db.session.commit()
    return made


@pytest.fixture
def joint(case):
    """The couple's next session, in three days at 17:00."""
    return booked(case, _at(3, 17))


def _at(days: int, hour: int, minute: int = 0) -> datetime:
    day = (now_utc() + timedelta(days=days)).date()
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


FORMS = itertools.count(1)


def _ask(browser, session, kind="move", token=None, **fields):
    """Send the request form; each send is a fresh form unless ``token`` says otherwise."""
    data = {"form_token": token or f"ask-form-{next(FORMS)}", "kind": kind, **fields}
    return browser.post(f"/portal/appointments/{session.id}/change", data=data)


def _move_to(when: datetime, n: int = 1) -> dict:
    return {f"day_{n}": when.date().isoformat(), f"time_{n}": when.strftime("%H:%M")}


def _request(session) -> SessionRequest:
    return db.session.scalar(
        sa.select(SessionRequest)
        .where(SessionRequest.session_id == session.id)
        .order_by(SessionRequest.id.desc())
        .limit(1)
    )


def _page(app, partner) -> str:
    return quiet(sign_in(app, partner.user).get("/portal/appointments/").get_data(as_text=True))


def _emails(partner) -> list[OutboundEmail]:
    return list(
        db.session.scalars(sa.select(OutboundEmail).where(OutboundEmail.to == partner.email))
    )


def _actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


# --- Asking ----------------------------------------------------------------------------------


def test_the_policy_is_shown_before_asking_and_a_late_request_is_marked(app, case, alex):
    db.session.add(PracticeSettings(name="Riverside", timezone="UTC", cancellation_notice_hours=48))
    db.session.commit()
    g.pop("practice_settings", None)
    soon, later = booked(case, _at(1, 17)), booked(case, _at(5, 17))
    browser = sign_in(app, alex.user)
    page = browser.get(f"/portal/appointments/{soon.id}/change").get_data(as_text=True)
    assert "The practice asks for at least 2 days’ notice" in page
    assert "will be marked as late" in page
    assert "in good time" in browser.get(f"/portal/appointments/{later.id}/change").get_data(
        as_text=True
    )
    assert "2 days’ notice to move or cancel" in browser.get("/portal/appointments/").get_data(
        as_text=True
    )
    assert _ask(browser, soon, "cancel").status_code == 302
    assert _ask(browser, later, "cancel").status_code == 302
    assert (_request(soon).late, _request(later).late) == (True, False)


def test_asking_needs_a_time_to_move_to_and_keeps_what_was_typed(app, joint, alex):
    browser = sign_in(app, alex.user)
    response = _ask(browser, joint, reason=REASON)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Give at least one day and time that would suit you." in page
    assert REASON in page
    response = _ask(browser, joint, day_1=_at(4, 9).date().isoformat())
    assert response.status_code == 400
    assert "Give both the day and the time." in response.get_data(as_text=True)
    yesterday = now_utc() - timedelta(days=1)
    response = _ask(browser, joint, **_move_to(yesterday.replace(hour=9)))
    assert response.status_code == 400
    assert "Choose a time still to come." in response.get_data(as_text=True)
    assert _ask(browser, joint, kind="later").status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SessionRequest)) == 0


def test_one_open_request_per_partner_and_session(app, joint, alex, jordan):
    as_alex = sign_in(app, alex.user)
    assert _ask(as_alex, joint, "cancel", token="first-form", reason=REASON).status_code == 302
    again = as_alex.post(
        f"/portal/appointments/{joint.id}/change",
        data={"form_token": "another-" + "0" * 24, "kind": "cancel"},
    )
    assert again.status_code == 400
    assert "You have already asked to cancel this session" in again.get_data(as_text=True)
    # The same form sent twice makes one request, not a refusal.
    assert _ask(as_alex, joint, "cancel", token="first-form", reason=REASON).status_code == 302
    # Jordan is not told that Alex asked: Jordan may ask too, and nothing says otherwise.
    jordan_page = sign_in(app, jordan.user).get(f"/portal/appointments/{joint.id}/change")
    assert "already asked" not in jordan_page.get_data(as_text=True)
    assert _ask(sign_in(app, jordan.user), joint, "cancel").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SessionRequest)) == 2


def test_asking_is_a_post_with_csrf(app, csrf_client, joint, alex):
    csrf_login(csrf_client, alex.user)
    url = f"/portal/appointments/{joint.id}/change"
    assert csrf_client.post(url, data={"kind": "cancel"}).status_code == 400
    assert db.session.scalar(sa.select(SessionRequest.id)) is None
    token = form_token(csrf_client, url)
    data = {"kind": "cancel", "csrf_token": token, "form_token": "c" * 32}
    assert csrf_client.post(url, data=data).status_code == 302
    withdraw = f"/portal/appointments/requests/{_request(joint).id}/withdraw"
    assert csrf_client.post(withdraw).status_code == 400
    assert _request(joint).status is RequestStatus.PENDING


def test_a_request_overtaken_by_the_counsellors_own_change_says_so(
    app, counsellor, case, joint, alex
):
    assert _ask(sign_in(app, alex.user), joint, "cancel").status_code == 302
    response = sign_in(app, counsellor).post(
        f"/calendar/cases/{case.id}/sessions/{joint.id}/cancel", data={"reason": "Ill"}
    )
    assert response.status_code == 302
    page = _page(app, alex)
    assert "Your counsellor changed this session before answering" in page
    assert "Withdraw my request" not in page


def test_a_past_or_cancelled_session_cannot_be_asked_about(app, case, alex):
    session = booked(case, _at(2, 9))
    session.status = SessionStatus.CANCELLED
    db.session.commit()
    browser = sign_in(app, alex.user)
    page = browser.get(f"/portal/appointments/{session.id}/change").get_data(as_text=True)
    assert "can no longer be changed here" in page
    response = _ask(browser, session, "cancel")
    assert response.status_code == 400
    assert "can no longer be changed here" in response.get_data(as_text=True)


# --- Answers, and what each partner sees and receives -------------------------------------


def test_a_move_accepted_moves_the_session_and_tells_both_partners_alike(
    app, counsellor, case, joint, alex, jordan
):
    jordan_before = _page(app, jordan)
    as_alex = sign_in(app, alex.user)
    first, second = _at(4, 9), _at(5, 18, 30)
    response = _ask(as_alex, joint, reason=REASON, **_move_to(first), **_move_to(second, 2))
    assert response.status_code == 302
    asked = _request(joint)
    assert asked.preferred_starts == [first, second]
    assert _page(app, jordan) == jordan_before  # nothing shows for Jordan yet

    as_counsellor = sign_in(app, counsellor)
    dashboard = as_counsellor.get("/dashboard").get_data(as_text=True)
    assert "Clients asking to move or cancel a session" in dashboard
    assert "Alex (Alex Morgan &amp; Jordan Morgan)" in dashboard
    session_page = as_counsellor.get(f"/calendar/cases/{case.id}/sessions/{joint.id}")
    assert "Alex asks to move this session" in session_page.get_data(as_text=True)
    request_page = as_counsellor.get(f"/calendar/cases/{case.id}/requests/{asked.id}")
    assert REASON in request_page.get_data(as_text=True)
    response = as_counsellor.post(
        f"/calendar/cases/{case.id}/requests/{asked.id}/accept", data={"chosen": second.isoformat()}
    )
    assert response.status_code == 302

    db.session.refresh(joint)
    assert joint.starts_at == second
    assert joint.moved_from == _at(3, 17)
    assert joint.sequence == 1
    assert _request(joint).status is RequestStatus.ACCEPTED
    alex_mail, jordan_mail = _emails(alex), _emails(jordan)
    assert [m.kind for m in alex_mail] == [m.kind for m in jordan_mail] == ["session-changed"]
    assert alex_mail[0].subject == jordan_mail[0].subject
    for message in alex_mail + jordan_mail:
        assert REASON not in message.body
        assert "request" not in message.body.lower()
    assert "Alex" not in jordan_mail[0].body
    assert "Moved, as you asked." in _page(app, alex)
    jordan_after = _page(app, jordan)
    assert "as you asked" not in jordan_after
    assert "You asked" not in jordan_after
    assert "session_request.accept" in _actions()
    assert "session.move" in _actions()


def test_a_cancellation_accepted_keeps_its_lateness_and_reason(app, counsellor, case, alex, jordan):
    soon = booked(case, now_utc() + timedelta(hours=5))
    assert _ask(sign_in(app, alex.user), soon, "cancel", reason=REASON).status_code == 302
    asked = _request(soon)
    assert asked.late
    response = sign_in(app, counsellor).post(
        f"/calendar/cases/{case.id}/requests/{asked.id}/accept"
    )
    assert response.status_code == 302
    db.session.refresh(soon)
    assert soon.status is SessionStatus.CANCELLED
    assert soon.late_cancel
    assert soon.cancel_reason == f"Cancelled at Alex's request: {REASON}"
    assert [m.kind for m in _emails(jordan)] == ["session-changed"]
    assert "is cancelled" in _emails(jordan)[0].subject


def test_a_declined_request_is_for_alex_alone(app, counsellor, case, joint, alex, jordan):
    jordan_before = _page(app, jordan)
    assert _ask(sign_in(app, alex.user), joint, "cancel").status_code == 302
    asked = _request(joint)
    as_counsellor = sign_in(app, counsellor)
    url = f"/calendar/cases/{case.id}/requests/{asked.id}/decline"
    response = as_counsellor.post(url, data={"decline-message": "  "})
    assert response.status_code == 400
    assert "Say why, in a sentence they will read in their portal." in response.get_data(
        as_text=True
    )
    assert as_counsellor.post(url, data={"decline-message": REPLY}).status_code == 302

    db.session.refresh(joint)
    assert joint.status is SessionStatus.SCHEDULED
    alex_page = _page(app, alex)
    assert "Your counsellor kept this session as booked" in alex_page
    assert REPLY in alex_page
    assert [m.kind for m in _emails(alex)] == ["request-answered"]
    assert REPLY not in _emails(alex)[0].body
    assert _emails(jordan) == []
    assert _page(app, jordan) == jordan_before
    # Alex may ask again once it is answered.
    again = sign_in(app, alex.user).post(
        f"/portal/appointments/{joint.id}/change",
        data={"form_token": "again-" + "0" * 26, "kind": "cancel"},
    )
    assert again.status_code == 302


def test_a_suggested_time_taken_moves_the_session(app, counsellor, case, joint, alex, jordan):
    assert _ask(sign_in(app, alex.user), joint, **_move_to(_at(4, 9))).status_code == 302
    asked = _request(joint)
    as_counsellor = sign_in(app, counsellor)
    url = f"/calendar/cases/{case.id}/requests/{asked.id}/suggest"
    other = booked(case, _at(6, 10))  # the counsellor is busy then
    response = as_counsellor.post(
        url, data={"suggest-day": _at(6, 10).date().isoformat(), "suggest-time": "10:20"}
    )
    assert response.status_code == 400
    assert "That overlaps your session" in response.get_data(as_text=True)
    response = as_counsellor.post(
        url,
        data={
            "suggest-day": _at(6, 12).date().isoformat(),
            "suggest-time": "12:00",
            "suggest-message": REPLY,
        },
    )
    assert response.status_code == 302
    alex_page = _page(app, alex)
    assert "Your counsellor suggests" in alex_page
    assert REPLY in alex_page
    assert REPLY not in _page(app, jordan)
    assert [m.kind for m in _emails(alex)] == ["request-answered"]

    response = sign_in(app, alex.user).post(f"/portal/appointments/requests/{asked.id}/take")
    assert response.status_code == 303
    db.session.refresh(joint)
    assert joint.starts_at == _at(6, 12)
    assert _request(joint).status is RequestStatus.ACCEPTED
    assert [m.kind for m in _emails(jordan)] == ["session-changed"]
    assert other.status is SessionStatus.SCHEDULED


def test_a_suggestion_turned_down_goes_back_to_the_counsellor(app, counsellor, case, joint, alex):
    assert _ask(sign_in(app, alex.user), joint, **_move_to(_at(4, 9))).status_code == 302
    asked = _request(joint)
    as_counsellor = sign_in(app, counsellor)
    as_counsellor.post(
        f"/calendar/cases/{case.id}/requests/{asked.id}/suggest",
        data={"suggest-day": _at(6, 12).date().isoformat(), "suggest-time": "12:00"},
    )
    assert "Waiting for your counsellor" not in _page(app, alex)
    response = sign_in(app, alex.user).post(f"/portal/appointments/requests/{asked.id}/turn-down")
    assert response.status_code == 303
    assert _request(joint).status is RequestStatus.PENDING
    assert "could not come at the time you suggested" in as_counsellor.get("/dashboard").get_data(
        as_text=True
    )
    assert "You could not come at the time your counsellor suggested." in _page(app, alex)


def test_a_suggested_time_taken_meanwhile_returns_to_the_counsellor(
    app, counsellor, case, joint, alex
):
    assert _ask(sign_in(app, alex.user), joint, **_move_to(_at(4, 9))).status_code == 302
    asked = _request(joint)
    sign_in(app, counsellor).post(
        f"/calendar/cases/{case.id}/requests/{asked.id}/suggest",
        data={"suggest-day": _at(6, 12).date().isoformat(), "suggest-time": "12:00"},
    )
    booked(case, _at(6, 12))  # another booking takes the time first
    browser = sign_in(app, alex.user)
    response = browser.post(f"/portal/appointments/requests/{asked.id}/take")
    assert response.status_code == 303
    assert "can no longer be booked" in browser.get("/portal/appointments/").get_data(as_text=True)
    db.session.refresh(joint)
    assert joint.starts_at == _at(3, 17)
    assert _request(joint).status is RequestStatus.PENDING


def test_a_request_withdrawn_waits_for_nobody(app, counsellor, case, joint, alex):
    assert _ask(sign_in(app, alex.user), joint, "cancel").status_code == 302
    asked = _request(joint)
    response = sign_in(app, alex.user).post(f"/portal/appointments/requests/{asked.id}/withdraw")
    assert response.status_code == 303
    assert _request(joint).status is RequestStatus.WITHDRAWN
    assert "Clients asking" not in sign_in(app, counsellor).get("/dashboard").get_data(as_text=True)
    response = sign_in(app, counsellor).post(
        f"/calendar/cases/{case.id}/requests/{asked.id}/accept"
    )
    assert response.status_code == 400
    assert "answered already" in response.get_data(as_text=True)


def test_accepting_one_partners_request_closes_the_others(
    app, counsellor, case, joint, alex, jordan
):
    assert _ask(sign_in(app, alex.user), joint, "cancel").status_code == 302
    alex_asked = _request(joint)
    assert _ask(sign_in(app, jordan.user), joint, **_move_to(_at(4, 9))).status_code == 302
    sign_in(app, counsellor).post(f"/calendar/cases/{case.id}/requests/{alex_asked.id}/accept")
    jordan_asked = db.session.scalar(
        sa.select(SessionRequest).where(SessionRequest.partner_id == jordan.id)
    )
    assert jordan_asked.status is RequestStatus.OVERTAKEN
    assert "Your counsellor changed this session before answering" in _page(app, jordan)


# --- An individual session's request never reaches the other partner ---------------------


def test_the_other_partner_cannot_reach_an_individual_session_or_its_request(
    app, case, alex, jordan
):
    alone = booked(case, _at(4, 12), invitees=("a",))
    assert _ask(sign_in(app, alex.user), alone, "cancel", reason=REASON).status_code == 302
    asked = _request(alone)
    as_jordan = sign_in(app, jordan.user)
    assert as_jordan.get(f"/portal/appointments/{alone.id}/change").status_code == 404
    assert _ask(as_jordan, alone, "cancel").status_code == 404
    for action in ("take", "turn-down", "withdraw"):
        url = f"/portal/appointments/requests/{asked.id}/{action}"
        assert as_jordan.post(url).status_code == 404
    assert REASON not in _page(app, jordan)
    assert _request(alone).status is RequestStatus.PENDING


def test_every_step_is_on_the_audit_trail(app, counsellor, case, joint, alex):
    assert _ask(sign_in(app, alex.user), joint, **_move_to(_at(4, 9))).status_code == 302
    asked = _request(joint)
    as_counsellor = sign_in(app, counsellor)
    as_counsellor.get(f"/calendar/cases/{case.id}/requests/{asked.id}")
    as_counsellor.post(
        f"/calendar/cases/{case.id}/requests/{asked.id}/suggest",
        data={"suggest-day": _at(6, 12).date().isoformat(), "suggest-time": "12:00"},
    )
    sign_in(app, alex.user).post(f"/portal/appointments/requests/{asked.id}/turn-down")
    sign_in(app, alex.user).post(f"/portal/appointments/requests/{asked.id}/withdraw")
    actions = [a for a in _actions() if a.startswith("session_request.")]
    assert actions == [
        "session_request.create",
        "session_request.view",
        "session_request.suggest",
        "session_request.turn_down",
        "session_request.withdraw",
    ]
    details = db.session.scalars(
        sa.select(AuditEvent.detail).where(AuditEvent.action.like("session_request.%"))
    )
    assert all(REASON not in str(detail) for detail in details)


def test_a_request_about_a_session_beyond_the_agenda_is_still_on_the_dashboard(
    app, counsellor, case, alex
):
    far = booked(case, _at(12, 11))
    assert _ask(sign_in(app, alex.user), far, "cancel").status_code == 302
    dashboard = sign_in(app, counsellor).get("/dashboard").get_data(as_text=True)
    assert "Clients asking to move or cancel a session" in dashboard
    assert f"/calendar/cases/{case.id}/requests/{_request(far).id}" in dashboard
    agenda = dashboard.split('id="h-agenda"')[1]
    assert "asks to cancel it" not in agenda  # the session itself is further off than a week
