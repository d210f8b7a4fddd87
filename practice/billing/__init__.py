"""Billing for couples: services and fees, who pays, charges, invoices, payments,
statements and superbills.

Money is kept as whole minor units (cents, pence) in integers, never floats; the
arithmetic is plain functions in ``money.py`` and ``ledger.py``, tested by hand.
Every document a client can reach is built for one payer: an invoice, a statement
or a superbill for one partner holds only that partner's own lines (see
``docs/billing.md``).
"""
