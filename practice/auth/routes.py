"""Logging in and out, and changing one's own password."""

import sqlalchemy as sa
from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import validate_csrf
from wtforms.validators import ValidationError

from practice import audit, parking
from practice.auth import pending
from practice.auth.cookie import leave_cookie_alone
from practice.auth.forms import AcceptInvitationForm, LoginForm, TwoFactorForm
from practice.auth.models import (
    LoginSession,
    Role,
    User,
    hash_token,
    verify_unknown_user,
)
from practice.auth.redirects import home_for, safe_next
from practice.auth.two_factor import check_code, use_recovery_code
from practice.cases.services import (
    email_taken,
    find_invitation,
    forget_kept_links,
    invitation_problem,
)
from practice.database import now_utc
from practice.errors import render_error
from practice.extensions import csrf, db, limiter, login_manager
from practice.forms import form_page

bp = Blueprint("auth", __name__)

FAILED_LOGIN = "That email and password do not match an active account."
#: The session key naming a login waiting for its second factor (see practice.auth.pending).
PENDING = "pending_two_factor"


@login_manager.unauthorized_handler
def unauthorized():
    """Not logged in: keep a sent form, answer scripts plainly, send people to log in."""
    if request.accept_mimetypes.best == "application/json":
        # A script saving in the background: it keeps its own copy and says so.
        return {"error": "login needed", "login": url_for("auth.login")}, 401
    if request.method == "POST":
        if parked := parking.park_and_login():
            return parked
        # As for a form without its CSRF token (practice.errors): set no cookie.
        leave_cookie_alone()
        return redirect(url_for("auth.login"))
    flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(url_for("auth.login", next=safe_next(request.full_path.rstrip("?"))))


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """The user of an open, recent login session whose account is active."""
    oldest = now_utc() - current_app.config["SESSION_MAX_AGE"]
    user = db.session.scalar(
        sa.select(User)
        .join(LoginSession)
        .where(
            LoginSession.token_hash == hash_token(token),
            LoginSession.ended_at.is_(None),
            LoginSession.created_at > oldest,
            User.active.is_(True),
        )
    )
    if user is not None:
        user.login_token = token
    return user


def start_session(user: User) -> None:
    """Log ``user`` in on a fresh session: nothing from before is carried into it,
    except the token of a form ``user`` parked when their previous login ended."""
    parked = parking.carry_over(user)
    session.clear()
    if parked:
        session[parking.SESSION_KEY] = parked
    login, token = LoginSession.start(user, request.remote_addr, request.user_agent.string)
    db.session.add(login)
    user.login_token = token
    login_user(user)
    session.permanent = True


def _login_key() -> str:
    return "login:" + request.form.get("email", "").strip().lower()[:254]


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], methods=["POST"], key_func=_login_key
)
def login():
    """Log in with email and password."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(sa.select(User).where(User.email == email))
        if user is None:
            verify_unknown_user(form.password.data)
        if user is None or not user.check_password(form.password.data) or not user.active:
            # What was typed is kept only when it names an account: people type
            # passwords into the email box by mistake.
            if user is None:
                audit.record("login.failure", unknown_login=audit.unknown_login(email))
            else:
                audit.record("login.failure", actor=user, email=user.email)
            form.password.errors.append(FAILED_LOGIN)
            return form_page("auth/login.html", form)
        next_url = safe_next(request.args.get("next"))
        if user.two_factor:
            # The password was right; the second factor decides. Nothing is logged in yet.
            parked = session.get(parking.SESSION_KEY)
            session.clear()
            session[PENDING] = {
                "token": pending.begin(user),
                "user": user.id,
                "next": next_url,
                "parked": parked,
            }
            return redirect(url_for("auth.two_factor"))
        start_session(user)
        audit.record("login.success", user, actor=user)
        return redirect(next_url or home_for(user))
    return form_page("auth/login.html", form)


def _two_factor_key() -> str:
    # The account named in the signed cookie; a replayed cookie names the same one.
    pending = session.get(PENDING) or {}
    return f"two-factor:{pending.get('user') or request.remote_addr}"


@bp.route("/login/two-factor", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"],
    methods=["POST"],
    key_func=_two_factor_key,
)
def two_factor():
    """The second step of logging in: a code from the authenticator app, or a recovery code."""
    state = session.get(PENDING) or {}
    waiting = pending.find(state.get("token"))
    user = waiting.user if waiting else None
    if user is None or not user.active or not user.two_factor:
        session.pop(PENDING, None)
        flash("Please log in again.", "info")
        return redirect(url_for("auth.login"))
    form = TwoFactorForm()
    if not form.validate_on_submit():
        return form_page("auth/two_factor_login.html", form)
    if refused := pending.claim_try(waiting):
        return _too_many_codes(user, refused)
    code = form.code.data
    if check_code(user, code) or use_recovery_code(user, code):
        pending.finish(waiting, succeeded=True)
        if state.get("parked"):
            session[parking.SESSION_KEY] = state["parked"]
        start_session(user)
        audit.record("login.success", user, actor=user, second_factor=True)
        return redirect(state.get("next") or home_for(user))
    audit.record("login.failure", actor=user, second_factor=True)
    if waiting.tries >= pending.MAX_CODE_TRIES:
        pending.finish(waiting, succeeded=False)
        return _too_many_codes(user, "login")
    form.code.errors.append("That code is not right, or has been used. Try the newest one.")
    return form_page("auth/two_factor_login.html", form)


def _too_many_codes(user: User, run_out: str):
    session.pop(PENDING, None)
    if run_out == "account":
        audit.record("login.failure", actor=user, second_factor=True, refused="too many codes")
        return render_error(
            429,
            "Too many wrong codes",
            "Too many wrong codes have been tried for this account in the last hour. "
            "Please wait, then log in again.",
        )
    flash("Too many wrong codes. Please log in again.", "warning")
    return redirect(url_for("auth.login"))


def end_login() -> None:
    """End the current login session on the server and in the browser."""
    if current_user.is_authenticated:
        db.session.execute(
            sa.update(LoginSession)
            .where(LoginSession.token_hash == hash_token(current_user.login_token))
            .values(ended_at=now_utc())
        )
        audit.record("logout", current_user)
        logout_user()
    session.clear()


@bp.post("/logout")
def logout():
    """End this login session on the server and in the browser."""
    end_login()
    flash("You have logged out.", "info")
    return redirect(url_for("auth.login"))


@bp.post("/leave")
@csrf.exempt  # checked below: a stale token must not keep a login open
def quick_exit():
    """A client's quick exit: end the login and show a page that says nothing of Mend.

    The portal's script sends this in the background and replaces the page itself;
    without the script, the button's form lands here and is sent on to the page.
    """
    if quick_exit_allowed():
        end_login()  # on the trail as a plain logout: how someone left says too much
    else:
        leave_cookie_alone()
    return redirect(url_for("auth.leave"), 303)


def quick_exit_allowed() -> bool:
    """Whether this quick exit may end the login: its form carries the login's CSRF
    token, or it comes from one of our own pages. The second holds a page opened
    before a login in another tab renewed the token: leaving must still work there.
    A post from another site ends nothing (it arrives without our cookie anyway)."""
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return True
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        origin = request.headers.get("Origin")
        return request.headers.get("Sec-Fetch-Site") == "same-origin" or (
            origin is not None and origin == request.host_url.rstrip("/")
        )
    return True


@bp.get("/leave")
def leave():
    """The neutral page a quick exit lands on: no name, no portal, nothing to go back to."""
    leave_cookie_alone()  # a page still on its way must not bring the login back
    return render_template("auth/leave.html")


@bp.route("/invite/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"])
def accept_invitation(token: str):
    """A partner opens their one-time link and sets a password for the portal."""
    invitation = find_invitation(token[:100])
    if problem := invitation_problem(invitation):
        status = 404 if invitation is None else 410
        return render_template("auth/invitation_problem.html", problem=problem), status
    partner = invitation.partner
    # The login is the email the counsellor put on the invitation; the page shows it
    # and nothing sent with the form can change it.
    email = invitation.email or partner.email
    form = AcceptInvitationForm()
    if form.validate_on_submit():
        if email_taken(email):
            form.form_errors.append(
                "This email already has a Mend login. Log in with it, or ask your counsellor."
            )
            return form_page("auth/accept_invitation.html", form, partner=partner, email=email)
        user = User(email=email, name=partner.name, role=Role.CLIENT)
        user.set_password(form.password.data)
        db.session.add(user)
        partner.user = user
        partner.email = email
        invitation.used_at = now_utc()
        if invitation.email_id is not None:
            forget_kept_links([invitation.email_id])
        db.session.flush()
        audit.record("invitation.accept", invitation, actor=user)
        start_session(user)
        flash(
            f"Welcome, {partner.first_name}. This is your own space for the homework your "
            "counsellor gives you.",
            "success",
        )
        return redirect(url_for("portal.home"))
    return form_page("auth/accept_invitation.html", form, partner=partner, email=email)
