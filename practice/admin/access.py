"""Finding the accounts the owner manages: staff accounts only. A client's account
is reached through their case and invitation, never from the owner's pages."""

import sqlalchemy as sa

from practice.auth.models import Role, User
from practice.extensions import db


def get_staff_account_or_404(user_id: int) -> User:
    """A counsellor's or the owner's account; 404 for a client's or none."""
    return db.first_or_404(sa.select(User).where(User.id == user_id, User.role != Role.CLIENT))
