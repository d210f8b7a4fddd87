"""A partner's own billing in the portal: their invoices, statements, superbills and balance.

Reached only through ``current_partner()``; everything shown is the partner's own
payer account (``audience.invoices_for``, ``audience.payments_for``), so the other
partner's invoices, payments and individual sessions never appear, and nothing
the other partner is billed or pays changes this page.
"""

from flask import Blueprint, render_template, request

from practice.auth.access import client_required
from practice.billing import access, documents
from practice.billing.forms import PeriodForm
from practice.billing.invoicing import account_of
from practice.portal.access import current_partner

bp = Blueprint("portal_billing", __name__)


@bp.get("/")
@client_required
def index():
    """The partner's balance, invoices and payments, and their statements and superbills."""
    partner = current_partner()
    return billing_page(partner, PeriodForm(formdata=None))


def billing_page(partner, period: PeriodForm, status: int = 200):
    account = account_of(partner.case, partner.position)
    page = render_template("billing/portal.html", partner=partner, account=account, period=period)
    return page, status


@bp.get("/invoices/<int:invoice_id>.pdf")
@client_required
def invoice_pdf(invoice_id: int):
    """One of the partner's own invoices."""
    partner = current_partner()
    invoice = access.own_invoice_or_404(partner, invoice_id)
    account = account_of(partner.case, partner.position)
    return documents.invoice_pdf(invoice, account, by="client")


@bp.get("/statement.pdf")
@client_required
def statement_pdf():
    """The partner's statement for a period (by default the year so far)."""
    partner = current_partner()
    return _for_period(partner, documents.statement_pdf, partner.case)


@bp.get("/superbill.pdf")
@client_required
def superbill_pdf():
    """The partner's superbill for a period, to claim from their insurer."""
    partner = current_partner()
    return _for_period(partner, documents.superbill_pdf, partner)


def _for_period(partner, document, whose):
    """``document`` (a statement of the case, a superbill of the partner) from the
    partner's own account, for the period the address asks; the billing page with the
    period's errors (400) when it is no period."""
    period = PeriodForm(request.args)
    if not period.validate():
        return billing_page(partner, period, 400)
    start, end = period.period()
    account = account_of(partner.case, partner.position)
    return document(whose, account, start, end, by="client")
