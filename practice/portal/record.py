"""A partner's own record, for the right of access: everything the portal holds about them.

Their details, their case, the homework given to them (as given), every entry they
made, the drafts they have not saved yet (theirs alone, like everything here), their
check-ins, their appointments, their messages (their private thread with the
counsellor, and the joint one), their intake answers (sent or draft) and the
documents they signed. Not the other partner's entries or private messages
(those are the other partner's record) and not the counsellor's notes, which the
practice keeps as clinical records: the export says so and how to ask for them.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from practice import audience
from practice.cases.models import Partner
from practice.consent.signatures import signatures_of
from practice.database import now_utc
from practice.dates import local, practice_zone
from practice.extensions import db
from practice.homework.models import Assignment, EntryDraft, HomeworkEntry
from practice.intake.access import own_answers
from practice.messages.record import partner_messages
from practice.progress.csi import ITEMS
from practice.progress.models import CheckIn
from practice.sessions.models import Session
from practice.settings import practice_settings

NOT_INCLUDED = (
    "Your counsellor's session notes are clinical records kept by the practice; "
    "ask your counsellor or the practice if you would like to see them. Your "
    "partner's entries, and their private messages with your counsellor, are their own record."
)


TIMES = (
    "Times are ISO 8601 in the practice's time zone, {zone}, with their offset from UTC; "
    "days (done_on, from, due, started) are days in that zone."
)


def _when(moment: datetime | None) -> str | None:
    """A moment as ISO 8601 in the practice's zone: exact, and the clock the reader knew."""
    return local(moment).isoformat(timespec="seconds") if moment else None


def partner_record(partner: Partner) -> dict:
    """The partner's own record as plain data (JSON-ready)."""
    case = partner.case
    assignments = db.session.scalars(
        audience.assignments_for(partner)
        .options(joinedload(Assignment.exercise))
        .order_by(Assignment.starts_on, Assignment.id)
    ).all()
    titles = {a.id: a.exercise.title for a in assignments}
    entries = db.session.scalars(
        sa.select(HomeworkEntry)
        .where(HomeworkEntry.partner_id == partner.id)
        .options(selectinload(HomeworkEntry.revisions))
        .order_by(HomeworkEntry.done_on, HomeworkEntry.id)
    ).all()
    drafts = db.session.scalars(
        sa.select(EntryDraft).where(EntryDraft.partner_id == partner.id).order_by(EntryDraft.id)
    ).all()
    check_ins = db.session.scalars(
        sa.select(CheckIn).where(CheckIn.partner_id == partner.id).order_by(CheckIn.completed_at)
    ).all()
    sessions = audience.sessions_for(
        partner,
        db.session.scalars(
            sa.select(Session).where(Session.case_id == case.id).order_by(Session.starts_at)
        ),
    )
    return {
        "exported_at": _when(now_utc()),
        "time_zone": practice_zone().key,
        "times": TIMES.format(zone=practice_zone().key),
        "practice": practice_settings().name,
        "you": {"name": partner.name, "email": partner.email, "partner": partner.letter},
        "case": {
            "name": case.label,
            "status": case.status.value,
            "started": case.start_date.isoformat(),
            "counsellor": case.counsellor.name,
        },
        "homework": [
            {
                "exercise": a.exercise.title,
                "version": a.exercise.version,
                "for": a.for_label(case),
                "how_often": a.cadence_label,
                "from": a.starts_on.isoformat(),
                "due": a.due_on.isoformat() if a.due_on else None,
                "counsellor_words": a.counsellor_note or "",
                "status": a.status.value,
                "instructions": a.exercise.instructions,
                "prompts": list(a.exercise.prompts),
            }
            for a in assignments
        ],
        "entries": [
            {
                "homework": titles.get(e.assignment_id, ""),
                "done_on": e.done_on.isoformat(),
                "answers": e.answers,
                "helpful": e.helpful,
                "difficulty": e.difficulty,
                "shared_with_partner": e.shared,
                "recorded_at": _when(e.created_at),
                "corrected_at": _when(e.edited_at),
                "before_correction": [
                    {
                        "answers": r.answers,
                        "done_on": r.done_on.isoformat(),
                        "helpful": r.helpful,
                        "difficulty": r.difficulty,
                        "written_at": _when(r.written_at),
                        "replaced_at": _when(r.replaced_at),
                    }
                    for r in e.revisions
                ],
            }
            for e in entries
        ],
        "unsaved_drafts": [
            {
                "homework": titles.get(d.assignment_id, ""),
                "answers": d.answers,
                "last_typed_at": _when(d.updated_at),
            }
            for d in drafts
        ],
        "check_ins": [
            {
                "completed_at": _when(c.completed_at),
                "csi4": {item.key: answer for item, answer in zip(ITEMS, c.answers, strict=True)},
                "csi4_total": c.csi_total,
                "building_blocks": c.blocks,
            }
            for c in check_ins
        ],
        "appointments": [
            {
                "starts_at": _when(s.starts_at),
                "minutes": s.duration_minutes,
                "status": s.status.value,
            }
            for s in sessions
        ],
        "messages": partner_messages(partner),
        "intake": _intake(partner),
        "signed": [
            {
                "document": s.document.title,
                "version": s.document.version,
                "signed_at": _when(s.signed_at),
                "typed_name": s.typed_name,
                "signed_from": s.signed_from,
                "text_sha256": s.text_sha256,
            }
            for s in reversed(signatures_of(partner))
        ],
        "not_included": NOT_INCLUDED,
    }


def _intake(partner: Partner) -> dict | None:
    """The partner's intake answers beside their questions; None if never begun."""
    answers = own_answers(partner)
    if answers is None:
        return None
    return {
        "sent_at": _when(answers.submitted_at),
        "form_version": answers.form.version,
        "answers": [
            {"question": label, "answer": text}
            for heading, label, text in answers.rows
            if not heading and text
        ],
    }
