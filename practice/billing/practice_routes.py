"""The practice's side of billing: the owner's services, settings and reports, and each
counsellor's own details for superbills. Nothing here opens a case."""

import sqlalchemy as sa
from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from practice import audit
from practice.auth.access import counsellor_required, owner_required
from practice.billing import reports
from practice.billing.access import get_service_or_404
from practice.billing.forms import BillingSettingsForm, CredentialsForm, ServiceForm
from practice.billing.models import Credentials, Invoice, Service
from practice.billing.money import amount_text, percent_text
from practice.billing.services import Problem, save_service, terms_of
from practice.dates import practice_today
from practice.extensions import db
from practice.forms import form_page, problems_beside_fields
from practice.settings import practice_settings

bp = Blueprint("billing_practice", __name__)


@bp.get("/services")
@owner_required
def services():
    """The practice's services and their fees, those offered first."""
    found = db.session.scalars(
        sa.select(Service).order_by(Service.active.desc(), Service.code)
    ).all()
    return render_template("billing/services.html", services=found)


@bp.route("/services/new", methods=["GET", "POST"])
@owner_required
def new_service():
    """Add a service the practice charges for."""
    return service_page(None)


@bp.route("/services/<int:service_id>", methods=["GET", "POST"])
@owner_required
def edit_service(service_id: int):
    """Change a service: its code, words, length, fee, whether it is a default or offered."""
    return service_page(get_service_or_404(service_id))


def service_page(service: Service | None):
    form = ServiceForm(obj=service if request.method == "GET" else None)
    form.currency = terms_of(practice_settings()).currency
    if request.method == "GET" and service is not None:
        form.fee.data = amount_text(service.fee, form.currency)
        form.default_for.data = service.default_for.value if service.default_for else ""
    elif form.validate_on_submit() and (details := form.details()) is not None:
        with problems_beside_fields(form, Problem):
            saved = save_service(service, details)
            audit.record("service.create" if service is None else "service.change", saved)
            flash(f"{saved.code} saved.", "success")
            return redirect(url_for("billing_practice.services"))
    return form_page("billing/service_form.html", form, service=service)


@bp.route("/settings", methods=["GET", "POST"])
@owner_required
def settings():
    """Currency, tax rate, fees for sessions not held, and the practice's superbill details."""
    current = practice_settings()
    form = BillingSettingsForm(obj=current if request.method == "GET" else None)
    if request.method == "GET":
        form.currency.data = current.currency or "USD"
        form.tax_rate.data = percent_text(current.tax_rate or 0)
    elif form.validate_on_submit():
        issued = db.session.scalar(sa.select(Invoice.id).limit(1)) is not None
        if issued and form.currency.data != (current.currency or "USD"):
            form.currency.errors.append(
                "Invoices have been issued in the current currency, so it stays: "
                "change it only before the first invoice."
            )
        else:
            if current.id is None:
                db.session.add(current)
            current.currency = form.currency.data
            current.tax_rate = form.tax_rate_basis_points
            current.late_cancel_percent = form.late_cancel_percent.data
            current.no_show_percent = form.no_show_percent.data
            current.tax_id = form.tax_id.data
            current.npi = form.npi.data
            current.invoice_note = form.invoice_note.data
            audit.record("billing.settings", current)
            flash("Billing settings saved.", "success")
            return redirect(url_for("billing_practice.settings"))
    return form_page("billing/settings.html", form)


@bp.get("/reports")
@owner_required
def report():
    """Income by month and by counsellor, and what is owed by age, for the owner."""
    year = _year()
    audit.record("billing.report_view", year=year)
    return render_template(
        "billing/reports.html",
        year=year,
        income=reports.income(year),
        owed=reports.outstanding(practice_today()),
        bands=[name for name, _, _ in reports.AGE_BANDS],
    )


def _year() -> int:
    today = practice_today()
    wanted = request.args.get("year", type=int)
    return wanted if wanted is not None and 2000 <= wanted <= today.year + 1 else today.year


@bp.get("/reports/income.csv")
@owner_required
def income_csv():
    """The income report as a spreadsheet."""
    year = _year()
    audit.record("billing.report_export", report="income", year=year)
    text = reports.income_csv(reports.income(year), terms_of(practice_settings()).currency)
    return _csv_response(text, f"income-{year}.csv")


@bp.get("/reports/outstanding.csv")
@owner_required
def outstanding_csv():
    """What is owed, by age, as a spreadsheet."""
    today = practice_today()
    audit.record("billing.report_export", report="outstanding")
    text = reports.outstanding_csv(
        reports.outstanding(today), terms_of(practice_settings()).currency
    )
    return _csv_response(text, f"outstanding-{today.isoformat()}.csv")


def _csv_response(text: str, filename: str) -> Response:
    return Response(
        text,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/my-details", methods=["GET", "POST"])
@counsellor_required
def credentials():
    """A counsellor's own licence, NPI and tax id, as their superbills print them."""
    held = db.session.get(Credentials, current_user.id)
    form = CredentialsForm(obj=held if request.method == "GET" else None)
    if form.validate_on_submit():
        if held is None:
            held = Credentials(user_id=current_user.id)
            db.session.add(held)
        form.populate_obj(held)
        audit.record("credentials.change", held)
        flash("Your billing details are saved.", "success")
        return redirect(url_for("billing_practice.credentials"))
    return form_page("billing/credentials.html", form)
