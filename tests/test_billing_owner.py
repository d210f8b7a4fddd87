"""The owner's side of billing: services and fees, billing settings, a counsellor's details
for superbills, and the reports — whose totals must equal invoices less payments."""

import csv
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa

from practice.admin.models import PracticeSettings
from practice.auth.models import Role
from practice.billing import reports
from practice.billing.invoicing import (
    PaymentDetails,
    issue_invoices,
    record_payment,
    void_invoice,
)
from practice.billing.models import (
    Credentials,
    DefaultFor,
    Invoice,
    Payment,
    PaymentMethod,
    Service,
)
from practice.billing.services import ArrangementDetails, Terms, charge_sessions, save_arrangement
from practice.database import now_utc
from practice.dates import practice_today
from practice.extensions import db
from tests.factories import add_session, sign_in


@pytest.fixture
def as_owner(app, owner, services):
    return sign_in(app, owner)


# --- Services ------------------------------------------------------------------------


def test_the_practice_starts_with_five_us_codes(as_owner):
    page = as_owner.get("/billing/services").get_data(as_text=True)
    for code in ("90847", "90846", "90791", "90834", "90837"):
        assert code in page
    assert "$160.00" in page


def test_a_service_is_added_and_a_default_moves_to_it(as_owner, services):
    response = as_owner.post(
        "/billing/services/new",
        data={
            "code": "cc1",
            "description": "Couples session (UK)",
            "minutes": "60",
            "fee": "95",
            "default_for": "joint",
            "active": "y",
        },
    )
    assert response.status_code == 302
    added = db.session.scalar(sa.select(Service).where(Service.code == "CC1"))
    assert (added.fee, added.default_for) == (9500, DefaultFor.JOINT)
    db.session.refresh(services["90847"])
    assert services["90847"].default_for is None


def test_a_service_form_with_bad_input_keeps_it(as_owner, services):
    response = as_owner.post(
        f"/billing/services/{services['90834'].id}",
        data={"code": "90847", "description": "Clash", "minutes": "45", "fee": "1.001"},
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "at most 2 digits after the decimal point" in body
    assert 'value="1.001"' in body
    response = as_owner.post(
        f"/billing/services/{services['90834'].id}",
        data={
            "code": "90847",
            "description": "Clash",
            "minutes": "45",
            "fee": "100",
            "active": "y",
        },
    )
    assert response.status_code == 400
    assert "Another service in use has this code." in response.get_data(as_text=True)


def test_a_service_no_longer_offered_is_kept_and_not_offered_at_booking(
    app, as_owner, services, counsellor, case
):
    service = services["90846"]
    response = as_owner.post(
        f"/billing/services/{service.id}",
        data={"code": "90846", "description": service.description, "minutes": "50", "fee": "150"},
    )
    assert response.status_code == 302
    db.session.refresh(service)
    assert service.active is False
    page = sign_in(app, counsellor).get(f"/cases/{case.id}/sessions/new").get_data(as_text=True)
    assert "90846" not in page


# --- Settings and a counsellor's details ---------------------------------------------


def test_billing_settings_are_saved_as_whole_numbers(as_owner):
    response = as_owner.post(
        "/billing/settings",
        data={
            "currency": "GBP",
            "tax_rate": "7.25",
            "late_cancel_percent": "50",
            "no_show_percent": "100",
            "tax_id": "12-3456789",
            "npi": "1234567893",
            "invoice_note": "Pay within 14 days.",
        },
    )
    assert response.status_code == 302
    settings = db.session.scalar(sa.select(PracticeSettings))
    assert (settings.currency, settings.tax_rate) == ("GBP", 725)
    assert (settings.late_cancel_percent, settings.no_show_percent) == (50, 100)
    assert as_owner.get("/billing/services").get_data(as_text=True).count("£") >= 5


def test_billing_settings_with_bad_input_say_why(as_owner):
    response = as_owner.post(
        "/billing/settings",
        data={
            "currency": "USD",
            "tax_rate": "7.255",
            "late_cancel_percent": "150",
            "no_show_percent": "0",
            "npi": "1234567890",
        },
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "at most two digits after the decimal point" in body
    assert "Between 0 and 100." in body
    assert "That is not an NPI" in body
    assert 'value="7.255"' in body


def test_the_currency_stays_once_an_invoice_is_issued(as_owner, counsellor, case):
    charge_sessions(case, {add_session(case, -7).id}, Terms(), counsellor, now_utc())
    issue_invoices(case, "USD", counsellor, practice_today())
    db.session.commit()
    response = as_owner.post(
        "/billing/settings",
        data={
            "currency": "EUR",
            "tax_rate": "0",
            "late_cancel_percent": "0",
            "no_show_percent": "0",
        },
    )
    assert response.status_code == 400
    assert "change it only before the first invoice" in response.get_data(as_text=True)


def test_a_counsellor_gives_their_own_details_for_superbills(app, counsellor):
    browser = sign_in(app, counsellor)
    response = browser.post("/billing/my-details", data={"licence": "LMFT 1", "npi": "12345"})
    assert response.status_code == 400
    assert "An NPI has 10 digits." in response.get_data(as_text=True)
    response = browser.post(
        "/billing/my-details", data={"licence": "LMFT 54321, Illinois", "npi": "1245319599"}
    )
    assert response.status_code == 302
    held = db.session.get(Credentials, counsellor.id)
    assert (held.licence, held.npi) == ("LMFT 54321, Illinois", "1245319599")


# --- Reports -------------------------------------------------------------------------


@pytest.fixture
def books(make_user, make_case, services):
    """Two counsellors' couples with invoices of different ages, payments, a refund and a
    void: the kind of books a month-end report is run over."""
    today = practice_today()
    sam = make_user(Role.COUNSELLOR, name="Sam Whitfield")
    priya = make_user(Role.COUNSELLOR, name="Priya Raman")
    now = now_utc()

    def billed(counsellor, names, *, payer="split", days_ago=0, sessions=1):
        case = make_case(counsellor, names, portal=False)
        save_arrangement(case, ArrangementDetails(payer=payer), now)
        held = [add_session(case, -days_ago - 1 - n) for n in range(sessions)]
        charge_sessions(case, {s.id for s in held}, Terms(), counsellor, now)
        issue_invoices(case, "USD", counsellor, today - timedelta(days=days_ago))
        return case

    def pay(case, counsellor, payer, amount, refund=False, days_ago=0):
        details = PaymentDetails(
            payer, amount, PaymentMethod.CASH, today - timedelta(days=days_ago), refund=refund
        )
        record_payment(case, details, counsellor, now)

    morgans = billed(sam, ("Alex Morgan", "Jordan Morgan"), days_ago=95)  # 8000 each
    pay(morgans, sam, "a", 8000, days_ago=90)  # Alex paid in full
    pay(morgans, sam, "b", 3000, days_ago=60)  # Jordan part: 5000 owed, 90+
    olsens = billed(priya, ("Dana Olsen", "Chris Olsen"), payer="a", days_ago=40, sessions=2)
    pay(olsens, priya, "a", 40000, days_ago=10)  # 32000 owed: 8000 over → credit
    pay(olsens, priya, "a", 3000, refund=True, days_ago=5)  # credit 5000 left
    parks = billed(sam, ('=HYPERLINK("x")', "Lee Park"), payer="a", days_ago=10)  # 16000 owed
    lees = billed(priya, ("Kim Lee", "Ash Lee"), payer="b", days_ago=70)
    void_invoice(
        db.session.scalar(sa.select(Invoice).where(Invoice.case_id == lees.id)),
        "Wrong fee",
        priya,
        now,
    )
    db.session.commit()
    return {"sam": sam, "priya": priya, "parks": parks}


def test_the_owners_totals_equal_invoices_less_payments(books):
    today = practice_today()
    live = db.session.scalars(sa.select(Invoice).where(Invoice.voided_at.is_(None))).all()
    payments = db.session.scalars(sa.select(Payment)).all()
    invoiced = sum(i.total for i in live)
    received = sum(-p.amount if p.refund else p.amount for p in payments)
    owed = reports.outstanding(today)
    assert owed.due - owed.credit == invoiced - received
    assert (owed.invoiced, owed.received) == (invoiced, received)
    # Worked by hand: Jordan 5000 (95 days), the Parks' payer 16000 (10 days); credit 5000.
    assert owed.bands == {"0-30": 16000, "31-60": 0, "61-90": 0, "90+": 5000}
    assert owed.due == 21000
    assert owed.credit == 5000
    assert invoiced - received == 16000
    # Income, over the years the books span (the oldest invoice is 95 days old).
    years = [reports.income(year) for year in {today.year - 1, today.year}]
    assert sum(y.total("invoiced") for y in years) == invoiced
    assert sum(y.total("received") - y.total("refunded") for y in years) == received
    by_counsellor = {}
    for year in years:
        for cid, name in year.counsellors:
            by_counsellor[name] = by_counsellor.get(name, 0) + year.counsellor_total(cid)
    assert by_counsellor == {"Priya Raman": 37000, "Sam Whitfield": 11000}


def test_the_report_pages_and_their_csv_files(as_owner, books):
    page = as_owner.get("/billing/reports").get_data(as_text=True)
    assert f"Income in {practice_today().year}" in page
    assert "Sam Whitfield" in page
    assert "$210.00" in page
    response = as_owner.get("/billing/reports/outstanding.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["Payer", "Counsellor", "0-30 days", "31-60 days", "61-90 days",
                       "90+ days", "Owed", "Credit"]  # fmt: skip
    assert rows[-1] == ["Total", "", "160.00", "0.00", "0.00", "50.00", "210.00", "50.00"]
    # A name that a spreadsheet would run as a formula is written as text.
    assert rows[1][:2] == ['\'=HYPERLINK("x")', "Sam Whitfield"]
    income = list(
        csv.reader(io.StringIO(as_owner.get("/billing/reports/income.csv").get_data(as_text=True)))
    )
    assert income[0][:4] == ["Month", "Invoiced", "Received", "Refunded"]
    assert income[-1][0] == "Total"
    assert all(not cell.startswith("-") for row in income for cell in row)


def test_a_year_beyond_reason_falls_back_to_this_one(as_owner):
    page = as_owner.get("/billing/reports?year=99999").get_data(as_text=True)
    assert f"Income in {practice_today().year}" in page
