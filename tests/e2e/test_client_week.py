"""A client's week on a phone: a check-in, two entries, and a correction.

The journey builds its own couple on the journeys' server (a counsellor, two
partners who have accepted their invitations, an exercise each does daily,
found by its American spelling), then follows Alex through the week at phone
size. Every page is screenshotted at both sizes; the portal's home, homework,
entry and check-in pages are checked with axe-core against WCAG 2.2 AA with no
violation of any impact allowed, and the radio buttons are measured: a 24 px
box with a visible edge, on a 44 px row that is itself the target.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, OWNER, PHONE, check_accessibility_strictly
from tests.e2e.helpers import (
    PASSWORD,
    Couple,
    Homework,
    join,
    log_in,
    new_counsellor,
    open_case,
    tag,
)

pytestmark = pytest.mark.browser

EXERCISE = "Turn a criticism into a question"
#: Radio buttons and checkboxes as a thumb finds them.
MEASURE = """() => Array.from(document.querySelectorAll('.form-check')).map(row => {
    const input = row.querySelector('.form-check-input');
    const box = input.getBoundingClientRect(), line = row.getBoundingClientRect();
    return {box: [box.width, box.height], row: line.height,
            border: getComputedStyle(input).borderTopColor,
            borderWidth: getComputedStyle(input).borderTopWidth};
})"""


@pytest.fixture
def couple(person):
    """A couple with portal logins and an exercise each does daily; names made unique."""
    mark = tag()
    counsellor = new_counsellor(person, OWNER, f"Casey {mark}", f"w-{mark}@e2e.example.org")
    made = Couple(
        names={"a": f"Alex {mark}", "b": f"Jordan {mark}"},
        emails={p: f"week-{p}-{mark}@e2e.example.org" for p in "ab"},
        counsellor=counsellor,
    )
    # The catalogue is British; the counsellor types the American spelling.
    given = Homework("criticize", EXERCISE, "Each partner, separately")
    open_case(person, made, [given], screened=False)
    for position in "ab":
        join(person, made, position, PHONE).close()
    return {
        "tag": mark,
        "emails": made.emails,
        "counsellor": counsellor[1:],
        "case_url": made.case_url,
    }


def strictly(phone, step: str) -> None:
    """Screenshots at both sizes (``look``), then WCAG 2.2 AA with nothing let through."""
    phone.look(step)
    for viewport in (DESKTOP, PHONE):
        phone.page.set_viewport_size(viewport)
        check_accessibility_strictly(phone.page, f"{step} ({viewport['width']} px)")
    phone.page.set_viewport_size(PHONE)


def controls_fit_a_thumb(page, step: str) -> None:
    # After a click the heading can show before the theme's stylesheet has loaded;
    # measured then, the controls have Bootstrap's own 16 px boxes.
    page.wait_for_load_state()
    rows = page.evaluate(MEASURE)
    assert rows, f"{step}: no radio buttons or checkboxes"
    for row in rows:
        assert min(row["box"]) >= 24, f"{step}: {row}"
        assert row["row"] >= 44, f"{step}: a row {row['row']} px high"
        # Grey (4.3:1 on the beige) or, once chosen, the theme's green (6.8:1).
        edges = ("rgb(108, 117, 125)", "rgb(47, 93, 98)")
        assert row["border"] in edges, f"{step}: edge {row['border']}"
        assert row["borderWidth"] == "2px", step


def write_entry(page, answer: str, helpful: str, hard: str) -> None:
    page.locator("textarea.answer").first.fill(answer)
    # Tap the row, well right of the button: the whole row is the target.
    for legend, value in (("How helpful was it?", helpful), ("How hard was it?", hard)):
        group = page.get_by_role("group", name=legend)
        group.locator(".form-check-label", has_text=re.compile(f"^{value}$")).click()
        expect(group.get_by_label(value, exact=True)).to_be_checked()


def test_a_clients_week_on_a_phone(person, couple):
    phone = person(f"week-{couple['tag']}-alex", PHONE)
    page = phone.page
    log_in(page, phone.base, couple["emails"]["a"], PASSWORD)
    expect(page.get_by_role("heading", name=re.compile("Hello, Alex"))).to_be_visible()
    strictly(phone, "home")

    # Monday: the check-in, every CSI-4 answer tapped on its row's label.
    page.goto(phone.base + "/portal/checkin")
    controls_fit_a_thumb(page, "check-in")
    strictly(phone, "check-in")
    for n, answer in enumerate(("3: Happy", "3: Mostly", "3: Mostly", "3: Mostly")):
        group = page.locator("fieldset").nth(n)
        row = group.locator(".form-check", has_text=answer)
        box = row.bounding_box()
        row.click(position={"x": box["width"] - 8, "y": box["height"] / 2})
        expect(group.get_by_label(answer)).to_be_checked()
    page.get_by_label("Trust").fill("6")
    page.get_by_role("button", name="Send my check-in").click()
    expect(
        page.get_by_text("Thank you. Your counsellor will look at this with you.")
    ).to_be_visible()
    # Sent twice, by the back button: the page says it is done instead of a second one.
    page.go_back()
    page.reload()
    expect(page.get_by_text("You can check in again after your next session.")).to_be_visible()
    strictly(phone, "check-in-done")

    # Two entries on the week's homework.
    for n, (answer, helpful, hard) in enumerate(
        (
            ("I asked what he needed instead of blaming.", "4", "3"),
            ("Teh second time was easier", "3", "2"),
        ),
        1,
    ):
        page.goto(phone.base + "/portal/")
        page.get_by_role("link", name=re.compile(EXERCISE)).click()
        expect(page.get_by_role("heading", name=EXERCISE)).to_be_visible()
        if n == 1:
            controls_fit_a_thumb(page, "homework")
            strictly(phone, "homework")
        write_entry(page, answer, helpful, hard)
        page.get_by_role("button", name="Save my entry").click()
        expect(page.get_by_text("Saved. Well done for doing it.")).to_be_visible()
    strictly(phone, "home-after-two-entries")

    # A correction of the second: the typo put right, the rating changed.
    menu = page.get_by_role("button", name="Show menu")
    if menu.is_visible():
        menu.click()
    page.get_by_role("link", name="My entries").click()
    page.locator("a[href^='/portal/entries/']").first.click()
    expect(page.get_by_text("Teh second time was easier")).to_be_visible()
    strictly(phone, "entry")
    page.get_by_role("link", name="Correct this entry").click()
    expect(page.get_by_role("heading", name="Correct your entry")).to_be_visible()
    answer = page.locator("textarea.answer").first
    expect(answer).to_have_value("Teh second time was easier")
    controls_fit_a_thumb(page, "correction")
    strictly(phone, "correction")
    answer.fill("The second time was easier.")
    page.get_by_role("group", name="How helpful was it?").get_by_label("4", exact=True).check()
    page.get_by_role("button", name="Save the correction").click()
    expect(
        page.get_by_text("Corrected. Your counsellor can see that you changed it")
    ).to_be_visible()
    expect(page.get_by_text("The second time was easier.")).to_be_visible()
    expect(page.get_by_text("Teh second time")).to_have_count(0)
    strictly(phone, "entry-corrected")
    entry_url = page.url.removeprefix(phone.base)
    phone.close()

    # The counsellor sees it was edited, and what it said before.
    desk = person(f"week-{couple['tag']}-counsellor-reads")
    page = desk.page
    log_in(page, desk.base, *couple["counsellor"])
    page.goto(desk.base + couple["case_url"])
    page.get_by_role("link", name=re.compile(EXERCISE)).first.click()
    expect(page.get_by_text(re.compile(r"^edited "))).to_be_visible()
    page.get_by_text("What it said before (1 earlier version)").click()
    expect(page.get_by_text("Teh second time was easier")).to_be_visible()
    desk.look("counsellor-sees-the-correction")
    # The progress page: the bar and the timeline's "now" row in the theme's green.
    page.goto(desk.base + couple["case_url"] + "/progress")
    now = page.locator("#h-timeline ~ ol .list-group-item.active")
    assert now.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(47, 93, 98)"
    desk.look("counsellor-progress")
    check_accessibility_strictly(page, "progress (desktop)")
    desk.close()

    # Jordan cannot reach Alex's entry, nor its correction.
    other = person(f"week-{couple['tag']}-jordan", PHONE)
    log_in(other.page, other.base, couple["emails"]["b"], PASSWORD)
    for path in (entry_url, entry_url + "/edit"):
        response = other.page.goto(other.base + path)
        assert response.status == 404, path
    other.close()
