"""Reminders: what is due when, whom it goes to, and sending each exactly once.

The clock is passed in (``due_reminders(now)``, ``send_reminders(now)``), and
the command's clock is replaced with a fixed one.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from practice.cases.models import CaseStatus
from practice.extensions import db
from practice.mail.models import OutboundEmail
from practice.progress.models import CheckIn
from practice.reminders.due import due_reminders
from practice.reminders.models import Reminder, ReminderKind, ReminderOptOut, ReminderStatus
from practice.reminders.sending import LEASE, send_reminders
from practice.sessions.models import SessionStatus
from tests.factories import book_session, sign_in

NOW = datetime(2027, 3, 15, 12, 0, tzinfo=UTC)  # a Monday, noon in London (GMT)


@pytest.fixture
def case(make_case, counsellor, london):
    return make_case(counsellor)


def keys(now=NOW, kind=None) -> list[str]:
    return sorted(d.key for d in due_reminders(now) if kind is None or d.kind is kind)


def emails() -> list[OutboundEmail]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(OutboundEmail).order_by(OutboundEmail.id)))


# --- What is due ---------------------------------------------------------------


def test_an_appointment_reminder_is_due_a_day_before(case):
    session = book_session(case, NOW + timedelta(hours=30))
    a, b = case.partners
    assert keys(kind=ReminderKind.APPOINTMENT) == []
    later = NOW + timedelta(hours=7)  # 23 hours before
    assert keys(later, ReminderKind.APPOINTMENT) == [
        f"appointment:s{session.id}:p{a.id}:20270316T1800Z",
        f"appointment:s{session.id}:p{b.id}:20270316T1800Z",
    ]
    assert keys(session.starts_at + timedelta(minutes=1), ReminderKind.APPOINTMENT) == []


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"status": SessionStatus.CANCELLED}, set()),
        ({"invitees": ["b"]}, {"b"}),
        ({}, {"a", "b"}),
    ],
)
def test_appointment_reminders_go_to_whoever_is_expected(case, values, expected):
    book_session(case, NOW + timedelta(hours=5), **values)
    by_partner = {p.id: p.position for p in case.partners}
    due = due_reminders(NOW)
    assert {by_partner[d.partner_id] for d in due if d.kind is ReminderKind.APPOINTMENT} == (
        expected
    )


def test_no_reminder_without_an_address_a_login_that_works_or_an_open_case(
    case, make_case, counsellor
):
    no_email = make_case(counsellor, ("Pat Quiet", "Lou Quiet"), portal=False)
    book_session(no_email, NOW + timedelta(hours=5))
    closed = make_case(counsellor, ("Ed Done", "Flo Done"), status=CaseStatus.CLOSED)
    book_session(closed, NOW + timedelta(hours=6))
    book_session(case, NOW + timedelta(hours=7))
    case.partners[1].user.active = False
    db.session.commit()
    due = [d for d in due_reminders(NOW) if d.kind is ReminderKind.APPOINTMENT]
    assert [d.partner_id for d in due] == [case.partners[0].id]


def test_a_moved_session_gets_a_new_reminder(case):
    session = book_session(case, NOW + timedelta(hours=5))
    first = set(keys(kind=ReminderKind.APPOINTMENT))
    session.starts_at += timedelta(hours=2)
    session.ends_at += timedelta(hours=2)
    db.session.commit()
    assert set(keys(kind=ReminderKind.APPOINTMENT)).isdisjoint(first)


def test_homework_reminders_from_nine_the_day_before(case, make_assignment, make_entry):
    once = make_assignment(
        case, "stay-honest-appraisal", "a", cadence="once", due_on=date(2027, 3, 16)
    )
    weekly = make_assignment(case, "i-statement-rewrites", "each", due_on=date(2027, 3, 16))
    make_assignment(case, "self-care-protected-hour", "b", due_on=date(2027, 3, 20))
    a, b = case.partners
    morning = datetime(2027, 3, 15, 8, 59, tzinfo=UTC)
    assert keys(morning, ReminderKind.HOMEWORK) == []
    assert keys(kind=ReminderKind.HOMEWORK) == sorted(
        [
            f"homework:a{once.id}:p{a.id}:2027-03-16",
            f"homework:a{weekly.id}:p{a.id}:2027-03-16",
            f"homework:a{weekly.id}:p{b.id}:2027-03-16",
        ]
    )
    make_entry(once, a, done_on=date(2027, 3, 14))  # one-off homework done: no reminder
    assert f"homework:a{once.id}:p{a.id}:2027-03-16" not in keys(kind=ReminderKind.HOMEWORK)
    assert keys(datetime(2027, 3, 17, 0, 1, tzinfo=UTC), ReminderKind.HOMEWORK) == []


def test_a_check_in_request_follows_check_in_due(case):
    last = book_session(
        case, NOW - timedelta(days=6), status=SessionStatus.ATTENDED, attendees=["a", "b"]
    )
    upcoming = book_session(case, NOW + timedelta(days=2))
    book_session(case, NOW + timedelta(days=2, hours=3))  # only the nearest session asks
    a, b = case.partners
    assert keys(kind=ReminderKind.CHECK_IN) == sorted(
        [
            f"check-in:s{upcoming.id}:p{a.id}:20270317T1200Z",
            f"check-in:s{upcoming.id}:p{b.id}:20270317T1200Z",
        ]
    )
    db.session.add(
        CheckIn(
            case_id=case.id,
            partner_id=a.id,
            completed_at=last.starts_at + timedelta(days=1),
            csi_happiness=3,
            csi_warm=3,
            csi_rewarding=3,
            csi_satisfied=3,
            csi_total=12,
            blocks={},
            entered_by_id=a.user_id,
        )
    )
    db.session.commit()
    assert [k.split(":")[2] for k in keys(kind=ReminderKind.CHECK_IN)] == [f"p{b.id}"]
    assert keys(NOW - timedelta(days=2), ReminderKind.CHECK_IN) == []  # too early


def test_a_client_who_turned_a_kind_off_gets_none_of_it(case):
    book_session(case, NOW + timedelta(hours=5))
    a, b = case.partners
    db.session.add(ReminderOptOut(partner_id=a.id, kind=ReminderKind.APPOINTMENT))
    db.session.commit()
    due = due_reminders(NOW)
    assert {(d.partner_id, d.kind) for d in due if d.kind is ReminderKind.APPOINTMENT} == {
        (b.id, ReminderKind.APPOINTMENT)
    }
    assert (a.id, ReminderKind.CHECK_IN) in {(d.partner_id, d.kind) for d in due}


# --- Sending, once -------------------------------------------------------------


@pytest.fixture
def due_now(case):
    """Two appointment reminders and two check-in requests due at NOW."""
    book_session(case, NOW + timedelta(hours=5))
    return case


def run(runner, monkeypatch, now=NOW, *args):
    monkeypatch.setattr("practice.reminders.commands.now_utc", lambda: now)
    result = runner.invoke(args=["send-reminders", *args])
    db.session.rollback()
    return result


def test_the_command_run_twice_sends_each_reminder_once(runner, monkeypatch, due_now):
    first = run(runner, monkeypatch)
    assert first.exit_code == 0, first.output
    assert "4 due; sent 4 (appointment 2, check-in 2)." in first.output
    sent = emails()
    assert len(sent) == 4
    assert {m.kind for m in sent} == {"reminder-appointment", "reminder-check-in"}
    assert all(m.case_id == due_now.id for m in sent)
    second = run(runner, monkeypatch, NOW + timedelta(minutes=5))
    assert second.exit_code == 0
    assert "4 due; sent 0 (none)." in second.output
    assert len(emails()) == 4
    reminders = db.session.scalars(sa.select(Reminder)).all()
    assert {r.status for r in reminders} == {ReminderStatus.SENT}
    assert all(r.email_id for r in reminders)


def test_the_message_speaks_in_practice_time_and_keeps_notes_out(runner, monkeypatch, due_now):
    run(runner, monkeypatch)
    [message] = [
        m
        for m in emails()
        if m.kind == "reminder-appointment" and m.to == due_now.partners[0].email
    ]
    assert message.subject == "Your session on Monday 15 March at 17:00"
    assert "Dear Alex," in message.body
    assert "Europe/London" in message.body
    assert "Casey Counsellor" in message.body
    assert "http://127.0.0.1:5000/portal/appointments/" in message.body
    assert "Jordan" not in message.body


def test_dry_run_lists_and_sends_nothing(runner, monkeypatch, due_now):
    result = run(runner, monkeypatch, NOW, "--dry-run")
    assert result.exit_code == 0
    assert result.output.count("due  ") == 4
    assert emails() == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Reminder)) == 0


def test_a_run_that_fails_part_way_loses_nothing_and_repeats_nothing(runner, monkeypatch, due_now):
    from practice import mail

    real_send = mail.send
    calls = []

    def flaky(kind, to, *args, **kwargs):
        calls.append(kind)
        if len(calls) == 2:
            raise RuntimeError("template blew up")
        return real_send(kind, to, *args, **kwargs)

    monkeypatch.setattr("practice.reminders.sending.mail.send", flaky)
    first = run(runner, monkeypatch)
    assert first.exit_code == 1
    assert "1 failed and will be tried again" in first.output
    assert len(emails()) == 3  # the rest went on after the failure
    failed = db.session.scalar(sa.select(Reminder).where(Reminder.status == ReminderStatus.FAILED))
    assert "template blew up" in failed.error
    second = run(runner, monkeypatch, NOW + timedelta(minutes=5))
    assert second.exit_code == 0
    assert "sent 1" in second.output
    assert len(emails()) == 4
    assert sorted(m.to for m in emails()) == sorted(
        [p.email for p in due_now.partners for _ in range(2)]
    )
    db.session.refresh(failed)
    assert (failed.status, failed.attempts) == (ReminderStatus.SENT, 2)


def test_an_smtp_failure_is_retried_a_few_times_then_left(app, monkeypatch, due_now):
    app.config["SMTP_HOST"] = "127.0.0.1"
    app.config["SMTP_PORT"] = 9  # nothing listens: refused at once

    with app.app_context():
        outcome = send_reminders(NOW)
    assert len(outcome.failed) == 4
    for n in range(1, 4):
        with app.app_context():
            send_reminders(NOW + timedelta(minutes=5 * n))
    db.session.rollback()
    reminders = db.session.scalars(sa.select(Reminder)).all()
    assert {(r.status, r.attempts) for r in reminders} == {(ReminderStatus.FAILED, 3)}
    assert len(emails()) == 12  # each attempt is in the outbox, with its error
    assert all(m.error and m.sent_at is None for m in emails())


def test_a_claim_whose_run_died_is_taken_up_after_its_lease(app, due_now):
    [first, *_] = due_reminders(NOW)
    db.session.add(
        Reminder(
            key=first.key,
            kind=first.kind,
            case_id=first.case_id,
            partner_id=first.partner_id,
            object_id=first.object_id,
            status=ReminderStatus.SENDING,
            claimed_at=NOW - timedelta(minutes=1),
        )
    )
    db.session.commit()
    with app.app_context():
        send_reminders(NOW)
    assert first.to not in [m.to for m in emails() if m.kind == f"reminder-{first.kind}"]
    with app.app_context():
        send_reminders(NOW + LEASE + timedelta(minutes=1))
    assert [m.to for m in emails() if m.kind == f"reminder-{first.kind}"].count(first.to) == 1


# --- The portal: choosing reminders --------------------------------------------


def test_a_client_turns_reminders_off_and_on_in_the_portal(app, case):

    a = case.partners[0]
    browser = sign_in(app, a.user)
    page = browser.get("/portal/appointments/").data.decode()
    assert "Reminders by email" in page
    assert page.count("checked") == 4  # three reminders, and the email a message waits
    response = browser.post("/portal/appointments/reminders", data={"homework": "y"})
    assert response.status_code == 302
    off = set(
        db.session.scalars(sa.select(ReminderOptOut.kind).where(ReminderOptOut.partner_id == a.id))
    )
    assert off == {ReminderKind.APPOINTMENT, ReminderKind.CHECK_IN, ReminderKind.MESSAGE}
    browser.post(
        "/portal/appointments/reminders",
        data={"appointment": "y", "homework": "y", "check_in": "y", "message": "y"},
    )
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReminderOptOut)) == 0
