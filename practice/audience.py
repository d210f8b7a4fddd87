"""Who may read what in couple work: the audience rule, decided here and nowhere else.

Every piece of clinical content has an audience fixed where it is created: the
counsellor only, partner A, partner B, or both partners. An audience is the set
of partner positions (``"a"``, ``"b"``) that may read it; the empty set is the
counsellor alone. Every output a client can reach — portal pages, PDFs, record
exports, emails and reminders, calendar feeds — is built for one reader, a
:class:`~practice.cases.models.Partner`, through these functions. Templates
never decide visibility themselves.

Two properties follow, and the non-interference tests hold the code to them:
text that belongs to one partner never reaches the other, and nothing one
partner does alone (nor anything the counsellor records about safety) changes
what the other partner can see.
"""

from collections.abc import Callable, Iterable
from typing import TypeVar

import sqlalchemy as sa

from practice.cases.models import Partner
from practice.catalogue.models import Exercise, ExerciseVersion
from practice.consent.models import ConsentSignature
from practice.homework.models import Assignment, ForWhom, HomeworkEntry
from practice.intake.models import IntakeAnswers
from practice.messages import rules as message_rules
from practice.messages.models import MessageThread
from practice.progress.models import CheckIn
from practice.safety.models import Referral, SafetyPlan
from practice.sessions.models import Session, SessionStatus

Audience = frozenset[str]
T = TypeVar("T")

COUNSELLOR_ONLY: Audience = frozenset()
BOTH: Audience = frozenset({"a", "b"})


def of_assignment(assignment: Assignment) -> Audience:
    """Homework for one partner is theirs; for each or both together, both partners'
    (:func:`given_to`), unless it is set aside while a pause stands (:func:`set_aside`)."""
    return COUNSELLOR_ONLY if set_aside(assignment) else given_to(assignment)


def given_to(assignment: Assignment) -> Audience:
    """Whom the homework is for, pause or not: one partner, or both (each, or together)."""
    if assignment.for_whom in (ForWhom.A, ForWhom.B):
        return frozenset({assignment.for_whom.value})
    return BOTH


def set_aside(assignment: Assignment) -> bool:
    """Whether the homework is out of the partners' sight because work together is paused.

    While a pause stands, whatever its reason (see practice.cases.pauses), homework
    that involves the other partner is set aside: done together, or an exercise
    that asks them to tell, ask, agree or arrange something with the other
    (``Assignment.involves_partner``). The rest carries on.
    """
    return assignment.case.joint_paused and assignment.involves_partner


def of_session(session: Session) -> Audience:
    """A session belongs to the partners it is with (``invitees``; none named: both)."""
    return frozenset(session.invitees) if session.invitees else BOTH


def of_handout(session: Session) -> Audience:
    """A session's handout is for the partners it was with who came to it."""
    if session.status is not SessionStatus.ATTENDED:
        return COUNSELLOR_ONLY
    return of_session(session) & frozenset(session.attendees or ())


def of_entry(entry: HomeworkEntry, position: str) -> Audience:
    """An entry is its writer's (at ``position``), and both partners' once shared."""
    return BOTH if entry.shared else frozenset({position})


def of_check_in(check_in: CheckIn, writer: Partner) -> Audience:
    """A check-in is its writer's, and the other partner's only with the writer's consent."""
    return of_scores(writer)


def of_scores(writer: Partner) -> Audience:
    """A partner's check-in scores as a whole (a chart, a "not shared" line): the writer's,
    and the other partner's while the writer agrees (``Partner.shares_scores``, set in
    the portal and withdrawn there at any time)."""
    return BOTH if writer.shares_scores else frozenset({writer.position})


def of_safety_plan(plan: SafetyPlan) -> Audience:
    """A safety plan is the one partner's it was written for, while the counsellor keeps it
    in their portal; a plan kept off the portal is printed for them by the counsellor."""
    return frozenset({plan.partner.position}) if plan.in_portal else COUNSELLOR_ONLY


def of_referral(referral: Referral) -> Audience:
    """A referral is the counsellor's until its letter is given to the client it concerns:
    then that partner's (both partners', for a referral of the couple)."""
    if referral.given_at is None:
        return COUNSELLOR_ONLY
    return frozenset({referral.partner.position}) if referral.partner is not None else BOTH


def of_intake(answers: IntakeAnswers) -> Audience:
    """A partner's intake answers, draft or sent, are theirs (and their counsellor's): never
    the other partner's. The writer reads their draft back; the counsellor, once sent."""
    return frozenset({answers.partner.position})


def of_signature(signature: ConsentSignature) -> Audience:
    """A signature, and the signed copy printed from it, is its signer's alone: the other
    partner does not learn from it whether, when or from where it was made."""
    return frozenset({signature.partner.position})


def of_thread(thread: MessageThread) -> Audience:
    """A partner's private thread is theirs (and the counsellor's); the joint thread is both
    partners'. Nothing else changes it: not safety concerns, not a pause."""
    return message_rules.readers(thread.slot)


def of_plan_item(whose: str) -> Audience:
    """A treatment plan's problem, goal or objective: the couple's is both partners', one
    partner's (``"a"``, ``"b"``) is that partner's alone. Only the current signed plan's
    goals and objectives reach a client, in their copy of the progress report; the
    problems, interventions, reviews and addenda stay with the counsellor."""
    return BOTH if whose == "couple" else frozenset({whose})


def of_measure(kind: str, person: Partner | None) -> Audience:
    """One person's part of where a plan objective stands: the counsellor's own session
    ratings (``person`` None) are the counsellor's; a partner's homework adherence is that
    partner's (the other's private entries would show in it); a partner's check-in
    measures (``"csi"``, ``"block"``) are read as their scores are (:func:`of_scores`)."""
    if person is None:
        return COUNSELLOR_ONLY
    if kind == "adherence":
        return frozenset({person.position})
    return of_scores(person)


def may_read(reader: Partner, audience: Audience) -> bool:
    """Whether ``reader`` is in ``audience``."""
    return reader.position in audience


def readable(reader: Partner, items: Iterable[T], audience_of: Callable[[T], Audience]) -> list[T]:
    """The items, in order, whose audience (``audience_of(item)``) includes ``reader``."""
    return [item for item in items if reader.position in audience_of(item)]


# The same rules as SQL, for lists that are paginated or counted in the database.


def assignments_for(reader: Partner) -> sa.Select:
    """The reader's case's homework that the reader is in the audience of."""
    kinds = [ForWhom(reader.position), ForWhom.EACH, ForWhom.TOGETHER]
    query = sa.select(Assignment).where(
        Assignment.case_id == reader.case_id, Assignment.for_whom.in_(kinds)
    )
    if reader.case.joint_paused:
        query = query.where(~involves_partner())
    return query


def involves_partner() -> sa.ColumnElement[bool]:
    """``Assignment.involves_partner`` as a condition on ``Assignment``."""
    flagged = (
        sa.select(ExerciseVersion.id)
        .join(Exercise, Exercise.id == ExerciseVersion.exercise_id)
        .where(
            sa.or_(
                ExerciseVersion.with_partner.is_(True),
                ExerciseVersion.who == "together",
                Exercise.with_partner.is_(True),
                Exercise.who == "together",
            )
        )
    )
    return sa.or_(
        Assignment.for_whom == ForWhom.TOGETHER, Assignment.exercise_version_id.in_(flagged)
    )


def entries_for(reader: Partner) -> sa.Select:
    """Entries the reader may read: their own, and those the other partner shared."""
    return sa.select(HomeworkEntry).where(readable_entry(reader))


def readable_entry(reader: Partner) -> sa.ColumnElement[bool]:
    """The condition on ``HomeworkEntry`` of :func:`entries_for`, for queries of columns."""
    return sa.and_(
        HomeworkEntry.case_id == reader.case_id,
        sa.or_(HomeworkEntry.partner_id == reader.id, HomeworkEntry.shared.is_(True)),
    )


def safety_plan_for(reader: Partner) -> sa.Select:
    """The latest version of the reader's own safety plan, if it is kept in their portal
    (:func:`of_safety_plan` as SQL)."""
    latest = (
        sa.select(sa.func.max(SafetyPlan.version))
        .where(SafetyPlan.partner_id == reader.id)
        .scalar_subquery()
    )
    return sa.select(SafetyPlan).where(
        SafetyPlan.case_id == reader.case_id,
        SafetyPlan.partner_id == reader.id,
        SafetyPlan.version == latest,
        SafetyPlan.in_portal.is_(True),
    )


def referrals_for(reader: Partner) -> sa.Select:
    """Referrals whose letter was given to the reader: their own, or the couple's
    (:func:`of_referral` as SQL)."""
    return sa.select(Referral).where(
        Referral.case_id == reader.case_id,
        Referral.given_at.is_not(None),
        sa.or_(Referral.partner_id == reader.id, Referral.partner_id.is_(None)),
    )


def intake_answers_for(reader: Partner) -> sa.Select:
    """The reader's own intake answers."""
    return sa.select(IntakeAnswers).where(IntakeAnswers.partner_id == reader.id)


def signatures_for(reader: Partner) -> sa.Select:
    """The reader's own signatures."""
    return sa.select(ConsentSignature).where(ConsentSignature.partner_id == reader.id)


def threads_for(reader: Partner) -> sa.Select:
    """The reader's own private thread and their couple's joint thread
    (:func:`of_thread` as SQL)."""
    return sa.select(MessageThread).where(
        MessageThread.case_id == reader.case_id,
        MessageThread.slot.in_([reader.position, message_rules.JOINT]),
    )


def sessions_for(reader: Partner, sessions: Iterable[Session]) -> list[Session]:
    """The sessions (of the reader's case) that are with the reader."""
    return readable(reader, sessions, of_session)


def handout_sessions(reader: Partner, sessions: Iterable[Session]) -> list[Session]:
    """The sessions whose handout the reader may have: those with them that they came to."""
    return readable(reader, sessions, of_handout)


def other_partner(reader: Partner) -> Partner | None:
    """The other partner of the reader's couple, if there is one."""
    return next((p for p in reader.case.partners if p.id != reader.id), None)
