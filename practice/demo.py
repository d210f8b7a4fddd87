"""A demo practice for trying Mend: ``flask --app wsgi seed-demo``.

Idempotent: people and records are found by their email or name and only
added when missing, so running it twice changes nothing.
"""

import sqlalchemy as sa

from practice.admin.models import PracticeSettings
from practice.auth.models import Role, User
from practice.extensions import db

OWNER = ("owner@demo.mend", "Dr Ruth Okafor")
COUNSELLORS = [("sam@demo.mend", "Sam Whitfield"), ("priya@demo.mend", "Priya Raman")]
CLIENTS = [
    ("alex@demo.mend", "Alex Morgan"),
    ("jordan@demo.mend", "Jordan Morgan"),
    ("maria@demo.mend", "Maria Santos"),
    ("tom@demo.mend", "Tom Becker"),
]


def _user(email: str, name: str, role: Role, password: str) -> User:
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None:
        user = User(email=email, name=name, role=role)
        user.set_password(password)
        db.session.add(user)
    return user


def seed(password: str) -> list[tuple[str, str]]:
    """Add whatever of the demo practice is missing; return (role, email) logins."""
    if db.session.scalar(sa.select(PracticeSettings.id)) is None:
        db.session.add(
            PracticeSettings(
                name="Riverside Couples Counselling",
                address="12 Mill Lane\nSpringfield, IL 62701",
                timezone="America/Chicago",
                page_size="Letter",
                support_resources=PracticeSettings.get().support_resources,
            )
        )
    logins = [("owner", OWNER[0])]
    _user(*OWNER, Role.OWNER, password)
    for email, name in COUNSELLORS:
        _user(email, name, Role.COUNSELLOR, password)
        logins.append(("counsellor", email))
    for email, name in CLIENTS:
        _user(email, name, Role.CLIENT, password)
        logins.append(("client", email))
    db.session.flush()
    return logins
