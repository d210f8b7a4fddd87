"""The closing summary as one partner receives it: their course of treatment, in plain words.

The counsellor's copy (``data.closing_summary``) has everything: both partners'
measures, the EFT stage reached, what helped across the couple. A partner's copy
holds only what that partner may read under ``practice.audience``: the sessions
they came to, their own check-in scores (the other partner's only where that
partner agreed in their portal), the homework they rated, and the counsellor's
closing words to the couple.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from practice import audience
from practice.admin.models import PracticeSettings
from practice.cases.models import Case, Partner
from practice.extensions import db
from practice.homework.models import HomeworkEntry
from practice.progress.csi import DISTRESS_CUTOFF
from practice.progress.models import CheckIn
from practice.reports.data import Course, Helped, Letterhead, course_of, letterhead, what_helped
from practice.sessions.models import Session, SessionStatus


@dataclass(frozen=True)
class ScoresFirstAndLast:
    """One partner's CSI-4 totals at their first and latest check-ins."""

    name: str
    first: int | None
    last: int | None

    @property
    def change(self) -> int | None:
        if self.first is None or self.last is None:
            return None
        return self.last - self.first


@dataclass(frozen=True)
class ClientClosingSummary:
    head: Letterhead
    course: Course
    sessions: int
    scores: tuple[ScoresFirstAndLast, ...]
    cutoff: float
    helped: tuple[Helped, ...]
    entries: int


def client_closing_summary(
    case: Case, reader: Partner, settings: PracticeSettings, today: date
) -> ClientClosingSummary:
    """The closing summary written for ``reader``."""
    came = audience.handout_sessions(
        reader,
        db.session.scalars(
            sa.select(Session).where(
                Session.case_id == case.id, Session.status == SessionStatus.ATTENDED
            )
        ),
    )
    helped, entries = what_helped(
        audience.assignments_for(reader), HomeworkEntry.partner_id == reader.id
    )
    return ClientClosingSummary(
        head=letterhead(settings, "Closing summary", reader.name, today),
        course=course_of(case, today),
        sessions=len(came),
        scores=tuple(_scores(reader)),
        cutoff=DISTRESS_CUTOFF,
        helped=helped,
        entries=entries,
    )


def _scores(reader: Partner) -> list[ScoresFirstAndLast]:
    """The reader's own first and latest CSI-4, then the other partner's if they agreed."""
    readable = [
        p
        for p in reader.case.partners
        if p.id == reader.id or audience.may_read(reader, audience.of_check_in(None, p))
    ]
    totals: dict[int, list[int]] = {p.id: [] for p in readable}
    for partner_id, total in db.session.execute(
        sa.select(CheckIn.partner_id, CheckIn.csi_total)
        .where(CheckIn.partner_id.in_(totals))
        .order_by(CheckIn.completed_at, CheckIn.id)
    ):
        totals[partner_id].append(total)
    return [
        ScoresFirstAndLast(
            "You" if p.id == reader.id else p.first_name,
            totals[p.id][0] if totals[p.id] else None,
            totals[p.id][-1] if len(totals[p.id]) > 1 else None,
        )
        for p in readable
    ]
