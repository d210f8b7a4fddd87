"""A couple share one phone: nothing one partner typed is left for the other.

Each test builds its own couple (a counsellor, two partners who have accepted
their invitations, homework they do together) on the journeys' server, then
hands one browser tab from one partner to the other, the way a phone is handed
across a sofa. Nothing here depends on the other journeys, on the day or on
the time: the homework starts on the day the counsellor gives it, the form's
own default.
"""

import re
import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import EXERCISE, PHONE
from tests.e2e.helpers import PASSWORD, log_in, log_out

pytestmark = pytest.mark.browser

#: Every key and value this origin keeps in the browser, in both storages.
STORAGE = """() => [localStorage, sessionStorage].flatMap(store =>
    Array.from({length: store.length}, (_, i) => store.key(i))
        .flatMap(key => [key, store.getItem(key)]))"""
#: What every field of the page holds.
FIELD_VALUES = """() => Array.from(document.querySelectorAll("input, textarea, select"))
    .map(field => field.value)"""


def storage(page) -> list[str]:
    return page.evaluate(STORAGE)


def current_user_id(page) -> str:
    return page.locator("meta[name=mend-user]").get_attribute("content")


def open_homework(page, base: str, couple) -> None:
    page.goto(base + couple["homework"])
    expect(page.get_by_role("heading", name=EXERCISE)).to_be_visible()


def alex_at_the_homework(person, couple, what: str):
    """A phone on which Alex has logged in and opened the couple's exercise."""
    phone = person(f"shared-{couple['tag']}-{what}", PHONE)
    log_in(phone.page, phone.base, couple["emails"]["a"], PASSWORD)
    open_homework(phone.page, phone.base, couple)
    return phone


@pytest.mark.parametrize("waits", [False, True], ids=["logs-out-at-once", "waits-for-autosave"])
def test_a_shared_phone_keeps_nothing_of_one_partner_for_the_other(person, couple, waits):
    marker = f"I am thinking about leaving {uuid.uuid4().hex}"
    names, emails = couple["names"], couple["emails"]
    # Alex starts the exercise, types, and does not save the entry.
    phone = alex_at_the_homework(person, couple, "waits" if waits else "at-once")
    page = phone.page
    page.locator("textarea.answer").first.fill(marker)
    status = page.locator("[data-autosave-status]")
    if waits:
        expect(status).to_contain_text("Draft saved at", timeout=15_000)
        phone.look("alex-draft-saved")
        # The server has it: the browser keeps no copy.
        assert not any(marker in item for item in storage(page))
    log_out(page, names["a"])
    assert not any(marker in item for item in storage(page)), "a copy survived the logout"

    # Jordan takes the phone and logs in on the same tab.
    log_in(page, phone.base, emails["b"], PASSWORD)
    expect(page.get_by_role("heading", name=re.compile("Hello, Jordan"))).to_be_visible()
    open_homework(page, phone.base, couple)
    phone.look("jordan-same-homework")
    assert not any(marker in value for value in page.evaluate(FIELD_VALUES))
    assert marker not in page.content()
    expect(page.get_by_text("Restored your draft")).to_have_count(0)
    assert not any(marker in item for item in storage(page))
    for path in ("/portal/", "/portal/entries", "/portal/shared"):
        page.goto(phone.base + path)
        assert marker not in page.content(), path
    log_out(page, names["b"])

    # Alex comes back: the draft is there, from the server.
    log_in(page, phone.base, emails["a"], PASSWORD)
    open_homework(page, phone.base, couple)
    expect(page.locator("textarea.answer").first).to_have_value(marker)
    expect(page.get_by_text("Restored your draft from")).to_be_visible()
    phone.look("alex-draft-restored")
    assert not any(marker in item for item in storage(page))


def test_the_page_says_when_a_draft_could_not_be_saved(person, couple):
    marker = f"Kept only while saving fails {uuid.uuid4().hex}"
    names, emails = couple["names"], couple["emails"]
    phone = alex_at_the_homework(person, couple, "failing")
    page = phone.page
    alex_id = current_user_id(page)
    key = f"mend-draft:{alex_id}:entry-{couple['homework'].rsplit('/', 1)[1]}"
    answer = page.locator("textarea.answer").first
    status = page.locator("[data-autosave-status]")

    # The server fails: the page says so, and a copy waits in this tab for Alex alone.
    page.route("**/draft", lambda route: route.fulfill(status=500, body="oops"))
    answer.fill(marker)
    expect(status).to_contain_text("Could not save your draft", timeout=15_000)
    phone.look("draft-not-saved")
    kept = page.evaluate("key => sessionStorage.getItem(key)", key)
    assert marker in (kept or "")
    # The connection drops: the same, in plain words.
    page.unroute("**/draft")
    page.route("**/draft", lambda route: route.abort())
    answer.fill(marker + " again")
    expect(status).to_contain_text("check your connection", timeout=15_000)
    # Back online: saved, and the copy in the tab goes.
    page.unroute("**/draft")
    answer.fill(marker + " at last")
    expect(status).to_contain_text("Draft saved at", timeout=15_000)
    assert page.evaluate("key => sessionStorage.getItem(key)", key) is None

    # Failing again at logout: the copy still goes with Alex.
    page.route("**/draft", lambda route: route.abort())
    answer.fill(marker + " unsaved")
    expect(status).to_contain_text("check your connection", timeout=15_000)
    log_out(page, names["a"])
    assert not any(item.startswith("mend-draft:") for item in storage(page))
    assert not any(marker in item for item in storage(page))

    # A copy of someone else's, however it got here, is gone before Jordan's page uses it.
    log_in(page, phone.base, emails["b"], PASSWORD)
    page.evaluate(
        """([key, marker]) => {
            sessionStorage.setItem(key, JSON.stringify({"answers-0": [marker]}));
            sessionStorage.setItem("mend-draft:undefined", marker);
            localStorage.setItem("mend-draft:undefined", marker);
        }""",
        [key, marker],
    )
    open_homework(page, phone.base, couple)
    assert not any(marker in value for value in page.evaluate(FIELD_VALUES))
    assert not any(marker in item for item in storage(page))


def test_a_counsellors_note_is_kept_in_the_tab_for_them_alone(person, couple, practice_day):
    """The note's safety net for a timed-out login stays, keyed to the counsellor."""
    words = f"Typed while the network was down {uuid.uuid4().hex}"
    name, email, password = couple["counsellor"]
    desk = person(f"shared-{couple['tag']}-note")
    page = desk.page
    log_in(page, desk.base, email, password)
    # Yesterday at nine on the server's clock: in the past at any hour the test runs.
    page.goto(desk.base + couple["case_url"] + "/sessions/new")
    page.get_by_label("Date").fill((practice_day - timedelta(days=1)).isoformat())
    page.get_by_label("Start time").fill("09:00")
    page.get_by_label("Status").select_option("attended")
    page.get_by_role("button", name="Save session").click()
    page.get_by_role("link", name="Write the note").click()
    # Typing before the page's script has run would keep nothing: wait for it.
    page.wait_for_load_state()
    session_id = re.search(r"/sessions/(\d+)/note", page.url).group(1)
    key = f"mend-draft:{current_user_id(page)}:note-{session_id}"

    page.route("**/note/autosave", lambda route: route.abort())
    page.locator("form[data-autosave] textarea").first.fill(words)
    assert words in page.evaluate("key => sessionStorage.getItem(key)", key)
    expect(page.locator("[data-autosave-status]")).to_contain_text(
        "check your connection", timeout=15_000
    )
    page.reload()
    expect(page.locator("form[data-autosave] textarea").first).to_have_value(words)
    expect(page.locator("[data-autosave-status]")).to_contain_text("Put back what you typed")
    desk.look("note-put-back")

    page.unroute("**/note/autosave")
    log_out(page, name)
    assert not any(words in item for item in storage(page))
