"""Exercises that ask a partner to involve the other (``with_partner``), and what holds them.

Such an exercise is given to one partner or to each, yet asks them to tell, ask,
agree or arrange something with the other: "agree the time with your partner".
While work together is held it is not given; while a pause stands, homework
from it is set aside from both portals exactly like homework done together.
"""

import re
import shutil
from datetime import timedelta

import pytest
import sqlalchemy as sa

from practice import audience
from practice.catalogue.loader import content_hash, exercise_content, load_catalogue
from practice.catalogue.models import Exercise, ExerciseVersion
from practice.catalogue.schema import DATA_DIR, CatalogueError, read_catalogue
from practice.database import now_utc
from practice.dates import practice_today
from practice.extensions import db
from practice.reminders.due import due_reminders
from practice.screening.alerts import SafetyAlert
from tests.factories import add_session_with, pdf_text, quiet, sign_in

HOUR = "self-care-protected-hour"  # each; "agree the time with your partner"
VOICE = "betrayal-voice-the-fear"  # one partner; "let your partner know"
ALONE = "i-statement-rewrites"  # each; "you do not have to say anything to your partner"
AWAY_NOTE = "Two sentences at most, at a calm moment."


@pytest.fixture
def data_copy(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def exercise(slug: str) -> Exercise:
    return db.session.scalar(sa.select(Exercise).where(Exercise.slug == slug))


# --- The catalogue -------------------------------------------------------------


def test_the_catalogue_says_which_exercises_involve_the_partner():
    by_slug = {ex.slug: ex for ex in read_catalogue().exercises}
    assert by_slug[HOUR].with_partner
    assert by_slug[VOICE].with_partner
    assert not by_slug[ALONE].with_partner
    # Done together implies it, so the files never say it of a together exercise.
    assert not any(ex.with_partner for ex in by_slug.values() if ex.who == "together")
    assert 20 <= sum(ex.with_partner for ex in by_slug.values()) <= 30


def test_a_together_exercise_does_not_say_it_again(data_copy):
    text = (data_copy / "connection.toml").read_text()
    (data_copy / "connection.toml").write_text(
        text.replace('who = "together"', 'who = "together"\n  with_partner = true', 1)
    )
    with pytest.raises(CatalogueError, match="'with_partner' is implied by who = 'together'"):
        read_catalogue(data_copy)


def test_an_unflagged_exercise_hashes_as_before_the_flag_existed():
    """Adding the attribute gave new versions to the flagged exercises only."""
    data = next(ex for ex in read_catalogue().exercises if ex.slug == ALONE)
    content = exercise_content(data)
    assert content["with_partner"] is False
    without = {k: v for k, v in content.items() if k != "with_partner"}
    assert content_hash(content) == content_hash(without)
    assert content_hash(content | {"with_partner": True}) != content_hash(content)


def test_loading_reads_the_flag_and_a_changed_flag_is_a_new_version(empty_catalogue, data_copy):
    load_catalogue(data_copy)
    db.session.commit()
    hour = exercise(HOUR)
    assert hour.with_partner
    assert hour.involves_partner
    assert hour.current_version.with_partner
    assert exercise("connection-ten-minutes").involves_partner  # together
    assert not exercise(ALONE).involves_partner
    first = hour.current_version
    text = (data_copy / "growth.toml").read_text()
    flag = '  who = "each"\n  with_partner = true\n  cadence = "weekly"\n  minutes = 60'
    assert text.count(flag) == 1
    (data_copy / "growth.toml").write_text(text.replace(flag, flag.replace("  with_p", "  # w")))
    report = load_catalogue(data_copy)
    db.session.commit()
    assert (report.exercises_changed, report.changed) == (1, 0)
    db.session.refresh(hour)
    assert hour.version == 2
    assert not hour.with_partner
    assert db.session.get(ExerciseVersion, first.id).with_partner
    # And back again: a third version, flagged.
    (data_copy / "growth.toml").write_text(text)
    assert load_catalogue(data_copy).exercises_changed == 1
    db.session.commit()
    db.session.refresh(hour)
    assert (hour.version, hour.with_partner) == (3, True)
    assert not load_catalogue(data_copy).touched


def test_the_catalogue_page_says_it_involves_their_partner(app, counsellor):
    browser = sign_in(app, counsellor)
    page = browser.get(f"/catalogue/exercises/{HOUR}").get_data(as_text=True)
    assert "involves their partner" in page
    page = browser.get(f"/catalogue/exercises/{ALONE}").get_data(as_text=True)
    assert "involves their partner" not in page


def test_a_counsellors_own_exercise_can_say_it(app, counsellor):
    browser = sign_in(app, counsellor)
    data = {
        "strategy": "self-care",
        "title": "Tell them about your evening class",
        "instructions": "Tell your partner which evening you have chosen.",
        "who": "each",
        "cadence": "weekly",
        "minutes": "10",
        "prompts": "What did you say?\nHow did it go?",
    }
    response = browser.post("/catalogue/exercises/new", data=data | {"with_partner": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)
    mine = db.session.scalar(sa.select(Exercise).where(Exercise.title == data["title"]))
    assert mine.with_partner
    assert mine.current_version.with_partner
    assert "involves their partner" in browser.get(response.location).get_data(as_text=True)
    # Unticked, it is the exercise's next version.
    response = browser.post(f"/catalogue/exercises/{mine.slug}/edit", data=data)
    assert response.status_code == 302
    db.session.refresh(mine)
    assert (mine.version, mine.with_partner) == (2, False)


# --- Holds -----------------------------------------------------------------------


def pause(browser, case, reason="break"):
    response = browser.post(
        f"/cases/{case.id}/joint-work/pause", data={"reason": reason, "note": "For now."}
    )
    assert response.status_code == 302
    db.session.refresh(case)
    assert case.joint_paused


def lift(browser, case):
    response = browser.post(f"/cases/{case.id}/joint-work/lift", data={"note": "Back again."})
    assert response.status_code == 302
    db.session.refresh(case)


def test_an_each_exercise_that_involves_the_partner_is_refused_while_held(
    app, counsellor, make_case
):
    case = make_case(counsellor, screening="concerns-paused")
    browser = sign_in(app, counsellor)
    url = f"/cases/{case.id}/homework/new/{HOUR}"
    page = browser.get(url).get_data(as_text=True)
    assert "This exercise asks them to involve their partner." in page
    data = {
        "form_token": "w-" + "0" * 30,
        "for_whom": "each",
        "cadence": "weekly",
        "starts_on": practice_today().isoformat(),
        "counsellor_note": AWAY_NOTE,
    }
    response = browser.post(url, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="for_whom-error"' in page
    assert "This exercise asks them to involve their partner. Work together is paused" in page
    assert AWAY_NOTE in page
    one = browser.post(f"/cases/{case.id}/homework/new/{VOICE}", data=data | {"for_whom": "a"})
    assert one.status_code == 400
    # Work alone is given as ever.
    assert browser.post(f"/cases/{case.id}/homework/new/{ALONE}", data=data).status_code == 302
    lift(browser, case)
    assert browser.post(url, data=data | {"form_token": "w-" + "1" * 30}).status_code == 302


def test_a_partners_alert_holds_it_too(app, counsellor, make_case):
    case = make_case(counsellor)
    db.session.add(SafetyAlert(case_id=case.id, partner_id=case.partners[0].id))
    db.session.commit()
    browser = sign_in(app, counsellor)
    response = browser.post(
        f"/cases/{case.id}/homework/new/{HOUR}",
        data={
            "form_token": "w-" + "2" * 30,
            "for_whom": "each",
            "cadence": "weekly",
            "starts_on": practice_today().isoformat(),
        },
    )
    assert response.status_code == 400
    assert "do not feel safe" in response.get_data(as_text=True)


@pytest.fixture
def given(counsellor, make_case, make_assignment):
    """A couple with homework given at a session: some that involves the partner, some not."""
    case = make_case(counsellor)
    at = add_session_with(case, days_ago=2)
    due = practice_today() + timedelta(days=1)
    return (
        case,
        at,
        {
            "hour": make_assignment(case, HOUR, "each", session=at, due_on=due),
            "voice": make_assignment(case, VOICE, "a", session=at, due_on=due, note=AWAY_NOTE),
            "alone": make_assignment(case, ALONE, "each", session=at, due_on=due),
        },
    )


def portal(app, partner):
    client = sign_in(app, partner.user)
    return client, client.get("/portal/").get_data(as_text=True)


def test_a_pause_sets_it_aside_from_both_portals_until_lifted(app, counsellor, given):
    case, at, homework = given
    hour, voice, alone = homework["hour"], homework["voice"], homework["alone"]
    browser = sign_in(app, counsellor)
    pause(browser, case)
    for partner in case.partners:
        client, home = portal(app, partner)
        assert "set aside, for now, the exercises that involve your partner" in home
        assert f"/portal/homework/{alone.id}" in home
        for set_aside in (hour, voice):
            assert f"/portal/homework/{set_aside.id}" not in home
            assert client.get(f"/portal/homework/{set_aside.id}").status_code == 404
            assert client.get(f"/portal/worksheets/{set_aside.id}.pdf").status_code == 404
        # A handout made now, of the session they were given at, leaves them out.
        text = pdf_text(client.get(f"/portal/handouts/{at.id}.pdf").data)
        assert "Rewrite three complaints" in text
        assert "Protect one hour a week" not in text
        assert AWAY_NOTE not in text
        record = client.get("/portal/my-record.json").get_data(as_text=True)
        assert "Protect one hour a week" not in record
    # No reminder of it is sent to either partner.
    reminded = {d.key.split(":")[1] for d in due_reminders(now_utc() + timedelta(days=1))}
    assert f"a{alone.id}" in reminded
    assert not reminded & {f"a{hour.id}", f"a{voice.id}"}
    # The counsellor is told which are set aside, on the case page and the assign pages.
    page = browser.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Set aside while work together is paused" in page
    assert "Protect one hour a week that is yours" in page
    chooser = browser.get(f"/cases/{case.id}/homework/new").get_data(as_text=True)
    for text in (page, chooser):
        set_aside = text.split("Set aside while work together is paused")[1].split("</div>")[0]
        assert f"/homework/{hour.id}" in set_aside
        assert f"/homework/{voice.id}" in set_aside
        assert f"/homework/{alone.id}" not in set_aside
    # The counsellor's worksheet of Alex's homework still carries Alex's name alone.
    sheet = browser.get(f"/cases/{case.id}/homework/{voice.id}/worksheet.pdf")
    assert "Alex Morgan" in pdf_text(sheet.data)
    assert "Jordan" not in pdf_text(sheet.data)

    lift(browser, case)
    alex, home = portal(app, case.partners[0])
    assert "set aside" not in home
    for back in (hour, voice, alone):
        assert f"/portal/homework/{back.id}" in home
    assert AWAY_NOTE in pdf_text(alex.get(f"/portal/handouts/{at.id}.pdf").data)
    _, home = portal(app, case.partners[1])
    assert f"/portal/homework/{hour.id}" in home
    assert f"/portal/homework/{voice.id}" not in home  # Alex's alone, as before
    assert "Set aside while" not in browser.get(f"/cases/{case.id}").get_data(as_text=True)


def test_homework_given_before_its_exercise_was_flagged_follows_the_flag(
    app, empty_catalogue, data_copy, counsellor, make_case, make_assignment
):
    """A database whose homework was given before the flag existed: the load that flags the
    exercise makes its next version, and the homework given from the earlier, unflagged
    version (the same words) is set aside by a pause too.

    (``empty_catalogue`` comes before ``counsellor``: emptying it empties every table.)"""
    text = (data_copy / "growth.toml").read_text()
    (data_copy / "growth.toml").write_text(text.replace("  with_partner = true\n", ""))
    load_catalogue(data_copy)
    db.session.commit()
    case = make_case(counsellor)
    given = make_assignment(case, HOUR, "each")
    assert not given.exercise.with_partner
    (data_copy / "growth.toml").write_text(text)
    report = load_catalogue(data_copy)
    db.session.commit()
    assert report.exercises_changed == text.count("with_partner = true")
    db.session.refresh(given)
    assert given.exercise.version == 1
    assert given.exercise.exercise.version == 2
    pause(sign_in(app, counsellor), case)
    assert audience.set_aside(given)
    assert audience.of_assignment(given) == audience.COUNSELLOR_ONLY
    assert audience.given_to(given) == audience.BOTH
    for partner in case.partners:
        assert db.session.scalar(audience.assignments_for(partner)) is None


def test_a_pause_for_safety_looks_like_a_pause_for_a_holiday_to_each_partner(
    app, counsellor, make_case, make_assignment
):
    """With homework that involves the partner given to each and to Alex alone, each
    partner's portal reads the same whatever the pause's reason, but for names and ids."""
    pages = {}
    for how in ("safety", "break"):
        case = make_case(counsellor)
        make_assignment(case, "connection-ten-minutes", "together")
        make_assignment(case, HOUR, "each")
        make_assignment(case, VOICE, "a")
        make_assignment(case, ALONE, "each")
        pause(sign_in(app, counsellor), case, reason=how)
        for partner in case.partners:
            client = sign_in(app, partner.user)
            pages[how, partner.position] = [
                re.sub(r"/\d+", "/N", quiet(client.get(url).get_data(as_text=True)))
                for url in ("/portal/", "/portal/documents")
            ]
    for position in "ab":
        assert pages["safety", position] == pages["break", position]
        assert "exercises that involve your partner" in pages["safety", position][0]
        assert "Protect one hour a week" not in pages["safety", position][0]
