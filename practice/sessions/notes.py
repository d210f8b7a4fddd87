"""Note templates, and what a note records about the homework since the last session."""

from dataclasses import dataclass
from datetime import date

from practice.cases.models import Case
from practice.homework.services import case_assignments, entry_days, progress_for
from practice.sessions.models import NoteTemplate


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    hint: str
    rows: int = 5

    def heading(self, case) -> str:
        """The label as this couple's counsellor reads it: a partner's section under their
        name (“Alex’s position”), not under "Partner A"."""
        if self.key in ("position_a", "position_b") and case is not None:
            partner = case.partner(self.key[-1])
            if partner is not None:
                return f"{partner.first_name}’s position"
        return self.label


TEMPLATES: dict[NoteTemplate, tuple[str, tuple[Section, ...]]] = {
    NoteTemplate.DAP: (
        "DAP (data, assessment, plan)",
        (
            Section("data", "Data", "What each partner said and did; what you observed."),
            Section("assessment", "Assessment", "Your reading of it: the pattern, progress, risk."),
            Section("plan", "Plan", "Homework, focus for next time, referrals."),
        ),
    ),
    NoteTemplate.SOAP: (
        "SOAP (subjective, objective, assessment, plan)",
        (
            Section("subjective", "Subjective", "The partners' own account, in their words."),
            Section(
                "objective", "Objective", "What you observed: affect, interaction, attendance."
            ),
            Section("assessment", "Assessment", "Your clinical reading."),
            Section("plan", "Plan", "Homework, focus for next time, referrals."),
        ),
    ),
    NoteTemplate.EFT: (
        "EFT (cycle, emotions, interventions, stage)",
        (
            Section(
                "cycle",
                "Cycle observed",
                "The negative cycle as it showed itself this session, in the couple's terms.",
                4,
            ),
            Section("position_a", "Partner A's position", "e.g. pursue, criticise, protest.", 2),
            Section("position_b", "Partner B's position", "e.g. withdraw, defend, shut down.", 2),
            Section(
                "emotions",
                "Emotions accessed",
                "Primary emotions and attachment needs that came through.",
                4,
            ),
            Section(
                "interventions",
                "Interventions used",
                "Which EFT interventions, and how the partners responded.",
                4,
            ),
            Section(
                "homework",
                "Homework reviewed",
                "What the partners did between sessions and what it showed.",
                4,
            ),
            Section("plan", "Plan", "Focus for next time, homework given.", 3),
        ),
    ),
}

#: EFT interventions a counsellor can tick in the EFT template.
EFT_INTERVENTIONS = (
    "Reflecting emotion",
    "Validation",
    "Evocative responding",
    "Heightening",
    "Empathic conjecture",
    "Tracking and reflecting the cycle",
    "Reframing in terms of the cycle and attachment",
    "Restructuring interactions (enactments)",
)


def sections(template: NoteTemplate) -> tuple[Section, ...]:
    return TEMPLATES[template][1]


@dataclass(frozen=True)
class Switched:
    """A draft's text as it reads in another template, and the headings of the sections
    whose text was moved because the new template has no section of that name."""

    body: dict
    moved: tuple[str, ...]


def carried_heading(label: str, template: NoteTemplate) -> str:
    return f"[From “{label}” in the {template.name} template]"


def switch_template(body: dict, old: NoteTemplate, new: NoteTemplate) -> Switched:
    """The text of a draft written in ``old`` as a draft in ``new``, nothing dropped.

    A section the two templates share (a plan is a plan) keeps its text where it is.
    The text of every other section goes to the end of the new template's first
    section, under a heading that names where it came from, for the counsellor to
    sort before signing; so do the EFT template's ticked interventions."""
    kept = {s.key for s in sections(new)}
    carried = [
        (s.label, body[s.key])
        for s in sections(old)
        if s.key not in kept and (body.get(s.key) or "").strip()
    ]
    ticked = list(body.get("interventions_used") or [])
    if ticked and new is not NoteTemplate.EFT:
        carried.append(("Interventions, ticked", ", ".join(ticked)))
    switched = {key: body.get(key) or "" for key in kept}
    first = sections(new)[0].key
    parts = [switched[first].strip()] if switched[first].strip() else []
    parts += [f"{carried_heading(label, old)}\n{text.strip()}" for label, text in carried]
    switched[first] = "\n\n".join(parts)
    if new is NoteTemplate.EFT:
        switched["interventions_used"] = []  # no other template has ticks to bring
    if "homework_snapshot" in body:
        switched["homework_snapshot"] = body["homework_snapshot"]
    return Switched(switched, tuple(label for label, _ in carried))


@dataclass(frozen=True)
class HomeworkLine:
    title: str
    who: str
    made: int
    expected: int

    @property
    def text(self) -> str:
        if not self.expected:
            return f"{self.title} ({self.who}): nothing due in this interval"
        return f"{self.title} ({self.who}): {self.made} of {self.expected}"


def homework_since(case: Case, since: date | None, until: date) -> list[HomeworkLine]:
    """Each assignment's adherence between the previous session and this one."""
    days = entry_days(case)
    lines = []
    for assignment in case_assignments(case):
        if assignment.starts_on > until:
            continue
        now = progress_for(assignment, case, days, until)
        before = progress_for(assignment, case, days, since) if since else None
        for i, line in enumerate(now):
            earlier = before[i].adherence if before else None
            made = line.adherence.made - (earlier.made if earlier else 0)
            expected = line.adherence.expected - (earlier.expected if earlier else 0)
            if assignment.is_active or made:
                lines.append(
                    HomeworkLine(assignment.exercise.title, line.who, made, max(expected, made))
                )
    return lines
