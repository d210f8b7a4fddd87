"""The rules of the books as plain functions over plain values: who pays a charge,
what a session costs, how payments meet invoices, how old a debt is.

Nothing here reads the database; ``services.py`` hands these functions numbers
and stores what they answer. Tests work each rule by hand
(``tests/test_billing_money.py``).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from practice.billing.money import BASIS, percent_of, split, tax_on

#: Who can pay: partner A, partner B, or a third party (an employer's assistance
#: programme). A case's arrangement may also split between A and B.
A, B, THIRD, SPLIT = "a", "b", "third", "split"
PERCENT, AMOUNTS = "percent", "amounts"


@dataclass(frozen=True)
class Arrangement:
    """Who pays a case's sessions with both partners (or with its one client).

    ``payer`` is "a", "b", "third" or "split". A split is by percentage
    (``share_a`` is A's share in basis points, B has the rest) or by fixed
    amounts (``share_a`` and ``share_b`` in minor units for a full session; a
    charge of another size is divided in the same proportion). ``remainder_to``
    names the partner who takes the odd cent.
    """

    payer: str = A
    split_mode: str = PERCENT
    share_a: int = BASIS // 2
    share_b: int = 0
    remainder_to: str = A

    def weights(self) -> dict[str, int]:
        if self.split_mode == AMOUNTS:
            return {A: self.share_a, B: self.share_b}
        return {A: self.share_a, B: BASIS - self.share_a}


def payers_of(session_with: frozenset[str], partners: Sequence[str], arrangement: Arrangement):
    """Who pays for a session with ``session_with`` (positions) in a case of ``partners``.

    A session with one partner of a couple is paid by that partner, whatever the
    arrangement: billing it to the other would tell them it took place. Every
    other session follows the arrangement.
    """
    if len(partners) > 1 and len(session_with) == 1:
        return next(iter(session_with))
    if arrangement.payer == SPLIT and len(partners) < 2:
        return partners[0] if partners else A
    return arrangement.payer


def shares(
    amount: int,
    session_with: frozenset[str],
    partners: Sequence[str],
    arrangement: Arrangement,
) -> dict[str, int]:
    """``amount`` divided among its payers (payer → minor units), adding up to ``amount``."""
    payer = payers_of(session_with, partners, arrangement)
    if payer != SPLIT:
        return {payer: amount}
    return split(amount, arrangement.weights(), arrangement.remainder_to)


def taxed(shares_by_payer: dict[str, int], rate: int) -> dict[str, tuple[int, int]]:
    """Each payer's share with the tax on it (payer → (amount, tax)): each is one line."""
    return {payer: (amount, tax_on(amount, rate)) for payer, amount in shares_by_payer.items()}


#: What a charge is for.
SESSION, LATE_CANCEL, NO_SHOW = "session", "late-cancel", "no-show"


@dataclass(frozen=True)
class Policy:
    """The practice's fees for sessions not held: a percentage of the session's fee (0: none)."""

    late_cancel_percent: int = 0
    no_show_percent: int = 0


def chargeable(status: str, late_cancel: bool, policy: Policy) -> tuple[str, int] | None:
    """Whether a session of ``status`` is charged, and how: (kind, percent of the fee)."""
    if status == "attended":
        return SESSION, 100
    if status == "cancelled" and late_cancel and policy.late_cancel_percent > 0:
        return LATE_CANCEL, policy.late_cancel_percent
    if status == "no-show" and policy.no_show_percent > 0:
        return NO_SHOW, policy.no_show_percent
    return None


def charge_amount(fee: int, percent: int) -> int:
    """What a session costs: ``percent`` of its fee, rounded half-up."""
    return percent_of(fee, percent)


@dataclass(frozen=True)
class Allocation:
    """What each invoice has been paid (key → minor units), and money held in credit."""

    paid: dict
    credit: int

    def due(self, key, total: int) -> int:
        return total - self.paid.get(key, 0)


def allocate(invoices: Iterable[tuple[object, int]], received: int) -> Allocation:
    """Meet ``invoices`` (key, total), oldest first, with ``received`` (payments less refunds).

    Each invoice takes what it still needs from what is left; what is left at
    the end is the payer's credit. A voided invoice is simply not among
    ``invoices``: what was paid towards it flows to the next, or into credit.
    """
    left, paid = received, {}
    for key, total in invoices:
        taken = max(0, min(total, left))
        paid[key] = taken
        left -= taken
    return Allocation(paid, max(0, left))


#: How old an unpaid amount is, in days since its invoice was issued.
AGE_BANDS = (("0-30", 0, 30), ("31-60", 31, 60), ("61-90", 61, 90), ("90+", 91, None))


def age_band(issued_on: date, today: date) -> str:
    """The band of an invoice issued on ``issued_on``: "0-30", "31-60", "61-90" or "90+"."""
    days = max(0, (today - issued_on).days)
    for name, _, last in AGE_BANDS:
        if last is None or days <= last:
            return name
    return AGE_BANDS[-1][0]  # pragma: no cover - the last band has no end


def by_age(unpaid: Iterable[tuple[date, int]], today: date) -> dict[str, int]:
    """Unpaid amounts (issued on, amount due) summed by age band, every band present."""
    bands = {name: 0 for name, _, _ in AGE_BANDS}
    for issued_on, due in unpaid:
        bands[age_band(issued_on, today)] += due
    return bands


@dataclass(frozen=True)
class Movement:
    """One line of a payer's account: an invoice (a debit) or money in or out."""

    on: date
    description: str
    debit: int = 0  # what the payer owes more: an invoice, a refund paid back to them
    credit: int = 0  # what the payer paid


@dataclass(frozen=True)
class Statement:
    opening: int
    lines: tuple[tuple[Movement, int], ...]  # each movement with the balance after it
    closing: int


def statement(movements: Iterable[Movement], start: date, end: date) -> Statement:
    """A payer's account from ``start`` to ``end``: the balance brought forward, each
    movement in the period with the running balance, and the balance at the end."""
    ordered = sorted(movements, key=lambda m: m.on)
    opening = sum(m.debit - m.credit for m in ordered if m.on < start)
    balance, lines = opening, []
    for movement in ordered:
        if start <= movement.on <= end:
            balance += movement.debit - movement.credit
            lines.append((movement, balance))
    return Statement(opening, tuple(lines), balance)
