"""The owner's figures: income by month and by counsellor, and what is owed by age.

Read from the books as they stand: live invoices (a voided one counts nowhere),
payments and refunds. What is outstanding is worked out per payer as their
account does (``ledger.allocate``: payments meet the oldest invoice first), so
the report's total owed is always the sum of invoices less the money received,
less the credit it holds for payers who paid ahead. Names, no clinical detail:
no service, no session, no diagnosis appears here.
"""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import partial

import sqlalchemy as sa

from practice.admin.audit_trail import csv_safe
from practice.auth.models import User
from practice.billing.invoicing import payer_name
from practice.billing.ledger import AGE_BANDS, allocate, by_age
from practice.billing.models import CaseBilling, Invoice, Payment
from practice.billing.money import amount_text
from practice.billing.services import billing_of
from practice.cases.models import Case
from practice.extensions import db


@dataclass
class Month:
    first: date
    invoiced: int = 0
    received: int = 0
    refunded: int = 0
    by_counsellor: dict[int, int] = field(default_factory=dict)  # received less refunded

    @property
    def net(self) -> int:
        return self.received - self.refunded


@dataclass
class Income:
    year: int
    months: list[Month]
    counsellors: list[tuple[int, str]]

    def total(self, name: str) -> int:
        return sum(getattr(m, name) for m in self.months)

    def counsellor_total(self, counsellor_id: int) -> int:
        return sum(m.by_counsellor.get(counsellor_id, 0) for m in self.months)


def income(year: int) -> Income:
    """Invoiced (by the month issued) and received (by the month it came in), month by
    month through ``year``, with what came in for each counsellor's cases."""
    months = [Month(date(year, n, 1)) for n in range(1, 13)]
    start, end = date(year, 1, 1), date(year, 12, 31)
    for issued_on, total in db.session.execute(
        sa.select(Invoice.issued_on, Invoice.total).where(
            Invoice.voided_at.is_(None), Invoice.issued_on.between(start, end)
        )
    ):
        months[issued_on.month - 1].invoiced += total
    counsellors: dict[int, str] = {}
    for received_on, amount, refund, counsellor_id, name in db.session.execute(
        sa.select(Payment.received_on, Payment.amount, Payment.refund, User.id, User.name)
        .join(Case, Case.id == Payment.case_id)
        .join(User, User.id == Case.counsellor_id)
        .where(Payment.received_on.between(start, end))
    ):
        month = months[received_on.month - 1]
        if refund:
            month.refunded += amount
        else:
            month.received += amount
        signed = -amount if refund else amount
        month.by_counsellor[counsellor_id] = month.by_counsellor.get(counsellor_id, 0) + signed
        counsellors[counsellor_id] = name
    return Income(year, months, sorted(counsellors.items(), key=lambda item: item[1]))


@dataclass
class Owed:
    """One payer's account with one case, as the owner's report reads it."""

    name: str
    counsellor: str
    bands: dict[str, int]
    credit: int
    invoiced: int
    received: int

    @property
    def due(self) -> int:
        return sum(self.bands.values())


@dataclass
class Outstanding:
    rows: list[Owed]  # payers who owe, or are owed credit
    invoiced: int  # every live invoice, including those paid in full
    received: int  # every payment, less refunds

    @property
    def bands(self) -> dict[str, int]:
        totals = {name: 0 for name, _, _ in AGE_BANDS}
        for row in self.rows:
            for name, amount in row.bands.items():
                totals[name] += amount
        return totals

    @property
    def due(self) -> int:
        return sum(row.due for row in self.rows)

    @property
    def credit(self) -> int:
        return sum(row.credit for row in self.rows)


def outstanding(today: date) -> Outstanding:
    """What each payer of each case owes, by how long ago its invoices were issued, and the
    credit held for payers who paid more; payers with nothing either way are left out."""
    invoices: dict[tuple[int, str], list[Invoice]] = defaultdict(list)
    for invoice in db.session.scalars(
        sa.select(Invoice)
        .where(Invoice.voided_at.is_(None))
        .order_by(Invoice.issued_on, Invoice.number)
    ):
        invoices[(invoice.case_id, invoice.payer)].append(invoice)
    received: dict[tuple[int, str], int] = defaultdict(int)
    for case_id, payer, amount, refund in db.session.execute(
        sa.select(Payment.case_id, Payment.payer, Payment.amount, Payment.refund)
    ):
        received[(case_id, payer)] += -amount if refund else amount
    keys = set(invoices) | set(received)
    cases = {
        c.id: c
        for c in db.session.scalars(
            sa.select(Case)
            .where(Case.id.in_({case_id for case_id, _ in keys}))
            .options(sa.orm.selectinload(Case.partners), sa.orm.joinedload(Case.counsellor))
        )
    }
    arrangements = {
        b.case_id: b
        for b in db.session.scalars(
            sa.select(CaseBilling).where(CaseBilling.case_id.in_(list(cases)))
        )
    }
    rows, invoiced = [], 0
    for case_id, payer in keys:
        case, owed_on = cases[case_id], invoices.get((case_id, payer), [])
        met = allocate(((i.id, i.total) for i in owed_on), received[(case_id, payer)])
        unpaid = [(i.issued_on, met.due(i.id, i.total)) for i in owed_on]
        row = Owed(
            name=payer_name(case, arrangements.get(case_id) or billing_of(case), payer),
            counsellor=case.counsellor.name,
            bands=by_age(unpaid, today),
            credit=met.credit,
            invoiced=sum(i.total for i in owed_on),
            received=received[(case_id, payer)],
        )
        invoiced += row.invoiced
        if row.due or row.credit:
            rows.append(row)
    rows.sort(key=lambda row: (-row.due, row.name))
    return Outstanding(rows, invoiced, sum(received.values()))


def _csv(rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([csv_safe(cell) for cell in row])
    return buffer.getvalue()


def income_csv(report: Income, currency: str) -> str:
    """The income report as CSV: a row a month, each counsellor's takings, and the totals.
    Every cell is guarded against formula injection (``csv_safe``); amounts are never
    below zero (refunds have their own column), so none needs it."""
    names = [name for _, name in report.counsellors]
    header = ["Month", "Invoiced", "Received", "Refunded", *(f"Received for {n}" for n in names)]
    money = partial(amount_text, currency=currency)
    rows = [header]
    for month in report.months:
        rows.append(
            [
                month.first.strftime("%Y-%m"),
                money(month.invoiced),
                money(month.received),
                money(month.refunded),
                *(money(month.by_counsellor.get(cid, 0)) for cid, _ in report.counsellors),
            ]
        )
    rows.append(
        [
            "Total",
            money(report.total("invoiced")),
            money(report.total("received")),
            money(report.total("refunded")),
            *(money(report.counsellor_total(cid)) for cid, _ in report.counsellors),
        ]
    )
    return _csv(rows)


def outstanding_csv(report: Outstanding, currency: str) -> str:
    """What is owed, a row a payer, by age band, with credit held; the totals last."""
    money = partial(amount_text, currency=currency)
    bands = [name for name, _, _ in AGE_BANDS]
    rows = [["Payer", "Counsellor", *(f"{b} days" for b in bands), "Owed", "Credit"]]
    for row in report.rows:
        rows.append(
            [
                row.name,
                row.counsellor,
                *(money(row.bands[b]) for b in bands),
                money(row.due),
                money(row.credit),
            ]
        )
    totals = report.bands
    rows.append(
        ["Total", "", *(money(totals[b]) for b in bands), money(report.due), money(report.credit)]
    )
    return _csv(rows)
