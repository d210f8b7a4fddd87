"""Invoice numbers under writers at once: no gaps, no repeats, on SQLite and PostgreSQL.

Several counsellors' browsers issue invoices at the same moment (threads released
together by a barrier), each for cases of its own, through the app's own
requests. Whatever order the database lets them in, the numbers issued are
exactly 1…N, each once. Nothing here measures time: the threads' joins only
stop a hang.
"""

import threading

import sqlalchemy as sa

from practice.auth.models import Role
from practice.billing.models import Invoice
from practice.billing.numbering import take_invoice_number
from practice.billing.services import Terms, charge_sessions
from practice.billing.standard import add_standard_services
from practice.database import now_utc
from practice.extensions import db
from tests.factories import add_session, sign_in

WRITERS = 6
CASES_EACH = 3
GUARD = 120  # seconds a thread may take before the test calls it a hang


def charged_case(make_case, counsellor, n: int):
    case = make_case(counsellor, (f"Partner {n}A Test", f"Partner {n}B Test"), portal=False)
    session = add_session(case, -7)
    charge_sessions(case, {session.id}, Terms(), counsellor, now_utc())
    db.session.commit()
    return case


def test_invoices_issued_at_once_are_numbered_without_gaps_or_repeats(app, make_user, make_case):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "1000 per minute"
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "1000 per minute"
    add_standard_services()
    db.session.commit()
    work = []
    for w in range(WRITERS):
        counsellor = make_user(Role.COUNSELLOR)
        cases = [charged_case(make_case, counsellor, w * 10 + c) for c in range(CASES_EACH)]
        work.append((sign_in(app, counsellor), [c.id for c in cases]))
    start = threading.Barrier(WRITERS)
    answers, failures = [], []

    def issue(browser, case_ids):
        try:
            start.wait(GUARD)
            for case_id in case_ids:
                response = browser.post(f"/cases/{case_id}/billing/invoices")
                answers.append(response.status_code)
        except Exception as exc:  # noqa: BLE001 - reported by the test, not lost in a thread
            failures.append(repr(exc))

    threads = [threading.Thread(target=issue, args=job) for job in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(GUARD)
    assert not any(t.is_alive() for t in threads), "a writer did not finish"
    assert not failures, failures
    assert answers == [303] * (WRITERS * CASES_EACH)
    db.session.rollback()  # read afresh: the test's own transaction predates the writers'
    numbers = sorted(db.session.scalars(sa.select(Invoice.number)))
    assert numbers == list(range(1, WRITERS * CASES_EACH + 1))
    # Each case got exactly one invoice.
    per_case = db.session.execute(
        sa.select(Invoice.case_id, sa.func.count()).group_by(Invoice.case_id)
    ).all()
    assert len(per_case) == WRITERS * CASES_EACH
    assert {n for _, n in per_case} == {1}


def test_a_number_taken_in_a_transaction_that_rolls_back_is_taken_again(app):
    first = take_invoice_number()
    db.session.rollback()
    assert take_invoice_number() == first
    db.session.commit()
    assert take_invoice_number() == first + 1
    db.session.rollback()
