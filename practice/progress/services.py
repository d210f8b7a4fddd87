"""Recording check-ins."""

from practice.extensions import db
from practice.progress.csi import score
from practice.progress.models import CheckIn


def new_check_in(case, partner_id: int, form, by, completed_at) -> CheckIn:
    answers = form.answers()
    check_in = CheckIn(
        case_id=case.id,
        partner_id=partner_id,
        completed_at=completed_at,
        csi_happiness=answers[0],
        csi_warm=answers[1],
        csi_rewarding=answers[2],
        csi_satisfied=answers[3],
        csi_total=score(answers),
        blocks=form.blocks(),
        entered_by_id=by.id,
    )
    db.session.add(check_in)
    return check_in
