"""What a treatment plan says, as plain values: problems, goals, objectives, interventions.

A plan version keeps its content as one document (``TreatmentPlan.content``,
encrypted at rest), which is what the counsellor signs and the hash covers.
These dataclasses read and write that document and hold the rules a plan must
meet to be signed, so they are tested without a database.

Every problem, goal and objective belongs to the couple (``"couple"``) or to one
partner (``"a"``, ``"b"``): see ``practice.audience.of_plan_item``. An objective
under one partner's goal is that partner's too.
"""

from dataclasses import asdict, dataclass
from datetime import date

from practice.vocabulary import BUILDING_BLOCKS, EFT_STEPS

COUPLE = "couple"
WHOSE = (COUPLE, "a", "b")

#: What an objective can be measured by, and the range of its target.
MEASURES = {
    "csi": "CSI-4 total",
    **{f"block:{key}": f"{label} rating" for key, label in BUILDING_BLOCKS.items()},
    "adherence": "Homework adherence",
}
TARGET_RANGE = {"csi": (0, 21), "block": (0, 10), "adherence": (0, 100)}

#: Who rates a building block for an objective: each partner at check-in, or the
#: counsellor in session (counsellor-only, like the ratings themselves).
RATERS = {"partners": "the partners, at check-in", "counsellor": "you, in session"}


@dataclass(frozen=True)
class Objective:
    """A measurable step towards a goal: a measure reaching ``target`` by ``by``."""

    text: str
    whose: str
    measure: str  # a key of MEASURES
    target: float
    by: date | None = None
    rater: str = "partners"  # for building blocks: "partners" or "counsellor"

    @property
    def kind(self) -> str:
        """ "csi", "block" or "adherence"."""
        return self.measure.split(":", 1)[0]

    @property
    def block(self) -> str | None:
        """The building block measured, for a building-block objective."""
        return self.measure.split(":", 1)[1] if self.kind == "block" else None

    @property
    def by_counsellor(self) -> bool:
        return self.kind == "block" and self.rater == "counsellor"


@dataclass(frozen=True)
class Goal:
    text: str
    whose: str
    objectives: tuple[Objective, ...] = ()


@dataclass(frozen=True)
class Problem:
    """A problem as the couple (or one partner) put it, in their own words."""

    text: str
    whose: str


@dataclass(frozen=True)
class Intervention:
    """What the counsellor will do: an EFT step, or a catalogue strategy (by slug)."""

    step: int | None = None
    strategy: str = ""
    note: str = ""

    @property
    def key(self) -> str:
        """The form's value for it: ``"step:3"`` or ``"strategy:soft-startup"``."""
        return f"step:{self.step}" if self.step else f"strategy:{self.strategy}"


@dataclass(frozen=True)
class PlanContent:
    problems: tuple[Problem, ...] = ()
    goals: tuple[Goal, ...] = ()
    interventions: tuple[Intervention, ...] = ()

    @property
    def objectives(self) -> list[tuple[Goal, Objective]]:
        """Every objective with its goal, in the plan's order."""
        return [(goal, objective) for goal in self.goals for objective in goal.objectives]

    @property
    def empty(self) -> bool:
        return not (self.problems or self.goals or self.interventions)

    def to_json(self) -> dict:
        return {
            "problems": [asdict(p) for p in self.problems],
            "goals": [
                {
                    "text": g.text,
                    "whose": g.whose,
                    "objectives": [_objective_json(o) for o in g.objectives],
                }
                for g in self.goals
            ],
            "interventions": [asdict(i) for i in self.interventions],
        }

    @classmethod
    def from_json(cls, data: dict | None) -> "PlanContent":
        data = data or {}
        return cls(
            problems=tuple(Problem(p["text"], p["whose"]) for p in data.get("problems", ())),
            goals=tuple(
                Goal(
                    g["text"],
                    g["whose"],
                    tuple(_objective(o) for o in g.get("objectives", ())),
                )
                for g in data.get("goals", ())
            ),
            interventions=tuple(
                Intervention(i.get("step"), i.get("strategy") or "", i.get("note") or "")
                for i in data.get("interventions", ())
            ),
        )


def _objective_json(o: Objective) -> dict:
    return asdict(o) | {"by": o.by.isoformat() if o.by else None}


def _objective(data: dict) -> Objective:
    return Objective(
        text=data["text"],
        whose=data["whose"],
        measure=data["measure"],
        target=float(data["target"]),
        by=date.fromisoformat(data["by"]) if data.get("by") else None,
        rater=data.get("rater") or "partners",
    )


def target_problem(measure: str, target: float | None) -> str | None:
    """Why ``target`` is no target for ``measure``; None when it is one."""
    if target is None:
        return "Give the target the measure should reach."
    low, high = TARGET_RANGE[measure.split(":", 1)[0]]
    if not low <= target <= high:
        unit = "%" if measure == "adherence" else ""
        return f"This measure runs from {low}{unit} to {high}{unit}."
    return None


def signing_problems(content: PlanContent, positions: set[str]) -> list[str]:
    """What keeps ``content`` from being signed, in words; empty when it can be.

    ``positions`` are the partners the case has ("a", or "a" and "b"): an item of a
    partner the case does not have cannot be signed.
    """
    problems = []
    if not content.problems:
        problems.append("Write at least one problem, in the couple's own words.")
    if not content.goals:
        problems.append("Write at least one goal.")
    for n, goal in enumerate(content.goals, 1):
        if not goal.objectives:
            problems.append(f"Goal {n} needs at least one measurable objective.")
        if goal.whose != COUPLE and any(o.whose != goal.whose for o in goal.objectives):
            problems.append(
                f"Goal {n} is one partner's own: its objectives are that partner's too."
            )
    whose = {item.whose for item in content.problems + content.goals} | {
        o.whose for _, o in content.objectives
    }
    if whose - {COUPLE} - positions:
        problems.append("An item belongs to a partner this case does not have.")
    return problems


def intervention_label(intervention: Intervention, strategy_titles: dict[str, str]) -> str:
    """An intervention as the counsellor reads it."""
    if intervention.step:
        stage, text = EFT_STEPS[intervention.step]
        return f"EFT stage {stage}, step {intervention.step}: {text}"
    return "Strategy: " + strategy_titles.get(intervention.strategy, intervention.strategy)
