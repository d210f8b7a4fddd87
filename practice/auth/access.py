"""Who may open a page: role checks shared by every blueprint.

A counsellor on an owner's page gets 403: the page exists, the account may not
use it. A client on any staff page gets 404, as for anything outside their own
case: clients never learn what lies beyond the portal. Objects outside a user's
reach answer 404 too, decided by one helper per resource (``get_case_or_404``
and its kin), so that nobody learns a record exists.
"""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from practice.auth.models import Role


def roles_required(*roles: Role):
    """Let in logged-in users holding one of ``roles``; 403 for the rest."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.role not in roles:
                abort(404 if current_user.is_client else 403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


owner_required = roles_required(Role.OWNER)
counsellor_required = roles_required(Role.OWNER, Role.COUNSELLOR)
client_required = roles_required(Role.CLIENT)
