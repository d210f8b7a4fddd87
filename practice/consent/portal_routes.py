"""A partner reads and signs the practice's consent documents in the portal.

Reached only through ``current_partner()``: the pages show the reader's own
signatures and nothing about the other partner's (whether, when or where they signed).
"""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from practice import audit
from practice.auth.access import client_required
from practice.bounds import id_or_none
from practice.consent import access, letters
from practice.consent.documents import current_documents
from practice.consent.forms import SignForm
from practice.consent.models import DOCUMENT_KINDS
from practice.consent.rules import REQUIRED, VIDEO, blocks
from practice.consent.signatures import SignProblem, sign, signatures_of
from practice.database import now_utc
from practice.forms import form_page, place_problem
from practice.portal.access import current_partner
from practice.portal.appointments import upcoming_for
from practice.portal.first_steps import next_video_session

bp = Blueprint("portal_consent", __name__)

KINDS = "any(counselling, confidentiality, privacy, video)"


@bp.get("/consent")
@client_required
def index():
    """The practice's documents, what the partner has signed, and their signed copies."""
    partner = current_partner()
    current = current_documents()
    signatures = signatures_of(partner)
    signed_ids = {s.document_id for s in signatures}
    documents = [
        (current[kind], current[kind].id in signed_ids)
        for kind in DOCUMENT_KINDS
        if kind in current
    ]
    return render_template(
        "consent/portal_index.html",
        partner=partner,
        documents=documents,
        signatures=signatures,
        video_only=set(REQUIRED[VIDEO]) - set(REQUIRED["in-person"]),
        video_session=next_video_session(upcoming_for(partner, now_utc())),
    )


@bp.route(f"/consent/<{KINDS}:kind>", methods=["GET", "POST"])
@client_required
def document(kind: str):
    """One document to read, and to sign with one's typed name."""
    partner = current_partner()
    current = access.current_or_404(access.kind_or_404(kind))
    mine = {s.document_id: s for s in signatures_of(partner)}
    form = SignForm()
    if request.method == "GET":
        form.shown.data = str(current.id)
    if form.validate_on_submit() and current.id not in mine:
        try:
            signature, made = sign(
                partner,
                current,
                shown_id=id_or_none(form.shown.data or ""),
                typed_name=form.typed_name.data or "",
                agreed=bool(form.agree.data),
                address=request.remote_addr or "",
                user=current_user,
                now=now_utc(),
            )
        except SignProblem as problem:
            place_problem(form, problem)
            if problem.field == "form":
                form.shown.data = str(current.id)
        else:
            if made:
                audit.record("consent.sign", signature, document=current.kind.value)
            flash(f"Thank you: you have signed “{current.title}”.", "success")
            return redirect(url_for("portal_consent.index"))
    return form_page(
        "consent/portal_document.html",
        form,
        partner=partner,
        document=current,
        blocks=blocks(current.body),
        signed=mine.get(current.id),
    )


@bp.get("/consent/signatures/<int:signature_id>.pdf")
@client_required
def signed_copy(signature_id: int):
    """The partner's own signed copy of a document."""
    signature = access.own_signature_or_404(current_partner(), signature_id)
    return letters.signed_copy_pdf(signature, by="client")
