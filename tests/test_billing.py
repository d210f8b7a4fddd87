"""Billing a case through the counsellor's pages: who pays, charging sessions, invoices,
voids, adjustments, payments and refunds.

The arithmetic itself is tested as plain functions in tests/test_billing_money.py;
here the pages and services put it to work on a couple, Alex and Jordan Morgan.
"""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from practice.admin.models import PracticeSettings
from practice.audit.models import AuditEvent
from practice.billing.invoicing import account_of
from practice.billing.models import (
    CaseBilling,
    Charge,
    ChargeAdjustment,
    Invoice,
    Payment,
    Service,
)
from practice.dates import practice_today
from practice.extensions import db
from practice.sessions.models import Session, SessionStatus
from tests.factories import add_session, add_session_with, count, sign_in


@pytest.fixture
def browser(app, counsellor, services):
    return sign_in(app, counsellor)


def settings(**billing) -> PracticeSettings:
    row = db.session.scalar(sa.select(PracticeSettings)) or PracticeSettings(name="Mend Test")
    for name, value in billing.items():
        setattr(row, name, value)
    db.session.add(row)
    db.session.commit()
    return row


def split_half(browser, case, remainder_to="a", **more):
    data = {
        "payer": "split",
        "split_mode": "percent",
        "share_a": "50",
        "remainder_to": remainder_to,
    }
    response = browser.post(f"/cases/{case.id}/billing/arrangement", data=data | more)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def charge_all(browser, case) -> None:
    ids = db.session.scalars(sa.select(Session.id).where(Session.case_id == case.id)).all()
    response = browser.post(f"/cases/{case.id}/billing/charges", data={"sessions": ids})
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]


def charges(case) -> list[Charge]:
    return db.session.scalars(
        sa.select(Charge).where(Charge.case_id == case.id).order_by(Charge.service_date)
    ).all()


def shares_of(charge) -> dict[str, tuple[int, int]]:
    return {s.payer: (s.amount, s.tax) for s in charge.shares}


def invoices(case) -> list[Invoice]:
    return db.session.scalars(
        sa.select(Invoice).where(Invoice.case_id == case.id).order_by(Invoice.number)
    ).all()


# --- Charging ------------------------------------------------------------------------


def test_nothing_is_charged_until_the_counsellor_asks(browser, case):
    response = browser.post(
        f"/cases/{case.id}/sessions/new",
        data={
            "form_token": "t-held-" + "0" * 25,
            "day": (practice_today() - timedelta(days=1)).isoformat(),
            "time": "10:00",
            "duration": "50",
            "status": "attended",
            "attendees": ["a", "b"],
        },
    )
    assert response.status_code == 302
    assert count(Charge) == 0
    page = browser.get(f"/cases/{case.id}/billing/").get_data(as_text=True)
    assert "Sessions not yet charged" in page
    assert "90847" in page  # the joint default, by who came
    assert "$160.00" in page


def test_a_split_couple_charged_each_their_share_and_an_individual_session_to_its_partner(
    browser, case
):
    joint = add_session(case, -14)
    alone = add_session_with(case, days_ago=7, with_whom=("b",), came=("b",))
    split_half(browser, case)
    charge_all(browser, case)
    made = {c.session_id: c for c in charges(case)}
    assert made[joint.id].code == "90847"
    assert shares_of(made[joint.id]) == {"a": (8000, 0), "b": (8000, 0)}
    assert made[alone.id].code == "90834"
    assert made[alone.id].session_with == "b"
    assert shares_of(made[alone.id]) == {"b": (14000, 0)}
    assert {e.action for e in db.session.scalars(sa.select(AuditEvent))} >= {"charge.create"}


def test_charging_twice_charges_once(browser, case):
    add_session(case, -7)
    charge_all(browser, case)
    ids = db.session.scalars(sa.select(Session.id).where(Session.case_id == case.id)).all()
    response = browser.post(f"/cases/{case.id}/billing/charges", data={"sessions": ids})
    assert response.status_code == 303
    assert count(Charge) == 1


def test_a_sliding_fee_with_tax_split_unevenly(browser, case):
    settings(tax_rate=725)  # 7.25 %
    add_session(case, -7)
    split_half(browser, case, remainder_to="a", sliding_fee="99.99")
    charge_all(browser, case)
    [charge] = charges(case)
    assert (charge.fee, charge.amount, charge.tax_rate) == (9999, 9999, 725)
    # B's half of 9999 is 4999.5 → 5000; A takes the remaining 4999. Tax on each line:
    # 4999 × 7.25 % = 362.43 → 362; 5000 × 7.25 % = 362.5 → 363.
    assert shares_of(charge) == {"a": (4999, 362), "b": (5000, 363)}


def test_late_cancellations_and_no_shows_follow_the_practices_policy(browser, case):
    late = add_session(case, -3, status=SessionStatus.CANCELLED)
    late.late_cancel = True
    in_time = add_session(case, -4, status=SessionStatus.CANCELLED)
    missed = add_session(case, -5, status=SessionStatus.NO_SHOW)
    db.session.commit()
    page = browser.get(f"/cases/{case.id}/billing/").get_data(as_text=True)
    assert "Every session held is charged" in page  # no fees: nothing to charge
    settings(late_cancel_percent=50, no_show_percent=100)
    charge_all(browser, case)
    made = {c.session_id: c for c in charges(case)}
    assert set(made) == {late.id, missed.id}
    assert (made[late.id].kind, made[late.id].amount) == ("late-cancel", 8000)
    assert (made[missed.id].kind, made[missed.id].amount) == ("no-show", 16000)
    assert in_time.id not in made


def test_the_service_chosen_at_booking_is_what_the_session_is_charged_as(browser, case, services):
    response = browser.post(
        f"/cases/{case.id}/sessions/new",
        data={
            "form_token": "t-intake-" + "0" * 23,
            "day": (practice_today() - timedelta(days=1)).isoformat(),
            "time": "10:00",
            "duration": "60",
            "status": "attended",
            "attendees": ["a", "b"],
            "service": str(services["90791"].id),
        },
    )
    assert response.status_code == 302
    session = db.session.scalar(sa.select(Session).where(Session.case_id == case.id))
    assert session.service_id == services["90791"].id
    charge_all(browser, case)
    [charge] = charges(case)
    assert (charge.code, charge.amount) == ("90791", 20000)


def test_the_booking_form_offers_the_services_and_keeps_a_choice_on_a_bad_one(browser, case):
    page = browser.get(f"/cases/{case.id}/sessions/new").get_data(as_text=True)
    assert "By who comes: 90847 or 90834" in page
    response = browser.post(
        f"/cases/{case.id}/sessions/new",
        data={
            "form_token": "t-bad-" + "0" * 26,
            "day": practice_today().isoformat(),
            "time": "10:00",
            "duration": "50",
            "status": "scheduled",
            "service": "999999",
        },
    )
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)


def test_a_session_without_a_service_and_no_default_is_refused_beside_the_list(browser, case):
    for service in db.session.scalars(sa.select(Service)):
        service.default_for = None
    db.session.commit()
    add_session(case, -7)
    ids = db.session.scalars(sa.select(Session.id)).all()
    response = browser.post(f"/cases/{case.id}/billing/charges", data={"sessions": ids})
    assert response.status_code == 400
    assert "has no service" in response.get_data(as_text=True)
    assert count(Charge) == 0


def test_an_empty_charge_form_asks_for_a_tick(browser, case):
    add_session(case, -7)
    response = browser.post(f"/cases/{case.id}/billing/charges", data={})
    assert response.status_code == 400
    assert "Tick the sessions to charge." in response.get_data(as_text=True)


# --- Who pays ------------------------------------------------------------------------


def test_who_pays_is_checked_beside_its_fields_and_nothing_typed_is_lost(browser, case):
    response = browser.post(
        f"/cases/{case.id}/billing/arrangement",
        data={
            "payer": "split",
            "split_mode": "percent",
            "share_a": "100",
            "remainder_to": "a",
            "diagnoses": "Z63.0 Relationship distress\nnot-a-code here",
            "sliding_fee": "12.345",
        },
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "not an ICD-10 code" in body
    assert "at most 2 digits after the decimal point" in body
    assert "12.345" in body
    assert db.session.get(CaseBilling, case.id) is None
    response = browser.post(
        f"/cases/{case.id}/billing/arrangement",
        data={"payer": "third", "third_party_name": ""},
    )
    assert response.status_code == 400
    assert "Name the programme or employer" in response.get_data(as_text=True)


def test_who_pays_saves_diagnoses_and_dates_of_birth(browser, case):
    response = browser.post(
        f"/cases/{case.id}/billing/arrangement",
        data={
            "payer": "split",
            "split_mode": "amounts",
            "amount_a": "100",
            "amount_b": "60",
            "remainder_to": "b",
            "diagnoses": "z63.0 Relationship distress with spouse or intimate partner",
            "born_a": "1988-04-02",
            "born_b": "1990-11-30",
        },
    )
    assert response.status_code == 302
    billing = db.session.get(CaseBilling, case.id)
    assert (billing.split_mode, billing.share_a, billing.share_b) == ("amounts", 10000, 6000)
    assert billing.diagnoses == [
        {"code": "Z63.0", "description": "Relationship distress with spouse or intimate partner"}
    ]
    assert str(case.partners[0].date_of_birth) == "1988-04-02"
    page = browser.get(f"/cases/{case.id}/billing/").get_data(as_text=True)
    assert "Alex $100.00 and Jordan $60.00 of a full session" in page
    # The diagnosis is clinical: stored encrypted.
    with db.engine.connect() as conn:
        stored = conn.scalar(sa.text("SELECT diagnoses FROM case_billing"))
    assert "Z63.0" not in stored


# --- Invoices, voids and adjustments -------------------------------------------------


def test_a_split_case_makes_one_invoice_per_partner_for_their_share(browser, case):
    add_session(case, -14)
    add_session_with(case, days_ago=7, with_whom=("b",), came=("b",))
    split_half(browser, case)
    charge_all(browser, case)
    response = browser.post(f"/cases/{case.id}/billing/invoices")
    assert response.status_code == 303
    alex, jordan = invoices(case)
    assert (alex.number, alex.payer, alex.total, alex.billed_to) == (1, "a", 8000, "Alex Morgan")
    assert (jordan.number, jordan.payer, jordan.total) == (2, "b", 22000)
    assert [line.code for line in alex.lines] == ["90847"]
    assert [line.code for line in jordan.lines] == ["90847", "90834"]
    # Issuing again finds nothing new.
    browser.post(f"/cases/{case.id}/billing/invoices")
    assert count(Invoice) == 2


def test_a_void_invoice_keeps_its_number_and_frees_its_charges(browser, case):
    add_session(case, -7)
    charge_all(browser, case)
    browser.post(f"/cases/{case.id}/billing/invoices")
    [first] = invoices(case)
    [charge] = charges(case)
    adjust = f"/cases/{case.id}/billing/charges/{charge.id}/adjust"
    # While the invoice stands, the charge cannot change.
    response = browser.post(adjust, data={"amount": "120", "service": "", "reason": "Hardship"})
    assert response.status_code == 400
    assert f"on invoice {first.label}" in response.get_data(as_text=True)
    # A void needs a reason.
    void = f"/cases/{case.id}/billing/invoices/{first.id}/void"
    assert browser.post(void, data={"reason": " "}).status_code == 400
    assert browser.post(void, data={"reason": "Fee agreed lower"}).status_code == 302
    response = browser.post(adjust, data={"amount": "120", "service": "", "reason": "Hardship"})
    assert response.status_code == 302
    browser.post(f"/cases/{case.id}/billing/invoices")
    voided, second = invoices(case)
    assert (voided.number, voided.void, voided.total) == (1, True, 16000)
    assert (second.number, second.void, second.total) == (2, False, 12000)
    adjustment = db.session.scalar(sa.select(ChargeAdjustment))
    assert (adjustment.amount_before, adjustment.amount_after) == (16000, 12000)
    assert adjustment.reason == "Hardship"
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"invoice.issue", "invoice.void", "charge.adjust"} <= actions
    page = browser.get(f"/cases/{case.id}/billing/").get_data(as_text=True)
    assert "$160.00 → $120.00" in page


def test_an_adjustment_can_change_what_a_session_was_charged_as(browser, case, services):
    add_session(case, -7, attendees=("a",))
    charge_all(browser, case)
    [charge] = charges(case)
    assert charge.code == "90834"
    response = browser.post(
        f"/cases/{case.id}/billing/charges/{charge.id}/adjust",
        data={"amount": "180", "service": str(services["90837"].id), "reason": "It ran to 60"},
    )
    assert response.status_code == 302
    db.session.refresh(charge)
    assert (charge.code, charge.amount, charge.minutes) == ("90837", 18000, 60)
    assert shares_of(charge) == {"a": (18000, 0)}


def test_an_adjustment_needs_a_reason_and_a_readable_amount(browser, case):
    add_session(case, -7)
    charge_all(browser, case)
    [charge] = charges(case)
    url = f"/cases/{case.id}/billing/charges/{charge.id}/adjust"
    response = browser.post(url, data={"amount": "lots", "service": "", "reason": "x"})
    assert response.status_code == 400
    assert "Enter an amount in figures" in response.get_data(as_text=True)
    response = browser.post(url, data={"amount": "100", "service": "", "reason": ""})
    assert response.status_code == 400
    assert count(ChargeAdjustment) == 0


# --- Payments and refunds ------------------------------------------------------------


def pay(browser, case, amount, payer="a", kind="payment", sent="p"):
    return browser.post(
        f"/cases/{case.id}/billing/payments/new",
        data={
            "form_token": f"{sent}-" + "0" * 20,
            "payer": payer,
            "kind": kind,
            "amount": amount,
            "method": "card",
            "received_on": practice_today().isoformat(),
            "reference": "T-1",
        },
    )


def test_payments_meet_invoices_and_a_refund_gives_back_only_credit(browser, case):
    add_session(case, -14)
    add_session(case, -7)
    split_half(browser, case)
    charge_all(browser, case)
    browser.post(f"/cases/{case.id}/billing/invoices")
    assert pay(browser, case, "100", sent="p1").status_code == 302
    assert pay(browser, case, "100", sent="p1").status_code == 302  # sent twice: once
    assert count(Payment) == 1
    account = account_of(case, "a")
    [invoice] = account.invoices
    assert (invoice.total, account.paid(invoice), account.due(invoice)) == (16000, 10000, 6000)
    assert pay(browser, case, "80", sent="p2").status_code == 302
    account = account_of(case, "a")
    assert (account.balance, account.credit) == (-2000, 2000)
    response = pay(browser, case, "30", kind="refund", sent="r1")
    assert response.status_code == 400
    assert "gives back what is held in credit" in response.get_data(as_text=True)
    assert pay(browser, case, "20", kind="refund", sent="r2").status_code == 302
    account = account_of(case, "a")
    assert (account.balance, account.credit, account.received) == (0, 0, 16000)
    assert account_of(case, "b").balance == 16000  # Jordan's account is Jordan's own
    actions = list(db.session.scalars(sa.select(AuditEvent.action)))
    assert actions.count("payment.record") == 2
    assert actions.count("refund.record") == 1


def test_a_payment_form_with_bad_input_keeps_what_was_typed(browser, case):
    response = pay(browser, case, "1,2,3.4.5")
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter an amount in figures" in body
    assert "1,2,3.4.5" in body
    response = browser.post(
        f"/cases/{case.id}/billing/payments/new",
        data={
            "form_token": "q-" + "0" * 20,
            "payer": "a",
            "kind": "payment",
            "amount": "10",
            "method": "card",
            "received_on": (practice_today() + timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "once it has come in" in response.get_data(as_text=True)
    assert count(Payment) == 0


def test_a_voided_paid_invoice_leaves_credit_to_refund(browser, case):
    add_session(case, -7)
    charge_all(browser, case)
    browser.post(f"/cases/{case.id}/billing/invoices")
    [invoice] = invoices(case)
    pay(browser, case, "160")
    browser.post(f"/cases/{case.id}/billing/invoices/{invoice.id}/void", data={"reason": "Wrong"})
    account = account_of(case, "a")
    assert (account.balance, account.credit) == (-16000, 16000)
    page = browser.get(f"/cases/{case.id}/billing/").get_data(as_text=True)
    assert "Refund the credit" in page


def test_a_session_keeps_a_service_the_practice_no_longer_offers(browser, case, services):
    session = add_session(case, 3, status=SessionStatus.SCHEDULED)
    session.service_id = services["90846"].id
    services["90846"].active = False
    db.session.commit()
    page = browser.get(f"/cases/{case.id}/sessions/{session.id}/edit").get_data(as_text=True)
    assert f'<option selected value="{services["90846"].id}">90846' in page
