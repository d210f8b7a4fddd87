"""The owner's consent documents: a draft of each, reviewed, then published as a version."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from practice import audit
from practice.auth.access import owner_required
from practice.auth.forms import EmptyForm
from practice.consent import access
from practice.consent import documents as docs
from practice.consent.forms import DocumentForm
from practice.consent.models import (
    DOCUMENT_KINDS,
    ConfidentialityPolicy,
    DocumentKind,
)
from practice.consent.rules import blocks
from practice.database import now_utc
from practice.forms import form_page, problems_beside_fields

bp = Blueprint("admin_consent", __name__)

KINDS = "any(counselling, confidentiality, privacy, video)"


@bp.get("/")
@owner_required
def index():
    """Each document: the version in use, a draft if there is one, or Mend's template."""
    return render_template(
        "consent/admin.html",
        kinds=DOCUMENT_KINDS,
        current=docs.current_documents(),
        drafts=docs.drafts(),
    )


def _policy(value) -> ConfidentialityPolicy | None:
    try:
        return ConfidentialityPolicy(value)
    except ValueError:
        return None


@bp.route(f"/<{KINDS}:kind>", methods=["GET", "POST"])
@owner_required
def edit(kind: str):
    """Write the draft of the next version (from the one in use, or Mend's template), and
    publish it."""
    kind = access.kind_or_404(kind)
    draft = docs.draft_of(kind)
    current = docs.current_documents().get(kind)
    form = DocumentForm()
    if kind is not DocumentKind.CONFIDENTIALITY:
        del form.policy
    if request.method == "GET":
        _fill(form, kind, draft or current, request.args.get("template"))
    if form.validate_on_submit():
        publishing = request.form.get("action") == "publish"
        policy = _policy(form.policy.data) if form.policy is not None else None
        with problems_beside_fields(form, docs.DocumentProblem):
            saved = docs.save_draft(
                kind, form.title.data or "", form.body.data or "", policy, current_user, now_utc()
            )
            if publishing:
                saved = docs.publish(kind, current_user, now_utc())
                audit.record("consent.publish", saved, document=kind.value, version=saved.version)
                flash(
                    f"Version {saved.version} of “{saved.title}” is published. Partners are "
                    "asked to sign it in their portal.",
                    "success",
                )
                return redirect(url_for("admin_consent.index"))
            flash("Draft saved. Partners see nothing of it until you publish it.", "success")
            return redirect(url_for("admin_consent.edit", kind=kind.value))
    return form_page(
        "consent/admin_edit.html",
        form,
        kind=kind,
        label=DOCUMENT_KINDS[kind],
        draft=draft,
        current=current,
        policies=ConfidentialityPolicy.labels(),
        discard=EmptyForm(),
    )


def _fill(form: DocumentForm, kind: DocumentKind, document, wanted: str | None) -> None:
    """Start from the draft, else the version in use, else (or when asked) Mend's template."""
    if document is not None and wanted is None:
        form.title.data, form.body.data = document.title, document.body
        if form.policy is not None and document.policy:
            form.policy.data = document.policy.value
        return
    policy = _policy(wanted) if kind is DocumentKind.CONFIDENTIALITY else None
    form.title.data, form.body.data = docs.template(kind, policy)
    if form.policy is not None:
        form.policy.data = (policy or ConfidentialityPolicy.LIMITED_SECRETS).value


@bp.post(f"/<{KINDS}:kind>/discard")
@owner_required
def discard(kind: str):
    """Throw a draft away; the version in use stays."""
    kind = access.kind_or_404(kind)
    if EmptyForm().validate_on_submit():
        docs.discard_draft(kind)
        flash("Draft discarded.", "success")
    return redirect(url_for("admin_consent.index"))


@bp.get(f"/<{KINDS}:kind>/versions/<int:version>")
@owner_required
def version(kind: str, version: int):
    """A published version, its hash checked, and the versions before it."""
    kind = access.kind_or_404(kind)
    document = access.version_or_404(kind, version)
    return render_template(
        "consent/admin_version.html",
        document=document,
        blocks=blocks(document.body),
        versions=docs.versions_of(kind),
    )
