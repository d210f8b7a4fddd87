"""Recording audit events.

``record()`` is called by views and services as things happen. Inside a request
the events wait in ``g`` and are written when the request ends (see
``practice.request_cycle.commit_request``): with the request's own changes when it
succeeds, and on their own when it fails or only read, so a refused attempt is on
the trail too.
"""

from typing import Any

from flask import g, has_request_context, request
from flask_login import current_user
from werkzeug.local import LocalProxy

from practice.audit.models import AuditEvent
from practice.audit.values import refuse_clinical, unknown_login

__all__ = ["pending_events", "record", "unknown_login"]
from practice.extensions import db


def record(action: str, obj: Any = None, *, case_id: int | None = None, actor=None, **detail):
    """Note ``action`` (e.g. ``"note.sign"``) on ``obj`` by the current user.

    ``detail`` says more about what happened, never what a clinical record holds:
    a clinical key raises ValueError (see ``practice.audit.values``).
    """
    refuse_clinical(detail)
    # ``current_user`` is a proxy: the trail names the account behind it, not the proxy.
    obj = _unproxied(obj)
    actor = _unproxied(actor)
    if actor is None and has_request_context() and current_user.is_authenticated:
        actor = current_user
    if case_id is None and obj is not None:
        case_id = getattr(obj, "case_id", None)
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        object_type=type(obj).__name__ if obj is not None else None,
        object_id=getattr(obj, "id", None),
        case_id=case_id,
        ip=request.remote_addr if has_request_context() else None,
        detail=detail,
    )
    if has_request_context():
        g.setdefault("audit_events", []).append(event)
    else:
        db.session.add(event)
    return event


def _unproxied(value):
    if isinstance(value, LocalProxy):
        return value._get_current_object()
    return value


def pending_events() -> list:
    """The events this request has recorded and not yet written."""
    return g.pop("audit_events", []) if has_request_context() else []
