"""A counsellor's morning: the agenda, the first session's note, homework from the
catalogue, and the next session booked.

The journey makes its own counsellor and couple on the journeys' server, with a
session booked for later today, then follows the counsellor from the dashboard:
the agenda lists the session with the partners by name; "Start the note" opens
the note, which is written and signed; an exercise page of the catalogue gives
homework to the couple through "Assign to a case…"; and the next session is
booked from the case. Every page is looked at, at both sizes.
"""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import OWNER
from tests.e2e.helpers import Couple, log_in, new_counsellor, open_case, tag

pytestmark = pytest.mark.browser

EXERCISE = "appreciation-noticing-log"


def test_a_counsellors_morning(person, practice_day):
    mark = tag()
    counsellor = new_counsellor(person, OWNER, f"Robin {mark}", f"m-{mark}@e2e.example.org")
    couple = Couple(
        names={"a": f"Alex {mark}", "b": f"Jordan {mark}"},
        emails={p: f"morning-{p}-{mark}@e2e.example.org" for p in "ab"},
        counsellor=counsellor,
    )
    # Booked for late today on the server's clock, which starts mid-morning.
    open_case(person, couple, [], next_session=practice_day)
    label = f"Alex {mark} & Jordan {mark}"

    desk = person(f"morning-{mark}")
    page = desk.page
    log_in(page, desk.base, *counsellor[1:])

    # The agenda: today's session, with whom, and one click to its note.
    agenda = page.locator("section.agenda")
    expect(agenda.get_by_role("heading", name=re.compile("^Today"))).to_be_visible()
    visit = agenda.locator(".agenda-visit", has_text=label)
    expect(visit).to_contain_text("17:00")
    expect(visit).to_contain_text("With Alex and Jordan")
    desk.look("dashboard-agenda")
    visit.get_by_role("link", name="Start the note").click()

    # The note, written and signed.
    expect(page.get_by_label("Template", exact=True)).to_have_value("eft")
    page.get_by_label("Cycle observed").fill(
        "Alex pursued about the weekend plans; Jordan went quiet. We slowed the moment down."
    )
    page.get_by_label("EFT stage and step reached").select_option("2")
    desk.look("morning-note")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Sign note").click()
    expect(page.get_by_text("Note signed.")).to_be_visible()

    # Homework from the catalogue: the exercise page, "Assign to a case…", the couple.
    desk.go(f"/catalogue/exercises/{EXERCISE}")
    title = page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("link", name="Assign to a case…").click()
    page.get_by_label(re.compile(re.escape(label))).check()
    desk.look("assign-choose-case")
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Each partner, separately").check()
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text(f"“{title}” is assigned.")).to_be_visible()

    # The next session, a week on, booked from the case.
    desk.go(couple.case_url)
    page.get_by_role("link", name="Sessions").first.click()
    page.get_by_role("link", name="Add a session").first.click()
    page.get_by_label("Date").fill((practice_day + timedelta(days=7)).isoformat())
    page.get_by_label("Start time").fill("17:00")
    desk.look("book-next-session")
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_text("Session booked with")).to_be_visible()

    # Back on the dashboard, today's session now offers its signed note.
    desk.go("/dashboard")
    visit = page.locator("section.agenda .agenda-visit", has_text=label)
    expect(visit.get_by_role("link", name="Read the note")).to_be_visible()
    desk.look("dashboard-after")
