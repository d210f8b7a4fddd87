"""Secure messages in a real browser: a partner writes privately, the counsellor answers,
and the other partner sees nothing of it.

The journey builds its own couple on the journeys' server (the ``couple`` fixture of
conftest.py). Alex writes to the counsellor on a phone; the counsellor finds it from
the dashboard on a desktop and replies; Alex reads the reply from the portal's home
page. Jordan's portal, on a phone of their own, reads the same before and after, and
neither phone keeps the words in the browser's storage.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE
from tests.e2e.helpers import PASSWORD, log_in, log_out

pytestmark = pytest.mark.browser

#: What a portal page says, without what changes from one request to the next.
MAIN_TEXT = "() => document.querySelector('main').innerText"
STORED = "() => JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)])"
JORDANS_PAGES = (
    "/portal/",
    "/portal/messages/",
    "/portal/messages/private",
    "/portal/messages/joint",
)


def texts_of(person) -> dict[str, str]:
    seen = {}
    for path in JORDANS_PAGES:
        page = person.go(path)
        seen[path] = page.evaluate(MAIN_TEXT)
    return seen


def test_a_partner_writes_privately_the_counsellor_replies_the_other_partner_sees_nothing(
    person, couple
):
    words = f"Before Thursday, about the car: it was about planning alone {couple['tag']}"
    reply = f"Thank you for telling me first; we will start there {couple['tag']}"
    names = couple["names"]
    counsellor_name, counsellor_email, counsellor_password = couple["counsellor"]

    jordan = person(f"messages-{couple['tag']}-jordan", PHONE)
    log_in(jordan.page, jordan.base, couple["emails"]["b"], PASSWORD)
    before = texts_of(jordan)

    # Alex, on a phone: the Messages tab, the private thread, the notice, a message.
    alex = person(f"messages-{couple['tag']}-alex", PHONE)
    page = alex.page
    log_in(page, alex.base, couple["emails"]["a"], PASSWORD)
    page.get_by_role("button", name="Show menu").click()
    page.get_by_role("link", name=re.compile("^Messages")).click()
    alex.look("messages-list")
    page.get_by_role("link", name=re.compile(rf"^With {counsellor_name}\s+Only you")).click()
    expect(page.get_by_text("Messages are not for emergencies.")).to_be_visible()
    expect(
        page.get_by_text(re.compile(rf"{names['b'].split()[0]} never sees them"))
    ).to_be_visible()
    page.get_by_label("Your message").fill(words)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Sent. Only your counsellor will read it.")).to_be_visible()
    expect(page.locator(".message-mine", has_text=words)).to_be_visible()
    alex.look("private-thread-sent")
    assert words not in page.evaluate(STORED)

    # The counsellor, at a desk: the dashboard says a message waits; the inbox; the reply.
    desk = person(f"messages-{couple['tag']}-counsellor")
    page = desk.page
    log_in(page, desk.base, counsellor_email, counsellor_password)
    expect(page.get_by_text("A message from a client waits for you.")).to_be_visible()
    page.locator("#messages-waiting").get_by_role("link", name="Messages").click()
    desk.look("inbox")
    page.get_by_role("link", name=re.compile(rf"{names['a'].split()[0]}, privately")).click()
    expect(page.get_by_text(words)).to_be_visible()
    page.get_by_label("Your message").fill(reply)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Your message is sent.")).to_be_visible()
    desk.look("thread-replied")
    page.goto(desk.base + "/dashboard")
    expect(page.get_by_text(re.compile("from clients? waits? for you"))).to_have_count(0)

    # Alex reads the reply from the portal's home page.
    page = alex.page
    page.goto(alex.base + "/portal/")
    expect(page.get_by_text("A new message waits for you.")).to_be_visible()
    page.get_by_role("link", name="Read").click()
    page.get_by_role("link", name=re.compile(rf"^With {counsellor_name}\s+Only you")).click()
    expect(page.locator(".message-theirs", has_text=reply)).to_be_visible()
    alex.look("private-thread-replied")
    log_out(page, names["a"])
    stored = page.evaluate(STORED)
    assert words not in stored
    assert reply not in stored

    # Jordan's portal reads as it did, word for word.
    after = texts_of(jordan)
    for path in JORDANS_PAGES:
        assert words not in after[path], path
        assert reply not in after[path], path
        assert after[path] == before[path], path
    jordan.look("joint-thread-unchanged")
    assert words not in jordan.page.evaluate(STORED)
