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
from practice.mail.models import OutboundEmail


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
        email = _clean_email(email)
        if partner.id is not None and partner.email != email:
            _revoke_open_invitations(partner)
        partner.name = name
        partner.email = email
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


def email_clashes(case: Case | None, emails: dict[str, str | None]) -> list[str]:
    """The positions ("a", "b") whose email another account already uses.

    Checked when a case is opened or changed, so that the clash shows beside the
    field rather than when the partner's link is used.
    """
    return [
        position
        for position, email in emails.items()
        if email_taken(email, case.partner(position) if case is not None else None)
    ]


def _revoke_open_invitations(partner: Partner) -> None:
    """A partner's email changed: a link made for the old one stops working."""
    open_ones = (
        Invitation.partner_id == partner.id,
        Invitation.used_at.is_(None),
        Invitation.revoked_at.is_(None),
    )
    forget_kept_links(sa.select(Invitation.email_id).where(*open_ones))
    db.session.execute(sa.update(Invitation).where(*open_ones).values(revoked_at=now_utc()))


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


class InvitationRefused(ValueError):
    """A partner who cannot be invited as things stand; the message says what to do."""


#: Said beside an email another account uses: which account it is, is not said.
EMAIL_TAKEN = (
    "This email is already used by another account. Use a different email, or leave it empty."
)


def email_taken(email: str | None, partner: Partner | None = None) -> bool:
    """Whether a login other than ``partner``'s own already uses ``email``."""
    email = _clean_email(email)
    if email is None:
        return False
    query = sa.select(User.id).where(User.email == email)
    if partner is not None and partner.user_id is not None:
        query = query.where(User.id != partner.user_id)
    return db.session.scalar(query.limit(1)) is not None


def invitation_refusal(partner: Partner) -> str | None:
    """Why ``partner`` cannot be sent a link now, in the counsellor's words; None if they can."""
    if partner.user_id is not None:
        return f"{partner.first_name} already has a portal login."
    if not partner.email:
        return (
            f"Add {partner.first_name}'s email to the case first: it becomes their login, "
            "and the link works for that email only."
        )
    if email_taken(partner.email, partner):
        return (
            f"{partner.email} is already used by another account. Change "
            f"{partner.first_name}'s email on the case, then invite them."
        )
    return None


def create_invitation(partner: Partner, by: User) -> tuple[Invitation, str]:
    """A fresh one-time link for ``partner``'s email; earlier unused links stop working.

    Raises :class:`InvitationRefused` when the partner has no email, or one that
    another account uses. Only the token's hash is stored; the token is returned
    for the caller to show and send.
    """
    if problem := invitation_refusal(partner):
        raise InvitationRefused(problem)
    now = now_utc()
    _revoke_open_invitations(partner)
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        partner=partner,
        email=partner.email,
        token_hash=hash_token(token),
        expires_at=now + timedelta(days=current_app.config["INVITATION_DAYS"]),
        created_by_id=by.id,
    )
    db.session.add(invitation)
    db.session.flush()
    audit.record("invitation.create", invitation, case_id=partner.case_id)
    return invitation, token


def forget_kept_links(email_ids) -> None:
    """Blank the outbox's readable copy of messages whose link no longer works."""
    db.session.execute(
        sa.update(OutboundEmail)
        .where(OutboundEmail.id.in_(email_ids), OutboundEmail.kept_body.is_not(None))
        .values(kept_body=None)
    )


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
    if not (invitation.email or invitation.partner.email):
        return "This link names no email to log in with. Please ask your counsellor for a new one."
    return None
