"""Finding the books' records: inside a case already loaded through ``get_case_or_404``
for counsellors, inside ``current_partner()``'s own payer account for clients, and
the practice's services for the owner. Anything else is a 404."""

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import selectinload

from practice import audience
from practice.billing.models import Charge, Invoice, Service
from practice.cases.models import Case, Partner
from practice.extensions import db


def get_charge_or_404(case: Case, charge_id: int) -> Charge:
    """A charge of ``case`` (already access-checked)."""
    return db.first_or_404(
        sa.select(Charge)
        .where(Charge.id == charge_id, Charge.case_id == case.id)
        .options(selectinload(Charge.shares), selectinload(Charge.adjustments))
    )


def get_invoice_or_404(case: Case, invoice_id: int) -> Invoice:
    """An invoice of ``case`` (already access-checked), with its lines."""
    return db.first_or_404(
        sa.select(Invoice)
        .where(Invoice.id == invoice_id, Invoice.case_id == case.id)
        .options(selectinload(Invoice.lines))
    )


def get_service_or_404(service_id: int) -> Service:
    """One of the practice's services (the owner's pages only)."""
    return db.get_or_404(Service, service_id)


def own_invoice_or_404(reader: Partner, invoice_id: int) -> Invoice:
    """An invoice of which the reader is the payer; any other is not there."""
    invoice = db.first_or_404(
        audience.invoices_for(reader)
        .where(Invoice.id == invoice_id)
        .options(selectinload(Invoice.lines))
    )
    if not audience.may_read(reader, audience.of_invoice(invoice)):
        abort(404)
    return invoice
