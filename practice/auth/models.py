"""Accounts and the login sessions that belong to them."""

import contextlib
import enum
import hashlib
import secrets
from datetime import datetime

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from practice.columns import intpk, timestamp, user_fk
from practice.crypto import EncryptedText
from practice.database import enum_type, now_utc
from practice.extensions import db


def init_password_hashing(app) -> None:
    """argon2id; the parameters come from ``ARGON2_PARAMETERS`` (RFC 9106 by default)."""
    hasher = PasswordHasher(**app.config["ARGON2_PARAMETERS"])
    # Verified against when the email is unknown, so both paths cost the same time.
    app.extensions["mend.passwords"] = (hasher, hasher.hash("not-a-password-anyone-has"))


def _hasher() -> PasswordHasher:
    return current_app.extensions["mend.passwords"][0]


class Role(enum.StrEnum):
    OWNER = "owner"
    COUNSELLOR = "counsellor"
    CLIENT = "client"


class User(UserMixin, db.Model):
    """Anyone who logs in: the practice owner, a counsellor, or a client."""

    __tablename__ = "users"

    id: Mapped[intpk]
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    role: Mapped[Role] = mapped_column(enum_type(Role, "role"))
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[timestamp]
    password_changed_at: Mapped[datetime | None]
    # Two-factor sign-in (TOTP): the secret, set when set-up starts, counts once
    # enabled; the last time step used, so a code is never accepted twice; and
    # the SHA-256 of each unused recovery code.
    totp_secret: Mapped[str | None] = mapped_column(EncryptedText)
    totp_enabled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None]
    recovery_codes: Mapped[list[str] | None] = mapped_column(sa.JSON)
    # A counsellor's standing video room (https), used where the practice does not make a
    # room per session (``practice.sessions.video``).
    video_link: Mapped[str | None] = mapped_column(sa.String(500))

    sessions: Mapped[list["LoginSession"]] = relationship(back_populates="user")

    # Set for the request by the user loader: the login session in use.
    login_token = None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_owner(self) -> bool:
        return self.role is Role.OWNER

    @property
    def is_client(self) -> bool:
        return self.role is Role.CLIENT

    @property
    def two_factor(self) -> bool:
        return self.totp_enabled_at is not None

    @property
    def can_counsel(self) -> bool:
        """Owners counsel too: both may hold a caseload."""
        return self.role in (Role.OWNER, Role.COUNSELLOR)

    def get_id(self) -> str | None:
        # Flask-Login keeps this in the session cookie; it names the login
        # session, not the user, so logging out can end it on the server.
        return self.login_token

    def set_password(self, password: str) -> None:
        self.password_hash = _hasher().hash(password)
        self.password_changed_at = now_utc()

    def check_password(self, password: str) -> bool:
        """True if the password matches; rehashes when the parameters have moved on."""
        if not self.password_hash:
            _verify_dummy(password)
            return False
        hasher = _hasher()
        try:
            hasher.verify(self.password_hash, password)
        except (VerificationError, InvalidHashError):
            return False
        if hasher.check_needs_rehash(self.password_hash):
            self.password_hash = hasher.hash(password)
        return True


def _verify_dummy(password: str) -> None:
    hasher, dummy_hash = current_app.extensions["mend.passwords"]
    with contextlib.suppress(VerificationError):
        hasher.verify(dummy_hash, password)


def verify_unknown_user(password: str) -> None:
    """Spend the time a real check would, so timing does not reveal accounts."""
    _verify_dummy(password)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class LoginSession(db.Model):
    """One login on one browser; ended by logout, deactivation or age.

    The browser holds a random token; the database keeps only its hash, so a
    copy of the database does not let anyone in.
    """

    __tablename__ = "login_sessions"

    id: Mapped[intpk]
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    user_id: Mapped[user_fk] = mapped_column(index=True)
    created_at: Mapped[timestamp]
    ended_at: Mapped[datetime | None]
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    user_agent: Mapped[str | None] = mapped_column(sa.String(255))
    # Wrong current passwords typed in this session (see practice.auth.reauth).
    wrong_passwords: Mapped[int] = mapped_column(default=0, server_default=sa.text("0"))

    user: Mapped[User] = relationship(back_populates="sessions")

    @classmethod
    def start(
        cls, user: User, ip: str | None, user_agent: str | None
    ) -> tuple["LoginSession", str]:
        """A new login session for ``user`` and the token the browser keeps."""
        token = secrets.token_urlsafe(32)
        login = cls(
            token_hash=hash_token(token), user=user, ip=ip, user_agent=(user_agent or "")[:255]
        )
        return login, token


def end_sessions(user: User, *, except_token: str | None = None) -> None:
    """End every open login session of ``user`` (bar the one in use, if named)."""
    stmt = (
        sa.update(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.ended_at.is_(None))
        .values(ended_at=now_utc())
    )
    if except_token:
        stmt = stmt.where(LoginSession.token_hash != hash_token(except_token))
    db.session.execute(stmt)


def commit_count() -> None:
    """Commit a count of tried passwords or codes at once, whatever the answer will be.

    A wrong one is answered with 400, and a 4xx rolls the request back
    (``practice.request_cycle.commit_request``): a count rolled back with it would count
    nothing, and a parallel request could read the old count meanwhile. The
    requests that count write nothing else before it.
    """
    db.session.commit()
