"""What the journeys do on the way to what they test: log in and out, and build a couple.

A journey that needs a counsellor, a case or partners who have joined makes its
own through the pages, with these, under names and emails of its own, so that
it runs alone or after any other journey on the same server. Nothing here takes
screenshots: the journeys themselves look at the pages they are about.
"""

import re
import uuid
from dataclasses import dataclass, field
from datetime import date

from playwright.sync_api import expect

#: The password each partner chooses when they join from their invitation.
PASSWORD = "a partner's long password"
COUNSELLOR_PASSWORD = "the counsellor's long password"
#: Narrower than this (px), the navigation is folded behind "Show menu".
FOLDED_BELOW = 768


def log_in(page, base: str, email: str, password: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log in")).to_have_count(0)


def log_out(page, name: str) -> None:
    """The way a person logs out, on a phone: the menu, their name, Log out.

    Each click waits for what the one before it opens to be open: the folded menu
    to have finished unfolding (Bootstrap's "show", set when its animation ends),
    then the account menu. Whether the menu is folded is a matter of the page's
    width (Bootstrap's md breakpoint), not of what is on the screen at the
    instant of asking, which on a busy machine may still be the page before.
    """
    page.wait_for_load_state()
    if page.viewport_size["width"] < FOLDED_BELOW:
        menu = page.get_by_role("button", name="Show menu")
        menu.click()
        expect(page.locator(".navbar-collapse")).to_have_class(re.compile(r"\bshow\b"))
    account = page.get_by_role("button", name=name)
    account.click()
    expect(account).to_have_attribute("aria-expanded", "true")
    page.get_by_role("button", name="Log out").click()
    # Logging out first sends an unsaved draft, waiting up to 3 s for it (app.js).
    expect(page.get_by_text("You have logged out.")).to_be_visible(timeout=15_000)


def tag() -> str:
    """A few characters that make one journey's names and emails its own."""
    return uuid.uuid4().hex[:8]


def new_counsellor(person, owner: tuple[str, str], name: str, email: str) -> tuple[str, str, str]:
    """The owner creates a counsellor's account; its name, email and password."""
    desk = person(f"{email.split('@')[0]}-made-by-owner")
    page = desk.page
    log_in(page, desk.base, *owner)
    page.goto(desk.base + "/admin/accounts")
    page.get_by_role("link", name="New counsellor").click()
    page.get_by_label("Name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("First password").fill(COUNSELLOR_PASSWORD)
    page.get_by_label("Type it again").fill(COUNSELLOR_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text(f"can now log in as {email}")).to_be_visible()
    desk.close()
    return name, email, COUNSELLOR_PASSWORD


@dataclass
class Homework:
    """An exercise to give: found by ``query``, chosen by ``title``, for ``whom`` (the
    label of the choice; None keeps the exercise's own), with the counsellor's words."""

    query: str
    title: str
    whom: str | None = None
    words: str = ""


@dataclass
class Couple:
    names: dict[str, str]
    emails: dict[str, str]
    counsellor: tuple[str, str, str]
    case_url: str = ""
    #: Each partner's one-time link to join, as a path.
    links: dict[str, str] = field(default_factory=dict)


def open_case(
    person,
    couple: Couple,
    homework: list[Homework],
    *,
    screened: bool = True,
    next_session: date | None = None,
) -> None:
    """The counsellor opens the couple's case (active), records a screening with no
    concerns, invites both partners, gives the homework and books the next session."""
    desk = person(f"{couple.emails['a'].split('@')[0]}-case")
    page = desk.page
    log_in(page, desk.base, *couple.counsellor[1:])
    page.get_by_role("link", name="Open a case").first.click()
    for position, label in (("a", "Partner A"), ("b", "Partner B")):
        page.get_by_label(f"{label}'s name").fill(couple.names[position])
        page.get_by_label(f"{label}'s email").fill(couple.emails[position])
    page.get_by_label("Status").select_option("active")
    page.get_by_role("button", name="Open case").click()
    expect(page.get_by_role("button", name="Invite to the portal").first).to_be_visible()
    couple.case_url = page.url.removeprefix(desk.base)
    if screened:
        page.get_by_role("link", name="Record a screening").first.click()
        page.get_by_label("No safety concerns identified").check()
        page.get_by_role("button", name="Record the decision").click()
        expect(page.get_by_text("Saved: no safety concerns identified")).to_be_visible()
    for position in ("a", "b"):
        page.get_by_role("button", name="Invite to the portal").first.click()
        link = page.get_by_label(re.compile("One-time link")).input_value()
        couple.links[position] = link.removeprefix(desk.base)
        page.get_by_role("link", name="Back to the case").click()
    for given in homework:
        page.get_by_role("link", name="Assign homework").first.click()
        page.get_by_role("searchbox", name="Find an exercise").fill(given.query)
        page.get_by_role("button", name="Search").click()
        item = page.locator(".list-group-item", has_text=given.title)
        item.get_by_role("link", name="Choose").click()
        if given.whom:
            page.get_by_label(given.whom).check()
        if given.words:
            page.get_by_label("Your words for this couple").fill(given.words)
        page.get_by_role("button", name="Assign").click()
        expect(page.get_by_text(f"“{given.title}” is assigned.")).to_be_visible()
    if next_session is not None:
        page.get_by_role("link", name="Sessions").click()
        page.get_by_role("link", name="Add a session").first.click()
        page.get_by_label("Date").fill(next_session.isoformat())
        page.get_by_label("Start time").fill("17:00")
        page.get_by_role("button", name="Save session").click()
        expect(page.get_by_text("Session booked with")).to_be_visible()
    desk.close()


def join(person, couple: Couple, position: str, viewport: dict):
    """The partner opens their invitation on a phone of their own and chooses a password;
    the person, on their portal's home page (to close when done)."""
    phone = person(f"{couple.emails[position].split('@')[0]}-joining", viewport)
    page = phone.page
    page.goto(phone.base + couple.links[position])
    page.get_by_label("Choose a password").fill(PASSWORD)
    page.get_by_label("Type it again").fill(PASSWORD)
    page.get_by_role("button", name="Set password and continue").click()
    expect(page.get_by_role("heading", name=re.compile("Hello,"))).to_be_visible()
    return phone
