"""A session by video in a real browser: the Join button shows from 15 minutes before
the start, and only to the partners the session is with.

The journey builds its own couple on the journeys' server. The counsellor keeps a
standing video room and books, from the case, a session by video with Alex alone that
starts in about ten minutes, and one with both partners tomorrow. On their phones,
Alex finds "Join the video session" for the first (it opens the counsellor's room) and,
for tomorrow's, when the button will appear; Jordan sees tomorrow's session without a
button and nothing at all of Alex's own session, nor its link.
"""

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE
from tests.e2e.helpers import PASSWORD, log_in

pytestmark = pytest.mark.browser

#: The practice's zone on the journeys' server (the owner sets London).
ZONE = ZoneInfo("Europe/London")


def book(desk, case_url: str, starts, with_whom: str) -> None:
    """Book a session by video from the case's Sessions page."""
    page = desk.page
    desk.go(case_url)
    page.get_by_role("link", name="Sessions").first.click()
    page.get_by_role("link", name="Add a session").first.click()
    page.get_by_label("Date").fill(starts.date().isoformat())
    page.get_by_label("Start time").fill(starts.strftime("%H:%M"))
    page.get_by_label(with_whom, exact=True).check()
    page.get_by_label("By video").check()
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_text("Session booked by video with")).to_be_visible()


def test_the_join_button_shows_from_15_minutes_before_and_only_to_attendees(
    person, couple, server_clock
):
    names = couple["names"]
    alex_first, jordan_first = names["a"].split()[0], names["b"].split()[0]
    _, counsellor_email, counsellor_password = couple["counsellor"]
    room = f"https://meet.example.org/room-{couple['tag']}"

    desk = person(f"video-{couple['tag']}-counsellor")
    page = desk.page
    log_in(page, desk.base, counsellor_email, counsellor_password)
    desk.go("/account/video")
    page.get_by_label("Your video room").fill(room)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Your video room is saved.")).to_be_visible()

    # About ten minutes from the server's clock, on a five-minute mark: inside the
    # fifteen minutes before the start however long the journey takes to get there.
    now = server_clock.now().astimezone(ZONE)
    soon = (now + timedelta(minutes=14)).replace(second=0, microsecond=0)
    soon -= timedelta(minutes=soon.minute % 5)
    tomorrow = soon + timedelta(days=1)
    book(desk, couple["case_url"], soon, f"{alex_first} only")
    desk.look("booked-by-video")
    book(desk, couple["case_url"], tomorrow, f"{alex_first} and {jordan_first}")

    alex = person(f"video-{couple['tag']}-alex", PHONE)
    log_in(alex.page, alex.base, couple["emails"]["a"], PASSWORD)
    page = alex.go("/portal/appointments")
    join = page.get_by_role("link", name="Join the video session")
    expect(join).to_have_count(1)
    expect(join).to_have_attribute("href", room)
    later = (tomorrow - timedelta(minutes=15)).strftime("%H:%M")
    expect(
        page.get_by_text(re.compile(rf"the Join button appears here from {later} on the day"))
    ).to_be_visible()
    alex.look("appointments-join")

    jordan = person(f"video-{couple['tag']}-jordan", PHONE)
    log_in(jordan.page, jordan.base, couple["emails"]["b"], PASSWORD)
    page = jordan.go("/portal/appointments")
    expect(page.get_by_text(re.compile(r"the Join button appears here from"))).to_have_count(1)
    expect(page.get_by_role("link", name="Join the video session")).to_have_count(0)
    assert room not in page.content()
    assert soon.strftime("%-d %b %Y, %H:%M") not in page.locator("main").inner_text()
    jordan.look("appointments-no-join")
