"""A treatment plan as plain data: the counsellor's whole plan, and one partner's part of it.

:func:`counsellor_sheet` is everything: problems, goals, objectives with where
each stands for each partner, interventions, the latest review and the
addenda. The plan page and the counsellor's progress report are drawn from it.

:func:`client_sheet` is one reader's: the couple's shared goals and objectives
and the reader's own, never the other partner's (``audience.of_plan_item``),
each told in plain words with where it stands in the parts the reader may see
(``audience.of_measure``). Nothing about the plan as a whole (its version, when
it was signed or reviewed, how many items it has) is in it, so a revision that
only touches the other partner's items leaves the reader's copy as it was.
"""

from dataclasses import dataclass
from datetime import date

from practice import audience
from practice.cases.models import Case, Partner
from practice.dates import format_date, local
from practice.plans.access import PlanState, addenda_of, plan_state, strategy_titles
from practice.plans.content import COUPLE, RATERS, Objective, intervention_label
from practice.plans.measures import (
    COUNSELLOR,
    CaseMeasures,
    Standing,
    case_measures,
    reader_measures,
    standing,
)
from practice.plans.models import TreatmentPlan
from practice.plans.schedule import NextReview
from practice.plans.services import current_plan
from practice.plans.status import Reading, Status, tally
from practice.vocabulary import BUILDING_BLOCKS


def number(value: float) -> str:
    """13.5 → "13.5", 14.0 → "14"."""
    return f"{value:g}"


def whose_label(whose: str, case: Case) -> str:
    """ "Both" for the couple's (the one partner's name in individual work), else a first name."""
    if whose == COUPLE:
        return "Both" if case.is_couple else case.partners[0].first_name
    partner = case.partner(whose)
    return partner.first_name if partner else whose.upper()


def measure_label(objective: Objective) -> str:
    """What an objective measures and its target, in the counsellor's words."""
    target = number(objective.target)
    if objective.kind == "csi":
        return f"CSI-4 total at or above {target}"
    if objective.kind == "block":
        label = BUILDING_BLOCKS.get(objective.block, objective.block)
        return f"{label} at or above {target} of 10, rated by {RATERS[objective.rater]}"
    return f"Homework adherence at or above {target}%"


def value_text(objective: Objective, reading: Reading | None) -> str:
    if reading is None:
        return "–"
    value = number(reading.value) + ("%" if objective.kind == "adherence" else "")
    return f"{value} on {format_date(reading.on)}"


# --- The counsellor's plan ----------------------------------------------------------


@dataclass(frozen=True)
class PartLine:
    who: str
    latest: str
    status: str


@dataclass(frozen=True)
class ObjectiveLine:
    text: str
    whose: str
    measure: str
    by: date | None
    status: str
    parts: tuple[PartLine, ...]


@dataclass(frozen=True)
class GoalLine:
    text: str
    whose: str
    objectives: tuple[ObjectiveLine, ...]


@dataclass(frozen=True)
class CounsellorSheet:
    plan_id: int
    version: int
    signed_on: date
    signed_by: str
    intact: bool
    problems: tuple[tuple[str, str], ...]  # (whose, text)
    goals: tuple[GoalLine, ...]
    interventions: tuple[tuple[str, str, str], ...]  # (what, note, catalogue slug or "")
    tally: dict[Status, int]
    next: NextReview | None
    reviews: tuple  # PlanReview rows of this version, newest first (findings are plain)
    latest_review: object  # the case's latest review of any version (PlanReview), or None
    addenda: tuple  # PlanAddendum rows of this version, oldest first
    revised: bool  # a newer version is being written


def sheet(
    plan: TreatmentPlan, case: Case, state: PlanState, measures: CaseMeasures, today: date
) -> CounsellorSheet:
    """One signed version of the plan, with where each objective stands on ``today``."""
    content = plan.plan
    goals = []
    statuses = []
    for goal in content.goals:
        lines = []
        for objective in goal.objectives:
            found = standing(objective, measures, today)
            statuses.append(found.status)
            lines.append(_objective_line(objective, found, case))
        goals.append(GoalLine(goal.text, whose_label(goal.whose, case), tuple(lines)))
    titles = strategy_titles({i.strategy for i in content.interventions if i.strategy})
    return CounsellorSheet(
        plan_id=plan.id,
        version=plan.version,
        signed_on=local(plan.signed_at).date(),
        signed_by=plan.signed_by.name if plan.signed_by else "",
        intact=plan.intact,
        problems=tuple((whose_label(p.whose, case), p.text) for p in content.problems),
        goals=tuple(goals),
        interventions=tuple(
            (intervention_label(i, titles), i.note, i.strategy) for i in content.interventions
        ),
        tally=tally(statuses),
        next=state.next if plan is state.current else None,
        reviews=tuple(r for r in state.reviews if r.plan_id == plan.id),
        latest_review=state.reviews[0] if state.reviews else None,
        addenda=tuple(addenda_of([plan])[plan.id]),
        revised=state.draft is not None,
    )


def _objective_line(objective: Objective, found: Standing, case: Case) -> ObjectiveLine:
    return ObjectiveLine(
        text=objective.text,
        whose=whose_label(objective.whose, case),
        measure=measure_label(objective),
        by=objective.by,
        status=found.status.value,
        parts=tuple(
            PartLine(
                "You (in session)" if part.who == COUNSELLOR else whose_label(part.who, case),
                value_text(objective, part.latest),
                part.status.value,
            )
            for part in found.parts
        ),
    )


def counsellor_sheet(case: Case, today: date) -> CounsellorSheet | None:
    """The plan in force as the counsellor's progress report prints it; None without one."""
    state = plan_state(case, today)
    if state.current is None:
        return None
    return sheet(state.current, case, state, case_measures(case, today), today)


# --- One partner's copy -------------------------------------------------------------

#: Where an objective stands, as a client reads it.
CLIENT_STATUS = {
    Status.MET: "Reached",
    Status.ON_TRACK: "On the way",
    Status.NOT_YET: "Not yet",
    Status.NO_DATA: "Not measured yet",
}


@dataclass(frozen=True)
class ClientObjective:
    text: str
    aim: str
    by: date | None
    parts: tuple[PartLine, ...]  # the reader's own first; the partner's only where shown
    status: str  # of the whole objective, when every part of it is shown; else ""


@dataclass(frozen=True)
class ClientGoal:
    text: str
    own: bool  # the reader's own goal; False: the couple's
    objectives: tuple[ClientObjective, ...]


def aim(objective: Objective, reader: Partner) -> str:
    """What an objective asks, in plain words, for the reader."""
    target = number(objective.target)
    for_whom = "for each of you" if objective.whose == COUPLE else "for you"
    if objective.kind == "csi":
        return f"A score of {target} or more (out of 21) on the four check-in questions, {for_whom}"
    if objective.kind == "block":
        label = BUILDING_BLOCKS.get(objective.block, objective.block).lower()
        if objective.by_counsellor:
            return f"Stronger {label}, as you and your counsellor see it in your sessions"
        return f"A rating of {target} or more (out of 10) for {label} at check-in, {for_whom}"
    return f"Doing {target}% or more of the homework you are given, {for_whom}"


def client_sheet(case: Case, reader: Partner, today: date) -> tuple[ClientGoal, ...]:
    """The reader's part of the plan in force: empty without a plan, or with nothing of
    theirs in it (see the module's docstring)."""
    plan = current_plan(case)
    if plan is None:
        return ()
    content = plan.plan

    def readable(whose: str) -> bool:
        return audience.may_read(reader, audience.of_plan_item(whose))

    goals = [g for g in content.goals if readable(g.whose)]
    if not goals:
        return ()
    measures = reader_measures(reader, today)
    result = []
    for goal in goals:
        objectives = []
        for objective in goal.objectives:
            if not readable(objective.whose):
                continue
            found = standing(objective, measures, today)
            parts = sorted(found.parts, key=lambda p: p.who != reader.position)
            objectives.append(
                ClientObjective(
                    text=objective.text,
                    aim=aim(objective, reader),
                    by=objective.by,
                    parts=tuple(
                        PartLine(
                            "You" if p.who == reader.position else whose_label(p.who, case),
                            value_text(objective, p.latest),
                            CLIENT_STATUS[p.status],
                        )
                        for p in parts
                    ),
                    status=CLIENT_STATUS[found.status] if found.whole and found.parts else "",
                )
            )
        result.append(ClientGoal(goal.text, goal.whose != COUPLE, tuple(objectives)))
    return tuple(result)
