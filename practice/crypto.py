"""Encryption at rest for clinical text: note bodies, entries' answers, screenings.

Keys come from ``NOTES_KEYS`` (``MEND_NOTES_KEYS``): comma-separated Fernet keys,
the first encrypting and all of them decrypting, so a key can be rotated in
without a moment when old rows cannot be read. ``flask --app wsgi rotate-keys``
then re-encrypts every row under the first key, after which the old key can go.
See docs/security.md.
"""

import json

import sqlalchemy as sa
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import Flask, current_app
from sqlalchemy.types import TypeDecorator


def init_encryption(app: Flask) -> None:
    keys = [k.strip() for k in app.config["NOTES_KEYS"].split(",") if k.strip()]
    try:
        app.extensions["mend.fernet"] = MultiFernet([Fernet(k) for k in keys])
    except (ValueError, TypeError) as exc:
        raise RuntimeError(
            "MEND_NOTES_KEYS must hold Fernet keys (make one with "
            "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key())'`)"
        ) from exc


def _fernet() -> MultiFernet:
    return current_app.extensions["mend.fernet"]


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise RuntimeError("a stored value cannot be decrypted with MEND_NOTES_KEYS") from exc


def decrypt_recent(token: str, max_age_seconds: int) -> str | None:
    """The text of a token made at most ``max_age_seconds`` ago; None if older or not ours.

    Fernet tokens carry the time they were made, so a short-lived secret needs no
    clock of its own.
    """
    try:
        return _fernet().decrypt(token.encode(), ttl=max_age_seconds).decode()
    except InvalidToken:
        return None


def rotate(token: str) -> str:
    """The same value, encrypted under the first (newest) key."""
    return _fernet().rotate(token.encode()).decode()


class EncryptedText(TypeDecorator):
    """Text stored as a Fernet token; read back as the plain text."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else encrypt(value)

    def process_result_value(self, value, dialect):
        return None if value is None else decrypt(value)


class EncryptedJSON(TypeDecorator):
    """A JSON value stored as a Fernet token."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else encrypt(json.dumps(value, ensure_ascii=False))

    def process_result_value(self, value, dialect):
        return None if value is None else json.loads(decrypt(value))
