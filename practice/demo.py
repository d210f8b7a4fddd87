"""A demo practice for trying Mend: ``flask --app wsgi seed-demo``.

Idempotent: people and cases are found by their email or name and only added
when missing, so running it twice changes nothing. Dates are relative to today,
so the demo always looks lived-in.
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from practice import audience
from practice.admin.models import (
    DEFAULT_NOTICE_HOURS,
    PracticeSettings,
    VideoRooms,
)
from practice.auth.models import Role, User
from practice.billing.demo import seed_billing
from practice.calendar.booking import Booking, book
from practice.calendar.client_requests import ask
from practice.calendar.models import RequestKind, SessionRequest
from practice.calendar.recurrence import occurrence_days, series_slots
from practice.calendar.services import SeriesPlan, book_series, series_sessions
from practice.cases.models import (
    Case,
    CaseConcern,
    CaseStatus,
    Partner,
    SafetyScreening,
    ScreeningOutcome,
)
from practice.cases.pauses import PauseReason, pause_joint_work
from practice.catalogue.models import Exercise
from practice.database import now_utc
from practice.dates import local, local_to_utc, practice_today, practice_zone
from practice.demo_intake import seed_intake_and_consent
from practice.extensions import db
from practice.homework.models import Assignment, ForWhom
from practice.homework.services import Terms, new_assignment, new_entry
from practice.messages.models import JOINT, Message, MessageThread
from practice.messages.services import add_to_record, send_message
from practice.plans.content import Goal, Intervention, Objective, PlanContent, Problem
from practice.plans.models import Decision
from practice.plans.services import ReviewDetails, record_review, save_draft, sign_plan
from practice.plans.services import add_addendum as add_plan_addendum
from practice.plans.services import versions as plan_versions
from practice.plans.status import Status
from practice.progress import reviews as case_reviews
from practice.progress.models import ChangeMarker, Marker, NegativeCycle
from practice.progress.services import new_check_in, set_check_in_schedule
from practice.safety.models import ReferralKind, ReferralStatus
from practice.safety.services import ReferralDetails, new_referral, save_plan
from practice.screening.items import KEYS
from practice.screening.models import PartnerScreen, TakenBy
from practice.sessions.models import (
    Addendum,
    Note,
    NoteTemplate,
    Session,
    SessionMode,
    SessionStatus,
)
from practice.vocabulary import BUILDING_BLOCKS

OWNER = ("owner@demo.mend", "Dr Ruth Okafor")
COUNSELLORS = [("sam@demo.mend", "Sam Whitfield"), ("priya@demo.mend", "Priya Raman")]
CLIENTS = [
    ("alex@demo.mend", "Alex Morgan"),
    ("jordan@demo.mend", "Jordan Morgan"),
    ("maria@demo.mend", "Maria Santos"),
    ("tom@demo.mend", "Tom Becker"),
]

ANSWERS = [
    "We managed it on Tuesday after dinner. It felt awkward at first, then easier.",
    "I noticed I wanted to defend myself straight away, and I stopped before I did.",
    "It was harder than I expected. I got halfway and we agreed to try again tomorrow.",
    "I felt listened to for the first time in a while.",
    "I caught myself saying 'you always' and rephrased it. Jordan noticed and smiled.",
    "We laughed about how formal it sounded, which actually helped.",
    "Honestly I was too tired this time, but I still wrote down what I appreciated.",
    "It brought up an old argument. We paused, as agreed, and came back to it later.",
]


def _user(email: str, name: str, role: Role, password: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name, role=role)
        user.set_password(password)
        db.session.add(user)
    return user


def _exercise(slug: str) -> Exercise:
    exercise = db.session.scalar(sa.select(Exercise).where(Exercise.slug == slug))
    if exercise is None:
        raise RuntimeError("load the catalogue before the demo: flask --app wsgi catalogue load")
    return exercise


def _at(day: date, clock: time) -> datetime:
    """``day`` at ``clock`` in the practice's time zone."""
    return datetime.combine(day, clock, tzinfo=practice_zone())


def _case_labelled(label: str) -> Case | None:
    return db.session.scalar(sa.select(Case).where(Case.label == label))


def _attended(case: Case) -> list[Session]:
    """The case's attended sessions, oldest first."""
    return db.session.scalars(
        sa.select(Session)
        .where(Session.case_id == case.id, Session.status == SessionStatus.ATTENDED)
        .order_by(Session.starts_at)
    ).all()


def _case(
    counsellor: User,
    label: str,
    partners,
    *,
    weeks_ago: int,
    status=CaseStatus.ACTIVE,
    concerns=(),
    goals="",
) -> tuple[Case, bool]:
    case = db.session.scalar(
        sa.select(Case).where(Case.counsellor_id == counsellor.id, Case.label == label)
    )
    if case is not None:
        return case, False
    case = Case(
        counsellor=counsellor,
        label=label,
        status=status,
        goals=goals,
        start_date=practice_today() - timedelta(weeks=weeks_ago),
    )
    for position, (name, email, user) in zip("ab", partners, strict=False):
        case.partners.append(Partner(position=position, name=name, email=email, user=user))
    case.concern_links = [CaseConcern(concern=c) for c in concerns]
    db.session.add(case)
    return case, True


def _screen(case: Case, by: User, outcome: ScreeningOutcome, note: str, on: date) -> None:
    db.session.add(
        SafetyScreening(case=case, screened_on=on, outcome=outcome, note=note, screened_by=by)
    )
    case.safety_concerns = outcome.concerns
    case.screened_on = on
    if outcome is ScreeningOutcome.PAUSED:
        db.session.flush()
        pause = pause_joint_work(case, PauseReason.SAFETY, note, by)
        pause.started_at = _at(on, time(16, 0))


def _safety_work(case: Case, by: User, on: date) -> None:
    """Maria's safety plan, made in her individual session, and a referral suggested to her."""
    maria = case.partners[0]
    when = _at(on, time(15, 0))
    db.session.flush()
    save_plan(maria, MARIA_PLAN, in_portal=True, based_on=0, by=by, now=when)
    details = ReferralDetails(
        partner=maria,
        kind=ReferralKind.DOMESTIC_ABUSE,
        service="Riverside Domestic Abuse Advocacy",
        service_address="",
        reason="Maria has told me that since the affair came to light her partner checks her "
        "phone and limits the money she can use. She would like to talk with an advocate of "
        "her own about her options and her safety, apart from our couples work, which is "
        "paused for now.\n\nMaria has agreed to this referral and to my sharing this letter.",
        referred_on=on,
        status=ReferralStatus.SUGGESTED,
        given=False,
    )
    new_referral(case, details, by, when)


MARIA_PLAN = {
    "warning_signs": "Tom asks to see my phone, or I find he has been through it. "
    "Questions about every purchase. He goes quiet for hours, then comes back angry, "
    "usually late in the evening.",
    "staying_safe": "Keep my phone charged and some cash of my own in my coat pocket. "
    "If an argument starts at night I stay in the front room, near the door, and do not "
    "follow it into the kitchen. My passport and papers are in a folder at Ana's.",
    "people_and_places": "My sister Ana: I can stay with her, no questions asked. "
    "Jess at work knows that if I text 'umbrella' she should call me straight back. "
    "The library on Main Street is open late if I need somewhere quiet to make a call.",
    "other": "The support resources in my portal say whom to call at any hour. "
    "Sam and I look at this plan again at each of my individual sessions.",
}


@dataclass(frozen=True)
class DemoHomework:
    """Homework given in a demo case, and how each partner has kept it up since."""

    slug: str
    for_whom: ForWhom
    started_ago: timedelta
    keep_up: tuple[tuple[str, float], ...]  # (partner's position, chance of each entry)
    due_in: timedelta | None = None
    note: str = ""
    share_every: int = 3  # each partner shares every so many of their entries


def _give(rng: random.Random, case: Case, by: User, homework, today: date) -> None:
    """Give each of ``homework`` (:class:`DemoHomework`) to ``case``, then make its entries."""
    given = []
    for h in homework:
        exercise = _exercise(h.slug)
        terms = Terms(
            for_whom=h.for_whom,
            cadence=exercise.cadence,
            per_week=exercise.per_week,
            starts_on=today - h.started_ago,
            due_on=today + h.due_in if h.due_in else None,
            counsellor_note=h.note,
        )
        given.append(new_assignment(case, exercise, terms, by))
    db.session.flush()
    for h, assignment in zip(homework, given, strict=True):
        for position, keep_up in h.keep_up:
            _entries(rng, assignment, case.partner(position), keep_up, today, h.share_every)


def _entries(
    rng: random.Random,
    assignment: Assignment,
    partner: Partner,
    keep_up: float,
    today: date,
    share_every: int = 3,
) -> None:
    """Entries for each period so far, made with probability ``keep_up``."""
    prompts = assignment.exercise.prompts
    n = 0
    for period in assignment.schedule.periods(today):
        span = (min(period.end, today) - period.start).days + 1
        for slot in range(period.target):
            if rng.random() > keep_up:
                continue
            day = period.start + timedelta(days=min(span - 1, slot * max(1, span // period.target)))
            n += 1
            new_entry(
                assignment,
                partner,
                done_on=day,
                answers=[{"prompt": p, "answer": rng.choice(ANSWERS)} for p in prompts[:2]],
                helpful=rng.randint(3, 5),
                difficulty=rng.randint(1, 4),
                shared=n % share_every == 0,
                made_at=_at(day, time(20, 30)),
            )


def seed(password: str) -> list[tuple[str, str]]:
    """Add whatever of the demo practice is missing; return (role, email) logins."""
    if db.session.scalar(sa.select(PracticeSettings.id)) is None:
        # The rest (support resources, currency, tax...) as any new practice has them.
        db.session.add(
            PracticeSettings(
                name="Riverside Couples Counselling",
                address="12 Mill Lane\nSpringfield, IL 62701",
                timezone="America/Chicago",
                page_size="Letter",
                late_cancel_percent=50,
                no_show_percent=100,
                tax_id="36-1234567",
                npi="1234567893",
                invoice_note="Please pay by card at your next session, or by bank transfer to "
                "Riverside Couples Counselling, account 0042 1188, within 30 days.",
                # A room per session on the practice's own (imagined) Jitsi server.
                video_rooms=VideoRooms.PER_SESSION.value,
                video_link_template="https://meet.riverside.example/riverside-{room}",
            )
        )
    logins = [("owner", OWNER[0])]
    owner = _user(*OWNER, Role.OWNER, password)
    staff = {}
    for email, name in COUNSELLORS:
        staff[email] = _user(email, name, Role.COUNSELLOR, password)
        logins.append(("counsellor", email))
    clients = {}
    for email, name in CLIENTS:
        clients[email] = _user(email, name, Role.CLIENT, password)
        logins.append(("client", email))
    db.session.flush()
    _seed_cases(staff, clients)
    db.session.flush()
    _seed_sessions(staff)
    db.session.flush()
    _seed_morgan_plan(staff["sam@demo.mend"])
    db.session.flush()
    seed_intake_and_consent(owner, staff)
    _seed_video_and_requests(staff)
    _seed_messages()
    db.session.flush()
    seed_billing(staff)
    return logins


@dataclass(frozen=True)
class DemoCase:
    """A case of the demo practice as it began: screened (if at all) on its first day."""

    counsellor: str  # the counsellor's email
    label: str
    partners: tuple[tuple[str, str | None], ...]  # each partner's name and portal login
    weeks_ago: int
    concerns: tuple[str, ...]
    goals: str = ""
    status: CaseStatus = CaseStatus.ACTIVE
    screening: tuple[ScreeningOutcome, str] | None = None
    homework: tuple[DemoHomework, ...] = ()
    safety_work: bool = False  # Maria's safety plan and referral (:func:`_safety_work`)


DEMO_CASES = (
    DemoCase(
        "sam@demo.mend",
        "Alex & Jordan Morgan",
        (("Alex Morgan", "alex@demo.mend"), ("Jordan Morgan", "jordan@demo.mend")),
        weeks_ago=9,
        concerns=("poor-communication", "loss-of-connection"),
        goals="Argue less about small things; feel like a team again; make time for each "
        "other now that the twins sleep through.",
        screening=(
            ScreeningOutcome.NO_CONCERNS,
            "Seen separately. No violence, threats or fear reported by either.",
        ),
        homework=(
            DemoHomework(
                "i-statement-rewrites",
                ForWhom.EACH,
                timedelta(weeks=7),
                (("a", 0.85), ("b", 0.6)),
                note="We talked about how quickly Saturday's plans turned into a "
                "row. Try this three times a week and bring one rewrite next time.",
            ),
            DemoHomework(
                "appreciation-noticing-log",
                ForWhom.EACH,
                timedelta(days=10),
                (("a", 0.7), ("b", 0.9)),
                due_in=timedelta(days=18),
            ),
            DemoHomework(
                "connection-ten-minutes",
                ForWhom.TOGETHER,
                timedelta(weeks=2),
                (("a", 0.5),),  # Alex writes up their evenings together
                share_every=2,
            ),
        ),
    ),
    DemoCase(
        "sam@demo.mend",
        "Maria Santos & Tom Becker",
        (("Maria Santos", "maria@demo.mend"), ("Tom Becker", "tom@demo.mend")),
        weeks_ago=3,
        concerns=("broken-trust", "unresolved-conflicts"),
        goals="Decide, with care, whether and how to rebuild trust after the affair.",
        screening=(
            ScreeningOutcome.PAUSED,
            "Maria described Tom checking her phone and restricting money after the "
            "disclosure. Safety plan made; individual sessions first.",
        ),
        # Nothing that asks them to involve each other while the work is paused
        # (no exercise ``with_partner``: "tell your partner the fear" is one of those).
        homework=(
            DemoHomework("stay-honest-appraisal", ForWhom.A, timedelta(weeks=2), (("a", 1.0),)),
            DemoHomework(
                "traps-weekly-self-check",
                ForWhom.B,
                timedelta(weeks=1),
                (("b", 0.5),),
                note="Look hardest at checking up and at limiting time with others; "
                "bring what you wrote to our next individual session.",
                share_every=99,
            ),
        ),
        safety_work=True,
    ),
    DemoCase(
        "sam@demo.mend",
        "Lee Park",
        (("Lee Park", None),),
        weeks_ago=0,
        concerns=("neglected-growth",),
        goals="Individual work before deciding about couples counselling.",
        status=CaseStatus.INTAKE,
    ),
    DemoCase(
        "priya@demo.mend",
        "Dana & Chris Olsen",
        (("Dana Olsen", None), ("Chris Olsen", None)),
        weeks_ago=6,
        concerns=("external-stressors", "lack-of-appreciation"),
        screening=(ScreeningOutcome.NO_CONCERNS, ""),
    ),
)


def _seed_cases(staff: dict[str, User], clients: dict[str, User]) -> None:
    """Each case of :data:`DEMO_CASES` not there yet, with its screening and homework."""
    rng = random.Random(2026)  # noqa: S311 - repeatable demo data, not security
    today = practice_today()
    for demo in DEMO_CASES:
        counsellor = staff[demo.counsellor]
        case, new = _case(
            counsellor,
            demo.label,
            [(name, email, clients[email] if email else None) for name, email in demo.partners],
            weeks_ago=demo.weeks_ago,
            status=demo.status,
            concerns=demo.concerns,
            goals=demo.goals,
        )
        if not new:
            continue
        if demo.screening:
            _screen(case, counsellor, *demo.screening, case.start_date)
        _give(rng, case, counsellor, demo.homework, today)
        if demo.safety_work:
            _safety_work(case, counsellor, case.start_date)


# --- Sessions, notes and measures -------------------------------------------

MORGAN_ARC = [
    # step, counsellor blocks (communication, respect, trust, intimacy, support, teamwork),
    # CSI-4 answers before the session for Alex and Jordan. Alex rises reliably, from 8 to
    # 15 (recovered); Jordan moves from 11 to 13, inside the error of measurement.
    (1, (3, 5, 5, 3, 4, 4), (2, 2, 2, 2), (3, 3, 2, 3)),
    (2, (3, 5, 5, 3, 4, 4), (2, 2, 2, 2), (3, 3, 2, 3)),
    (2, (4, 5, 5, 4, 4, 4), (2, 3, 2, 2), (3, 3, 3, 3)),
    (3, (4, 6, 5, 4, 5, 5), (3, 3, 2, 3), (3, 2, 3, 3)),
    (4, (5, 6, 6, 5, 5, 5), (3, 3, 3, 3), (3, 3, 3, 3)),
    (4, (5, 7, 6, 5, 6, 6), (3, 3, 3, 3), (3, 3, 3, 3)),
    (5, (6, 7, 6, 6, 6, 6), (3, 4, 3, 3), (4, 3, 3, 3)),
    (6, (6, 7, 7, 6, 7, 7), (4, 4, 3, 4), (3, 3, 3, 4)),
]

EFT_NOTE = {
    "cycle": "Alex pursued about the weekend plans; Jordan went quiet and busied with the twins. "
    "The faster Alex pushed, the further Jordan retreated.",
    "position_a": "Pursue: criticism that carries a protest about disconnection.",
    "position_b": "Withdraw: shut down to keep the peace.",
    "emotions": "Alex: fear of not mattering underneath the anger. Jordan: feeling of failing, "
    "shame, under the silence.",
    "interventions": "Tracked the cycle as it happened; reflected Jordan's overwhelm; empathic "
    "conjecture about Alex's loneliness.",
    "homework": "Both did the rewrites most days; Alex shared one entry.",
    "plan": "Keep the rewrites; begin ten minutes a day together.",
    "interventions_used": ["Tracking and reflecting the cycle", "Empathic conjecture"],
}


def _session(
    case: Case, when: datetime, status: SessionStatus, step=None, blocks=None, summary=""
) -> Session:
    session = Session(
        case=case,
        counsellor_id=case.counsellor.id,
        starts_at=when,
        ends_at=when + timedelta(minutes=50),
        status=status,
        attendees=[p.position for p in case.partners] if status is SessionStatus.ATTENDED else [],
        eft_step=step,
        block_ratings=blocks or {},
        handout_summary=summary,
    )
    db.session.add(session)
    return session


def _signed_note(session: Session, by: User, body: dict, signed_at: datetime) -> Note:
    note = Note(
        session=session,
        case_id=session.case.id,
        template=NoteTemplate.EFT,
        body=body,
        author_id=by.id,
        created_at=signed_at,
        updated_at=signed_at,
    )
    db.session.add(note)
    db.session.flush()
    note.signed_by_id, note.signed_at = by.id, signed_at
    note.session_facts = session.facts
    note.content_hash = note.compute_hash()
    return note


def _check_in(case: Case, partner: Partner, answers, blocks, at: datetime, by: User) -> None:
    new_check_in(case, partner.id, answers=answers, blocks=blocks, by=by, completed_at=at)


#: Maria's and Tom's private screens, each asked alone in their individual session.
SANTOS_SCREENS = {
    "a": (
        dict.fromkeys(KEYS, "no")
        | {"fear": "unsure", "monitoring": "yes", "money": "yes", "affair": "no"},
        "Tom reads her messages most evenings and has moved the joint account into his "
        "name since the disclosure. No physical violence, she says; she is unsure whether "
        "she is afraid. Safety plan made with her.",
    ),
    "b": (
        dict.fromkeys(KEYS, "no") | {"monitoring": "yes", "substance": "unsure"},
        "Says he checks her phone 'to feel sure' and that he drinks more since. Denies "
        "threats. Open to individual work on the checking.",
    ),
}


def _seed_sessions(staff: dict[str, User]) -> None:
    today = practice_today()
    sam, priya = staff["sam@demo.mend"], staff["priya@demo.mend"]
    morgan = _case_labelled("Alex & Jordan Morgan")
    if morgan is None or db.session.scalar(
        sa.select(Session.id).where(Session.case_id == morgan.id).limit(1)
    ):
        return
    # The Morgans: eight weekly sessions, a visible arc, and the next one in two days.
    alex, jordan = morgan.partners
    keys = list(BUILDING_BLOCKS)
    for n, (step, blocks, csi_a, csi_b) in enumerate(MORGAN_ARC):
        day = today - timedelta(weeks=8 - n, days=1)
        when = _at(day, time(17, 0))
        session = _session(
            morgan,
            when,
            SessionStatus.ATTENDED,
            step,
            dict(zip(keys, blocks, strict=True)),
            "We looked at the pattern that takes over when plans change, and "
            "practised slowing it down.",
        )
        before = when - timedelta(days=1)
        _check_in(
            morgan,
            alex,
            csi_a,
            dict(zip(keys, [b + 1 for b in blocks], strict=True)),
            before,
            alex.user,
        )
        _check_in(morgan, jordan, csi_b, dict(zip(keys, blocks, strict=True)), before, jordan.user)
        note = _signed_note(
            session, sam, {**EFT_NOTE, "homework_snapshot": []}, when + timedelta(hours=2)
        )
        if n == 2:
            addendum = Addendum(
                note_id=note.id,
                case_id=morgan.id,
                signed_by_id=sam.id,
                signed_at=when + timedelta(days=1),
                body="Correction: Jordan, not Alex, raised the holiday plans.",
            )
            addendum.content_hash = addendum.compute_hash()
            db.session.add(addendum)
    _session(
        morgan,
        _at(today + timedelta(days=2), time(17, 0)),
        SessionStatus.SCHEDULED,
    )
    db.session.add(
        NegativeCycle(
            case_id=morgan.id,
            position_a="pursue",
            position_b="withdraw",
            description="The more Alex protests the distance, the more "
            "Jordan goes quiet to keep the peace.",
        )
    )
    # Two reviews, each keeping the figures of its day: at the fifth session (Alex up 4, a
    # reliable rise; Jordan unchanged), and at the eighth (Alex recovered; Jordan still not).
    case_reviews.record_review(
        morgan,
        today - timedelta(weeks=4, days=1),
        "Alex's CSI-4 is up 4 points, a reliable rise; Jordan's is within measurement error "
        "of where it started. De-escalation seen in session 4. Continue weekly into stage 2.",
        sam.id,
    )
    case_reviews.record_review(
        morgan,
        today - timedelta(weeks=1, days=1),
        "Alex is now above the 13.5 line (recovered). Jordan is steady at 13, still no "
        "reliable change: explore what keeps Jordan's satisfaction flat while the cycle "
        "calms. Withdrawer re-engagement seen in session 7.",
        sam.id,
    )
    db.session.flush()
    attended = _attended(morgan)
    db.session.add(
        ChangeMarker(case_id=morgan.id, marker=Marker.DE_ESCALATION, session_id=attended[3].id)
    )
    db.session.add(
        ChangeMarker(
            case_id=morgan.id, marker=Marker.WITHDRAWER_REENGAGEMENT, session_id=attended[6].id
        )
    )

    # The Olsens: five sessions, the review now due, the fifth note still a draft.
    olsen = _case_labelled("Dana & Chris Olsen")
    for n in range(5):
        when = _at(today - timedelta(weeks=5 - n), time(10, 0))
        session = _session(
            olsen,
            when,
            SessionStatus.ATTENDED,
            min(n + 1, 3),
            dict(zip(keys, (4 + n // 2,) * 6, strict=True)),
        )
        body = {
            **EFT_NOTE,
            "cycle": "Dana blames; Chris defends and explains.",
            "homework_snapshot": [],
        }
        if n < 4:
            _signed_note(session, priya, body, when + timedelta(hours=1))
        else:
            db.session.add(
                Note(
                    session=session,
                    case_id=olsen.id,
                    template=NoteTemplate.EFT,
                    body=body,
                    author_id=priya.id,
                )
            )
    # The Olsens are asked for a check-in before every second session.
    set_check_in_schedule(olsen, 2, priya.id)
    # Maria and Tom: individual sessions first, as the safety plan says.
    santos = _case_labelled("Maria Santos & Tom Becker")
    for n, position in enumerate(("a", "b")):
        when = _at(today - timedelta(weeks=2 - n), time(14, 0))
        session = _session(santos, when, SessionStatus.ATTENDED, 1)
        session.attendees = session.invitees = [position]
        partner = santos.partner(position)
        db.session.add(
            PartnerScreen(
                case_id=santos.id,
                partner_id=partner.id,
                taken_on=when.date(),
                taken_by=TakenBy.COUNSELLOR,
                answers=SANTOS_SCREENS[position][0],
                note=SANTOS_SCREENS[position][1],
                entered_by_id=sam.id,
            )
        )
    lee = _case_labelled("Lee Park")
    _session(
        lee,
        _at(today + timedelta(days=5), time(11, 0)),
        SessionStatus.SCHEDULED,
    )
    _seed_series(priya, olsen, today)
    db.session.flush()
    for case in (morgan, santos):
        _given_at_sessions(case)


def _morgan_plan(today: date, revised: bool) -> PlanContent:
    """The Morgans' plan: version 1 after their second session, and as revised at the fifth."""
    soon, later = today + timedelta(weeks=4), today + timedelta(weeks=6)
    closer = Goal(
        "Feel close again now that the twins sleep through",
        "couple",
        (
            Objective(
                "Emotional intimacy back to 7 or more for each of us",
                "couple",
                "block:emotional-intimacy",
                7,
                later,
            ),
        ),
    )
    return PlanContent(
        problems=(
            Problem(
                "Small things (who forgot what, whose turn it is) turn into a row "
                "about everything.",
                "couple",
            ),
            Problem("Since the twins we live like flatmates and never make time for us.", "couple"),
            Problem("I always have to be the one who brings things up.", "a"),
            Problem("When Alex gets upset I shut down, and that makes it worse.", "b"),
        ),
        goals=(
            Goal(
                "Argue less about small things, and make up sooner when we do",
                "couple",
                (
                    Objective(
                        "Each of us satisfied with the relationship again",
                        "couple",
                        "csi",
                        13.5,
                        later,
                    ),
                    Objective(
                        "Talking feels easier to both of us",
                        "couple",
                        "block:communication",
                        6,
                        soon,
                    ),
                    Objective("Keep up the homework we agree", "couple", "adherence", 70),
                ),
            ),
            Goal(
                "Feel like a team again",
                "couple",
                (
                    Objective(
                        "Teamwork as seen in session",
                        "couple",
                        "block:teamwork",
                        7,
                        later,
                        "counsellor",
                    ),
                ),
            ),
            *((closer,) if revised else ()),
            Goal(
                "Raise a worry without it becoming a fight",
                "a",
                (
                    Objective(
                        "Feel respected when I bring something up",
                        "a",
                        "block:mutual-respect",
                        7,
                        soon,
                    ),
                ),
            ),
            Goal(
                "Stay in the conversation when it gets heated",
                "b",
                (Objective("Feel supported enough to stay", "b", "block:support", 6, soon),),
            ),
        ),
        interventions=(
            Intervention(step=2, note="Map the pursue-withdraw cycle with them both"),
            Intervention(step=3, note="Jordan's fear of making it worse; Alex's loneliness"),
            Intervention(strategy="calm-conflict", note="Time-outs agreed in advance"),
            Intervention(strategy="i-statements"),
            *(
                (
                    Intervention(step=5, note="Alex's need to be chosen; Jordan's to be safe"),
                    Intervention(strategy="daily-connection"),
                )
                if revised
                else ()
            ),
        ),
    )


def _seed_morgan_plan(sam: User) -> None:
    """The Morgans' treatment plan, signed after session 2, reviewed at session 5 and
    revised there; through the same services the pages use."""
    morgan = _case_labelled("Alex & Jordan Morgan")
    if morgan is None or plan_versions(morgan):
        return
    held = [s.starts_at for s in _attended(morgan)]
    if len(held) < 5:
        return
    today = practice_today()
    first_at, fifth_at = held[1] + timedelta(hours=2), held[4] + timedelta(hours=2)
    first = save_draft(morgan, _morgan_plan(today, False), None, based_on=0, by=sam, now=first_at)
    sign_plan(first, morgan, sam, first_at)
    db.session.flush()
    findings = (
        (Status.ON_TRACK, "Alex up four points since the start; Jordan only one or two."),
        (Status.ON_TRACK, "Jordan notices the time-outs working."),
        (Status.MET, ""),
        (Status.NOT_YET, "Still 5 of 10 in session; better at home, they say."),
        (Status.ON_TRACK, ""),
        (Status.NOT_YET, "Jordan's support rating moves slowly."),
    )
    record_review(
        first,
        ReviewDetails(
            reviewed_on=local(held[4]).date(),
            five_session=True,
            findings=findings,
            decision=Decision.REVISE,
            summary="De-escalation is holding. Into stage 2: add closeness as a goal of "
            "its own now that they have evenings back.",
            next_review_on=today + timedelta(weeks=2),
        ),
        sam,
        fifth_at,
    )
    second = save_draft(
        morgan,
        _morgan_plan(today, True),
        today + timedelta(weeks=2),
        based_on=2,
        by=sam,
        now=fifth_at + timedelta(minutes=20),
    )
    sign_plan(second, morgan, sam, fifth_at + timedelta(minutes=20))
    db.session.flush()
    add_plan_addendum(
        second,
        "Jordan asked that their problem read 'shut down' rather than 'freeze'; "
        "version 2 has their words.",
        sam,
        fifth_at + timedelta(days=1),
    )


def _given_at_sessions(case: Case) -> None:
    """Each piece of homework was given at the latest session before it started that was
    with someone it is for, so the partners' handouts list it."""
    latest_first = _attended(case)[::-1]
    for assignment in db.session.scalars(
        sa.select(Assignment).where(Assignment.case_id == case.id)
    ):
        assignment.session_id = next(
            (
                s.id
                for s in latest_first
                if s.starts_at.date() <= assignment.starts_on
                and audience.of_session(s) & audience.given_to(assignment)
            ),
            None,
        )


def _seed_series(priya: User, olsen: Case, today: date) -> None:
    """The Olsens go on weekly with Priya: eight sessions, one moved, one cancelled late."""
    first = today + timedelta(days=2)
    days = occurrence_days(first, 1, None, 8)
    slots = series_slots(days, time(10, 0), time(10, 50), practice_zone())
    plan = SeriesPlan(1, time(10, 0), time(10, 50), practice_zone().key, None, 8)
    series = book_series(olsen, slots, plan, [], priya)
    db.session.flush()
    sessions = series_sessions(series)
    moved = sessions[2]
    moved.moved_from = moved.starts_at
    moved.starts_at += timedelta(days=1, hours=4)
    moved.ends_at += timedelta(days=1, hours=4)
    moved.sequence = 1
    sessions[4].status = SessionStatus.CANCELLED
    sessions[4].cancel_reason = "Chris is away for work that week."
    sessions[4].late_cancel = True
    sessions[4].cancelled_at = sessions[4].starts_at - timedelta(hours=20)
    sessions[4].sequence = 1


def _seed_video_and_requests(staff: dict[str, User]) -> None:
    """Sam's standing room, a video session with the Morgans in three days, and Jordan's
    request to move the session before it (waiting for Sam on his dashboard)."""
    sam = staff["sam@demo.mend"]
    sam.video_link = sam.video_link or "https://meet.riverside.example/sam-whitfield"
    morgan = _case_labelled("Alex & Jordan Morgan")
    if morgan is None:
        return
    today = practice_today()
    has_video = db.session.scalar(
        sa.select(Session.id)
        .where(Session.case_id == morgan.id, Session.mode == SessionMode.VIDEO)
        .limit(1)
    )
    if has_video is None:
        # Jordan has not signed the consent to video sessions yet: Sam books it with
        # a reason, as the booking form asks, and the portal asks Jordan to sign.
        booking = Booking(
            day=today + timedelta(days=3),
            start=time(18, 0),
            minutes=50,
            mode=SessionMode.VIDEO,
            consent_reason="Jordan agreed on the phone to sign the consent to video "
            "sessions in the portal before the session.",
        )
        book(morgan, booking, practice_zone(), sam, None)
    _, jordan = morgan.partners
    asked = db.session.scalar(
        sa.select(SessionRequest.id).where(SessionRequest.partner_id == jordan.id).limit(1)
    )
    upcoming = db.session.scalar(
        sa.select(Session)
        .where(
            Session.case_id == morgan.id,
            Session.status == SessionStatus.SCHEDULED,
            Session.mode == SessionMode.IN_PERSON,
            Session.starts_at > now_utc(),
        )
        .order_by(Session.starts_at)
        .limit(1)
    )
    if asked is None and upcoming is not None:
        instead = [
            local_to_utc(today + timedelta(days=4), time(17, 0)),
            local_to_utc(today + timedelta(days=5), time(18, 30)),
        ]
        hours = db.session.scalar(sa.select(PracticeSettings.cancellation_notice_hours))
        ask(
            jordan,
            upcoming,
            RequestKind.MOVE,
            "My shift moved to that evening. Either of these would work for both of us.",
            instead,
            now_utc(),
            DEFAULT_NOTICE_HOURS if hours is None else hours,
        )


# --- Secure messages -----------------------------------------------------------------

#: Who writes what, how many days ago and at what time: a partner's position, or None for
#: the counsellor, in the thread at the slot given.
MORGAN_MESSAGES = [
    (
        "a",
        "a",
        3,
        time(21, 40),
        "Before Thursday: I think the row about the car was really about feeling that I "
        "plan everything on my own. Could we start there?",
    ),
    (
        "a",
        None,
        2,
        time(9, 15),
        "Thank you, Alex, that is a good place to start. Bring it on Thursday and we will "
        "look at it together, slowly.",
    ),
    (
        JOINT,
        None,
        4,
        time(12, 0),
        "A note for you both: the ten minutes works best with phones in another room. If "
        "an evening goes wrong, try again the next day rather than making up for it.",
    ),
    (JOINT, "a", 1, time(20, 5), "We managed three evenings this week. Tuesday was the best one."),
    (
        "b",
        "b",
        1,
        time(7, 30),
        "The ten minutes is hard on the nights I work late. Is it all right to do it in "
        "the morning instead?",
    ),
]
SANTOS_MESSAGES = [
    (
        "a",
        "a",
        2,
        time(13, 10),
        "Could you call me on my work phone rather than at home if you need to reach me? "
        "Lunchtime is best.",
    ),
]


def _seed_messages() -> None:
    """The Morgans' threads (Jordan has two unread in the joint one, Sam has Jordan's and
    Alex's newest), Alex's first message in the case record, and Maria's private word
    about how to reach her, not yet read by Sam. Sent through the service, emailing nobody."""
    today = practice_today()
    for label, messages in (
        ("Alex & Jordan Morgan", MORGAN_MESSAGES),
        ("Maria Santos & Tom Becker", SANTOS_MESSAGES),
    ):
        case = _case_labelled(label)
        if case is None or db.session.scalar(
            sa.select(MessageThread.id).where(MessageThread.case_id == case.id).limit(1)
        ):
            continue
        for n, (slot, writer, days_ago, at, text) in enumerate(messages):
            partner = case.partner(writer) if writer else None
            when = _at(today - timedelta(days=days_ago), at)
            send_message(
                case,
                slot,
                text,
                author=partner.user if partner else case.counsellor,
                partner=partner,
                now=when,
                form_token=f"demo-{case.id}-{n}",
                notify=False,
            )
        if messages is MORGAN_MESSAGES:
            first = db.session.scalar(
                sa.select(Message).where(Message.case_id == case.id).order_by(Message.id).limit(1)
            )
            add_to_record(first, case.counsellor, first.sent_at + timedelta(hours=11))
