"""The counsellor's diary (week and day), the owner's view of every diary, and booking."""

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from practice import audit
from practice.auth.access import counsellor_required, owner_required
from practice.calendar import diary
from practice.calendar.blueprint import bp
from practice.calendar.forms import DiaryForm, ScheduleForm
from practice.calendar.models import SessionSeries
from practice.calendar.recurrence import (
    ScheduleError,
    occurrence_days,
    series_slots,
    slot,
    week_start,
    zone_named,
)
from practice.calendar.services import SeriesPlan, book, book_series, series_sessions
from practice.cases.access import caseload, get_case_or_404
from practice.cases.models import Case, CaseStatus
from practice.dates import practice_today, practice_zone
from practice.extensions import db
from practice.forms import form_page, restoring
from practice.idempotency import create_once
from practice.screening.holds import joint_session_problem
from practice.sessions.models import Session
from practice.settings import practice_settings

OPEN = (CaseStatus.INTAKE, CaseStatus.ACTIVE, CaseStatus.PAUSED)


def _zone_problem() -> str | None:
    try:
        zone_named(practice_settings().timezone)
    except ScheduleError as exc:
        return str(exc)
    return None


@bp.get("/")
@counsellor_required
def index():
    """The calendar starts at this week."""
    return redirect(url_for("calendar.week"))


@bp.get("/week")
@counsellor_required
def week():
    """A counsellor's week, Monday to Sunday: their own, or (for the owner) anyone's."""
    form = DiaryForm(request.args)
    if not form.validate():
        return form_page("calendar/week.html", form, holder=current_user, days=[], found={})
    holder = diary.diary_holder(form.counsellor.data)
    shown = _week(form)
    found = diary.entries([holder.id], shown["days"][0], shown["days"][-1], practice_zone())
    return render_template(
        "calendar/week.html",
        form=form,
        holder=holder,
        found=found.get(holder.id, {}),
        zone_problem=_zone_problem(),
        **shown,
    )


def _week(form: DiaryForm) -> dict:
    """The week asked for (this one by default): its days, today, and the weeks either side."""
    monday = week_start(form.start.data or practice_today())
    return {
        "days": diary.days(monday, 7),
        "today": practice_today(),
        "previous": monday - timedelta(weeks=1),
        "next": monday + timedelta(weeks=1),
    }


@bp.get("/day")
@counsellor_required
def day():
    """One day of a counsellor's diary, hour by hour."""
    form = DiaryForm(request.args)
    if not form.validate():
        return form_page("calendar/day.html", form, holder=current_user, day=None, found=[])
    holder = diary.diary_holder(form.counsellor.data)
    shown = form.date.data or practice_today()
    found = diary.entries([holder.id], shown, shown, practice_zone()).get(holder.id, {})
    return render_template(
        "calendar/day.html",
        form=form,
        holder=holder,
        day=shown,
        found=found.get(shown, []),
        previous=shown - timedelta(days=1),
        next=shown + timedelta(days=1),
        today=practice_today(),
        zone_problem=_zone_problem(),
    )


@bp.get("/practice")
@owner_required
def practice_week():
    """The owner's view: every counsellor's week side by side, times and case labels only."""
    form = DiaryForm(request.args)
    if not form.validate():
        return form_page("calendar/practice.html", form, people=[], days=[], found={})
    shown = _week(form)
    people = diary.staff()
    found = diary.entries(
        [p.id for p in people], shown["days"][0], shown["days"][-1], practice_zone()
    )
    return render_template("calendar/practice.html", form=form, people=people, found=found, **shown)


def _open_cases() -> list[Case]:
    return list(db.session.scalars(caseload().where(Case.status.in_(OPEN)).order_by(Case.label)))


@bp.route("/new", methods=["GET", "POST"])
@counsellor_required
def new():
    """Book a session for a case, once or every week or fortnight up to an end."""
    form = ScheduleForm(cases=_open_cases())
    if request.method == "GET" and not restoring():
        prefill = DiaryForm(request.args)
        if not prefill.validate() and prefill.date.errors:
            flash(f"{prefill.date.errors[0]} Today is offered instead.", "warning")
        form.day.data = (prefill.date.data if not prefill.date.errors else None) or practice_today()
        form.case.data = request.args.get("case", "")
    if form.validate_on_submit():
        case = get_case_or_404(int(form.case.data))
        try:
            return _book(form, case)
        except ScheduleError as exc:
            place_error(form, exc)
    return form_page("calendar/new.html", form, zone=practice_settings().timezone)


def place_error(form, error: ScheduleError) -> None:
    """Put the refusal beside the field it is about, or above the form."""
    field = form._fields.get(error.field) if error.field else None
    if field is None:
        form.form_errors.append(str(error))
    else:
        field.errors = [*field.errors, str(error)]


def _book(form: ScheduleForm, case: Case):
    zone = zone_named(practice_settings().timezone)
    invitees = _invitees(form, case)
    reason = (form.joint_reason.data or "").strip() or None
    if problem := joint_session_problem(case, invitees, reason):
        raise ScheduleError(problem, "joint_reason")
    every = int(form.repeat.data)
    if every == 0:

        def make():
            made = book(case, slot(form.day.data, form.start.data, form.end.data, zone), invitees)
            made.joint_reason = reason
            return made

        session, created = create_once(Session, form.form_token.data, make)
        if created:
            audit.record("session.schedule", session, invitees=invitees)
            flash(f"Session booked with {case.label}.", "success")
        return redirect(week_of(session))
    if form.until.data and form.count.data:
        raise ScheduleError(
            "Give either the date of the last session or a number of sessions, not both.", "count"
        )
    days = occurrence_days(form.day.data, every, form.until.data, form.count.data)
    slots = series_slots(days, form.start.data, form.end.data, zone)
    plan = SeriesPlan(
        every, form.start.data, form.end.data, zone.key, form.until.data, form.count.data
    )

    def make_series():
        made = book_series(case, slots, plan, invitees, current_user)
        db.session.flush()
        for session in series_sessions(made):
            session.joint_reason = reason
        return made

    series, created = create_once(SessionSeries, form.form_token.data, make_series)
    if created:
        audit.record("series.create", series, sessions=len(slots), every_weeks=every)
        flash(
            f"{len(slots)} sessions booked with {case.label}, "
            f"{series.repeat_label.lower()} until {days[-1].day} {days[-1]:%b %Y}.",
            "success",
        )
    return redirect(url_for("calendar.week", start=series.first_day.isoformat()))


def _invitees(form: ScheduleForm, case: Case) -> list[str]:
    if form.with_whom.data == "all":
        return []
    if case.partner(form.with_whom.data) is None:
        raise ScheduleError("This case has only one partner.", "with_whom")
    return [form.with_whom.data]


def week_of(session: Session) -> str:
    return url_for("calendar.week", start=session.starts_at.astimezone(practice_zone()).date())
