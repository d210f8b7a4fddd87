"""Fill an empty database with a large synthetic practice, the same for the same seed.

    .venv/bin/python bench/generate.py --database-url URL [--seed 2026] [--scale 1.0]

Migrates the database to head, loads the catalogue, refuses a database that
already has users (exit status 2), then adds, at ``--scale 1.0``, an owner, 25
counsellors and 2,500 couples (5,000 partners, each with a portal login),
40,000 sessions (the attended ones with signed notes), 60,000 assignments of
catalogue exercises, 250,000 homework entries and 20,000 CSI-4 check-ins, with
the safety screenings, five-session reviews, negative cycles and change markers
that go with them. Every count is multiplied by ``--scale`` (at least one
counsellor, and the same number of cases, at least one, for each). Prints the
rows in each table and the seconds each phase took. For issue 8 (performance
at practice scale).

All of it comes from ``random.Random(seed)`` and from dates counted back from the
practice's today, so the same seed on the same day gives the same rows. Everyone
logs in with :data:`PASSWORD`, two-factor sign-in off: ``owner@bench.mend`` (no
caseload), ``counsellor01@bench.mend`` ... (cases dealt out in turn, so each holds
the same number), and ``client00001@bench.mend`` ... numbered in the order they
were added: clients 2n-1 and 2n are partners A and B of case n.

Clinical text is encrypted with ``MEND_NOTES_KEYS`` when it is set, otherwise
with the test suite's key (``config.TestingConfig.NOTES_KEYS``): serve the
database with the same key. The password hash is made with the production cost.
No audit events, invitations or login sessions are made: the trail starts empty.
Ids are given here, so the tables filled must be empty; on PostgreSQL their
sequences are then moved past them and the database is ANALYZEd.

In Python, inside an app context on a migrated database with the catalogue loaded:

    from bench.generate import generate
    counts = generate(app, seed=2026, scale=0.01)  # {table: rows added}
"""

import argparse
import math
import os
import random
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Flask, g
from flask_migrate import upgrade

from config import TestingConfig, database_url
from practice import create_app
from practice.admin.models import (
    DEFAULT_NOTICE_HOURS,
    DEFAULT_SUPPORT_RESOURCES,
    PracticeSettings,
)
from practice.auth.models import Role, User
from practice.backups.integrity import row_counts
from practice.calendar.policy import is_late
from practice.cases.models import (
    Case,
    CaseConcern,
    CaseStatus,
    Partner,
    SafetyScreening,
    ScreeningOutcome,
)
from practice.catalogue.loader import load_catalogue
from practice.catalogue.models import Exercise, ExerciseVersion, Origin, StrategyConcern
from practice.database import now_utc
from practice.extensions import db
from practice.homework.adherence import HomeworkSchedule
from practice.homework.models import Assignment, AssignmentStatus, ForWhom, HomeworkEntry
from practice.homework.services import Terms, entry_columns
from practice.main.summary import refresh_all
from practice.progress.csi import ITEMS
from practice.progress.models import ChangeMarker, CheckIn, Marker, NegativeCycle, Review
from practice.progress.services import check_in_columns
from practice.sessions.models import Note, NoteTemplate, Session, SessionStatus
from practice.sessions.notes import EFT_INTERVENTIONS, sections
from practice.vocabulary import BUILDING_BLOCKS, CONCERNS

PASSWORD = "bench password 1"
OWNER_EMAIL = "owner@bench.mend"
PRACTICE_NAME = "Bench Couples Counselling"
TIMEZONE = "America/Chicago"
#: How far ahead active cases have their next sessions booked.
BOOKED_AHEAD = timedelta(days=14)
#: Rows per INSERT ... executemany.
BATCH = 5000
#: The practice at ``--scale 1.0``.
FULL = {
    "counsellors": 25,
    "cases": 2_500,
    "sessions": 40_000,
    "assignments": 60_000,
    "homework_entries": 250_000,
    "check_ins": 20_000,
}
#: Tables whose ids the generator assigns; on PostgreSQL their sequences move past them.
NUMBERED = (
    "users",
    "cases",
    "partners",
    "safety_screenings",
    "sessions",
    "notes",
    "assignments",
    "homework_entries",
    "check_ins",
    "reviews",
    "change_markers",
)


def counsellor_email(n: int) -> str:
    return f"counsellor{n:02d}@bench.mend"


def client_email(n: int) -> str:
    return f"client{n:05d}@bench.mend"


def targets(scale: float) -> dict[str, int]:
    """The rows :func:`generate` adds at ``scale`` to the tables whose size is set."""
    counsellors = max(1, round(FULL["counsellors"] * scale))
    cases = counsellors * max(1, round(FULL["cases"] * scale / counsellors))
    return {
        "users": 1 + counsellors + 2 * cases,
        "cases": cases,
        "partners": 2 * cases,
        **{
            table: round(FULL[table] * scale)
            for table in ("sessions", "assignments", "homework_entries", "check_ins")
        },
    }


def apportion(total: int, weights: list[float], caps: list[int] | None = None) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder), none above its cap."""
    caps = caps or [total] * len(weights)
    weights = [round(w * 1000) for w in weights]  # whole numbers: the sums come out exact
    result = [0] * len(weights)
    remaining = total
    while remaining > 0:
        room = [i for i, w in enumerate(weights) if w > 0 and result[i] < caps[i]]
        if not room:
            raise ValueError(f"no room for {remaining} more rows at this scale")
        whole = sum(weights[i] for i in room)
        given = {i: remaining * weights[i] // whole for i in room}
        left = {i: remaining * weights[i] % whole for i in room}
        short = remaining - sum(given.values())
        for i in sorted(room, key=lambda i: (-left[i], i))[:short]:
            given[i] += 1
        for i in room:
            take = min(given[i], caps[i] - result[i])
            result[i] += take
            remaining -= take
    return result


# --- Words ---------------------------------------------------------------------

FIRST_NAMES = (
    "Alex", "Jordan", "Sam", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery", "Quinn",
    "Maria", "Tom", "Priya", "Daniel", "Aisha", "Ben", "Chloe", "David", "Elena", "Farid",
    "Grace", "Hugo", "Ines", "Jonas", "Kemi", "Liam", "Mei", "Noah", "Olivia", "Pedro",
    "Rosa", "Sanjay", "Tara", "Umar", "Vera", "Wei", "Yasmin", "Zoe", "Lucas", "Hannah",
)  # fmt: skip
SURNAMES = (
    "Morgan", "Santos", "Becker", "Olsen", "Park", "Nguyen", "Okafor", "Whitfield", "Raman",
    "Kowalski", "Murphy", "Haddad", "Jensen", "Rossi", "Tanaka", "Adeyemi", "Fischer",
    "Garcia", "Hughes", "Ivanova", "Khan", "Larsen", "Moreau", "Novak", "O'Brien", "Patel",
    "Reyes", "Schmidt", "Thompson", "Varga", "Walsh", "Xu", "Yilmaz", "Zimmer",
)  # fmt: skip
GOALS = (
    "Argue less about small things; feel like a team again.",
    "Rebuild trust after the affair, or decide together to part well.",
    "Find time for each other again now that the children are older.",
    "Talk about money without it turning into a fight.",
    "Understand why we keep having the same row, and step out of it.",
    "Feel wanted again; bring back affection and intimacy.",
    "Agree how to handle the in-laws and hold to it.",
    "",
)
SCREENING_NOTES = (
    "Seen separately. No violence, threats or fear reported by either.",
    "Each partner screened alone; no concerns raised.",
    "",
)
CONCERN_NOTES = (
    "One partner described being afraid during arguments. Safety plan made; individual "
    "sessions first.",
    "Reports of phone checking and control of money. Support resources given.",
)
HANDOUTS = (
    "We looked at the pattern that takes over when plans change, and practised slowing it down.",
    "We named the cycle together and noticed what each of you feels underneath it.",
    "We practised asking for comfort directly, without blame.",
    "We talked about what trust would look like day to day, in small steps.",
    "We went over last week's homework and what made it easier or harder.",
    "We looked at how stress from outside comes home, and how to face it as a team.",
)
NOTE_TEXT = {
    "cycle": "{a} pursued about the weekend plans; {b} went quiet. The faster {a} pushed, "
    "the further {b} retreated.",
    "position_a": "Pursue: criticism that carries a protest about disconnection.",
    "position_b": "Withdraw: shut down to keep the peace.",
    "emotions": "{a}: fear of not mattering underneath the anger. {b}: a sense of failing, "
    "shame, under the silence.",
    "interventions": "Tracked the cycle as it happened; reflected {b}'s overwhelm; empathic "
    "conjecture about {a}'s loneliness.",
    "homework": "{a} kept up most days; {b} did about half and shared one entry.",
    "plan": "Keep the current homework; slow the cycle down when it starts.",
    "data": "{a} and {b} arrived on time. {a} spoke first about a row over the holidays; "
    "{b} listened, then disagreed about what started it.",
    "assessment": "The pursue-withdraw cycle is clearer to both. Some softening from {a}. "
    "No safety concerns raised today.",
    "subjective": "{a}: 'We had a better week.' {b}: 'I still feel on edge at home.'",
    "objective": "Both engaged; {b} tearful when describing the move. Good eye contact.",
}
CYCLE_DESCRIPTIONS = (
    "The more {a} protests the distance, the more {b} goes quiet to keep the peace.",
    "{a} criticises when frightened of losing {b}; {b} defends and explains.",
    "Both pull away when hurt; days pass without either reaching out.",
)
REVIEW_SUMMARIES = (
    "Both CSI-4 totals up by a few points; de-escalation beginning. Continue weekly.",
    "Little change in the measures yet; homework patchy. Agreed to keep going and review again.",
    "{a} improving, {b} less so; more individual attention to {b}'s worries next.",
)
ANSWERS = (
    "We managed it on Tuesday after dinner. It felt awkward at first, then easier.",
    "I noticed I wanted to defend myself straight away, and I stopped before I did.",
    "It was harder than I expected. I got halfway and we agreed to try again tomorrow.",
    "I felt listened to for the first time in a while.",
    "I caught myself saying 'you always' and rephrased it. It helped.",
    "We laughed about how formal it sounded, which actually helped.",
    "Honestly I was too tired this time, but I still wrote down what I appreciated.",
    "It brought up an old argument. We paused, as agreed, and came back to it later.",
)
COUNSELLOR_NOTES = (
    "Try this three times a week and bring one example next time.",
    "Keep it short: ten minutes is enough. Stop if it turns into a row.",
    "As we said in session: notice the moment you want to defend, and pause.",
)
CANCEL_REASONS = ("Ill.", "Away for work that week.", "Childcare fell through.", "")
CLOSING_NOTES = (
    "You worked hard and it shows. Keep your ten minutes a day.",
    "We agreed to stop here for now; you are welcome back any time.",
)
CYCLE_POSITIONS = (
    ("pursue", "withdraw"),
    ("pursue", "withdraw"),
    ("withdraw", "pursue"),
    ("blame", "placate"),
    ("both-withdraw", "both-withdraw"),
)


# --- The practice's shape --------------------------------------------------------


@dataclass
class PlannedSession:
    id: int
    day: date  # in the practice's time zone
    starts_at: datetime
    status: SessionStatus


@dataclass
class PlannedCase:
    id: int
    counsellor_id: int
    status: CaseStatus
    start: date
    end: date  # the last day of treatment so far: yesterday unless paused or closed
    weekday: int
    hour: int
    partners: dict[str, tuple[int, int, str]]  # position: (partner id, user id, first name)
    concerns: list[str]
    safety_concerns: bool
    screened: bool
    sessions: list[PlannedSession] = field(default_factory=list)

    @property
    def attended(self) -> list[PlannedSession]:
        return [s for s in self.sessions if s.status is SessionStatus.ATTENDED]

    @property
    def names(self) -> dict[str, str]:
        return {"a": self.partners["a"][2], "b": self.partners["b"][2]}


@dataclass(frozen=True)
class CatalogueExercise:
    version_id: int
    prompts: tuple[str, ...]
    together: bool
    cadence: str
    per_week: int | None
    concerns: tuple[str, ...]
    for_one_partner: bool = False


@dataclass
class PlannedAssignment:
    id: int
    case: PlannedCase
    exercise: CatalogueExercise
    for_whom: ForWhom
    cadence: str
    per_week: int | None
    starts_on: date
    last_day: date  # the last day an entry may be made on
    keep_up: float

    @property
    def people(self) -> str:
        """Positions of the partners who make entries; "" when it is the couple's together."""
        return {ForWhom.A: "a", ForWhom.B: "b", ForWhom.EACH: "ab"}.get(self.for_whom, "")

    def slots(self) -> list[tuple[str, date]]:
        """(position, day) of each entry the cadence asks for."""
        who = self.people or [""]
        result = []
        schedule = HomeworkSchedule(self.cadence, self.per_week, self.starts_on, self.last_day)
        for period in schedule.periods(self.last_day):
            span = (min(period.end, self.last_day) - period.start).days + 1
            for n in range(period.target):
                day = period.start + timedelta(
                    days=min(span - 1, n * max(1, span // period.target))
                )
                result += [(position, day) for position in who]
        return result


class SyntheticPractice:
    """The practice, built table by table into the database of the current app context."""

    def __init__(self, seed: int, scale: float):
        self.rng = random.Random(seed)  # noqa: S311 - repeatable bench data, not security
        self.target = targets(scale)
        self.counsellors = self.target["users"] - 1 - self.target["partners"]
        self.counts: dict[str, int] = {}
        self.seconds: dict[str, float] = {}
        self.cases: list[PlannedCase] = []
        self.assignments: list[PlannedAssignment] = []

    def build(self) -> dict[str, int]:
        if db.session.scalar(sa.select(User.id).limit(1)) is not None:
            raise NotEmptyError("the database already has users; generate fills an empty one")
        for name, phase in (
            ("staff", self.add_staff),
            ("cases", self.add_cases),
            ("sessions", self.add_sessions),
            ("notes", self.add_notes),
            ("assignments", self.add_assignments),
            ("homework entries", self.add_entries),
            ("check-ins", self.add_check_ins),
            ("reviews, cycles, markers", self.add_progress),
            ("finish", self.finish),
        ):
            started = time.perf_counter()
            phase()
            db.session.commit()
            self.seconds[name] = time.perf_counter() - started
        return self.counts

    # -- Writing --

    def insert(self, model, rows: Iterable[dict]) -> None:
        """Add ``rows`` in batches of executemany INSERTs; no ORM objects, no flushes."""
        table = model.__tablename__
        self.counts.setdefault(table, 0)
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                db.session.execute(model.__table__.insert(), batch)
                self.counts[table] += len(batch)
                batch = []
        if batch:
            db.session.execute(model.__table__.insert(), batch)
            self.counts[table] += len(batch)

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        """The UTC moment of ``day`` at ``hour:minute`` in the practice's time zone."""
        return datetime.combine(day, clock(hour, minute), tzinfo=self.zone).astimezone(UTC)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    # -- Phases --

    def add_staff(self) -> None:
        settings = db.session.scalar(sa.select(PracticeSettings).order_by(PracticeSettings.id))
        if settings is None:
            settings = PracticeSettings(
                address="1 Bench Street\nSpringfield, IL 62701",
                page_size="Letter",
                support_resources=DEFAULT_SUPPORT_RESOURCES,
            )
            db.session.add(settings)
        settings.name, settings.timezone = PRACTICE_NAME, TIMEZONE
        db.session.flush()
        g.pop("practice_settings", None)  # read afresh, with the time zone just set
        self.counts["practice_settings"] = 1
        self.zone = ZoneInfo(TIMEZONE)
        self.today = now_utc().astimezone(self.zone).date()
        hashing = User()
        hashing.set_password(PASSWORD)  # once: every user shares it
        self.password_hash = hashing.password_hash
        joined = self.at(self.today - timedelta(days=800), 9)
        staff = [(OWNER_EMAIL, f"Dr {self.person()}", Role.OWNER)]
        staff += [
            (counsellor_email(n), self.person(), Role.COUNSELLOR)
            for n in range(1, self.counsellors + 1)
        ]
        self.insert(
            User,
            (
                self.user_row(i, email, name, role, joined)
                for i, (email, name, role) in enumerate(staff, 1)
            ),
        )
        self.counsellor_ids = list(range(2, self.counsellors + 2))
        self.next_user = len(staff) + 1

    def person(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(SURNAMES)}"

    def user_row(self, id_: int, email: str, name: str, role: Role, joined: datetime) -> dict:
        return {
            "id": id_,
            "email": email,
            "name": name,
            "role": role,
            "password_hash": self.password_hash,
            "active": True,
            "created_at": joined,
            "password_changed_at": joined,
        }

    def add_cases(self) -> None:
        n_cases = self.target["cases"]
        mix = {
            CaseStatus.ACTIVE: 80,
            CaseStatus.INTAKE: 6,
            CaseStatus.PAUSED: 5,
            CaseStatus.CLOSED: 9,
        }
        statuses = [
            status
            for status, n in zip(mix, apportion(n_cases, list(mix.values())), strict=True)
            for _ in range(n)
        ]
        self.rng.shuffle(statuses)
        users, cases, partners, concerns, screenings = [], [], [], [], []
        for i, status in enumerate(statuses):
            case = self.plan_case(i + 1, status)
            self.cases.append(case)
            surname = self.rng.choice(SURNAMES)
            full = {}
            for position in "ab":
                first = self.rng.choice(FIRST_NAMES)
                full[position] = (first, surname if self.chance(0.6) else self.rng.choice(SURNAMES))
                user_id = self.next_user
                self.next_user += 1
                partner_id = 2 * i + (1 if position == "a" else 2)
                email = client_email(user_id - self.counsellors - 1)
                name = " ".join(full[position])
                case.partners[position] = (partner_id, user_id, first)
                users.append(
                    self.user_row(user_id, email, name, Role.CLIENT, self.at(case.start, 11))
                )
                partners.append(
                    {
                        "id": partner_id,
                        "case_id": case.id,
                        "position": position,
                        "name": name,
                        "email": email,
                        "user_id": user_id,
                    }
                )
            (a_first, a_last), (b_first, b_last) = full["a"], full["b"]
            label = (
                f"{a_first} & {b_first} {a_last}"
                if a_last == b_last
                else f"{a_first} {a_last} & {b_first} {b_last}"
            )
            concerns += [{"case_id": case.id, "concern": c} for c in case.concerns]
            screenings += self.plan_screenings(case)
            created = self.at(case.start, 9)
            cases.append(
                {
                    "id": case.id,
                    "counsellor_id": case.counsellor_id,
                    "label": label,
                    "status": status,
                    "start_date": case.start,
                    "goals": self.rng.choice(GOALS),
                    "created_at": created,
                    "updated_at": created,
                    "closed_at": self.at(case.end, 21) if status is CaseStatus.CLOSED else None,
                    "safety_concerns": case.safety_concerns,
                    "screened_on": screenings[-1]["screened_on"] if case.screened else None,
                    "progress_shared": self.chance(0.2),
                    "closing_note": (
                        self.rng.choice(CLOSING_NOTES) if status is CaseStatus.CLOSED else None
                    ),
                }
            )
        for id_, row in enumerate(screenings, 1):
            row["id"] = id_
        self.insert(User, users)
        self.insert(Case, cases)
        self.insert(Partner, partners)
        self.insert(CaseConcern, concerns)
        self.insert(SafetyScreening, screenings)

    def plan_case(self, id_: int, status: CaseStatus) -> PlannedCase:
        today, days = self.today, self.rng.randint
        if status is CaseStatus.INTAKE:
            start = today - timedelta(days=days(1, 21))
            end = today - timedelta(days=1)
        elif status is CaseStatus.ACTIVE:
            start = today - timedelta(days=days(7, 728))
            end = today - timedelta(days=1)
        else:
            start = today - timedelta(days=days(90, 728))
            last = today - timedelta(days=7 if status is CaseStatus.CLOSED else 21)
            end = min(start + timedelta(days=days(56, 330)), last)
        picked = self.rng.sample(list(CONCERNS), self.rng.choice((1, 1, 2, 2, 3)))
        screened = status is not CaseStatus.INTAKE or self.chance(0.5)
        return PlannedCase(
            id=id_,
            counsellor_id=self.counsellor_ids[(id_ - 1) % self.counsellors],
            status=status,
            start=start,
            end=end,
            weekday=self.rng.choice((0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5)),
            hour=self.rng.randint(8, 19),
            partners={},
            concerns=[c for c in CONCERNS if c in picked],
            safety_concerns=False,
            screened=screened,
        )

    def plan_screenings(self, case: PlannedCase) -> list[dict]:
        """The first screening at the start; a tenth are screened again later."""
        if not case.screened:
            return []
        outcomes = [self.chance(0.06)]
        days = [case.start]
        later = (case.end - case.start).days
        if later > 30 and self.chance(0.1):
            days.append(case.start + timedelta(days=self.rng.randint(30, later)))
            outcomes.append(outcomes[0] != self.chance(0.3))
        case.safety_concerns = outcomes[-1]
        return [
            {
                "case_id": case.id,
                "screened_on": day,
                "outcome": ScreeningOutcome.CONCERNS if worry else ScreeningOutcome.NO_CONCERNS,
                "note": self.rng.choice(CONCERN_NOTES if worry else SCREENING_NOTES),
                "screened_by_id": case.counsellor_id,
                "created_at": self.at(day, 10),
            }
            for day, worry in zip(days, outcomes, strict=True)
        ]

    def add_sessions(self) -> None:
        """Weekly at first, then every other week, then every third; some booked ahead."""
        plans = [self.session_days(case) for case in self.cases]
        counts = apportion(
            self.target["sessions"],
            [len(taper) + len(ahead) for taper, _, ahead in plans],
            [len(weekly) + len(ahead) for _, weekly, ahead in plans],
        )
        self.taken: dict[tuple[int, date], set[int]] = {}
        rows = []
        for case, (taper, weekly, ahead), n in zip(self.cases, plans, counts, strict=True):
            booked = ahead[:n]
            rest = n - len(booked)
            if rest <= len(taper):
                past = self.rng.sample(taper, rest)
            else:
                tapering = set(taper)
                others = [day for day in weekly if day not in tapering]
                past = taper + self.rng.sample(others, rest - len(taper))
            past.sort()
            pace = self.rng.uniform(2.5, 4.5)  # attended sessions per EFT step
            base = {b: self.rng.randint(2, 5) for b in BUILDING_BLOCKS}
            gain = self.rng.uniform(0.05, 0.25)
            for k, day in enumerate(past + booked):
                if day > self.today:
                    status = SessionStatus.SCHEDULED
                elif case.status is CaseStatus.CLOSED and k == len(past) - 1:
                    status = SessionStatus.ATTENDED
                else:
                    status = self.rng.choices(
                        (SessionStatus.ATTENDED, SessionStatus.CANCELLED, SessionStatus.NO_SHOW),
                        (88, 8, 4),
                    )[0]
                day, hour = self.free_hour(case, day, -1 if day <= case.end else 1)
                session = PlannedSession(len(rows) + 1, day, self.at(day, hour), status)
                case.sessions.append(session)
                rows.append(self.session_row(case, session, pace, base, gain))
        self.insert(Session, rows)

    def free_hour(self, case: PlannedCase, day: date, step: int) -> tuple[date, int]:
        """The case's usual hour, or the next one the counsellor has free that day;
        failing that, the nearest day (``step``: -1 earlier, 1 later) with a free hour."""
        for _ in range(7):
            hours = self.taken.setdefault((case.counsellor_id, day), set())
            hour = case.hour
            for _ in range(12):
                if hour not in hours:
                    hours.add(hour)
                    return day, hour
                hour = 8 + (hour - 7) % 12
            day += timedelta(days=step)
        return day, case.hour  # a week booked solid: let it clash

    def session_days(self, case: PlannedCase) -> tuple[list[date], list[date], list[date]]:
        """The case's days: on the tapering schedule, every week, and booked ahead."""
        if case.status is CaseStatus.INTAKE:
            return [], [], [self.today + timedelta(days=self.rng.randint(1, 10))]
        first = case.start + timedelta(days=(case.weekday - case.start.weekday()) % 7)
        # An active case's rhythm goes on past today: its next session or two are booked.
        until = self.today + BOOKED_AHEAD if case.status is CaseStatus.ACTIVE else case.end
        weeks = [first + timedelta(weeks=k) for k in range((until - first).days // 7 + 1)]
        weekly = [day for day in weeks if day <= case.end]
        taper = [
            day
            for k, day in enumerate(weeks)
            if k < 12 or (k < 24 and k % 2) or (k >= 24 and k % 3 == 0)
        ]
        ahead = [day for day in taper if day > self.today]
        return [day for day in taper if day <= case.end], weekly, ahead

    def session_row(self, case, session, pace, base, gain) -> dict:
        starts = session.starts_at
        row = {
            "id": session.id,
            "case_id": case.id,
            "counsellor_id": case.counsellor_id,
            "starts_at": starts,
            "ends_at": starts + timedelta(minutes=50),
            "status": session.status,
            "attendees": [],
            "invitees": [],
            "eft_step": None,
            "block_ratings": {},
            "handout_summary": "",
            "created_at": min(max(self.at(case.start, 9), starts - timedelta(days=7)), starts),
            "updated_at": starts,
            "cancel_reason": None,
            "late_cancel": False,
            "cancelled_at": None,
            "sequence": 0,
        }
        if session.status is SessionStatus.ATTENDED:
            n = len(case.attended)
            together = self.chance(0.95)
            row["attendees"] = ["a", "b"] if together else [self.rng.choice("ab")]
            row["invitees"] = [] if together else row["attendees"]
            row["eft_step"] = min(9, 1 + int((n - 1) / pace))
            row["block_ratings"] = {
                b: max(0, min(10, round(level + n * gain + self.rng.gauss(0, 0.8))))
                for b, level in base.items()
            }
            row["handout_summary"] = self.rng.choice(HANDOUTS)
            row["updated_at"] = starts + timedelta(minutes=50)
        elif session.status is SessionStatus.CANCELLED:
            cancelled = starts - timedelta(hours=self.rng.randint(2, 96))
            row |= {
                "cancel_reason": self.rng.choice(CANCEL_REASONS),
                "late_cancel": is_late(starts, cancelled, DEFAULT_NOTICE_HOURS),
                "cancelled_at": cancelled,
                "updated_at": cancelled,
                "sequence": 1,
                "created_at": min(row["created_at"], cancelled),
            }
        return row

    def add_notes(self) -> None:
        """A note for each attended session, signed; the latest of a few cases still a draft."""
        templates = {
            c: self.rng.choices(list(NoteTemplate), (15, 15, 70))[0] for c in self.counsellor_ids
        }
        rows = []
        for case in self.cases:
            attended = case.attended
            for session in attended:
                latest = session is attended[-1] and case.status is CaseStatus.ACTIVE
                draw = self.rng.random()
                if latest and draw < 0.04:
                    continue  # not written yet
                template = templates[case.counsellor_id]
                if self.chance(0.1):
                    template = self.rng.choice(list(NoteTemplate))
                rows.append(
                    self.note_row(len(rows) + 1, case, session, template, latest and draw < 0.12)
                )
        self.insert(Note, rows)

    def note_row(self, id_, case, session, template, draft) -> dict:
        body = {s.key: NOTE_TEXT[s.key].format(**case.names) for s in sections(template)}
        if template is NoteTemplate.EFT:
            body["interventions_used"] = sorted(
                self.rng.sample(EFT_INTERVENTIONS, self.rng.randint(1, 3)),
                key=EFT_INTERVENTIONS.index,
            )
        body["homework_snapshot"] = []
        written = session.starts_at + timedelta(minutes=50)
        row = {
            "id": id_,
            "session_id": session.id,
            "case_id": case.id,
            "template": template,
            "body": body,
            "author_id": case.counsellor_id,
            "created_at": written,
            "updated_at": written,
            "signed_at": None,
            "signed_by_id": None,
            "content_hash": None,
        }
        if not draft:
            # Inserted signed, with the hash the app itself computes: signed rows take no UPDATE.
            row["signed_at"] = written + timedelta(minutes=self.rng.randint(5, 150))
            row["signed_by_id"] = case.counsellor_id
            row["updated_at"] = row["signed_at"]
            row["content_hash"] = Note(
                **{k: row[k] for k in ("id", "session_id", "case_id", "template", "body")},
                signed_by_id=row["signed_by_id"],
                signed_at=row["signed_at"],
            ).compute_hash()
        return row

    def catalogue(self) -> list[CatalogueExercise]:
        concerns: dict[int, list[str]] = {}
        for strategy_id, concern in db.session.execute(
            sa.select(StrategyConcern.strategy_id, StrategyConcern.concern).order_by(
                StrategyConcern.strategy_id, StrategyConcern.concern
            )
        ):
            concerns.setdefault(strategy_id, []).append(concern)
        rows = db.session.execute(
            sa.select(Exercise.strategy_id, ExerciseVersion)
            .join(
                ExerciseVersion,
                sa.and_(
                    ExerciseVersion.exercise_id == Exercise.id,
                    ExerciseVersion.version == Exercise.version,
                ),
            )
            .where(Exercise.origin == Origin.CATALOGUE, Exercise.retired_at.is_(None))
            .order_by(Exercise.slug)
        )
        return [
            CatalogueExercise(
                v.id,
                tuple(v.prompts),
                v.together,
                v.cadence,
                v.per_week,
                tuple(concerns.get(strategy_id, ())),
                v.for_one_partner,
            )
            for strategy_id, v in rows
        ]

    def add_assignments(self) -> None:
        """Given at attended sessions; older ones finished (due date passed) or withdrawn."""
        catalogue = self.catalogue()
        if not catalogue:
            raise RuntimeError("load the catalogue first: flask --app wsgi catalogue load")
        counts = apportion(self.target["assignments"], [len(c.attended) for c in self.cases])
        rows = []
        for case, n in zip(self.cases, counts, strict=True):
            fitting = [e for e in catalogue if set(e.concerns) & set(case.concerns)] or catalogue
            if case.safety_concerns:
                # Nothing done together while the latest screening records concerns.
                fitting = [e for e in fitting if not e.together] or [
                    e for e in catalogue if not e.together
                ]
            given = sorted(
                (self.rng.choice(case.attended) for _ in range(n)), key=lambda s: s.starts_at
            )
            for session in given:
                exercise = self.rng.choice(fitting if self.chance(0.7) else catalogue)
                if case.safety_concerns and exercise.together:
                    exercise = self.rng.choice(fitting)
                rows.append(self.assignment_row(len(rows) + 1, case, session, exercise))
        self.insert(Assignment, rows)

    def assignment_row(self, id_, case, session, exercise) -> dict:
        rng, start = self.rng, session.day
        if exercise.together:
            for_whom = ForWhom.TOGETHER if self.chance(0.8) else ForWhom.EACH
        else:
            for_whom = rng.choices(list(ForWhom), (15, 15, 55, 15))[0]
            if exercise.for_one_partner and for_whom in (ForWhom.EACH, ForWhom.TOGETHER):
                # As the assign form allows: work written for one partner goes to one.
                for_whom = rng.choice((ForWhom.A, ForWhom.B))
            elif for_whom is ForWhom.TOGETHER and case.safety_concerns:
                for_whom = ForWhom.EACH
        cadence, per_week = exercise.cadence, exercise.per_week
        if self.chance(0.3):
            cadence, per_week = rng.choice(
                (
                    ("daily", None),
                    ("weekly", None),
                    ("n-per-week", rng.randint(2, 4)),
                    ("once", None),
                )
            )
        open_until = case.end  # yesterday, or the last day of a paused or closed case
        due = withdrawn = None
        old = case.status in (CaseStatus.PAUSED, CaseStatus.CLOSED) or (
            (self.today - start).days > 56
        )
        draw = rng.random()
        if (old and draw < 0.75) or (not old and 0.5 <= draw < 0.85):
            due = start + timedelta(days=rng.choice((6, 13, 20, 27, 41, 55)))
            if old:
                due = min(due, open_until)
        elif old or draw >= 0.85:
            withdrawn = min(start + timedelta(days=rng.randint(3, 42)), open_until)
        last_day = min(d for d in (due, withdrawn, open_until) if d is not None)
        self.assignments.append(
            PlannedAssignment(
                id_,
                case,
                exercise,
                for_whom,
                cadence,
                per_week,
                start,
                last_day,
                keep_up=rng.uniform(0.3, 1.0),
            )
        )
        given = session.starts_at + timedelta(minutes=50)
        # Withdrawn at noon, or later the same evening when given that very day.
        withdrawn_at = max(self.at(withdrawn, 12), given) if withdrawn else None
        terms = Terms(
            for_whom=for_whom,
            cadence=cadence,
            per_week=per_week,
            starts_on=start,
            due_on=due,
            counsellor_note=rng.choice(COUNSELLOR_NOTES) if self.chance(0.35) else "",
        )
        # Rows in bulk (a large practice has tens of thousands), with the columns the
        # homework service would set; the case-level checks are the plan's own above.
        return {
            "id": id_,
            "case_id": case.id,
            "exercise_version_id": exercise.version_id,
            **terms.columns(),
            "status": AssignmentStatus.WITHDRAWN if withdrawn else AssignmentStatus.ACTIVE,
            "created_by_id": case.counsellor_id,
            "created_at": given,
            "updated_at": withdrawn_at or given,
            "withdrawn_at": withdrawn_at,
        }

    def add_entries(self) -> None:
        """Entries by the partners the homework is for, on days inside its window."""
        slots = [len(a.slots()) * a.keep_up for a in self.assignments]
        counts = apportion(self.target["homework_entries"], slots)
        self.insert(HomeworkEntry, self.entry_rows(counts))

    def entry_rows(self, counts: list[int]):
        rng, n_id = self.rng, 0
        for assignment, n in zip(self.assignments, counts, strict=True):
            if not n:
                continue
            slots = assignment.slots()
            if n <= len(slots):
                chosen = rng.sample(slots, n)
            else:  # keener than the cadence asks: extra entries on days of their own choosing
                window = (assignment.last_day - assignment.starts_on).days
                chosen = slots + [
                    (
                        rng.choice(assignment.people or "ab"),
                        assignment.starts_on + timedelta(days=rng.randint(0, window)),
                    )
                    for _ in range(n - len(slots))
                ]
            chosen.sort(key=lambda slot: slot[1])
            case = assignment.case
            prompts = assignment.exercise.prompts
            for position, day in chosen:
                n_id += 1
                partner_id = case.partners[position or rng.choice("ab")][0]
                yield {
                    "id": n_id,
                    "assignment_id": assignment.id,
                    "partner_id": partner_id,
                    "case_id": case.id,
                    **entry_columns(
                        done_on=day,
                        answers=[
                            {
                                "prompt": prompt,
                                "answer": rng.choice(ANSWERS) if k == 0 or self.chance(0.9) else "",
                            }
                            for k, prompt in enumerate(prompts)
                        ],
                        helpful=rng.choices((1, 2, 3, 4, 5), (3, 7, 25, 40, 25))[0],
                        difficulty=rng.choices((1, 2, 3, 4, 5), (15, 35, 30, 15, 5))[0],
                        shared=self.chance(0.3),
                    ),
                    "created_at": self.at(day, rng.randint(18, 22), rng.randint(0, 59)),
                }

    def add_check_ins(self) -> None:
        """CSI-4 before sessions spread over each case, both partners most times."""
        attended = [len(c.attended) for c in self.cases]
        counts = apportion(self.target["check_ins"], attended, [2 * n for n in attended])
        rows = []
        for case, n in zip(self.cases, counts, strict=True):
            if not n:
                continue
            sessions = case.attended
            times = math.ceil(n / 2)
            picks = [
                sessions[round(j * (len(sessions) - 1) / (times - 1)) if times > 1 else 0]
                for j in range(times)
            ]
            trend = {p: (self.rng.uniform(0.25, 0.55), self.rng.uniform(-0.1, 0.35)) for p in "ab"}
            for j, session in enumerate(picks):
                who = "ab" if 2 * (j + 1) <= n else self.rng.choice("ab")
                for position in who:
                    rows.append(
                        self.check_in_row(
                            len(rows) + 1, case, session, position, trend, j / max(1, times - 1)
                        )
                    )
        self.insert(CheckIn, rows)

    def check_in_row(self, id_, case, session, position, trend, progress) -> dict:
        base, gain = trend[position]
        level = base + gain * progress + self.rng.gauss(0, 0.05)
        answers = [
            max(0, min(item.maximum, round(level * item.maximum + self.rng.gauss(0, 0.4))))
            for item in ITEMS
        ]
        partner_id, user_id, _ = case.partners[position]
        in_portal = self.chance(0.85)
        return {
            "id": id_,
            "case_id": case.id,
            "partner_id": partner_id,
            "completed_at": (
                self.at(session.day - timedelta(days=1), 20, self.rng.randint(0, 59))
                if in_portal
                else session.starts_at + timedelta(minutes=5)
            ),
            **check_in_columns(
                answers,
                {
                    b: max(0, min(10, round(level * 10 + self.rng.gauss(0, 1))))
                    for b in BUILDING_BLOCKS
                },
            ),
            "entered_by_id": user_id if in_portal else case.counsellor_id,
        }

    def add_progress(self) -> None:
        """Most cases past five sessions reviewed; cycles described; markers of change."""
        reviews, cycles, markers = [], [], []
        for case in self.cases:
            attended = case.attended
            if len(attended) >= 5 and self.chance(0.85):
                fifth = attended[4]
                reviews.append(
                    {
                        "id": len(reviews) + 1,
                        "case_id": case.id,
                        "reviewed_on": fifth.day,
                        "summary": self.rng.choice(REVIEW_SUMMARIES).format(**case.names),
                        "reviewed_by_id": case.counsellor_id,
                        "created_at": fifth.starts_at + timedelta(hours=1),
                        # Kept figures of the CSI-4 (review_measures) are left out here.
                        "joint_sessions": 5,
                    }
                )
            if len(attended) >= 2 and self.chance(0.9):
                a, b = self.rng.choice(CYCLE_POSITIONS)
                cycles.append(
                    {
                        "case_id": case.id,
                        "position_a": a,
                        "position_b": b,
                        "description": self.rng.choice(CYCLE_DESCRIPTIONS).format(**case.names),
                        "updated_at": attended[1].starts_at + timedelta(hours=1),
                    }
                )
            if len(attended) >= 6:
                seen = self.rng.randint(3, len(attended) - 1)
                for marker, p in (
                    (Marker.DE_ESCALATION, 0.7),
                    (Marker.WITHDRAWER_REENGAGEMENT, 0.4),
                    (Marker.BLAMER_SOFTENING, 0.2),
                ):
                    if seen < len(attended) and self.chance(p):
                        markers.append(
                            {
                                "id": len(markers) + 1,
                                "case_id": case.id,
                                "marker": marker,
                                "session_id": attended[seen].id,
                                "note": "",
                            }
                        )
                        seen += self.rng.randint(2, 6)
        self.insert(Review, reviews)
        self.insert(NegativeCycle, cycles)
        self.insert(ChangeMarker, markers)

    def finish(self) -> None:
        """Work out every case's summary (the bulk inserts went past the ORM that keeps
        them); on PostgreSQL, move the id sequences past the ids given here, and ANALYZE."""
        connection = db.session.connection()
        refresh_all(connection)
        if connection.dialect.name != "postgresql":
            return
        for table in NUMBERED:
            connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - our names
                f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table}"
            )
        # What autovacuum would do a minute later: plans from the start reflect the data.
        connection.exec_driver_sql("ANALYZE")


class NotEmptyError(RuntimeError):
    """The database already has users: the generator only fills an empty practice."""


def generate(
    app: Flask, *, seed: int = 2026, scale: float = 1.0, timings: dict | None = None
) -> dict[str, int]:
    """Fill the (migrated, catalogue-loaded, empty) database; return rows added per table.

    Runs inside an app context of ``app``. ``timings``, if given, receives the
    seconds each phase took.
    """
    practice = SyntheticPractice(seed, scale)
    counts = practice.build()
    if timings is not None:
        timings.update(practice.seconds)
    return counts


# --- The command -----------------------------------------------------------------


def bench_config(url: str) -> type:
    return type(
        "BenchConfig",
        (TestingConfig,),
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "NOTES_KEYS": os.environ.get("MEND_NOTES_KEYS") or TestingConfig.NOTES_KEYS,
            # The production cost, so that logging in costs what it would in a practice.
            "ARGON2_PARAMETERS": {},
        },
    )


def has_users(engine: sa.Engine) -> bool:
    if not sa.inspect(engine).has_table("users"):
        return False
    with engine.connect() as conn:
        return conn.scalar(sa.text("SELECT 1 FROM users LIMIT 1")) is not None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args(argv)
    if args.scale <= 0:
        parser.error("--scale must be above 0")
    url = database_url(args.database_url)
    app = create_app(bench_config(url))
    started = time.perf_counter()
    with app.app_context():
        if has_users(db.engine):
            print(
                f"{sa.engine.make_url(url).render_as_string()} already has users: the generator "
                "fills an empty database only. Drop it or give another.",
                file=sys.stderr,
            )
            return 2
        upgrade()
        load_catalogue()
        db.session.commit()
        timings = {"schema and catalogue": time.perf_counter() - started}
        generate(app, seed=args.seed, scale=args.scale, timings=timings)
        with db.engine.connect() as conn:
            counts = row_counts(conn)
        db.engine.dispose()
    total = time.perf_counter() - started
    where = sa.engine.make_url(url)
    print(f"database: {where.get_backend_name()} {where.database}", end="; ")
    print(f"seed {args.seed}, scale {args.scale}")
    print(f"{'table':<26} {'rows':>9}")
    for table, n in counts.items():
        print(f"{table:<26} {n:>9,}")
    print(f"\n{'phase':<26} {'seconds':>9}")
    for phase, seconds in timings.items():
        print(f"{phase:<26} {seconds:>9.1f}")
    print(f"{'total':<26} {total:>9.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
