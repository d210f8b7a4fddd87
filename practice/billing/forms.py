"""Forms of the books: who pays for a case, charging, adjusting, voiding, payments,
a period for statements, and the owner's services and settings.

Amounts are typed as people write them ("160", "1,234.50") and read with
``money.parse_amount`` in the practice's currency, which a view gives the form
(``form.currency``) before validating it.
"""

from datetime import timedelta

from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from practice.billing.ledger import AMOUNTS, PERCENT, SPLIT, THIRD
from practice.billing.models import DefaultFor, PaymentMethod
from practice.billing.money import (
    BASIS,
    CURRENCIES,
    AmountError,
    amount_text,
    parse_amount,
    parse_percent,
    percent_text,
)
from practice.billing.services import ICD10, ArrangementDetails, ServiceDetails
from practice.cases.forms import MultiCheckboxField
from practice.dates import practice_today
from practice.forms import (
    DateField,
    Form,
    choices,
    optional_text,
    past_date,
    required_choice,
    required_text,
    stripped,
)
from practice.idempotency import form_token_field

AMOUNT = {"inputmode": "decimal", "autocomplete": "off"}


def _reason(label: str, description: str) -> TextAreaField:
    return required_text(
        label,
        "Say why: it is kept with the record.",
        description,
        limit=500,
        too_long="Keep the reason under 500 characters.",
        rows=2,
        filters=[stripped],
    )


def _printed(label: str, description: str, *, limit: int) -> StringField:
    """A line superbills print as typed (without the spaces around it); may be left empty."""
    return StringField(
        label,
        validators=[Length(max=limit, message=f"Keep it under {limit} characters.")],
        description=description,
        default="",
        filters=[stripped],
    )


def _npi_field(label: str, description: str = "") -> StringField:
    """An NPI, which may be left empty: ten digits that pass its check digit."""
    return StringField(
        label,
        validators=[
            Optional(),
            Length(min=10, max=10, message="An NPI has 10 digits."),
            _valid_npi,
        ],
        description=description,
        default="",
        filters=[stripped],
    )


def _valid_npi(form, field) -> None:
    if field.data and not npi_valid(field.data):
        raise ValidationError("That is not an NPI: check its ten digits.")


class MoneyForm(Form):
    """A form with amounts in the practice's currency (set ``currency`` before validating)."""

    currency = "USD"

    def amount_of(self, field, *, required: bool = True) -> int | None:
        """The field's amount in minor units; None when left empty and not ``required``.
        An amount that cannot be read is an error beside the field (and None)."""
        if not (field.data or "").strip() and not required:
            return None
        try:
            return parse_amount(field.data, self.currency)
        except AmountError as error:
            field.errors = [*field.errors, str(error)]
            return None

    def percent_of(self, field) -> int | None:
        try:
            return parse_percent(field.data)
        except AmountError as error:
            field.errors = [*field.errors, str(error)]
            return None


class ArrangementForm(MoneyForm):
    """Who pays for a case, its sliding-scale fee, diagnoses, and the partners' dates of birth."""

    payer = required_choice("Who pays", "Choose who pays.")
    split_mode = RadioField(
        "How it is split",
        choices=choices({PERCENT: "By percentage", AMOUNTS: "By fixed amounts"}),
        default=PERCENT,
    )
    share_a = StringField("Share, %", render_kw=AMOUNT)
    amount_a = StringField("Amount for a full session", render_kw=AMOUNT)
    amount_b = StringField("Amount for a full session", render_kw=AMOUNT)
    remainder_to = RadioField(
        "Who pays the odd cent",
        default="a",
        description="When a share does not come out in whole cents, this partner pays "
        "the remainder, so the shares always add up to the fee.",
    )
    third_party_name = StringField(
        "Programme or employer",
        validators=[Length(max=200, message="Keep the name under 200 characters.")],
        description="An employee assistance programme, for example; invoices are made out to it.",
    )
    third_party_address = optional_text("Their address", "Printed on their invoices.", limit=500)
    sliding_fee = StringField(
        "Sliding-scale fee",
        render_kw=AMOUNT,
        description="Optional. Charged for every session of this case instead of the "
        "service's own fee; late-cancellation and no-show fees are a part of it.",
    )
    diagnoses = optional_text(
        "Diagnosis codes (ICD-10)",
        "One per line: the code, then its words, e.g. “Z63.0 Relationship "
        "distress with spouse or intimate partner”. Printed on the partners' superbills.",
        limit=2000,
        too_long="Keep the codes under 2,000 characters.",
    )
    born_a = DateField("Date of birth", validators=[Optional()])
    born_b = DateField("Date of birth", validators=[Optional()])

    @classmethod
    def for_case(cls, case, currency: str, **kwargs) -> "ArrangementForm":
        form = cls(**kwargs)
        form.currency = currency
        partners = case.partners
        who = {p.position: f"{p.name} pays" for p in partners}
        if len(partners) > 1:
            who[SPLIT] = f"{' and '.join(p.first_name for p in partners)} share it"
        who[THIRD] = "A third party (an employee assistance programme)"
        form.payer.choices = choices(who)
        form.remainder_to.choices = choices({p.position: p.first_name for p in partners})
        if len(partners) < 2:
            del form.born_b
        return form

    def fill(self, billing, case) -> None:
        """Show ``billing`` (and the partners' dates of birth) as the form's values."""
        self.payer.data = billing.payer
        self.split_mode.data = billing.split_mode
        self.share_a.data = percent_text(billing.share_a if billing.split_mode == PERCENT else 5000)
        if billing.split_mode == AMOUNTS:
            self.amount_a.data = amount_text(billing.share_a, self.currency)
            self.amount_b.data = amount_text(billing.share_b, self.currency)
        self.remainder_to.data = billing.remainder_to
        self.third_party_name.data = billing.third_party_name
        self.third_party_address.data = billing.third_party_address
        if billing.sliding_fee is not None:
            self.sliding_fee.data = amount_text(billing.sliding_fee, self.currency)
        self.diagnoses.data = "\n".join(
            f"{d['code']} {d['description']}".strip() for d in billing.diagnoses or []
        )
        self.born_a.data = case.partners[0].date_of_birth
        if self.born_b is not None:
            self.born_b.data = case.partners[1].date_of_birth

    def details(self) -> ArrangementDetails | None:
        """The arrangement typed, or None with the errors beside their fields."""
        split = self.payer.data == SPLIT
        share_a, share_b = BASIS // 2, 0
        if split and self.split_mode.data == AMOUNTS:
            share_a = self.amount_of(self.amount_a)
            share_b = self.amount_of(self.amount_b)
        elif split:
            share_a = self.percent_of(self.share_a)
        sliding = self.amount_of(self.sliding_fee, required=False)
        diagnoses = self._diagnoses()
        for field in (self.born_a, self.born_b):
            if field is not None and field.data and field.data > practice_today():
                field.errors = [*field.errors, "A date of birth cannot be in the future."]
        if any(f.errors for f in self):
            return None
        born = {"a": self.born_a.data}
        if self.born_b is not None:
            born["b"] = self.born_b.data
        return ArrangementDetails(
            payer=self.payer.data,
            split_mode=self.split_mode.data or PERCENT,
            share_a=share_a,
            share_b=share_b,
            remainder_to=self.remainder_to.data or "a",
            third_party_name=self.third_party_name.data or "",
            third_party_address=self.third_party_address.data or "",
            sliding_fee=sliding,
            diagnoses=diagnoses,
            born=born,
        )

    def _diagnoses(self) -> tuple[tuple[str, str], ...]:
        found = []
        for line in (self.diagnoses.data or "").splitlines():
            code, _, words = line.strip().partition(" ")
            if not code:
                continue
            code = code.upper().rstrip(":")
            if not ICD10.match(code):
                self.diagnoses.errors = [
                    *self.diagnoses.errors,
                    f"“{code[:20]}” is not an ICD-10 code: start each line with one, e.g. Z63.0.",
                ]
                continue
            found.append((code, words.strip()))
        return tuple(found)


class ChargeForm(Form):
    """The sessions not yet charged, each ticked: charge them."""

    sessions = MultiCheckboxField("Sessions to charge", coerce=int, validate_choice=False)

    def validate_sessions(self, field):
        if not field.data:
            raise ValidationError("Tick the sessions to charge.")


class AdjustForm(MoneyForm):
    amount = StringField(
        "Amount before tax",
        validators=[InputRequired("Enter the amount the charge should be.")],
        render_kw=AMOUNT,
        description="Zero waives it. The tax is worked out again at the practice's rate "
        "when the charge was made.",
    )
    service = SelectField("Charged as", validate_choice=True)
    reason = _reason(
        "Why",
        "Kept with the charge, and shown to you only: never on an invoice.",
    )

    def set_services(self, services, current) -> None:
        self.service.choices = choices(
            {"": f"As it is ({current.code})"}
            | {str(s.id): s.label for s in services if s.id != current.service_id}
        )


class VoidForm(Form):
    reason = _reason(
        "Why it is voided",
        "The invoice keeps its number and shows VOID; its charges can then be "
        "adjusted and invoiced again.",
    )


PAYMENT_KINDS = {"payment": "A payment received", "refund": "A refund given back"}


class PaymentForm(MoneyForm):
    form_token = form_token_field()
    payer = required_choice("From (or to)", "Choose who paid.")
    kind = RadioField("What", choices=choices(PAYMENT_KINDS), default="payment")
    amount = StringField(
        "Amount", validators=[InputRequired("Enter the amount.")], render_kw=AMOUNT
    )
    method = SelectField("How", choices=choices(PaymentMethod.labels()), default="card")
    received_on = past_date(
        "Date", "Enter the date.", "Record money once it has come in, not before."
    )
    reference = StringField(
        "Reference",
        validators=[Length(max=80, message="Keep the reference under 80 characters.")],
        description="Optional: a cheque number, the terminal's receipt number.",
    )


class PeriodForm(Form):
    """The period of a statement or a superbill: read from the address, so no CSRF."""

    class Meta:
        csrf = False

    start = DateField("From", validators=[Optional()])
    end = DateField("To", validators=[Optional()])

    def validate_end(self, field):
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError("The end comes on or after the start.")

    def period(self):
        """The chosen period; by default, the twelve months to today."""
        end = self.end.data or practice_today()
        if self.start.data:
            return self.start.data, end
        year_before = end.replace(year=end.year - 1, day=28 if end.month == 2 else end.day)
        return year_before + timedelta(days=1), end


DEFAULT_CHOICES = {"": "No"} | {d.value: f"Yes: {d.label.lower()}" for d in DefaultFor}


class ServiceForm(MoneyForm):
    code = required_text(
        "Code",
        "Give the service a code.",
        "A CPT code in the US (90847); your own short code elsewhere.",
        limit=20,
        too_long="Keep the code under 20 characters.",
    )
    description = required_text(
        "Description",
        "Say what the service is.",
        "As invoices and superbills print it.",
        limit=200,
        too_long="Keep it under 200 characters.",
    )
    minutes = IntegerField(
        "Minutes",
        validators=[
            InputRequired("Give its length in minutes."),
            NumberRange(min=1, max=600, message="Between 1 and 600 minutes."),
        ],
        render_kw={"inputmode": "numeric"},
    )
    fee = StringField("Fee", validators=[InputRequired("Give its fee.")], render_kw=AMOUNT)
    default_for = SelectField("The default", choices=choices(DEFAULT_CHOICES), default="")
    active = BooleanField("Offered", default=True, description="Untick to stop offering it.")

    def details(self) -> ServiceDetails | None:
        fee = self.amount_of(self.fee)
        if fee is None:
            return None
        return ServiceDetails(
            code=self.code.data or "",
            description=self.description.data or "",
            minutes=self.minutes.data,
            fee=fee,
            active=bool(self.active.data),
            default_for=DefaultFor(self.default_for.data) if self.default_for.data else None,
        )


def _percent_field(label: str, description: str) -> IntegerField:
    return IntegerField(
        label,
        default=0,
        validators=[
            InputRequired("Enter a percentage, 0 for none."),
            NumberRange(min=0, max=100, message="Between 0 and 100."),
        ],
        description=description,
        render_kw={"inputmode": "numeric"},
    )


class BillingSettingsForm(Form):
    currency = SelectField("Currency", choices=choices(CURRENCIES))
    tax_rate = StringField(
        "Tax on services, %",
        default="0",
        description="0 where counselling is not taxed. Worked out on each line of an "
        "invoice and rounded half-up to the cent.",
        render_kw=AMOUNT,
    )
    late_cancel_percent = _percent_field(
        "Late-cancellation fee, % of the session's fee",
        "For a session cancelled late (under 24 hours' notice). 0: no fee.",
    )
    no_show_percent = _percent_field(
        "No-show fee, % of the session's fee", "For a session missed without notice. 0: no fee."
    )
    tax_id = _printed("The practice's tax id (EIN)", "Printed on superbills.", limit=20)
    npi = _npi_field("The practice's NPI (type 2)", "Optional; printed on superbills.")
    invoice_note = optional_text(
        "At the foot of every invoice",
        "How to pay: bank details, who cheques are made out to, when payment is due.",
        limit=1000,
        default="",
        filters=[stripped],
    )

    #: The tax rate typed, in basis points, once validated.
    tax_rate_basis_points: int = 0

    def validate_tax_rate(self, field):
        try:
            self.tax_rate_basis_points = parse_percent(field.data)
        except AmountError as error:
            raise ValidationError(str(error)) from None


class CredentialsForm(Form):
    licence = _printed(
        "Licence",
        "Your licence as superbills print it, e.g. “LMFT 54321, Illinois”.",
        limit=200,
    )
    npi = _npi_field("NPI (type 1)")
    tax_id = _printed(
        "Your own tax id",
        "Only if you bill under your own; otherwise the practice's is printed.",
        limit=20,
    )


def npi_valid(npi: str) -> bool:
    """Ten digits whose last is the Luhn check digit of the rest, prefixed 80840 (as CMS sets)."""
    if len(npi) != 10 or not npi.isdigit():
        return False
    digits = [int(d) for d in "80840" + npi]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2:
            d *= 2
            d -= 9 if d > 9 else 0
        total += d
    return total % 10 == 0
