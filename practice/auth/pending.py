"""Logins waiting for their second factor, and the codes tried against them.

The password was right; a code decides. The waiting login and its count of
tries are kept on the server, not in the browser's cookie: a saved cookie sent
again, from anywhere, finds the same count and buys no more guesses. Each
pending login allows ``MAX_CODE_TRIES`` codes within ``PENDING_FOR``; an account
allows ``WRONG_CODES_PER_ACCOUNT`` wrong codes an hour over all its pending logins.
"""

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from practice.auth.models import User, commit_count, hash_token
from practice.database import now_utc
from practice.extensions import db

MAX_CODE_TRIES = 5
WRONG_CODES_PER_ACCOUNT = 10
PENDING_FOR = timedelta(minutes=5)
ACCOUNT_WINDOW = timedelta(hours=1)
#: Kept this long for the account's count, then purged.
KEEP_FOR = timedelta(days=1)


class PendingLogin(db.Model):
    """A login whose password was right, waiting for a code from its user."""

    __tablename__ = "pending_logins"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=now_utc, index=True)
    tries: Mapped[int] = mapped_column(default=0)
    ended_at: Mapped[datetime | None]
    succeeded: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship()


def begin(user: User) -> str:
    """A pending login for ``user``; returns the token the browser keeps."""
    expired = PendingLogin.created_at <= now_utc() - KEEP_FOR
    db.session.execute(sa.delete(PendingLogin).where(expired))
    token = secrets.token_urlsafe(32)
    db.session.add(PendingLogin(token_hash=hash_token(token), user=user))
    return token


def find(token) -> PendingLogin | None:
    """The open, recent pending login of ``token``, if there is one."""
    if not isinstance(token, str):
        return None
    return db.session.scalar(
        sa.select(PendingLogin).where(
            PendingLogin.token_hash == hash_token(token),
            PendingLogin.ended_at.is_(None),
            PendingLogin.created_at > now_utc() - PENDING_FOR,
        )
    )


def wrong_codes(user_id: int) -> int:
    """Wrong codes tried for the account within the last ``ACCOUNT_WINDOW``."""
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(PendingLogin.tries), 0)).where(
            PendingLogin.user_id == user_id,
            PendingLogin.created_at > now_utc() - ACCOUNT_WINDOW,
            PendingLogin.succeeded.is_(False),
        )
    )


def claim_try(pending: PendingLogin) -> str | None:
    """Count one more code against ``pending`` before it is judged.

    Returns None when the code may be tried, else what has run out: ``"login"``
    (this pending login's tries, which ends it) or ``"account"`` (the account's
    wrong codes this hour). The account's row is locked while counting, so
    parallel requests queue instead of sharing one try.
    """
    db.session.execute(sa.select(User.id).where(User.id == pending.user_id).with_for_update())
    if wrong_codes(pending.user_id) >= WRONG_CODES_PER_ACCOUNT:
        refused = "account"
    else:
        claimed = db.session.execute(
            sa.update(PendingLogin)
            .where(
                PendingLogin.id == pending.id,
                PendingLogin.ended_at.is_(None),
                PendingLogin.tries < MAX_CODE_TRIES,
            )
            .values(tries=PendingLogin.tries + 1)
        )
        refused = None if claimed.rowcount else "login"
    if refused:
        pending.ended_at = now_utc()
    commit_count()
    return refused


def finish(pending: PendingLogin, *, succeeded: bool) -> None:
    """End ``pending``: logged in, or out of tries."""
    pending.ended_at = now_utc()
    pending.succeeded = succeeded
