"""The practice's settings as the app reads them: once per request.

Every page, PDF, email and date reads the practice's name, time zone or paper
size; :func:`practice_settings` is the one way they do, so a request asks the
database once. The row itself, and the owner's form for it, live in
``practice.admin``.
"""

from flask import g
from sqlalchemy.exc import SQLAlchemyError

from practice.admin.models import DEFAULT_NOTICE_HOURS, PracticeSettings, VideoRooms
from practice.extensions import db


def practice_settings() -> PracticeSettings:
    """The practice settings, read once per request (once per app context outside one).

    A command runs in one app context: it reads the settings once, as a request
    does, and never holds a transaction open just to look up the time zone again.
    Code that changes the settings outside a request drops ``g.practice_settings``.
    """
    if "practice_settings" not in g:
        try:
            g.practice_settings = PracticeSettings.get()
        except SQLAlchemyError:
            # An error page must render even when the database is what failed.
            db.session.rollback()
            g.practice_settings = PracticeSettings(
                name="Mend",
                timezone="UTC",
                cancellation_notice_hours=DEFAULT_NOTICE_HOURS,
                video_rooms=VideoRooms.COUNSELLOR.value,
            )
    return g.practice_settings
