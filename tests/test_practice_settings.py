"""The one reader of the practice's settings: once per request, and without one."""

from practice.extensions import db
from practice.settings import practice_settings


def test_a_request_reads_the_settings_once(app):
    with app.test_request_context():
        first = practice_settings()
        assert first.name == "Mend Counselling"
        assert practice_settings() is first


def test_a_command_reads_them_once_without_a_request(app):
    with app.app_context():
        first = practice_settings()
        assert practice_settings() is first
        db.session.rollback()
