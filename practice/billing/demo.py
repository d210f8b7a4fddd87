"""The demo practice's books: a couple who split their fee and a couple with one payer.

Called by ``practice.demo.seed`` once the demo's sessions exist; idempotent (it
does nothing once the Morgans have an invoice). Everything goes through the
billing services, as a counsellor's clicks would.

- The Morgans (Sam's) split every joint session half and half, Alex taking the
  odd cent. Their first four sessions were invoiced five weeks ago and their
  last four a week ago; Alex has paid the first invoice and part of the second,
  Jordan part of the first. Both have a diagnosis code and a date of birth, so
  each partner's statement and superbill print whole (from the billing page or
  their portal).
- The Olsens (Priya's) are on a sliding-scale fee that Dana alone pays; Dana
  paid part of it in cash.
"""

from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from practice.auth.models import User
from practice.billing.invoicing import PaymentDetails, issue_invoices, record_payment
from practice.billing.models import Credentials, Invoice, PaymentMethod
from practice.billing.services import (
    ArrangementDetails,
    charge_sessions,
    save_arrangement,
    terms_of,
)
from practice.billing.standard import add_standard_services
from practice.cases.models import Case
from practice.dates import practice_today, practice_zone
from practice.extensions import db
from practice.sessions.models import Session, SessionStatus
from practice.settings import practice_settings

RELATIONSHIP_DISTRESS = ("Z63.0", "Relationship distress with spouse or intimate partner")
CREDENTIALS = {
    "sam@demo.mend": ("LMFT 54321, Illinois", "1245319599"),
    "priya@demo.mend": ("LCPC 18273, Illinois", "1629067158"),
}


def seed_billing(staff: dict[str, User]) -> None:
    """Add the demo's billing, unless the Morgans have been billed already."""
    morgan = db.session.scalar(sa.select(Case).where(Case.label == "Alex & Jordan Morgan"))
    olsen = db.session.scalar(sa.select(Case).where(Case.label == "Dana & Chris Olsen"))
    if morgan is None or olsen is None:
        return
    if db.session.scalar(sa.select(Invoice.id).where(Invoice.case_id == morgan.id).limit(1)):
        return
    add_standard_services()
    for email, (licence, npi) in CREDENTIALS.items():
        user = staff[email]
        if db.session.get(Credentials, user.id) is None:
            db.session.add(Credentials(user_id=user.id, licence=licence, npi=npi, tax_id=""))
    today = practice_today()
    terms = terms_of(practice_settings())
    _morgans(morgan, staff["sam@demo.mend"], terms, today)
    _olsens(olsen, staff["priya@demo.mend"], terms, today)
    db.session.flush()


def _held(case: Case) -> list[Session]:
    return list(
        db.session.scalars(
            sa.select(Session)
            .where(Session.case_id == case.id, Session.status == SessionStatus.ATTENDED)
            .order_by(Session.starts_at)
        )
    )


def _pay(case: Case, payer: str, amount: int, method: PaymentMethod, on: date, by: User, **more):
    record_payment(case, PaymentDetails(payer, amount, method, on, **more), by, _at(on))


def _at(day: date) -> datetime:
    """Four in the afternoon of ``day`` in the practice's time: when that day's books were done."""
    return datetime.combine(day, time(16, 0), tzinfo=practice_zone())


def _morgans(case: Case, sam: User, terms, today: date) -> None:
    alex, jordan = case.partners
    save_arrangement(
        case,
        ArrangementDetails(
            payer="split",
            remainder_to="a",
            diagnoses=(RELATIONSHIP_DISTRESS,),
            born={"a": date(1987, 3, 14), "b": date(1988, 9, 2)},
        ),
        _at(today - timedelta(weeks=9)),
    )
    held = _held(case)
    first, later = held[:4], held[4:]
    invoiced_on = today - timedelta(days=35)
    charge_sessions(case, {s.id for s in first}, terms, sam, _at(invoiced_on))
    issue_invoices(case, terms.currency, sam, invoiced_on)
    _pay(case, "a", 32000, PaymentMethod.CARD, today - timedelta(days=33), sam, reference="4471")
    _pay(case, "b", 20000, PaymentMethod.TRANSFER, today - timedelta(days=28), sam)
    invoiced_on = today - timedelta(days=7)
    charge_sessions(case, {s.id for s in later}, terms, sam, _at(invoiced_on))
    issue_invoices(case, terms.currency, sam, invoiced_on)
    _pay(case, "a", 16000, PaymentMethod.CARD, today - timedelta(days=2), sam, reference="4502")


def _olsens(case: Case, priya: User, terms, today: date) -> None:
    save_arrangement(
        case,
        ArrangementDetails(payer="a", sliding_fee=12000, diagnoses=(RELATIONSHIP_DISTRESS,)),
        _at(today - timedelta(weeks=6)),
    )
    invoiced_on = today - timedelta(days=6)
    charge_sessions(case, {s.id for s in _held(case)}, terms, priya, _at(invoiced_on))
    issue_invoices(case, terms.currency, priya, invoiced_on)
    _pay(case, "a", 30000, PaymentMethod.CASH, today - timedelta(days=6), priya)
