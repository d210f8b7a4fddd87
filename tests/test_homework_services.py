"""The homework and check-in services over plain values: the rules hold whoever calls
them (a view, the demo practice, the benchmark's generator), and each refusal says why."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from practice.admin.models import PracticeSettings
from practice.catalogue.models import Exercise
from practice.dates import practice_today
from practice.extensions import db
from practice.homework.models import Assignment, ForWhom
from practice.homework.services import (
    CONJOINT_UNSCREENED,
    EntryProblem,
    NotGiven,
    Terms,
    change_assignment,
    entry_columns,
    new_assignment,
    new_entry,
    progress_for,
    schedule_kept,
    withdraw,
)
from practice.progress.csi import CSIError
from practice.progress.data import progress_for_case
from practice.progress.services import check_in_columns, new_check_in
from tests.factories import count

TOGETHER = "problems-shared-map"
EACH = "i-statement-rewrites"
DAY = date(2026, 11, 24)


def exercise(slug: str) -> Exercise:
    return db.session.scalar(sa.select(Exercise).where(Exercise.slug == slug))


def terms(for_whom: str, **change) -> Terms:
    return Terms(for_whom=ForWhom(for_whom), cadence="daily", starts_on=practice_today(), **change)


def test_terms_keep_times_a_week_only_for_that_cadence():
    daily = Terms(ForWhom.EACH, "daily", DAY, per_week=3, counsellor_note="  Why. ")
    weekly = Terms(ForWhom.EACH, "n-per-week", DAY, per_week=3)
    assert daily.columns()["per_week"] is None
    assert daily.columns()["counsellor_note"] == "Why."
    assert weekly.columns()["per_week"] == 3


def test_together_work_needs_a_screened_case(make_case, counsellor):
    unscreened = make_case(counsellor, screening=None)
    with pytest.raises(NotGiven) as refused:
        new_assignment(unscreened, exercise(TOGETHER), terms("together"), counsellor)
    assert refused.value.problems == [CONJOINT_UNSCREENED]
    assert count(Assignment) == 0


def test_together_work_is_not_given_to_one_partner(case, counsellor):
    with pytest.raises(NotGiven) as refused:
        new_assignment(case, exercise(TOGETHER), terms("a"), counsellor)
    assert refused.value.problems == ["This exercise is done together; give it to both partners."]


def test_together_work_waits_while_joint_work_is_paused(make_case, counsellor):
    held = make_case(counsellor, screening="concerns")
    with pytest.raises(NotGiven) as refused:
        new_assignment(held, exercise(TOGETHER), terms("together"), counsellor)
    assert "held" in refused.value.problems[0] or "paused" in refused.value.problems[0]


def test_homework_given_and_changed_on_plain_terms(case, counsellor):
    given = new_assignment(
        case, exercise(EACH), terms("each", counsellor_note="For the evenings."), counsellor
    )
    db.session.flush()
    assert (given.for_whom, given.cadence, given.counsellor_note) == (
        ForWhom.EACH,
        "daily",
        "For the evenings.",
    )
    due = practice_today() + timedelta(days=14)
    change_assignment(given, case, terms("a", due_on=due))
    assert (given.for_whom, given.due_on) == (ForWhom.A, due)


def test_a_change_that_breaks_the_rules_changes_nothing(case, counsellor, make_assignment):
    given = make_assignment(case, TOGETHER, "together")
    with pytest.raises(NotGiven):
        change_assignment(given, case, terms("b"))
    assert given.for_whom is ForWhom.TOGETHER


ANSWER = [{"prompt": "How did it go?", "answer": "  Better than last week.  "}]


def test_an_entry_keeps_trimmed_answers_and_checked_ratings(case, alex, make_assignment):
    given = make_assignment(case, EACH)
    entry = new_entry(
        given, alex, done_on=practice_today(), answers=ANSWER, helpful=4, difficulty=2
    )
    assert entry.answers == [{"prompt": "How did it go?", "answer": "Better than last week."}]
    assert entry.shared is False


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"helpful": 0}, "helpful is rated 1 to 5"),
        ({"difficulty": 6}, "difficulty is rated 1 to 5"),
        ({"answers": [{"prompt": "How did it go?", "answer": "   "}]}, "at least one"),
    ],
)
def test_an_entry_out_of_range_or_empty_is_refused(change, says):
    given = {"done_on": DAY, "answers": ANSWER, "helpful": 3, "difficulty": 3}
    with pytest.raises(EntryProblem, match=says):
        entry_columns(**given | change)


def test_a_check_in_is_scored_by_the_service(case, alex):
    check_in = new_check_in(
        case,
        alex.id,
        answers=[4, 3, 3, 4],
        blocks={"trust": 6},
        by=alex.user,
        completed_at=practice_today(),
    )
    assert check_in.csi_total == 14
    assert check_in.blocks == {"trust": 6}


@pytest.mark.parametrize(
    ("answers", "blocks"),
    [([7, 3, 3, 3], {}), ([3, 3, 3], {}), ([3, 3, 3, 3], {"trust": 11}), ([3, 3, 3, 3], {"x": 1})],
)
def test_a_check_in_out_of_range_is_refused(answers, blocks):
    with pytest.raises(CSIError):
        check_in_columns(answers, blocks)


@pytest.fixture
def chicago(app):
    """The practice's settings, six hours behind UTC in winter."""
    db.session.add(PracticeSettings(name="Riverside", timezone="America/Chicago"))
    db.session.commit()


def test_withdrawn_homework_ends_on_the_practices_day_on_every_page(chicago, case, counsellor):
    """Withdrawn in the evening in Chicago (already the next day in UTC): the homework page
    and the progress page both stop expecting entries on the practice's own day."""
    started = Terms(ForWhom.A, "daily", date(2026, 11, 20))
    given = new_assignment(case, exercise(EACH), started, counsellor)
    withdraw(given)
    given.withdrawn_at = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)  # 21:00 on the 23rd there
    db.session.commit()

    assert schedule_kept(given).end == date(2026, 11, 23)
    later = date(2026, 11, 26)
    [alex] = progress_for(given, case, {}, later)
    assert alex.adherence.expected == 4  # the 20th to the 23rd
    assert sum(i.expected for i in progress_for_case(case, later).intervals) == 4
