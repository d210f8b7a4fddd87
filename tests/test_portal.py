"""The client portal: each partner reads their homework, records entries, shares some."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from practice.admin.models import PracticeSettings
from practice.audit.models import AuditEvent
from practice.auth.models import Role
from practice.cases.models import CaseStatus
from practice.catalogue.models import Exercise
from practice.dates import practice_today
from practice.extensions import db
from practice.homework.models import HomeworkEntry

TYPED = "We talked after dinner and it went better than last week"


def entry_data(**change) -> dict:
    """A valid entry: one answer, today, middling ratings, private."""
    data = {
        "form_token": "e-" + "0" * 30,
        "answers-0": TYPED,
        "answers-1": "",
        "done_on": practice_today().isoformat(),
        "helpful": "4",
        "difficulty": "2",
    }
    data |= change
    if isinstance(data["done_on"], int):  # days from today
        data["done_on"] = (practice_today() + timedelta(days=data["done_on"])).isoformat()
    return {key: value for key, value in data.items() if value is not None}


def entries() -> list[HomeworkEntry]:
    return list(db.session.scalars(sa.select(HomeworkEntry).order_by(HomeworkEntry.id)))


def title(slug: str) -> str:
    return db.session.scalar(sa.select(Exercise.title).where(Exercise.slug == slug))


def portal_pages(client, *extra: str) -> str:
    """Every portal page a partner can open, joined, for looking for what must not be there."""
    urls = ["/portal/", "/portal/entries", "/portal/shared", "/portal/resources", *extra]
    pages = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        pages.append(response.data.decode())
    return "\n".join(pages)


# --- What each partner sees --------------------------------------------------


def test_each_partner_sees_the_homework_for_them(client, auth, case, alex, jordan, make_assignment):
    each = make_assignment(case, "i-statement-rewrites", "each", note="For both of you")
    together = make_assignment(case, "connection-ten-minutes", "together")
    alex_only = make_assignment(case, "appreciation-noticing-log", "a", note="Alex alone")
    jordan_only = make_assignment(case, "self-care-protected-hour", "b", note="Jordan alone")
    for partner, mine, theirs in ((alex, alex_only, jordan_only), (jordan, jordan_only, alex_only)):
        auth.login(partner.user)
        response = client.get("/portal/")
        home = response.data.decode()
        assert response.status_code == 200
        assert f"Hello, {partner.first_name}" in home
        for given in (each, together, mine):
            assert f'href="/portal/homework/{given.id}"' in home
            assert given.exercise.title in home
            assert client.get(f"/portal/homework/{given.id}").status_code == 200
        assert f"/portal/homework/{theirs.id}" not in home
        assert theirs.exercise.title not in home
        # The other partner's solo homework is not there at all.
        for method in ("get", "post"):
            response = getattr(client, method)(f"/portal/homework/{theirs.id}", data=entry_data())
            assert response.status_code == 404
            assert theirs.counsellor_note.encode() not in response.data
        auth.logout()
    assert entries() == []


def test_the_homework_page_shows_what_to_do(client, auth, case, alex, make_assignment):
    assignment = make_assignment(case, "i-statement-rewrites", note="Start with small things")
    auth.login(alex.user)
    response = client.get(f"/portal/homework/{assignment.id}")
    page = response.data.decode()
    assert response.status_code == 200
    assert assignment.exercise.title in page
    assert "A note from your counsellor" in page
    assert "Start with small things" in page
    assert "Three times this week" in page
    for n, prompt in enumerate(assignment.exercise.prompts):
        assert f'name="answers-{n}"' in page
        assert prompt.split(",")[0].replace("'", "&#39;") in page
    assert f'name="answers-{len(assignment.exercise.prompts)}"' not in page
    assert f'value="{practice_today().isoformat()}"' in page
    assert "Save my entry" in page


def test_a_client_without_a_case_gets_404(client, auth, make_user):
    auth.login(make_user(Role.CLIENT))
    for url in ("/portal/", "/portal/entries", "/portal/shared", "/portal/resources"):
        assert client.get(url).status_code == 404, url


def test_counsellors_do_not_use_the_portal(client, auth, counsellor, case, make_assignment):
    assignment = make_assignment(case)
    auth.login(counsellor)
    for url in ("/portal/", "/portal/entries", f"/portal/homework/{assignment.id}"):
        assert client.get(url).status_code == 403, url


# --- Recording an entry ------------------------------------------------------


@pytest.mark.parametrize(
    ("shared", "expected", "message"),
    [
        (None, False, "Only your counsellor can read it."),
        ("y", True, "Your partner can read this entry."),
    ],
)
def test_recording_an_entry(client, auth, case, alex, make_assignment, shared, expected, message):
    assignment = make_assignment(case, "i-statement-rewrites")
    auth.login(alex.user)
    done_on = practice_today() - timedelta(days=1)
    response = client.post(
        f"/portal/homework/{assignment.id}",
        data=entry_data(shared=shared, done_on=-1, **{"answers-2": "A softer feeling"}),
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/portal/"
    [entry] = entries()
    prompts = assignment.exercise.prompts
    assert entry.assignment_id == assignment.id
    assert entry.partner_id == alex.id
    assert entry.case_id == case.id
    assert entry.done_on == done_on
    assert (entry.helpful, entry.difficulty) == (4, 2)
    assert entry.shared is expected
    assert entry.answers == [
        {"prompt": prompts[0], "answer": TYPED},
        {"prompt": prompts[1], "answer": ""},
        {"prompt": prompts[2], "answer": "A softer feeling"},
        {"prompt": prompts[3], "answer": ""},
    ]
    assert message in client.get("/portal/").data.decode()
    listed = client.get("/portal/entries").data.decode()
    assert f'href="/portal/entries/{entry.id}"' in listed
    assert assignment.exercise.title in listed
    assert ("shared with your partner" if expected else "private") in listed
    page = client.get(f"/portal/entries/{entry.id}").data.decode()
    assert TYPED in page
    assert "A softer feeling" in page
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "entry.create"))
    assert event.object_id == entry.id
    assert event.actor_id == alex.user_id
    assert event.case_id == case.id
    assert event.detail == {"shared": expected}


def test_the_entry_counts_on_the_home_page(client, auth, case, alex, jordan, make_assignment):
    assignment = make_assignment(case, "appreciation-noticing-log", "each")
    auth.login(alex.user)
    home = client.get("/portal/").data.decode()
    assert "Today: not yet" in home
    client.post(f"/portal/homework/{assignment.id}", data=entry_data())
    home = client.get("/portal/").data.decode()
    assert "Today: done" in home
    # Alex's entry is not Jordan's.
    auth.logout()
    auth.login(jordan.user)
    assert "Today: not yet" in client.get("/portal/").data.decode()


def test_either_partner_records_work_done_together(
    client, auth, case, alex, jordan, make_assignment
):
    assignment = make_assignment(case, "connection-ten-minutes", "together")
    for n, partner in enumerate((alex, jordan)):
        auth.login(partner.user)
        response = client.post(
            f"/portal/homework/{assignment.id}", data=entry_data(form_token=f"together-{n}")
        )
        assert response.status_code == 302
        auth.logout()
    assert sorted(e.partner_id for e in entries()) == sorted([alex.id, jordan.id])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"helpful": None}, "Choose 1 to 5."),
        ({"difficulty": None}, "Choose 1 to 5."),
        ({"helpful": "0"}, "Not a valid choice"),
        ({"helpful": "6"}, "Not a valid choice"),
        ({"difficulty": "0"}, "Not a valid choice"),
        ({"difficulty": "6"}, "Not a valid choice"),
        ({"helpful": "lots"}, "Not a valid choice"),
        ({"done_on": 1}, "That day hasn&#39;t come yet."),
        ({"done_on": -8}, "That is before this homework began."),
        ({"done_on": ""}, "Enter the day you did it."),
        ({"done_on": "yesterday"}, "Not a valid date value."),
        (
            {"answers-0": "  ", "answers-1": "", "answers-2": "\n"},
            "Write a few words for at least one of the questions.",
        ),
        (
            {"answers-2": "c", "answers-3": "d", "answers-4": "An extra answer"},
            "There are more answers than questions.",
        ),
        ({"answers-1": "y" * 25_001}, "Please keep each answer under 25,000 characters."),
    ],
    ids=[
        "no-helpful",
        "no-difficulty",
        "helpful-0",
        "helpful-6",
        "difficulty-0",
        "difficulty-6",
        "helpful-text",
        "future-day",
        "before-start",
        "no-day",
        "not-a-date",
        "all-answers-empty",
        "more-answers-than-prompts",
        "answer-too-long",
    ],
)
def test_bad_entry_input_is_400_and_kept(
    client, auth, case, alex, make_assignment, change, message
):
    # Started a week ago: four prompts.
    assignment = make_assignment(case, "i-statement-rewrites")
    auth.login(alex.user)
    response = client.post(f"/portal/homework/{assignment.id}", data=entry_data(**change))
    page = response.data.decode()
    assert response.status_code == 400
    assert message in page
    assert "invalid-feedback d-block" in page
    assert "Nothing was saved yet" in page
    if "answers-0" not in change:
        assert TYPED in page
    assert entries() == []
    assert "entry.create" not in db.session.scalars(sa.select(AuditEvent.action)).all()


@pytest.mark.parametrize(
    ("last", "expected"),
    [("answers-3", [TYPED, "", "", "For the fourth prompt"]), ("answers-9", None)],
)
def test_answers_stay_with_their_prompts(client, auth, case, alex, make_assignment, last, expected):
    assignment = make_assignment(case, "i-statement-rewrites")
    auth.login(alex.user)
    data = {**entry_data(), last: "For the fourth prompt"}
    del data["answers-1"]
    response = client.post(f"/portal/homework/{assignment.id}", data=data)
    if expected is None:
        assert response.status_code == 400
        assert entries() == []
    else:
        assert response.status_code == 302
        assert [qa["answer"] for qa in entries()[0].answers] == expected


def test_a_long_answer_is_kept_whole(client, auth, counsellor, case, alex, make_assignment):
    assignment = make_assignment(case, "i-statement-rewrites")
    words = " ".join(f"word{n:05d}" for n in range(2000))
    long_answer = (words + " the end")[-20_000:].lstrip()
    long_answer = "x" * (20_000 - len(long_answer)) + long_answer
    assert len(long_answer) == 20_000
    auth.login(alex.user)
    response = client.post(
        f"/portal/homework/{assignment.id}", data=entry_data(**{"answers-0": long_answer})
    )
    assert response.status_code == 302
    [entry] = entries()
    assert entry.answers[0]["answer"] == long_answer
    assert long_answer in client.get(f"/portal/entries/{entry.id}").data.decode()
    auth.logout()
    auth.login(counsellor)
    page = client.get(f"/cases/{case.id}/homework/entries/{entry.id}").data.decode()
    assert long_answer in page


MARKUP = "<script>alert(1)</script> ünïcødé 🙂 & <b>bold</b>\nnext line"
MARKUP_SHOWN = (
    "&lt;script&gt;alert(1)&lt;/script&gt; ünïcødé 🙂 &amp; &lt;b&gt;bold&lt;/b&gt;<br>next line"
)


def test_markup_and_unicode_in_answers_are_shown_escaped(
    client, auth, counsellor, case, alex, jordan, make_assignment
):
    assignment = make_assignment(case, "i-statement-rewrites")
    auth.login(alex.user)
    client.post(
        f"/portal/homework/{assignment.id}",
        data=entry_data(shared="y", **{"answers-0": MARKUP}),
    )
    [entry] = entries()
    assert entry.answers[0]["answer"] == MARKUP
    urls = (
        (alex, f"/portal/entries/{entry.id}"),
        (jordan, f"/portal/entries/{entry.id}"),
        (counsellor, f"/cases/{case.id}/homework/entries/{entry.id}"),
        (counsellor, f"/cases/{case.id}/homework/{assignment.id}"),
    )
    for who, url in urls:
        auth.logout()
        auth.login(getattr(who, "user", who))
        page = client.get(url).data.decode()
        assert MARKUP_SHOWN in page, url
        assert "<script>alert(1)</script>" not in page
        assert "<b>bold</b>" not in page


def test_markup_in_a_refused_entry_is_kept_escaped(client, auth, case, alex, make_assignment):
    assignment = make_assignment(case, "i-statement-rewrites")
    auth.login(alex.user)
    response = client.post(
        f"/portal/homework/{assignment.id}",
        data=entry_data(helpful=None, **{"answers-0": "<script>alert(1)</script> ünïcødé 🙂"}),
    )
    page = response.data.decode()
    assert response.status_code == 400
    assert "&lt;script&gt;alert(1)&lt;/script&gt; ünïcødé 🙂" in page
    assert "<script>alert(1)</script>" not in page


def test_a_double_submission_makes_one_entry(client, auth, case, alex, make_assignment):
    assignment = make_assignment(case, "i-statement-rewrites")
    auth.login(alex.user)
    url = f"/portal/homework/{assignment.id}"
    first = client.post(url, data=entry_data(form_token="double-click-token"))
    second = client.post(url, data=entry_data(form_token="double-click-token"))
    assert first.status_code == second.status_code == 302
    assert len(entries()) == 1
    creates = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "entry.create")
    ).all()
    assert len(creates) == 1
    assert client.post(url, data=entry_data(form_token="a-new-form")).status_code == 302
    assert len(entries()) == 2


def test_answers_are_encrypted_at_rest(client, auth, case, alex, make_assignment):
    assignment = make_assignment(case, "i-statement-rewrites", note="Counsellor words to hide")
    auth.login(alex.user)
    secret = "Something very private about the weekend"
    client.post(f"/portal/homework/{assignment.id}", data=entry_data(**{"answers-0": secret}))
    assert entries()[0].answers[0]["answer"] == secret
    [raw] = db.session.execute(sa.text("SELECT answers FROM homework_entries")).scalars()
    assert secret not in raw
    assert "weekend" not in raw
    assert "Write your best rewrite" not in raw  # the prompt travels encrypted too
    [note] = db.session.execute(sa.text("SELECT counsellor_note FROM assignments")).scalars()
    assert "Counsellor words" not in note


# --- Sharing with the other partner -----------------------------------------


def test_a_partner_reads_only_what_the_other_shared(
    client, auth, case, alex, jordan, make_assignment, make_entry
):
    assignment = make_assignment(case, "connection-ten-minutes", "together")
    shared = make_entry(assignment, alex, shared=True, answer="I felt closer on Tuesday")
    private = make_entry(
        assignment,
        alex,
        done_on=practice_today() - timedelta(days=1),
        answer="Still hurt about the holiday plans",
    )
    auth.login(jordan.user)
    home = client.get("/portal/").data.decode()
    assert "Your partner has shared 1 entry with you" in home
    listed = client.get("/portal/shared").data.decode()
    assert f'href="/portal/entries/{shared.id}"' in listed
    assert f"/portal/entries/{private.id}" not in listed
    response = client.get(f"/portal/entries/{shared.id}")
    assert response.status_code == 200
    assert "I felt closer on Tuesday" in response.data.decode()
    assert "Alex’s entry, shared with you" in response.data.decode()
    # No sharing toggle on somebody else's entry.
    assert "/sharing" not in response.data.decode()
    assert client.get(f"/portal/entries/{private.id}").status_code == 404
    everything = portal_pages(
        client, f"/portal/homework/{assignment.id}", f"/portal/entries/{shared.id}"
    )
    assert "Still hurt about the holiday plans" not in everything
    assert f"/portal/entries/{private.id}" not in everything
    # Jordan's own list holds only Jordan's entries.
    assert f"/portal/entries/{shared.id}" not in client.get("/portal/entries").data.decode()
    views = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "entry.view")).all()
    assert {(v.object_id, v.actor_id) for v in views} == {(shared.id, jordan.user_id)}


def test_solo_homework_shared_entries_are_readable_but_not_the_homework(
    client, auth, case, alex, jordan, make_assignment, make_entry
):
    solo = make_assignment(case, "appreciation-noticing-log", "a")
    entry = make_entry(solo, alex, shared=True, answer="Three things I noticed")
    auth.login(jordan.user)
    assert client.get(f"/portal/homework/{solo.id}").status_code == 404
    assert "Three things I noticed" in client.get(f"/portal/entries/{entry.id}").data.decode()


def test_sharing_and_unsharing_ones_own_entry(
    client, auth, case, alex, jordan, make_assignment, make_entry
):
    assignment = make_assignment(case)
    entry = make_entry(assignment, alex, answer="Sharing this later")
    auth.login(alex.user)
    page = client.get(f"/portal/entries/{entry.id}").data.decode()
    assert "Only your counsellor can read this entry." in page
    assert f'action="/portal/entries/{entry.id}/sharing"' in page
    response = client.post(f"/portal/entries/{entry.id}/sharing", data={"share": "1"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/portal/entries/{entry.id}"
    db.session.refresh(entry)
    assert entry.shared is True
    assert (
        "Your partner can now read this entry."
        in client.get(f"/portal/entries/{entry.id}").data.decode()
    )
    auth.logout()
    auth.login(jordan.user)
    assert "Sharing this later" in client.get(f"/portal/entries/{entry.id}").data.decode()
    auth.logout()
    auth.login(alex.user)
    client.post(f"/portal/entries/{entry.id}/sharing", data={"share": "0"})
    db.session.refresh(entry)
    assert entry.shared is False
    auth.logout()
    auth.login(jordan.user)
    assert client.get(f"/portal/entries/{entry.id}").status_code == 404
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.object_id == entry.id)
    ).all()
    assert "entry.share" in actions
    assert "entry.unshare" in actions


@pytest.mark.parametrize("shared", [False, True])
@pytest.mark.parametrize("share", ["1", "0"])
def test_the_other_partner_cannot_change_sharing(
    client, auth, case, alex, jordan, make_assignment, make_entry, shared, share
):
    entry = make_entry(make_assignment(case), alex, shared=shared)
    auth.login(jordan.user)
    response = client.post(f"/portal/entries/{entry.id}/sharing", data={"share": share})
    assert response.status_code == 404
    db.session.refresh(entry)
    assert entry.shared is shared


def test_sharing_is_not_a_get(client, auth, case, alex, make_assignment, make_entry):
    entry = make_entry(make_assignment(case), alex)
    auth.login(alex.user)
    assert client.get(f"/portal/entries/{entry.id}/sharing?share=1").status_code == 405
    db.session.refresh(entry)
    assert entry.shared is False


# --- Other couples, other roles ---------------------------------------------


def test_another_couple_gets_404(
    client, auth, counsellor, case, alex, make_case, make_assignment, make_entry
):
    assignment = make_assignment(case, note="For the Morgans only")
    entry = make_entry(assignment, alex, shared=True, answer="A Morgan answer")
    other = make_case(counsellor, ("Ana Ruiz", "Ben Ruiz"))
    auth.login(other.partners[0].user)
    for method, url, data in (
        ("get", f"/portal/homework/{assignment.id}", None),
        ("post", f"/portal/homework/{assignment.id}", entry_data(form_token="intruder")),
        ("get", f"/portal/entries/{entry.id}", None),
        ("post", f"/portal/entries/{entry.id}/sharing", {"share": "0"}),
    ):
        response = getattr(client, method)(url, data=data)
        assert response.status_code == 404, (method, url)
        assert b"A Morgan answer" not in response.data
        assert b"For the Morgans only" not in response.data
    assert "A Morgan answer" not in portal_pages(client)
    assert len(entries()) == 1
    db.session.refresh(entry)
    assert entry.shared is True


def test_clients_get_404_on_counsellor_pages(client, auth, case, alex, make_assignment, make_entry):
    assignment = make_assignment(case)
    entry = make_entry(assignment, alex)
    auth.login(alex.user)
    for url in (
        "/dashboard",
        "/cases/",
        f"/cases/{case.id}",
        f"/cases/{case.id}/edit",
        f"/cases/{case.id}/homework/{assignment.id}",
        f"/cases/{case.id}/homework/entries/{entry.id}",
        "/catalogue/",
        "/catalogue/i-statements",
    ):
        assert client.get(url).status_code == 404, url


# --- Closed cases and safety -------------------------------------------------


def test_a_closed_case_keeps_entries_but_takes_no_new_ones(
    client, auth, counsellor, make_case, make_assignment, make_entry
):
    case = make_case(counsellor, status=CaseStatus.CLOSED)
    alex = case.partners[0]
    assignment = make_assignment(case, "i-statement-rewrites")
    entry = make_entry(assignment, alex, answer="Written before we finished")
    auth.login(alex.user)
    home = client.get("/portal/").data.decode()
    assert "Your counselling here has ended" in home
    listed = client.get("/portal/entries").data.decode()
    assert f'href="/portal/entries/{entry.id}"' in listed
    assert "Written before we finished" in client.get(f"/portal/entries/{entry.id}").data.decode()
    page = client.get(f"/portal/homework/{assignment.id}").data.decode()
    assert "Save my entry" not in page
    assert f'href="/portal/entries/{entry.id}"' in page
    response = client.post(f"/portal/homework/{assignment.id}", data=entry_data())
    assert response.status_code != 302
    assert [e.id for e in entries()] == [entry.id]
    assert "entry.create" not in db.session.scalars(sa.select(AuditEvent.action)).all()


@pytest.mark.parametrize("why", ["closed", "withdrawn"])
def test_a_refused_entry_says_why_and_keeps_the_text(
    client, auth, counsellor, make_case, make_assignment, why
):
    case = make_case(counsellor, status=CaseStatus.CLOSED if why == "closed" else CaseStatus.ACTIVE)
    assignment = make_assignment(case, "i-statement-rewrites")
    if why == "withdrawn":
        auth.login(counsellor)
        client.post(f"/cases/{case.id}/homework/{assignment.id}/withdraw")
        auth.logout()
    auth.login(case.partners[0].user)
    response = client.post(f"/portal/homework/{assignment.id}", data=entry_data())
    assert entries() == []
    assert response.status_code >= 400
    assert TYPED in response.data.decode()


SUPPORT = "1-800-799-7233"
PORTAL_PAGES = (
    "/portal/",
    "/portal/entries",
    "/portal/shared",
    "/portal/documents",
    "/portal/checkin",
    "/portal/appointments/",
    "/account/password",
)


def support_element(html: str) -> str:
    """The support card of a page, as rendered."""
    start = html.index('<aside class="card support-resources')
    return html[start : html.index("</aside>", start) + len("</aside>")]


def without_noise(html: str, email: str) -> str:
    """A page with what differs between any two logins blanked: tokens and the email."""
    html = re.sub(
        r'(name="(?:csrf_token|form_token|csrf-token|mend-user)"[^>]*?(?:value|content)=)"[^"]*"',
        r'\1""',
        html,
    )
    return html.replace(email, "EMAIL")


@pytest.mark.parametrize("url", PORTAL_PAGES)
def test_every_client_page_shows_the_support_resources(client, auth, alex, url):
    auth.login(alex.user)
    page = client.get(url, follow_redirects=True).data.decode()
    assert SUPPORT in support_element(page)
    assert "National Domestic Violence Hotline" in page


def test_the_support_page_has_them_without_repeating_them(client, auth, alex):
    auth.login(alex.user)
    page = client.get("/portal/resources").data.decode()
    assert page.count(SUPPORT) == 1
    assert 'class="card support-resources' not in page


def test_the_owner_sets_what_every_client_reads(client, auth, owner, alex):
    settings = PracticeSettings.get()
    settings.support_resources = "Call 999 in an emergency.\nRing Refuge: 0808 2000 247."
    db.session.add(settings)
    db.session.commit()
    auth.login(alex.user)
    card = support_element(client.get("/portal/").data.decode())
    assert "Ring Refuge: 0808 2000 247." in card
    assert SUPPORT not in card


def test_counsellors_do_not_get_the_client_support_card(client, auth, counsellor, case):
    auth.login(counsellor)
    assert 'class="card support-resources' not in client.get("/").data.decode()


@pytest.mark.parametrize("url", PORTAL_PAGES)
def test_a_recorded_concern_changes_nothing_a_partner_sees(
    client, auth, counsellor, make_case, url
):
    """Tom's portal, where a concern is recorded (couple work going on with a safety plan),
    reads exactly like it would where none is."""
    names = ("Maria Santos", "Tom Becker")
    seen = {}
    for screening in ("concerns-plan", "no-concerns"):
        case = make_case(counsellor, names, screening=screening)
        auth.login(case.partners[1].user)
        html = client.get(url, follow_redirects=True).data.decode()
        auth.logout()
        seen[screening] = without_noise(html, case.partners[1].user.email)
    assert support_element(seen["concerns-plan"]) == support_element(seen["no-concerns"])
    assert seen["concerns-plan"] == seen["no-concerns"]
    assert "If you need support" not in seen["concerns-plan"]
    assert "safety-banner" not in seen["concerns-plan"]


def test_the_portal_home_runs_a_bounded_number_of_queries(
    client, auth, case, alex, jordan, make_assignment, make_entry, count_queries
):
    first = make_assignment(case, "i-statement-rewrites")
    make_entry(first, alex)
    auth.login(alex.user)

    def queries() -> int:
        with count_queries() as statements:
            assert client.get("/portal/").status_code == 200
        return len(statements)

    few = queries()
    for slug in ("appreciation-noticing-log", "self-care-protected-hour", "rituals-date-night"):
        assignment = make_assignment(case, slug)
        for days in range(3):
            make_entry(assignment, alex, done_on=practice_today() - timedelta(days=days))
            make_entry(assignment, jordan, done_on=practice_today() - timedelta(days=days))
    assert queries() == few
