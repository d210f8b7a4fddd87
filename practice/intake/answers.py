"""A partner's intake answers: kept as a draft as they go, then sent once.

The draft is on the server, never in the browser (a couple may share a phone),
and only its writer reads it back. Sending fixes the answers for good, with the
version of the form they answered; the counsellor reads them from then on. The
counsellor may send answers for a partner, as the partner tells them in a session.
"""

from collections.abc import Mapping
from datetime import datetime

import sqlalchemy as sa

from practice.auth.models import User
from practice.cases.models import Partner
from practice.database import now_utc
from practice.extensions import db
from practice.idempotency import add_once
from practice.intake.forms_in_use import form_in_use, questions_in_use
from practice.intake.models import IntakeAnswers
from practice.intake.questions import carried_over, check_answers


class AnswersProblem(ValueError):
    """Answers that cannot be kept or sent: a message for each question concerned."""

    def __init__(self, problems: dict[str, str]):
        super().__init__("; ".join(problems.values()))
        self.problems = problems


class AlreadySent(Exception):
    """The answers were sent already, and cannot be sent or changed again."""


def answers_of(partner: Partner, *, lock: bool = False) -> IntakeAnswers | None:
    """The partner's intake answers, draft or sent; ``lock`` for a request about to write."""
    query = sa.select(IntakeAnswers).where(IntakeAnswers.partner_id == partner.id)
    if lock:
        # Sending twice at once (two tabs, the partner and the counsellor) is done in turn.
        query = query.with_for_update()
    return db.session.scalar(query)


def keep_draft(partner: Partner, given: Mapping[str, str]) -> IntakeAnswers:
    """Keep what the partner has typed so far as their draft, on the form in use."""
    return _check_and_write(partner, given, submitted_at=None, by=None)


def submit(partner: Partner, given: Mapping[str, str], by: User, now: datetime) -> IntakeAnswers:
    """Send the answers: every required question answered, fixed from now on.

    ``by``: the partner's own login, or the counsellor entering them for the partner.
    """
    return _check_and_write(partner, given, submitted_at=now, by=by)


def draft_on_form_in_use(partner: Partner) -> dict[str, str]:
    """The partner's draft answers that fit the form in use (a draft begun on an older
    version keeps what still fits). Empty when there is no draft. Reads only."""
    found = answers_of(partner)
    if found is None or found.submitted:
        return {}
    _, questions = questions_in_use()
    return carried_over(found.answers, questions)


def _open_answers(partner: Partner) -> IntakeAnswers | None:
    found = answers_of(partner, lock=True)
    if found is not None and found.submitted:
        raise AlreadySent()
    return found


def _check_and_write(
    partner: Partner, given: Mapping[str, str], *, submitted_at: datetime | None, by: User | None
) -> IntakeAnswers:
    """Check ``given`` against the form in use, complete when sending (``submitted_at``),
    then keep it; answers already sent are not touched."""
    found = _open_answers(partner)
    form = form_in_use()
    answers, problems = check_answers(form.question_list, given, complete=submitted_at is not None)
    if problems:
        raise AnswersProblem(problems)
    return _write(partner, found, form, answers, submitted_at=submitted_at, by=by)


def _write(partner, found, form, answers, *, submitted_at, by) -> IntakeAnswers:
    now = now_utc()
    if found is None:
        first = IntakeAnswers(
            case_id=partner.case_id,
            partner_id=partner.id,
            form_id=form.id,
            answers=answers,
            started_at=min(now, submitted_at or now),
            updated_at=now,
            submitted_at=submitted_at,
            submitted_by_id=by.id if by else None,
        )
        # Two first saves can race (two tabs, a retry): one row wins, the other updates it.
        found, added = add_once(first, lambda: _open_answers(partner))
        if added:
            return found
    found.form_id = form.id
    found.answers = answers
    found.updated_at = now
    found.submitted_at = submitted_at
    found.submitted_by_id = by.id if by else None
    db.session.flush()
    return found
