"""Forms for the diary: which week, booking (the one form, also used from a case), moving,
cancelling, ending a series, feeds."""

from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from practice.billing.models import DefaultFor, Service
from practice.billing.services import active_services
from practice.bounds import MAX_ID
from practice.calendar.booking import LENGTH_RANGE, MAX_MINUTES, MIN_MINUTES, Booking
from practice.cases.forms import MultiCheckboxField
from practice.extensions import db
from practice.forms import (
    DateField,
    Form,
    bookable,
    choices,
    optional_text,
    required_text,
    stripped,
)
from practice.idempotency import form_token_field
from practice.sessions.models import SessionMode, SessionStatus

DATE_HINT = "Give the date as YYYY-MM-DD, for example 2026-03-02."
REPEAT_CHOICES = {"0": "Does not repeat", "1": "Every week", "2": "Every other week"}


def _plain_date_errors(form) -> None:
    """WTForms says "Not a valid date value"; say what to type instead."""
    for field in form:
        unreadable = any(field.raw_data or ()) and field.data is None
        if isinstance(field, DateField) and field.errors and unreadable:
            field.errors[:] = [DATE_HINT]


class PlainDatesForm(Form):
    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        _plain_date_errors(self)
        return valid


class DiaryForm(PlainDatesForm):
    """Which week or day of whose diary: read from the address, so no CSRF."""

    class Meta:
        csrf = False

    start = DateField("Week of", validators=[Optional()])
    date = DateField("Day", validators=[Optional()])
    counsellor = IntegerField(
        "Counsellor",
        validators=[Optional(), NumberRange(min=1, max=MAX_ID, message="No such counsellor.")],
    )


class TimesForm(PlainDatesForm):
    """When a session is: its date, start time and length, in the practice's time zone."""

    day = DateField("Date", validators=[InputRequired(message="Enter the date."), bookable])
    time = TimeField("Start time", validators=[InputRequired(message="Enter the start time.")])
    duration = IntegerField(
        "Length in minutes",
        default=50,
        validators=[
            InputRequired(message="Enter the length in minutes."),
            NumberRange(min=MIN_MINUTES, max=MAX_MINUTES, message=LENGTH_RANGE),
        ],
        render_kw={"inputmode": "numeric", "min": MIN_MINUTES, "max": MAX_MINUTES},
    )


class BookingForm(TimesForm):
    """The one booking form, from the calendar (which asks for the case) and from a case
    (which asks, for a session already held, its status and who came). Build it with
    :meth:`for_calendar`, :meth:`for_case` or :meth:`for_change`."""

    form_token = form_token_field()
    case = SelectField("Case", validators=[InputRequired(message="Choose the case.")])
    with_whom = RadioField(
        "Who is expected",
        default="all",
        validate_choice=False,  # the booking service says which partners a case has
        description="A session with one partner is theirs alone: the other partner sees "
        "nothing of it, not even that it took place.",
    )
    service = SelectField(
        "Charged as",
        default="",
        description="What the session is charged as once held. By who comes: with both "
        "partners, the practice's joint service; with one person, its individual one.",
    )
    mode = RadioField(
        "Where",
        choices=choices(SessionMode.labels()),
        default=SessionMode.IN_PERSON.value,  # also when a form leaves it out
        description="A video session’s link is shown to the partners it is with, in their "
        "portal from 15 minutes before the start, in their reminder and calendar.",
    )
    joint_reason = optional_text(
        "Why see them together now",
        "Needed only while work together is held for this couple (a pause, or a "
        "partner's private word that they do not feel safe). Seen only by you.",
        rows=2,
    )
    consent_reason = TextAreaField(
        "Why see them together before both have signed",
        validators=[Length(max=5000)],
        description="Needed only while a partner has not signed the practice's current "
        "consent documents. Kept with the session for you alone, and noted on the audit trail.",
        render_kw={"rows": 2},
    )
    repeat = SelectField("Repeats", choices=choices(REPEAT_CHOICES), default="0")
    until = DateField(
        "Last session on or before",
        validators=[Optional(), bookable],
        description="A repeating session needs an end: this date, or a number of sessions.",
    )
    count = IntegerField(
        "Number of sessions",
        validators=[Optional(), NumberRange(min=2, max=52, message="Between 2 and 52.")],
        render_kw={"inputmode": "numeric", "min": 2, "max": 52},
    )
    status = SelectField("Status", choices=choices(SessionStatus.labels()), default="scheduled")
    attendees = MultiCheckboxField("Who came", description="For attended sessions.")
    handout_summary = optional_text(
        "For the couple’s handout",
        "What the session worked on, in words you are happy for the partners to "
        "read and take home. Never copied from the note.",
    )

    @classmethod
    def for_calendar(cls, cases, partners=(), **kwargs) -> "BookingForm":
        """Booking from the diary: the case is chosen here; sessions to come only."""
        form = cls(**kwargs)
        form.case.choices = choices({"": "Choose a case…"} | {str(c.id): c.label for c in cases})
        del form.status, form.attendees, form.handout_summary
        form._expected(partners)
        return form

    @classmethod
    def for_case(cls, partners, **kwargs) -> "BookingForm":
        """Booking or recording a session of one case."""
        form = cls(**kwargs)
        del form.case
        form._expected(partners)
        return form

    @classmethod
    def for_change(cls, partners, **kwargs) -> "BookingForm":
        """Changing one session of a case: no case to choose, nothing to repeat."""
        form = cls.for_case(partners, **kwargs)
        del form.repeat, form.until, form.count
        return form

    def _expected(self, partners) -> None:
        self.with_whom.choices = choices(expected_choices(partners))
        if self.attendees is not None:
            self.attendees.choices = choices({p.position: p.name for p in partners})
        self.service.choices = choices(service_choices())

    def keep_service(self, service_id: int | None) -> None:
        """Offer the session's own service too, should the practice no longer offer it."""
        if service_id is None or any(c.value == str(service_id) for c in self.service.choices):
            return
        if (service := db.session.get(Service, service_id)) is not None:
            self.service.choices = [*self.service.choices, *choices({service.id: service.label})]

    @property
    def invitees(self) -> tuple[str, ...]:
        """The partners the session is with, as stored: none named means the whole case."""
        return () if self.with_whom.data in (None, "all") else (self.with_whom.data,)

    def booking(self, ignore: int | None = None) -> Booking:
        """What the counsellor asked for, as plain values for the booking service."""
        repeat = self.repeat is not None
        return Booking(
            day=self.day.data,
            start=self.time.data,
            minutes=self.duration.data,
            invitees=self.invitees,
            status=SessionStatus(self.status.data)
            if self.status is not None
            else SessionStatus.SCHEDULED,
            attendees=tuple(self.attendees.data or ()) if self.attendees is not None else (),
            joint_reason=(self.joint_reason.data or "").strip() or None,
            consent_reason=(self.consent_reason.data or "").strip() or None,
            service_id=int(self.service.data) if self.service.data else None,
            handout_summary=(self.handout_summary.data or "").strip()
            if self.handout_summary is not None
            else "",
            mode=SessionMode(self.mode.data or SessionMode.IN_PERSON),
            every_weeks=int(self.repeat.data) if repeat else 0,
            until=self.until.data if repeat else None,
            count=self.count.data if repeat else None,
            ignore=ignore,
        )


def service_choices() -> dict[str, str]:
    """The services a session can be charged as, after "by who comes" (the defaults)."""
    services = active_services()
    defaults = {s.default_for: s.code for s in services if s.default_for is not None}
    joint, individual = defaults.get(DefaultFor.JOINT), defaults.get(DefaultFor.INDIVIDUAL)
    by_who = "By who comes"
    if joint and individual:
        by_who += f": {joint} or {individual}"
    return {"": by_who} | {str(s.id): s.label for s in services}


def expected_choices(partners) -> dict[str, str]:
    """Who a session can be with, by name: "Alex and Jordan", "Alex only", "Jordan only"."""
    names = [p.first_name for p in partners]
    if len(names) < 2:
        return {"all": names[0] if names else "Everyone in the case"}
    return {"all": " and ".join(names)} | {p.position: f"{p.first_name} only" for p in partners}


class CancelForm(Form):
    reason = required_text(
        "Reason",
        "Say why the session is cancelled.",
        "Kept with the session for you; clients see only that it is cancelled.",
        limit=500,
        too_long="Keep the reason under 500 characters.",
        rows=2,
        filters=[stripped],
    )
    late = BooleanField("Late cancellation (inside the practice’s notice period)")


class EndSeriesForm(PlainDatesForm):
    after = DateField(
        "Last session on",
        validators=[InputRequired(message="Enter the date of the last session to keep.")],
        description="Scheduled sessions after this date are cancelled; earlier ones stay.",
    )


class FeedNamesForm(Form):
    show_names = BooleanField("Show couples’ names in my calendar feed")


# --- Answering a client's request to move or cancel a session ------------------------


class AcceptMoveForm(Form):
    """Which of the times the partner gave the session moves to (choices set by the view)."""

    chosen = RadioField(
        "Move the session to",
        validators=[InputRequired(message="Choose one of the times they gave.")],
    )


class DeclineForm(Form):
    message = required_text(
        "Your answer",
        "Say why, in a sentence they will read in their portal.",
        "Shown in the portal to the partner who asked, and to nobody else. "
        "Their email says only that you have answered.",
        limit=1000,
        too_long="Keep it under 1,000 characters.",
        rows=2,
        filters=[stripped],
    )


class SuggestForm(PlainDatesForm):
    day = DateField("Date", validators=[InputRequired(message="Enter the date."), bookable])
    time = TimeField("Start time", validators=[InputRequired(message="Enter the start time.")])
    message = optional_text(
        "A word with it (optional)",
        "Shown with the suggestion to the partner who asked, and to nobody else.",
        rows=2,
        limit=1000,
    )
