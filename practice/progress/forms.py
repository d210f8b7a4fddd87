"""Forms for check-ins (CSI-4 and building blocks), the cycle, markers and the review."""

from wtforms import (
    IntegerField,
    RadioField,
    SelectField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from practice.forms import Form, choices, optional_text, past_date, required_choice
from practice.idempotency import form_token_field
from practice.progress.checkins import ORDINALS
from practice.progress.csi import ITEMS
from practice.progress.models import EVERY_SESSION, MOST_SESSIONS_APART, NOT_SCHEDULED
from practice.vocabulary import BUILDING_BLOCKS, CYCLE_POSITIONS


def _csi_field(index: int) -> RadioField:
    item = ITEMS[index]
    return required_choice(
        item.text,
        "Please choose one answer.",
        {str(n): f"{n}: {label}" for n, label in enumerate(item.options)},
    )


def _block_field(label: str) -> IntegerField:
    return IntegerField(
        label,
        validators=[Optional(), NumberRange(min=0, max=10, message="0 to 10.")],
        render_kw={"inputmode": "numeric", "min": 0, "max": 10},
    )


class CheckInForm(Form):
    """The CSI-4 exactly as published, and the six building blocks 0-10."""

    form_token = form_token_field()
    csi_happiness = _csi_field(0)
    csi_warm = _csi_field(1)
    csi_rewarding = _csi_field(2)
    csi_satisfied = _csi_field(3)
    block_communication = _block_field(BUILDING_BLOCKS["communication"])
    block_mutual_respect = _block_field(BUILDING_BLOCKS["mutual-respect"])
    block_trust = _block_field(BUILDING_BLOCKS["trust"])
    block_emotional_intimacy = _block_field(BUILDING_BLOCKS["emotional-intimacy"])
    block_support = _block_field(BUILDING_BLOCKS["support"])
    block_teamwork = _block_field(BUILDING_BLOCKS["teamwork"])

    def csi_fields(self):
        return [self.csi_happiness, self.csi_warm, self.csi_rewarding, self.csi_satisfied]

    def block_fields(self):
        return [self[f"block_{key.replace('-', '_')}"] for key in BUILDING_BLOCKS]

    def answers(self) -> list[int]:
        return [int(f.data) for f in self.csi_fields()]

    def blocks(self) -> dict[str, int]:
        return {
            key: self[f"block_{key.replace('-', '_')}"].data
            for key in BUILDING_BLOCKS
            if self[f"block_{key.replace('-', '_')}"].data is not None
        }


class CounsellorCheckInForm(CheckInForm):
    """A check-in the counsellor types in for a partner (e.g. from a paper form)."""

    partner = required_choice("Partner", "Choose the partner.")
    completed_on = past_date(
        "Completed on", "Enter the date.", "A check-in cannot be dated in the future."
    )

    def __init__(self, *args, partners=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.partner.choices = choices({str(p.id): p.name for p in partners})


class CycleForm(Form):
    position_a = SelectField(
        "Partner A's position", choices=choices({"": "Not described yet", **CYCLE_POSITIONS})
    )
    position_b = SelectField(
        "Partner B's position", choices=choices({"": "Not described yet", **CYCLE_POSITIONS})
    )
    description = optional_text(
        "The cycle, as you would put it to the couple",
        "e.g. “The more Alex reaches for connection by criticising, the more "
        "Jordan goes quiet to keep the peace, and the louder Alex gets.”",
        rows=4,
        limit=10_000,
    )
    de_escalation = SelectField("De-escalation first seen in", validators=[Optional()])
    withdrawer_re_engagement = SelectField(
        "Withdrawer re-engagement first seen in", validators=[Optional()]
    )
    blamer_softening = SelectField("Blamer softening first seen in", validators=[Optional()])

    def __init__(self, *args, sessions=(), **kwargs):
        super().__init__(*args, **kwargs)
        options = choices({"": "Not yet", **{str(sid): label for sid, label in sessions}})
        for field in self.marker_fields():
            field.choices = options

    def marker_fields(self):
        return [self.de_escalation, self.withdrawer_re_engagement, self.blamer_softening]


class ReviewForm(Form):
    form_token = form_token_field()
    reviewed_on = past_date(
        "Date of the review", "Enter the date.", "A review cannot be dated in the future."
    )
    summary = TextAreaField(
        "What changed, and what next",
        validators=[InputRequired(message="Write what the review found."), Length(max=20_000)],
        description="The first check-in against this one, in the couple's measures and your "
        "view; whether to continue, change focus, or end. The figures as they stand on the "
        "review's date are kept with it.",
        render_kw={"rows": 6},
    )


SCHEDULE_CHOICES = {
    str(EVERY_SESSION): "Before every session",
    **{str(n): f"Before every {ORDINALS[n]} session" for n in range(2, MOST_SESSIONS_APART + 1)},
    str(NOT_SCHEDULED): "Not scheduled: do not ask the partners",
}


class CheckInScheduleForm(Form):
    """How often this case's partners are asked for a check-in (portal and reminder)."""

    every = SelectField(
        "Ask for a check-in",
        choices=choices(SCHEDULE_CHOICES),
        validators=[InputRequired(message="Choose how often.")],
        description="Each partner counts the sessions they come to. A partner who has never "
        "checked in is asked before their next session, so there is a first score to compare.",
    )
