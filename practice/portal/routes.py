"""The client portal: each partner's own homework, entries and check-ins."""

from flask import Blueprint, render_template

from practice.auth.access import client_required

bp = Blueprint("portal", __name__)


@bp.get("/")
@client_required
def home():
    """This week's exercises for the logged-in partner."""
    return render_template("portal/home.html")
