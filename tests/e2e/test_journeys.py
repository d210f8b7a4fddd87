"""The five journeys of the practice, clicking only what a person would click.

The owner sets the practice up, a counsellor opens a case and gives homework,
both partners join from their phones, the counsellor records and signs a
session and hands out its PDFs, and finally someone tries what they should not.
Each journey builds what the ones before it would have left (a counsellor, a
case with homework, partners who joined and did it) through the pages, under
emails of its own, so that each runs alone, in any order, on the one server.
"""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import OWNER, PHONE
from tests.e2e.helpers import PASSWORD as CLIENT_PASSWORD
from tests.e2e.helpers import Couple, Homework, join, log_in, new_counsellor, open_case, tag
from tests.factories import pdf_text

COUNSELLOR = ("casey@e2e.example.org", "casey's long password")
PARTNERS = {"a": "Alex Morgan", "b": "Jordan Morgan"}
NOTE_WORDS = "Alex pursued, Jordan withdrew; we slowed the cycle down together."
HOMEWORK = [
    Homework("I-statements", "Rewrite three complaints"),
    Homework("date night", "A different date every week"),
    Homework("appreciation", "Notice what usually goes unthanked"),
]

pytestmark = pytest.mark.browser


@pytest.fixture
def casey_account(person):
    """Casey Counsellor's account, with an email of this journey's own."""
    return new_counsellor(person, OWNER, "Casey Counsellor", f"casey-{tag()}@e2e.example.org")


@pytest.fixture
def invited(person, casey_account, practice_day):
    """What the counsellor's first journey leaves: the Morgans' case, screened, with
    three exercises, the next session booked in two days, and both partners invited."""
    mark = tag()
    couple = Couple(
        names=PARTNERS,
        emails={p: f"{PARTNERS[p].split()[0].lower()}-{mark}@e2e.example.org" for p in "ab"},
        counsellor=casey_account,
    )
    open_case(person, couple, HOMEWORK, next_session=practice_day + timedelta(days=2))
    return couple


@pytest.fixture
def joined(person, invited):
    """...and what the partners' journey leaves: each joined, wrote a rewrite (Jordan
    shared theirs) and checked in."""
    for position in "ab":
        phone = join(person, invited, position, PHONE)
        page = phone.page
        page.get_by_role("link", name=re.compile("Rewrite three complaints")).click()
        page.get_by_label(re.compile("Write your best rewrite")).fill(f"A rewrite ({position}).")
        page.locator("fieldset", has_text="How helpful was it?").get_by_label("4").check()
        page.locator("fieldset", has_text="How hard was it?").get_by_label("2").check()
        if position == "b":
            page.get_by_label("Share this entry with my partner").check()
        page.get_by_role("button", name="Save my entry").click()
        expect(page.get_by_text("Saved. Well done for doing it.")).to_be_visible()
        page.get_by_role("link", name="Check in").click()
        for question in ("happiness", "warm and comfortable", "rewarding", "satisfied"):
            page.locator("fieldset", has_text=question).get_by_label(re.compile("^3")).check()
        page.get_by_label("Trust").fill("6")
        page.get_by_role("button", name="Send my check-in").click()
        expect(page.get_by_text("Thank you.")).to_be_visible()
        phone.close()
    return invited


def test_1_owner_sets_up_the_practice(person):
    owner = person("owner")
    page = owner.page
    log_in(page, owner.base, *OWNER)
    expect(page.get_by_role("heading", name=re.compile("Good to see you"))).to_be_visible()
    expect(page.get_by_role("heading", name="Setting up the practice")).to_be_visible()
    owner.look("dashboard-first-time")
    page.get_by_role("link", name="Name the practice").click()
    owner.look("settings")
    page.get_by_label("Practice name").fill("Harbour Couples Counselling")
    page.get_by_label("Time zone").fill("Europe/London")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Practice settings saved.")).to_be_visible()
    page.get_by_role("link", name="Accounts").click()
    page.get_by_role("link", name="New counsellor").click()
    owner.look("new-counsellor")
    page.get_by_label("Name").fill("Casey Counsellor")
    page.get_by_label("Email").fill(COUNSELLOR[0])
    page.get_by_label("First password").fill(COUNSELLOR[1])
    page.get_by_label("Type it again").fill(COUNSELLOR[1])
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text(f"Casey Counsellor can now log in as {COUNSELLOR[0]}.")).to_be_visible()
    expect(page).to_have_title(re.compile("Harbour Couples Counselling"))
    owner.look("accounts")


def test_2_counsellor_opens_a_case_and_gives_homework(person, casey_account, practice_day):
    mark = tag()
    casey = person("counsellor")
    page = casey.page
    log_in(page, casey.base, *casey_account[1:])
    casey.look("dashboard-empty")
    page.get_by_role("link", name="Open a case").first.click()
    page.get_by_label("Partner A's name").fill(PARTNERS["a"])
    page.get_by_label("Partner A's email").fill(f"alex-{mark}@e2e.example.org")
    page.get_by_label("Partner B's name").fill(PARTNERS["b"])
    page.get_by_label("Partner B's email").fill(f"jordan-{mark}@e2e.example.org")
    page.get_by_label("Poor communication").check()
    page.get_by_label("Goals").fill("Fewer rows about plans; more time as a couple.")
    page.get_by_label("Status").select_option("active")
    casey.look("new-case")
    page.get_by_role("button", name="Open case").click()
    expect(page.get_by_text("Case opened for Alex Morgan & Jordan Morgan")).to_be_visible()
    casey.look("case-new")

    page.get_by_role("link", name="Record a screening").first.click()
    page.get_by_label("No safety concerns identified").check()
    page.get_by_label("Reason and plan").fill(
        "Seen separately; no violence, threats or fear reported."
    )
    casey.look("safety")
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Saved: no safety concerns identified.")).to_be_visible()

    for position in ("a", "b"):
        page.get_by_role("button", name="Invite to the portal").first.click()
        expect(page.get_by_role("heading", name=re.compile("Invitation for"))).to_be_visible()
        expect(page.get_by_label(re.compile("One-time link"))).to_have_value(re.compile("/invite/"))
        casey.look(f"invitation-{position}")
        page.get_by_role("link", name="Back to the case").click()

    for query, title in (
        ("I-statements", "Rewrite three complaints"),
        ("date night", "A different date every week"),
        ("appreciation", "Notice what usually goes unthanked"),
    ):
        page.get_by_role("link", name="Assign homework").first.click()
        page.get_by_role("searchbox", name="Find an exercise").fill(query)
        page.get_by_role("button", name="Search").click()
        casey.look(f"search-{query.split()[0].lower()}")
        item = page.locator(".list-group-item", has_text=title)
        item.get_by_role("link", name="Choose").click()
        page.get_by_label("Your words for this couple").fill(
            f"For you both: start small with {title}."
        )
        casey.look(f"assign-{query.split()[0].lower()}")
        page.get_by_role("button", name="Assign").click()
        expect(page.get_by_text(f"“{title}” is assigned.")).to_be_visible()
    casey.look("case-with-homework")

    # Book the next session for two days' time, so the partners are asked to check in.
    page.get_by_role("link", name="Sessions").click()
    page.get_by_role("link", name="Add a session").first.click()
    soon = (practice_day + timedelta(days=2)).isoformat()
    page.get_by_label("Date").fill(soon)
    page.get_by_label("Start time").fill("17:00")
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_text("Session booked with")).to_be_visible()


@pytest.mark.parametrize(("position", "share"), [("a", False), ("b", True)])
def test_3_each_partner_joins_from_a_phone(person, invited, position, share):
    name, email = PARTNERS[position], invited.emails[position]
    first = name.split()[0]
    phone = person(f"partner-{position}", PHONE)
    page = phone.go(invited.links[position])
    expect(page.get_by_role("heading", name=f"Welcome, {first}")).to_be_visible()
    phone.look("invitation")
    expect(page.get_by_label("Your email")).to_have_value(email)
    page.get_by_label("Choose a password").fill(CLIENT_PASSWORD)
    page.get_by_label("Type it again").fill(CLIENT_PASSWORD)
    page.get_by_role("button", name="Set password and continue").click()
    expect(page.get_by_role("heading", name=f"Hello, {first}")).to_be_visible()
    phone.look("portal-home")

    page.get_by_role("link", name=re.compile("Rewrite three complaints")).click()
    phone.look("exercise")
    page.get_by_label(re.compile("Write your best rewrite")).fill(
        f"{first}: 'You never plan' became 'I feel left out when plans change late'."
    )
    page.locator("fieldset", has_text="How helpful was it?").get_by_label("4").check()
    page.locator("fieldset", has_text="How hard was it?").get_by_label("2").check()
    if share:
        page.get_by_label("Share this entry with my partner").check()
    page.get_by_role("button", name="Save my entry").click()
    expect(page.get_by_text("Saved. Well done for doing it.")).to_be_visible()
    phone.look("entry-saved")

    page.get_by_role("link", name="Check in").click()
    phone.look("check-in")
    for question, answer in (
        ("happiness", "3: Happy"),
        ("warm and comfortable", "3: Mostly true"),
        ("rewarding", "3: Mostly"),
        ("satisfied", "2: Somewhat"),
    ):
        page.locator("fieldset", has_text=question).get_by_label(answer, exact=True).check()
    page.get_by_label("Trust").fill("6")
    page.get_by_role("button", name="Send my check-in").click()
    expect(page.get_by_text("Thank you.")).to_be_visible()
    expect(page.get_by_role("link", name="Check in")).to_have_count(0)
    if share:
        page.get_by_role("button", name="Show menu").click()
        page.get_by_role("link", name="My entries").click()
        phone.look("my-entries")


def test_4_counsellor_records_signs_and_hands_out(person, joined, practice_day):
    casey = person("counsellor-session")
    page = casey.page
    log_in(page, casey.base, *joined.counsellor[1:])
    casey.look("dashboard")
    page.get_by_role("link", name="Calendar").click()
    expect(page.get_by_role("heading", name=re.compile("Week of"))).to_be_visible()
    casey.look("calendar-week")
    page.goto(casey.base + joined.case_url)
    page.get_by_role("link", name="Sessions").click()
    page.get_by_role("link", name="Add a session").first.click()
    # Today at midnight on the server's clock: started, whatever the hour (it booked
    # today at nine, and failed before nine), and on the day the partners' entries are.
    page.get_by_label("Date").fill(practice_day.isoformat())
    page.get_by_label("Start time").fill("00:00")
    page.get_by_label("Status").select_option("attended")
    page.get_by_label("For the couple’s handout").fill(
        "We named the pattern that takes over when plans change, and practised pausing it."
    )
    page.get_by_role("button", name="Save session").click()
    expect(page.get_by_text("Write the note while it is fresh.")).to_be_visible()

    page.get_by_role("link", name="Write the note").click()
    expect(page.get_by_label("Template", exact=True)).to_have_value("eft")
    expect(page.get_by_text(re.compile("Rewrite three complaints \\(Alex\\)"))).to_be_visible()
    page.get_by_label("Cycle observed").fill(NOTE_WORDS)
    page.get_by_label("Emotions accessed").fill("Jordan's fear of failing under the silence.")
    page.get_by_label("Homework reviewed").fill("Both did the rewrites; Jordan shared one.")
    page.get_by_label("Tracking and reflecting the cycle").check()
    page.get_by_label("EFT stage and step reached").select_option("2")
    casey.look("note-draft")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Sign note").click()
    expect(page.get_by_text("Note signed.")).to_be_visible()
    expect(page.get_by_text("content hash verified")).to_be_visible()
    page.get_by_label("Addendum").fill("Correction: the holiday plans were Jordan's idea.")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Sign and add addendum").click()
    expect(page.get_by_text("Addendum signed and added.")).to_be_visible()
    casey.look("signed-note")

    # One handout for each partner, headed with their own name. (Its homework is what
    # was given at the session; this couple's was given from the case page.)
    for name in PARTNERS.values():
        first = name.split()[0]
        with page.expect_download() as handout:
            page.get_by_role("link", name=f"{first}’s handout (PDF)").click()
        data = handout.value.path().read_bytes()
        assert data.startswith(b"%PDF")
        slug = name.lower().replace(" ", "-")
        assert handout.value.suggested_filename.startswith(f"handout-{slug}-")
        text = pdf_text(data)
        assert f"prepared for {name}" in text
        assert "practised pausing it" in text
        assert NOTE_WORDS not in text

    page.goto(casey.base + joined.case_url)
    page.get_by_role("link", name="Progress", exact=True).click()
    expect(page.get_by_role("heading", name="Relationship satisfaction (CSI-4)")).to_be_visible()
    casey.look("progress")
    with page.expect_download() as report:
        page.get_by_role("link", name="Progress report (PDF)").click()
    text = pdf_text(report.value.path().read_bytes())
    assert "Progress report" in text
    assert "Relationship satisfaction (CSI-4)" in text
    assert "1 joint session attended" in text


def test_5_what_nobody_should_be_able_to_do(person, joined, practice_day, end_logins):
    _, counsellor_email, counsellor_password = joined.counsellor
    casey = person("counsellor-abuse")
    page = casey.page
    log_in(page, casey.base, counsellor_email, counsellor_password)
    # Another couple, with homework of their own.
    page.get_by_role("link", name="New case").first.click()
    page.get_by_label("Partner A's name").fill("Sam Other")
    page.get_by_label("Partner B's name").fill("Robin Other")
    page.get_by_role("button", name="Open case").click()
    other_case = page.url.removeprefix(casey.base)
    page.get_by_role("link", name="Record a screening").first.click()
    page.get_by_label("No safety concerns identified").check()
    page.get_by_role("button", name="Record the decision").click()
    page.get_by_role("link", name="Assign homework").first.click()
    page.get_by_role("searchbox", name="Find an exercise").fill("listening")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name="Choose").first.click()
    page.get_by_role("button", name="Assign").click()
    other_homework = page.locator(f"a[href^='{other_case}/homework/']").first.get_attribute("href")

    # Alex's private entry, and Alex's view of everything that is not theirs.
    alex = person("partner-a-abuse", PHONE)
    page = alex.page
    log_in(page, alex.base, joined.emails["a"], CLIENT_PASSWORD)
    page.goto(alex.base + "/portal/entries")
    private_entry = page.locator("a[href^='/portal/entries/']").first.get_attribute("href")
    foreign = other_homework.replace(f"{other_case}/homework/", "/portal/homework/")
    for url in (
        other_case,
        joined.case_url,
        joined.case_url + "/progress",
        "/dashboard",
        "/catalogue/",
        foreign,
        "/admin/accounts",
    ):
        page.goto(alex.base + url)
        expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    alex.look("not-found")

    # Jordan never reaches Alex's private entry.
    jordan = person("partner-b-abuse", PHONE)
    page = jordan.page
    log_in(page, jordan.base, joined.emails["b"], CLIENT_PASSWORD)
    page.goto(jordan.base + private_entry)
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()

    # A double tap on "Save my entry" makes one entry.
    page.goto(jordan.base + "/portal/entries")
    before = page.locator("a[href^='/portal/entries/']").count()
    page.goto(jordan.base + "/portal/")
    page.get_by_role("link", name=re.compile("Notice what usually goes unthanked")).click()
    page.get_by_label(re.compile("What three things")).fill("Dishes, the school run, the call.")
    page.locator("fieldset", has_text="How helpful was it?").get_by_label("5").check()
    page.locator("fieldset", has_text="How hard was it?").get_by_label("1").check()
    page.get_by_role("button", name="Save my entry").dblclick()
    expect(page.get_by_text("Saved. Well done for doing it.")).to_be_visible()
    page.goto(jordan.base + "/portal/entries")
    expect(page.locator("a[href^='/portal/entries/']")).to_have_count(before + 1)

    # A note typed while the login timed out is kept, not lost.
    page = casey.page
    page.goto(casey.base + joined.case_url + "/sessions/new")
    page.get_by_label("Date").fill((practice_day - timedelta(days=2)).isoformat())
    page.get_by_label("Start time").fill("08:00")
    page.get_by_label("Status").select_option("attended")
    page.get_by_role("button", name="Save session").click()
    page.get_by_role("link", name="Write the note").click()
    page.get_by_label("Template", exact=True).select_option("dap")
    page.get_by_role("button", name="Use").click()
    words = "Typed just as the login ran out: Jordan asked for more warning of changes."
    # Hold back the background autosave, so that the form's own "Save draft" is what
    # meets the ended login, whenever the autosave's timer would have fired.
    page.route("**/note/autosave", lambda route: route.abort())
    page.get_by_label("Data").fill(words)
    page.wait_for_load_state("networkidle")
    # The login ends on the server (the idle timeout, or the owner ending it) while the
    # browser keeps its cookie, which names the login that ended.
    cookies = casey.context.cookies()
    assert end_logins(counsellor_email) >= 1
    assert casey.context.cookies() == cookies
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Your login had ended, so nothing was saved yet.")).to_be_visible()
    casey.look("login-after-timeout")
    page.get_by_label("Email").fill(counsellor_email)
    page.get_by_label("Password").fill(counsellor_password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("This is what you had typed before your login ended.")).to_be_visible()
    expect(page.get_by_label("Data")).to_have_value(words)
    casey.look("note-restored")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    expect(page.get_by_label("Data")).to_have_value(words)
