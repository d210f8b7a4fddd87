"""The catalogue as counsellors use it: browse, filter, search, read, write exercises."""

import pytest
import sqlalchemy as sa

from practice.audit.models import AuditEvent
from practice.auth.models import Role
from practice.catalogue.models import Exercise, ExerciseVersion, Origin
from practice.extensions import db
from tests.factories import EXERCISE


@pytest.fixture
def as_counsellor(auth, counsellor):
    auth.login(counsellor)
    return counsellor


def test_clients_cannot_browse_the_catalogue(client, auth, make_user):
    auth.login(make_user(Role.CLIENT))
    assert client.get("/catalogue/").status_code == 404
    assert client.get("/catalogue/i-statements").status_code == 404


def test_browse_by_theme(client, as_counsellor):
    page = client.get("/catalogue/").data.decode()
    assert "Communication" in page
    assert "strategies" in page
    page = client.get("/catalogue/?theme=trust").data.decode()
    assert "Keep your promises" in page or "keep-promises" in page
    assert "/catalogue/i-statements" not in page


def test_filter_by_concern_and_stage(client, as_counsellor):
    page = client.get("/catalogue/?concern=broken-trust&stage=2").data.decode()
    assert "/catalogue/recovering-from-betrayal" in page
    assert "/catalogue/daily-appreciation" not in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("I-statements", "/catalogue/i-statements"),
        ("i statements", "/catalogue/i-statements"),
        ("date night", "/catalogue/rituals-and-date-nights"),
        ("apology", "/catalogue/sincere-apology"),
        ("apologise", "/catalogue/sincere-apology"),
        ("love languages", "/catalogue/love-languages"),
        ("FORGIVE", "/catalogue/forgiveness"),
        ("in-laws", "/catalogue/outside-pressures"),
    ],
)
def test_search_finds_in_one_step(client, as_counsellor, query, expected):
    response = client.get("/catalogue/", query_string={"q": query})
    assert response.status_code == 200
    page = response.data.decode()
    first = page.index('class="card mb-3"')
    assert expected in page[first : first + 600], f"{query!r} should put {expected} first"


def test_search_reaches_into_exercises(client, as_counsellor):
    page = client.get("/catalogue/?q=unsent+letter").data.decode()
    assert "/catalogue/forgiveness" in page
    assert "Matching exercises" in page


@pytest.mark.parametrize(
    "query",
    [
        '"',
        "'; DROP TABLE strategies; --",
        "%",
        "_",
        "trust*",
        "a AND b OR NOT c",
        "NEAR(a b)",
        "ü日本語🙂",
        "<script>alert(1)</script>",
        "\\",
        "x" * 10_000,
        "word " * 2000,
    ],
)
def test_odd_searches_answer_normally(client, as_counsellor, query):
    response = client.get("/catalogue/", query_string={"q": query})
    assert response.status_code in (200, 400)
    assert b"<script>alert(1)</script>" not in response.data


def test_a_long_search_is_refused_politely(client, as_counsellor):
    response = client.get("/catalogue/", query_string={"q": "x" * 10_000})
    assert response.status_code == 400
    assert b"Please shorten the search." in response.data


def test_bad_filter_values_are_400(client, as_counsellor):
    assert client.get("/catalogue/?theme=nope").status_code == 400
    assert client.get("/catalogue/?page=abc").status_code == 404


def test_search_runs_a_bounded_number_of_queries(client, as_counsellor, count_queries):
    with count_queries() as queries:
        client.get("/catalogue/?q=trust")
    assert len(queries) <= 8


def test_strategy_page(client, as_counsellor):
    page = client.get("/catalogue/i-statements").data.decode()
    assert "Why it helps" in page
    assert "How to practise it" in page
    assert "Pitfalls to avoid" in page
    assert "How to Repair Your Relationship" in page
    assert client.get("/catalogue/no-such-strategy").status_code == 404


def test_exercise_and_printable_pages(client, as_counsellor):
    exercise = db.session.scalar(sa.select(Exercise).where(Exercise.origin == Origin.CATALOGUE))
    page = client.get(f"/catalogue/exercises/{exercise.slug}").data.decode()
    assert exercise.prompts[0][:40].replace("'", "&#39;") in page
    printable = client.get(f"/catalogue/exercises/{exercise.slug}/print").data.decode()
    assert "Afterwards, write about it" in printable
    assert 'class="lines"' in printable


def test_one_partner_work_says_so(client, as_counsellor):
    """ "A full account" is for the partner who caused the hurt; the pages say it is for one."""
    meta = "<strong>One partner</strong> (you choose which when you assign it)"
    assert meta in client.get("/catalogue/recovering-from-betrayal").data.decode()
    page = client.get("/catalogue/exercises/betrayal-accountability-account").data.decode()
    assert meta in page
    printable = client.get("/catalogue/exercises/betrayal-accountability-account/print")
    assert "One partner ·" in printable.data.decode()


def test_a_practice_exercise_can_be_for_one_partner(client, as_counsellor):
    form = client.get("/catalogue/exercises/new").data.decode()
    assert 'value="one"' in form
    data = EXERCISE | {"title": "A letter only you will read", "who": "one"}
    assert client.post("/catalogue/exercises/new", data=data).status_code == 302
    exercise = db.session.scalar(sa.select(Exercise).where(Exercise.title == data["title"]))
    assert exercise.who == "one"
    assert exercise.for_one_partner


def test_counsellor_writes_a_practice_exercise(client, as_counsellor):
    response = client.post("/catalogue/exercises/new", data=EXERCISE)
    assert response.status_code == 302
    exercise = db.session.scalar(sa.select(Exercise).where(Exercise.origin == Origin.PRACTICE))
    assert exercise.author_id == as_counsellor.id
    assert exercise.prompts == ["What did you rewrite?", "How did your partner respond?"]
    page = client.get(response.headers["Location"]).data.decode()
    assert "Practice’s own" in page
    # It is found by search at once.
    assert exercise.slug in client.get("/catalogue/?q=kitchen-table").data.decode()


def test_copy_and_adapt_keeps_the_original(client, as_counsellor):
    original = db.session.scalar(sa.select(Exercise).where(Exercise.slug == "rituals-date-night"))
    form = client.get("/catalogue/exercises/new?from=rituals-date-night").data.decode()
    assert f"{original.title} (adapted)" in form
    data = {**EXERCISE, "strategy": "rituals-and-date-nights", "title": "Date night, our way"}
    client.post("/catalogue/exercises/new?from=rituals-date-night", data=data)
    copy = db.session.scalar(sa.select(Exercise).where(Exercise.title == "Date night, our way"))
    assert copy.based_on_id == original.id
    db.session.refresh(original)
    assert original.version == 1


def test_editing_makes_a_new_version(client, as_counsellor):
    client.post("/catalogue/exercises/new", data=EXERCISE)
    exercise = db.session.scalar(sa.select(Exercise).where(Exercise.origin == Origin.PRACTICE))
    client.post(f"/catalogue/exercises/{exercise.slug}/edit", data={**EXERCISE, "minutes": "20"})
    db.session.refresh(exercise)
    assert exercise.version == 2
    versions = db.session.scalars(
        sa.select(ExerciseVersion.minutes)
        .where(ExerciseVersion.exercise_id == exercise.id)
        .order_by(ExerciseVersion.version)
    ).all()
    assert versions == [10, 20]
    # Saving without a change makes no version.
    client.post(f"/catalogue/exercises/{exercise.slug}/edit", data={**EXERCISE, "minutes": "20"})
    db.session.refresh(exercise)
    assert exercise.version == 2
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "exercise.create" in actions
    assert "exercise.change" in actions


def test_only_the_author_or_owner_edits(client, auth, as_counsellor, make_user, owner):
    client.post("/catalogue/exercises/new", data=EXERCISE)
    slug = db.session.scalar(sa.select(Exercise.slug).where(Exercise.origin == Origin.PRACTICE))
    auth.logout()
    auth.login(make_user(Role.COUNSELLOR))
    assert client.get(f"/catalogue/exercises/{slug}").status_code == 200
    assert client.get(f"/catalogue/exercises/{slug}/edit").status_code == 403
    assert client.post(f"/catalogue/exercises/{slug}/retire").status_code == 403
    # Catalogue exercises are edited in the data files, never here.
    assert client.get("/catalogue/exercises/rituals-date-night/edit").status_code == 404
    auth.logout()
    auth.login(owner)
    assert client.get(f"/catalogue/exercises/{slug}/edit").status_code == 200


def test_retiring_hides_but_keeps(client, as_counsellor):
    client.post("/catalogue/exercises/new", data=EXERCISE)
    exercise = db.session.scalar(sa.select(Exercise).where(Exercise.origin == Origin.PRACTICE))
    client.post(f"/catalogue/exercises/{exercise.slug}/retire")
    db.session.refresh(exercise)
    assert exercise.retired_at is not None
    assert exercise.slug not in client.get("/catalogue/i-statements").data.decode()
    assert exercise.slug not in client.get("/catalogue/?q=kitchen-table").data.decode()
    assert client.get(f"/catalogue/exercises/{exercise.slug}").status_code == 200


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": ""}, "Give the exercise a title."),
        ({"strategy": ""}, "Choose the strategy this exercise supports."),
        ({"strategy": "no-such"}, "Not a valid choice"),
        ({"prompts": "Only one?"}, "Give 2 to 5 prompts"),
        ({"prompts": "\n".join(f"Q{i}?" for i in range(6))}, "Give 2 to 5 prompts"),
        ({"per_week": ""}, "Say how many times a week"),
        ({"minutes": "0"}, "Between 1 and 240 minutes."),
        ({"minutes": "lots"}, "Not a valid integer value."),
        ({"who": "neighbours"}, "Not a valid choice"),
        ({"instructions": "x" * 10_001}, "Field cannot be longer than 10000 characters."),
    ],
)
def test_bad_exercise_input_is_400_and_kept(client, as_counsellor, change, message):
    response = client.post("/catalogue/exercises/new", data={**EXERCISE, **change})
    page = response.data.decode()
    assert response.status_code == 400
    assert message in page
    if "title" not in change:
        assert "Our kitchen-table version" in page
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Exercise)
            .where(Exercise.origin == Origin.PRACTICE)
        )
        == 0
    )


def test_markup_in_an_exercise_is_shown_as_text(client, as_counsellor):
    data = {
        **EXERCISE,
        "title": "<b>Bold</b> & <script>x()</script>",
        "instructions": "<img src=x onerror=alert(1)>",
    }
    response = client.post("/catalogue/exercises/new", data=data)
    page = client.get(response.headers["Location"]).data.decode()
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; &lt;script&gt;" in page
    assert "<img src=x" not in page
