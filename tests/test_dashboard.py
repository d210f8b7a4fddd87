"""The dashboard's homework lists: who has fallen behind, and what came in lately.

(The rest of the dashboard, unsigned notes, CSI-4 flags and reviews due, is in
tests/test_progress.py.)
"""

from datetime import timedelta

import pytest

from practice.dates import practice_today
from practice.extensions import db
from practice.homework.models import AssignmentStatus
from practice.main.dashboard import SHOW, attention


@pytest.fixture
def today():
    return practice_today()


def behind(counsellor, today) -> list[tuple[str, str, str]]:
    """(case, who, assignment id) for each line of "homework behind"."""
    found = attention(counsellor, today)
    return sorted((o.assignment.case.label, o.who, o.assignment.id) for o in found.overdue)


def test_a_partner_who_skipped_yesterday_is_behind_and_one_who_did_it_is_not(
    counsellor, case, alex, jordan, make_assignment, make_entry, today
):
    log = make_assignment(
        case, "appreciation-noticing-log", "each", cadence="daily", starts_on=today - timedelta(9)
    )
    make_entry(log, alex, done_on=today - timedelta(days=1))
    assert behind(counsellor, today) == [(case.label, "Jordan", log.id)]
    make_entry(log, jordan, done_on=today - timedelta(days=1))
    assert behind(counsellor, today) == []


def test_homework_done_together_counts_whichever_partner_records_it(
    counsellor, case, jordan, make_assignment, make_entry, today
):
    night = make_assignment(
        case, "rituals-date-night", "together", cadence="weekly", starts_on=today - timedelta(15)
    )
    assert behind(counsellor, today) == [(case.label, "Together", night.id)]
    make_entry(night, jordan, done_on=today - timedelta(days=3))
    assert behind(counsellor, today) == []


def test_homework_for_one_partner_only_asks_it_of_them(counsellor, case, make_assignment, today):
    log = make_assignment(
        case, "appreciation-noticing-log", "a", cadence="daily", starts_on=today - timedelta(5)
    )
    assert behind(counsellor, today) == [(case.label, "Alex", log.id)]


def test_withdrawn_and_long_finished_homework_is_not_chased(
    counsellor, case, make_assignment, today
):
    withdrawn = make_assignment(
        case, "appreciation-noticing-log", "each", cadence="daily", starts_on=today - timedelta(9)
    )
    withdrawn.status = AssignmentStatus.WITHDRAWN
    make_assignment(
        case,
        "i-statement-rewrites",
        "each",
        cadence="daily",
        starts_on=today - timedelta(90),
        due_on=today - timedelta(60),
    )
    db.session.commit()
    assert behind(counsellor, today) == []


def test_the_count_is_exact_and_the_list_shows_the_latest_few(
    counsellor, make_case, make_assignment, today
):
    for n in range(SHOW + 2):
        case = make_case(counsellor, (f"Ari {n:02d}", f"Bo {n:02d}"), portal=False)
        make_assignment(
            case,
            "i-statement-rewrites",
            "a",
            cadence="once",
            starts_on=today - timedelta(days=20),
            due_on=today - timedelta(days=n + 1),
        )
    found = attention(counsellor, today)
    assert found.overdue_count == SHOW + 2
    assert len(found.overdue) == SHOW
    assert [o.period_end for o in found.overdue] == [
        today - timedelta(days=n + 1) for n in range(SHOW)
    ]


def test_new_entries_are_counted_exactly_and_the_newest_listed(
    client, auth, counsellor, case, alex, jordan, make_assignment, make_entry, today
):
    log = make_assignment(case, "appreciation-noticing-log", "each", cadence="daily")
    old = make_entry(log, alex, done_on=today - timedelta(days=20), answer="An old one")
    for day in range(SHOW + 3):
        make_entry(log, jordan if day % 2 else alex, done_on=today - timedelta(days=day % 7))
    found = attention(counsellor, today)
    assert found.new_entry_count == SHOW + 3
    assert len(found.new_entries) == SHOW
    assert old not in found.new_entries
    created = [e.created_at for e in found.new_entries]
    assert created == sorted(created, reverse=True)
    auth.login(counsellor)
    page = client.get("/dashboard").data.decode()
    newest = found.new_entries[0]
    assert f"/cases/{case.id}/homework/entries/{newest.id}" in page
    assert "homework behind" in page
