"""Finding a partner's safety screen, for the counsellor: inside a case already
loaded through ``get_case_or_404``. Screens are counsellor-only; the portal never
loads one back (a partner answers, and sees nothing of it afterwards)."""

import sqlalchemy as sa

from practice.cases.models import Case
from practice.extensions import db
from practice.screening.models import PartnerScreen


def get_partner_screen_or_404(case: Case, screen_id: int) -> PartnerScreen:
    """A screen of ``case``; 404 for any other."""
    return db.first_or_404(
        sa.select(PartnerScreen).where(
            PartnerScreen.id == screen_id, PartnerScreen.case_id == case.id
        )
    )
