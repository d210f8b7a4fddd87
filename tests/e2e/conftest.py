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
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from practice.auth.models import LoginSession, User
from practice.database import FixedClock
from tests.e2e.helpers import Couple, Homework, join, new_counsellor, open_case, tag
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
    # One server per test process (pytest-xdist), each with its own log.
    log = ROOT / "build" / f"e2e-server-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}.log"
    server, base = start_gunicorn(env, log, workers=2)
    if not wait_until_up(base):
        stop(server)
        pytest.fail(f"the server did not start; see {log}")
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
    # Emptied once, before any worker starts (tests/conftest.py: pytest_sessionstart);
    # here each worker only makes sure it is there.
    SHOTS.mkdir(parents=True, exist_ok=True)


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

#: The exercise the ``couple`` fixture's partners do together.
EXERCISE = "A different date every week"


@pytest.fixture
def couple(person):
    """A couple with portal logins and an exercise to do together; names made unique."""
    mark = tag()
    counsellor = new_counsellor(person, OWNER, f"Casey {mark}", f"c-{mark}@e2e.example.org")
    made = Couple(
        names={"a": f"Alex {mark}", "b": f"Jordan {mark}"},
        emails={p: f"{p}-{mark}@e2e.example.org" for p in "ab"},
        counsellor=counsellor,
    )
    open_case(person, made, [Homework("date night", EXERCISE, "Both together")])
    homework = None
    for position in "ab":  # each partner joins on a phone of their own first
        phone = join(person, made, position, PHONE)
        link = phone.page.get_by_role("link", name=re.compile(EXERCISE))
        homework = link.get_attribute("href")
        phone.close()
    return {
        "names": made.names,
        "emails": made.emails,
        "homework": homework,
        "tag": mark,
        "counsellor": counsellor,
        "case_url": made.case_url,
    }
