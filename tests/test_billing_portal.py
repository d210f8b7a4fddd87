"""Each partner's Billing page in the portal: their own balance, invoices, payments,
statements and superbills, and nothing of the other partner's.

(tests/test_non_interference.py proves the stronger property: what A is billed
and pays alone changes nothing B can see, byte for byte.)
"""

import sqlalchemy as sa

from practice.billing.invoicing import issue_invoices
from practice.billing.models import Invoice
from practice.billing.services import ArrangementDetails, Terms, charge_sessions, save_arrangement
from practice.billing.standard import add_standard_services
from practice.database import now_utc
from practice.dates import practice_today
from practice.extensions import db
from tests.factories import add_session, add_session_with, bill_session_split, pdf_text, sign_in


def test_each_partner_sees_their_own_balance_and_invoices(app, counsellor, case):
    alex, jordan = case.partners
    joint = add_session(case, -7)
    bill_session_split(case, joint, counsellor, paid_by_b=3000)
    page = sign_in(app, alex.user).get("/portal/billing/").get_data(as_text=True)
    assert "You owe <strong>$80.00</strong>" in page
    assert "INV-00001" in page
    assert "INV-00002" not in page
    page = sign_in(app, jordan.user).get("/portal/billing/").get_data(as_text=True)
    assert "You owe <strong>$50.00</strong>" in page
    assert "INV-00002" in page
    assert "INV-00001" not in page
    assert "Paid, cash" in page


def test_one_partners_individual_session_is_on_nothing_of_the_others(app, counsellor, case):
    alex, jordan = case.partners
    joint = add_session(case, -14)
    bill_session_split(case, joint, counsellor, paid_by_b=0)
    own = add_session_with(case, days_ago=7, with_whom=("b",), came=("b",))
    charge_sessions(case, {own.id}, Terms(), counsellor, now_utc())
    issue_invoices(case, "USD", counsellor, practice_today())
    db.session.commit()
    as_alex = sign_in(app, alex.user)
    seen = " ".join(
        [
            as_alex.get("/portal/billing/").get_data(as_text=True),
            pdf_text(as_alex.get("/portal/billing/statement.pdf").data),
            pdf_text(as_alex.get("/portal/billing/superbill.pdf").data),
        ]
    )
    assert "90834" not in seen
    assert "Individual psychotherapy" not in seen
    assert "$140.00" not in seen
    jordans = db.session.scalars(
        sa.select(Invoice).where(Invoice.case_id == case.id, Invoice.payer == "b")
    ).all()
    for invoice in jordans:
        assert as_alex.get(f"/portal/billing/invoices/{invoice.id}.pdf").status_code == 404
    as_jordan = sign_in(app, jordan.user)
    superbill = pdf_text(as_jordan.get("/portal/billing/superbill.pdf").data)
    assert "90834" in superbill
    assert "Charged $220.00" in superbill


def test_a_third_partys_invoices_are_in_neither_portal(app, counsellor, case):
    save_arrangement(
        case,
        ArrangementDetails(payer="third", third_party_name="Acme Assistance Programme"),
        now_utc(),
    )
    db.session.commit()
    joint = add_session(case, -7)
    add_standard_services()
    charge_sessions(case, {joint.id}, Terms(), counsellor, now_utc())
    [invoice] = issue_invoices(case, "USD", counsellor, practice_today())
    db.session.commit()
    assert invoice.payer == "third"
    for partner in case.partners:
        browser = sign_in(app, partner.user)
        page = browser.get("/portal/billing/").get_data(as_text=True)
        assert "You owe nothing." in page
        assert "Acme" not in page
        assert browser.get(f"/portal/billing/invoices/{invoice.id}.pdf").status_code == 404


def test_a_partners_own_documents_download_and_a_bad_period_says_why(app, counsellor, case):
    alex, _ = case.partners
    bill_session_split(case, add_session(case, -7), counsellor)
    browser = sign_in(app, alex.user)
    invoice = db.session.scalar(sa.select(Invoice).where(Invoice.payer == "a"))
    response = browser.get(f"/portal/billing/invoices/{invoice.id}.pdf")
    assert response.status_code == 200
    assert "Invoice INV-00001" in pdf_text(response.data)
    response = browser.get("/portal/billing/statement.pdf?start=2026-12-01&end=2026-01-01")
    assert response.status_code == 400
    assert "The end comes on or after the start." in response.get_data(as_text=True)
    response = browser.get("/portal/billing/superbill.pdf?start=not-a-day")
    assert response.status_code == 400
    assert browser.get("/portal/billing/superbill.pdf").status_code == 200
