"""Changing cases: creating them, screening for safety, inviting partners."""

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from practice import audit
from practice.auth.models import User, hash_token
from practice.cases.forms import CaseForm, ScreeningForm
from practice.cases.models import (
    Case,
    CaseConcern,
    CaseStatus,
    Invitation,
    Partner,
    SafetyScreening,
    ScreeningOutcome,
)
from practice.cases.pauses import PauseReason, pause_joint_work
from practice.database import now_utc
from practice.extensions import db


def _clean_email(value: str | None) -> str | None:
    value = (value or "").strip().lower()
    return value or None


def apply_case_form(case: Case, form: CaseForm) -> list[str]:
    """Copy the form onto ``case``; return problems that stop the change (none: fine)."""
    problems = []
    wanted = {
        "a": (form.partner_a_name.data, form.partner_a_email.data),
        "b": (form.partner_b_name.data, form.partner_b_email.data),
    }
    for position, (name, email) in wanted.items():
        partner = case.partner(position)
        name = (name or "").strip()
        if not name:
            if partner is not None:
                if partner.user_id is not None or _has_records(partner):
                    problems.append(
                        f"{partner.name} has a portal account, an invitation, or records of "
                        "their own (entries, check-ins, screens, a safety plan, a referral), "
                        "so they cannot be removed from the case. Close the case instead, "
                        "or start a new one."
                    )
                else:
                    case.partners.remove(partner)
            continue
        if partner is None:
            partner = Partner(position=position, name=name)
            case.partners.append(partner)
        partner.name = name
        partner.email = _clean_email(email)
    case.label = form.display_label()
    case.goals = (form.goals.data or "").strip()
    case.closing_note = (form.closing_note.data or "").strip() or None
    case.start_date = form.start_date.data
    status = CaseStatus(form.status.data)
    if status is CaseStatus.CLOSED and case.status is not CaseStatus.CLOSED:
        case.closed_at = now_utc()
    elif status is not CaseStatus.CLOSED:
        case.closed_at = None
    case.status = status
    wanted_concerns = list(form.concerns.data or [])
    case.concern_links = [link for link in case.concern_links if link.concern in wanted_concerns]
    have = set(case.concerns)
    case.concern_links += [CaseConcern(concern=c) for c in wanted_concerns if c not in have]
    case.updated_at = now_utc()
    return problems


def _has_records(partner: Partner) -> bool:
    """Whether any row of any table refers to the partner, so that removing them would
    lose it (or fail on the foreign key). Read from the schema, so that a table added
    later is covered without being listed here."""
    if partner.id is None:
        return False
    referring = [
        fk.parent
        for table in db.metadata.tables.values()
        if table is not Partner.__table__
        for fk in table.foreign_keys
        if fk.column.table is Partner.__table__
    ]
    return any(
        db.session.scalar(sa.select(sa.exists().where(column == partner.id)))
        for column in referring
    )


#: Outcomes that pause the couple's work together as they are recorded.
PAUSING = (ScreeningOutcome.PAUSED, ScreeningOutcome.CONCERNS)


def record_screening(case: Case, form: ScreeningForm, by: User) -> SafetyScreening:
    """Add a screening; the newest by date decides whether the case has safety concerns."""
    screening = SafetyScreening(
        case=case,
        screened_on=form.screened_on.data,
        outcome=ScreeningOutcome(form.outcome.data),
        note=(form.note.data or "").strip(),
        screened_by=by,
    )
    db.session.add(screening)
    db.session.flush()
    latest = max(case.screenings, key=lambda s: (s.screened_on, s.id))
    case.safety_concerns = latest.outcome.concerns
    case.screened_on = latest.screened_on
    if latest is screening and screening.outcome in PAUSING:
        pause_joint_work(case, PauseReason.SAFETY, "", by)
    audit.record("safety.screen", screening, case_id=case.id)
    return screening


def create_invitation(partner: Partner, by: User) -> tuple[Invitation, str]:
    """A fresh one-time link for ``partner``; earlier unused links stop working."""
    now = now_utc()
    db.session.execute(
        sa.update(Invitation)
        .where(
            Invitation.partner_id == partner.id,
            Invitation.used_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(revoked_at=now)
    )
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        partner=partner,
        token_hash=hash_token(token),
        expires_at=now + timedelta(days=current_app.config["INVITATION_DAYS"]),
        created_by_id=by.id,
    )
    db.session.add(invitation)
    db.session.flush()
    audit.record("invitation.create", invitation, case_id=partner.case_id)
    return invitation, token


def find_invitation(token: str) -> Invitation | None:
    query = sa.select(Invitation).where(Invitation.token_hash == hash_token(token))
    return db.session.scalar(query)


def invitation_problem(invitation: Invitation | None) -> str | None:
    """Why a link cannot be used, in words for the person holding it; None if it can."""
    if invitation is None:
        return "This link is not valid. Please ask your counsellor for a new one."
    if invitation.used_at is not None:
        return (
            "This link has already been used to set a password. Log in with it, or ask "
            "your counsellor for a new link if you have forgotten it."
        )
    if invitation.revoked_at is not None:
        return (
            "This link has been replaced by a newer one. Please use the latest link you were sent."
        )
    if invitation.expires_at <= now_utc():
        return "This link has expired. Please ask your counsellor for a new one."
    return None
