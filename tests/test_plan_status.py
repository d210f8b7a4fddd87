"""Where a treatment plan's objective stands, and when the plan is next reviewed:
plain functions, each checked against an example worked out by hand."""

from datetime import UTC, date, datetime, timedelta

import pytest

from practice.homework.adherence import HomeworkSchedule
from practice.plans.content import (
    Goal,
    Intervention,
    Objective,
    PlanContent,
    Problem,
    signing_problems,
    target_problem,
)
from practice.plans.measures import CaseMeasures, standing
from practice.plans.readings import HomeworkLine, adherence_readings, reading_days
from practice.plans.schedule import ReviewHeld, next_review
from practice.plans.status import Reading, Status, overall, status, tally

NOV_1, DEC_1 = date(2026, 11, 1), date(2026, 12, 1)


def r(day: date, value: float) -> Reading:
    return Reading(day, value)


# --- One person's readings against a target ------------------------------------------


def test_no_reading_is_no_data():
    assert status([], 13.5, None, DEC_1) is Status.NO_DATA


def test_a_reading_after_today_is_not_counted():
    assert status([r(DEC_1, 20)], 13.5, None, NOV_1) is Status.NO_DATA


def test_at_the_target_is_met_even_after_its_date():
    # 13.5 is "at or above 13.5"; the date passing does not undo a target reached.
    assert status([r(NOV_1, 10), r(DEC_1, 13.5)], 13.5, NOV_1, DEC_1) is Status.MET


def test_rising_fast_enough_for_the_date_is_on_track():
    # 10 on 1 Nov, 12 on 1 Dec: 2 points in 30 days. Carried on to 1 Jan (31 days):
    # 12 + 2/30 × 31 = 14.07, at or above 13.5.
    readings = [r(NOV_1, 10), r(DEC_1, 12)]
    assert status(readings, 13.5, date(2027, 1, 1), DEC_1) is Status.ON_TRACK


def test_rising_too_slowly_for_the_date_is_not_yet():
    # The same pace to 15 Dec (14 days): 12 + 2/30 × 14 = 12.93, short of 13.5.
    readings = [r(NOV_1, 10), r(DEC_1, 12)]
    assert status(readings, 13.5, date(2026, 12, 15), DEC_1) is Status.NOT_YET


def test_a_target_date_passed_is_not_yet():
    readings = [r(NOV_1, 10), r(DEC_1, 13)]
    assert status(readings, 13.5, DEC_1, DEC_1 + timedelta(days=1)) is Status.NOT_YET


def test_one_reading_shows_no_pace():
    assert status([r(DEC_1, 12)], 13.5, date(2027, 6, 1), DEC_1) is Status.NOT_YET


def test_falling_or_flat_is_not_yet():
    assert status([r(NOV_1, 12), r(DEC_1, 10)], 13.5, None, DEC_1) is Status.NOT_YET
    assert status([r(NOV_1, 12), r(DEC_1, 12)], 13.5, None, DEC_1) is Status.NOT_YET


def test_rising_with_no_date_is_on_track():
    assert status([r(NOV_1, 4), r(DEC_1, 5)], 7, None, DEC_1) is Status.ON_TRACK


def test_the_pace_runs_from_the_first_reading_to_the_latest():
    # 6 → 2 → 7 over 1 Nov–1 Dec: from 6 to 7 is 1 point in 30 days; to 8 by 31 Dec
    # needs 1 more point in 30 days: exactly reached, so on track.
    readings = [r(NOV_1, 6), r(date(2026, 11, 15), 2), r(DEC_1, 7)]
    assert status(readings, 8, date(2026, 12, 31), DEC_1) is Status.ON_TRACK


# --- An objective of both partners -----------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "whole"),
    [
        ([Status.MET, Status.MET], Status.MET),
        ([Status.MET, Status.ON_TRACK], Status.ON_TRACK),
        ([Status.ON_TRACK, Status.NOT_YET], Status.NOT_YET),
        ([Status.MET, Status.NO_DATA], Status.NO_DATA),
        ([], Status.NO_DATA),
    ],
)
def test_an_objective_stands_where_the_partner_furthest_from_it_stands(parts, whole):
    assert overall(parts) is whole


def test_tally_counts_nearest_first_and_leaves_out_none_such():
    counted = tally([Status.NOT_YET, Status.MET, Status.NOT_YET])
    assert list(counted.items()) == [(Status.MET, 1), (Status.NOT_YET, 2)]


def test_standing_of_an_objective_for_each_partner():
    # Alex 15 on 1 Dec (met); Jordan 10 then 12 (on track to 13.5 by 1 Jan, as above).
    measures = CaseMeasures(
        ("a", "b"),
        csi={"a": [r(DEC_1, 15)], "b": [r(NOV_1, 10), r(DEC_1, 12)]},
    )
    objective = Objective("Feel better", "couple", "csi", 13.5, date(2027, 1, 1))
    found = standing(objective, measures, DEC_1)
    assert [(p.who, p.status) for p in found.parts] == [
        ("a", Status.MET),
        ("b", Status.ON_TRACK),
    ]
    assert found.status is Status.ON_TRACK


def test_a_part_the_reader_may_not_see_is_left_out_and_the_whole_untold():
    measures = CaseMeasures(
        ("a", "b"),
        csi={"a": [r(DEC_1, 15)], "b": [r(DEC_1, 9)]},
        shown=frozenset({("a", "csi")}),
    )
    found = standing(Objective("x", "couple", "csi", 13.5), measures, DEC_1)
    assert [p.who for p in found.parts] == ["a"]
    assert found.status is None


def test_a_building_block_rated_by_the_counsellor_is_measured_on_the_session_ratings():
    measures = CaseMeasures(
        ("a", "b"),
        blocks={("counsellor", "trust"): [r(NOV_1, 4), r(DEC_1, 7)], ("a", "trust"): [r(DEC_1, 2)]},
    )
    objective = Objective("Trust", "couple", "block:trust", 7, rater="counsellor")
    found = standing(objective, measures, DEC_1)
    assert [(p.who, p.status) for p in found.parts] == [("counsellor", Status.MET)]


# --- Homework adherence over time ----------------------------------------------------


def test_adherence_readings_worked_by_hand():
    # Daily from 1 Nov; entries on 1, 2, 3, 5, 6 and 7 Nov; today 10 Nov.
    # On 7 Nov: 1–6 Nov ended (6 expected, 5 made) and 7 Nov done (1 of 1): 6 of 7.
    # On 10 Nov: 1–9 Nov ended (9 expected, 6 made), nothing yet today: 6 of 9.
    days = tuple(date(2026, 11, d) for d in (1, 2, 3, 5, 6, 7))
    line = HomeworkLine(HomeworkSchedule("daily", None, NOV_1, None), days)
    assert adherence_readings([line], date(2026, 11, 10)) == [
        r(date(2026, 11, 7), 85.7),
        r(date(2026, 11, 10), 66.7),
    ]


def test_adherence_readings_count_as_the_homework_module_does_on_every_day():
    days = tuple(date(2026, 11, d) for d in (2, 3, 9, 10, 11, 20, 28, 29))
    lines = [
        HomeworkLine(HomeworkSchedule("n-per-week", 3, NOV_1, date(2026, 11, 30)), days),
        HomeworkLine(HomeworkSchedule("weekly", None, date(2026, 11, 4), None), days[2:]),
        HomeworkLine(HomeworkSchedule("once", None, date(2026, 11, 15), None), ()),
    ]
    today = date(2026, 12, 3)
    readings = {x.on: x.value for x in adherence_readings(lines, today)}
    assert set(readings) == set(reading_days(NOV_1, today))
    for day, value in readings.items():
        made = expected = 0
        for line in lines:
            counted = line.schedule.adherence([d for d in line.days if d <= day], day)
            made, expected = made + counted.made, expected + counted.expected
        assert value == round(100 * made / expected, 1), day


def test_reading_days_are_each_weeks_end_and_today():
    assert reading_days(NOV_1, date(2026, 11, 16)) == [
        date(2026, 11, 7),
        date(2026, 11, 14),
        date(2026, 11, 16),
    ]
    assert reading_days(DEC_1, NOV_1) == []


# --- When the plan is next reviewed --------------------------------------------------


def moment(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


TODAY = date(2026, 11, 24)
FIFTH = date(2026, 11, 10)


def test_a_plan_in_force_at_the_fifth_session_is_due_for_review_until_reviewed():
    upcoming = next_review(
        signed_at=moment(NOV_1),
        review_by=date(2026, 12, 20),
        first_signed_on=NOV_1,
        reviews=[],
        fifth_session_on=FIFTH,
        today=TODAY,
    )
    assert (upcoming.on, upcoming.why, upcoming.due) == (FIFTH, "five-session", True)


def test_after_a_review_its_next_date_decides():
    upcoming = next_review(
        signed_at=moment(NOV_1),
        review_by=date(2026, 11, 20),
        first_signed_on=NOV_1,
        reviews=[ReviewHeld(moment(FIFTH, 18), FIFTH, date(2026, 12, 8))],
        fifth_session_on=FIFTH,
        today=TODAY,
    )
    assert (upcoming.on, upcoming.why, upcoming.due) == (date(2026, 12, 8), "review", False)


def test_a_revision_signed_after_the_review_sets_its_own_date():
    upcoming = next_review(
        signed_at=moment(FIFTH, 19),
        review_by=date(2026, 11, 20),
        first_signed_on=NOV_1,
        reviews=[ReviewHeld(moment(FIFTH, 18), FIFTH, date(2026, 12, 8))],
        fifth_session_on=FIFTH,
        today=TODAY,
    )
    assert (upcoming.on, upcoming.why, upcoming.due) == (date(2026, 11, 20), "plan", True)


def test_a_plan_first_signed_after_the_fifth_session_waits_for_its_own_date():
    upcoming = next_review(
        signed_at=moment(date(2026, 11, 15)),
        review_by=None,
        first_signed_on=date(2026, 11, 15),
        reviews=[],
        fifth_session_on=FIFTH,
        today=TODAY,
    )
    assert (upcoming.on, upcoming.due) == (None, False)


# --- The plan's content --------------------------------------------------------------


def test_content_reads_back_as_it_was_written():
    content = PlanContent(
        problems=(Problem("We argue about the weekends", "couple"), Problem("I go quiet", "b")),
        goals=(
            Goal(
                "Feel like a team",
                "couple",
                (
                    Objective("Both satisfied", "couple", "csi", 13.5, date(2027, 1, 15)),
                    Objective("Trust", "a", "block:trust", 7, None, "counsellor"),
                ),
            ),
        ),
        interventions=(Intervention(step=3, note="Slow the cycle"), Intervention(strategy="x")),
    )
    assert PlanContent.from_json(content.to_json()) == content


def test_what_keeps_a_plan_from_being_signed():
    assert signing_problems(PlanContent(), {"a", "b"}) == [
        "Write at least one problem, in the couple's own words.",
        "Write at least one goal.",
    ]
    content = PlanContent(
        problems=(Problem("p", "b"),),
        goals=(Goal("g", "a", (Objective("o", "b", "csi", 14),)), Goal("h", "couple")),
    )
    assert signing_problems(content, {"a", "b"}) == [
        "Goal 1 is one partner's own: its objectives are that partner's too.",
        "Goal 2 needs at least one measurable objective.",
    ]
    assert "a partner this case does not have" in " ".join(signing_problems(content, {"a"}))


@pytest.mark.parametrize(
    ("measure", "target", "problem"),
    [
        ("csi", 13.5, None),
        ("csi", 22, "This measure runs from 0 to 21."),
        ("block:trust", 11, "This measure runs from 0 to 10."),
        ("adherence", 80, None),
        ("adherence", 120, "This measure runs from 0% to 100%."),
        ("csi", None, "Give the target the measure should reach."),
    ],
)
def test_targets_within_their_measures_range(measure, target, problem):
    assert target_problem(measure, target) == problem
