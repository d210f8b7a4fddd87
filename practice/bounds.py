"""The limits of what Mend takes from outside: ids, page numbers and dates.

Anything beyond them is answered with a clear 4xx before it reaches the
database or date arithmetic, where it would overflow (a 500): an id beyond
PostgreSQL's ``integer``, an OFFSET beyond a 64-bit integer, a week after
31 December 9999. The same limits hold on SQLite, so both answer alike.
"""

from datetime import date

from werkzeug.routing import IntegerConverter

#: The largest id: PostgreSQL's ``integer`` (SQLite's would go further; we do not).
MAX_ID = 2**31 - 1
#: The last page a list may be asked for: far beyond any practice's lists, and
#: small enough that page x 50 rows stays an ordinary integer.
MAX_PAGE = 100_000
#: Dates of record (dates of birth, history, screenings, homework): these years.
EARLIEST = date(1900, 1, 1)
LATEST = date(2200, 12, 31)
RECORD_RANGE = f"Give a date between {EARLIEST.year} and {LATEST.year}."
#: Sessions are booked or recorded this many years either side of today.
BOOKABLE_YEARS_BACK = 10
BOOKABLE_YEARS_AHEAD = 3


def is_id(value: int) -> bool:
    """Whether ``value`` could be the id of a row."""
    return 1 <= value <= MAX_ID


def id_or_none(text: str | None) -> int | None:
    """``text`` as an id, or None when it is not digits or could be no row's id."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_ID)):
        return None
    value = int(text)
    return value if is_id(value) else None


def page_number(text: str | None) -> int | None:
    """``?page=`` as a page number from 1 to MAX_PAGE, or None when it is anything else."""
    text = text or ""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_PAGE)):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_PAGE else None


def in_record_range(day: date) -> bool:
    return EARLIEST <= day <= LATEST


def _years_from(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def bookable_window(today: date) -> tuple[date, date]:
    """The first and last day a session may be booked or recorded on, seen from ``today``."""
    return (
        max(EARLIEST, _years_from(today, -BOOKABLE_YEARS_BACK)),
        min(LATEST, _years_from(today, BOOKABLE_YEARS_AHEAD)),
    )


class IdConverter(IntegerConverter):
    """``<int:…>`` in every route: an id beyond MAX_ID matches nothing, so is a 404,
    before a query would overflow the column (a 500 on PostgreSQL)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)
