"""Sending due reminders, each once, however often and however many runs there are.

Claim, then send. A reminder is first *claimed*: its row, under a key unique to
(kind, object, recipient, due moment), is inserted and committed before
anything is sent, so a second run, now or later, finds it taken. Then the
message goes through :func:`practice.mail.send` (SMTP when configured, the
outbox otherwise) and the outcome is committed.

A run that fails mid-way loses nothing: reminders it had not reached are
still due next time; one whose sending raised is marked failed and tried
again by later runs, up to :data:`MAX_ATTEMPTS` in all; one whose run died
between claim and outcome is taken up again once its claim is
:data:`LEASE` old. The one case that can repeat a message is a run killed in
the instant after the mail server accepted it and before Mend recorded that.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, render_template, url_for
from sqlalchemy.exc import IntegrityError

from practice import mail
from practice.dates import format_date, local
from practice.extensions import db
from practice.reminders.due import Due, due_reminders
from practice.reminders.models import Reminder, ReminderKind, ReminderStatus
from practice.settings import practice_settings

MAX_ATTEMPTS = 3
LEASE = timedelta(minutes=15)


@dataclass
class Outcome:
    due: int = 0
    sent: Counter = field(default_factory=Counter)
    failed: list[str] = field(default_factory=list)

    @property
    def sent_total(self) -> int:
        return sum(self.sent.values())


def send_reminders(now: datetime) -> Outcome:
    """Send every reminder due at ``now`` that no run has sent; commits as it goes."""
    due = due_reminders(now)
    db.session.commit()  # end the reading transaction before sending anything
    outcome = Outcome(due=len(due))
    for item in due:
        reminder_id = claim(item, now)
        if reminder_id is None:
            continue
        try:
            message = mail.send(
                f"reminder-{item.kind}",
                item.to,
                *_compose(item),
                case_id=item.case_id,
            )
            db.session.flush()
            reminder = db.session.get(Reminder, reminder_id)
            reminder.email_id = message.id
            reminder.error = message.error
            reminder.status = ReminderStatus.FAILED if message.error else ReminderStatus.SENT
            reminder.sent_at = None if message.error else now
            db.session.commit()
        except Exception as exc:  # one bad reminder must not stop the rest
            db.session.rollback()
            _mark_failed(reminder_id, f"{type(exc).__name__}: {exc}")
            current_app.logger.exception("Reminder %s failed", item.key)
            outcome.failed.append(item.key)
            continue
        if message.error:
            outcome.failed.append(item.key)
        else:
            outcome.sent[item.kind] += 1
    return outcome


def claim(item: Due, now: datetime) -> int | None:
    """Take the reminder for this run; its id, or None if another run has it or sent it."""
    reminder = Reminder(
        key=item.key,
        kind=item.kind,
        case_id=item.case_id,
        partner_id=item.partner_id,
        object_id=item.object_id,
        status=ReminderStatus.SENDING,
        attempts=1,
        claimed_at=now,
    )
    db.session.add(reminder)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
    else:
        return reminder.id
    # Already claimed: take it again only if it failed, or its run died long enough ago.
    retry = db.session.execute(
        sa.update(Reminder)
        .where(
            Reminder.key == item.key,
            Reminder.attempts < MAX_ATTEMPTS,
            sa.or_(
                Reminder.status == ReminderStatus.FAILED,
                sa.and_(
                    Reminder.status == ReminderStatus.SENDING, Reminder.claimed_at < now - LEASE
                ),
            ),
        )
        .values(status=ReminderStatus.SENDING, attempts=Reminder.attempts + 1, claimed_at=now)
        .returning(Reminder.id)
    ).scalar()
    db.session.commit()
    return retry


def _mark_failed(reminder_id: int, error: str) -> None:
    db.session.execute(
        sa.update(Reminder)
        .where(Reminder.id == reminder_id)
        .values(status=ReminderStatus.FAILED, error=error[:500])
    )
    db.session.commit()


SUBJECTS = {
    ReminderKind.APPOINTMENT: "Your session on {when}",
    ReminderKind.CHECK_IN: "Before your session on {when}: a five-minute check-in",
    ReminderKind.HOMEWORK: "Homework due {when}: {exercise}",
}
PAGES = {
    ReminderKind.APPOINTMENT: "portal_calendar.index",
    ReminderKind.CHECK_IN: "portal.check_in",
    ReminderKind.HOMEWORK: "portal.homework",
}


def _compose(item: Due) -> tuple[str, str]:
    """The subject and body of a reminder, in the practice's time and words."""
    facts = dict(item.facts)
    if "starts_at" in facts:
        starts = local(facts["starts_at"])
        facts["when"] = f"{starts:%A} {starts.day} {starts:%B} at {starts:%H:%M}"
    else:
        facts["when"] = format_date(facts["due_on"])
    values = {"assignment_id": item.object_id} if item.kind is ReminderKind.HOMEWORK else {}
    facts["link"] = _link(PAGES[item.kind], **values)
    practice = practice_settings()
    subject = SUBJECTS[item.kind].format(**facts)
    body = render_template(
        f"mail/reminder_{item.kind.name.lower()}.txt",
        practice=practice,
        zone=practice.timezone,
        **facts,
    )
    return subject[:200], body


def _link(endpoint: str, **values) -> str:
    """An address in the portal, built from MEND_BASE_URL: a command has no request to ask."""
    with current_app.test_request_context("/", base_url=current_app.config["BASE_URL"]):
        return url_for(endpoint, _external=True, **values)
