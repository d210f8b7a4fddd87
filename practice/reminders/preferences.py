"""Which kinds of reminder a partner wants: every kind, unless they turned it off."""

import sqlalchemy as sa

from practice.cases.models import Partner
from practice.extensions import db
from practice.reminders.models import ReminderKind, ReminderOptOut


def turned_off(partner: Partner) -> set[ReminderKind]:
    return set(
        db.session.scalars(
            sa.select(ReminderOptOut.kind).where(ReminderOptOut.partner_id == partner.id)
        )
    )


def set_wanted_kinds(partner: Partner, wanted: set[ReminderKind]) -> set[ReminderKind]:
    """Keep an opt-out row for each kind the partner does not want; the kinds now off."""
    off, now_off = turned_off(partner), set(ReminderKind) - wanted
    if back_on := off - now_off:
        db.session.execute(
            sa.delete(ReminderOptOut).where(
                ReminderOptOut.partner_id == partner.id, ReminderOptOut.kind.in_(back_on)
            )
        )
    for kind in now_off - off:
        db.session.add(ReminderOptOut(partner_id=partner.id, kind=kind))
    return now_off
