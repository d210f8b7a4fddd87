"""Each case's standing as the dashboard reads it, kept up to date as it is written.

The dashboard asks on every visit how many attended sessions of each case still
want a signed note, how many joint sessions each case has had (for the review
after the fifth) and each partner's first, second-latest and latest CSI-4. Asked
of the sessions, notes and check-ins themselves, those questions read the whole
history of the caseload, which only grows; so the answers are kept here, a row
per case, and the dashboard reads them with its cases in one statement.

The row is worked out again, in SQL from the rows it sums up, whenever a flush
writes something it depends on: a session's status, attendees or case, a note's
signature, a check-in, a partner. That is done once, here, on every flush of the
app's database session, so every writer keeps it true (the booking and calendar
services, signing and correcting notes, check-ins from the portal or the
counsellor, the demo practice, the tests' factories) without each having to
remember it. Only bulk inserts that bypass the ORM (``bench/generate.py``) call
:func:`refresh_all` themselves; the migration that made the table filled it the
same way.
"""

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from practice.cases.models import Case, Partner
from practice.extensions import db
from practice.progress.models import CheckIn
from practice.sessions.models import Note, Session, SessionStatus

#: The first key of PostgreSQL's advisory locks that serialise rewriting one case's row.
LOCK_KEY = 18


class CaseSummary(db.Model):
    """One case's unsigned notes, joint sessions and CSI-4 totals, as the dashboard reads
    them. ``csi_<position>_previous`` is kept only when it is not also the first
    check-in, ``csi_<position>_latest`` only when it is not the only one."""

    __tablename__ = "case_summaries"

    case_id: Mapped[int] = mapped_column(sa.ForeignKey("cases.id"), primary_key=True)
    unsigned_notes: Mapped[int] = mapped_column(default=0)
    joint_sessions: Mapped[int] = mapped_column(default=0)
    csi_a_first: Mapped[int | None]
    csi_a_previous: Mapped[int | None]
    csi_a_latest: Mapped[int | None]
    csi_b_first: Mapped[int | None]
    csi_b_previous: Mapped[int | None]
    csi_b_latest: Mapped[int | None]


def csi_totals(row, position: str) -> list[int]:
    """A partner's first, second-latest and latest totals, those there are, in order: what
    ``practice.progress.change.course`` reads."""
    found = (getattr(row, f"csi_{position}_{which}") for which in ("first", "previous", "latest"))
    return [total for total in found if total is not None]


#: What a flush may change that a summary depends on, by model.
WATCHED = {
    Session: ("status", "attendees", "case_id"),
    Note: ("signed_at", "session_id"),
    CheckIn: ("csi_total", "completed_at", "partner_id", "case_id"),
    Partner: ("case_id", "position"),
}


def _worked_out() -> sa.Select:
    """Every column of a case's summary, worked out from its sessions, notes, partners and
    check-ins (correlated to ``cases``)."""
    attended = sa.and_(Session.case_id == Case.id, Session.status == SessionStatus.ATTENDED)
    unsigned = (
        sa.select(sa.func.count())
        .select_from(Session)
        .outerjoin(Note, Note.session_id == Session.id)
        .where(attended, Note.signed_at.is_(None))
        .scalar_subquery()
    )
    # Two levels down, so told which ``cases`` it belongs to.
    partners = (
        sa.select(sa.func.count(Partner.id)).where(Partner.case_id == Case.id).correlate(Case)
    )
    joint = (
        sa.select(sa.func.count())
        .select_from(Session)
        .where(attended, sa.func.json_array_length(Session.attendees) >= partners.scalar_subquery())
        .scalar_subquery()
    )
    columns = [Case.id, unsigned, joint]
    order = (CheckIn.completed_at, CheckIn.id)
    for position in ("a", "b"):
        theirs = (
            sa.select(CheckIn.csi_total)
            .join(Partner, Partner.id == CheckIn.partner_id)
            .where(CheckIn.case_id == Case.id, Partner.position == position)
        )
        made = (
            sa.select(sa.func.count())
            .select_from(CheckIn)
            .join(Partner, Partner.id == CheckIn.partner_id)
            .where(CheckIn.case_id == Case.id, Partner.position == position)
            .scalar_subquery()
        )
        first = theirs.order_by(*order).limit(1).scalar_subquery()
        newest = [o.desc() for o in order]
        previous = theirs.order_by(*newest).offset(1).limit(1).scalar_subquery()
        latest = theirs.order_by(*newest).limit(1).scalar_subquery()
        columns += [first, sa.case((made >= 3, previous)), sa.case((made >= 2, latest))]
    return sa.select(*columns)


def _rewrite(connection: sa.Connection, where) -> None:
    table = CaseSummary.__table__
    names = [c.name for c in table.columns]
    connection.execute(table.delete().where(where(table.c.case_id)))
    connection.execute(table.insert().from_select(names, _worked_out().where(where(Case.id))))


def refresh(connection: sa.Connection, case_ids: Iterable[int]) -> None:
    """Work these cases' summaries out again, within the caller's transaction.

    On PostgreSQL each case's row is rewritten under a lock held to the end of the
    transaction, taken before reading what it sums up: a writer that waited for it
    then reads what the other committed, so two writers to one case never leave a
    row that misses one of them. (SQLite lets one writer in at a time already.)
    """
    ids = sorted(set(case_ids))
    if not ids:
        return
    if connection.dialect.name == "postgresql":
        for case_id in ids:
            connection.execute(sa.select(sa.func.pg_advisory_xact_lock(LOCK_KEY, case_id)))
    _rewrite(connection, lambda column: column.in_(ids))


def refresh_all(connection: sa.Connection) -> None:
    """Every case's summary worked out again: after rows were added past the ORM."""
    _rewrite(connection, lambda column: sa.true())


def touched_cases(session: sa.orm.Session) -> set[int]:
    """The cases whose summary what ``session`` is flushing may change."""
    found = set()
    for obj in session.new | session.deleted:
        if type(obj) in WATCHED:
            found.add(sa.inspect(obj).dict.get("case_id"))
    for obj in session.dirty:
        attributes = WATCHED.get(type(obj))
        if attributes and any(
            sa.inspect(obj).attrs[name].history.has_changes() for name in attributes
        ):
            found.add(obj.case_id)
            found.update(sa.inspect(obj).attrs.case_id.history.deleted or ())
    found.discard(None)
    return found


@sa.event.listens_for(db.session, "after_flush")
def _keep_summaries(session, flush_context) -> None:
    """After each flush, rewrite the summaries of the cases it touched."""
    refresh(session.connection(), touched_cases(session))
