"""Forms for a partner's safety plan and for referrals."""

from wtforms import (
    BooleanField,
    SelectField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, ValidationError

from practice.dates import practice_today
from practice.forms import (
    DateField,
    Form,
    StartedFromField,
    choices,
    optional_text,
    required_choice,
    required_text,
)
from practice.idempotency import form_token_field
from practice.safety.models import PLAN_PARTS, ReferralKind, ReferralStatus

COUPLE = "couple"


def _part(name: str, help_text: str) -> TextAreaField:
    return TextAreaField(
        PLAN_PARTS[name],
        validators=[Length(max=5000, message="Keep this part under 5,000 characters.")],
        description=help_text,
        render_kw={"rows": 4},
    )


class SafetyPlanForm(Form):
    based_on = StartedFromField()
    warning_signs = _part(
        "warning_signs",
        "What tells them things are getting dangerous, in their words.",
    )
    staying_safe = _part(
        "staying_safe",
        "What they can do before and when it happens: leave the room, keep a phone charged.",
    )
    people_and_places = _part(
        "people_and_places",
        "Whom they can call or stay with, and where they can go. The practice's "
        "support resources are printed with the plan; no need to copy them here.",
    )
    other = _part("other", "Anything else you agreed.")
    in_portal = BooleanField("Show the plan in their portal", default=True)

    def validate_warning_signs(self, field):
        if not any((getattr(self, name).data or "").strip() for name in PLAN_PARTS):
            raise ValidationError("Write at least one part of the plan.")

    def parts(self) -> dict[str, str]:
        return {name: (getattr(self, name).data or "").strip() for name in PLAN_PARTS}


class ReferralForm(Form):
    form_token = form_token_field()
    for_whom = required_choice("Who is referred", "Choose who is referred.")
    kind = SelectField("Kind of service", choices=choices(ReferralKind.labels()))
    service = required_text(
        "Referred to",
        "Name the service or practitioner.",
        "As the letter should address them.",
        limit=200,
        too_long="Keep the name under 200 characters.",
    )
    service_address = optional_text(
        "Their address",
        "Optional; printed under their name in the letter.",
        limit=500,
        too_long="Keep the address under 500 characters.",
    )
    reason = required_text(
        "Why",
        "Say why you are referring them: it is the body of the letter.",
        "The body of the letter: what you ask the service to offer, and why. "
        "The letter adds the greeting and your signature.",
        limit=5000,
        too_long="Keep this under 5,000 characters.",
        rows=6,
    )
    referred_on = DateField("Date", validators=[InputRequired("Enter the date of the referral.")])
    status = SelectField("Status", choices=choices(ReferralStatus.labels()), default="suggested")
    given = BooleanField(
        "Letter given to the client it concerns",
        description="They can then download it from the Documents page of their portal.",
    )

    def set_partners(self, partners) -> None:
        """Offer each partner of the case, and the couple when there are two."""
        self.for_whom.choices = [(p.position, p.name) for p in partners]
        if len(partners) > 1:
            self.for_whom.choices.append((COUPLE, "The couple"))

    def validate_referred_on(self, field):
        if field.data and field.data > practice_today():
            raise ValidationError("A referral cannot be dated in the future.")
        if field.data and (practice_today() - field.data).days > 3660:
            raise ValidationError("That date is more than ten years ago; please check it.")
