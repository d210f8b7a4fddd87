"""A person's own account: password, email, two-factor sign-in, and a counsellor's video room.

Changing the password, the email or two-factor sign-in asks for the current
password again, whatever the age of the session, and logs the other browsers
out. Those tries are throttled and counted (``practice.auth.reauth``).
"""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms import StringField
from wtforms.validators import ValidationError

from practice import audit
from practice.admin.models import VideoRooms
from practice.auth import reauth, two_factor
from practice.auth.access import counsellor_required
from practice.auth.forms import ChangeEmailForm, ChangePasswordForm, TwoFactorChangeForm
from practice.auth.models import User, end_sessions
from practice.auth.redirects import home_for
from practice.extensions import db
from practice.forms import Form, form_page
from practice.sessions.video import LinkProblem, check_link
from practice.settings import practice_settings

bp = Blueprint("account", __name__)
bp.register_error_handler(reauth.WrongPasswords, reauth.end_session)


@bp.route("/password", methods=["GET", "POST"])
@login_required
@reauth.throttled
def password():
    """Change one's own password; other browsers logged in as you are logged out."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not reauth.current_password_ok(form.current_password):
            audit.record("password.change_refused", current_user)
            return form_page("account/password.html", form)
        current_user.set_password(form.password.data)
        end_sessions(current_user, except_token=current_user.login_token)
        audit.record("password.change", current_user)
        flash("Your password has been changed. Other browsers were logged out.", "success")
        return redirect(home_for(current_user))
    return form_page("account/password.html", form)


@bp.route("/email", methods=["GET", "POST"])
@login_required
@reauth.throttled
def email():
    """Change the email one logs in with, confirmed by the password."""
    form = ChangeEmailForm()
    if form.validate_on_submit():
        new = form.email.data.strip().lower()
        if not reauth.current_password_ok(form.current_password):
            audit.record("email.change_refused", current_user)
            return form_page("account/email.html", form)
        if db.session.scalar(
            sa.select(User.id).where(User.email == new, User.id != current_user.id)
        ):
            form.email.errors.append("Another account already uses this email.")
            return form_page("account/email.html", form)
        audit.record("email.change", current_user, previous=current_user.email, new=new)
        current_user.email = new
        end_sessions(current_user, except_token=current_user.login_token)
        flash(f"You now log in as {new}. Other browsers were logged out.", "success")
        return redirect(home_for(current_user))
    return form_page("account/email.html", form)


@bp.get("/two-factor")
@login_required
def two_factor_status():
    """Two-factor sign-in: on or off, and setting it up with an authenticator app."""
    practice = practice_settings()
    qr = None
    if current_user.totp_secret and not current_user.two_factor:
        uri = two_factor.provisioning_uri(current_user, current_user.totp_secret, practice.name)
        qr = two_factor.qr_image(uri)
    return render_template(
        "account/two_factor.html",
        form=TwoFactorChangeForm(),
        qr=qr,
        required=bool(practice.require_two_factor),
    )


@bp.post("/two-factor/start")
@login_required
def two_factor_start():
    """Make a new secret to scan; it only counts once a code from it is confirmed."""
    if not current_user.two_factor:
        current_user.totp_secret = two_factor.new_secret()
        current_user.totp_last_step = None
    return redirect(url_for("account.two_factor_status"))


@bp.post("/two-factor/enable")
@login_required
@reauth.throttled
def two_factor_enable():
    """Turn two-factor sign-in on with the password and a first code; show recovery codes."""
    form = TwoFactorChangeForm()
    if current_user.two_factor or not current_user.totp_secret:
        return redirect(url_for("account.two_factor_status"))
    if form.validate_on_submit() and reauth.current_password_ok(form.current_password):
        if two_factor.check_code(current_user, form.code.data):
            codes = two_factor.enable(current_user)
            end_sessions(current_user, except_token=current_user.login_token)
            audit.record("two_factor.enable", current_user)
            return render_template("account/recovery_codes.html", codes=codes)
        form.code.errors.append("That code is not right. Check the app's clock and try the newest.")
    practice = practice_settings()
    uri = two_factor.provisioning_uri(current_user, current_user.totp_secret, practice.name)
    return form_page(
        "account/two_factor.html",
        form,
        qr=two_factor.qr_image(uri),
        required=bool(practice.require_two_factor),
    )


@bp.post("/two-factor/disable")
@login_required
@reauth.throttled
def two_factor_disable():
    """Turn it off again (not allowed where the practice requires it)."""
    form = TwoFactorChangeForm()
    required = bool(practice_settings().require_two_factor) and not current_user.is_client
    if not current_user.two_factor:
        return redirect(url_for("account.two_factor_status"))
    if required:
        form.form_errors.append("The practice requires two-factor sign-in for your account.")
    elif form.validate_on_submit() and reauth.current_password_ok(form.current_password):
        code = form.code.data
        if two_factor.check_code(current_user, code) or two_factor.use_recovery_code(
            current_user, code
        ):
            two_factor.disable(current_user)
            audit.record("two_factor.disable", current_user)
            flash("Two-factor sign-in is off.", "success")
            return redirect(url_for("account.two_factor_status"))
        form.code.errors.append("That code is not right.")
    return form_page("account/two_factor.html", form, qr=None, required=required)


class VideoRoomForm(Form):
    video_link = StringField(
        "Your video room",
        filters=[lambda value: (value or "").strip() or None],
        description="The https link of a room of yours on the practice's video service, "
        "e.g. https://meet.example.org/your-name. Leave it empty to have none.",
    )

    def validate_video_link(self, field):
        if field.data is None:
            return
        try:
            field.data = check_link(field.data)
        except LinkProblem as exc:
            raise ValidationError(str(exc)) from exc


@bp.route("/video", methods=["GET", "POST"])
@counsellor_required
def video_room():
    """A counsellor's standing video room, the link of their sessions by video."""
    form = VideoRoomForm(obj=current_user)
    if form.validate_on_submit():
        current_user.video_link = form.video_link.data
        audit.record("account.video_room", current_user, set=form.video_link.data is not None)
        saved = "saved" if form.video_link.data else "cleared"
        flash(f"Your video room is {saved}.", "success")
        return redirect(url_for("account.video_room"))
    per_session = practice_settings().video_rooms == VideoRooms.PER_SESSION
    return form_page("account/video.html", form, per_session=per_session)


def require_two_factor():
    """Where the practice requires it, staff without two-factor sign-in set it up first."""
    if (
        not current_user.is_authenticated
        or current_user.is_client
        or current_user.two_factor
        or request.endpoint in OPEN_WHILE_SETTING_UP
    ):
        return None
    if not practice_settings().require_two_factor:
        return None
    flash("This practice asks for two-factor sign-in. Please set it up to continue.", "warning")
    return redirect(url_for("account.two_factor_status"))


OPEN_WHILE_SETTING_UP = {
    "static",
    "auth.logout",
    "main.healthz",
    "account.two_factor_status",
    "account.two_factor_start",
    "account.two_factor_enable",
    "account.password",
}
