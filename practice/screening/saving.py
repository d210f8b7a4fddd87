"""Saving a filled-in screen, whoever took it: the counsellor in an individual session,
or the partner alone in the portal."""

from datetime import date

from flask_login import current_user

from practice import audit
from practice.cases.models import Partner
from practice.idempotency import create_once
from practice.screening.forms import ScreenFormBase
from practice.screening.models import PartnerScreen, TakenBy
from practice.screening.services import new_screen


def save_screen(
    form: ScreenFormBase, partner: Partner, *, taken_by: TakenBy, taken_on: date
) -> PartnerScreen:
    """Save ``partner``'s answers from ``form``, once however often it is sent; a new
    screen goes on the audit trail as taken by ``taken_by``."""
    screen, created = create_once(
        PartnerScreen,
        form.form_token.data,
        lambda: new_screen(
            partner,
            form.answers(),
            form.note.data or "",
            taken_by=taken_by,
            taken_on=taken_on,
            entered_by_id=current_user.id,
        ),
    )
    if created:
        audit.record("screen.record", screen, by=taken_by.value)
    return screen
