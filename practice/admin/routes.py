"""The owner's pages: accounts, practice settings and the audit trail."""

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user

from practice import audit
from practice.admin import audit_trail
from practice.admin.access import get_staff_account_or_404
from practice.admin.forms import CounsellorForm, SettingsForm
from practice.audit.labels import action_label
from practice.auth.access import owner_required
from practice.auth.forms import EmptyForm
from practice.auth.models import Role, User, end_sessions
from practice.cases.models import Invitation
from practice.cases.services import forget_kept_links, invitation_problem
from practice.dates import practice_today
from practice.extensions import db
from practice.forms import form_page
from practice.mail import deliver, deliverable, smtp_configured
from practice.mail.models import OutboundEmail
from practice.pagination import paginate
from practice.settings import practice_settings

bp = Blueprint("admin", __name__)


@bp.get("/")
@owner_required
def index():
    """The owner's landing page is the account list."""
    return redirect(url_for("admin.accounts"))


@bp.get("/accounts")
@owner_required
def accounts():
    """Counsellor and owner accounts of the practice."""
    page = paginate(
        sa.select(User).where(User.role != Role.CLIENT).order_by(User.active.desc(), User.name),
        per_page=50,
    )
    return render_template("admin/accounts.html", page=page, form=EmptyForm())


@bp.route("/accounts/new", methods=["GET", "POST"])
@owner_required
def new_account():
    """Create a counsellor account."""
    form = CounsellorForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        if db.session.scalar(sa.select(User.id).where(User.email == email)):
            form.email.errors.append("An account with this email already exists.")
            return form_page("admin/account_new.html", form)
        user = User(name=form.name.data.strip(), email=email, role=Role.COUNSELLOR)
        user.set_password(form.password.data)
        db.session.add(user)
        db.session.flush()
        audit.record("account.create", user, role=user.role.value)
        flash(f"{user.name} can now log in as {user.email}.", "success")
        return redirect(url_for("admin.accounts"))
    return form_page("admin/account_new.html", form)


@bp.post("/accounts/<int:user_id>/deactivate")
@owner_required
def deactivate(user_id: int):
    """Stop an account logging in; it is logged out on its next request."""
    user = get_staff_account_or_404(user_id)
    if user.id == current_user.id:
        flash("You cannot deactivate your own account.", "warning")
        return redirect(url_for("admin.accounts")), 303
    user.active = False
    end_sessions(user)
    audit.record("account.deactivate", user)
    flash(f"{user.name} can no longer log in.", "success")
    return redirect(url_for("admin.accounts"))


@bp.post("/accounts/<int:user_id>/reactivate")
@owner_required
def reactivate(user_id: int):
    """Let a deactivated account log in again."""
    user = get_staff_account_or_404(user_id)
    user.active = True
    audit.record("account.reactivate", user)
    flash(f"{user.name} can log in again.", "success")
    return redirect(url_for("admin.accounts"))


@bp.route("/settings", methods=["GET", "POST"])
@owner_required
def settings():
    """The practice's name, address, time zone, paper size and support resources."""
    current = practice_settings()
    form = SettingsForm(obj=current)
    if form.validate_on_submit():
        if current.id is None:
            db.session.add(current)
        form.populate_obj(current)
        audit.record("settings.change", current)
        flash("Practice settings saved.", "success")
        return redirect(url_for("admin.settings"))
    return form_page("admin/settings.html", form, timezones=form.timezone_choices())


@bp.get("/audit")
@owner_required
def audit_log():
    """The audit trail, newest first, filtered by action, person, case and dates."""
    filters = audit_trail.read_filters(request.args)
    people = audit_trail.match_people(filters["person"])
    page = paginate(audit_trail.events_query(filters, people), per_page=50)
    audit.record("audit.view", filters={k: v for k, v in filters.items() if v})
    return render_template(
        "admin/audit.html",
        page=page,
        filters=filters,
        chosen={key: value for key, value in filters.items() if value},
        people=people,
        names=audit_trail.Names(page.items),
        actions=audit_trail.action_choices(),
        action_label=action_label,
        detail_text=audit_trail.detail_text,
    )


@bp.get("/audit.csv")
@owner_required
def audit_export():
    """The audit trail as filtered on the page, as a CSV file, streamed as it is read."""
    filters = audit_trail.read_filters(request.args)
    people = audit_trail.match_people(filters["person"])
    query = audit_trail.events_query(filters, people)
    audit.record("audit.export", filters={k: v for k, v in filters.items() if v})
    stamp = practice_today().isoformat()
    return Response(
        stream_with_context(audit_trail.export_rows(query)),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="audit-trail-{stamp}.csv"',
            "Cache-Control": "no-store",
        },
    )


@bp.get("/outbox")
@owner_required
def outbox():
    """Every message the practice sent, or would have sent without SMTP."""
    page = paginate(sa.select(OutboundEmail).order_by(OutboundEmail.id.desc()), per_page=50)
    return render_template(
        "admin/outbox.html",
        page=page,
        smtp=smtp_configured(),
        deliverable=deliverable,
        form=EmptyForm(),
    )


@bp.post("/outbox/<int:email_id>/send")
@owner_required
def send_email(email_id: int):
    """Send a message waiting in the outbox (after SMTP is set up, or after a failure)."""
    message = db.get_or_404(OutboundEmail, email_id)
    back = redirect(url_for("admin.outbox"), 303)
    invitation = db.session.scalar(sa.select(Invitation).where(Invitation.email_id == message.id))
    if invitation is not None and invitation_problem(invitation):
        forget_kept_links([message.id])
        flash("Its link no longer works (used, replaced or expired); nothing was sent.", "info")
        return back
    if not smtp_configured():
        flash("Email is not set up (SMTP_HOST), so nothing can be sent from here.", "warning")
        return back
    if not deliverable(message):
        flash("This message was sent already, or its one-time link was not kept.", "info")
        return back
    if deliver(message):
        audit.record("outbox.send", message, case_id=message.case_id)
        flash(f"Sent to {message.to}.", "success")
    else:
        audit.record("outbox.send_failed", message, case_id=message.case_id)
        flash(f"Sending failed: {message.error}", "warning")
    return back
