"""Adherence, worked by hand: entries made against entries the cadence expects."""

from datetime import date, timedelta

import pytest

from practice.homework.adherence import HomeworkSchedule

MON = date(2026, 3, 2)  # a Monday


def days(*offsets):
    return [MON + timedelta(days=n) for n in offsets]


def test_daily_counts_each_day_once():
    # Started Monday; today is Thursday: Mon-Wed have ended, Thursday is running.
    daily = HomeworkSchedule("daily", None, MON, None)
    result = daily.adherence(days(0, 0, 2), MON + timedelta(days=3))
    assert (result.made, result.expected) == (2, 3)  # two entries on Monday count once
    assert result.missed_periods == 1  # Tuesday
    assert not result.current_done


def test_doing_todays_homework_early_counts_without_inflating():
    daily = HomeworkSchedule("daily", None, MON, None)
    result = daily.adherence(days(0, 1, 2, 3), MON + timedelta(days=3))
    assert (result.made, result.expected, result.percent) == (4, 4, 100)
    assert result.current_done


def test_three_a_week_caps_each_week():
    # Week 1: four entries (counts 3). Week 2: one entry. Today: day 14, week 3 begins.
    entries = days(0, 1, 2, 3, 8)
    three_a_week = HomeworkSchedule("n-per-week", 3, MON, None)
    result = three_a_week.adherence(entries, MON + timedelta(days=14))
    assert (result.made, result.expected) == (4, 6)
    assert result.missed_periods == 1
    assert result.current.start == MON + timedelta(days=14)


def test_weekly_with_nothing_due_yet():
    result = HomeworkSchedule("weekly", None, MON, None).adherence([], MON + timedelta(days=3))
    assert (result.made, result.expected, result.rate) == (0, 0, None)


def test_once_before_and_after_the_due_date():
    due = MON + timedelta(days=6)
    once = HomeworkSchedule("once", None, MON, due)
    assert once.adherence([], MON + timedelta(days=2)).expected == 0
    late = once.adherence([], MON + timedelta(days=8))
    assert (late.made, late.expected, late.missed_periods) == (0, 1, 1)
    done = once.adherence(days(3), MON + timedelta(days=8))
    assert (done.made, done.expected) == (1, 1)


def test_entries_outside_the_assignment_do_not_count():
    due = MON + timedelta(days=1)
    daily = HomeworkSchedule("daily", None, MON, due)
    result = daily.adherence(days(-1, 0, 5), MON + timedelta(days=10))
    assert (result.made, result.expected) == (1, 2)


def test_monthly_periods_follow_the_calendar():
    start = date(2026, 1, 31)
    spans = HomeworkSchedule("monthly", None, start, None).periods(date(2026, 4, 15))
    assert [(p.start, p.end) for p in spans] == [
        (date(2026, 1, 31), date(2026, 2, 27)),
        (date(2026, 2, 28), date(2026, 3, 30)),
        (date(2026, 3, 31), date(2026, 4, 29)),
    ]


def test_future_start_expects_nothing():
    assert HomeworkSchedule("daily", None, MON, None).periods(MON - timedelta(days=1)) == []


def test_expected_total_over_a_whole_assignment():
    assert HomeworkSchedule("n-per-week", 3, MON, MON + timedelta(days=13)).expected_total() == 6
    assert HomeworkSchedule("daily", None, MON, MON + timedelta(days=6)).expected_total() == 7
    # A last, partial week still asks for its full count.
    assert HomeworkSchedule("weekly", None, MON, MON + timedelta(days=9)).expected_total() == 2


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
    period = HomeworkSchedule(cadence, per_week, start, end).last_ended_period(today)
    assert (period and (period.start, period.end)) == expected


def test_last_ended_period_agrees_with_walking_from_the_start():
    start = date(2025, 11, 17)
    for cadence, per_week in (
        ("daily", None),
        ("weekly", None),
        ("n-per-week", 4),
        ("monthly", None),
    ):
        schedule = HomeworkSchedule(cadence, per_week, start, None)
        for offset in range(0, 200, 7):
            today = start + timedelta(days=offset)
            ended = [p for p in schedule.periods(today) if p.end < today]
            assert schedule.last_ended_period(today) == (ended[-1] if ended else None), (
                cadence,
                today,
            )


def test_withdrawn_homework_ends_on_the_day_it_was_withdrawn():
    withdrawn = MON + timedelta(days=4)
    assert HomeworkSchedule("daily", None, MON, None).ended_by(withdrawn).end == withdrawn
    due_first = HomeworkSchedule("daily", None, MON, MON + timedelta(days=2))
    assert due_first.ended_by(withdrawn) == due_first
