"""Finding intake answers: inside a case loaded through ``get_case_or_404`` for the
counsellor, inside ``current_partner()``'s own reach for a client. The other
partner's answers are never within a client's reach."""

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import defer, joinedload, selectinload

from practice import audience
from practice.cases.models import Case, Partner
from practice.extensions import db
from practice.intake.models import IntakeAnswers


def partner_or_404(case: Case, position: str) -> Partner:
    """Partner A or B of ``case`` (already access-checked)."""
    partner = case.partner(position)
    if partner is None:
        abort(404)
    return partner


def _with_form(query: sa.Select) -> sa.Select:
    return query.options(joinedload(IntakeAnswers.form), joinedload(IntakeAnswers.submitted_by))


def with_intake_status():
    """A loader option for ``get_case_or_404``: each partner's intake (``Partner.intake``)
    read with the partners, without its answers, for the case page's summary. What a
    draft says is not read out to the counsellor anywhere."""
    return (
        selectinload(Case.partners)
        .joinedload(Partner.intake)
        .options(defer(IntakeAnswers.answers), joinedload(IntakeAnswers.submitted_by))
    )


def answers_for_counsellor(partner: Partner) -> IntakeAnswers | None:
    """The partner's answers with the version of the form they answered."""
    return db.session.scalar(
        _with_form(sa.select(IntakeAnswers).where(IntakeAnswers.partner_id == partner.id))
    )


def own_answers(reader: Partner) -> IntakeAnswers | None:
    """The reader's own answers, draft or sent."""
    answers = db.session.scalar(_with_form(audience.intake_answers_for(reader)))
    if answers is not None and not audience.may_read(reader, audience.of_intake(answers)):
        abort(404)
    return answers
