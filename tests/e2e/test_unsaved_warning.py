"""Leaving a note with typed text not yet saved asks first; saving it does not.

Each test builds its own couple on the journeys' server (see ``couple`` in
conftest.py). The background autosave is held back, so that what the page holds
is unsaved whenever its timer would have fired: nothing here depends on timing.
"""

import re
import uuid
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.browser


def wait_for(page, condition, seconds=15):
    """Let the browser's events arrive until ``condition()`` holds, or time runs out."""
    for _ in range(seconds * 20):
        if condition():
            return
        page.wait_for_timeout(50)


def open_a_new_note(desk, couple, practice_day):
    """A session yesterday at nine, recorded as attended, and its note form open."""
    page = desk.page
    log_in(page, desk.base, *couple["counsellor"][1:])
    page.goto(desk.base + couple["case_url"] + "/sessions/new")
    page.get_by_label("Date").fill((practice_day - timedelta(days=1)).isoformat())
    page.get_by_label("Start time").fill("09:00")
    page.get_by_label("Status").select_option("attended")
    page.get_by_role("button", name="Save session").click()
    page.get_by_role("link", name="Write the note").click()
    expect(page.get_by_label("Cycle observed")).to_be_visible()
    return page


def test_leaving_a_note_with_unsaved_text_asks_and_saving_does_not(person, couple, practice_day):
    desk = person(f"unsaved-{couple['tag']}")
    page = open_a_new_note(desk, couple, practice_day)
    dialogs = []

    def stay(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # "Stay on page"

    page.on("dialog", stay)
    # Untouched, the page can be left without a question.
    page.get_by_role("link", name="Caseload").click()
    expect(page.get_by_label("Cycle observed")).to_have_count(0)
    assert dialogs == []
    page.go_back()
    expect(page.get_by_label("Cycle observed")).to_be_visible()

    page.route("**/note/autosave", lambda route: route.abort())
    words = f"Typed and not yet saved {uuid.uuid4().hex}"
    page.get_by_label("Cycle observed").fill(words)
    page.get_by_label("Trust").fill("6")
    note_url = page.url
    page.get_by_role("link", name="Caseload").click()
    wait_for(page, lambda: dialogs)
    assert dialogs == ["beforeunload"]
    assert page.url == note_url  # stayed, and the words are still there
    expect(page.get_by_label("Cycle observed")).to_have_value(words)
    desk.look("note-typed-not-saved")

    # The warning keeps nothing typed in the browser's storage: the only copy is the
    # note's own login-timeout copy in this tab (app.js), removed at logout.
    stored = page.evaluate(
        "() => [localStorage, sessionStorage].flatMap(s => "
        "Array.from({length: s.length}, (_, i) => [s.key(i), s.getItem(s.key(i))]))"
    )
    assert [key for key, value in stored if words in value] == [
        key for key, _ in stored if key.startswith("mend-draft:") and "note-" in key
    ]
    assert page.evaluate("() => localStorage.length") == 0

    # Saving the form is not leaving it unsaved.
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    expect(page.get_by_label("Cycle observed")).to_have_value(words)
    assert dialogs == ["beforeunload"]
    # Saved, the page can be left again without a question.
    page.get_by_role("link", name="Caseload").click()
    expect(page.get_by_label("Cycle observed")).to_have_count(0)
    assert dialogs == ["beforeunload"]


def test_switching_the_template_keeps_the_typed_text_and_does_not_ask(person, couple, practice_day):
    desk = person(f"switch-{couple['tag']}")
    page = open_a_new_note(desk, couple, practice_day)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    page.route("**/note/autosave", lambda route: route.abort())
    page.get_by_label("Cycle observed").fill("The more one reaches, the more the other hides.")
    page.get_by_label("Plan", exact=True).fill("Slow the cycle down next time.")
    page.get_by_label("Template", exact=True).select_option("dap")
    page.get_by_role("button", name="Use").click()
    expect(page.get_by_text("The note now uses the DAP template.")).to_be_visible()
    assert dialogs == []
    expect(page.get_by_label("Plan", exact=True)).to_have_value("Slow the cycle down next time.")
    expect(page.get_by_label("Data")).to_have_value(
        "[From “Cycle observed” in the EFT template]\n"
        "The more one reaches, the more the other hides."
    )
    expect(page.get_by_text(re.compile("This draft uses the DAP"))).to_be_visible()
    desk.look("note-switched")
