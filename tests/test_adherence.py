"""Adherence, worked by hand: entries made against entries the cadence expects."""

from datetime import date, timedelta

import pytest

from practice.homework.adherence import (
    adherence,
    expected_total,
    last_ended_period,
    periods,
)

MON = date(2026, 3, 2)  # a Monday


def days(*offsets):
    return [MON + timedelta(days=n) for n in offsets]


def test_daily_counts_each_day_once():
    # Started Monday; today is Thursday: Mon-Wed have ended, Thursday is running.
    result = adherence("daily", None, MON, None, days(0, 0, 2), MON + timedelta(days=3))
    assert (result.made, result.expected) == (2, 3)  # two entries on Monday count once
    assert result.missed_periods == 1  # Tuesday
    assert not result.current_done


def test_doing_todays_homework_early_counts_without_inflating():
    result = adherence("daily", None, MON, None, days(0, 1, 2, 3), MON + timedelta(days=3))
    assert (result.made, result.expected, result.percent) == (4, 4, 100)
    assert result.current_done


def test_three_a_week_caps_each_week():
    # Week 1: four entries (counts 3). Week 2: one entry. Today: day 14, week 3 begins.
    entries = days(0, 1, 2, 3, 8)
    result = adherence("n-per-week", 3, MON, None, entries, MON + timedelta(days=14))
    assert (result.made, result.expected) == (4, 6)
    assert result.missed_periods == 1
    assert result.current.start == MON + timedelta(days=14)


def test_weekly_with_nothing_due_yet():
    result = adherence("weekly", None, MON, None, [], MON + timedelta(days=3))
    assert (result.made, result.expected, result.rate) == (0, 0, None)


def test_once_before_and_after_the_due_date():
    due = MON + timedelta(days=6)
    assert adherence("once", None, MON, due, [], MON + timedelta(days=2)).expected == 0
    late = adherence("once", None, MON, due, [], MON + timedelta(days=8))
    assert (late.made, late.expected, late.missed_periods) == (0, 1, 1)
    done = adherence("once", None, MON, due, days(3), MON + timedelta(days=8))
    assert (done.made, done.expected) == (1, 1)


def test_entries_outside_the_assignment_do_not_count():
    due = MON + timedelta(days=1)
    result = adherence("daily", None, MON, due, days(-1, 0, 5), MON + timedelta(days=10))
    assert (result.made, result.expected) == (1, 2)


def test_monthly_periods_follow_the_calendar():
    start = date(2026, 1, 31)
    spans = periods("monthly", None, start, None, date(2026, 4, 15))
    assert [(p.start, p.end) for p in spans] == [
        (date(2026, 1, 31), date(2026, 2, 27)),
        (date(2026, 2, 28), date(2026, 3, 30)),
        (date(2026, 3, 31), date(2026, 4, 29)),
    ]


def test_future_start_expects_nothing():
    assert periods("daily", None, MON, None, MON - timedelta(days=1)) == []


def test_expected_total_over_a_whole_assignment():
    assert expected_total("n-per-week", 3, MON, MON + timedelta(days=13)) == 6
    assert expected_total("daily", None, MON, MON + timedelta(days=6)) == 7
    # A last, partial week still asks for its full count.
    assert expected_total("weekly", None, MON, MON + timedelta(days=9)) == 2


@pytest.mark.parametrize(
    ("cadence", "per_week", "start", "end", "today", "expected"),
    [
        ("daily", None, MON, None, MON + timedelta(days=30), (MON + timedelta(days=29),) * 2),
        (
            "weekly",
            None,
            MON,
            None,
            MON + timedelta(days=15),
            (MON + timedelta(days=7), MON + timedelta(days=13)),
        ),
        (
            "n-per-week",
            3,
            MON,
            MON + timedelta(days=10),
            MON + timedelta(days=40),
            (MON + timedelta(days=7), MON + timedelta(days=10)),
        ),
        (
            "once",
            None,
            MON,
            MON + timedelta(days=3),
            MON + timedelta(days=5),
            (MON, MON + timedelta(days=3)),
        ),
        ("once", None, MON, None, MON + timedelta(days=5), None),
        ("weekly", None, MON, None, MON + timedelta(days=3), None),
    ],
)
def test_last_ended_period(cadence, per_week, start, end, today, expected):
    period = last_ended_period(cadence, per_week, start, end, today)
    assert (period and (period.start, period.end)) == expected


def test_last_ended_period_agrees_with_walking_from_the_start():
    start = date(2025, 11, 17)
    for cadence, per_week in (
        ("daily", None),
        ("weekly", None),
        ("n-per-week", 4),
        ("monthly", None),
    ):
        for offset in range(0, 200, 7):
            today = start + timedelta(days=offset)
            ended = [p for p in periods(cadence, per_week, start, None, today) if p.end < today]
            assert last_ended_period(cadence, per_week, start, None, today) == (
                ended[-1] if ended else None
            ), (cadence, today)
