"""The demo practice's books: the Morgans split their fee, Dana Olsen pays for the Olsens."""

import sqlalchemy as sa

from practice.billing.models import Charge, Invoice, Payment
from practice.extensions import db
from tests.factories import count, pdf_text

DEMO_PASSWORD = "demo password"


def test_the_demo_has_a_split_couple_and_a_one_payer_couple(runner, app):
    result = runner.invoke(args=["seed-demo", "--password", DEMO_PASSWORD])
    assert result.exit_code == 0, result.output
    db.session.rollback()
    payers = dict(
        db.session.execute(
            sa.select(Invoice.billed_to, sa.func.count()).group_by(Invoice.billed_to)
        ).all()
    )
    assert payers == {"Alex Morgan": 2, "Jordan Morgan": 2, "Dana Olsen": 1}
    assert count(Charge) == 8 + 5
    assert count(Payment) == 4
    again = runner.invoke(args=["seed-demo", "--password", DEMO_PASSWORD])
    assert again.exit_code == 0, again.output
    db.session.rollback()
    assert count(Invoice) == 5


def test_alex_reads_their_statement_and_superbill_in_the_demo(runner, app):
    runner.invoke(args=["seed-demo", "--password", DEMO_PASSWORD])
    # From 2000: the demo's invoices are dated weeks before today, whatever today is.
    browser = app.test_client()
    browser.post("/login", data={"email": "alex@demo.mend", "password": DEMO_PASSWORD})
    page = browser.get("/portal/billing/").get_data(as_text=True)
    assert "You owe <strong>$160.00</strong>" in page
    statement = pdf_text(browser.get("/portal/billing/statement.pdf?start=2000-01-01").data)
    assert "Payment received, card, at a terminal, 4471" in statement
    superbill = pdf_text(browser.get("/portal/billing/superbill.pdf?start=2000-01-01").data)
    assert "Z63.0" in superbill
    assert "LMFT 54321, Illinois" in superbill
    assert "14 Mar 1987" in superbill
    assert "Jordan" not in superbill
