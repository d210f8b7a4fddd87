"""Giving homework: a counsellor finds an exercise, assigns it, changes it, reads the entries."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from practice.audit.models import AuditEvent
from practice.auth.models import Role
from practice.catalogue.models import Exercise, ExerciseVersion, Origin
from practice.dates import practice_today
from practice.extensions import db
from practice.homework.models import Assignment, AssignmentStatus, ForWhom, HomeworkEntry
from tests.test_catalogue_pages import EXERCISE

NOTE = "Try this gently, after the children are asleep."


@pytest.fixture
def as_counsellor(auth, counsellor):
    auth.login(counsellor)
    return counsellor


def assign_data(**change) -> dict:
    """A valid assignment form: each partner, 3 times a week, from today."""
    data = {
        "form_token": "t-" + "0" * 30,
        "for_whom": "each",
        "cadence": "n-per-week",
        "per_week": "3",
        "starts_on": practice_today().isoformat(),
        "due_on": (practice_today() + timedelta(weeks=3)).isoformat(),
        "counsellor_note": NOTE,
    }
    data |= change
    for key in ("starts_on", "due_on"):
        if isinstance(data[key], int):  # days from today
            data[key] = (practice_today() + timedelta(days=data[key])).isoformat()
    return {key: value for key, value in data.items() if value is not None}


def assignments() -> list[Assignment]:
    return list(db.session.scalars(sa.select(Assignment).order_by(Assignment.id)))


def exercise(slug: str) -> Exercise:
    return db.session.scalar(sa.select(Exercise).where(Exercise.slug == slug))


# --- Finding an exercise -----------------------------------------------------


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("date night", "rituals-date-night"),
        ("I-statements", "i-statement-real-moment"),
        ("i statements", "i-statement-exchange"),
    ],
)
def test_search_finds_exercises_to_choose(client, as_counsellor, case, query, slug):
    response = client.get(f"/cases/{case.id}/homework/new", query_string={"q": query})
    page = response.data.decode()
    assert response.status_code == 200
    assert f'href="/cases/{case.id}/homework/new/{slug}"' in page
    assert "Choose" in page
    assert exercise(slug).title in page


def test_searching_a_strategy_by_name_offers_all_its_exercises(client, as_counsellor, case):
    page = client.get(f"/cases/{case.id}/homework/new?q=I-statements").data.decode()
    links = [
        page.index(f'href="/cases/{case.id}/homework/new/{slug}"')
        for slug in ("i-statement-real-moment", "i-statement-exchange", "i-statement-rewrites")
    ]
    # "Rewrite three complaints" has no word of the query, so it comes after those that do.
    assert links[2] > max(links[:2])


def test_without_a_query_the_page_suggests_rather_than_searches(client, as_counsellor, case):
    page = client.get(f"/cases/{case.id}/homework/new").data.decode()
    assert "Find an exercise" in page
    assert "No exercise matches" not in page
    # What it offers are suggestions (tests/test_assign_from_catalogue.py), each saying why.
    assert "Suggested for" in page
    assert "fits stage 1" in page


def test_together_exercises_cannot_be_chosen_when_safety_concerns(client, as_counsellor, make_case):
    case = make_case(as_counsellor, screening="concerns")
    page = client.get(f"/cases/{case.id}/homework/new?q=date+night").data.decode()
    assert "/homework/new/rituals-date-night" not in page
    assert "Done together" in page
    assert "Work together is paused" in page
    # Exercises each partner does alone stay choosable...
    page = client.get(f"/cases/{case.id}/homework/new?q=I-statements").data.decode()
    assert f"/cases/{case.id}/homework/new/i-statement-rewrites" in page
    assert f"/cases/{case.id}/homework/new/i-statement-exchange" not in page
    assert exercise("i-statement-exchange").title in page
    # ...unless they ask one partner to involve the other ("say it to your partner").
    assert f"/cases/{case.id}/homework/new/i-statement-real-moment" not in page
    assert exercise("i-statement-real-moment").title in page
    assert "Involves their partner" in page


def test_the_assign_form_suggests_the_exercise_defaults(client, as_counsellor, case):
    response = client.get(f"/cases/{case.id}/homework/new/connection-ten-minutes")
    page = response.data.decode()
    assert response.status_code == 200
    assert re.search(r'<input checked[^>]* value="together">', page)
    assert not re.search(r'<input checked[^>]* value="each">', page)
    assert '<option selected value="daily">' in page
    assert f'value="{practice_today().isoformat()}"' in page
    assert client.get(f"/cases/{case.id}/homework/new/no-such-exercise").status_code == 404


# --- Assigning ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "for_whom", "cadence", "per_week"),
    [
        ("i-statement-rewrites", "each", "n-per-week", "3"),
        ("connection-ten-minutes", "together", "daily", None),
        ("appreciation-noticing-log", "a", "daily", None),
        ("self-care-protected-hour", "b", "weekly", None),
    ],
)
def test_assigning_creates_one_assignment(
    client, as_counsellor, case, slug, for_whom, cadence, per_week
):
    data = assign_data(for_whom=for_whom, cadence=cadence, per_week=per_week or "")
    response = client.post(f"/cases/{case.id}/homework/new/{slug}", data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cases/{case.id}"
    [assignment] = assignments()
    given = exercise(slug)
    assert assignment.case_id == case.id
    assert assignment.exercise_version_id == given.current_version.id
    assert assignment.for_whom is ForWhom(for_whom)
    assert assignment.cadence == cadence
    assert assignment.per_week == (int(per_week) if per_week else None)
    assert assignment.starts_on == practice_today()
    assert assignment.due_on == practice_today() + timedelta(weeks=3)
    assert assignment.counsellor_note == NOTE
    assert assignment.status is AssignmentStatus.ACTIVE
    assert assignment.created_by_id == as_counsellor.id
    # The case page lists it, and its own page shows the counsellor's words.
    assert given.title in client.get(f"/cases/{case.id}").data.decode()
    page = client.get(f"/cases/{case.id}/homework/{assignment.id}").data.decode()
    assert NOTE in page
    assert given.title in page
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "assignment.create"))
    assert event.object_id == assignment.id
    assert event.actor_id == as_counsellor.id
    assert event.case_id == case.id


def test_three_steps_from_the_case_page(client, as_counsellor, case):
    case_page = client.get(f"/cases/{case.id}").data.decode()
    assert f'href="/cases/{case.id}/homework/new"' in case_page
    search = client.get(f"/cases/{case.id}/homework/new?q=I-statements").data.decode()
    form_url = f"/cases/{case.id}/homework/new/i-statement-real-moment"
    assert f'href="{form_url}"' in search
    form = client.get(form_url).data.decode()
    assert 'name="form_token"' in form
    assert client.post(form_url, data=assign_data()).status_code == 302
    assert len(assignments()) == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"starts_on": 10, "due_on": 5}, "The due date is before the start date."),
        ({"due_on": -3}, "The due date has already passed; choose today or later."),
        ({"per_week": ""}, "Say how many times a week (2 to 6)."),
        ({"per_week": "0"}, "Between 2 and 6 times a week"),
        ({"per_week": "7"}, "Between 2 and 6 times a week"),
        ({"per_week": "lots"}, "Not a valid integer value."),
        ({"starts_on": -40}, "Homework can start at most a month in the past."),
        ({"starts_on": 400}, "That start is more than a year away; please check it."),
        ({"starts_on": ""}, "Enter a start date."),
        ({"starts_on": "31/02/2026"}, "Not a valid date value."),
        ({"for_whom": "nobody"}, "Not a valid choice"),
        ({"for_whom": ""}, "Say who it is for."),
        ({"cadence": "hourly"}, "Not a valid choice"),
        ({"counsellor_note": "x" * 5001}, "Field cannot be longer than 5000 characters."),
    ],
    ids=[
        "due-before-start",
        "due-in-past",
        "n-per-week-without-number",
        "per-week-0",
        "per-week-7",
        "per-week-text",
        "start-over-a-month-ago",
        "start-over-a-year-ahead",
        "no-start",
        "impossible-date",
        "for-nobody",
        "for-no-one-chosen",
        "unknown-cadence",
        "note-too-long",
    ],
)
def test_bad_assignment_input_is_400_and_kept(client, as_counsellor, case, change, message):
    response = client.post(
        f"/cases/{case.id}/homework/new/i-statement-rewrites", data=assign_data(**change)
    )
    page = response.data.decode()
    assert response.status_code == 400
    assert message in page
    assert 'class="invalid-feedback d-block"' in page
    if "counsellor_note" not in change:
        assert NOTE in page
    assert assignments() == []


def test_a_partner_not_in_the_case_cannot_be_given_homework(client, as_counsellor, make_case):
    case = make_case(as_counsellor, ("Lee Park",))
    url = f"/cases/{case.id}/homework/new/appreciation-noticing-log"
    form = client.get(url).data.decode()
    assert 'value="b"' not in form
    assert 'value="each"' not in form
    for for_whom in ("b", "each", "together"):
        response = client.post(url, data=assign_data(for_whom=for_whom, cadence="daily"))
        assert response.status_code == 400
        assert "Not a valid choice" in response.data.decode()
        assert NOTE in response.data.decode()
    assert assignments() == []
    # Lee alone is fine.
    assert client.post(url, data=assign_data(for_whom="a", cadence="daily")).status_code == 302
    assert [a.for_whom for a in assignments()] == [ForWhom.A]


@pytest.mark.parametrize(
    ("screening", "message"),
    [
        ("concerns", "Work together is paused"),
        (None, "Record a safety screening for this case before assigning"),
    ],
)
@pytest.mark.parametrize(
    ("slug", "for_whom", "cadence"),
    [
        ("connection-ten-minutes", "together", "daily"),
        # A together exercise given to "each" is still done together.
        ("rituals-date-night", "each", "weekly"),
        # Any exercise given to both together.
        ("appreciation-noticing-log", "together", "daily"),
    ],
)
def test_together_work_needs_a_clear_screening(
    client, as_counsellor, make_case, screening, message, slug, for_whom, cadence
):
    case = make_case(as_counsellor, screening=screening)
    url = f"/cases/{case.id}/homework/new/{slug}"
    response = client.post(url, data=assign_data(for_whom=for_whom, cadence=cadence))
    page = response.data.decode()
    assert response.status_code == 400
    assert message in page
    assert 'id="for_whom-error"' in page
    assert NOTE in page
    assert assignments() == []


def test_solo_work_is_allowed_despite_safety_concerns(client, as_counsellor, make_case):
    case = make_case(as_counsellor, screening="concerns")
    url = f"/cases/{case.id}/homework/new/i-statement-rewrites"
    assert client.post(url, data=assign_data(for_whom="each", cadence="daily")).status_code == 302
    assert len(assignments()) == 1


@pytest.mark.parametrize("for_whom", ["each", "a"])
@pytest.mark.parametrize(
    ("screening", "message"),
    [
        ("concerns", "Work together is paused"),
        ("concerns-plan", None),  # concerns recorded, work together goes on
        ("no-concerns", None),
    ],
)
def test_work_that_involves_the_partner_is_held_like_work_together(
    client, as_counsellor, make_case, screening, message, for_whom
):
    """Thanking the partner out loud is asked of each partner alone, yet involves the other:
    while work together is held it is refused beside the field, and nothing typed is lost."""
    case = make_case(as_counsellor, screening=screening)
    url = f"/cases/{case.id}/homework/new/appreciation-noticing-log"
    response = client.post(url, data=assign_data(for_whom=for_whom, cadence="daily"))
    if message is None:
        assert response.status_code == 302
        assert len(assignments()) == 1
        return
    page = response.data.decode()
    assert response.status_code == 400
    assert 'id="for_whom-error"' in page
    assert "This exercise asks them to involve their partner. " + message in page
    assert NOTE in page
    assert assignments() == []


def test_a_together_exercise_cannot_go_to_one_partner(client, as_counsellor, case):
    url = f"/cases/{case.id}/homework/new/connection-ten-minutes"
    response = client.post(url, data=assign_data(for_whom="a", cadence="daily"))
    assert response.status_code == 400
    assert "This exercise is done together; give it to both partners." in response.data.decode()
    assert assignments() == []


ONE_PARTNER_EXERCISE = "betrayal-accountability-account"  # "A full account"
ONE_PARTNER_ONLY = (
    "This exercise is written for one partner, not both: choose which of them does it."
)


def for_whom_options(page: str) -> dict[str, bool]:
    """{value: checked} of the form's "Who does it" radio buttons."""
    return {
        re.search(r'value="([^"]*)"', tag).group(1): " checked" in tag
        for tag in re.findall(r'<input[^>]*name="for_whom"[^>]*>', page)
    }


def test_one_partner_work_offers_each_partner_and_chooses_neither(client, as_counsellor, case):
    page = client.get(f"/cases/{case.id}/homework/new/{ONE_PARTNER_EXERCISE}").data.decode()
    assert for_whom_options(page) == {"a": False, "b": False}
    assert "Written for one partner: choose which of them does it." in page
    assert "Your words for this partner" in page
    assert "What the partner will read" in page
    assert "One partner" in page
    # Work for each partner still starts as "each".
    page = client.get(f"/cases/{case.id}/homework/new/i-statement-rewrites").data.decode()
    assert for_whom_options(page) == {"a": False, "b": False, "each": True, "together": False}


def test_one_partner_work_in_individual_counselling_starts_with_that_partner(
    client, as_counsellor, make_case
):
    case = make_case(as_counsellor, ("Lee Park",))
    page = client.get(f"/cases/{case.id}/homework/new/{ONE_PARTNER_EXERCISE}").data.decode()
    assert for_whom_options(page) == {"a": True}


@pytest.mark.parametrize(
    ("for_whom", "message"),
    [
        ("each", ONE_PARTNER_ONLY),
        ("together", ONE_PARTNER_ONLY),
        ("", "Say who it is for."),
    ],
    ids=["each", "together", "nobody-chosen"],
)
def test_one_partner_work_needs_one_partner_chosen(client, as_counsellor, case, for_whom, message):
    url = f"/cases/{case.id}/homework/new/{ONE_PARTNER_EXERCISE}"
    response = client.post(url, data=assign_data(for_whom=for_whom, cadence="once"))
    page = response.data.decode()
    assert response.status_code == 400
    error = re.search(r'<div id="for_whom-error"[^>]*>([^<]*)</div>', page).group(1)
    assert error == message
    assert NOTE in page
    assert practice_today().isoformat() in page
    assert assignments() == []


@pytest.mark.parametrize("for_whom", ["a", "b"])
def test_one_partner_work_goes_to_the_partner_chosen(client, as_counsellor, make_case, for_whom):
    # A partner's own work is allowed whatever the screening says.
    case = make_case(as_counsellor, screening="concerns")
    url = f"/cases/{case.id}/homework/new/{ONE_PARTNER_EXERCISE}"
    response = client.post(
        url, data=assign_data(for_whom=for_whom, cadence="once"), follow_redirects=True
    )
    assert response.status_code == 200
    [assignment] = assignments()
    assert assignment.for_whom is ForWhom(for_whom)
    name = case.partner(for_whom).first_name
    assert f"{name} sees it in their portal." in response.data.decode()


def test_changing_one_partner_work_keeps_it_with_one_partner(
    client, as_counsellor, case, make_assignment
):
    assignment = make_assignment(case, ONE_PARTNER_EXERCISE, "a")
    url = f"/cases/{case.id}/homework/{assignment.id}/edit"
    assert for_whom_options(client.get(url).data.decode()) == {"a": True, "b": False}
    response = client.post(url, data=assign_data(for_whom="each", cadence="once"))
    assert response.status_code == 400
    assert "written for one partner, not both" in response.data.decode()
    assert client.post(url, data=assign_data(for_whom="b", cadence="once")).status_code == 302
    db.session.refresh(assignment)
    assert assignment.for_whom is ForWhom.B


def test_homework_given_before_an_exercise_was_marked_for_one_partner_keeps_working(
    client, auth, as_counsellor, case
):
    """An assignment keeps the version it was given: one that said "each" may stay with each."""
    current = exercise(ONE_PARTNER_EXERCISE).current_version
    earlier = ExerciseVersion(
        exercise_id=current.exercise_id,
        version=0,
        who="each",
        **{
            name: getattr(current, name)
            for name in ("title", "instructions", "cadence", "per_week", "minutes", "prompts")
        },
        content_hash="earlier",
    )
    db.session.add(earlier)
    db.session.flush()
    assignment = Assignment(
        case_id=case.id,
        exercise_version_id=earlier.id,
        for_whom=ForWhom.EACH,
        cadence="once",
        starts_on=practice_today(),
        created_by_id=as_counsellor.id,
    )
    db.session.add(assignment)
    db.session.commit()
    url = f"/cases/{case.id}/homework/{assignment.id}/edit"
    assert for_whom_options(client.get(url).data.decode())["each"] is True
    assert client.post(url, data=assign_data(for_whom="each", cadence="once")).status_code == 302
    auth.logout()
    for partner in case.partners:
        auth.login(partner.user)
        assert earlier.title in client.get("/portal/").data.decode()
        auth.logout()


def test_markup_and_unicode_in_the_note_are_kept_and_escaped(client, auth, as_counsellor, case):
    note = "<script>alert(1)</script> ünïcødé 🙂\n\nSecond <b>paragraph</b> & more"
    url = f"/cases/{case.id}/homework/new/i-statement-rewrites"
    assert client.post(url, data=assign_data(counsellor_note=note)).status_code == 302
    [assignment] = assignments()
    assert assignment.counsellor_note == note
    page = client.get(f"/cases/{case.id}/homework/{assignment.id}").data.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; ünïcødé 🙂" in page
    assert "Second &lt;b&gt;paragraph&lt;/b&gt; &amp; more" in page
    assert "<script>alert(1)</script>" not in page
    # The partners read it escaped too.
    auth.logout()
    auth.login(case.partners[0].user)
    page = client.get(f"/portal/homework/{assignment.id}").data.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; ünïcødé 🙂" in page
    assert "<script>alert(1)</script>" not in page


def test_markup_in_a_refused_note_is_kept_escaped(client, as_counsellor, case):
    note = "<script>alert(1)</script> ünïcødé 🙂"
    response = client.post(
        f"/cases/{case.id}/homework/new/i-statement-rewrites",
        data=assign_data(counsellor_note=note, per_week="0"),
    )
    page = response.data.decode()
    assert response.status_code == 400
    assert "&lt;script&gt;alert(1)&lt;/script&gt; ünïcødé 🙂" in page
    assert "<script>alert(1)</script>" not in page


def test_a_double_submission_assigns_once(client, as_counsellor, case):
    url = f"/cases/{case.id}/homework/new/i-statement-rewrites"
    first = client.post(url, data=assign_data(form_token="same-token-1234"))
    second = client.post(url, data=assign_data(form_token="same-token-1234"))
    assert first.status_code == second.status_code == 302
    assert len(assignments()) == 1
    creates = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "assignment.create")
    ).all()
    assert len(creates) == 1
    # A fresh form (a new token) is a new assignment.
    assert client.post(url, data=assign_data(form_token="other-token-5678")).status_code == 302
    assert len(assignments()) == 2


# --- Changing and withdrawing ------------------------------------------------


def test_edit_changes_cadence_and_dates(client, as_counsellor, case, make_assignment):
    assignment = make_assignment(case, "i-statement-rewrites", note="Old words")
    url = f"/cases/{case.id}/homework/{assignment.id}/edit"
    form = client.get(url).data.decode()
    assert "Old words" in form
    assert re.search(r'<input checked[^>]* value="each">', form)
    start = practice_today() - timedelta(days=2)
    due = practice_today() + timedelta(days=30)
    data = assign_data(
        cadence="daily",
        per_week="3",
        starts_on=start.isoformat(),
        due_on=due.isoformat(),
        counsellor_note="New words",
    )
    response = client.post(url, data=data)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cases/{case.id}/homework/{assignment.id}"
    db.session.refresh(assignment)
    assert assignment.cadence == "daily"
    assert assignment.per_week is None
    assert (assignment.starts_on, assignment.due_on) == (start, due)
    assert assignment.counsellor_note == "New words"
    assert len(assignments()) == 1
    assert "assignment.change" in db.session.scalars(sa.select(AuditEvent.action)).all()
    page = client.get(response.headers["Location"]).data.decode()
    assert "New words" in page
    assert "daily" in page


def test_bad_edit_is_400_and_changes_nothing(client, as_counsellor, case, make_assignment):
    assignment = make_assignment(case, "i-statement-rewrites", note="Old words")
    response = client.post(
        f"/cases/{case.id}/homework/{assignment.id}/edit",
        data=assign_data(per_week="9", counsellor_note="Half-typed words"),
    )
    assert response.status_code == 400
    assert "Between 2 and 6 times a week" in response.data.decode()
    assert "Half-typed words" in response.data.decode()
    db.session.refresh(assignment)
    assert assignment.per_week == 3
    assert assignment.counsellor_note == "Old words"


def test_long_running_homework_can_still_be_edited(client, as_counsellor, case, make_assignment):
    start = practice_today() - timedelta(days=45)
    assignment = make_assignment(case, "appreciation-noticing-log", starts_on=start)
    response = client.post(
        f"/cases/{case.id}/homework/{assignment.id}/edit",
        data=assign_data(
            cadence="daily", starts_on=start.isoformat(), counsellor_note="Keep going"
        ),
    )
    assert "Homework can start at most a month in the past." not in response.data.decode()
    assert response.status_code == 302
    db.session.refresh(assignment)
    assert assignment.counsellor_note == "Keep going"


def test_withdraw_hides_homework_from_the_portal(
    client, auth, as_counsellor, case, make_assignment
):
    assignment = make_assignment(case, "i-statement-rewrites")
    partner = case.partners[0]
    auth.logout()
    auth.login(partner.user)
    assert f"/portal/homework/{assignment.id}" in client.get("/portal/").data.decode()
    auth.logout()
    auth.login(as_counsellor)
    response = client.post(f"/cases/{case.id}/homework/{assignment.id}/withdraw")
    assert response.status_code == 302
    db.session.refresh(assignment)
    assert assignment.status is AssignmentStatus.WITHDRAWN
    assert assignment.withdrawn_at is not None
    assert "assignment.withdraw" in db.session.scalars(sa.select(AuditEvent.action)).all()
    page = client.get(f"/cases/{case.id}/homework/{assignment.id}").data.decode()
    assert "withdrawn" in page
    assert f"/cases/{case.id}/homework/{assignment.id}/edit" not in page
    # Changing it now only explains why not.
    response = client.get(f"/cases/{case.id}/homework/{assignment.id}/edit")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cases/{case.id}/homework/{assignment.id}"
    follow = client.get(response.headers["Location"]).data.decode()
    assert "This homework was withdrawn and can no longer be changed." in follow
    response = client.post(
        f"/cases/{case.id}/homework/{assignment.id}/edit",
        data=assign_data(counsellor_note="Sneaky change"),
    )
    assert response.status_code == 302
    db.session.refresh(assignment)
    assert assignment.counsellor_note == ""
    # The partner no longer sees it, and cannot record an entry against it.
    auth.logout()
    auth.login(partner.user)
    home = client.get("/portal/").data.decode()
    assert f"/portal/homework/{assignment.id}" not in home
    assert "Nothing to do just now" in home
    response = client.post(
        f"/portal/homework/{assignment.id}",
        data={
            "form_token": "late-entry",
            "answers-0": "Did it anyway",
            "done_on": practice_today().isoformat(),
            "helpful": "3",
            "difficulty": "3",
        },
    )
    assert response.status_code != 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HomeworkEntry)) == 0


def test_withdrawing_twice_is_harmless(client, as_counsellor, case, make_assignment):
    assignment = make_assignment(case)
    client.post(f"/cases/{case.id}/homework/{assignment.id}/withdraw")
    db.session.refresh(assignment)
    first = assignment.withdrawn_at
    assert client.post(f"/cases/{case.id}/homework/{assignment.id}/withdraw").status_code == 302
    db.session.refresh(assignment)
    assert assignment.withdrawn_at == first
    withdrawals = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "assignment.withdraw")
    ).all()
    assert len(withdrawals) == 1


def test_withdraw_is_not_a_get(client, as_counsellor, case, make_assignment):
    assignment = make_assignment(case)
    assert client.get(f"/cases/{case.id}/homework/{assignment.id}/withdraw").status_code == 405
    db.session.refresh(assignment)
    assert assignment.is_active


# --- Versions ----------------------------------------------------------------


def test_homework_keeps_the_version_it_was_given(client, auth, as_counsellor, case):
    assert client.post("/catalogue/exercises/new", data=EXERCISE).status_code == 302
    own = db.session.scalar(sa.select(Exercise).where(Exercise.origin == Origin.PRACTICE))
    response = client.post(f"/cases/{case.id}/homework/new/{own.slug}", data=assign_data())
    assert response.status_code == 302
    [assignment] = assignments()
    assert assignment.exercise.version == 1
    changed = "From now on, rewrite two complaints a day, out loud."
    client.post(f"/catalogue/exercises/{own.slug}/edit", data={**EXERCISE, "instructions": changed})
    db.session.refresh(own)
    assert own.version == 2
    assert changed in client.get(f"/catalogue/exercises/{own.slug}").data.decode()
    page = client.get(f"/cases/{case.id}/homework/{assignment.id}").data.decode()
    assert EXERCISE["instructions"] in page
    assert changed not in page
    assert "version 1" in page
    auth.logout()
    auth.login(case.partners[1].user)
    page = client.get(f"/portal/homework/{assignment.id}").data.decode()
    assert EXERCISE["instructions"] in page
    assert changed not in page
    # New homework from the same exercise gets the new wording.
    auth.logout()
    auth.login(as_counsellor)
    client.post(
        f"/cases/{case.id}/homework/new/{own.slug}", data=assign_data(form_token="second-form")
    )
    newest = assignments()[-1]
    assert newest.exercise.version == 2
    assert newest.exercise.instructions == changed


# --- Reach -------------------------------------------------------------------


def homework_urls(case, assignment, entry) -> list[tuple[str, str]]:
    base = f"/cases/{case.id}/homework"
    return [
        ("get", f"{base}/new"),
        ("get", f"{base}/new?q=trust"),
        ("get", f"{base}/new/i-statement-rewrites"),
        ("post", f"{base}/new/i-statement-rewrites"),
        ("get", f"{base}/{assignment.id}"),
        ("get", f"{base}/{assignment.id}/edit"),
        ("post", f"{base}/{assignment.id}/edit"),
        ("post", f"{base}/{assignment.id}/withdraw"),
        ("get", f"{base}/entries/{entry.id}"),
    ]


@pytest.mark.parametrize("role", [Role.COUNSELLOR, Role.OWNER])
def test_another_counsellor_gets_404_everywhere(
    client, auth, make_user, case, make_assignment, make_entry, role
):
    assignment = make_assignment(case, note="Private words for this couple")
    entry = make_entry(assignment, case.partners[0], answer="A private answer")
    auth.login(make_user(role))
    for method, url in homework_urls(case, assignment, entry):
        response = getattr(client, method)(url, data=assign_data(form_token=url))
        assert response.status_code == 404, (method, url)
        assert b"Private words" not in response.data
        assert b"A private answer" not in response.data
    db.session.refresh(assignment)
    assert assignment.is_active
    assert assignment.counsellor_note == "Private words for this couple"
    assert len(assignments()) == 1


def test_clients_get_404_on_homework_urls(client, auth, case, make_assignment, make_entry):
    assignment = make_assignment(case)
    entry = make_entry(assignment, case.partners[0])
    auth.login(case.partners[0].user)
    for method, url in homework_urls(case, assignment, entry):
        response = getattr(client, method)(url, data=assign_data(form_token=url))
        assert response.status_code == 404, (method, url)
    assert len(assignments()) == 1


def test_logged_out_visitors_are_sent_to_log_in(client, case, make_assignment, make_entry):
    assignment = make_assignment(case)
    entry = make_entry(assignment, case.partners[0])
    for method, url in homework_urls(case, assignment, entry):
        response = getattr(client, method)(url, data=assign_data(form_token=url))
        assert response.status_code in (302, 401), (method, url)
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/login")
    assert len(assignments()) == 1


def test_ids_of_another_case_answer_404_under_ones_own(
    client, as_counsellor, make_user, make_case, make_assignment, make_entry
):
    mine = make_case(as_counsellor, ("Sam Lee", "Kim Lee"))
    theirs = make_case(make_user(Role.COUNSELLOR), ("Ana Ruiz", "Ben Ruiz"))
    other_assignment = make_assignment(theirs)
    other_entry = make_entry(other_assignment, theirs.partners[0], answer="Not for you")
    # Even a case of one's own does not open another case's records.
    also_mine = make_case(as_counsellor, ("Ola Nowak", "Piotr Nowak"))
    my_other_assignment = make_assignment(also_mine)
    my_other_entry = make_entry(my_other_assignment, also_mine.partners[0], answer="Elsewhere")
    base = f"/cases/{mine.id}/homework"
    for assignment, entry in (
        (other_assignment, other_entry),
        (my_other_assignment, my_other_entry),
    ):
        for method, url in [
            ("get", f"{base}/{assignment.id}"),
            ("get", f"{base}/{assignment.id}/edit"),
            ("post", f"{base}/{assignment.id}/edit"),
            ("post", f"{base}/{assignment.id}/withdraw"),
            ("get", f"{base}/entries/{entry.id}"),
        ]:
            response = getattr(client, method)(url, data=assign_data(form_token=url))
            assert response.status_code == 404, (method, url)
        db.session.refresh(assignment)
        assert assignment.is_active
    assert client.get(f"{base}/999999").status_code == 404
    assert client.get(f"{base}/entries/999999").status_code == 404


# --- Reading what the partners did ------------------------------------------


def test_adherence_is_counted_from_the_entries(
    client, as_counsellor, case, make_assignment, make_entry
):
    today = practice_today()
    assignment = make_assignment(
        case, "appreciation-noticing-log", starts_on=today - timedelta(days=3)
    )
    alex, jordan = case.partners
    make_entry(assignment, alex, done_on=today - timedelta(days=3))
    make_entry(assignment, alex, done_on=today - timedelta(days=1))
    # A second entry on a day counts once for a daily exercise.
    make_entry(assignment, alex, done_on=today - timedelta(days=1))
    response = client.get(f"/cases/{case.id}/homework/{assignment.id}")
    page = response.data.decode()
    assert response.status_code == 200
    rows = page[page.index("<tbody>") : page.index("</tbody>")]
    alex_row, jordan_row = rows.split("<tr>")[1:]
    assert "Alex" in alex_row
    assert "2 / 3 (67%)" in alex_row
    assert "1 period missed" in alex_row
    assert "0 of 1" in alex_row
    assert "Jordan" in jordan_row
    assert "0 / 3 (0%)" in jordan_row
    assert "3 periods missed" in jordan_row
    assert "none yet" in jordan_row


def test_together_adherence_counts_either_partners_entry(
    client, as_counsellor, case, make_assignment, make_entry
):
    today = practice_today()
    assignment = make_assignment(
        case, "connection-ten-minutes", "together", starts_on=today - timedelta(days=3)
    )
    alex, jordan = case.partners
    make_entry(assignment, alex, done_on=today - timedelta(days=3))
    make_entry(assignment, jordan, done_on=today - timedelta(days=2))
    make_entry(assignment, jordan, done_on=today)
    page = client.get(f"/cases/{case.id}/homework/{assignment.id}").data.decode()
    rows = page[page.index("<tbody>") : page.index("</tbody>")]
    assert rows.count("<tr>") == 1
    assert "Together" in rows
    # Days -3 (Alex), -2 (Jordan), -1 (nobody), today (Jordan).
    assert "3 / 4 (75%)" in rows
    assert "1 period missed" in rows
    assert "1 of 1" in rows


def test_more_entries_than_a_period_asks_for_read_as_done_and_more(
    client, as_counsellor, case, make_assignment, make_entry
):
    today = practice_today()
    assignment = make_assignment(case, "appreciation-noticing-log", starts_on=today)
    alex, _ = case.partners
    make_entry(assignment, alex, done_on=today)
    make_entry(assignment, alex, done_on=today)
    page = client.get(f"/cases/{case.id}/homework/{assignment.id}").data.decode()
    alex_row = page[page.index("<tbody>") : page.index("</tbody>")].split("<tr>")[1]
    assert "1 of 1, and 1 more" in alex_row
    assert "2 of 1" not in alex_row


def test_homework_not_yet_started_expects_nothing(client, as_counsellor, case, make_assignment):
    assignment = make_assignment(
        case, "appreciation-noticing-log", starts_on=practice_today() + timedelta(days=2)
    )
    page = client.get(f"/cases/{case.id}/homework/{assignment.id}").data.decode()
    assert page.count("nothing due yet") == 2


def test_the_counsellor_reads_private_and_shared_entries(
    client, as_counsellor, case, make_assignment, make_entry
):
    assignment = make_assignment(case)
    alex, jordan = case.partners
    private = make_entry(assignment, alex, answer="Only my counsellor should read this")
    shared = make_entry(assignment, jordan, answer="My partner may read this", shared=True)
    page = client.get(f"/cases/{case.id}/homework/{assignment.id}").data.decode()
    assert "Only my counsellor should read this" in page
    assert "My partner may read this" in page
    assert "private" in page
    assert "shared with partner" in page
    for entry, text in ((private, "Only my counsellor"), (shared, "My partner may")):
        response = client.get(f"/cases/{case.id}/homework/entries/{entry.id}")
        assert response.status_code == 200
        assert text in response.data.decode()
    views = db.session.scalars(
        sa.select(AuditEvent.object_id).where(AuditEvent.action == "entry.view")
    ).all()
    assert sorted(views) == sorted([private.id, shared.id])
    assert "entries.view" in db.session.scalars(sa.select(AuditEvent.action)).all()


def test_the_assignment_page_runs_a_bounded_number_of_queries(
    client, as_counsellor, case, make_assignment, make_entry, count_queries
):
    assignment = make_assignment(case, "appreciation-noticing-log")
    for partner in case.partners:
        make_entry(assignment, partner)

    def queries() -> int:
        with count_queries() as statements:
            assert client.get(f"/cases/{case.id}/homework/{assignment.id}").status_code == 200
        return len(statements)

    few = queries()
    for days in range(1, 7):
        for partner in case.partners:
            make_entry(assignment, partner, done_on=practice_today() - timedelta(days=days))
    assert queries() == few
