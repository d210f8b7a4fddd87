"""Drafts of homework entries: kept on the server as a partner types, for them alone.

A couple often share one phone. What Alex types and has not saved is kept as
Alex's draft, restored to Alex, and to nobody else: not Jordan, even on homework
they both do, not another couple, not the counsellor. It goes when the entry is
saved, and is refused once the homework is withdrawn or the counselling closed.
"""

import json
import re
from io import BytesIO

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from practice.cases.models import CaseStatus
from practice.dates import practice_today
from practice.extensions import db
from practice.homework.forms import MAX_ANSWER
from practice.homework.models import EntryDraft, HomeworkEntry
from practice.parking import ParkedForm

ALEX_TYPED = "Alex-draft-7f3c: I am thinking about leaving"
JORDAN_TYPED = "Jordan-draft-91ad: we laughed on Sunday"
JSON = {"Accept": "application/json"}


def typed(text: str, **change) -> dict:
    """What the homework form sends while someone is halfway through it."""
    data = {
        "form_token": "f-" + "0" * 30,
        "answers-0": text,
        "answers-1": "",
        "done_on": practice_today().isoformat(),
    }
    data |= change
    return {key: value for key, value in data.items() if value is not None}


def save_draft(client, assignment, data):
    return client.post(f"/portal/homework/{assignment.id}/draft", data=data, headers=JSON)


def drafts() -> list[EntryDraft]:
    return list(db.session.scalars(sa.select(EntryDraft).order_by(EntryDraft.id)))


@pytest.fixture
def together(case, make_assignment):
    """An exercise the couple do together: both partners open the same page."""
    return make_assignment(case, "connection-ten-minutes", "together")


@pytest.fixture
def each(case, make_assignment):
    return make_assignment(case, "i-statement-rewrites", "each")


# --- The writer's own draft ---------------------------------------------------


def test_a_draft_is_kept_and_restored_to_its_writer(client, auth, alex, together):
    auth.login(alex.user)
    response = save_draft(client, together, typed(ALEX_TYPED, helpful="4", shared="y"))
    assert response.status_code == 200
    assert response.json["saved"] is True
    assert re.fullmatch(r"\d\d:\d\d", response.json["at"])
    [draft] = drafts()
    assert (draft.partner_id, draft.assignment_id) == (alex.id, together.id)
    assert draft.answers[0]["answer"] == ALEX_TYPED
    assert (draft.helpful, draft.difficulty, draft.shared) == (4, None, True)

    page = client.get(f"/portal/homework/{together.id}").data.decode()
    assert ALEX_TYPED in page
    assert "Restored your draft from" in page
    assert '<input checked class="form-check-input" id="helpful-3" name="helpful"' in page
    # Saving again replaces the draft; it never makes a second one.
    assert save_draft(client, together, typed(ALEX_TYPED + " now")).status_code == 200
    [draft] = drafts()
    assert draft.answers[0]["answer"] == ALEX_TYPED + " now"


def test_draft_answers_are_encrypted_at_rest(client, auth, alex, together):
    auth.login(alex.user)
    save_draft(client, together, typed(ALEX_TYPED))
    [raw] = db.session.execute(sa.text("SELECT answers FROM entry_drafts")).scalars()
    assert "leaving" not in raw


def test_without_a_draft_the_page_says_nothing_was_restored(client, auth, alex, together):
    auth.login(alex.user)
    page = client.get(f"/portal/homework/{together.id}").data.decode()
    assert "Restored your draft" not in page
    assert "kept as a draft while you type" in page
    assert f'data-autosave="/portal/homework/{together.id}/draft"' in page


def test_clearing_everything_leaves_no_draft(client, auth, alex, together):
    auth.login(alex.user)
    save_draft(client, together, typed(ALEX_TYPED))
    assert save_draft(client, together, typed("   ")).status_code == 200
    assert drafts() == []
    assert "Restored your draft" not in client.get(f"/portal/homework/{together.id}").data.decode()


# --- Nobody else sees it --------------------------------------------------------


@pytest.mark.parametrize("homework", ["together", "each"])
def test_the_other_partner_sees_nothing_of_it(
    client, auth, counsellor, case, alex, jordan, homework, request
):
    assignment = request.getfixturevalue(homework)
    auth.login(alex.user)
    save_draft(client, assignment, typed(ALEX_TYPED))
    auth.logout()

    auth.login(jordan.user)
    pages = "\n".join(
        client.get(url).data.decode()
        for url in (
            f"/portal/homework/{assignment.id}",
            "/portal/",
            "/portal/entries",
            "/portal/shared",
            "/portal/my-record.json",
        )
    )
    assert "Alex-draft-7f3c" not in pages
    assert "Restored your draft" not in pages
    # Jordan's own draft of the same homework is Jordan's, beside Alex's.
    save_draft(client, assignment, typed(JORDAN_TYPED))
    page = client.get(f"/portal/homework/{assignment.id}").data.decode()
    assert JORDAN_TYPED in page
    assert "Alex-draft-7f3c" not in page
    auth.logout()

    auth.login(alex.user)
    page = client.get(f"/portal/homework/{assignment.id}").data.decode()
    assert ALEX_TYPED in page
    assert "Jordan-draft-91ad" not in page
    assert len(drafts()) == 2


def test_the_counsellor_sees_no_draft(client, auth, counsellor, case, alex, together):
    auth.login(alex.user)
    save_draft(client, together, typed(ALEX_TYPED))
    auth.logout()
    auth.login(counsellor)
    for url in (f"/cases/{case.id}", f"/cases/{case.id}/homework/{together.id}"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Alex-draft-7f3c" not in response.data.decode(), url
    # The portal's draft address is not for staff (403 as for every portal page).
    assert save_draft(client, together, typed("staff text")).status_code == 403
    assert [d.answers[0]["answer"] for d in drafts()] == [ALEX_TYPED]


def test_another_couple_and_the_other_partners_own_homework_get_404(
    client, auth, counsellor, case, alex, jordan, make_case, make_assignment, together
):
    others = make_case(counsellor, ("Sam Other", "Robin Other"))
    jordan_only = make_assignment(case, "self-care-protected-hour", "b")
    auth.login(others.partners[0].user)
    response = save_draft(client, together, typed("not my couple"))
    assert response.status_code == 404
    auth.logout()
    auth.login(alex.user)
    assert save_draft(client, jordan_only, typed("not my homework")).status_code == 404
    assert save_draft(client, type("Gone", (), {"id": 999_999}), typed("x")).status_code == 404
    assert drafts() == []


def test_a_draft_of_ones_own_record_is_in_the_export(client, auth, alex, together):
    auth.login(alex.user)
    save_draft(client, together, typed(ALEX_TYPED))
    record = json.loads(client.get("/portal/my-record.json").data)
    [kept] = record["unsaved_drafts"]
    assert kept["answers"][0]["answer"] == ALEX_TYPED
    assert kept["homework"] == together.exercise.title


# --- Refusals -------------------------------------------------------------------------


@pytest.fixture
def csrf_client(app):
    app.config["WTF_CSRF_ENABLED"] = True
    return app.test_client()


def csrf_token_of(page: str) -> str:
    return page.split('name="csrf-token" content="')[1].split('"')[0]


def csrf_log_in(client, user, next_url: str = "") -> str:
    """Log in as a browser does, through the login page and its token; where it went."""
    login_url = "/login" + (f"?next={next_url}" if next_url else "")
    token = csrf_token_of(client.get(login_url).data.decode())
    response = client.post(
        login_url,
        data={"email": user.email, "password": "correct horse battery", "csrf_token": token},
    )
    assert response.status_code == 302
    return response.headers["Location"]


def test_a_draft_needs_the_pages_csrf_token(csrf_client, alex, together):
    csrf_log_in(csrf_client, alex.user)
    url = f"/portal/homework/{together.id}/draft"
    response = csrf_client.post(url, data=typed(ALEX_TYPED), headers=JSON)
    assert response.status_code == 400
    assert response.json["saved"] is False
    assert response.json["login"] == "/login"
    assert drafts() == []
    # With the page's token in the header, as the autosave sends it, it is kept.
    token = csrf_token_of(csrf_client.get(f"/portal/homework/{together.id}").data.decode())
    response = csrf_client.post(url, data=typed(ALEX_TYPED), headers=JSON | {"X-CSRFToken": token})
    assert response.status_code == 200
    assert len(drafts()) == 1


def test_after_the_login_ended_the_autosave_is_told_plainly(client, alex, together):
    response = save_draft(client, together, typed(ALEX_TYPED))
    assert response.status_code == 401
    assert response.json["login"] == "/login"
    assert drafts() == []


@pytest.mark.parametrize("why", ["closed", "withdrawn"])
def test_no_draft_once_the_homework_is_withdrawn_or_the_case_closed(
    client, auth, counsellor, case, together, why
):
    auth.login(counsellor)
    if why == "withdrawn":
        client.post(f"/cases/{case.id}/homework/{together.id}/withdraw")
        expected = "withdrawn this homework"
    else:
        case.status = CaseStatus.CLOSED
        db.session.commit()
        expected = "counselling here has ended"
    auth.logout()
    auth.login(case.partners[0].user)
    response = save_draft(client, together, typed(ALEX_TYPED))
    assert response.status_code == 409
    assert expected in response.json["error"]
    assert drafts() == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"answers-0": "x" * (MAX_ANSWER + 1)}, "under 25,000 characters"),
        ({"answers-7": "a prompt that is not there"}, "more answers than questions"),
        ({"helpful": "9"}, "Not a valid choice"),
        ({"done_on": "2026-02-30"}, "Not a valid date"),
    ],
)
def test_bad_input_is_400_json_and_keeps_nothing(client, auth, alex, together, change, message):
    auth.login(alex.user)
    response = save_draft(client, together, typed(ALEX_TYPED, **change))
    assert response.status_code == 400
    assert message in response.json["error"]
    assert drafts() == []


ODD = st.one_of(
    st.none(),
    st.text(max_size=40),
    st.sampled_from(["", "0", "6", "2026-02-30", "9999-12-31", "\x00", "<script>x()</script>"]),
    st.just("x" * (MAX_ANSWER + 5)),
)


def test_any_input_gets_a_json_answer_never_a_500(client, auth, alex, together):
    auth.login(alex.user)
    fields = ["answers-0", "answers-1", "answers-5", "done_on", "helpful", "difficulty", "shared"]

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.fixed_dictionaries(dict.fromkeys(fields, ODD)))
    def check(values):
        sent = {name: value for name, value in values.items() if value is not None}
        response = save_draft(client, together, sent)
        assert response.status_code in (200, 400), sent
        assert response.is_json
        assert response.json["saved"] is (response.status_code == 200)

    check()


def test_a_draft_may_hold_what_an_entry_could_not_yet(client, auth, alex, together):
    """No answer, no ratings, a day not come yet: a draft keeps what is typed so far."""
    auth.login(alex.user)
    response = save_draft(client, together, typed("", difficulty="5", done_on="2099-01-01"))
    assert response.status_code == 200
    assert drafts()[0].difficulty == 5


# --- Saving the entry ---------------------------------------------------------------


def test_saving_the_entry_discards_the_draft(client, auth, alex, jordan, together):
    auth.login(jordan.user)
    save_draft(client, together, typed(JORDAN_TYPED))
    auth.logout()
    auth.login(alex.user)
    save_draft(client, together, typed(ALEX_TYPED))
    entry = typed(ALEX_TYPED, helpful="4", difficulty="2")
    assert client.post(f"/portal/homework/{together.id}", data=entry).status_code == 302
    assert [d.partner_id for d in drafts()] == [jordan.id], "Jordan's own draft stays"
    page = client.get(f"/portal/homework/{together.id}").data.decode()
    assert "Restored your draft" not in page
    # A background save still on its way with the sent form does not bring it back.
    response = save_draft(client, together, typed(ALEX_TYPED))
    assert response.status_code == 409
    assert "already saved" in response.json["error"]
    assert [d.partner_id for d in drafts()] == [jordan.id]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HomeworkEntry)) == 1


# --- What the browser is given -----------------------------------------------------------


def test_pages_say_whose_drafts_the_tab_may_keep(client, auth, alex, together):
    assert '<meta name="mend-user" content="">' in client.get("/login").data.decode()
    auth.login(alex.user)
    page = client.get(f"/portal/homework/{together.id}").data.decode()
    assert f'<meta name="mend-user" content="{alex.user.id}">' in page
    assert "data-logout" in page
    # The browser is not invited to remember answers and offer them to whoever comes next.
    answers = re.findall(r"<textarea[^>]*>", page)
    assert answers
    assert all('autocomplete="off"' in tag for tag in answers)
    assert re.search(r'<form method="post" novalidate autocomplete="off"', page)


# --- A form parked when the login ended ------------------------------------------------


@pytest.mark.parametrize("who_comes", ["alex", "jordan"])
def test_a_form_parked_when_the_login_ended_goes_back_to_its_writer_only(
    csrf_client, alex, jordan, together, who_comes, go_idle
):
    """Alex's login times out as Alex saves; whoever logs in next on that phone
    is taken back to the page. Alex finds the words again; Jordan finds nothing."""
    csrf_log_in(csrf_client, alex.user)
    url = f"/portal/homework/{together.id}"
    token = csrf_token_of(csrf_client.get(url).data.decode())
    go_idle()
    entry = typed(ALEX_TYPED, helpful="4", difficulty="2", csrf_token=token)
    response = csrf_client.post(url, data=entry)
    assert response.headers["Location"].startswith("/login")
    [parked] = db.session.scalars(sa.select(ParkedForm))
    assert parked.login_session.user_id == alex.user.id

    person = alex if who_comes == "alex" else jordan
    assert csrf_log_in(csrf_client, person.user, next_url=url) == url
    page = csrf_client.get(url).data.decode()
    if who_comes == "alex":
        assert ALEX_TYPED in page
        assert "This is what you had typed before your login ended." in page
    else:
        assert "Alex-draft-7f3c" not in page
        assert "what you had typed" not in page
        assert db.session.scalars(sa.select(ParkedForm)).all() == [], "Alex's words stayed"


def test_the_pdf_record_shows_ones_own_drafts_to_oneself_only(client, auth, alex, jordan, together):
    auth.login(alex.user)
    save_draft(client, together, typed(ALEX_TYPED))
    mine = pdf_words(client.get("/portal/my-record.pdf").data)
    assert "Your drafts, not saved as entries" in mine
    assert "thinking about leaving" in mine
    auth.logout()
    auth.login(jordan.user)
    theirs = pdf_words(client.get("/portal/my-record.pdf").data)
    assert "drafts" not in theirs
    assert "leaving" not in theirs


def pdf_words(data: bytes) -> str:
    pages = PdfReader(BytesIO(data)).pages
    return " ".join(" ".join(page.extract_text().split()) for page in pages)
