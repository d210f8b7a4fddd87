"""Changing the books, part one: the practice's services, who pays for a case, and
charges made from sessions. Over plain values; a :class:`Problem` names the field.

Every write locks the case's row first (on PostgreSQL; SQLite lets one writer in
at a time already), so two counsellors' clicks on one case follow each other.
Services flush, never commit: the request does.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from practice import audience, audit
from practice.admin.models import PracticeSettings
from practice.auth.models import User
from practice.billing import ledger
from practice.billing.ledger import AMOUNTS, PERCENT, SPLIT, THIRD, Policy
from practice.billing.models import (
    CaseBilling,
    Charge,
    ChargeAdjustment,
    ChargeShare,
    DefaultFor,
    Invoice,
    InvoiceLine,
    Service,
)
from practice.billing.money import BASIS
from practice.cases.models import Case
from practice.dates import local
from practice.extensions import db
from practice.problems import FieldProblem
from practice.sessions.models import Session, SessionStatus


class Problem(FieldProblem):
    """Input that breaks a rule of the books, said for the field it belongs to."""


@dataclass(frozen=True)
class Terms:
    """The practice's billing settings as plain values."""

    currency: str = "USD"
    tax_rate: int = 0
    policy: Policy = field(default_factory=Policy)


def terms_of(settings: PracticeSettings) -> Terms:
    """The billing settings of ``settings``, with defaults where none were saved."""
    return Terms(
        currency=settings.currency or "USD",
        tax_rate=settings.tax_rate or 0,
        policy=Policy(settings.late_cancel_percent or 0, settings.no_show_percent or 0),
    )


def lock_case(case: Case) -> None:
    """Hold the case's row until the request ends, so billing writes to it take turns."""
    db.session.execute(sa.select(Case.id).where(Case.id == case.id).with_for_update())


# --- The practice's services ------------------------------------------------------


@dataclass(frozen=True)
class ServiceDetails:
    code: str
    description: str
    minutes: int
    fee: int
    active: bool = True
    default_for: DefaultFor | None = None


def save_service(service: Service | None, details: ServiceDetails) -> Service:
    """Add a service (``service`` None) or change one; a default moves from any other."""
    code = details.code.strip().upper()
    clash = sa.select(Service.id).where(
        sa.func.upper(Service.code) == code, Service.active.is_(True)
    )
    if service is not None:
        clash = clash.where(Service.id != service.id)
    if details.active and db.session.scalar(clash.limit(1)) is not None:
        raise Problem("code", "Another service in use has this code.")
    if details.default_for is not None and not details.active:
        raise Problem("default_for", "A service no longer offered cannot be a default.")
    if details.default_for is not None:
        for other in db.session.scalars(
            sa.select(Service).where(Service.default_for == details.default_for)
        ):
            if other is not service:
                other.default_for = None
        db.session.flush()
    if service is None:
        service = Service()
        db.session.add(service)
    service.code = code
    service.description = details.description.strip()
    service.minutes = details.minutes
    service.fee = details.fee
    service.active = details.active
    service.default_for = details.default_for
    db.session.flush()
    return service


def active_services() -> list[Service]:
    return list(
        db.session.scalars(
            sa.select(Service).where(Service.active.is_(True)).order_by(Service.code)
        )
    )


# --- Who pays for a case ----------------------------------------------------------


def billing_of(case: Case) -> CaseBilling:
    """The case's billing arrangement; until one is saved, partner A pays the services' fees."""
    found = db.session.get(CaseBilling, case.id)
    return found or CaseBilling(
        case_id=case.id,
        payer="a",
        split_mode=PERCENT,
        share_a=BASIS // 2,
        share_b=0,
        remainder_to="a",
        third_party_name="",
        third_party_address="",
        sliding_fee=None,
        diagnoses=[],
    )


#: An ICD-10 code: a letter, two characters, and up to four more after a point.
ICD10 = re.compile(r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")


@dataclass(frozen=True)
class ArrangementDetails:
    """What the counsellor says about paying for a case."""

    payer: str
    split_mode: str = PERCENT
    share_a: int = BASIS // 2
    share_b: int = 0
    remainder_to: str = "a"
    third_party_name: str = ""
    third_party_address: str = ""
    sliding_fee: int | None = None
    diagnoses: tuple[tuple[str, str], ...] = ()
    born: dict = field(default_factory=dict)  # position -> date of birth, or None


def check_arrangement(case: Case, details: ArrangementDetails) -> None:
    """The arrangement must name payers the case has, and shares that make sense."""
    positions = [p.position for p in case.partners]
    if details.payer not in (*positions, THIRD, *((SPLIT,) if len(positions) > 1 else ())):
        raise Problem("payer", "Choose who pays from the partners of this case.")
    if details.payer == THIRD and not details.third_party_name.strip():
        raise Problem("third_party_name", "Name the programme or employer that pays.")
    if details.payer == SPLIT:
        if details.split_mode not in (PERCENT, AMOUNTS):
            raise Problem("split_mode", "Choose how the fee is split.")
        if details.split_mode == PERCENT and not 0 < details.share_a < BASIS:
            raise Problem("share_a", "Give partner A a share between 0 and 100 %, not either end.")
        if details.split_mode == AMOUNTS and (details.share_a <= 0 or details.share_b <= 0):
            raise Problem("share_a", "Give each partner an amount above zero.")
        if details.remainder_to not in positions:
            raise Problem("remainder_to", "Choose the partner who pays the odd cent.")
    for code, _ in details.diagnoses:
        if not ICD10.match(code):
            raise Problem(
                "diagnoses", f"“{code}” is not an ICD-10 code; write one per line, e.g. Z63.0."
            )


def save_arrangement(case: Case, details: ArrangementDetails, now: datetime) -> list[str]:
    """Bring the case's arrangement (and its partners' dates of birth) up to ``details``;
    the names of what changed. Charges already made keep their shares."""
    check_arrangement(case, details)
    lock_case(case)
    billing = db.session.get(CaseBilling, case.id)
    if billing is None:
        billing = billing_of(case)
        db.session.add(billing)
    before = _facts(billing, case)
    billing.payer = details.payer
    billing.split_mode = details.split_mode
    billing.share_a = details.share_a
    billing.share_b = details.share_b if details.split_mode == AMOUNTS else 0
    billing.remainder_to = details.remainder_to
    billing.third_party_name = details.third_party_name.strip()
    billing.third_party_address = details.third_party_address.strip()
    billing.sliding_fee = details.sliding_fee
    billing.diagnoses = [{"code": c, "description": d} for c, d in details.diagnoses]
    for partner in case.partners:
        if partner.position in details.born:
            partner.date_of_birth = details.born[partner.position]
    changed = [name for name, value in _facts(billing, case).items() if before[name] != value]
    if changed:
        billing.updated_at = now
    db.session.flush()
    return changed


def _facts(billing: CaseBilling, case: Case) -> dict:
    return {
        "payer": billing.payer,
        "split": (billing.split_mode, billing.share_a, billing.share_b, billing.remainder_to),
        "third_party": (billing.third_party_name, billing.third_party_address),
        "sliding_fee": billing.sliding_fee,
        "diagnoses": list(billing.diagnoses or []),
        "dates_of_birth": [p.date_of_birth for p in case.partners],
    }


# --- Charges from sessions --------------------------------------------------------


def uncharged_sessions(case: Case, now: datetime, policy: Policy) -> list[Session]:
    """The case's sessions that have begun, are charged under ``policy`` and are not yet."""
    charged = sa.select(Charge.session_id).where(Charge.session_id.is_not(None))
    found = db.session.scalars(
        sa.select(Session)
        .where(
            Session.case_id == case.id,
            Session.starts_at <= now,
            Session.status != SessionStatus.SCHEDULED,
            Session.id.not_in(charged),
        )
        .order_by(Session.starts_at, Session.id)
    )
    return [s for s in found if ledger.chargeable(s.status.value, s.late_cancel, policy)]


def session_with(case: Case, session: Session) -> str:
    """Who a charge for ``session`` concerns: one partner of a couple ("a", "b"), or "" for both."""
    with_ = audience.of_session(session)
    return next(iter(with_)) if case.is_couple and len(with_) == 1 else ""


def service_for(case: Case, session: Session, services: dict[int, Service]) -> Service | None:
    """The service chosen for the session, or the default for who was there: with
    two people (a joint session), the joint default; with one, the individual one."""
    if session.service_id is not None:
        return services.get(session.service_id) or db.session.get(Service, session.service_id)
    if session.status is SessionStatus.ATTENDED:
        people = session.attendees or []
    else:
        people = session.invitees or [p.position for p in case.partners]
    wanted = DefaultFor.JOINT if len(people) > 1 else DefaultFor.INDIVIDUAL
    return next((s for s in services.values() if s.default_for is wanted), None)


def charge_sessions(
    case: Case, session_ids: set[int], terms: Terms, by: User, now: datetime
) -> list[Charge]:
    """Charge the chosen sessions of ``case`` that are not charged yet; the charges made."""
    lock_case(case)
    billing = billing_of(case)
    services = {s.id: s for s in db.session.scalars(sa.select(Service))}
    made = []
    for session in uncharged_sessions(case, now, terms.policy):
        if session.id not in session_ids:
            continue
        kind, percent = ledger.chargeable(session.status.value, session.late_cancel, terms.policy)
        service = service_for(case, session, services)
        day = local(session.starts_at).date()
        if service is None:
            raise Problem(
                "sessions",
                f"The session of {day:%d %b %Y} has no service, and the practice has no default "
                "for it: ask the owner to choose default services in the billing settings.",
            )
        fee = billing.sliding_fee if billing.sliding_fee is not None else service.fee
        charge = Charge(
            case_id=case.id,
            session_id=session.id,
            kind=kind,
            service_id=service.id,
            code=service.code,
            description=service.description,
            minutes=service.minutes,
            service_date=day,
            session_with=session_with(case, session),
            fee=fee,
            percent=percent,
            amount=ledger.charge_amount(fee, percent),
            tax_rate=terms.tax_rate,
            created_by_id=by.id,
            created_at=now,
        )
        db.session.add(charge)
        _share_out(charge, case, billing)
        made.append(charge)
    db.session.flush()
    for charge in made:
        audit.record("charge.create", charge, kind=charge.kind)
    return made


def _share_out(charge: Charge, case: Case, billing: CaseBilling) -> None:
    """Give each payer of ``charge`` their share and its tax (payers no longer in it: none)."""
    positions = [p.position for p in case.partners]
    wanted = ledger.taxed(
        ledger.shares(charge.amount, charge.with_positions, positions, billing.arrangement()),
        charge.tax_rate,
    )
    held = {share.payer: share for share in charge.shares}
    for payer, (amount, tax) in wanted.items():
        share = held.get(payer)
        if share is None:
            charge.shares.append(ChargeShare(payer=payer, amount=amount, tax=tax))
        else:
            share.amount, share.tax = amount, tax
    for payer, share in held.items():
        if payer not in wanted:
            share.amount, share.tax = 0, 0


def live_invoice_of(charge: Charge) -> Invoice | None:
    """An issued, not voided, invoice that carries a share of ``charge``."""
    return db.session.scalar(
        sa.select(Invoice)
        .join(InvoiceLine, InvoiceLine.invoice_id == Invoice.id)
        .where(InvoiceLine.charge_id == charge.id, Invoice.voided_at.is_(None))
        .order_by(Invoice.number)
        .limit(1)
    )


def adjust_charge(
    charge: Charge,
    *,
    amount: int,
    service: Service | None,
    reason: str,
    by: User,
    now: datetime,
) -> ChargeAdjustment | None:
    """Change what ``charge`` costs (and, with ``service``, what it was), with a reason.

    Refused while an invoice carries it: an issued invoice never changes, so it is
    voided first and the corrected charge invoiced again. None when nothing changed.
    """
    if not reason.strip():
        raise Problem("reason", "Say why the charge changes: it is kept with it.")
    lock_case(charge.case)
    if (invoice := live_invoice_of(charge)) is not None:
        raise Problem(
            "amount",
            f"This charge is on invoice {invoice.label}, which cannot change. Void that "
            "invoice first, then adjust the charge and issue a new one.",
        )
    new_code = service.code if service is not None else charge.code
    if amount == charge.amount and new_code == charge.code:
        return None
    adjustment = ChargeAdjustment(
        charge_id=charge.id,
        amount_before=charge.amount,
        amount_after=amount,
        code_before=charge.code,
        code_after=new_code,
        reason=reason.strip(),
        made_by_id=by.id,
        made_at=now,
    )
    if service is not None:
        charge.service_id = service.id
        charge.code, charge.description = service.code, service.description
        charge.minutes = service.minutes
    charge.amount = amount
    charge.adjustments.append(adjustment)
    _share_out(charge, charge.case, billing_of(charge.case))
    db.session.flush()
    audit.record("charge.adjust", charge, changed_code=new_code != adjustment.code_before)
    return adjustment


def case_charges(case: Case) -> list[Charge]:
    """Every charge of the case, newest service first, with shares and adjustments."""
    return list(
        db.session.scalars(
            sa.select(Charge)
            .where(Charge.case_id == case.id)
            .options(
                sa.orm.selectinload(Charge.shares),
                sa.orm.selectinload(Charge.adjustments).joinedload(ChargeAdjustment.made_by),
            )
            .order_by(Charge.service_date.desc(), Charge.id.desc())
        )
    )
