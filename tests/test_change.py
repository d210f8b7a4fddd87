"""Reliable change of the CSI-4, by hand: the figures, each class, drifting apart, and
the dashboard's rule. Plain functions; no database."""

import math

import pytest

from practice.progress.change import (
    CRITICAL,
    RELIABILITY,
    RELIABLE_POINTS,
    S_DIFF,
    STANDARD_DEVIATION,
    Change,
    classify,
    course,
    difference_error,
    drifting_apart,
    fell_below_line,
    is_reliable,
    reliable_change_index,
    smallest_reliable_change,
    standard_error,
)


def test_the_figures_worked_by_hand():
    """SE = 4.5 × √(1 − .94) = 4.5 × 0.24495 = 1.1023; S_diff = √(2 × 1.1023²) = 1.5588;
    1.96 × 1.5588 = 3.0553 points: 3 whole points is not reliable, 4 is."""
    assert (STANDARD_DEVIATION, RELIABILITY, CRITICAL) == (4.5, 0.94, 1.96)
    assert round(standard_error(), 4) == 1.1023
    assert round(S_DIFF, 4) == 1.5588
    assert round(RELIABLE_POINTS, 2) == 3.06
    assert smallest_reliable_change() == 4
    # 3 / 1.5588 = 1.92, not beyond 1.96; 4 / 1.5588 = 2.57, beyond it.
    assert round(reliable_change_index(10, 13), 2) == 1.92
    assert round(reliable_change_index(10, 14), 2) == 2.57
    assert round(reliable_change_index(14, 10), 2) == -2.57


def test_the_formula_with_other_figures():
    """SD 10, r .75: SE = 10 × 0.5 = 5; S_diff = √50 = 7.07; 14 points: RCI 1.98."""
    se = standard_error(10, 0.75)
    assert se == pytest.approx(5.0)
    s_diff = difference_error(se)
    assert s_diff == pytest.approx(math.sqrt(50))
    assert reliable_change_index(40, 54, s_diff) == pytest.approx(14 / math.sqrt(50))
    assert is_reliable(reliable_change_index(40, 54, s_diff))
    assert not is_reliable(reliable_change_index(40, 53, s_diff))
    # 1.96 × 7.071 = 13.86: 14 whole points is the smallest reliable change.
    assert smallest_reliable_change(s_diff) == 14


def test_exactly_at_the_threshold_is_not_reliable():
    """|RCI| must be beyond 1.96: 3.92 / 2 is 1.96 exactly, and is not."""
    assert reliable_change_index(0, 3.92, 2.0) == 1.96
    assert not is_reliable(1.96)
    assert not is_reliable(-1.96)
    assert is_reliable(1.9600001)
    assert is_reliable(-1.9600001)
    assert classify(10, 13.92, s_diff=2.0) is Change.UNCHANGED
    assert classify(10, 6.08, s_diff=2.0) is Change.UNCHANGED
    # When 1.96 × S_diff is a whole number (4), 4 points is on the line: 5 is the smallest.
    assert smallest_reliable_change(4 / 1.96) == 5


@pytest.mark.parametrize(
    ("baseline", "latest", "expected"),
    [
        (8, 15, Change.RECOVERED),  # +7, from below 13.5 to above
        (10, 14, Change.RECOVERED),  # +4, the smallest reliable rise, crossing
        (13, 17, Change.RECOVERED),  # 13 is below the line, 17 above
        (13, 16, Change.UNCHANGED),  # crosses the line, but +3 is inside the error
        (4, 12, Change.IMPROVED),  # +8, still below the line
        (14, 20, Change.IMPROVED),  # +6, above the line from the start
        (9, 13, Change.IMPROVED),  # +4 to 13: still below 13.5
        (12, 15, Change.UNCHANGED),  # +3
        (16, 16, Change.UNCHANGED),
        (16, 13, Change.UNCHANGED),  # -3: below the line now, but not a reliable fall
        (21, 17, Change.DETERIORATED),  # -4, still above the line
        (18, 10, Change.DETERIORATED),  # -8, across the line
        (6, 0, Change.DETERIORATED),  # -6, below the line throughout
        (0, 21, Change.RECOVERED),  # the whole range
    ],
)
def test_each_partners_change_is_classed_by_the_rule(baseline, latest, expected):
    assert classify(baseline, latest) is expected


def test_no_class_without_a_baseline_and_a_later_check_in():
    assert classify(None, 14) is None
    assert classify(14, None) is None
    assert classify(None, None) is None
    assert course([]).change is None
    assert course([12]).change is None
    assert course([12]).baseline == 12
    assert course([12]).latest is None
    assert course([12]).points is None


@pytest.mark.parametrize(
    ("changes", "apart"),
    [
        ((Change.IMPROVED, Change.DETERIORATED), True),
        ((Change.DETERIORATED, Change.RECOVERED), True),
        ((Change.IMPROVED, Change.UNCHANGED), False),
        ((Change.DETERIORATED, Change.DETERIORATED), False),  # both worse: not apart
        ((Change.RECOVERED, Change.IMPROVED), False),
        ((Change.IMPROVED, None), False),  # the other partner has nothing to compare yet
        ((Change.DETERIORATED, None), False),
        ((Change.IMPROVED,), False),  # one partner only on record
        ((Change.DETERIORATED,), False),  # a one-person case
        ((), False),
    ],
)
def test_drifting_apart_needs_one_partner_better_and_the_other_worse(changes, apart):
    assert drifting_apart(changes) is apart


@pytest.mark.parametrize(
    ("totals", "fell"),
    [
        ((15, 13), True),  # from the first, across the line
        ((10, 18, 12), True),  # the one before the latest was above: a fall since last time
        ((16, 12, 12), True),  # still below a first total that was above
        ((12, 10), False),  # below from the start
        ((13, 12, 13), False),  # never at or above 13.5
        ((14,), False),  # one check-in
        ((13,), False),
        ((), False),
        ((15, 14), False),  # still above
        ((13, 13.5), False),  # 13.5 is on the line, not below it
    ],
)
def test_falling_below_the_line(totals, fell):
    assert fell_below_line(totals) is fell


@pytest.mark.parametrize(
    ("totals", "look", "good"),
    [
        ((21, 17), True, False),  # a reliable fall
        ((15, 13), True, False),  # fell below 13.5, inside the error
        ((10, 18, 12), True, False),  # vs first: +2, no class; fell below since last time
        ((5, 16, 12), True, False),  # a reliable rise from the first, but fell below: a look
        ((10, 14), False, True),  # recovered
        ((14, 18), False, True),  # improved
        ((12, 13), False, False),  # no news either way
        ((12,), False, False),  # one check-in
    ],
)
def test_what_needs_a_look_and_what_is_good_news(totals, look, good):
    c = course(totals)
    assert c.needs_a_look is look
    assert c.good_news is good


def test_a_course_reads_the_first_and_the_latest():
    c = course((8, 11, 9, 15))
    assert (c.baseline, c.latest, c.points) == (8, 15, 7)
    assert c.change is Change.RECOVERED
    assert round(c.index, 2) == round(7 / S_DIFF, 2) == 4.49
