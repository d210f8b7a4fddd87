"""Safety in the portal, in a real browser: the quick exit, and "I don't feel safe".

Each test builds its own couple through the pages (the ``couple`` fixture of
conftest.py: a counsellor, two partners who joined from their invitations,
homework they do together). After a quick exit the tab shows the neutral page,
Back finds no portal page, and the login is over on the server. A partner's
"I don't feel safe" reaches the top of the counsellor's dashboard, and the other
partner's portal is what it was.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, SHOTS
from tests.e2e.helpers import PASSWORD, log_in

pytestmark = pytest.mark.browser

#: A portal page's text, without what changes from one request to the next.
PAGE_TEXT = "() => document.querySelector('main').innerText"


def login_is_over(page, base: str) -> None:
    """A fresh request for the portal, with this tab's cookies, is sent to log in."""
    response = page.context.request.get(base + "/portal/", max_redirects=0)
    assert response.status == 302
    assert response.headers["location"].startswith("/login")


def shows_the_neutral_page(page, base: str, shot: str) -> None:
    expect(page).to_have_url(base + "/leave")
    expect(page.get_by_role("heading", name="Not Found")).to_be_visible()
    assert page.title() == "Not Found"
    page.screenshot(path=str(SHOTS / f"{shot}.png"), full_page=True)


def back_finds_no_portal_page(page, base: str) -> None:
    page.go_back()
    page.wait_for_load_state()
    assert not page.url.startswith(base + "/portal"), page.url
    expect(page.get_by_role("button", name="Quick exit")).to_have_count(0)
    expect(page.get_by_role("heading", name=re.compile("Hello,"))).to_have_count(0)


def test_quick_exit_by_the_button_on_a_phone(person, couple):
    phone = person(f"exit-{couple['tag']}-button", PHONE)
    page = phone.page
    log_in(page, phone.base, couple["emails"]["a"], PASSWORD)
    page.get_by_role("link", name=re.compile("More about support")).click()
    phone.look("support-page")
    page.get_by_role("button", name="Quick exit").click()
    shows_the_neutral_page(page, phone.base, f"exit-{couple['tag']}-button-neutral")
    login_is_over(page, phone.base)
    back_finds_no_portal_page(page, phone.base)
    page.goto(phone.base + "/portal/")
    expect(page).to_have_url(re.compile(r"/login"))


def test_quick_exit_by_the_keyboard_and_escape_twice(person, couple):
    desk = person(f"exit-{couple['tag']}-escape")
    page = desk.page
    log_in(page, desk.base, couple["emails"]["b"], PASSWORD)
    page.goto(desk.base + couple["homework"])
    # The button is among the first stops of the Tab key.
    for _ in range(4):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Quick exit":
            break
    else:
        pytest.fail("Tab did not reach the Quick exit button")
    desk.look("homework-quick-exit-focused")
    # One Escape does nothing (it closes menus, as always) ...
    page.keyboard.press("Escape")
    page.wait_for_timeout(1200)
    assert page.url == desk.base + couple["homework"]
    # ... twice within a second leaves.
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    shows_the_neutral_page(page, desk.base, f"exit-{couple['tag']}-escape-neutral")
    login_is_over(page, desk.base)
    back_finds_no_portal_page(page, desk.base)


def test_quick_exit_without_javascript(browser, live_server, couple):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, live_server, couple["emails"]["a"], PASSWORD)
        page.get_by_role("button", name="Quick exit").click()
        shows_the_neutral_page(page, live_server, f"exit-{couple['tag']}-no-script-neutral")
        login_is_over(page, live_server)
    finally:
        context.close()


def test_i_dont_feel_safe_reaches_the_counsellors_dashboard(person, couple):
    words = f"Call after nine, on my work phone {couple['tag']}"
    names = couple["names"]
    # Jordan's portal, before.
    jordan = person(f"notsafe-{couple['tag']}-jordan", PHONE)
    log_in(jordan.page, jordan.base, couple["emails"]["b"], PASSWORD)
    before = {path: text_of(jordan, path) for path in ("/portal/", "/portal/resources")}

    alex = person(f"notsafe-{couple['tag']}-alex", PHONE)
    page = alex.page
    log_in(page, alex.base, couple["emails"]["a"], PASSWORD)
    page.get_by_role("link", name=re.compile("I don’t feel safe")).click()
    alex.look("contact-form")
    page.get_by_label(re.compile("Anything your counsellor should know")).fill(words)
    page.get_by_role("button", name="Tell my counsellor").click()
    expect(page.get_by_text("Your counsellor has been told, privately")).to_be_visible()
    alex.look("contact-sent")
    # Alex answers the safety questions too, alone.
    page.get_by_role("link", name="Answer the safety questions privately").click()
    for fieldset in page.locator("fieldset").all():
        fieldset.get_by_label("No", exact=True).check()
    page.locator("fieldset", has_text="check your phone").get_by_label("Yes").check()
    alex.look("questions")
    page.get_by_role("button", name="Send to my counsellor").click()
    expect(page.get_by_text("Your answers went to your counsellor alone")).to_be_visible()

    # Jordan's portal, after: the same.
    for path, text in before.items():
        assert text_of(jordan, path) == text, path
    jordan.look("after-alex-asked")

    name, email, password = couple["counsellor"]
    desk = person(f"notsafe-{couple['tag']}-counsellor")
    page = desk.page
    log_in(page, desk.base, email, password)
    banner = page.locator(
        "section", has=page.get_by_role("heading", name="Asked you to contact them")
    )
    expect(banner).to_contain_text(f"{names['a']}")
    expect(banner).to_contain_text("told you privately that they do not feel safe")
    desk.look("dashboard-alert")
    banner.get_by_role("link", name=names["a"]).click()
    expect(page.get_by_text(words)).to_be_visible()
    desk.look("case-alert")
    page.goto(desk.base + couple["case_url"] + "/safety")
    expect(page.get_by_text(f"taken by {names['a'].split()[0]} in the portal")).to_be_visible()
    desk.look("safety-portal-screen")


def text_of(who, path: str) -> str:
    who.page.goto(who.base + path)
    return who.page.evaluate(PAGE_TEXT)
