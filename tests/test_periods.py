"""A long course of sessions five at a time, as the printed progress report shows it."""

from datetime import date, timedelta
from itertools import pairwise

from practice.progress.data import CheckInPoint, Interval, PartnerMeasures, Progress, SessionPoint
from practice.progress.figures import period_figures
from practice.progress.periods import check_ins_by_period, grouped, in_fives

START = date(2026, 1, 5)


def weekly(n: int, steps=None, blocks=None) -> list[SessionPoint]:
    """``n`` sessions a week apart, the first a week after START."""
    return [
        SessionPoint(
            ordinal=i,
            session_id=100 + i,
            on=START + timedelta(weeks=i),
            step=steps[i - 1] if steps else None,
            blocks=blocks[i - 1] if blocks else {},
        )
        for i in range(1, n + 1)
    ]


def intervals_for(sessions, made_expected) -> list[Interval]:
    """One interval before each session and one since the last, as progress_for_case makes."""
    edges = [START, *(s.on for s in sessions), sessions[-1].on + timedelta(days=3)]
    labels = [
        "Before session 1",
        *(f"Sessions {a.ordinal}–{b.ordinal}" for a, b in pairwise(sessions)),
        f"Since session {sessions[-1].ordinal}",
    ]
    return [
        Interval(label, edges[i], edges[i + 1], made, expected)
        for i, (label, (made, expected)) in enumerate(zip(labels, made_expected, strict=True))
    ]


def progress(sessions, intervals=None, partners=()) -> Progress:
    """A Progress holding only what the periods read; the rest is not looked at."""
    return Progress(
        case_id=1,
        case_label="Alex & Jordan",
        start=START,
        today=sessions[-1].on + timedelta(days=3) if sessions else START,
        sessions=sessions,
        partners=list(partners),
        intervals=intervals or intervals_for(sessions, [(0, 0)] * (len(sessions) + 1)),
        five=None,
        reviews=[],
        timeline=None,
        markers=[],
        cycle=None,
    )


def point(on: date, total: int) -> CheckInPoint:
    return CheckInPoint(on, total, (0, 0, 0, 0), {}, entered_by_counsellor=False)


def test_a_long_case_is_grouped_and_a_shorter_one_is_not():
    assert not grouped(progress(weekly(15)))
    assert grouped(progress(weekly(16)))


def test_sessions_fall_in_fives_and_the_last_period_takes_what_is_left():
    sessions = weekly(12)
    periods = in_fives(progress(sessions))
    assert [(p.first, p.last) for p in periods] == [(1, 5), (6, 10), (11, 12)]
    assert [p.label for p in periods] == ["Sessions 1–5", "Sessions 6–10", "Sessions 11–12"]
    assert [p.short_label for p in periods] == ["S1–5", "S6–10", "S11–12"]
    assert (periods[1].start, periods[1].end) == (sessions[5].on, sessions[9].on)
    single = in_fives(progress(weekly(16)))[-1]
    assert (single.label, single.short_label) == ("Session 16", "S16")


def test_a_period_keeps_the_step_of_its_latest_session_that_recorded_one():
    steps = [1, 2, 2, 3, None, 4, 3, None, None, None]
    first, second = in_fives(progress(weekly(10, steps=steps)))
    assert (first.step, first.stage) == (3, 1)
    # A step can go back; the period shows where the couple ended it, not the highest.
    assert second.step == 3
    assert in_fives(progress(weekly(5)))[0].step is None


def test_block_ratings_are_averaged_over_the_sessions_that_rated_them():
    blocks = [
        {"trust": 4, "support": 6},
        {"trust": 5},
        {"trust": 5, "support": 7},
        {},
        {"trust": 7},
    ]
    (period,) = in_fives(progress(weekly(5, blocks=blocks)))
    assert period.blocks == {"trust": 5.2, "support": 6.5}  # 21/4 = 5.25 rounds to 5.2
    assert "teamwork" not in period.blocks


def test_homework_counts_the_intervals_before_each_periods_sessions():
    sessions = weekly(7)
    # before S1, S1–2, ..., S6–7, then since S7
    made_expected = [(1, 2), (2, 2), (3, 4), (0, 2), (2, 2), (4, 4), (1, 4), (5, 5)]
    first, second = in_fives(progress(sessions, intervals_for(sessions, made_expected)))
    assert (first.made, first.expected, first.percent) == (8, 12, 67)
    # The time since the last session is not part of any period.
    assert (second.made, second.expected) == (5, 8)
    assert in_fives(progress(weekly(5)))[0].percent is None  # nothing expected


def test_check_ins_go_to_the_period_they_lead_up_to():
    sessions = weekly(10)
    alex = PartnerMeasures("Alex", "a")
    jordan = PartnerMeasures("Jordan", "b")
    alex.check_ins = [
        point(START, 9),  # before the first session: the first period
        point(sessions[4].on, 12),  # the day of session 5: still the first period
        point(sessions[4].on + timedelta(days=1), 13),  # after session 5: the second
        point(sessions[9].on + timedelta(days=2), 15),  # after the last session
    ]
    jordan.check_ins = [point(sessions[7].on, 11)]
    p = progress(sessions, partners=[alex, jordan])
    rows = check_ins_by_period(p, in_fives(p))
    assert [r.label for r in rows] == ["Sessions 1–5", "Sessions 6–10", "Since session 10"]
    assert [[c.total for c in r.by_partner["a"]] for r in rows] == [[9, 12], [13], [15]]
    assert [[c.total for c in r.by_partner["b"]] for r in rows] == [[], [11], []]
    assert (rows[0].end, rows[2].end) == (sessions[4].on, None)


def test_no_since_row_without_a_check_in_after_the_last_session():
    sessions = weekly(6)
    alex = PartnerMeasures("Alex", "a", [point(sessions[2].on, 10)])
    p = progress(sessions, partners=[alex])
    assert [r.label for r in check_ins_by_period(p, in_fives(p))] == [
        "Sessions 1–5",
        "Session 6",
    ]


def test_the_period_charts_have_a_point_per_period_and_a_bar_for_the_time_since():
    sessions = weekly(17, steps=[1 + i // 3 for i in range(17)], blocks=[{"trust": 5}] * 17)
    p = progress(sessions, intervals_for(sessions, [(1, 2)] * 18))
    charts = period_figures(in_fives(p), p.intervals[-1])
    for label in ("S1–5", "S6–10", "S11–15", "S16–17"):
        assert f">{label}</text>" in charts["blocks"]
        assert f">{label}</text>" in charts["eft"]
    assert ">since S17</text>" in charts["adherence"]
    assert charts["adherence"].count("<rect") == 5  # four periods and the time since
    assert ">50%</text>" in charts["adherence"]
