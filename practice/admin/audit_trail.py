"""The owner's audit trail: its filters, the names it shows, and its CSV export.

The page and the export read the same filters, so an export holds what the
page shows. A person is found by typing part of a name or email (matched in
the database): a practice of thousands of clients has no list to scroll.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import sqlalchemy as sa
from flask import flash

from practice.audit.labels import ACTION_LABELS, action_label, object_label
from practice.audit.models import AuditEvent
from practice.auth.models import User
from practice.bounds import RECORD_RANGE, id_or_none, in_record_range
from practice.cases.models import Case, Partner
from practice.dates import local, practice_zone
from practice.extensions import db

FILTERS = ("action", "person", "case", "since", "until")
#: People listed under the filter when what was typed matches several.
PEOPLE_SHOWN = 10
#: Events read from the database at a time while an export streams.
EXPORT_BATCH = 500


@dataclass
class People:
    """Who the person filter matched: their ids (None: no filter), a few to show, how many."""

    ids: sa.Select | None
    shown: list
    count: int


def read_filters(args) -> dict[str, str]:
    """The filters asked for; ``user=<id>``, as older links had it, is a person too."""
    filters = {key: (args.get(key) or "").strip()[:200] for key in FILTERS}
    filters["person"] = filters["person"] or (args.get("user") or "").strip()[:200]
    return filters


def match_people(typed: str) -> People:
    """Accounts whose name or email holds ``typed``; a bare number is an account's id."""
    if not typed:
        return People(None, [], 0)
    if typed.isdigit():
        wanted = id_or_none(typed)  # an id no account can have matches nobody
        match = User.id == wanted if wanted is not None else sa.false()
    else:
        text = typed.lower()
        match = sa.or_(
            sa.func.lower(User.name).contains(text, autoescape=True),
            sa.func.lower(User.email).contains(text, autoescape=True),
        )
    rows = db.session.execute(
        sa.select(User.id, User.name, User.email, sa.func.count().over().label("n"))
        .where(match)
        .order_by(User.name, User.id)
        .limit(PEOPLE_SHOWN)
    ).all()
    return People(sa.select(User.id).where(match), rows, rows[0].n if rows else 0)


def _day_start(value: str, offset_days: int = 0) -> datetime | None:
    """The start of the day ``value`` names (plus ``offset_days``); None for no such day.

    A day beyond the years Mend keeps is left out of the filter, with a word why.
    """
    try:
        day = datetime.strptime(value, "%Y-%m-%d").date()  # noqa: DTZ007 - a date only
    except ValueError:
        return None
    if not in_record_range(day):
        flash(f"{RECORD_RANGE} “{day.isoformat()}” is left out of the filter.", "warning")
        return None
    return datetime.combine(day + timedelta(days=offset_days), time(), tzinfo=practice_zone())


def events_query(filters: dict[str, str], people: People) -> sa.Select:
    """The events the filters pick, newest first."""
    query = sa.select(AuditEvent)
    if action := filters["action"]:
        if action in ACTION_LABELS:
            query = query.where(AuditEvent.action == action)
        else:
            query = query.where(AuditEvent.action.startswith(action, autoescape=True))
    if people.ids is not None:
        query = query.where(AuditEvent.actor_id.in_(people.ids))
    if filters["case"].isdigit():
        wanted = id_or_none(filters["case"])  # an id no row can have finds nothing
        query = query.where(AuditEvent.case_id == wanted if wanted is not None else sa.false())
    if since := _day_start(filters["since"]):
        query = query.where(AuditEvent.at >= since)
    if until := _day_start(filters["until"], offset_days=1):
        query = query.where(AuditEvent.at < until)
    return query.order_by(AuditEvent.id.desc())


def action_choices() -> list[tuple[str, str]]:
    """Every action, by its label, for the action filter."""
    return sorted(ACTION_LABELS.items(), key=lambda item: item[1])


class Names:
    """Readable names for the people, records and cases of some events: one query per
    kind of thing named, however many events there are."""

    def __init__(self, events: list[AuditEvent]):
        people = {e.actor_id for e in events} | {
            e.object_id for e in events if e.object_type in ("User", "LocalProxy")
        }
        partners = {e.object_id for e in events if e.object_type == "Partner"}
        cases = {e.case_id for e in events}
        self.people = _names(User.id, User.name, people)
        self.partners = _names(Partner.id, Partner.name, partners)
        self.cases = _names(Case.id, Case.label, cases)

    def actor(self, event: AuditEvent) -> str:
        return self.people.get(event.actor_id, "—") if event.actor_id else "—"

    def case(self, event: AuditEvent) -> str:
        if event.case_id is None:
            return ""
        return self.cases.get(event.case_id, f"case {event.case_id} (no longer held)")

    def record(self, event: AuditEvent) -> str:
        """ "Account: Casey Counsellor", "Partner: Alex Morgan", "Session note"."""
        if event.object_type == "Case":
            return ""  # the case column names it
        kind = object_label(event.object_type)
        if event.object_type in ("User", "LocalProxy"):
            name = self.people.get(event.object_id)
        elif event.object_type == "Partner":
            name = self.partners.get(event.object_id)
        else:
            name = None
        return f"{kind}: {name}" if name else kind


def _names(key, name, ids: set) -> dict:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(key, name).where(key.in_(ids))).all())


def detail_text(event: AuditEvent) -> str:
    """The detail the page shows (never a clinical value), as one line."""
    return "; ".join(f"{key}: {value}" for key, value in event.shown_detail.items())


CSV_HEADER = (
    "When",
    "Who",
    "Action",
    "Action code",
    "Record",
    "Record number",
    "Case",
    "Case number",
    "From",
    "Detail",
)


def csv_safe(value) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula is prefixed.

    Cells beginning with ``= + - @`` (or a tab or carriage return, which some
    spreadsheets skip before reading a formula) get a leading apostrophe, so that
    a name or detail typed by anyone cannot run as a formula (OWASP, CSV injection).
    """
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def export_rows(query: sa.Select) -> Iterator[str]:
    """The events of ``query`` as CSV text, a batch at a time (newest first)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(CSV_HEADER)
    yield flush()
    last_id = None
    while True:
        batch_query = query.limit(EXPORT_BATCH)
        if last_id is not None:
            batch_query = batch_query.where(AuditEvent.id < last_id)
        events = db.session.scalars(batch_query).all()
        if not events:
            return
        names = Names(events)
        for event in events:
            writer.writerow(
                [
                    csv_safe(cell)
                    for cell in (
                        local(event.at).isoformat(timespec="seconds"),
                        names.actor(event),
                        action_label(event.action),
                        event.action,
                        names.record(event) or object_label(event.object_type),
                        event.object_id,
                        names.case(event),
                        event.case_id,
                        event.ip,
                        detail_text(event),
                    )
                ]
            )
        yield flush()
        last_id = events[-1].id
        db.session.expunge_all()  # a long export holds one batch in memory, not all
