"""A partner's own copy of the progress report, written for that one reader.

The counsellor's report (``data.progress_report``) has everything: EFT stages,
markers of change, both partners' scores, the counsellor's ratings. A copy a
partner downloads from the portal holds only what its reader is in the audience
of (``practice.audience``): the sessions they came to, where the couple stands
on the guides' repair timeline, their own check-ins, their own homework, and
the other partner's check-in scores only if that partner has agreed, and the
couple's goals from the treatment plan with the reader's own (never the other
partner's: ``practice.plans.printed.client_sheet``). It is told
in plain words, and nothing in it depends on the session notes, the EFT model
or the safety screening.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import joinedload

from practice import audience
from practice.admin.models import PracticeSettings
from practice.cases.models import Case, Partner
from practice.dates import local
from practice.extensions import db
from practice.homework.models import Assignment, ForWhom, HomeworkEntry
from practice.homework.services import progress_for
from practice.plans.printed import ClientGoal, client_sheet
from practice.progress.change import Change
from practice.progress.csi import DISTRESS_CUTOFF, MAXIMUM
from practice.progress.data import CheckInPoint, KeptUp, PartnerMeasures, check_in_point
from practice.progress.figures import satisfaction_chart, self_ratings_chart
from practice.progress.models import CheckIn
from practice.progress.timeline import (
    FIVE_SESSIONS,
    TIMELINE,
    Position,
    joint,
    timeline_position,
)
from practice.reports.data import Letterhead, letterhead
from practice.sessions.models import Session, SessionStatus
from practice.vocabulary import BUILDING_BLOCKS

#: What each part of the guides' repair timeline asks of a couple, for clients.
TIMELINE_WORDS = {
    "pause": "Taking a break from the arguments to think about what each of you wants.",
    "conversation": "A first calm talk about what has gone wrong, without blame.",
    "issues": "Naming together the few issues that matter most.",
    "plan": "Agreeing on a plan you will both try.",
    "monitor": "Trying the plan, and looking at how it goes once a month.",
    "reaffirm": "Looking back at how far you have come, and choosing to go on together.",
}


@dataclass(frozen=True)
class SessionAttended:
    on: date
    together: bool  # with everyone of the case (in individual work, every session)


def change_words(person: PartnerMeasures, reader: bool) -> str:
    """What the change since the first check-in means, in plain words for the client.

    ``reader``: the words are about the reader ("your score"); otherwise about the
    partner who agreed to show their scores. Never a word about the two of them
    together: how one partner's change sits beside the other's is for the counsellor.
    """
    whose = "your" if reader else f"{person.name}’s"
    course = person.course
    if course.baseline is None:
        return ""
    if course.latest is None:
        start = "Your" if reader else f"{person.name}’s"
        return (
            f"{start} first check-in is the starting point: later check-ins are compared with it."
        )
    points, first, latest = abs(course.points), course.baseline, course.latest
    plural = "s" if points != 1 else ""
    since = f"Since {'your' if reader else 'their'} first check-in, {whose} score has"
    if course.change is Change.UNCHANGED:
        if points == 0:
            return f"{since} stayed at {latest}."
        way = "up" if course.points > 0 else "down"
        return (
            f"{since} gone {way} by {points} point{plural}, from {first} to {latest}. A change "
            "this small is within the ups and downs any questionnaire shows from one time to the "
            "next, so it does not yet tell us much either way."
        )
    if course.change is Change.DETERIORATED:
        return (
            f"{since} gone down by {points} points, from {first} to {latest}: more than the usual "
            "ups and downs of a questionnaire. It may help to talk this over with your counsellor "
            "at your next session."
        )
    words = (
        f"{since} gone up by {points} points, from {first} to {latest}: more than the usual ups "
        "and downs of a questionnaire, so a real change."
    )
    if course.change is Change.RECOVERED:
        words += f" The score is now above the {DISTRESS_CUTOFF} line."
    return words


@dataclass(frozen=True)
class ScoreRow:
    """A line of the scores table: one check-in day, or a month of them in a long course."""

    label: str
    by_person: tuple[tuple[CheckInPoint, ...], ...]  # in the order of the report's ``scores``


#: Past this many check-in days, the scores table takes a line per month.
MONTHLY_PAST = 12


@dataclass(frozen=True)
class HomeworkKept(KeptUp):
    title: str
    how: str  # "On your own", "Together", "Each of you"
    made: int
    expected: int


@dataclass(frozen=True)
class ClientProgressReport:
    head: Letterhead
    reader: str  # the reader's first name
    partner: str  # the other partner's first name; "" in individual work
    partner_shares: bool  # the other partner agreed to show their check-in scores
    start: date
    sessions: tuple[SessionAttended, ...]
    timeline: Position
    scores: tuple[PartnerMeasures, ...]  # the reader's ("You") first, then the partner's
    homework: tuple[HomeworkKept, ...]
    charts: dict[str, Markup | None]
    # The couple's goals and the reader's own, from the treatment plan in force.
    plan: tuple[ClientGoal, ...] = ()

    cutoff = DISTRESS_CUTOFF
    maximum = MAXIMUM
    five = FIVE_SESSIONS
    blocks = BUILDING_BLOCKS
    timeline_steps = TIMELINE
    timeline_words = TIMELINE_WORDS

    @property
    def mine(self) -> PartnerMeasures:
        return self.scores[0]

    @property
    def together(self) -> int:
        """The reader's sessions with everyone of the case: what counts toward the mark."""
        return sum(1 for s in self.sessions if s.together)

    @property
    def changes(self) -> list[str]:
        """For each person in the copy, what their change since the first check-in means."""
        words = (change_words(person, n == 0) for n, person in enumerate(self.scores))
        return [w for w in words if w]

    @property
    def check_in_days(self) -> list[date]:
        return sorted({c.on for person in self.scores for c in person.check_ins})

    @property
    def monthly(self) -> bool:
        """Whether the scores table takes a line per month (a long course of check-ins)."""
        return len(self.check_in_days) > MONTHLY_PAST

    @property
    def score_rows(self) -> list[ScoreRow]:
        """A column for each check-in day ("27 Sep"), or a line for each month ("September
        2026") when :attr:`monthly`."""
        if self.monthly:
            key, label = (lambda d: (d.year, d.month)), (lambda d: f"{d:%B %Y}")
        else:
            key, label = (lambda d: d), (lambda d: f"{d.day} {d:%b}")
        rows: dict = {}
        for day in self.check_in_days:
            rows.setdefault(key(day), label(day))
        return [
            ScoreRow(
                text,
                tuple(
                    tuple(c for c in person.check_ins if key(c.on) == group)
                    for person in self.scores
                ),
            )
            for group, text in rows.items()
        ]


def _sessions(reader: Partner) -> list[SessionAttended]:
    attended = db.session.scalars(
        sa.select(Session)
        .where(Session.case_id == reader.case_id, Session.status == SessionStatus.ATTENDED)
        .order_by(Session.starts_at, Session.id)
    ).all()
    positions = [p.position for p in reader.case.partners]
    return [
        SessionAttended(local(s.starts_at).date(), joint(s.attendees or (), positions))
        for s in audience.readable(reader, attended, audience.of_handout)
    ]


def _scores(reader: Partner, partner: Partner | None) -> tuple[PartnerMeasures, ...]:
    """The reader's check-ins, and the partner's while the partner lets the reader see them."""
    people = [reader]
    if partner is not None and audience.may_read(reader, audience.of_scores(partner)):
        people.append(partner)
    writers = {p.id: p for p in people}
    measures = {
        p.id: PartnerMeasures("You" if p is reader else p.first_name, p.position) for p in people
    }
    for c in db.session.scalars(
        sa.select(CheckIn)
        .where(CheckIn.partner_id.in_(writers))
        .order_by(CheckIn.completed_at, CheckIn.id)
    ):
        if audience.may_read(reader, audience.of_check_in(c, writers[c.partner_id])):
            measures[c.partner_id].check_ins.append(check_in_point(c, reader.case.counsellor_id))
    return tuple(measures.values())


HOW = {ForWhom.A: "On your own", ForWhom.B: "On your own", ForWhom.EACH: "Each of you"}


def _homework(reader: Partner, today: date) -> list[HomeworkKept]:
    """The reader's homework, each kept up as the entries the reader may read count it:
    their own, and on homework done together, what the partner recorded and shared."""
    assignments = db.session.scalars(
        audience.assignments_for(reader)
        .options(joinedload(Assignment.exercise))
        .order_by(Assignment.starts_on, Assignment.id)
    ).all()
    days: dict[tuple[int, int], list[date]] = {}
    for assignment_id, partner_id, done_on in db.session.execute(
        audience.entries_for(reader).with_only_columns(
            HomeworkEntry.assignment_id, HomeworkEntry.partner_id, HomeworkEntry.done_on
        )
    ):
        days.setdefault((assignment_id, partner_id), []).append(done_on)
    kept = []
    for a in assignments:
        line = next(
            p
            for p in progress_for(a, reader.case, days, today)
            if p.partner is None or p.partner.id == reader.id
        )
        kept.append(
            HomeworkKept(
                a.exercise.title,
                HOW.get(a.for_whom, "Together"),
                line.adherence.made,
                line.adherence.expected,
            )
        )
    return kept


def client_progress_report(
    case: Case, reader: Partner, settings: PracticeSettings, today: date
) -> ClientProgressReport:
    """``reader``'s own copy of the progress report (see the module's docstring)."""
    partner = audience.other_partner(reader)
    scores = _scores(reader, partner)
    mine, partner_shares = scores[0], len(scores) > 1
    charts = {
        "satisfaction": satisfaction_chart(
            scores,
            "How satisfied with the relationship",
            "Your score (0–21) at each check-in"
            + (f", and {partner.first_name}'s" if partner_shares else "")
            + "; below the dashed line at 13.5, a relationship is often under strain.",
            "13.5",
            height=190,
        ),
        "blocks": self_ratings_chart(
            mine.check_ins,
            "How you rate the building blocks",
            "Your own rating (0–10) of each building block at each check-in.",
            height=230,
        ),
    }
    return ClientProgressReport(
        head=letterhead(settings, "Your progress", reader.name, today, reader.name),
        reader=reader.first_name,
        partner=partner.first_name if partner else "",
        partner_shares=partner_shares,
        start=case.start_date,
        sessions=tuple(_sessions(reader)),
        timeline=timeline_position(case.start_date, today),
        scores=scores,
        homework=tuple(_homework(reader, today)),
        charts=charts,
        plan=client_sheet(case, reader, today),
    )
