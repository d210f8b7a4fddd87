"""The services a practice starts with: five common US CPT codes for couples counselling.

The migration that made the services table seeds the same list (it keeps its own
copy, as migrations must). The owner edits codes, words, lengths and fees for
their own country; these are the demo's and the tests' starting point.
"""

import sqlalchemy as sa

from practice.billing.models import DefaultFor, Service
from practice.extensions import db

#: (code, description, minutes, fee in cents, the sessions it is the default for)
STANDARD_SERVICES = [
    ("90847", "Couple or family psychotherapy, with the client present", 50, 16000, "joint"),
    ("90846", "Couple or family psychotherapy, without the client present", 50, 15000, None),
    ("90791", "Diagnostic evaluation at intake", 60, 20000, None),
    ("90834", "Individual psychotherapy, 45 minutes", 45, 14000, "individual"),
    ("90837", "Individual psychotherapy, 60 minutes", 60, 18000, None),
]


def add_standard_services() -> list[Service]:
    """Add the standard services, when the practice has no service at all yet."""
    if db.session.scalar(sa.select(Service.id).limit(1)) is not None:
        return []
    added = [
        Service(
            code=code,
            description=description,
            minutes=minutes,
            fee=fee,
            active=True,
            default_for=DefaultFor(default_for) if default_for else None,
        )
        for code, description, minutes, fee, default_for in STANDARD_SERVICES
    ]
    db.session.add_all(added)
    db.session.flush()
    return added
