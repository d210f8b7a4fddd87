"""When sessions fall: series dates and local times, across daylight-saving changes.

Plain functions, no database: each zone and date is given.
"""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from practice.calendar.recurrence import (
    MAX_OCCURRENCES,
    ScheduleError,
    occurrence_days,
    series_slots,
    slot,
    week_start,
    zone_named,
)

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def test_weekly_series_by_count():
    days = occurrence_days(date(2027, 3, 16), 1, None, 4)
    assert days == [date(2027, 3, 16), date(2027, 3, 23), date(2027, 3, 30), date(2027, 4, 6)]


def test_fortnightly_series_up_to_a_date_includes_that_date():
    days = occurrence_days(date(2027, 1, 5), 2, date(2027, 2, 2), None)
    assert days == [date(2027, 1, 5), date(2027, 1, 19), date(2027, 2, 2)]


@pytest.mark.parametrize(
    ("until", "count", "field", "words"),
    [
        (None, None, "until", "needs an end"),
        (date(2027, 3, 1), None, "until", "before its first session"),
        (date(2027, 3, 17), None, "until", "only one session"),
        (None, 1, "count", "at least 2 sessions"),
        (None, MAX_OCCURRENCES + 1, "until", f"at most {MAX_OCCURRENCES}"),
        (date(2029, 1, 1), None, "until", f"at most {MAX_OCCURRENCES}"),
    ],
)
def test_a_series_without_a_proper_end_is_refused(until, count, field, words):
    with pytest.raises(ScheduleError) as refused:
        occurrence_days(date(2027, 3, 16), 1, until, count)
    assert words in str(refused.value)
    assert refused.value.field == field


@pytest.mark.parametrize(
    ("zone", "first", "utc_hours"),
    [
        # London: clocks go forward on 28 March 2027; 17:00 is 17:00 UTC, then 16:00 UTC.
        (LONDON, date(2027, 3, 16), [17, 17, 16, 16]),
        # And back on 31 October 2027.
        (LONDON, date(2027, 10, 19), [16, 16, 17, 17]),
        # New York: forward on 14 March 2027 (UTC-5 to UTC-4), back on 7 November.
        (NEW_YORK, date(2027, 3, 2), [22, 22, 21, 21]),
        (NEW_YORK, date(2027, 10, 26), [21, 21, 22, 22]),
    ],
)
def test_a_weekly_series_keeps_its_local_time_across_daylight_saving(zone, first, utc_hours):
    days = occurrence_days(first, 1, None, 4)
    slots = series_slots(days, time(17, 0), time(17, 50), zone)
    assert [s.starts_at.astimezone(zone).time() for s in slots] == [time(17, 0)] * 4
    assert [s.starts_at.astimezone(UTC).hour for s in slots] == utc_hours
    assert all(s.starts_at.tzinfo is not None for s in slots)
    assert all((s.ends_at - s.starts_at).total_seconds() == 50 * 60 for s in slots)


def test_a_time_the_clocks_skip_is_refused_with_the_day_named():
    days = occurrence_days(date(2027, 3, 7), 1, None, 3)  # the 14th is New York's spring day
    with pytest.raises(ScheduleError) as refused:
        series_slots(days, time(2, 30), time(3, 20), NEW_YORK)
    assert "02:30 does not exist on 14 Mar 2027" in str(refused.value)
    assert refused.value.field == "start"


def test_a_time_that_happens_twice_is_refused():
    with pytest.raises(ScheduleError) as refused:
        slot(date(2027, 10, 31), time(1, 30), time(2, 20), LONDON)
    assert "01:30 happens twice on 31 Oct 2027" in str(refused.value)


def test_an_end_inside_the_repeated_hour_is_refused_beside_the_end():
    with pytest.raises(ScheduleError) as refused:
        slot(date(2027, 11, 7), time(0, 30), time(1, 20), NEW_YORK)
    assert refused.value.field == "end"
    assert "01:20 happens twice" in str(refused.value)


@pytest.mark.parametrize("end", [time(16, 0), time(17, 0)])
def test_an_end_before_or_at_the_start_is_refused(end):
    with pytest.raises(ScheduleError) as refused:
        slot(date(2027, 5, 4), time(17, 0), end, LONDON)
    assert f"The end ({end:%H:%M}) must be after the start (17:00)" in str(refused.value)
    assert refused.value.field == "end"


def test_an_ordinary_slot_in_summer():
    found = slot(date(2027, 7, 6), time(9, 0), time(9, 50), LONDON)
    assert found.starts_at == datetime(2027, 7, 6, 8, 0, tzinfo=UTC)
    assert found.ends_at == datetime(2027, 7, 6, 8, 50, tzinfo=UTC)


@pytest.mark.parametrize("name", ["Mars/Olympus", "", "../etc/passwd", "Europe/"])
def test_an_unknown_time_zone_is_refused_clearly(name):
    with pytest.raises(ScheduleError) as refused:
        zone_named(name)
    assert "not one Mend knows" in str(refused.value)


def test_week_start_is_monday():
    assert week_start(date(2027, 3, 21)) == date(2027, 3, 15)  # a Sunday
    assert week_start(date(2027, 3, 15)) == date(2027, 3, 15)
