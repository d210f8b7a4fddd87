"""A partner's intake answers on the counsellor's side: read once sent, or entered for them."""

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user

from practice import audit
from practice.auth.access import counsellor_required
from practice.cases.access import get_case_or_404
from practice.database import now_utc
from practice.forms import form_page
from practice.intake import access
from practice.intake.answers import AlreadySent, AnswersProblem, submit
from practice.intake.forms import AnswersForm
from practice.intake.forms_in_use import form_in_use, questions_in_use

bp = Blueprint("intake", __name__)


@bp.route("/partners/<any(a, b):position>/intake", methods=["GET", "POST"])
@counsellor_required
def answers(case_id: int, position: str):
    """What the partner answered; until they have sent it, the form to fill in with them."""
    case = get_case_or_404(case_id)
    partner = access.partner_or_404(case, position)
    found = access.answers_for_counsellor(partner)
    if found is not None and found.submitted and request.method == "GET":
        audit.record("intake.view", found, reader=position)
        return form_page(
            "intake/answers.html",
            AnswersForm.for_questions([]),
            case=case,
            partner=partner,
            sent=found,
            started=None,
        )
    questions = form_in_use().question_list if request.method == "POST" else None
    # Always empty at first: a partner's draft is theirs alone until they send it.
    form = AnswersForm.for_questions(questions or questions_in_use()[1])
    if form.validate_on_submit():
        try:
            sent = submit(partner, form.given(), current_user, now_utc())
        except AnswersProblem as problem:
            form.place(problem.problems)
        except AlreadySent:
            form.form_errors.append(
                f"{partner.first_name} sent their own answers while you were writing, so yours "
                "were not saved. What you typed is below; their answers are on the case page."
            )
            page, _ = _page(form, case, partner, None)
            return page, 409
        else:
            audit.record("intake.submit", sent, by="counsellor", reader=position)
            flash(f"{partner.first_name}’s intake answers are saved.", "success")
            return redirect(url_for("cases.show", case_id=case.id))
    return _page(form, case, partner, found)


def _page(form, case, partner, started):
    return form_page(
        "intake/answers.html", form, case=case, partner=partner, sent=None, started=started
    )
