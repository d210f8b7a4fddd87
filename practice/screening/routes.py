"""The counsellor's side of safety: each partner's private screen, and pausing joint work."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import TextAreaField
from wtforms.validators import InputRequired, Length

from practice import audit
from practice.auth.access import counsellor_required
from practice.cases.access import get_case_or_404, partner_at_or_404
from practice.cases.pauses import PauseReason, lift_pause, pause_joint_work
from practice.dates import practice_today
from practice.forms import (
    Form,
    form_page,
    optional_text,
    required_choice,
    restoring,
    stripped,
)
from practice.screening.access import get_partner_screen_or_404
from practice.screening.alerts import open_alerts, resolve_all
from practice.screening.forms import screen_form_class
from practice.screening.items import ITEMS
from practice.screening.models import TakenBy
from practice.screening.saving import save_screen

bp = Blueprint("screening", __name__)


class PauseForm(Form):
    reason = required_choice("Why", "Say why.", PauseReason.labels())
    note = optional_text(
        "Your note",
        "Seen only by you. The partners see the same “paused by your counsellor” "
        "whatever the reason.",
        default="",
        filters=[stripped],
    )


class LiftForm(Form):
    note = TextAreaField(
        "Why the couple can work together again",
        validators=[
            InputRequired("Give the reason: it is kept with the record."),
            Length(max=5000),
        ],
        render_kw={"rows": 3},
        filters=[stripped],
    )


@bp.route("/partners/<any(a, b):position>/screen", methods=["GET", "POST"])
@counsellor_required
def screen(case_id: int, position: str):
    """Ask one partner the safety questions, apart from the other partner."""
    case = get_case_or_404(case_id)
    partner = partner_at_or_404(case, position)
    form = screen_form_class(in_portal=False)()
    if request.method == "GET" and not restoring():
        form.taken_on.data = practice_today()
    if form.validate_on_submit():
        save_screen(form, partner, taken_by=TakenBy.COUNSELLOR, taken_on=form.taken_on.data)
        flash(f"{partner.first_name}’s answers are saved, for you alone.", "success")
        return redirect(url_for("cases.safety", case_id=case.id))
    return form_page("screening/screen_form.html", form, case=case, partner=partner)


@bp.get("/screens/<int:screen_id>")
@counsellor_required
def show_screen(case_id: int, screen_id: int):
    """One partner's answers; each reading is on the audit trail."""
    case = get_case_or_404(case_id)
    made = get_partner_screen_or_404(case, screen_id)
    audit.record("screen.view", made)
    return render_template("screening/screen.html", case=case, screen=made, items=ITEMS)


@bp.route("/joint-work/pause", methods=["GET", "POST"])
@counsellor_required
def pause(case_id: int):
    """Pause the couple's work together, for any reason."""
    case = get_case_or_404(case_id)
    form = PauseForm()
    if form.validate_on_submit():
        pause_joint_work(case, PauseReason(form.reason.data), form.note.data, current_user)
        flash(
            "Work together is paused. The partners see the exercises that involve their "
            "partner set aside by their counsellor for now, the same for any reason.",
            "success",
        )
        return redirect(url_for("cases.show", case_id=case.id))
    return form_page("screening/pause.html", form, case=case, mode="pause")


@bp.route("/joint-work/lift", methods=["GET", "POST"])
@counsellor_required
def lift(case_id: int):
    """Let the couple work together again, with the reason on record."""
    case = get_case_or_404(case_id)
    form = LiftForm()
    if form.validate_on_submit():
        lift_pause(case, form.note.data, current_user)
        resolve_all(case, current_user, form.note.data)
        flash("Work together can go on again.", "success")
        return redirect(url_for("cases.show", case_id=case.id))
    return form_page("screening/pause.html", form, case=case, mode="lift")


@bp.route("/alerts/seen", methods=["GET", "POST"])
@counsellor_required
def alert_seen(case_id: int):
    """The counsellor has dealt with a partner's “I don't feel safe”: the holds end."""
    case = get_case_or_404(case_id)
    alerts = open_alerts(case)
    if not alerts:
        return redirect(url_for("cases.safety", case_id=case.id))
    form = LiftForm()
    form.note.label.text = "What you did about it"
    if form.validate_on_submit():
        for resolved in resolve_all(case, current_user, form.note.data):
            audit.record("alert.resolve", resolved)
        flash("Marked as dealt with.", "success")
        return redirect(url_for("cases.safety", case_id=case.id))
    return form_page("screening/pause.html", form, case=case, mode="alert", alerts=alerts)
