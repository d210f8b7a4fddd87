"""Error pages that say what happened and nothing about how the app is built."""

from flask import Flask, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from practice import parking
from practice.auth.cookie import leave_cookie_alone
from practice.extensions import db

MESSAGES = {
    400: (
        "Something in that request was not right",
        "Please go back, check what you entered and try again.",
    ),
    403: ("You can't do that here", "Your account does not allow this."),
    404: ("Page not found", "There is nothing here. Check the address, or go back."),
    405: ("Not allowed", "That page can't be used that way."),
    413: ("Too large", "What you sent is larger than Mend accepts."),
    429: ("Too many attempts", "Please wait a minute before trying again."),
    500: (
        "Something went wrong on our side",
        "The problem has been noted. Nothing you saved before this was lost.",
    ),
}


def render_error(code: int, title: str | None = None, message: str | None = None):
    default_title, default_message = MESSAGES.get(code, MESSAGES[500])
    return (
        render_template(
            "errors/error.html",
            code=code,
            title=title or default_title,
            message=message or default_message,
        ),
        code,
    )


def register(app: Flask) -> None:
    """Attach the handlers for every error a visitor can meet."""

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        if request.accept_mimetypes.best == "application/json":
            # A script saving in the background, on a page whose login has ended: it
            # keeps what was typed and says so; a parked form and a redirect would
            # only reach it as an unreadable login page.
            return {"saved": False, "error": "login needed", "login": url_for("auth.login")}, 400
        if not current_user.is_authenticated and request.method == "POST":
            # The login ended and took the form's token with it: keep what was typed.
            if parked := parking.park_and_login():
                return parked
            # No ended login of this browser behind it: the form may come from another
            # site, sent without our cookie. A cookie in the answer would log out
            # whoever is logged in on that browser.
            leave_cookie_alone()
        return render_error(
            400,
            "This form has expired",
            "For your security, a form stops working when the login it was opened in ends. "
            "Go back, reload the page and send it again.",
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code >= 500:
            return server_error(error)
        response = render_error(error.code)
        if error.code == 405:
            return response[0], 405, {"Allow": ", ".join(error.valid_methods or [])}
        if error.code == 429:
            return response[0], 429, {"Retry-After": "60"}
        return response

    @app.errorhandler(InternalServerError)
    @app.errorhandler(Exception)
    def server_error(error):
        db.session.rollback()
        original = getattr(error, "original_exception", error)
        if not isinstance(original, HTTPException):
            app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return render_error(500)
