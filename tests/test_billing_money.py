"""The books' arithmetic as plain functions, each case worked by hand.

Amounts are minor units (cents) throughout. The rule under test (practice/billing/money.py):
a part of an amount is rounded half-up on its own line; a split gives every payer
but one a rounded share, and the named payer the rest, so the shares add up.
"""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from practice.billing import ledger
from practice.billing.ledger import (
    AMOUNTS,
    SPLIT,
    THIRD,
    Arrangement,
    Movement,
    Policy,
    allocate,
    by_age,
    chargeable,
    payers_of,
    shares,
    statement,
    taxed,
)
from practice.billing.money import (
    AmountError,
    amount_text,
    format_amount,
    parse_amount,
    parse_percent,
    percent_of,
    percent_text,
    ratio,
    split,
    tax_on,
)

BOTH = frozenset({"a", "b"})
COUPLE = ("a", "b")


# --- Rounding ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "numerator", "denominator", "expected"),
    [
        (100, 1, 3, 33),  # 33.33 → 33
        (200, 1, 3, 67),  # 66.67 → 67
        (1, 1, 2, 1),  # 0.5 → 1: half goes up
        (3, 1, 2, 2),  # 1.5 → 2
        (5, 1, 2, 3),  # 2.5 → 3 (not to the even 2, as a bank would)
        (-5, 1, 2, -3),  # away from zero below it
        (0, 7, 9, 0),
    ],
)
def test_a_ratio_rounds_half_up(amount, numerator, denominator, expected):
    assert ratio(amount, numerator, denominator) == expected


def test_tax_is_rounded_half_up_on_each_line():
    # 20 % of $160.00 is exactly $32.00.
    assert tax_on(16000, 2000) == 3200
    # 7.25 % of $80.01 is 580.0725 cents → 580.
    assert tax_on(8001, 725) == 580
    # 7.25 % of $0.07 is 0.5075 cents → 1: the half cent goes up.
    assert tax_on(7, 725) == 1
    # 8.88 % of $1.00 is 8.88 cents → 9; of $10.00, 88.8 → 89.
    assert tax_on(100, 888) == 9
    assert tax_on(1000, 888) == 89


def test_tax_on_two_shares_may_differ_from_tax_on_the_whole_by_a_cent():
    """Per line, as the rule says: each payer's tax is rounded on their own line."""
    # $100.01 split 50/50 at 5 %: shares 5001 (B, rounded) and 5000 (A, the rest).
    parts = split(10001, {"a": 5000, "b": 5000}, "a")
    assert parts == {"b": 5001, "a": 5000}
    taxes = {payer: tax_on(amount, 500) for payer, amount in parts.items()}
    assert taxes == {"b": 250, "a": 250}  # 250.05 → 250, 250.0 → 250
    assert sum(taxes.values()) == 500
    assert tax_on(10001, 500) == 500  # 500.05 → 500: here they agree
    # 50 % tax on two lines of 1 cent: 0.5 → 1 on each, 2 in all; on the 2-cent whole, 1.
    assert tax_on(1, 5000) + tax_on(1, 5000) == 2
    assert tax_on(2, 5000) == 1


def test_a_late_cancellation_percentage_is_rounded_half_up():
    assert percent_of(16000, 50) == 8000
    assert percent_of(14999, 50) == 7500  # 7499.5 → 7500
    assert percent_of(14997, 33) == 4949  # 4949.01 → 4949
    assert ledger.charge_amount(14999, 100) == 14999


# --- Splits --------------------------------------------------------------------------


def test_an_even_split_that_divides_evenly():
    assert split(16000, {"a": 5000, "b": 5000}, "a") == {"a": 8000, "b": 8000}


def test_an_odd_cent_goes_to_the_named_payer_by_remainder():
    # $160.01 at 50/50: B's share 8000.5 → 8001 (half-up), A, named, takes 16001 − 8001.
    assert split(16001, {"a": 5000, "b": 5000}, "a") == {"a": 8000, "b": 8001}
    # Named B instead: A's share is the rounded one.
    assert split(16001, {"a": 5000, "b": 5000}, "b") == {"a": 8001, "b": 8000}


def test_a_split_that_does_not_divide_evenly():
    # $100.00 at 33.33 % / 66.67 %, remainder to A: B = 6667, A = 3333.
    assert split(10000, {"a": 3333, "b": 6667}, "a") == {"a": 3333, "b": 6667}
    # $10.00 a third each way cannot be: 60/40 of $0.05 — B 2 (0.02 exact), A 3.
    assert split(5, {"a": 6000, "b": 4000}, "a") == {"a": 3, "b": 2}
    # 1 cent split 50/50, remainder to B: A's half cent rounds up to 1, B gets 0.
    assert split(1, {"a": 5000, "b": 5000}, "b") == {"a": 1, "b": 0}


def test_fixed_amounts_for_a_full_session_and_in_proportion_for_another_size():
    arrangement = Arrangement(payer=SPLIT, split_mode=AMOUNTS, share_a=10000, share_b=6000)
    # A full $160 session: $100 and $60 as agreed.
    assert shares(16000, BOTH, COUPLE, arrangement) == {"a": 10000, "b": 6000}
    # A late cancellation at 50 % ($80): 62.5 % / 37.5 % → B 3000, A the rest 5000.
    assert shares(8000, BOTH, COUPLE, arrangement) == {"a": 5000, "b": 3000}
    # $99.99: B's 37.5 % is 3749.625 → 3750; A takes 6249.
    assert shares(9999, BOTH, COUPLE, arrangement) == {"a": 6249, "b": 3750}


def test_no_weight_at_all_gives_the_whole_to_the_named_payer():
    assert split(500, {"a": 0, "b": 0}, "b") == {"b": 500}


@given(
    amount=st.integers(min_value=0, max_value=10**9),
    share_a=st.integers(min_value=1, max_value=9999),
    named=st.sampled_from("ab"),
)
def test_shares_always_add_up_to_the_whole(amount, share_a, named):
    parts = split(amount, {"a": share_a, "b": 10000 - share_a}, named)
    assert sum(parts.values()) == amount
    assert all(part >= 0 for part in parts.values())


# --- Who pays ------------------------------------------------------------------------


def test_a_session_with_one_partner_is_paid_by_that_partner_whatever_the_arrangement():
    for payer in ("a", "b", SPLIT, THIRD):
        arrangement = Arrangement(payer=payer)
        assert payers_of(frozenset({"b"}), COUPLE, arrangement) == "b"
        assert shares(14000, frozenset({"b"}), COUPLE, arrangement) == {"b": 14000}


def test_a_joint_session_follows_the_arrangement():
    assert shares(16000, BOTH, COUPLE, Arrangement(payer="b")) == {"b": 16000}
    assert shares(16000, BOTH, COUPLE, Arrangement(payer=THIRD)) == {THIRD: 16000}
    half = Arrangement(payer=SPLIT, share_a=5000, remainder_to="b")
    assert shares(16001, BOTH, COUPLE, half) == {"a": 8001, "b": 8000}


def test_one_persons_case_is_paid_by_its_one_client_or_a_third_party():
    alone = ("a",)
    assert shares(14000, BOTH, alone, Arrangement(payer="a")) == {"a": 14000}
    assert shares(14000, BOTH, alone, Arrangement(payer=SPLIT)) == {"a": 14000}
    assert shares(14000, frozenset({"a"}), alone, Arrangement(payer=THIRD)) == {THIRD: 14000}


def test_each_share_carries_its_own_tax():
    assert taxed({"a": 8000, "b": 8001}, 725) == {"a": (8000, 580), "b": (8001, 580)}


# --- Which sessions are charged ------------------------------------------------------


def test_which_sessions_are_charged_under_the_policy():
    none = Policy()
    policy = Policy(late_cancel_percent=50, no_show_percent=100)
    assert chargeable("attended", False, none) == ("session", 100)
    assert chargeable("cancelled", True, none) is None
    assert chargeable("cancelled", True, policy) == ("late-cancel", 50)
    assert chargeable("cancelled", False, policy) is None  # cancelled in good time
    assert chargeable("no-show", False, none) is None
    assert chargeable("no-show", False, policy) == ("no-show", 100)
    assert chargeable("scheduled", False, policy) is None


# --- Payments, refunds and voids -----------------------------------------------------


def test_payments_meet_the_oldest_invoice_first():
    invoices = [("INV-1", 16000), ("INV-2", 8000)]
    # $200 paid: INV-1 in full, $40 of INV-2.
    got = allocate(invoices, 20000)
    assert got.paid == {"INV-1": 16000, "INV-2": 4000}
    assert got.credit == 0
    assert got.due("INV-2", 8000) == 4000


def test_paying_more_than_is_owed_leaves_credit():
    got = allocate([("INV-1", 16000)], 20000)
    assert got.paid == {"INV-1": 16000}
    assert got.credit == 4000


def test_a_refund_takes_back_credit():
    # $200 paid, $40 refunded: received 16000, exactly INV-1.
    got = allocate([("INV-1", 16000)], 20000 - 4000)
    assert got.credit == 0
    assert got.due("INV-1", 16000) == 0


def test_a_voided_invoice_leaves_what_was_paid_towards_it_as_credit():
    # INV-1 ($160) was paid in full, then voided: with INV-1 gone, the $160 is credit.
    assert allocate([], 16000).credit == 16000
    # With INV-2 ($80) still open, the $160 pays it and $80 is left in credit.
    got = allocate([("INV-2", 8000)], 16000)
    assert got.paid == {"INV-2": 8000}
    assert got.credit == 8000


def test_nothing_received_leaves_every_invoice_due():
    got = allocate([("INV-1", 100), ("INV-2", 200)], 0)
    assert got.paid == {"INV-1": 0, "INV-2": 0}
    assert got.credit == 0


def test_unpaid_amounts_by_age():
    today = date(2026, 11, 24)
    unpaid = [
        (date(2026, 11, 24), 100),  # 0 days
        (date(2026, 10, 25), 200),  # 30 days: still 0-30
        (date(2026, 10, 24), 300),  # 31 days
        (date(2026, 9, 25), 400),  # 60 days
        (date(2026, 8, 26), 500),  # 90 days
        (date(2026, 8, 25), 600),  # 91 days
    ]
    assert by_age(unpaid, today) == {"0-30": 300, "31-60": 700, "61-90": 500, "90+": 600}
    assert by_age([], today) == {"0-30": 0, "31-60": 0, "61-90": 0, "90+": 0}


def test_a_statement_brings_the_balance_forward_and_runs_it():
    moves = [
        Movement(date(2026, 9, 30), "Invoice INV-00001", debit=16000),
        Movement(date(2026, 10, 2), "Payment", credit=10000),
        Movement(date(2026, 10, 14), "Invoice INV-00004", debit=8000),
        Movement(date(2026, 10, 20), "Payment", credit=20000),
        Movement(date(2026, 10, 28), "Refund", debit=2000),
        Movement(date(2026, 11, 3), "Invoice INV-00009", debit=16000),
    ]
    got = statement(moves, date(2026, 10, 1), date(2026, 10, 31))
    assert got.opening == 16000
    assert [balance for _, balance in got.lines] == [6000, 14000, -6000, -4000]
    assert got.closing == -4000  # $40 in credit at the end of October


# --- Reading and writing amounts -----------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "currency", "cents"),
    [
        ("160", "USD", 16000),
        ("160.5", "USD", 16050),
        ("1,234.56", "USD", 123456),
        ("$90", "USD", 9000),
        (" 0.01 ", "USD", 1),
        ("£75.00", "GBP", 7500),
        ("12000", "JPY", 12000),
        ("0", "USD", 0),
    ],
)
def test_amounts_as_typed(typed, currency, cents):
    assert parse_amount(typed, currency) == cents


@pytest.mark.parametrize(
    ("typed", "currency"),
    [("", "USD"), ("abc", "USD"), ("-5", "USD"), ("1.005", "USD"), ("12.5", "JPY"),
     ("NaN", "USD"), ("1e9", "USD"), ("Infinity", "USD")],
)  # fmt: skip
def test_amounts_that_cannot_be_read(typed, currency):
    with pytest.raises(AmountError):
        parse_amount(typed, currency)


def test_amounts_as_written():
    assert format_amount(123456, "USD") == "$1,234.56"
    assert format_amount(-500, "GBP") == "-£5.00"
    assert format_amount(120000, "CHF") == "1,200.00 CHF"
    assert format_amount(12000, "JPY") == "¥12,000"
    assert amount_text(16050, "USD") == "160.50"
    assert amount_text(12000, "JPY") == "12000"


def test_percentages_as_typed_and_written():
    assert parse_percent("20") == 2000
    assert parse_percent("7.25 %") == 725
    assert parse_percent("0") == 0
    for bad in ("", "101", "-1", "7.255", "x"):
        with pytest.raises(AmountError):
            parse_percent(bad)
    assert percent_text(725) == "7.25"
    assert percent_text(2000) == "20"
    assert percent_text(750) == "7.5"
