"""Browser journeys against a real server, in headless Chromium.

A fresh practice is built in a temporary folder (migrated, catalogue loaded, an
owner created), served by gunicorn on a free loopback port, and driven with
Playwright through Debian's ``/usr/bin/chromium`` (no browser is downloaded).
Every page a journey passes through is screenshotted, at desktop and phone
size, into ``build/screenshots/``, and checked with axe-core for serious or
critical accessibility problems.
"""

import json
import os
import re
import shutil
import uuid
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from practice.auth.models import LoginSession, User
from practice.database import FixedClock
from tests.live import ROOT, flask_command, start_gunicorn, stop, wait_until_up

SHOTS = ROOT / "build" / "screenshots"
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
OWNER = ("owner@e2e.example.org", "the owner's long password")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def live_instance(tmp_path_factory) -> Path:
    """The served practice's instance folder; its database is ``e2e.sqlite3`` in it."""
    return tmp_path_factory.mktemp("e2e-instance")


@pytest.fixture(scope="session")
def server_clock(fixed_now) -> FixedClock:
    """The served practice's clock, as near as the journeys need: started with the server
    (which runs as under test, so that its own clock starts at ``fixed_now`` too)."""
    return FixedClock(fixed_now)


@pytest.fixture(scope="session")
def practice_day(fixed_now) -> date:
    """The day the journeys start on, in the practice's time zone (the owner sets London)."""
    return fixed_now.astimezone(ZoneInfo("Europe/London")).date()


@pytest.fixture
def end_logins(live_instance, server_clock):
    """``end_logins(email)`` ends that person's logins on the server, as an idle timeout or
    the owner does, while their browser keeps its cookie."""
    engine = sa.create_engine(f"sqlite:///{live_instance}/e2e.sqlite3")

    def end(email: str) -> int:
        whose = sa.select(User.id).where(User.email == email).scalar_subquery()
        with engine.begin() as conn:
            ended = conn.execute(
                sa.update(LoginSession)
                .where(LoginSession.user_id == whose, LoginSession.ended_at.is_(None))
                .values(ended_at=server_clock.now())
            )
        return ended.rowcount

    yield end
    engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_instance, _screenshot_folder, server_clock):
    """The app under gunicorn with two workers on a fresh database; yields its address.

    It runs as under test so that its clock starts at ``fixed_now`` (``--now``): the
    journeys then mean the same at any hour of any day."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: .ci/run installs it (apt-get install chromium)")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    instance = live_instance
    env = {
        **os.environ,
        "MEND_ENV": "testing",
        "MEND_INSTANCE_PATH": str(instance),
        "TEST_DATABASE_URL": f"sqlite:///{instance}/e2e.sqlite3",
        "MEND_FIXED_NOW": server_clock.at.isoformat(),
        # Every journey logs in from 127.0.0.1; the default throttle would stop them.
        "MEND_LOGIN_LIMIT": "1000 per minute",
        "MEND_LOGIN_ACCOUNT_LIMIT": "1000 per minute",
    }
    flask_command(env, "db", "upgrade", check=True)
    flask_command(env, "catalogue", "load", check=True)
    flask_command(
        env,
        "create-owner",
        "--email",
        OWNER[0],
        "--name",
        "Olive Owner",
        "--password",
        OWNER[1],
        check=True,
    )
    log = ROOT / "build" / "e2e-server.log"
    server, base = start_gunicorn(env, log, workers=2)
    if not wait_until_up(base, 30):
        stop(server)
        pytest.fail("the server did not start; see build/e2e-server.log")
    yield base
    stop(server)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session", autouse=True)
def _screenshot_folder():
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)


class Person:
    """One person at one browser: their page, with a camera and an accessibility check."""

    def __init__(self, browser, base: str, name: str, viewport: dict):
        self.context = browser.new_context(viewport=viewport, accept_downloads=True)
        self.page = self.context.new_page()
        self.base = base
        self.name = name
        self.size = "phone" if viewport["width"] < 500 else "desktop"
        self.shots = 0
        self.console_errors: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))

    def go(self, path: str):
        self.page.goto(self.base + path)
        return self.page

    def look(self, step: str) -> None:
        """Screenshot the page at desktop and phone size, check it reads at each width
        with no sideways scrolling, and run axe-core over it."""
        self.shots += 1
        self.page.wait_for_load_state()
        title = self.page.title()
        assert "·" in title, f"{step}: the title says where you are ({title!r})"
        own = self.page.viewport_size
        for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            self.page.set_viewport_size(viewport)
            name = f"{self.name}-{self.shots:02d}-{step}-{size}.png"
            self.page.screenshot(path=str(SHOTS / name), full_page=True)
            width = self.page.evaluate("document.documentElement.scrollWidth")
            assert width <= viewport["width"], f"{step}: {width}px wide at {size} size"
            check_accessibility(self.page, f"{step} ({size})")
        self.page.set_viewport_size(own)

    def close(self):
        self.context.close()


def check_accessibility(page, step: str) -> None:
    # Evaluated through the DevTools protocol, which the pages' CSP (no inline
    # script) rightly does not allow a <script> tag to do.
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, f"{step}: " + json.dumps(
        [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"][:3]]}
            for v in bad
        ],
        indent=1,
    )


#: WCAG 2.2 at levels A and AA, as axe-core tags them.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def check_accessibility_strictly(page, step: str) -> None:
    """axe-core over the page against WCAG 2.2 AA, colour contrast included: no violation
    of any impact, not only the serious and critical ones."""
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "async tags => await axe.run(document, "
        "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        WCAG_AA,
    )
    assert not result["violations"], f"{step}: " + json.dumps(
        [
            {
                "id": v["id"],
                "impact": v["impact"],
                "nodes": [(n["target"], n.get("failureSummary", "")[:200]) for n in v["nodes"][:3]],
            }
            for v in result["violations"]
        ],
        indent=1,
    )


@pytest.fixture
def person(browser, live_server):
    people = []

    def make(name: str, viewport=DESKTOP) -> Person:
        p = Person(browser, live_server, name, viewport)
        people.append(p)
        return p

    yield make
    for p in people:
        p.close()


# --- A couple on the journeys' server, made through the pages --------------------------

PASSWORD = "a partner's long password"
EXERCISE = "A different date every week"


def log_in(page, base: str, email: str, password: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log in")).to_have_count(0)


def log_out(page, name: str) -> None:
    """The way a person logs out, on a phone: the menu, their name, Log out."""
    menu = page.get_by_role("button", name="Show menu")
    if menu.is_visible():
        menu.click()
    page.get_by_role("button", name=name).click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You have logged out.")).to_be_visible()


@pytest.fixture
def couple(person):
    """A couple with portal logins and an exercise to do together; names made unique."""
    tag = uuid.uuid4().hex[:8]
    counsellor = (f"c-{tag}@e2e.example.org", "the counsellor's long password")
    names = {"a": f"Alex {tag}", "b": f"Jordan {tag}"}
    emails = {p: f"{p}-{tag}@e2e.example.org" for p in names}

    owner = person(f"shared-{tag}-owner")
    page = owner.page
    log_in(page, owner.base, *OWNER)
    page.goto(owner.base + "/admin/accounts")
    page.get_by_role("link", name="New counsellor").click()
    page.get_by_label("Name").fill(f"Casey {tag}")
    page.get_by_label("Email").fill(counsellor[0])
    page.get_by_label("First password").fill(counsellor[1])
    page.get_by_label("Type it again").fill(counsellor[1])
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text(f"can now log in as {counsellor[0]}")).to_be_visible()
    owner.close()

    desk = person(f"shared-{tag}-counsellor")
    page = desk.page
    log_in(page, desk.base, *counsellor)
    page.get_by_role("link", name="Open a case").first.click()
    for position, label in (("a", "Partner A"), ("b", "Partner B")):
        page.get_by_label(f"{label}'s name").fill(names[position])
        page.get_by_label(f"{label}'s email").fill(emails[position])
    page.get_by_label("Status").select_option("active")
    page.get_by_role("button", name="Open case").click()
    case_url = page.url.removeprefix(desk.base)
    page.get_by_role("link", name="Record a screening").first.click()
    page.get_by_label("No safety concerns identified").check()
    page.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_text("Saved: no safety concerns identified")).to_be_visible()
    links = []
    for _ in names:
        page.get_by_role("button", name="Invite to the portal").first.click()
        links.append(page.get_by_label(re.compile("One-time link")).input_value())
        page.get_by_role("link", name="Back to the case").click()
    page.get_by_role("link", name="Assign homework").first.click()
    page.get_by_role("searchbox", name="Find an exercise").fill("date night")
    page.get_by_role("button", name="Search").click()
    page.locator(".list-group-item", has_text=EXERCISE).get_by_role("link", name="Choose").click()
    page.get_by_label("Both together").check()
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text(f"“{EXERCISE}” is assigned.")).to_be_visible()
    desk.close()

    homework = None
    for link in links:  # each partner joins on a phone of their own first
        phone = person(f"shared-{tag}-joining", PHONE)
        page = phone.page
        page.goto(link)
        page.get_by_label("Choose a password").fill(PASSWORD)
        page.get_by_label("Type it again").fill(PASSWORD)
        page.get_by_role("button", name="Set password and continue").click()
        expect(page.get_by_role("heading", name=re.compile("Hello,"))).to_be_visible()
        homework = page.get_by_role("link", name=re.compile(EXERCISE)).get_attribute("href")
        phone.close()
    return {
        "names": names,
        "emails": emails,
        "homework": homework,
        "tag": tag,
        "counsellor": (f"Casey {tag}", *counsellor),
        "case_url": case_url,
    }
