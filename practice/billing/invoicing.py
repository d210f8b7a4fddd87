"""Changing the books, part two: invoices to each payer, voids, money received and
given back; and each payer's account as it stands.

An invoice is issued to one payer, for that payer's shares of the case's
charges: a split case makes one invoice per partner. A share of a session with
one partner only ever goes to that partner (see ``ledger.payers_of``), so no
invoice of one partner can carry the other's individual sessions.
"""

from dataclasses import asdict, dataclass, replace
from datetime import date, datetime

import sqlalchemy as sa

from practice import audit
from practice.auth.models import User
from practice.billing.ledger import LATE_CANCEL, NO_SHOW, THIRD, Allocation, allocate
from practice.billing.models import (
    CaseBilling,
    Charge,
    ChargeShare,
    Invoice,
    InvoiceLine,
    Payment,
    PaymentMethod,
)
from practice.billing.money import format_amount
from practice.billing.numbering import take_invoice_number
from practice.billing.services import Problem, billing_of, lock_case
from practice.cases.models import Case
from practice.extensions import db


def line_description(charge: Charge, share: ChargeShare | None = None, currency="USD") -> str:
    """How a charge reads on an invoice; a share of it says of how much."""
    words = charge.description
    if charge.kind == LATE_CANCEL:
        words = f"Late cancellation ({charge.percent} % of the fee): {words}"
    elif charge.kind == NO_SHOW:
        words = f"Missed session ({charge.percent} % of the fee): {words}"
    if share is not None and share.amount != charge.amount:
        words += f" (your share of {format_amount(charge.amount, currency)})"
    return words


def payer_name(case: Case, billing: CaseBilling, payer: str) -> str:
    """Whom ``payer`` ("a", "b", "third") is, by name."""
    if payer == THIRD:
        return billing.third_party_name or "Third party"
    partner = case.partner(payer)
    return partner.name if partner else payer.upper()


def uninvoiced(case: Case) -> dict[str, list[ChargeShare]]:
    """Each payer's shares of the case's charges that no live invoice carries yet."""
    on_live_invoice = (
        sa.select(InvoiceLine.id)
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(
            InvoiceLine.charge_id == ChargeShare.charge_id,
            Invoice.payer == ChargeShare.payer,
            Invoice.voided_at.is_(None),
        )
    )
    shares = db.session.scalars(
        sa.select(ChargeShare)
        .join(Charge, Charge.id == ChargeShare.charge_id)
        .where(
            Charge.case_id == case.id,
            ChargeShare.amount + ChargeShare.tax > 0,
            ~on_live_invoice.exists(),
        )
        .options(sa.orm.contains_eager(ChargeShare.charge))
        .order_by(Charge.service_date, Charge.id)
    )
    found: dict[str, list[ChargeShare]] = {}
    for share in shares:
        found.setdefault(share.payer, []).append(share)
    return found


def issue_invoices(case: Case, currency: str, by: User, today: date) -> list[Invoice]:
    """One invoice per payer for what is not yet invoiced, each numbered as it is issued."""
    lock_case(case)
    billing = billing_of(case)
    issued = []
    for payer, shares in sorted(uninvoiced(case).items()):
        partner = case.partner(payer)
        invoice = Invoice(
            number=take_invoice_number(),
            case_id=case.id,
            counsellor_id=case.counsellor_id,
            payer=payer,
            partner_id=partner.id if partner else None,
            billed_to=payer_name(case, billing, payer),
            billed_to_address=billing.third_party_address if payer == THIRD else "",
            currency=currency,
            issued_on=today,
            subtotal=sum(s.amount for s in shares),
            tax=sum(s.tax for s in shares),
            total=sum(s.amount + s.tax for s in shares),
            created_by_id=by.id,
        )
        invoice.lines = [
            InvoiceLine(
                charge_id=s.charge.id,
                service_date=s.charge.service_date,
                code=s.charge.code,
                description=line_description(s.charge, s, currency),
                amount=s.amount,
                tax=s.tax,
            )
            for s in shares
        ]
        db.session.add(invoice)
        issued.append(invoice)
    db.session.flush()
    for invoice in issued:
        audit.record("invoice.issue", invoice, number=invoice.number, payer=invoice.payer)
    return issued


def void_invoice(invoice: Invoice, reason: str, by: User, now: datetime) -> None:
    """Void ``invoice``: it keeps its number and its lines, and no longer counts. Its
    charges can then be adjusted and invoiced again; money paid towards it moves on
    to the payer's other invoices, or into credit."""
    if not reason.strip():
        raise Problem("reason", "Say why the invoice is voided: it is kept with it.")
    lock_case(invoice.case)
    if invoice.void:
        raise Problem("reason", f"Invoice {invoice.label} is already void.")
    invoice.voided_at = now
    invoice.voided_by_id = by.id
    invoice.void_reason = reason.strip()
    db.session.flush()
    audit.record("invoice.void", invoice, number=invoice.number)


@dataclass
class Account:
    """One payer's account with the case: invoices, money in and out, and what is owed."""

    payer: str
    name: str
    invoices: list[Invoice]  # live ones, oldest first
    voided: list[Invoice]
    payments: list[Payment]  # payments and refunds, oldest first
    allocation: Allocation

    @property
    def invoiced(self) -> int:
        return sum(i.total for i in self.invoices)

    @property
    def received(self) -> int:
        """Payments less refunds."""
        return -sum(p.signed for p in self.payments)

    @property
    def balance(self) -> int:
        """What the payer owes (below zero: what the practice holds for them)."""
        return self.invoiced - self.received

    @property
    def credit(self) -> int:
        return self.allocation.credit

    def due(self, invoice: Invoice) -> int:
        return 0 if invoice.void else self.allocation.due(invoice.id, invoice.total)

    def paid(self, invoice: Invoice) -> int:
        return 0 if invoice.void else self.allocation.paid.get(invoice.id, 0)


def account_from(payer: str, name: str, invoices, payments) -> Account:
    """An account from the payer's invoices and payments (any order)."""
    invoices = sorted(invoices, key=lambda i: (i.issued_on, i.number))
    payments = sorted(payments, key=lambda p: (p.received_on, p.id))
    live = [i for i in invoices if not i.void]
    received = -sum(p.signed for p in payments)
    return Account(
        payer=payer,
        name=name,
        invoices=live,
        voided=[i for i in invoices if i.void],
        payments=payments,
        allocation=allocate(((i.id, i.total) for i in live), received),
    )


def accounts(case: Case) -> list[Account]:
    """An account for each partner of the case, and for a third party that pays or paid."""
    billing = billing_of(case)
    invoices = db.session.scalars(
        sa.select(Invoice)
        .where(Invoice.case_id == case.id)
        .options(sa.orm.selectinload(Invoice.lines))
    ).all()
    payments = db.session.scalars(sa.select(Payment).where(Payment.case_id == case.id)).all()
    payers = [p.position for p in case.partners]
    if billing.payer == THIRD or any(i.payer == THIRD for i in invoices):
        payers.append(THIRD)
    return [
        account_from(
            payer,
            payer_name(case, billing, payer),
            [i for i in invoices if i.payer == payer],
            [p for p in payments if p.payer == payer],
        )
        for payer in payers
    ]


def account_of(case: Case, payer: str) -> Account:
    """One payer's account with the case."""
    return next(a for a in accounts(case) if a.payer == payer)


@dataclass(frozen=True)
class PaymentDetails:
    """Money received from a payer, or given back to them, as the counsellor records it."""

    payer: str
    amount: int
    method: PaymentMethod
    received_on: date
    refund: bool = False
    reference: str = ""


def record_payment(case: Case, details: PaymentDetails, by: User, now: datetime) -> Payment:
    """Record a payment (it meets the payer's oldest invoices first) or a refund (at most
    what the practice holds in credit for the payer)."""
    lock_case(case)
    payers = {a.payer: a for a in accounts(case)}
    if details.payer not in payers:
        raise Problem("payer", "Choose who paid from the payers of this case.")
    if details.amount <= 0:
        raise Problem("amount", "Enter an amount above zero.")
    credit = payers[details.payer].credit
    if details.refund and details.amount > credit:
        raise Problem(
            "amount",
            "A refund gives back what is held in credit, and "
            f"{payers[details.payer].name} has {'none' if not credit else 'less than that'}.",
        )
    # Each of the details is a column of the payment; the reference is kept trimmed.
    details = replace(details, reference=details.reference.strip())
    payment = Payment(case_id=case.id, **asdict(details), recorded_by_id=by.id, recorded_at=now)
    db.session.add(payment)
    return payment
