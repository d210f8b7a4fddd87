"""The issue's "done when", tried as a new counsellor would, through the pages.

A counsellor sets up a weekly series, moves one session, cancels another and
subscribes to the feed; the couple see it in the portal; the reminders command,
run twice, sends each due reminder once.
"""

import re
from datetime import timedelta

import sqlalchemy as sa
from icalendar import Calendar

from practice.admin.models import PracticeSettings
from practice.dates import practice_today
from practice.extensions import db
from practice.mail.models import OutboundEmail
from practice.sessions.models import Session, SessionStatus
from tests.test_case_access import as_user


def test_a_weekly_series_moved_cancelled_subscribed_and_reminded(
    app, client, auth, counsellor, make_case, monkeypatch
):
    db.session.add(PracticeSettings(name="Riverside", timezone="Europe/London"))
    db.session.commit()
    case = make_case(counsellor)
    auth.login(counsellor)

    # The calendar's empty week offers to book; the form books six weekly sessions.
    assert "Book a session" in client.get("/calendar/week").data.decode()
    first_day = practice_today() + timedelta(days=1)
    # Who can be expected depends on the case, so the case is chosen first.
    choose = client.get(f"/calendar/new?date={first_day.isoformat()}").data.decode()
    assert 'name="case"' in choose
    form = client.get(f"/calendar/new?date={first_day.isoformat()}&case={case.id}").data.decode()
    token = re.search(r'name="form_token" type="hidden" value="([^"]+)"', form).group(1)
    response = client.post(
        "/calendar/new",
        data={
            "form_token": token,
            "case": str(case.id),
            "day": first_day.isoformat(),
            "time": "10:00",
            "duration": "50",
            "with_whom": "all",
            "repeat": "1",
            "count": "6",
        },
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).data.decode()
    assert "6 sessions booked" in page
    series = list(db.session.scalars(sa.select(Session).order_by(Session.starts_at)))
    assert len(series) == 6

    # Move the second one a day later; cancel the third.
    second, third = series[1], series[2]
    moved_day = (second.starts_at + timedelta(days=1)).date()
    response = client.post(
        f"/calendar/cases/{case.id}/sessions/{second.id}/move",
        data={"day": moved_day.isoformat(), "time": "12:00", "duration": "50"},
    )
    assert response.status_code == 302
    response = client.post(
        f"/calendar/cases/{case.id}/sessions/{third.id}/cancel",
        data={"reason": "Counsellor at a training day"},
    )
    assert response.status_code == 302

    # Subscribe: the feed has all six, the moved one updated, the cancelled one marked.
    page = client.post("/calendar/feed/new").data.decode()
    path = re.search(r'value="http://localhost(/calendar/feeds/[^"]+)"', page).group(1)
    calendar = Calendar.from_ical(app.test_client().get(path).data)
    events = {str(e["UID"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {f"session-{s.id}@localhost" for s in series}
    db.session.refresh(second)
    moved = events[f"session-{second.id}@localhost"]
    assert moved.decoded("DTSTART") == second.starts_at
    assert moved["SEQUENCE"] == 1
    assert str(events[f"session-{third.id}@localhost"]["STATUS"]) == "CANCELLED"
    assert {str(e["SUMMARY"]) for e in events.values()} == {
        f"Session: Case {case.id}",
        f"Cancelled: Session: Case {case.id}",
    }

    # The couple see their sessions in the portal, the cancelled one marked.
    partner = as_user(app, case.partners[0].user)
    home = partner.get("/portal/").data.decode()
    assert "Your next sessions" in home
    appointments = partner.get("/portal/appointments/").data.decode()
    assert "cancelled" in appointments
    assert "training day" not in appointments  # the reason stays with the counsellor

    # Twenty hours before the first session, the reminders command runs twice.
    first = series[0]
    monkeypatch.setattr(
        "practice.reminders.commands.now_utc", lambda: first.starts_at - timedelta(hours=20)
    )
    runner = app.test_cli_runner()
    assert runner.invoke(args=["send-reminders"]).exit_code == 0
    assert runner.invoke(args=["send-reminders"]).exit_code == 0
    db.session.rollback()
    sent = db.session.scalars(sa.select(OutboundEmail)).all()
    # Each partner: one appointment reminder and one check-in request; none twice.
    assert sorted((m.kind, m.to) for m in sent) == sorted(
        (kind, p.email)
        for p in case.partners
        for kind in ("reminder-appointment", "reminder-check-in")
    )
    assert first.status is SessionStatus.SCHEDULED
