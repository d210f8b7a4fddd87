"""The portal's side of safety: a partner's own private screen, and “I don't feel safe”.

Both are reached from the Support box every client has on every portal page, and
both pages are the same for every client of every case, whatever their records
hold: a link or a page that showed only where concerns were noted would tell the
other partner. What a partner sends here goes to their counsellor alone; it is
never shown back in the portal (not even to its writer, since phones are shared),
and nothing in the other partner's portal changes.

The addresses and page titles say little ("questions", "contact"): they are what a
browser's history shows to whoever looks at it.
"""

from flask import Blueprint, flash, redirect, url_for

from practice import audit
from practice.auth.access import client_required
from practice.dates import practice_today
from practice.forms import Form, form_page, optional_text
from practice.idempotency import form_token_field
from practice.portal.access import current_partner
from practice.screening.alerts import raise_alert
from practice.screening.forms import screen_form_class
from practice.screening.models import TakenBy
from practice.screening.saving import save_screen

bp = Blueprint("portal_screening", __name__)

THANKS = "Thank you. Your answers went to your counsellor alone; they are not shown here again."
TOLD = (
    "Your counsellor has been told, privately, and will contact you. Nothing about this "
    "shows in your partner’s portal. If you are in danger now, use the numbers below."
)


class ContactForm(Form):
    form_token = form_token_field()
    message = optional_text(
        "Anything your counsellor should know (you can leave this empty)",
        "For example, when and how it is safe to contact you. Only your counsellor reads this.",
        limit=2000,
        too_long="Keep it under 2,000 characters.",
    )


@bp.route("/questions", methods=["GET", "POST"])
@client_required
def questions():
    """The safety questions, answered alone; the answers go to the counsellor only."""
    partner = current_partner()
    form = screen_form_class(in_portal=True)()
    if form.validate_on_submit():
        save_screen(form, partner, taken_by=TakenBy.CLIENT, taken_on=practice_today())
        flash(THANKS, "success")
        return redirect(url_for("portal.resources"))
    return form_page("screening/portal_questions.html", form, partner=partner)


@bp.route("/contact", methods=["GET", "POST"])
@client_required
def contact():
    """Tell the counsellor privately that one does not feel safe."""
    partner = current_partner()
    form = ContactForm()
    if form.validate_on_submit():
        alert, created = raise_alert(partner, form.message.data or "", form.form_token.data)
        if created:
            audit.record("alert.create", alert, by="client")
        flash(TOLD, "success")
        return redirect(url_for("portal.resources"))
    return form_page("screening/portal_contact.html", form, partner=partner)
