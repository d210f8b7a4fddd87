"""A counsellor's billing of a case: who pays, charging sessions, invoices, payments.

Every view loads the case through ``get_case_or_404``, and what is inside it
through ``practice.billing.access``. Charges are made when the counsellor asks
("charge the sessions not yet charged"), never as a session is saved.
"""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from practice import audit
from practice.auth.access import counsellor_required
from practice.billing import access, documents
from practice.billing.forms import (
    AdjustForm,
    ArrangementForm,
    ChargeForm,
    PaymentForm,
    PeriodForm,
    VoidForm,
)
from practice.billing.invoicing import (
    PaymentDetails,
    account_of,
    accounts,
    issue_invoices,
    line_description,
    payer_name,
    record_payment,
    uninvoiced,
    void_invoice,
)
from practice.billing.ledger import AMOUNTS, SPLIT, THIRD, charge_amount, chargeable
from practice.billing.models import Payment, PaymentMethod, Service
from practice.billing.money import BASIS, amount_text, format_amount, percent_text
from practice.billing.services import (
    Problem,
    active_services,
    adjust_charge,
    billing_of,
    case_charges,
    charge_sessions,
    save_arrangement,
    service_for,
    terms_of,
    uncharged_sessions,
)
from practice.cases.access import get_case_or_404, partner_at_or_404
from practice.cases.models import Case
from practice.database import now_utc
from practice.dates import local, practice_today
from practice.extensions import db
from practice.forms import choices, form_page, problems_beside_fields
from practice.idempotency import create_once
from practice.settings import practice_settings

bp = Blueprint("billing", __name__)


@bp.app_template_filter("money")
def money(amount: int | None, currency: str | None = None) -> str:
    """An amount in minor units as people read it, in the practice's currency by default."""
    if amount is None:
        return ""
    return format_amount(amount, currency or practice_settings().currency or "USD")


def who_pays(case: Case, billing, currency: str) -> str:
    """The case's arrangement in words, for the counsellor."""
    if billing.payer == THIRD:
        return f"{billing.third_party_name or 'A third party'} pays."
    if billing.payer != SPLIT or not case.is_couple:
        partner = case.partner(billing.payer) or case.partners[0]
        return f"{partner.name} pays."
    a, b = case.partners
    odd = case.partner(billing.remainder_to).first_name
    if billing.split_mode == AMOUNTS:
        shares = (
            f"{a.first_name} {format_amount(billing.share_a, currency)} and {b.first_name} "
            f"{format_amount(billing.share_b, currency)} of a full session"
        )
    else:
        shares = (
            f"{a.first_name} {percent_text(billing.share_a)} %, "
            f"{b.first_name} {percent_text(BASIS - billing.share_a)} %"
        )
    return f"{a.first_name} and {b.first_name} share it: {shares}; {odd} pays any odd cent."


@bp.get("/")
@counsellor_required
def index(case_id: int):
    """The case's books: who pays, sessions to charge, charges, invoices, payments, balances."""
    case = get_case_or_404(case_id)
    audit.record("billing.view", case)
    return billing_page(case)


def billing_page(
    case: Case,
    *,
    charge_form: ChargeForm | None = None,
    period: PeriodForm | None = None,
    status: int = 200,
):
    """The billing page, shown afresh or with the charge form's (or the period's) errors."""
    terms = terms_of(practice_settings())
    billing = billing_of(case)
    waiting = uncharged_sessions(case, now_utc(), terms.policy)
    services = {s.id: s for s in db.session.scalars(sa.select(Service))}
    to_charge = []
    for session in waiting:
        service = service_for(case, session, services)
        kind, percent = chargeable(session.status.value, session.late_cancel, terms.policy)
        fee = (
            billing.sliding_fee
            if billing.sliding_fee is not None
            else (service.fee if service else None)
        )
        to_charge.append(
            {
                "session": session,
                "service": service,
                "kind": kind,
                "percent": percent,
                "amount": charge_amount(fee, percent) if fee is not None else None,
            }
        )
    if charge_form is None:
        charge_form = ChargeForm(formdata=None, sessions=[s.id for s in waiting])
    charge_form.sessions.choices = choices({s.id: str(s.id) for s in waiting})
    pending = [
        {
            "name": payer_name(case, billing, payer),
            "lines": len(shares),
            "total": sum(s.amount + s.tax for s in shares),
        }
        for payer, shares in sorted(uninvoiced(case).items())
    ]
    page = render_template(
        "billing/case.html",
        case=case,
        billing=billing,
        who_pays=who_pays(case, billing, terms.currency),
        terms=terms,
        to_charge=to_charge,
        charge_form=charge_form,
        charges=case_charges(case),
        pending=pending,
        accounts=accounts(case),
        period=period or PeriodForm(formdata=None),
        line_description=line_description,
        local=local,
    )
    return page, status


@bp.route("/arrangement", methods=["GET", "POST"])
@counsellor_required
def arrangement(case_id: int):
    """Who pays for the case, its sliding-scale fee, diagnoses and dates of birth."""
    case = get_case_or_404(case_id)
    currency = terms_of(practice_settings()).currency
    form = ArrangementForm.for_case(case, currency)
    if request.method == "GET":
        form.fill(billing_of(case), case)
        audit.record("billing.view", case)
    elif form.validate_on_submit() and (details := form.details()) is not None:
        with problems_beside_fields(form, Problem):
            changed = save_arrangement(case, details, now_utc())
            if changed:
                audit.record("billing.arrangement", case, changed=changed)
            flash("Saved." if changed else "Nothing had changed.", "success")
            return redirect(url_for("billing.index", case_id=case.id))
    return form_page("billing/arrangement.html", form, case=case)


@bp.post("/charges")
@counsellor_required
def charge(case_id: int):
    """Charge the ticked sessions of those not yet charged."""
    case = get_case_or_404(case_id)
    form = ChargeForm()
    if form.validate():
        terms = terms_of(practice_settings())
        with problems_beside_fields(form, Problem):
            made = charge_sessions(case, set(form.sessions.data), terms, current_user, now_utc())
            flash(
                f"{len(made)} {'session' if len(made) == 1 else 'sessions'} charged."
                if made
                else "Those sessions were charged already.",
                "success",
            )
            return redirect(url_for("billing.index", case_id=case.id), 303)
    return billing_page(case, charge_form=form, status=400)


@bp.route("/charges/<int:charge_id>/adjust", methods=["GET", "POST"])
@counsellor_required
def adjust(case_id: int, charge_id: int):
    """Change what a charge costs, or what it was charged as, with a reason."""
    case = get_case_or_404(case_id)
    charge = access.get_charge_or_404(case, charge_id)
    form = AdjustForm()
    form.currency = terms_of(practice_settings()).currency
    services = active_services()
    form.set_services(services, charge)
    if request.method == "GET":
        form.amount.data = amount_text(charge.amount, form.currency)
    elif form.validate_on_submit() and (amount := form.amount_of(form.amount)) is not None:
        service = next((s for s in services if str(s.id) == form.service.data), None)
        with problems_beside_fields(form, Problem):
            adjusted = adjust_charge(
                charge,
                amount=amount,
                service=service,
                reason=form.reason.data or "",
                by=current_user,
                now=now_utc(),
            )
            flash("Charge adjusted." if adjusted else "Nothing had changed.", "success")
            return redirect(url_for("billing.index", case_id=case.id))
    return form_page("billing/adjust.html", form, case=case, charge=charge)


@bp.post("/invoices")
@counsellor_required
def issue(case_id: int):
    """Issue an invoice to each payer for what is charged and not yet invoiced."""
    case = get_case_or_404(case_id)
    terms = terms_of(practice_settings())
    issued = issue_invoices(case, terms.currency, current_user, practice_today())
    if issued:
        flash(f"Issued {', '.join(i.label for i in issued)}.", "success")
    else:
        flash("Everything charged is invoiced already.", "info")
    return redirect(url_for("billing.index", case_id=case.id), 303)


@bp.route("/invoices/<int:invoice_id>/void", methods=["GET", "POST"])
@counsellor_required
def void(case_id: int, invoice_id: int):
    """Void an invoice, with a reason; it keeps its number."""
    case = get_case_or_404(case_id)
    invoice = access.get_invoice_or_404(case, invoice_id)
    form = VoidForm()
    if form.validate_on_submit():
        with problems_beside_fields(form, Problem):
            void_invoice(invoice, form.reason.data or "", current_user, now_utc())
            flash(f"Invoice {invoice.label} is void.", "success")
            return redirect(url_for("billing.index", case_id=case.id))
    return form_page("billing/void.html", form, case=case, invoice=invoice)


@bp.route("/payments/new", methods=["GET", "POST"])
@counsellor_required
def new_payment(case_id: int):
    """Record money received from a payer, or a refund given back to them."""
    case = get_case_or_404(case_id)
    form = PaymentForm()
    form.currency = terms_of(practice_settings()).currency
    held = accounts(case)
    form.payer.choices = choices({a.payer: a.name for a in held})
    if request.method == "GET":
        form.received_on.data = practice_today()
        form.payer.data = request.args.get("payer") or held[0].payer
        form.kind.data = "refund" if request.args.get("kind") == "refund" else "payment"
    elif form.validate_on_submit() and (amount := form.amount_of(form.amount)) is not None:
        details = PaymentDetails(
            payer=form.payer.data,
            amount=amount,
            method=PaymentMethod(form.method.data),
            received_on=form.received_on.data,
            refund=form.kind.data == "refund",
            reference=form.reference.data or "",
        )
        with problems_beside_fields(form, Problem):
            payment, created = create_once(
                Payment,
                form.form_token.data,
                lambda: record_payment(case, details, current_user, now_utc()),
            )
            if created:
                audit.record(
                    "refund.record" if payment.refund else "payment.record",
                    payment,
                    payer=payment.payer,
                )
                what = "Refund" if payment.refund else "Payment"
                flash(f"{what} of {money(payment.amount)} recorded.", "success")
            return redirect(url_for("billing.index", case_id=case.id))
    return form_page("billing/payment.html", form, case=case, accounts=held)


@bp.get("/invoices/<int:invoice_id>.pdf")
@counsellor_required
def invoice_pdf(case_id: int, invoice_id: int):
    """An invoice as its payer receives it."""
    case = get_case_or_404(case_id)
    invoice = access.get_invoice_or_404(case, invoice_id)
    return documents.invoice_pdf(invoice, account_of(case, invoice.payer), by="counsellor")


@bp.get("/statement-<any(a, b, third):position>.pdf")
@counsellor_required
def statement_pdf(case_id: int, position: str):
    """A payer's statement for a period (``?start=&end=``; by default the year so far)."""
    case = get_case_or_404(case_id)
    account = next((a for a in accounts(case) if a.payer == position), None)
    if account is None:
        abort(404)
    form = PeriodForm(request.args)
    if not form.validate():
        return billing_page(case, period=form, status=400)
    start, end = form.period()
    return documents.statement_pdf(case, account, start, end, by="counsellor")


@bp.get("/superbill-<any(a, b):position>.pdf")
@counsellor_required
def superbill_pdf(case_id: int, position: str):
    """A partner's superbill for a period, to claim from their insurer."""
    case = get_case_or_404(case_id)
    partner = partner_at_or_404(case, position)
    form = PeriodForm(request.args)
    if not form.validate():
        return billing_page(case, period=form, status=400)
    start, end = form.period()
    return documents.superbill_pdf(partner, account_of(case, position), start, end, by="counsellor")
