"""Input beyond what the database or the calendar can hold gets a clear 4xx, never a 500.

The outside probe (issue 17, item 5) found 500s for ids beyond the database's
integer (``/cases/9223372036854775808`` on SQLite, ``/cases/2147483648`` on
PostgreSQL), for ``?page=`` beyond range on the paginated lists, and for dates
at the ends of the calendar (``9999-12-31``, ``0001-01-01``) in the diary, the
audit trail and the booking forms. The limits live in ``practice/bounds.py``.
"""

import re
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from practice import bounds
from practice.audit.models import AuditEvent
from practice.dates import practice_today
from practice.extensions import db
from practice.sessions.models import Session
from tests.test_authorization import (
    COUNSELLOR,
    MATRIX,
    OWNER,
    PARTNER_A,
    RULES,
    methods,
    signed_in_as,
    url_for_row,
    world,  # noqa: F401 - the fixture
)

HUGE_IDS = [2**31, 2**63, 10**30]
HUGE_PAGES = ["2147483648", "9223372036854775808", "99999999999999999999999"]
EXTREME_DAYS = ["9999-12-31", "0001-01-01", "1899-12-31", "2201-01-01"]

INT_ROUTES = sorted(
    endpoint
    for endpoint, rule in RULES.items()
    if any(type(c).__name__ == "IdConverter" or "Integer" in type(c).__name__
           for c in rule._converters.values())
)  # fmt: skip

#: Every paginated list, and who may read it.
PAGINATED = {
    "admin.accounts": OWNER,
    "admin.audit_log": OWNER,
    "admin.outbox": OWNER,
    "cases.caseload_list": COUNSELLOR,
    "sessions.index": COUNSELLOR,
    "homework.choose": COUNSELLOR,
    "catalogue.index": COUNSELLOR,
    "portal.entries": PARTNER_A,
    "portal.shared": PARTNER_A,
}


def first_allowed(endpoint: str) -> str:
    return MATRIX[endpoint].allowed[0] if MATRIX[endpoint].allowed else COUNSELLOR


def test_every_integer_route_is_covered():
    assert "cases.show" in INT_ROUTES
    assert len(INT_ROUTES) > 30


@pytest.mark.parametrize("huge", HUGE_IDS)
def test_an_id_beyond_the_database_integer_is_not_found(app, world, huge):  # noqa: F811
    """Every ``<int:>`` argument of every route, one at a time, set beyond 2**31 - 1."""
    wrong = []
    for endpoint in INT_ROUTES:
        rule = RULES[endpoint]
        browser = signed_in_as(app, world.users[first_allowed(endpoint)])
        good = url_for_row(endpoint, world)
        for arg, converter in rule._converters.items():
            if "Integer" not in type(converter).__name__ and "Id" not in type(converter).__name__:
                continue
            values = _arguments(rule, good)
            values[arg] = huge
            url = rule.build(values, append_unknown=False)[1]
            for method in methods(endpoint):
                response = browser.open(url, method=method, data={} if method == "POST" else None)
                response.close()
                if response.status_code != 404:
                    wrong.append(f"{method} {url}: {response.status_code}")
    assert not wrong, "\n".join(wrong)


def _arguments(rule, url: str) -> dict:
    """The values ``url`` gives ``rule``'s arguments."""
    adapter = rule.map.bind("localhost")
    endpoint, values = adapter.match(url, method=next(iter(rule.methods - {"HEAD", "OPTIONS"})))
    assert endpoint == rule.endpoint
    return values


def test_the_largest_id_is_simply_not_there(app, world):  # noqa: F811
    browser = signed_in_as(app, world.users[COUNSELLOR])
    assert browser.get(f"/cases/{bounds.MAX_ID}").status_code == 404
    assert browser.get(f"/cases/{bounds.MAX_ID + 1}").status_code == 404
    assert browser.get(f"/cases/{world.mine.id}").status_code == 200


@pytest.mark.parametrize("endpoint", sorted(PAGINATED))
def test_a_page_beyond_range_is_not_found(app, world, endpoint):  # noqa: F811
    browser = signed_in_as(app, world.users[PAGINATED[endpoint]])
    url = url_for_row(endpoint, world)
    assert browser.get(url).status_code == 200, url
    for page in [*HUGE_PAGES, "0", "-1", "x", "1e3", "٣"]:
        response = browser.get(url, query_string={"page": page})
        assert response.status_code == 404, (url, page, response.status_code)
    assert browser.get(url, query_string={"page": "1"}).status_code == 200


@pytest.mark.parametrize("day", EXTREME_DAYS)
@pytest.mark.parametrize(
    ("endpoint", "parameter"),
    [
        ("calendar.week", "start"),
        ("calendar.day", "date"),
        ("calendar.practice_week", "start"),
        ("calendar.new", "date"),
    ],
)
def test_a_diary_date_beyond_the_calendar_says_so(app, world, endpoint, parameter, day):  # noqa: F811
    who = OWNER if endpoint == "calendar.practice_week" else COUNSELLOR
    browser = signed_in_as(app, world.users[who])
    response = browser.get(url_for_row(endpoint, world), query_string={parameter: day})
    page = response.get_data(as_text=True)
    if endpoint == "calendar.new":
        # Booking's "which day" is only a suggestion: today is offered instead.
        assert response.status_code == 200, page
        assert practice_today().isoformat() in page
        return
    # The diary's address is its only "form": a 400 page that says what to give.
    assert response.status_code == 400
    assert "between 1900 and 2200" in page


@pytest.mark.parametrize("day", ["1900-01-01", "2200-12-31"])
def test_the_ends_of_the_range_still_show(app, world, day):  # noqa: F811
    browser = signed_in_as(app, world.users[COUNSELLOR])
    assert browser.get("/calendar/week", query_string={"start": day}).status_code == 200
    assert browser.get("/calendar/day", query_string={"date": day}).status_code == 200


@pytest.mark.parametrize("day", EXTREME_DAYS)
def test_the_audit_trail_falls_back_when_a_date_is_beyond_the_calendar(app, world, day):  # noqa: F811
    browser = signed_in_as(app, world.users[OWNER])
    for parameter in ("since", "until"):
        response = browser.get("/admin/audit", query_string={parameter: day})
        page = response.get_data(as_text=True)
        assert response.status_code == 200, (parameter, day)
        assert "between 1900 and 2200" in page


@pytest.mark.parametrize("huge", ["2147483648", "9223372036854775808", "99999999999999999999"])
def test_an_id_filter_beyond_range_finds_nothing(app, world, huge):  # noqa: F811
    owner = signed_in_as(app, world.users[OWNER])
    for parameter in ("user", "case"):
        response = owner.get("/admin/audit", query_string={parameter: huge})
        assert response.status_code == 200, (parameter, huge)
    counsellor = signed_in_as(app, world.users[OWNER])
    response = counsellor.get("/calendar/week", query_string={"counsellor": huge})
    assert response.status_code in (400, 404)
    response = counsellor.get("/calendar/practice", query_string={"counsellor": huge})
    assert response.status_code in (200, 400)
    browser = signed_in_as(app, world.users[COUNSELLOR])
    url = url_for_row("safety.plan_pdf", world)
    assert browser.get(url, query_string={"version": huge}).status_code == 404


def _sessions() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Session))


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("9999-12-31", "between"),
        ("0001-01-01", "between"),
        ("in four years", "between"),
    ],
)
def test_booking_beyond_the_bookable_window_says_so_beside_the_day(app, world, day, message):  # noqa: F811
    if day == "in four years":
        day = (practice_today() + timedelta(days=4 * 366)).isoformat()
    browser = signed_in_as(app, world.users[COUNSELLOR])
    before = _sessions()
    sessions_new = url_for_row("sessions.new", world)
    response = browser.post(
        sessions_new,
        data={
            "form_token": "s-" + "1" * 30,
            "day": day,
            "time": "23:30",
            "duration": "50",
            "status": "scheduled",
        },
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    response = browser.post(
        "/calendar/new",
        data={
            "form_token": "c-" + "1" * 30,
            "case": str(world.mine.id),
            "day": day,
            "time": "23:30",
            "duration": "29",
        },
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _sessions() == before


def test_a_date_of_record_beyond_the_calendar_says_so(app, world):  # noqa: F811
    browser = signed_in_as(app, world.users[COUNSELLOR])
    url = url_for_row("cases.edit", world)
    page = browser.get(url).get_data(as_text=True)
    assert "start_date" in page
    response = browser.post(url, data={"label": "x", "start_date": "9999-12-31"})
    assert response.status_code == 400
    assert "between 1900 and 2200" in response.get_data(as_text=True)


def test_the_audit_trail_has_no_event_for_a_refused_page(app, world):  # noqa: F811
    """A 404 for a huge id is decided before any view runs: nothing is recorded."""
    browser = signed_in_as(app, world.users[COUNSELLOR])
    before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    assert browser.get(f"/cases/{2**63}/progress").status_code == 404
    after = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    assert after == before


def test_the_bounds_as_plain_functions():
    assert bounds.is_id(1)
    assert bounds.is_id(bounds.MAX_ID)
    assert not bounds.is_id(bounds.MAX_ID + 1)
    assert not bounds.is_id(0)
    assert bounds.page_number("3") == 3
    for bad in ["", "0", "-1", "x", "1e3", "٣", "99999999999999999999999"]:
        assert bounds.page_number(bad) is None, bad
    assert bounds.in_record_range(date(1900, 1, 1))
    assert bounds.in_record_range(date(2200, 12, 31))
    assert not bounds.in_record_range(date(1899, 12, 31))
    assert not bounds.in_record_range(date(9999, 12, 31))
    first, last = bounds.bookable_window(date(2026, 3, 10))
    assert first < date(2026, 3, 10) < last
    assert last + timedelta(days=7) < date.max


def test_a_blank_marker_of_change_is_not_yet(app, world):  # noqa: F811
    """Found by the derandomised fuzz run: " " for a marker's session was a 500."""
    browser = signed_in_as(app, world.users[COUNSELLOR])
    response = browser.post(
        url_for_row("progress.cycle", world),
        data={"position_a": "", "position_b": "", "description": "", "de_escalation": " "},
    )
    assert response.status_code == 302


def test_every_form_date_is_one_that_knows_the_years():
    """A form module importing WTForms' own DateField would let 9999-12-31 through."""
    root = Path(__file__).resolve().parents[1] / "practice"
    own = re.compile(r"from wtforms import (\([^)]*|[^(\n]*)\bDateField\b|wtforms\.DateField\(")
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.name != "forms.py" or path.parent != root
        if own.search(path.read_text())
    ]
    assert offenders == []
