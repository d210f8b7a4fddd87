"""An invoice, a statement and a superbill in print: plain data, then a PDF.

Each is built for one payer from that payer's own account (``invoicing.Account``):
its invoices, its payments and refunds, and the lines of its own invoices. A
partner's document therefore holds nothing of the other partner's, not even a
line without a name: the other partner's individual sessions are charged to
them alone (``ledger.payers_of``), and so are on no invoice of this partner's.
The counsellor's copy and the partner's download are the same document.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import partial

from flask import Response

from practice.admin.models import PracticeSettings
from practice.billing.invoicing import Account
from practice.billing.ledger import Movement, allocate, statement
from practice.billing.models import Credentials, Invoice, InvoiceLine
from practice.billing.money import format_amount
from practice.billing.services import billing_of
from practice.cases.models import Case, Partner
from practice.dates import format_date
from practice.extensions import db
from practice.reports.data import Letterhead, download_name, letterhead
from practice.reports.downloads import as_download
from practice.settings import practice_settings


@dataclass(frozen=True)
class Line:
    on: str
    code: str
    description: str
    amount: str
    tax: str
    total: str
    paid: str = ""


@dataclass(frozen=True)
class InvoiceSheet:
    head: Letterhead
    number: str
    issued: str
    billed_to: tuple[str, ...]
    lines: tuple[Line, ...]
    show_tax: bool
    subtotal: str
    tax: str
    total: str
    paid: str
    due: str
    voided: str  # the day it was voided, or ""
    note: tuple[str, ...]
    counsellor: str


def _line(line: InvoiceLine, money: Callable[[int], str], paid: str = "") -> Line:
    """An invoice's line as printed, in the invoice's currency (``money``)."""
    return Line(
        format_date(line.service_date),
        line.code,
        line.description,
        money(line.amount),
        money(line.tax),
        money(line.total),
        paid,
    )


def _lines_of(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in (text or "").splitlines() if line.strip())


def _who(case: Case, payer: str) -> str:
    """The name a payer's documents are headed with: the partner's, or the case's for a
    third party (whose invoices are about the couple's work)."""
    partner = case.partner(payer)
    return partner.name if partner else case.label


def invoice_sheet(invoice: Invoice, account: Account, settings: PracticeSettings) -> InvoiceSheet:
    """The invoice as its payer reads it, with what has been paid towards it."""
    money = partial(format_amount, currency=invoice.currency)
    who = _who(invoice.case, invoice.payer)
    return InvoiceSheet(
        head=letterhead(settings, "Invoice", who, invoice.issued_on),
        number=invoice.label,
        issued=format_date(invoice.issued_on),
        billed_to=(invoice.billed_to, *_lines_of(invoice.billed_to_address)),
        lines=tuple(_line(line, money) for line in invoice.lines),
        show_tax=invoice.tax > 0,
        subtotal=money(invoice.subtotal),
        tax=money(invoice.tax),
        total=money(invoice.total),
        paid=money(account.paid(invoice)),
        due=money(account.due(invoice)),
        voided=format_date(invoice.voided_at) if invoice.void else "",
        note=_lines_of(settings.invoice_note),
        counsellor=invoice.counsellor.name,
    )


@dataclass(frozen=True)
class StatementLine:
    on: str
    description: str
    charged: str
    paid: str
    balance: str


@dataclass(frozen=True)
class StatementSheet:
    head: Letterhead
    payer: tuple[str, ...]
    period: str
    opening: str
    lines: tuple[StatementLine, ...]
    closing: str
    owing: bool
    open_invoices: tuple[tuple[str, str, str, str], ...]  # number, issued, total, due


def movements(account: Account) -> list[Movement]:
    """The payer's account as movements: each live invoice, payment and refund."""
    moves = [Movement(i.issued_on, f"Invoice {i.label}", debit=i.total) for i in account.invoices]
    for p in account.payments:
        how = p.method_label.lower() + (f", {p.reference}" if p.reference else "")
        if p.refund:
            moves.append(Movement(p.received_on, f"Refund to you, {how}", debit=p.amount))
        else:
            moves.append(Movement(p.received_on, f"Payment received, {how}", credit=p.amount))
    return moves


def statement_sheet(
    case: Case, account: Account, start: date, end: date, settings: PracticeSettings
) -> StatementSheet:
    """The payer's account from ``start`` to ``end``, and what is still open today."""
    currency = settings.currency or "USD"
    money = partial(format_amount, currency=currency)
    found = statement(movements(account), start, end)
    address = billing_of(case).third_party_address if account.payer == "third" else ""
    return StatementSheet(
        head=letterhead(settings, "Statement", _who(case, account.payer), end),
        payer=(account.name, *_lines_of(address)),
        period=f"{format_date(start)} to {format_date(end)}",
        opening=money(found.opening),
        lines=tuple(
            StatementLine(
                format_date(m.on),
                m.description,
                money(m.debit) if m.debit else "",
                money(m.credit) if m.credit else "",
                money(balance),
            )
            for m, balance in found.lines
        ),
        closing=money(abs(found.closing)),
        owing=found.closing >= 0,
        open_invoices=tuple(
            (i.label, format_date(i.issued_on), money(i.total), money(account.due(i)))
            for i in account.invoices
            if account.due(i) > 0
        ),
    )


@dataclass(frozen=True)
class SuperbillSheet:
    head: Letterhead
    practice: tuple[str, ...]
    provider: tuple[tuple[str, str], ...]  # (label, value); an empty value is a line to fill
    client: tuple[tuple[str, str], ...]
    diagnoses: tuple[tuple[str, str], ...]
    lines: tuple[Line, ...]
    charged: str
    paid: str
    period: str
    counsellor: str


def superbill_sheet(
    partner: Partner, account: Account, start: date, end: date, settings: PracticeSettings
) -> SuperbillSheet:
    """What the partner was charged for and paid from ``start`` to ``end``, for an insurer."""
    case = partner.case
    currency = settings.currency or "USD"
    money = partial(format_amount, currency=currency)
    counsellor = case.counsellor
    credentials = db.session.get(Credentials, counsellor.id) or Credentials(
        licence="", npi="", tax_id=""
    )
    lines, charged, paid = [], 0, 0
    for invoice in account.invoices:
        # What was paid towards the invoice meets its lines in order, as payments meet invoices.
        shares = allocate(((line.id, line.total) for line in invoice.lines), account.paid(invoice))
        for line in invoice.lines:
            if start <= line.service_date <= end:
                charged += line.total
                paid += shares.paid[line.id]
                lines.append((line, shares.paid[line.id]))
    lines.sort(key=lambda held: (held[0].service_date, held[0].id))
    return SuperbillSheet(
        head=letterhead(settings, "Superbill", partner.name, end),
        practice=(
            settings.name,
            *_lines_of(settings.address),
            *((f"Tax id (EIN): {settings.tax_id}",) if settings.tax_id else ()),
            *((f"NPI: {settings.npi}",) if settings.npi else ()),
        ),
        provider=(
            ("Counsellor", counsellor.name),
            ("Licence", credentials.licence),
            ("NPI", credentials.npi),
            ("Tax id", credentials.tax_id or settings.tax_id or ""),
        ),
        client=(
            ("Name", partner.name),
            ("Date of birth", format_date(partner.date_of_birth) if partner.date_of_birth else ""),
        ),
        diagnoses=tuple((d["code"], d["description"]) for d in billing_of(case).diagnoses or []),
        lines=tuple(_line(line, money, money(line_paid)) for line, line_paid in lines),
        charged=money(charged),
        paid=money(paid),
        period=f"{format_date(start)} to {format_date(end)}",
        counsellor=counsellor.name,
    )


def invoice_pdf(invoice: Invoice, account: Account, *, by: str) -> Response:
    """The invoice's PDF, recorded on the audit trail."""
    return as_download(
        "billing/invoice_print.html",
        invoice_sheet(invoice, account, practice_settings()),
        f"invoice-{invoice.label}.pdf",
        invoice,
        report="invoice",
        reader=invoice.payer,
        by=by,
    )


def statement_pdf(case: Case, account: Account, start: date, end: date, *, by: str) -> Response:
    """The payer's statement for a period, recorded on the audit trail."""
    return as_download(
        "billing/statement_print.html",
        statement_sheet(case, account, start, end, practice_settings()),
        download_name("statement", account.name, end.isoformat()),
        case,
        report="statement",
        reader=account.payer,
        by=by,
    )


def superbill_pdf(partner: Partner, account: Account, start: date, end: date, *, by: str):
    """The partner's superbill for a period, recorded on the audit trail."""
    return as_download(
        "billing/superbill_print.html",
        superbill_sheet(partner, account, start, end, practice_settings()),
        download_name("superbill", partner.name, end.isoformat()),
        partner.case,
        report="superbill",
        reader=partner.position,
        by=by,
    )
