"""What an audit event may say besides who did what to which record.

The owner reads the trail of every case, including cases they cannot open. So
the trail names records and never carries what is in them: no scores, outcomes,
answers or ratings (the record holds those, for whoever may open it). Nor does
it keep what was typed as the email of a failed login that matched no account:
people type passwords there by mistake. That is kept as a keyed hash, which still
shows the same words tried again and again.
"""

import hashlib
import hmac
from typing import Any

from flask import current_app

#: Detail keys that would carry a clinical value. ``record()`` refuses them, and the
#: audit page leaves them out of events recorded before they were refused.
CLINICAL = frozenset(
    {
        "answer",
        "answers",
        "blocks",
        "difficulty",
        "exercise",  # the homework a couple was given says what they are working on
        "helpful",
        "outcome",
        "rating",
        "ratings",
        "score",
        "scores",
        "total",
    }
)


def refuse_clinical(detail: dict[str, Any]) -> None:
    """Raise ValueError if ``detail`` would put a clinical value on the trail."""
    if clinical := sorted(CLINICAL & detail.keys()):
        raise ValueError(f"clinical values stay out of the audit trail: {', '.join(clinical)}")


def unknown_login(typed: str) -> str:
    """A keyed hash of what was typed as the email of a login matching no account."""
    key = current_app.config["SECRET_KEY"].encode()
    message = b"audit: unknown login: " + typed.strip().lower().encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:16]


def shown(action: str, actor_id: int | None, detail: dict[str, Any] | None) -> dict[str, Any]:
    """An event's detail as the audit page shows it, also for events recorded before
    clinical values and unknown logins were kept out of the trail."""
    detail = {key: value for key, value in (detail or {}).items() if key not in CLINICAL}
    if action == "login.failure" and actor_id is None and "email" in detail:
        detail["unknown_login"] = unknown_login(str(detail.pop("email")))
    return detail
