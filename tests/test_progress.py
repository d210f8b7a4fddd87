"""Progress the EFT way: CSI-4 check-ins, the progress view, cycle, review and dashboard."""

import re
from datetime import UTC, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from practice.audit.models import AuditEvent
from practice.auth.models import Role
from practice.dates import format_date, practice_today
from practice.extensions import db
from practice.main.dashboard import attention
from practice.progress.checkins import check_in_due, checked_in_since, sessions_since
from practice.progress.csi import CSIError, distressed, score
from practice.progress.models import ChangeMarker, CheckIn, Marker, NegativeCycle, Review
from practice.sessions.models import Session, SessionStatus
from tests.conftest import PASSWORD
from tests.factories import add_check_in, add_session, signed_note

#: The CSI-4 as the brief gives it (Funk & Rogge, 2007): wording and answer labels.
CSI_ITEMS = [
    (
        "csi_happiness",
        "Please indicate the degree of happiness, all things considered, of your relationship.",
        [
            "Extremely unhappy",
            "Fairly unhappy",
            "A little unhappy",
            "Happy",
            "Very happy",
            "Extremely happy",
            "Perfect",
        ],
    ),
    (
        "csi_warm",
        "I have a warm and comfortable relationship with my partner.",
        [
            "Not at all true",
            "A little true",
            "Somewhat true",
            "Mostly true",
            "Almost completely true",
            "Completely true",
        ],
    ),
    (
        "csi_rewarding",
        "How rewarding is your relationship with your partner?",
        ["Not at all", "A little", "Somewhat", "Mostly", "Almost completely", "Completely"],
    ),
    (
        "csi_satisfied",
        "In general, how satisfied are you with your relationship?",
        ["Not at all", "A little", "Somewhat", "Mostly", "Almost completely", "Completely"],
    ),
]

CHART_TITLES = (
    "CSI-4 over time",
    "Building blocks, as the counsellor rates them",
    "EFT step reached",
    "Homework kept up between sessions",
)


@pytest.fixture
def as_counsellor(auth, counsellor):
    auth.login(counsellor)
    return counsellor


@pytest.fixture
def case(make_case, counsellor):
    return make_case(counsellor, weeks_ago=8)


def check_in_data(answers=(4, 3, 3, 3), **change) -> dict:
    data = {
        "form_token": "c-" + "0" * 30,
        "csi_happiness": str(answers[0]),
        "csi_warm": str(answers[1]),
        "csi_rewarding": str(answers[2]),
        "csi_satisfied": str(answers[3]),
        "block_trust": "6",
        "block_teamwork": "7",
    }
    data |= change
    return {key: value for key, value in data.items() if value is not None}


def check_ins() -> list[CheckIn]:
    return list(db.session.scalars(sa.select(CheckIn).order_by(CheckIn.id)))


def attended(case, days, step=None, blocks=None) -> Session:
    session = add_session(case, days)
    session.eft_step = step
    session.block_ratings = blocks or {}
    db.session.commit()
    return session


def as_user(app, user):
    browser = app.test_client()
    response = browser.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return browser


# --- CSI-4 scoring -----------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "total", "is_distressed"),
    [
        ((0, 0, 0, 0), 0, True),
        ((6, 5, 5, 5), 21, False),
        ((3, 3, 3, 3), 12, True),
        ((4, 3, 3, 3), 13, True),
        ((4, 4, 3, 3), 14, False),
        ((6, 0, 0, 0), 6, True),
        ((0, 5, 5, 5), 15, False),
        ([5, 4, 4, 4], 17, False),
    ],
)
def test_csi4_scores_hand_worked_examples(answers, total, is_distressed):
    assert score(answers) == total
    assert distressed(total) is is_distressed


@pytest.mark.parametrize(
    "answers",
    [
        (7, 0, 0, 0),
        (0, 6, 0, 0),
        (0, 0, 6, 0),
        (0, 0, 0, 6),
        (-1, 3, 3, 3),
        (3, 3, 3),
        (3, 3, 3, 3, 3),
        (),
        (3, 3, 3, None),
        ("3", 3, 3, 3),
        (3.0, 3, 3, 3),
        (True, 3, 3, 3),
        (3, 3, False, 3),
    ],
    ids=[
        "happiness-7",
        "warm-6",
        "rewarding-6",
        "satisfied-6",
        "negative",
        "three-answers",
        "five-answers",
        "none",
        "missing",
        "text",
        "float",
        "bool-true",
        "bool-false",
    ],
)
def test_csi4_refuses_what_is_not_a_complete_answer(answers):
    with pytest.raises(CSIError):
        score(answers)


def test_the_distress_line():
    assert distressed(13.4)
    assert not distressed(13.5)


# --- The check-in in the portal ----------------------------------------------


def test_the_portal_check_in_asks_the_csi4_in_its_own_words(client, auth, case):
    auth.login(case.partners[0].user)
    response = client.get("/portal/checkin")
    page = response.data.decode()
    assert response.status_code == 200
    assert "Check-in before your session" in page
    positions = []
    for n, (name, text, labels) in enumerate(CSI_ITEMS, 1):
        assert f"{n}. {text}</legend>" in page
        positions.append(page.index(text))
        values = re.findall(rf'name="{name}"[^>]* value="(\d+)"', page) or re.findall(
            rf'value="(\d+)"[^>]* name="{name}"', page
        )
        assert values == [str(v) for v in range(len(labels))], name
        for value, label in enumerate(labels):
            assert re.search(rf'for="{name}-{value}">{value}: {label}</label>', page), label
    assert positions == sorted(positions)
    assert "Couples Satisfaction Index (CSI-4; Funk &amp; Rogge, 2007)" in page
    for block in ("Communication", "Mutual respect", "Trust", "Emotional intimacy", "Support"):
        assert block in page
    assert check_ins() == []


@pytest.mark.parametrize(
    ("answers", "total"), [((0, 0, 0, 0), 0), ((6, 5, 5, 5), 21), ((4, 3, 3, 3), 13)]
)
def test_a_complete_check_in_is_scored_and_kept(client, auth, case, answers, total):
    alex = case.partners[0]
    auth.login(alex.user)
    response = client.post("/portal/checkin", data=check_in_data(answers))
    assert response.status_code == 302
    assert response.headers["Location"] == "/portal/"
    [check_in] = check_ins()
    assert check_in.answers == answers
    assert check_in.csi_total == total
    assert (check_in.partner_id, check_in.case_id) == (alex.id, case.id)
    assert check_in.entered_by_id == alex.user.id
    assert check_in.blocks == {"trust": 6, "teamwork": 7}
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "checkin.create"))
    assert (event.object_id, event.detail) == (check_in.id, {"by": "client"})
    assert "Thank you. Your counsellor will look at this with you." in (
        client.get("/portal/").data.decode()
    )


def test_a_double_sent_check_in_is_kept_once(client, auth, case):
    auth.login(case.partners[1].user)
    data = check_in_data(form_token="same-token-1234")
    assert client.post("/portal/checkin", data=data).status_code == 302
    assert client.post("/portal/checkin", data=data).status_code == 302
    assert len(check_ins()) == 1


ALREADY = "You can check in again after your next session."


def test_a_second_check_in_in_the_same_window_is_refused_clearly(client, auth, case):
    alex = case.partners[0]
    add_session(case, -7)
    add_session(case, 2, status=SessionStatus.SCHEDULED)
    auth.login(alex.user)
    assert client.post("/portal/checkin", data=check_in_data()).status_code == 302
    # The page now says it is done, and when, instead of asking again.
    page = client.get("/portal/checkin")
    text = page.data.decode()
    assert page.status_code == 200
    assert ALREADY in text
    assert "You sent your check-in on" in text
    assert 'name="csi_happiness"' not in text
    # A second form (another tab, the back button) is refused: 409, no second row.
    again = client.post("/portal/checkin", data=check_in_data(form_token="c-" + "1" * 30))
    assert again.status_code == 409
    assert "This check-in was not sent: you have already checked in." in again.data.decode()
    assert len(check_ins()) == 1
    # Even a bad second form is answered with the window, never a 500.
    bad = client.post("/portal/checkin", data=check_in_data(csi_warm="9", form_token="c-2"))
    assert bad.status_code == 409
    assert len(check_ins()) == 1


def test_a_double_tap_on_send_is_one_check_in_and_no_refusal(client, auth, case):
    auth.login(case.partners[0].user)
    data = check_in_data(form_token="tap-" + "3" * 20)
    first = client.post("/portal/checkin", data=data)
    second = client.post("/portal/checkin", data=data)
    assert (first.status_code, second.status_code) == (302, 302)
    assert second.headers["Location"] == "/portal/"
    assert len(check_ins()) == 1


def test_the_next_window_opens_after_the_next_session(client, auth, case):
    alex, jordan = case.partners
    add_check_in(alex, -3, (3, 3, 3, 3))
    auth.login(alex.user)
    assert ALREADY in client.get("/portal/checkin").data.decode()
    # Jordan's check-in is Jordan's own window.
    auth.logout()
    auth.login(jordan.user)
    assert ALREADY not in client.get("/portal/checkin").data.decode()
    auth.logout()
    # A session Alex came to since: a new window.
    add_session(case, -1)
    auth.login(alex.user)
    assert ALREADY not in client.get("/portal/checkin").data.decode()
    assert client.post("/portal/checkin", data=check_in_data()).status_code == 302
    assert len(check_ins()) == 2


def test_the_other_partners_individual_session_opens_no_window(client, auth, case):
    alex = case.partners[0]
    add_check_in(alex, -3, (3, 3, 3, 3))
    add_session(case, -1, attendees=("b",))  # Jordan alone
    auth.login(alex.user)
    assert ALREADY in client.get("/portal/checkin").data.decode()


@pytest.mark.parametrize(
    ("last_session_ago", "last_check_in_ago", "done"),
    [
        (None, None, False),
        (None, timedelta(days=2), True),
        (timedelta(days=5), timedelta(days=9), False),
        (timedelta(days=5), timedelta(days=1), True),
        (timedelta(days=5), timedelta(days=5), True),
    ],
    ids=["never", "before-any-session", "before-last-session", "since", "at-the-session"],
)
def test_whether_this_window_has_its_check_in(last_session_ago, last_check_in_ago, done):
    now = datetime(2026, 6, 1, 12, tzinfo=UTC)
    last_session = now - last_session_ago if last_session_ago else None
    last_check_in = now - last_check_in_ago if last_check_in_ago else None
    assert checked_in_since(last_session, last_check_in) is done
    if last_session is not None or last_check_in is None:
        # Never both due and done, before a session that is near (asked before every one).
        came = [last_session] if last_session else []
        since = sessions_since(came, last_check_in)
        assert not (done and check_in_due(now, now + timedelta(days=1), since))


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"csi_happiness": "7"}, "csi_happiness", "Not a valid choice"),
        ({"csi_warm": "6"}, "csi_warm", "Not a valid choice"),
        ({"csi_rewarding": "x"}, "csi_rewarding", "Not a valid choice"),
        ({"csi_satisfied": "-1"}, "csi_satisfied", "Not a valid choice"),
        ({"csi_happiness": None}, "csi_happiness", "Please choose one answer."),
        ({"csi_satisfied": ""}, "csi_satisfied", "Please choose one answer."),
        ({"block_trust": "11"}, "block_trust", "0 to 10."),
        ({"block_communication": "-1"}, "block_communication", "0 to 10."),
        ({"block_support": "lots"}, "block_support", "Not a valid integer value."),
    ],
    ids=[
        "happiness-7",
        "warm-6",
        "rewarding-x",
        "satisfied-negative",
        "happiness-missing",
        "satisfied-blank",
        "block-11",
        "block-negative",
        "block-text",
    ],
)
def test_a_bad_check_in_is_400_and_nothing_stored(client, auth, case, change, field, message):
    auth.login(case.partners[0].user)
    response = client.post("/portal/checkin", data=check_in_data(**change))
    page = response.data.decode()
    assert response.status_code == 400
    assert re.search(rf'id="{field}-error" class="invalid-feedback d-block">[^<]*{message}', page)
    # What was answered is still chosen.
    if field != "csi_warm":
        assert re.search(r'<input checked[^>]* id="csi_warm-3"', page)
    if field != "block_teamwork":
        assert re.search(r'name="block_teamwork"[^>]* value="7"', page)
    assert check_ins() == []


def test_the_counsellor_cannot_use_the_portal_check_in(client, as_counsellor, case):
    assert client.post("/portal/checkin", data=check_in_data()).status_code == 403
    assert check_ins() == []


@pytest.mark.parametrize(
    ("next_in", "last_session_ago", "last_check_in_ago", "due"),
    [
        (timedelta(days=2), timedelta(days=5), None, True),
        (timedelta(days=2), timedelta(days=5), timedelta(days=9), True),
        (timedelta(days=2), timedelta(days=5), timedelta(days=1), False),
        (timedelta(days=4), timedelta(days=5), None, False),
        (None, timedelta(days=5), None, False),
        (timedelta(hours=-1), None, None, True),
        (timedelta(hours=-3), None, None, False),
        (timedelta(days=1), None, timedelta(days=20), False),
    ],
    ids=[
        "never-checked-in",
        "checked-in-before-last-session",
        "checked-in-since",
        "session-4-days-off",
        "no-session-booked",
        "session-just-started",
        "session-long-started",
        "first-session-already-checked-in",
    ],
)
def test_when_a_check_in_is_due(next_in, last_session_ago, last_check_in_ago, due):
    """Before every session, the default schedule (every N is in tests/test_check_ins.py)."""
    now = datetime(2026, 6, 1, 12, tzinfo=UTC)
    came = [now - last_session_ago] if last_session_ago else []
    last_check_in = now - last_check_in_ago if last_check_in_ago else None
    assert (
        check_in_due(
            now,
            now + next_in if next_in is not None else None,
            sessions_since(came, last_check_in),
        )
        is due
    )


def test_the_portal_asks_for_a_check_in_before_a_session(client, auth, case):
    alex, jordan = case.partners
    add_session(case, -7)
    add_check_in(alex, -10, (3, 3, 3, 3))  # before the last session
    add_session(case, 2, status=SessionStatus.SCHEDULED)
    ask = "Your next session is coming up. Would you take five minutes to check in first?"
    auth.login(alex.user)
    page = client.get("/portal/").data.decode()
    assert ask in page
    assert 'href="/portal/checkin"' in page
    assert client.post("/portal/checkin", data=check_in_data()).status_code == 302
    assert ask not in client.get("/portal/").data.decode()
    # Jordan, who has not checked in, is still asked.
    auth.logout()
    auth.login(jordan.user)
    assert ask in client.get("/portal/").data.decode()


def test_the_portal_does_not_ask_when_no_session_is_near(client, auth, case):
    add_session(case, -7)
    add_session(case, 5, status=SessionStatus.SCHEDULED)
    auth.login(case.partners[0].user)
    page = client.get("/portal/").data.decode()
    assert "Your next session is coming up" not in page
    assert 'href="/portal/checkin"' not in page


# --- The counsellor enters a check-in ----------------------------------------


def counsellor_check_in(partner, days=-3, **change) -> dict:
    day = (practice_today() + timedelta(days=days)).isoformat()
    return check_in_data(**change) | {"partner": str(partner.id), "completed_on": day}


def test_the_counsellor_enters_a_check_in_for_a_partner(client, as_counsellor, case):
    jordan = case.partners[1]
    response = client.get(f"/cases/{case.id}/checkins/new")
    page = response.data.decode()
    assert response.status_code == 200
    for partner in case.partners:
        assert f'value="{partner.id}"' in page
        assert partner.name in page
    assert CSI_ITEMS[0][1] in page
    assert f'value="{practice_today().isoformat()}"' in page
    response = client.post(
        f"/cases/{case.id}/checkins/new", data=counsellor_check_in(jordan, answers=(2, 2, 2, 2))
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cases/{case.id}/progress"
    [check_in] = check_ins()
    assert (check_in.partner_id, check_in.case_id) == (jordan.id, case.id)
    assert check_in.entered_by_id == as_counsellor.id
    assert check_in.csi_total == 8
    day = practice_today() - timedelta(days=3)
    assert check_in.completed_at == datetime.combine(day, time(12), tzinfo=UTC)
    page = client.get(response.headers["Location"]).data.decode()
    assert "Check-in saved: CSI-4 total 8 of 21." in page
    assert "entered by counsellor" in page
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "checkin.create"))
    assert event.detail == {"by": "counsellor"}  # the total is clinical: not in the trail


def test_a_partner_of_another_case_is_refused(client, as_counsellor, case, make_case):
    other = make_case(as_counsellor, ("Sam Okafor", "Robin Okafor"))
    response = client.post(
        f"/cases/{case.id}/checkins/new", data=counsellor_check_in(other.partners[0])
    )
    page = response.data.decode()
    assert response.status_code == 400
    assert re.search(r'id="partner-error" class="invalid-feedback d-block">[^<]*Not a valid', page)
    assert "Sam Okafor" not in page
    assert check_ins() == []


@pytest.mark.parametrize(
    ("days", "change", "field", "message"),
    [
        (1, {}, "completed_on", "A check-in cannot be dated in the future."),
        (-1, {"csi_happiness": "9"}, "csi_happiness", "Not a valid choice"),
        (-1, {"csi_warm": None}, "csi_warm", "Please choose one answer."),
    ],
    ids=["tomorrow", "happiness-9", "warm-missing"],
)
def test_a_bad_counsellor_check_in_is_400(
    client, as_counsellor, case, days, change, field, message
):
    response = client.post(
        f"/cases/{case.id}/checkins/new",
        data=counsellor_check_in(case.partners[0], days=days, **change),
    )
    page = response.data.decode()
    assert response.status_code == 400
    assert re.search(rf'id="{field}-error" class="invalid-feedback d-block">[^<]*{message}', page)
    assert check_ins() == []


# --- The progress view -------------------------------------------------------

STEPS = [1, 2, 3, 3, 4]


@pytest.fixture
def five_sessions(case, make_assignment, make_entry):
    """Five attended sessions a week apart, each rated, check-ins for both, some homework."""
    alex, jordan = case.partners
    sessions = [
        attended(
            case,
            -35 + 7 * n,
            step,
            {"communication": 3 + n, "trust": 2 + n, "teamwork": 5},
        )
        for n, step in enumerate(STEPS)
    ]
    for days, a, j in (
        (-36, (2, 2, 2, 2), (1, 1, 1, 1)),
        (-22, (3, 3, 3, 3), (3, 2, 2, 2)),
        (-8, (4, 4, 4, 4), (5, 4, 4, 4)),
    ):
        add_check_in(alex, days, a, {"trust": 3})
        add_check_in(jordan, days, j, {"trust": 4})
    log = make_assignment(
        case,
        "appreciation-noticing-log",
        "a",
        cadence="daily",
        starts_on=practice_today() - timedelta(days=14),
    )
    for days in (-13, -12, -11):
        make_entry(log, alex, done_on=practice_today() + timedelta(days=days))
    return sessions


def test_the_progress_view_tells_the_story(client, as_counsellor, case, five_sessions):
    response = client.get(f"/cases/{case.id}/progress")
    page = response.data.decode()
    assert response.status_code == 200
    assert page.count("<svg ") == 4
    for title in CHART_TITLES:
        assert re.search(rf'<title id="chart\d+-t">{title}</title>', page), title
    assert "13.5: distress line" in page
    # CSI-4: both partners at each check-in, in the chart's table.
    for total in (8, 12, 16, 4, 9, 17):
        assert f"<strong>{total}</strong>" in page
    assert page.count('badge text-bg-danger">below 13.5') == 4
    now = r"<td>CSI-4, {}</td>\s*<td>{}</td><td>{}</td>\s*<td>{} <span[^>]*>Recovered</span>"
    assert re.search(now.format("Alex", 8, 16, r"\+8"), page)
    assert re.search(now.format("Jordan", 4, 17, r"\+13"), page)
    # Building blocks, as rated at sessions 1 to 5.
    ratings = block_table(page)
    assert ratings["Communication"] == ["3", "4", "5", "6", "7"]
    assert ratings["Trust"] == ["2", "3", "4", "5", "6"]
    assert ratings["Teamwork"] == ["5"] * 5
    assert ratings["Support"] == ["–"] * 5
    # EFT steps reached, and where it stands now.
    assert "EFT stage 1, step 4" in page
    for n, step in enumerate(STEPS, 1):
        assert re.search(
            rf'sessions/{five_sessions[n - 1].id}">{n}</a></td><td>[^<]+</td>\s*'
            rf"<td>1: De-escalation</td>\s*<td>{step}: ",
            page,
        )
    # Homework between sessions: days -13 to -7 expected 7, three made.
    interval = r"<td>{}</td><td>[^<]+</td><td>[^<]+</td>\s*<td>{}"
    assert re.search(interval.format("Sessions 4–5", r"3 / 7 \(43%\)"), page)
    assert re.search(interval.format("Since session 5", r"0 / 6 \(0%\)"), page)
    # Five sessions: the review is due, with its form.
    assert '<div class="stat">5<span class="fs-6 text-body-secondary"> of 5+</span>' in page
    assert "Review due" in page
    assert f'action="/cases/{case.id}/review"' in page
    assert 'name="summary"' in page
    # Week 9 of treatment: implement and monitor.
    assert "Week 9" in page
    assert "<strong> · now, week 9</strong>" in page
    assert re.search(r'aria-current="step">\s*Implement and monitor', page)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "progress.view"))
    assert event.case_id == case.id


def block_table(page: str) -> dict[str, list[str]]:
    """{block: the counsellor's rating at each session} from the building-blocks table,
    whichever way round it is laid out."""
    section = page[page.index('id="h-blocks"') :]
    table = section[: section.index("</table>")]
    grid = [
        [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", cell)).strip() for cell in row]
        for row in (
            re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)
            for tr in re.findall(r"<tr>(.*?)</tr>", table, re.S)
        )
    ]
    if grid[0][0] == "Block":  # a row per block
        return {row[0]: row[1:] for row in grid[1:]}
    return {label: [row[j] for row in grid[1:]] for j, label in enumerate(grid[0]) if j}


def test_the_review_is_recorded_and_shown(client, as_counsellor, case, five_sessions):
    summary = "Both partners report more warmth; continue to stage 2"
    data = {
        "form_token": "review-" + "0" * 25,
        "reviewed_on": practice_today().isoformat(),
        "summary": summary,
    }
    response = client.post(f"/cases/{case.id}/review", data=data)
    assert response.status_code == 302
    [review] = db.session.scalars(sa.select(Review)).all()
    assert response.headers["Location"] == f"/cases/{case.id}/reviews/{review.id}"
    assert (review.case_id, review.summary, review.reviewed_by_id) == (
        case.id,
        summary,
        as_counsellor.id,
    )
    assert review.reviewed_on == practice_today()
    shown = client.get(response.headers["Location"]).data.decode()
    assert summary in shown
    page = client.get(f"/cases/{case.id}/progress").data.decode()
    assert "1 review recorded" in page
    assert f"Review of {format_date(practice_today())}" in page
    assert "Review due" not in page
    # The same form sent twice is one review; a later review is another.
    client.post(f"/cases/{case.id}/review", data=data)
    assert len(db.session.scalars(sa.select(Review)).all()) == 1
    assert "Record a later review" in page
    client.post(
        f"/cases/{case.id}/review",
        data=data | {"form_token": "review-" + "1" * 25, "summary": "Again"},
    )
    assert [r.summary for r in db.session.scalars(sa.select(Review).order_by(Review.id))] == [
        summary,
        "Again",
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"summary": ""}, "Write what the review found."),
        ({"reviewed_on": 1}, "A review cannot be dated in the future."),
        ({"reviewed_on": ""}, "Enter the date."),
    ],
    ids=["no-summary", "tomorrow", "no-date"],
)
def test_a_bad_review_is_400_and_kept(client, as_counsellor, case, five_sessions, change, message):
    data = {"reviewed_on": 0, "summary": "What we found at five sessions"} | change
    if isinstance(data["reviewed_on"], int):
        data["reviewed_on"] = (practice_today() + timedelta(days=data["reviewed_on"])).isoformat()
    response = client.post(f"/cases/{case.id}/review", data=data)
    page = response.data.decode()
    assert response.status_code == 400
    assert message in page
    if data["summary"]:
        assert data["summary"] in page
    assert page.count("<svg ") == 4
    assert db.session.scalars(sa.select(Review)).all() == []


def test_the_progress_view_of_a_new_case_is_empty_but_whole(client, as_counsellor, make_case):
    case = make_case(as_counsellor, weeks_ago=0)
    response = client.get(f"/cases/{case.id}/progress")
    page = response.data.decode()
    assert response.status_code == 200
    assert "<svg" not in page
    assert "No check-ins yet" in page
    assert "No attended sessions yet." in page
    assert "Rate the building blocks when writing a session" in page
    assert "Review at session 5" in page
    assert "5 more joint sessions to go" in page
    assert "Week 1" in page
    assert "Pause and reflect" in page
    assert 'name="summary"' not in page


def test_the_progress_view_runs_as_many_queries_for_12_sessions_as_for_2(
    client, as_counsellor, make_case, make_assignment, make_entry, count_queries
):
    counts = []
    for n in (2, 12):
        case = make_case(as_counsellor, (f"Alex {n}", f"Jordan {n}"), weeks_ago=n + 1)
        log = make_assignment(case, "appreciation-noticing-log", "each", cadence="daily")
        for i in range(n):
            attended(case, -7 * (n - i), 1 + i % 9, {"trust": i % 11})
            for partner in case.partners:
                add_check_in(partner, -7 * (n - i) - 1, (3, 3, 3, 3), {"trust": 5})
        make_entry(log, case.partners[0])
        with count_queries() as queries:
            response = client.get(f"/cases/{case.id}/progress")
        assert response.status_code == 200
        assert page_sessions(response.data.decode()) == n
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def page_sessions(page: str) -> int:
    return int(re.search(r'<div class="stat">(\d+)<span', page).group(1))


# --- The cycle and the markers of change -------------------------------------


def test_the_cycle_and_markers_are_saved_and_shown(client, as_counsellor, case, five_sessions):
    second, fourth = five_sessions[1], five_sessions[3]
    add_session(case, -3, status=SessionStatus.CANCELLED)
    response = client.get(f"/cases/{case.id}/cycle")
    page = response.data.decode()
    assert response.status_code == 200
    assert page.count(f'<option value="{second.id}">Session 2, ') == 3
    assert "Alex’s position" in page
    description = "The more Alex reaches by criticising, the more Jordan goes quiet"
    response = client.post(
        f"/cases/{case.id}/cycle",
        data={
            "position_a": "pursue",
            "position_b": "withdraw",
            "description": description,
            "de_escalation": str(second.id),
            "withdrawer_re_engagement": "",
            "blamer_softening": str(fourth.id),
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/cases/{case.id}/progress"
    cycle = db.session.get(NegativeCycle, case.id)
    assert (cycle.position_a, cycle.position_b, cycle.description) == (
        "pursue",
        "withdraw",
        description,
    )
    markers = {m.marker: m.session_id for m in db.session.scalars(sa.select(ChangeMarker)).all()}
    assert markers == {Marker.DE_ESCALATION: second.id, Marker.BLAMER_SOFTENING: fourth.id}
    page = client.get(response.headers["Location"]).data.decode()
    assert description in page
    assert (
        f"De-escalation of the cycle: first seen in session 2 ({format_date(second.starts_at)})"
        in page
    )
    assert "Withdrawer re-engagement: not yet" in page
    assert f"Blamer softening: first seen in session 4 ({format_date(fourth.starts_at)})" in page
    # Reopened, the form shows what was saved; clearing a marker removes it.
    page = client.get(f"/cases/{case.id}/cycle").data.decode()
    assert '<option selected value="pursue">' in page
    assert f'<option selected value="{fourth.id}">' in page
    response = client.post(
        f"/cases/{case.id}/cycle",
        data={
            "position_a": "pursue",
            "position_b": "withdraw",
            "description": description,
            "de_escalation": str(second.id),
            "blamer_softening": "",
        },
    )
    assert response.status_code == 302
    assert db.session.scalars(sa.select(ChangeMarker.marker)).all() == [Marker.DE_ESCALATION]


def test_the_progress_view_shows_each_partners_position(client, as_counsellor, case):
    db.session.add(
        NegativeCycle(
            case_id=case.id,
            position_a="pursue",
            position_b="withdraw",
            description="Alex reaches, Jordan retreats",
        )
    )
    db.session.commit()
    page = client.get(f"/cases/{case.id}/progress").data.decode()
    assert "Alex reaches, Jordan retreats" in page
    assert "Pursue / protest" in page
    assert "Withdraw / defend" in page


@pytest.mark.parametrize(
    "marker", ["cancelled", "other-case", "unknown"], ids=["cancelled", "other-case", "unknown"]
)
def test_a_marker_must_be_an_attended_session_of_the_case(
    client, as_counsellor, case, make_case, five_sessions, marker
):
    target = {
        "cancelled": lambda: add_session(case, -2, status=SessionStatus.CANCELLED).id,
        "other-case": lambda: add_session(make_case(as_counsellor, ("Lee Park",)), -2).id,
        "unknown": lambda: 99999,
    }[marker]()
    response = client.post(
        f"/cases/{case.id}/cycle",
        data={"position_a": "pursue", "position_b": "withdraw", "de_escalation": str(target)},
    )
    assert response.status_code == 400
    assert "Not a valid choice" in response.data.decode()
    assert db.session.scalars(sa.select(ChangeMarker)).all() == []
    assert db.session.get(NegativeCycle, case.id) is None


# --- The dashboard -----------------------------------------------------------


@pytest.fixture
def needing_attention(case, make_case, counsellor):
    """An unsigned note, a distressed partner, a falling one, and a review due."""
    alex, jordan = case.partners
    sessions = [attended(case, -35 + 7 * n) for n in range(5)]
    for session in sessions[:4]:
        signed_note(session)
    add_check_in(alex, -20, (3, 3, 3, 3))
    add_check_in(alex, -6, (4, 3, 3, 3))  # 13: better, still below 13.5: no news
    add_check_in(jordan, -20, (6, 5, 5, 5))  # 21
    add_check_in(jordan, -6, (5, 4, 4, 4))  # 17: a reliable fall
    calm = make_case(counsellor, ("Sam Okafor", "Robin Okafor"))
    for n, partner in enumerate(calm.partners):
        add_check_in(partner, -20, (5, 4, 4, 4))
        add_check_in(partner, -6, (5, 4, 4, 3 + n))  # 16 and 17: fine
    done = attended(calm, -3)
    signed_note(done)
    return {"unsigned": sessions[4], "calm": calm}


def test_the_dashboard_finds_what_needs_attention(counsellor, case, needing_attention):
    found = attention(counsellor, practice_today())
    assert [s.id for s in found.unsigned] == [needing_attention["unsigned"].id]
    assert found.unsigned_count == 1
    assert [(f.partner, f.baseline, f.total, f.reasons) for f in found.measures] == [
        ("Jordan", 21, 17, ("reliable fall since the first check-in",))
    ]
    assert found.improved == []
    assert [c.id for c in found.reviews_due] == [case.id]
    db.session.add(
        Review(
            case_id=case.id,
            reviewed_on=practice_today(),
            summary="ok",
            reviewed_by_id=counsellor.id,
        )
    )
    db.session.commit()
    assert attention(counsellor, practice_today()).reviews_due == []


def test_the_dashboard_shows_what_needs_attention(client, as_counsellor, case, needing_attention):
    response = client.get("/dashboard")
    page = response.data.decode()
    assert response.status_code == 200
    unsigned = needing_attention["unsigned"]
    assert f"/cases/{case.id}/sessions/{unsigned.id}" in page
    to_look_at = page.split('id="h-measures"')[1].split('id="h-reviews"')[0]
    assert re.search(r"Jordan: CSI-4 21 → 17", to_look_at)
    assert "reliable fall" in to_look_at
    # Regression: Alex went from 12 to 13, which is better, not a worry.
    assert "Alex:" not in to_look_at
    assert f'href="/cases/{case.id}/progress#h-change"' in page
    assert "Sam Okafor" not in page
    assert "dropped below the 13.5 distress line" in page
    assert "fallen by 4 points or more" in page


def test_the_dashboard_shows_improvement_as_good_news(client, as_counsellor, case):
    alex, jordan = case.partners
    add_check_in(alex, -20, (2, 2, 3, 3))  # 10
    add_check_in(alex, -6, (3, 3, 4, 4))  # 14: crossed above 13.5, and a reliable rise
    page = client.get("/dashboard").data.decode()
    to_look_at = page.split('id="h-measures"')[1].split('id="measures-better"')[0]
    assert "Alex" not in to_look_at
    better = page.split('id="measures-better"')[1].split("</p>")[0]
    assert "Good news" in better
    assert "10 → 14, recovered: a reliable rise to 13.5 or above" in better


# --- Who reaches progress ----------------------------------------------------

PROGRESS_URLS = [
    ("GET", "/cases/{case}/progress"),
    ("GET", "/cases/{case}/checkins/new"),
    ("POST", "/cases/{case}/checkins/new"),
    ("GET", "/cases/{case}/cycle"),
    ("POST", "/cases/{case}/cycle"),
    ("POST", "/cases/{case}/review"),
]


@pytest.fixture
def world(make_user, make_case, owner, counsellor):
    mine = make_case(counsellor)
    theirs = make_case(make_user(Role.COUNSELLOR), ("Sam Okafor", "Robin Okafor"))
    for n in range(5):
        attended(mine, -35 + 7 * n, 2)
    add_check_in(mine.partners[0], -3, (1, 1, 1, 1))
    return {
        "case": mine,
        "users": {
            "counsellor": counsellor,
            "other counsellor": theirs.counsellor,
            "owner": owner,
            "partner a": mine.partners[0].user,
            "partner b": mine.partners[1].user,
            "other couple": theirs.partners[0].user,
        },
    }


def posted(case) -> dict:
    return counsellor_check_in(case.partners[0]) | {
        "position_a": "pursue",
        "position_b": "withdraw",
        "description": "Someone else's description",
        "reviewed_on": practice_today().isoformat(),
        "summary": "Someone else's review",
    }


def progress_snapshot() -> tuple:
    return (
        len(check_ins()),
        db.session.scalars(sa.select(NegativeCycle.case_id)).all(),
        db.session.scalars(sa.select(Review.id)).all(),
    )


@pytest.mark.parametrize(("method", "url"), PROGRESS_URLS)
@pytest.mark.parametrize(
    "who", ["other counsellor", "owner", "partner a", "partner b", "other couple"]
)
def test_progress_urls_are_404_outside_ones_caseload(app, world, method, url, who):
    case = world["case"]
    before = progress_snapshot()
    browser = as_user(app, world["users"][who])
    target = url.format(case=case.id)
    response = browser.get(target) if method == "GET" else browser.post(target, data=posted(case))
    assert response.status_code == 404, (who, method, target)
    assert b"<svg" not in response.data
    assert progress_snapshot() == before


@pytest.mark.parametrize(("method", "url"), PROGRESS_URLS)
def test_progress_urls_send_the_logged_out_to_log_in(app, world, method, url):
    case = world["case"]
    before = progress_snapshot()
    browser = app.test_client()
    target = url.format(case=case.id)
    response = browser.get(target) if method == "GET" else browser.post(target, data=posted(case))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert progress_snapshot() == before


@pytest.mark.parametrize(("method", "url"), PROGRESS_URLS)
def test_progress_urls_answer_their_counsellor(app, world, method, url):
    case = world["case"]
    browser = as_user(app, world["users"]["counsellor"])
    target = url.format(case=case.id)
    response = browser.get(target) if method == "GET" else browser.post(target, data=posted(case))
    assert response.status_code in {200, 302}, (method, target)
