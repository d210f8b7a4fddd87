"""Drafts of entries: what a partner has typed and not saved yet, kept for them alone.

The portal saves a draft as the partner types, so that nothing they wrote has to
wait in the browser of a phone the couple may share. A draft is read back only
by its writer (the portal's homework page) and goes when the entry is saved.
"""

from datetime import date

import sqlalchemy as sa

from practice.cases.models import Partner
from practice.database import now_utc
from practice.extensions import db
from practice.homework.models import Assignment, EntryDraft
from practice.idempotency import add_once


def draft_for(assignment: Assignment, partner: Partner) -> EntryDraft | None:
    """The partner's own draft of an entry for this homework, if they have one."""
    return db.session.scalar(
        sa.select(EntryDraft).where(
            EntryDraft.assignment_id == assignment.id, EntryDraft.partner_id == partner.id
        )
    )


def keep_draft(
    assignment: Assignment,
    partner: Partner,
    *,
    answers: list[dict],
    done_on: date | None = None,
    helpful: int | None = None,
    difficulty: int | None = None,
    shared: bool = False,
) -> EntryDraft:
    """Keep what the partner has typed, replacing their earlier draft of it."""
    values = {
        "answers": answers,
        "done_on": done_on,
        "helpful": helpful,
        "difficulty": difficulty,
        "shared": shared,
        "updated_at": now_utc(),
    }
    draft = draft_for(assignment, partner)
    if draft is None:
        first = EntryDraft(assignment_id=assignment.id, partner_id=partner.id, **values)
        # Two saves of a first draft can race (two tabs, a retry): one row wins.
        draft, added = add_once(first, lambda: draft_for(assignment, partner))
        if added:
            return draft
    for name, value in values.items():
        setattr(draft, name, value)
    db.session.flush()
    return draft


def discard_draft(assignment: Assignment, partner: Partner) -> None:
    """Forget the partner's draft of this homework (the entry is saved, or nothing is left)."""
    db.session.execute(
        sa.delete(EntryDraft).where(
            EntryDraft.assignment_id == assignment.id, EntryDraft.partner_id == partner.id
        )
    )
