"""The counsellor's diary (week and day), the owner's view of every diary, and booking."""

from datetime import timedelta

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from practice.auth.access import counsellor_required, owner_required
from practice.bounds import is_id
from practice.calendar import diary
from practice.calendar.access import diary_holder
from practice.calendar.blueprint import bp
from practice.calendar.booking import book, booked_message, local_day
from practice.calendar.forms import BookingForm, DiaryForm
from practice.calendar.recurrence import ScheduleError, week_start, zone_named
from practice.cases.access import caseload, get_case_or_404
from practice.cases.models import Case, CaseStatus
from practice.consent.gate import gap as consent_gap
from practice.dates import practice_today, practice_zone
from practice.extensions import db
from practice.forms import form_page, problems_beside_fields, restoring
from practice.screening.holds import joint_work_held
from practice.settings import practice_settings

OPEN = (CaseStatus.INTAKE, CaseStatus.ACTIVE, CaseStatus.PAUSED)


def _zone_problem() -> str | None:
    try:
        zone_named(practice_settings().timezone)
    except ScheduleError as exc:
        return str(exc)
    return None


def _own(holder) -> bool:
    """Whether the diary shown is the reader's own: only then does it carry video links."""
    return holder.id == current_user.id


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
    holder = diary_holder(form.counsellor.data)
    shown = _week(form)
    found = diary.entries(
        [holder.id], shown["days"][0], shown["days"][-1], practice_zone(), links=_own(holder)
    )
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
    holder = diary_holder(form.counsellor.data)
    shown = form.date.data or practice_today()
    found = diary.entries([holder.id], shown, shown, practice_zone(), links=_own(holder))
    found = found.get(holder.id, {})
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
    cases = _open_cases()
    chosen = _chosen_case(cases)
    form = BookingForm.for_calendar(cases, chosen.partners if chosen else ())
    if request.method == "GET" and not restoring():
        prefill = DiaryForm(request.args)
        if not prefill.validate() and prefill.date.errors:
            flash(f"{prefill.date.errors[0]} Today is offered instead.", "warning")
        form.day.data = (prefill.date.data if not prefill.date.errors else None) or practice_today()
        form.case.data = str(chosen.id) if chosen else ""
    if form.validate_on_submit():
        case = get_case_or_404(int(form.case.data))
        with problems_beside_fields(form, ScheduleError):
            made, created = book(
                case,
                form.booking(),
                zone_named(practice_settings().timezone),
                current_user,
                form.form_token.data,
            )
            if created:
                flash(booked_message(case, made), "success")
            return redirect(url_for("calendar.week", start=local_day(made).isoformat()))
    return form_page(
        "calendar/new.html",
        form,
        zone=practice_settings().timezone,
        chosen=chosen,
        held=chosen is not None and joint_work_held(chosen),
        consent_gap=consent_gap(chosen) if chosen is not None else [],
    )


def _chosen_case(cases: list[Case]) -> Case | None:
    """The case being booked, once chosen: sent with the form, or named in the address
    (someone else's case answers 404 there)."""
    wanted = request.values.get("case", type=int)
    if wanted is None or not is_id(wanted):
        return None
    if request.method == "GET":
        get_case_or_404(wanted)
    return next((c for c in cases if c.id == wanted), None)
