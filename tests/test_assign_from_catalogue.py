"""Assigning from where the counsellor is: from a catalogue page to a case, and from a
case to the catalogue and back, with suggestions drawn from the couple's concerns and stage."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from practice.auth.models import Role
from practice.cases.models import CaseConcern, CaseStatus
from practice.catalogue.models import Exercise
from practice.database import now_utc
from practice.dates import practice_today
from practice.extensions import db
from practice.homework.models import Assignment, AssignmentStatus
from practice.homework.suggestions import Candidate, rank
from practice.sessions.models import Session, SessionStatus

NOTE = "Between now and Thursday, notice the small things."


@pytest.fixture
def as_counsellor(auth, counsellor):
    auth.login(counsellor)
    return counsellor


def assign_data(**change) -> dict:
    """A valid assign form: each partner, daily, from today for three weeks."""
    data = {
        "form_token": "c-" + "0" * 30,
        "for_whom": "each",
        "cadence": "daily",
        "per_week": "",
        "starts_on": practice_today().isoformat(),
        "due_on": (practice_today() + timedelta(weeks=3)).isoformat(),
        "counsellor_note": NOTE,
    }
    return data | change


def exercise(slug: str) -> Exercise:
    return db.session.scalar(sa.select(Exercise).where(Exercise.slug == slug))


def with_concerns(case, *concerns: str):
    case.concern_links = [CaseConcern(concern=c) for c in concerns]
    db.session.commit()
    return case


def at_step(case, step: int) -> Session:
    """An attended session a week ago at which the counsellor recorded ``step``."""
    starts = now_utc() - timedelta(days=7)
    session = Session(
        case_id=case.id,
        counsellor_id=case.counsellor_id,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=50),
        status=SessionStatus.ATTENDED,
        attendees=["a", "b"],
        eft_step=step,
    )
    db.session.add(session)
    db.session.commit()
    return session


def suggested(page: str) -> str:
    """The suggestions section of a case's assign page."""
    return page[page.index('id="suggested"') :]


# --- From a catalogue page to a case -----------------------------------------


def test_catalogue_pages_offer_assign_to_a_case(client, as_counsellor):
    page = client.get("/catalogue/exercises/i-statement-rewrites").data.decode()
    assert 'href="/catalogue/exercises/i-statement-rewrites/assign"' in page
    assert "Assign to a case…" in page
    strategy = client.get("/catalogue/i-statements").data.decode()
    for slug in ("i-statement-rewrites", "i-statement-real-moment", "i-statement-exchange"):
        assert f'href="/catalogue/exercises/{slug}/assign"' in strategy


def test_assigning_via_the_catalogue_makes_the_same_assignment_as_from_the_case(
    client, as_counsellor, make_case
):
    slug = "appreciation-noticing-log"
    from_case = make_case(as_counsellor, ("Alex Morgan", "Jordan Morgan"))
    from_catalogue = make_case(as_counsellor, ("Sam Lee", "Robin Lee"))
    closed = make_case(as_counsellor, ("Kim Old", "Lee Old"), status=CaseStatus.CLOSED)

    picker = client.get(f"/catalogue/exercises/{slug}/assign").data.decode()
    assert f'value="{from_catalogue.id}"' in picker
    assert "Sam Lee &amp; Robin Lee" in picker
    assert f'value="{closed.id}"' not in picker  # only open cases are offered
    response = client.post(f"/catalogue/exercises/{slug}/assign", data={"case": from_catalogue.id})
    assert response.status_code == 302
    form_url = f"/cases/{from_catalogue.id}/homework/new/{slug}"
    assert response.headers["Location"] == form_url
    # The case's own assign form, the exercise chosen, the partners named.
    form = client.get(form_url).data.decode()
    assert exercise(slug).title in form
    assert "Sam alone" in form
    assert "Robin alone" in form
    assert "Each partner, separately" in form
    assert "(partner A)" not in form  # names, never letters

    for case, token in ((from_case, "c-1"), (from_catalogue, "c-2")):
        url = f"/cases/{case.id}/homework/new/{slug}"
        data = assign_data(form_token=token + "0" * 30, for_whom="b")
        assert client.post(url, data=data).status_code == 302
    made = {a.case_id: a for a in db.session.scalars(sa.select(Assignment).order_by(Assignment.id))}
    assert set(made) == {from_case.id, from_catalogue.id}

    def fields(a: Assignment) -> tuple:
        return (
            a.exercise_version_id,
            a.for_whom,
            a.cadence,
            a.per_week,
            a.starts_on,
            a.due_on,
            a.counsellor_note,
            a.status,
            a.created_by_id,
        )

    assert fields(made[from_case.id]) == fields(made[from_catalogue.id])
    assert made[from_catalogue.id].status is AssignmentStatus.ACTIVE


def test_names_on_the_assign_form_for_work_done_together(client, as_counsellor, case):
    form = client.get(f"/cases/{case.id}/homework/new/connection-ten-minutes").data.decode()
    assert "Alex alone" in form
    assert "Jordan alone" in form
    assert "Both together" in form
    assert "(partner A)" not in form
    assert "(partner B)" not in form


def test_another_counsellors_case_is_neither_offered_nor_accepted(
    client, as_counsellor, make_user, make_case
):
    other = make_user(Role.COUNSELLOR, name="Olu Other")
    theirs = make_case(other, ("Sam Other", "Robin Other"))
    mine = make_case(as_counsellor)
    slug = "i-statement-rewrites"
    picker = client.get(f"/catalogue/exercises/{slug}/assign").data.decode()
    assert f'value="{mine.id}"' in picker
    assert f'value="{theirs.id}"' not in picker
    assert "Sam Other" not in picker
    response = client.post(f"/catalogue/exercises/{slug}/assign", data={"case": theirs.id})
    assert response.status_code == 404
    # Nor can the catalogue be read "for" their case.
    for url in ("/catalogue/", "/catalogue/i-statements", f"/catalogue/exercises/{slug}"):
        assert client.get(f"{url}?case={theirs.id}").status_code == 404, url
        for odd in ("not-a-case", "2147483648", "٣", "-1"):
            assert client.get(f"{url}?case={odd}").status_code == 404, (url, odd)
    assert db.session.scalar(sa.select(sa.func.count(Assignment.id))) == 0


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("connection-ten-minutes", "Work together is paused for this couple"),
        ("appreciation-noticing-log", "This exercise asks them to involve their partner"),
    ],
)
def test_held_work_together_is_refused_from_the_catalogue_as_from_the_case(
    client, as_counsellor, make_case, slug, message
):
    held = make_case(as_counsellor, screening="concerns")
    picker = client.get(f"/catalogue/exercises/{slug}/assign").data.decode()
    assert re.search(rf'value="{held.id}"[^>]*disabled', picker)
    assert message in picker
    response = client.post(f"/catalogue/exercises/{slug}/assign", data={"case": held.id})
    assert response.status_code == 400
    assert message in response.data.decode()
    # The case's own form refuses it too: the same rule, one path.
    data = assign_data(for_whom="together" if "together" in slug or "minutes" in slug else "a")
    response = client.post(f"/cases/{held.id}/homework/new/{slug}", data=data)
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(Assignment.id))) == 0
    # The catalogue read for that case says so instead of offering "Assign to this case".
    page = client.get(f"/catalogue/exercises/{slug}?case={held.id}").data.decode()
    assert f"/cases/{held.id}/homework/new/{slug}" not in page
    assert message in page


def test_work_each_partner_does_alone_still_goes_to_a_held_case(client, as_counsellor, make_case):
    held = make_case(as_counsellor, screening="concerns")
    response = client.post(
        "/catalogue/exercises/i-statement-rewrites/assign", data={"case": held.id}
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose the case to give it to."),
        ({"case": ""}, "Choose the case to give it to."),
        ({"case": "abc"}, "Choose one of the cases listed."),
        ({"case": "9" * 40}, "Choose one of the cases listed."),
        ({"case": "2147483648"}, "Choose one of the cases listed."),
        ({"case": "٣"}, "Choose one of the cases listed."),
    ],
)
def test_bad_choice_of_case_is_400_with_a_message(client, as_counsellor, case, data, message):
    response = client.post("/catalogue/exercises/i-statement-rewrites/assign", data=data)
    assert response.status_code == 400
    page = response.data.decode()
    assert message in page
    assert 'id="case-error"' in page


def test_a_closed_case_is_refused_with_a_message(client, as_counsellor, make_case):
    closed = make_case(as_counsellor, status=CaseStatus.CLOSED)
    response = client.post(
        "/catalogue/exercises/i-statement-rewrites/assign", data={"case": closed.id}
    )
    assert response.status_code == 400
    assert "That case is closed" in response.data.decode()


def test_a_retired_or_unknown_exercise_cannot_be_assigned(client, as_counsellor, case):
    own = {
        "strategy": "i-statements",
        "title": "Our own rewrite",
        "instructions": "Rewrite one complaint each evening.",
        "who": "each",
        "cadence": "daily",
        "minutes": "10",
        "prompts": "What did you rewrite?\nWhat changed?",
    }
    slug = client.post("/catalogue/exercises/new", data=own).headers["Location"].split("/")[-1]
    assert client.get(f"/catalogue/exercises/{slug}/assign").status_code == 200
    assert client.post(f"/catalogue/exercises/{slug}/retire").status_code == 302
    assert client.get(f"/catalogue/exercises/{slug}/assign").status_code == 404
    assert (
        client.post(f"/catalogue/exercises/{slug}/assign", data={"case": case.id}).status_code
        == 404
    )
    assert client.get("/catalogue/exercises/no-such-exercise/assign").status_code == 404


def test_the_picker_with_no_open_cases_says_so(client, as_counsellor):
    page = client.get("/catalogue/exercises/i-statement-rewrites/assign").data.decode()
    assert "You have no open cases" in page


# --- From a case to the catalogue, keeping the case ---------------------------


def test_browsing_the_catalogue_from_a_case_keeps_the_case(client, as_counsellor, case):
    choose = client.get(f"/cases/{case.id}/homework/new").data.decode()
    assert f'href="/catalogue/?case={case.id}"' in choose
    index = client.get(f"/catalogue/?case={case.id}").data.decode()
    assert "Choosing homework for" in index
    assert f'name="case" value="{case.id}"' in index  # a search keeps it too
    assert f'href="/catalogue/i-statements?case={case.id}"' in index
    strategy = client.get(f"/catalogue/i-statements?case={case.id}").data.decode()
    assert "Assign to this case" in strategy
    assert f'href="/cases/{case.id}/homework/new/i-statement-rewrites"' in strategy
    assert f'href="/catalogue/exercises/i-statement-rewrites?case={case.id}"' in strategy
    page = client.get(f"/catalogue/exercises/i-statement-rewrites?case={case.id}").data.decode()
    assert f'href="/cases/{case.id}/homework/new/i-statement-rewrites"' in page
    assert "Assign to a case…" not in page
    searched = client.get(f"/catalogue/?q=trust&case={case.id}").data.decode()
    assert f"?case={case.id}" in searched
    # Without a case the pages are as before.
    assert "Choosing homework for" not in client.get("/catalogue/").data.decode()


# --- Suggestions --------------------------------------------------------------


def test_suggestions_follow_the_concerns_and_the_stage_reached(client, as_counsellor, case):
    with_concerns(case, "broken-trust")
    at_step(case, 6)  # stage 2, restructuring
    page = client.get(f"/cases/{case.id}/homework/new").data.decode()
    section = suggested(page)
    assert "betrayal or broken trust" in section
    assert "EFT stage 2, reached at their latest session" in section
    reasons = re.findall(r'<div class="small suggestion-reasons">([^<]*)</div>', section)
    assert reasons
    # Each addresses the concern; the four that do so at stage 2 come first.
    assert all("for: betrayal or broken trust" in r for r in reasons)
    assert all("fits stage 2" in r for r in reasons)
    # Sincere apology suits stage 2 and broken trust; an exercise of it is offered.
    assert f"/cases/{case.id}/homework/new/apology-written-draft" in section


def test_suggestions_change_with_the_concerns(client, as_counsellor, case):
    with_concerns(case, "lack-of-appreciation")
    section = suggested(client.get(f"/cases/{case.id}/homework/new").data.decode())
    reasons = re.findall(r'<div class="small suggestion-reasons">([^<]*)</div>', section)
    assert reasons
    assert all("for: lack of appreciation" in r for r in reasons)
    assert "no stage is recorded yet" in section
    assert "fits stage 1" in section
    assert "betrayal" not in section


def test_the_ranking_weighs_concerns_above_the_stage():
    candidates = [
        Candidate(1, "Stage only", 2, frozenset()),
        Candidate(2, "Both concerns", 3, frozenset({"broken-trust", "poor-communication"})),
        Candidate(3, "One concern at the stage", 2, frozenset({"broken-trust"})),
        Candidate(4, "Neither", 1, frozenset({"incompatibility"})),
        Candidate(5, "A one concern elsewhere", 1, frozenset({"poor-communication"})),
    ]
    ranked = rank(candidates, ["broken-trust", "poor-communication"], 2, limit=10)
    assert [r.strategy_id for r in ranked] == [2, 3, 5, 1]
    assert ranked[0].reasons == ("for: betrayal or broken trust, poor communication",)
    assert ranked[1].reasons == ("for: betrayal or broken trust", "fits stage 2")
    assert ranked[3].reasons == ("fits stage 2",)
    # With no concerns, the stage alone; ties go by title.
    assert [r.strategy_id for r in rank(candidates, [], 2)] == [3, 1]


def test_exercises_the_couple_has_or_had_are_marked(client, as_counsellor, case, make_assignment):
    with_concerns(case, "poor-communication")
    make_assignment(case, "i-statement-rewrites")
    ended = make_assignment(case, "i-statement-exchange", "together")
    ended.status = AssignmentStatus.WITHDRAWN
    ended.withdrawn_at = now_utc()
    run_out = make_assignment(
        case, "i-statement-real-moment", due_on=practice_today() - timedelta(days=1)
    )
    assert run_out.due_on < practice_today()
    db.session.commit()
    page = client.get(f"/cases/{case.id}/homework/new?q=I-statements").data.decode()

    def mark_of(slug: str) -> str:
        title = exercise(slug).title
        item = page[page.index(title) :]
        return item[: item.index("</strong>") + 120]

    assert "They have it now" in mark_of("i-statement-rewrites")
    assert "They had it before" in mark_of("i-statement-exchange")
    assert "They had it before" in mark_of("i-statement-real-moment")
    # In the suggestions as well: broken trust at stage 2 suggests sincere apology, forgiveness.
    with_concerns(case, "broken-trust")
    at_step(case, 6)
    make_assignment(case, "apology-written-draft")
    gone = make_assignment(case, "forgive-unsent-letter")
    gone.status = AssignmentStatus.WITHDRAWN
    gone.withdrawn_at = now_utc()
    db.session.commit()
    page = suggested(client.get(f"/cases/{case.id}/homework/new").data.decode())
    assert "They have it now" in mark_of("apology-written-draft")
    assert "They had it before" in mark_of("forgive-unsent-letter")
    assert "They" not in mark_of("apology-give-and-receive")


def test_one_persons_case_is_never_suggested_work_done_together(
    client, as_counsellor, make_case, counsellor
):
    alone = with_concerns(make_case(counsellor, ("Sam Rivera",)), "poor-communication")
    couple = with_concerns(make_case(counsellor), "poor-communication")
    for_couple = suggested(client.get(f"/cases/{couple.id}/homework/new").data.decode())
    for_one = suggested(client.get(f"/cases/{alone.id}/homework/new").data.decode())
    together = [
        e.slug
        for e in db.session.scalars(sa.select(Exercise).where(Exercise.who == "together"))
        if f"/homework/new/{e.slug}" in for_couple
    ]
    assert together, "the couple is offered work done together"
    assert for_one.count("/homework/new/") > 0
    assert not [slug for slug in together if f"/homework/new/{slug}" in for_one]
    # Found by search instead, it says why it cannot be given.
    page = client.get(f"/cases/{alone.id}/homework/new?q=exchange").data.decode()
    assert "this case is one person" in page
