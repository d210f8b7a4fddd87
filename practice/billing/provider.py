"""Where an online card-payment provider would plug in. Mend has none: money is
recorded by hand (cash, a card terminal in the room, a bank transfer, a cheque).

A provider (Stripe, Square, a bank's own) would be one class meeting
:class:`PaymentProvider`, chosen by configuration, and nothing else in the books
would change:

1. The portal's Billing page offers "Pay online" beside an invoice with something
   due. Its view (``portal_routes.py``) loads the invoice through
   ``access.own_invoice_or_404`` and asks the provider for a checkout for what is
   due (:meth:`PaymentProvider.checkout`); the partner is sent to the address it
   returns. No card number ever reaches Mend.
2. The provider calls back (a webhook, its own blueprint: signed by the provider,
   no login, exempt from CSRF, never trusted without :meth:`confirm` checking the
   signature). For a confirmed payment it calls ``invoicing.record_payment`` with
   the payer and amount of the checkout, a new method (say ``"online"``) and the
   provider's reference as ``reference``, under ``create_once`` keyed by that
   reference so that a callback sent twice records one payment.
3. A refund stays a refund recorded by hand, or the provider's refund call made
   from the counsellor's refund form before it is recorded.

Payments then meet the oldest invoice first like any other, and every statement,
superbill and report reads them without change.
"""

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Checkout:
    """A payment page the provider made for one invoice's amount due."""

    url: str  # where to send the partner's browser
    reference: str  # the provider's id for it, kept with the payment once it is paid


@dataclass(frozen=True)
class Confirmed:
    """A payment the provider says was made, from a callback whose signature was checked."""

    reference: str
    invoice_id: int
    amount: int  # minor units
    currency: str


class PaymentProvider(Protocol):
    """What the books need of an online payment provider; no implementation ships."""

    def checkout(self, *, invoice_id: int, amount: int, currency: str, return_url: str) -> Checkout:
        """A payment page for ``amount`` (minor units) of the invoice."""
        ...

    def confirm(self, body: bytes, signature: str) -> Confirmed | None:
        """The payment a callback reports, or None when its signature does not check out."""
        ...
