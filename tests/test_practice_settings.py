"""The one reader of the practice's settings: once per request, afresh outside one."""

from practice.admin.models import PracticeSettings
from practice.extensions import db
from practice.settings import practice_settings


def test_outside_a_request_the_settings_are_read_afresh(app):
    assert practice_settings().name == "Mend Counselling"
    db.session.add(PracticeSettings(name="Riverside", timezone="Europe/London"))
    db.session.commit()
    assert practice_settings().name == "Riverside"


def test_a_request_reads_the_settings_once(app):
    with app.test_request_context():
        first = practice_settings()
        assert practice_settings() is first
