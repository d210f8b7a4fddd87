"""The invoice, statement and superbill PDFs: what each says, and for whom.

A split couple, Alex and Jordan Morgan, half each of their joint sessions; Jordan
also has an individual session, which is Jordan's alone. Each document is read
back as text (``pdf_text``): the reader's own lines are there, the other
partner's individual session is not, not even as a line without a name.
"""

import pytest
import sqlalchemy as sa

from practice.admin.models import PracticeSettings
from practice.billing.invoicing import PaymentDetails, issue_invoices, record_payment
from practice.billing.models import Credentials, Invoice, PaymentMethod
from practice.billing.services import (
    ArrangementDetails,
    charge_sessions,
    save_arrangement,
    terms_of,
)
from practice.billing.standard import add_standard_services
from practice.database import now_utc
from practice.dates import practice_today
from practice.extensions import db
from tests.factories import add_session, add_session_with, pdf_text, sign_in


@pytest.fixture
def billed(case, counsellor):
    """The Morgans, billed: a joint session and Jordan's own, invoiced; Alex paid $50."""
    settings = PracticeSettings(
        name="Riverside Counselling",
        address="12 Mill Lane\nSpringfield",
        tax_id="12-3456789",
        npi="1234567893",
        invoice_note="Pay by bank transfer to Riverside Counselling, account 0042.",
    )
    db.session.add(settings)
    db.session.add(
        Credentials(user_id=counsellor.id, licence="LMFT 54321, Illinois", npi="1245319599")
    )
    add_standard_services()
    alex, jordan = case.partners
    alex.date_of_birth = jordan.date_of_birth = None
    jordan.date_of_birth = practice_today().replace(year=1990, month=11, day=30)
    now = now_utc()
    save_arrangement(
        case,
        ArrangementDetails(
            payer="split",
            diagnoses=(("Z63.0", "Relationship distress with spouse or intimate partner"),),
        ),
        now,
    )
    joint = add_session(case, -14)
    own = add_session_with(case, days_ago=7, with_whom=("b",), came=("b",))
    charge_sessions(case, {joint.id, own.id}, terms_of(settings), counsellor, now)
    issue_invoices(case, "USD", counsellor, practice_today())
    record_payment(
        case,
        PaymentDetails("a", 5000, PaymentMethod.CARD, practice_today()),
        counsellor,
        now,
    )
    db.session.commit()
    return case


def invoice_of(case, payer) -> Invoice:
    return db.session.scalar(
        sa.select(Invoice).where(Invoice.case_id == case.id, Invoice.payer == payer)
    )


def read_pdf(browser, url) -> str:
    response = browser.get(url)
    assert response.status_code == 200, url
    assert response.mimetype == "application/pdf"
    return pdf_text(response.data)


def test_each_partners_invoice_carries_their_own_lines(app, counsellor, billed):
    browser = sign_in(app, counsellor)
    alex = read_pdf(
        browser, f"/cases/{billed.id}/billing/invoices/{invoice_of(billed, 'a').id}.pdf"
    )
    assert "Invoice INV-00001" in alex
    assert "BILLED TO Alex Morgan" in alex
    assert "Riverside Counselling" in alex
    assert "90847" in alex
    assert "(your share of $160.00) $80.00" in alex
    assert "Total $80.00" in alex
    assert "Paid $50.00" in alex
    assert "Due $30.00" in alex
    assert "Pay by bank transfer" in alex
    assert "90834" not in alex  # Jordan's individual session
    assert "Individual psychotherapy" not in alex
    assert "Jordan" not in alex
    jordan = read_pdf(
        browser, f"/cases/{billed.id}/billing/invoices/{invoice_of(billed, 'b').id}.pdf"
    )
    assert "Invoice INV-00002" in jordan
    assert "90847" in jordan
    assert "90834" in jordan
    assert "Total $220.00" in jordan
    assert "Alex" not in jordan


def test_a_void_invoice_says_so(app, counsellor, billed):
    browser = sign_in(app, counsellor)
    invoice = invoice_of(billed, "b")
    browser.post(
        f"/cases/{billed.id}/billing/invoices/{invoice.id}/void", data={"reason": "Mistake"}
    )
    text = read_pdf(browser, f"/cases/{billed.id}/billing/invoices/{invoice.id}.pdf")
    assert "VOID" in text
    assert "INV-00002" in text
    assert "Mistake" not in text  # the reason is the counsellor's
    assert "Due" not in text


def test_a_statement_runs_the_payers_own_account(app, counsellor, billed):
    browser = sign_in(app, counsellor)
    text = read_pdf(browser, f"/cases/{billed.id}/billing/statement-a.pdf")
    assert "Statement" in text
    assert "FOR Alex Morgan" in text
    assert "Balance brought forward $0.00" in text
    assert "Invoice INV-00001 $80.00 $80.00" in text
    assert "Payment received, card, at a terminal $50.00 $30.00" in text
    assert "Balance due $30.00" in text
    assert "INV-00002" not in text
    assert "Jordan" not in text
    jordan = read_pdf(browser, f"/cases/{billed.id}/billing/statement-b.pdf")
    assert "Balance due $220.00" in jordan


def test_a_statement_for_a_period_brings_the_balance_forward(app, counsellor, billed):
    browser = sign_in(app, counsellor)
    tomorrow = practice_today().toordinal() + 1
    day = type(practice_today()).fromordinal(tomorrow).isoformat()
    text = read_pdf(browser, f"/cases/{billed.id}/billing/statement-a.pdf?start={day}&end={day}")
    assert "Balance brought forward $30.00" in text
    assert "Invoice INV-00001" not in text
    assert "Balance due $30.00" in text
    assert "Invoices still open Invoice Issued Total Due INV-00001" in text


def test_a_bad_period_is_refused_beside_its_field(app, counsellor, billed):
    browser = sign_in(app, counsellor)
    response = browser.get(
        f"/cases/{billed.id}/billing/superbill-a.pdf?start=2026-11-20&end=2026-11-01"
    )
    assert response.status_code == 400
    assert "The end comes on or after the start." in response.get_data(as_text=True)
    response = browser.get(f"/cases/{billed.id}/billing/statement-a.pdf?start=9999-99-99")
    assert response.status_code == 400


def test_a_superbill_has_what_an_insurer_asks_for(app, counsellor, billed):
    browser = sign_in(app, counsellor)
    text = read_pdf(browser, f"/cases/{billed.id}/billing/superbill-b.pdf")
    assert "Superbill" in text
    assert "Tax id (EIN): 12-3456789" in text
    assert "NPI: 1234567893" in text
    assert "Casey Counsellor" in text
    assert "LMFT 54321, Illinois" in text
    assert "1245319599" in text
    assert "Jordan Morgan" in text
    assert "30 Nov 1990" in text
    assert "Z63.0 Relationship distress with spouse or intimate partner" in text
    assert "90847" in text
    assert "90834" in text
    assert "Charged $220.00" in text
    assert "Paid $0.00" in text
    assert "Signature of Casey Counsellor" in text
    assert "Alex" not in text


def test_a_superbill_lists_only_the_readers_own_sessions_with_what_they_paid(
    app, counsellor, billed
):
    browser = sign_in(app, counsellor)
    text = read_pdf(browser, f"/cases/{billed.id}/billing/superbill-a.pdf")
    assert "Alex Morgan" in text
    assert "90847" in text
    assert "90834" not in text
    assert "Individual psychotherapy" not in text
    assert "Charged $80.00" in text
    assert "Paid $50.00" in text
    assert "Jordan" not in text


def test_the_documents_are_on_the_audit_trail(app, counsellor, billed):
    from practice.audit.models import AuditEvent

    browser = sign_in(app, counsellor)
    read_pdf(browser, f"/cases/{billed.id}/billing/superbill-a.pdf")
    read_pdf(browser, f"/cases/{billed.id}/billing/statement-b.pdf")
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "report.download")
    ).all()
    assert sorted(e.detail["report"] for e in events) == ["statement", "superbill"]
