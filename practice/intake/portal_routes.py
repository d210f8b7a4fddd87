"""A partner's own intake form in the portal: filled in as a draft, then sent once.

Reached only through ``current_partner()``: the page shows the reader's own draft
or answers and nothing of the other partner's, who has a form of their own.
"""

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user

from practice import audit
from practice.auth.access import client_required
from practice.cases.models import CaseStatus
from practice.database import now_utc
from practice.dates import local
from practice.forms import form_page, restoring
from practice.intake import access
from practice.intake.answers import (
    AlreadySent,
    AnswersProblem,
    draft_on_form_in_use,
    keep_draft,
    submit,
)
from practice.intake.forms import AnswersForm
from practice.intake.forms_in_use import form_in_use, questions_in_use
from practice.portal.access import current_partner

bp = Blueprint("portal_intake", __name__)

CLOSED = "Your counselling here has ended, so this form can no longer be changed."
SENT = "You have already sent this form, so it cannot be changed now. Your answers are below."


@bp.route("/intake", methods=["GET", "POST"])
@client_required
def intake():
    """The partner's intake form: their draft to carry on with, or what they sent."""
    partner = current_partner()
    mine = access.own_answers(partner)
    if mine is not None and mine.submitted and request.method == "GET":
        audit.record("intake.view", mine, reader=partner.position, by="client")
        return form_page(
            "intake/portal.html", AnswersForm.for_questions([]), partner=partner, sent=mine
        )
    closed = CLOSED if partner.case.status is CaseStatus.CLOSED else None
    questions = form_in_use().question_list if request.method == "POST" else None
    form = AnswersForm.for_questions(questions or questions_in_use()[1])
    if request.method == "GET" and not restoring():
        form.fill(draft_on_form_in_use(partner))
    if form.is_submitted() and form.validate() and not closed:
        sending = request.form.get("action") == "send"
        try:
            if sending:
                sent = submit(partner, form.given(), current_user, now_utc())
            else:
                keep_draft(partner, form.given())
        except AnswersProblem as problem:
            form.place(problem.problems)
        except AlreadySent:
            form.form_errors.append(SENT + " What you typed just now is below.")
            page, _ = _page(form, partner, None)
            return page, 409
        else:
            if sending:
                audit.record("intake.submit", sent, by="client")
                flash("Thank you: your answers have gone to your counsellor.", "success")
                return redirect(url_for("portal_intake.intake"))
            flash("Saved as a draft. Only you can see it: come back to it at any time.", "success")
            return redirect(url_for("portal.home"))
    elif form.is_submitted() and closed:
        form.form_errors.append(closed + " What you typed is below; copy it to keep it.")
        page, _ = _page(form, partner, closed)
        return page, 409
    return _page(form, partner, closed)


def _page(form, partner, closed):
    return form_page("intake/portal.html", form, partner=partner, sent=None, closed=closed)


@bp.post("/intake/draft")
@client_required
def draft():
    """Keep what the partner has typed so far as their own draft; JSON in and out."""
    partner = current_partner()
    if partner.case.status is CaseStatus.CLOSED:
        return {"saved": False, "error": CLOSED}, 409
    form = AnswersForm.for_questions(form_in_use().question_list)
    if not form.validate():
        return {"saved": False, "error": "This form has expired; reload the page."}, 400
    try:
        keep_draft(partner, form.given())
    except AnswersProblem as problem:
        return {"saved": False, "error": next(iter(problem.problems.values()))}, 400
    except AlreadySent:
        return {"saved": False, "error": SENT}, 409
    return {"saved": True, "at": local(now_utc()).strftime("%H:%M")}
