"""Showing a new invitation link to the counsellor who made it, and no one else.

The database keeps only a hash of an invitation's token, so the link can be read
only at the moment it is made. Making it is a POST that redirects to a page that
shows it (post/redirect/get): reloading that page must show the same link, not
make another. So the token waits in the counsellor's session cookie between the
two requests, encrypted with the app's key (``practice.crypto``; the cookie is
only signed, and readable by whoever holds it), and readable for
:data:`SHOWN_FOR` only. The session is cleared at every login and logout, so the
link belongs to the login that made it; after that, or once the link is used or
replaced, the page says so and offers a new one.
"""

import json
from datetime import timedelta

from flask import session, url_for
from flask_login import current_user

from practice.auth.models import hash_token
from practice.cases.models import Invitation
from practice.crypto import decrypt_recent, encrypt

SESSION_KEY = "invitation_links"
SHOWN_FOR = timedelta(minutes=10)
#: Links kept at once: a counsellor inviting both partners needs two.
KEPT = 4


def link_for(token: str) -> str:
    """The address a partner opens to set up their portal login."""
    return url_for("auth.accept_invitation", token=token, _external=True)


def remember(invitation: Invitation, token: str) -> None:
    """Keep ``token`` for the next few minutes of this login, for the invitation page."""
    sealed = encrypt(json.dumps({"token": token, "login": _login()}))
    kept = dict(session.get(SESSION_KEY) or {})
    kept.pop(str(invitation.id), None)
    kept[str(invitation.id)] = sealed
    session[SESSION_KEY] = dict(list(kept.items())[-KEPT:])


def recall(invitation: Invitation) -> str | None:
    """The link of ``invitation`` if this login made it in the last few minutes."""
    sealed = (session.get(SESSION_KEY) or {}).get(str(invitation.id))
    if not isinstance(sealed, str):
        return None
    opened = decrypt_recent(sealed, int(SHOWN_FOR.total_seconds()))
    if opened is None:
        return None
    kept = json.loads(opened)
    if kept.get("login") != _login() or hash_token(kept.get("token", "")) != invitation.token_hash:
        return None
    return link_for(kept["token"])


def _login() -> str:
    return hash_token(current_user.login_token or "")
