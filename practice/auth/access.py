"""Who may open a page: role checks shared by every blueprint.

Role checks answer 403: the page exists, the account may not use it. Objects
outside a user's reach answer 404 instead, decided by one helper per resource
(``get_case_or_404`` and its kin), so that nobody learns a record exists.
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
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


owner_required = roles_required(Role.OWNER)
counsellor_required = roles_required(Role.OWNER, Role.COUNSELLOR)
client_required = roles_required(Role.CLIENT)
