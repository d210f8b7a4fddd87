"""The books: services and their fees, who pays for each case, charges, invoices and payments.

Amounts are integers of the currency's minor unit (see ``money.py``). Nothing
here is ever deleted: a charge is adjusted with a reason, an invoice is voided
and keeps its number, a payment given back is a refund of its own.
"""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from practice.auth.models import User
from practice.billing.ledger import AMOUNTS, PERCENT, Arrangement
from practice.cases.models import Case, Partner
from practice.columns import case_fk, intpk, partner_fk, timestamp, unique_token, user_fk
from practice.crypto import EncryptedJSON, EncryptedText
from practice.database import enum_type
from practice.extensions import db
from practice.vocabulary import Labelled


class DefaultFor(Labelled):
    JOINT = "joint", "Sessions with both partners"
    INDIVIDUAL = "individual", "Sessions with one person"


class Service(db.Model):
    """Something the practice charges for: a code (CPT in the US), what it is, how long, its fee."""

    __tablename__ = "billing_services"

    id: Mapped[intpk]
    code: Mapped[str] = mapped_column(sa.String(20))
    description: Mapped[str] = mapped_column(sa.String(200))
    minutes: Mapped[int]
    fee: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True)
    # The service a session gets when none was chosen for it; one of each at most.
    default_for: Mapped[DefaultFor | None] = mapped_column(
        enum_type(DefaultFor, "service_default"), unique=True
    )

    def __repr__(self) -> str:
        return f"<Service {self.code}>"

    @property
    def label(self) -> str:
        return f"{self.code} {self.description}"


class CaseBilling(db.Model):
    """Who pays for a case, its sliding-scale fee, and the diagnoses its superbills carry."""

    __tablename__ = "case_billing"

    case_id: Mapped[case_fk] = mapped_column(primary_key=True)
    payer: Mapped[str] = mapped_column(sa.String(5), default="a")
    split_mode: Mapped[str] = mapped_column(sa.String(10), default=PERCENT)
    share_a: Mapped[int] = mapped_column(default=5000)
    share_b: Mapped[int] = mapped_column(default=0)
    remainder_to: Mapped[str] = mapped_column(sa.String(1), default="a")
    third_party_name: Mapped[str] = mapped_column(sa.String(200), default="")
    third_party_address: Mapped[str] = mapped_column(sa.Text, default="")
    # Replaces every service's fee for this case; None: the services' own fees.
    sliding_fee: Mapped[int | None]
    # [{"code": "Z63.0", "description": "..."}], chosen by the counsellor; clinical.
    diagnoses: Mapped[list] = mapped_column(EncryptedJSON, default=list)
    updated_at: Mapped[timestamp]

    case: Mapped[Case] = relationship()

    def arrangement(self) -> Arrangement:
        return Arrangement(
            payer=self.payer,
            split_mode=self.split_mode if self.split_mode in (PERCENT, AMOUNTS) else PERCENT,
            share_a=self.share_a,
            share_b=self.share_b,
            remainder_to=self.remainder_to,
        )


class Charge(db.Model):
    """What a session (or a late cancellation, or a no-show) costs, as charged.

    The service's code, words and fee are copied in when it is charged, so a
    later change of the practice's fees leaves it as it was. ``session_with``
    is who the session was with ("a", "b"; empty for both), which decides who
    may ever see it. Adjusted with a reason (:class:`ChargeAdjustment`), never deleted.
    """

    __tablename__ = "billing_charges"

    id: Mapped[intpk]
    case_id: Mapped[case_fk] = mapped_column(index=True)
    session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("sessions.id"), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    service_id: Mapped[int | None] = mapped_column(sa.ForeignKey("billing_services.id"))
    code: Mapped[str] = mapped_column(sa.String(20))
    description: Mapped[str] = mapped_column(sa.String(200))
    minutes: Mapped[int]
    service_date: Mapped[date]
    session_with: Mapped[str] = mapped_column(sa.String(2), default="")
    fee: Mapped[int]
    # The part of the fee charged: 100 for a session held, the practice's
    # percentage for a late cancellation or a no-show.
    percent: Mapped[int] = mapped_column(default=100)
    amount: Mapped[int]
    tax_rate: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[user_fk]
    created_at: Mapped[timestamp]

    case: Mapped[Case] = relationship()
    shares: Mapped[list["ChargeShare"]] = relationship(
        back_populates="charge", order_by="ChargeShare.payer", cascade="all"
    )
    adjustments: Mapped[list["ChargeAdjustment"]] = relationship(
        order_by="ChargeAdjustment.id", cascade="all"
    )

    def __repr__(self) -> str:
        return f"<Charge {self.id} {self.code} {self.amount}>"

    @property
    def with_positions(self) -> frozenset[str]:
        return frozenset(self.session_with) if self.session_with else frozenset({"a", "b"})


class ChargeShare(db.Model):
    """One payer's part of a charge, and the tax on it: one line of that payer's invoice."""

    __tablename__ = "billing_charge_shares"
    __table_args__ = (sa.UniqueConstraint("charge_id", "payer"),)

    id: Mapped[intpk]
    charge_id: Mapped[int] = mapped_column(sa.ForeignKey("billing_charges.id"))
    payer: Mapped[str] = mapped_column(sa.String(5))
    amount: Mapped[int]
    tax: Mapped[int] = mapped_column(default=0)

    charge: Mapped[Charge] = relationship(back_populates="shares")


class ChargeAdjustment(db.Model):
    """A change to a charge's amount (or its service), who made it, when and why."""

    __tablename__ = "billing_charge_adjustments"

    id: Mapped[intpk]
    charge_id: Mapped[int] = mapped_column(sa.ForeignKey("billing_charges.id"), index=True)
    amount_before: Mapped[int]
    amount_after: Mapped[int]
    code_before: Mapped[str] = mapped_column(sa.String(20))
    code_after: Mapped[str] = mapped_column(sa.String(20))
    reason: Mapped[str] = mapped_column(EncryptedText)
    made_by_id: Mapped[user_fk]
    made_at: Mapped[timestamp]

    made_by: Mapped[User] = relationship()


class InvoiceCounter(db.Model):
    """The practice's last invoice number; the row is locked while a number is taken."""

    __tablename__ = "billing_counters"

    name: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)


class Invoice(db.Model):
    """An invoice to one payer of one case, numbered when issued; voided, never deleted."""

    __tablename__ = "billing_invoices"
    __table_args__ = (sa.Index("ix_billing_invoices_case_payer", "case_id", "payer"),)

    id: Mapped[intpk]
    number: Mapped[int] = mapped_column(unique=True)
    case_id: Mapped[case_fk]
    counsellor_id: Mapped[user_fk]
    payer: Mapped[str] = mapped_column(sa.String(5))
    partner_id: Mapped[partner_fk | None]
    billed_to: Mapped[str] = mapped_column(sa.String(200))
    billed_to_address: Mapped[str] = mapped_column(sa.Text, default="")
    currency: Mapped[str] = mapped_column(sa.String(3))
    issued_on: Mapped[date]
    subtotal: Mapped[int]
    tax: Mapped[int]
    total: Mapped[int]
    created_by_id: Mapped[user_fk]
    created_at: Mapped[timestamp]
    voided_at: Mapped[datetime | None]
    voided_by_id: Mapped[user_fk | None]
    void_reason: Mapped[str | None] = mapped_column(EncryptedText)

    case: Mapped[Case] = relationship()
    partner: Mapped[Partner | None] = relationship()
    counsellor: Mapped[User] = relationship(foreign_keys="Invoice.counsellor_id")
    lines: Mapped[list["InvoiceLine"]] = relationship(
        back_populates="invoice", order_by="(InvoiceLine.service_date, InvoiceLine.id)"
    )

    def __repr__(self) -> str:
        return f"<Invoice {self.label}>"

    @property
    def label(self) -> str:
        return invoice_label(self.number)

    @property
    def void(self) -> bool:
        return self.voided_at is not None


def invoice_label(number: int) -> str:
    """How an invoice number is written: ``INV-00042``."""
    return f"INV-{number:05d}"


class InvoiceLine(db.Model):
    """A charge's share on an invoice, as it was issued."""

    __tablename__ = "billing_invoice_lines"

    id: Mapped[intpk]
    invoice_id: Mapped[int] = mapped_column(sa.ForeignKey("billing_invoices.id"), index=True)
    charge_id: Mapped[int] = mapped_column(sa.ForeignKey("billing_charges.id"), index=True)
    service_date: Mapped[date]
    code: Mapped[str] = mapped_column(sa.String(20))
    description: Mapped[str] = mapped_column(sa.String(300))
    amount: Mapped[int]
    tax: Mapped[int]

    invoice: Mapped[Invoice] = relationship(back_populates="lines")

    @property
    def total(self) -> int:
        return self.amount + self.tax


class PaymentMethod(Labelled):
    CASH = "cash", "Cash"
    CARD = "card", "Card, at a terminal"
    TRANSFER = "transfer", "Bank transfer"
    CHEQUE = "cheque", "Cheque"


class Payment(db.Model):
    """Money received from a payer, or given back to them (a refund), recorded by hand."""

    __tablename__ = "billing_payments"
    __table_args__ = (sa.Index("ix_billing_payments_case_payer", "case_id", "payer"),)

    id: Mapped[intpk]
    case_id: Mapped[case_fk]
    payer: Mapped[str] = mapped_column(sa.String(5))
    refund: Mapped[bool] = mapped_column(default=False)
    method: Mapped[PaymentMethod] = mapped_column(enum_type(PaymentMethod, "payment_method"))
    amount: Mapped[int]
    received_on: Mapped[date]
    reference: Mapped[str] = mapped_column(sa.String(80), default="")
    recorded_by_id: Mapped[user_fk]
    recorded_at: Mapped[timestamp]
    form_token: Mapped[unique_token | None]

    case: Mapped[Case] = relationship()

    @property
    def method_label(self) -> str:
        return self.method.label

    @property
    def signed(self) -> int:
        """What the payment does to the payer's balance: less for a payment, more for a refund."""
        return self.amount if self.refund else -self.amount


class Credentials(db.Model):
    """What a counsellor's superbills say of them: licence, NPI and their own tax id."""

    __tablename__ = "billing_credentials"

    user_id: Mapped[user_fk] = mapped_column(primary_key=True)
    licence: Mapped[str] = mapped_column(sa.String(200), default="")
    npi: Mapped[str] = mapped_column(sa.String(10), default="")
    tax_id: Mapped[str] = mapped_column(sa.String(20), default="")
