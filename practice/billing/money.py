"""Money as whole minor units, and the practice's one rounding rule.

Every amount is an integer count of the currency's minor unit (cents for US
dollars, pence for pounds, yen for yen), never a float. The rule, wherever a
part of an amount is taken — tax on a line, a late-cancellation percentage, one
partner's share of a split — is the same:

- the part is rounded **half-up**, on that one line: half a cent or more
  becomes a whole cent (0.5 → 1, 0.49 → 0; away from zero for a negative);
- when a line is split between payers, every payer's share but one is rounded
  that way, and **the named payer takes the remainder**, so the shares always
  add up to the line.

Tax rates and split percentages are kept in basis points (hundredths of a
percent: 7.25 % is 725), so that they too are whole numbers.
"""

from decimal import Decimal, InvalidOperation

#: A hundred percent in basis points.
BASIS = 10_000
#: The largest amount Mend takes in one line or payment: ten million in major units.
LARGEST = 10_000_000

#: The currencies offered in the practice's settings, by ISO 4217 code.
CURRENCIES = {
    "USD": "US dollar",
    "CAD": "Canadian dollar",
    "GBP": "Pound sterling",
    "EUR": "Euro",
    "AUD": "Australian dollar",
    "NZD": "New Zealand dollar",
    "CHF": "Swiss franc",
    "SEK": "Swedish krona",
    "NOK": "Norwegian krone",
    "DKK": "Danish krone",
    "ZAR": "South African rand",
    "INR": "Indian rupee",
    "SGD": "Singapore dollar",
    "JPY": "Japanese yen",
}
#: Currencies whose minor unit is not a hundredth of the major one.
MINOR_DIGITS = {"JPY": 0}
SYMBOLS = {
    "USD": "$",
    "CAD": "CA$",
    "GBP": "£",
    "EUR": "€",
    "AUD": "A$",
    "NZD": "NZ$",
    "INR": "₹",
    "SGD": "S$",
    "JPY": "¥",
}


class AmountError(ValueError):
    """An amount or a percentage that cannot be read, said so the person can fix it."""


def digits(currency: str) -> int:
    """How many digits follow the decimal point in ``currency`` (2, or 0 for the yen)."""
    return MINOR_DIGITS.get(currency, 2)


def ratio(amount: int, numerator: int, denominator: int) -> int:
    """``amount × numerator ÷ denominator`` in whole minor units, rounded half-up."""
    if denominator <= 0:
        raise ValueError("a ratio needs a positive denominator")
    product = amount * numerator
    whole, rest = divmod(abs(product), denominator)
    if 2 * rest >= denominator:
        whole += 1
    return -whole if product < 0 else whole


def percent_of(amount: int, percent: int) -> int:
    """``percent`` (a whole number, 0–100) of ``amount``, rounded half-up."""
    return ratio(amount, percent, 100)


def tax_on(amount: int, rate: int) -> int:
    """The tax on one line of ``amount`` at ``rate`` basis points, rounded half-up."""
    return ratio(amount, rate, BASIS)


def split(amount: int, weights: dict[str, int], remainder_to: str) -> dict[str, int]:
    """``amount`` shared in proportion to ``weights`` (payer → weight, at least 0).

    Each share but ``remainder_to``'s is rounded half-up; ``remainder_to`` takes
    what is left, so the shares add up to ``amount`` exactly. With no weight at
    all, ``remainder_to`` takes the whole.
    """
    total = sum(weights.values())
    if total <= 0:
        return {remainder_to: amount}
    shares = {
        payer: ratio(amount, weight, total)
        for payer, weight in weights.items()
        if payer != remainder_to
    }
    shares[remainder_to] = amount - sum(shares.values())
    return shares


def parse_amount(text: str | None, currency: str) -> int:
    """What a person typed as an amount ("160", "1,234.50", "$90"), in minor units."""
    cleaned = (text or "").strip().replace(",", "").replace(" ", "")
    for symbol in (SYMBOLS.get(currency, ""), currency):
        if symbol and cleaned.upper().startswith(symbol.upper()):
            cleaned = cleaned[len(symbol) :]
    value = _figures(cleaned, "an amount", "120.00")
    if not value.is_finite():
        raise AmountError("Enter an amount in figures, for example 120.00.")
    if value < 0:
        raise AmountError("Enter the amount without a minus sign.")
    places = digits(currency)
    if -value.as_tuple().exponent > places:
        raise AmountError(
            "Give whole amounts in this currency."
            if places == 0
            else f"Give at most {places} digits after the decimal point."
        )
    if value > LARGEST:
        raise AmountError(f"Enter an amount under {LARGEST:,}.")
    return int(value.scaleb(places))


def _figures(cleaned: str, what: str, example: str) -> Decimal:
    """What was typed (stripped of symbols and separators) as a number, which may still be
    infinite or not a number; :class:`AmountError` when it is empty or not figures at all."""
    if not cleaned:
        raise AmountError(f"Enter {what}.")
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        raise AmountError(f"Enter {what} in figures, for example {example}.") from None


def parse_percent(text: str | None, *, largest: int = 100) -> int:
    """What a person typed as a percentage ("20", "7.25", "7.25 %"), in basis points."""
    cleaned = (text or "").strip().rstrip("%").strip()
    value = _figures(cleaned, "a percentage", "7.25")
    if not value.is_finite() or value < 0 or value > largest:
        raise AmountError(f"Enter a percentage between 0 and {largest}.")
    if -value.as_tuple().exponent > 2:
        raise AmountError("Give at most two digits after the decimal point.")
    return int(value.scaleb(2))


def amount_text(amount: int, currency: str) -> str:
    """An amount as a form shows it for editing: "1234.50", no symbol, no separators."""
    places = digits(currency)
    sign = "-" if amount < 0 else ""
    whole, minor = divmod(abs(amount), 10**places)
    return f"{sign}{whole}.{minor:0{places}d}" if places else f"{sign}{whole}"


def format_amount(amount: int, currency: str) -> str:
    """An amount as people read it: "$1,234.50", "-£5.00", "1,200.00 CHF"."""
    places = digits(currency)
    whole, minor = divmod(abs(amount), 10**places)
    figures = f"{whole:,}.{minor:0{places}d}" if places else f"{whole:,}"
    sign = "-" if amount < 0 else ""
    symbol = SYMBOLS.get(currency)
    return f"{sign}{symbol}{figures}" if symbol else f"{sign}{figures} {currency}"


def percent_text(basis_points: int) -> str:
    """Basis points as a person writes the percentage: 725 → "7.25", 2000 → "20"."""
    whole, hundredths = divmod(basis_points, 100)
    return f"{whole}" if not hundredths else f"{whole}.{hundredths:02d}".rstrip("0")
