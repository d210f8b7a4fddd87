"""One record per submitted form, however many times it is sent.

Forms that create something carry a hidden ``form_token`` made when the form
is shown. The record keeps it in a unique column, so a double click, a retry
after a lost response or two racing workers all land on the same record.
"""

import secrets
from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from wtforms import HiddenField

from practice.extensions import db

T = TypeVar("T")


def new_form_token() -> str:
    return secrets.token_hex(16)


def form_token_field() -> HiddenField:
    return HiddenField(default=new_form_token)


def already_made(model: type[T], token: str | None) -> T | None:
    """The record a form with ``token`` already made, if any (for checks that would
    otherwise trip over it, like a session clashing with itself)."""
    token = (token or "")[:64]
    if not token:
        return None
    return db.session.scalar(sa.select(model).where(model.form_token == token))


def add_once(record: T, find: Callable[[], T | None]) -> tuple[T, bool]:
    """Add ``record``, unless a unique key shows its twin was added a moment ago (a double
    click, two tabs, two workers racing): then the twin, as ``find()`` finds it.

    Returns the record kept and whether it is ``record``. Only a savepoint is rolled back,
    so the rest of the request's work stands.
    """
    try:
        with db.session.begin_nested():
            db.session.add(record)
    except IntegrityError:
        found = find()
        if found is None:
            raise
        return found, False
    return record, True


def create_once(model: type[T], token: str | None, make: Callable[[], T]) -> tuple[T, bool]:
    """The record made with ``token``, making it with ``make()`` if there is none yet.

    Returns the record and whether this call created it.
    """
    token = (token or "")[:64] or None
    if token:
        found = db.session.scalar(sa.select(model).where(model.form_token == token))
        if found is not None:
            return found, False
    try:
        with db.session.begin_nested():
            record = make()
            record.form_token = token
            db.session.flush()
    except IntegrityError:
        found = token and db.session.scalar(sa.select(model).where(model.form_token == token))
        if not found:
            raise
        return found, False
    return record, True
