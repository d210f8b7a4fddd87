"""Recording a partner's screen, whoever asked it; plain values in, the record out."""

from datetime import date

from practice.cases.models import Partner
from practice.extensions import db
from practice.screening.models import PartnerScreen, TakenBy


def new_screen(
    partner: Partner,
    answers: dict[str, str],
    note: str,
    *,
    taken_by: TakenBy,
    taken_on: date,
    entered_by_id: int,
) -> PartnerScreen:
    """Add ``partner``'s answers to the screen, as asked by the counsellor or taken alone."""
    screen = PartnerScreen(
        case_id=partner.case_id,
        partner_id=partner.id,
        taken_on=taken_on,
        taken_by=taken_by,
        answers=answers,
        note=note.strip(),
        entered_by_id=entered_by_id,
    )
    db.session.add(screen)
    db.session.flush()
    return screen
