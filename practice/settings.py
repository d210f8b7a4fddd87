"""The practice's settings as the app reads them: once per request.

Every page, PDF, email and date reads the practice's name, time zone or paper
size; :func:`practice_settings` is the one way they do, so a request asks the
database once. The row itself, and the owner's form for it, live in
``practice.admin``.
"""

from flask import g, has_request_context
from sqlalchemy.exc import SQLAlchemyError

from practice.admin.models import PracticeSettings
from practice.extensions import db


def practice_settings() -> PracticeSettings:
    """The practice settings: read once per request, afresh each time outside one.

    Outside a request (a command, a test's own code) an app context can last long
    enough for the owner to change the settings in it, so nothing is kept there.
    """
    if not has_request_context():
        return PracticeSettings.get()
    if "practice_settings" not in g:
        try:
            g.practice_settings = PracticeSettings.get()
        except SQLAlchemyError:
            # An error page must render even when the database is what failed.
            db.session.rollback()
            g.practice_settings = PracticeSettings(name="Mend", timezone="UTC")
    return g.practice_settings
