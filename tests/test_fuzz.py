"""Property tests: whatever is typed into a form or a query string, the app answers sanely.

For every form in the app, Hypothesis fills the form's own fields (read from the
page as a browser would) with odd input: empty, very long, control characters,
markup, SQL, impossible dates and numbers. Whatever it sends:

- the answer is never a 500;
- markup typed in comes back escaped, never as markup;
- a refused form (400) says why, shows again what was typed in its text fields,
  and has written nothing: no table gains or loses a row.

Query strings get the same treatment on every page that reads one.

The examples are the same on every run (the "ci" profile in tests/conftest.py:
derandomised), and each test first tries explicit ones at the edges, where the
outside probe found 500s that a random search met only sometimes: integers
beyond the database's, the first and last days of the calendar, nothing, 10 kB,
control characters and right-to-left text (issue 17, item 6).
"""

import re
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from practice.extensions import db
from practice.request_cycle import CONTROL_CHARACTERS
from tests.authorization_matrix import (
    COUNSELLOR,
    MATRIX,
    OWNER,
    PARTNER_A,
    SIGNED_OUT,
    url_for_row,
)
from tests.factories import sign_in

MARKUP = "<script>mend()</script>"

#: Forms posted by a user who may use them (the matrix says who that is).
FORMS = {
    "auth.login": SIGNED_OUT,
    "account.password": COUNSELLOR,
    "account.email": COUNSELLOR,
    "admin.new_account": OWNER,
    "admin.settings": OWNER,
    "cases.new_case": COUNSELLOR,
    "cases.edit": COUNSELLOR,
    "cases.safety": COUNSELLOR,
    "homework.assign": COUNSELLOR,
    "homework.edit": COUNSELLOR,
    "sessions.new": COUNSELLOR,
    "sessions.edit": COUNSELLOR,
    "sessions.note": COUNSELLOR,
    "progress.check_in": COUNSELLOR,
    "progress.cycle": COUNSELLOR,
    "catalogue.new_exercise": COUNSELLOR,
    "catalogue.edit_exercise": COUNSELLOR,
    "catalogue.assign_to_case": COUNSELLOR,
    "calendar.new": COUNSELLOR,
    "calendar.move_session": COUNSELLOR,
    "calendar.cancel_session": COUNSELLOR,
    "calendar.series": COUNSELLOR,
    "portal.homework": PARTNER_A,
    "portal.check_in": PARTNER_A,
    "portal_intake.intake": PARTNER_A,
    "portal_consent.document": PARTNER_A,
    "intake.answers": COUNSELLOR,
    "admin_intake.new_question": OWNER,
    "admin_intake.edit_question": OWNER,
    "admin_consent.edit": OWNER,
}

#: Pages that read a query string, and the parameters they know.
QUERY_PAGES = {
    "catalogue.index": COUNSELLOR,
    "catalogue.strategy": COUNSELLOR,  # ?case=, read for one case
    "catalogue.exercise": COUNSELLOR,
    "homework.choose": COUNSELLOR,
    "cases.caseload_list": COUNSELLOR,
    "calendar.week": COUNSELLOR,
    "calendar.day": COUNSELLOR,
    "calendar.new": COUNSELLOR,
    "calendar.practice_week": OWNER,
    "admin.audit_log": OWNER,
    "admin.outbox": OWNER,
    "catalogue.new_exercise": COUNSELLOR,
    "progress.view": COUNSELLOR,
    "main.dashboard": COUNSELLOR,
    "portal.home": PARTNER_A,
    "portal.entries": PARTNER_A,
}
PARAMETERS = [
    "q", "theme", "concern", "who", "cadence", "minutes", "status", "sort", "page",
    "date", "day", "week", "start", "from", "case", "case_id", "actor", "action",
    "since", "until", "view", "next", "counsellor", "kind",
]  # fmt: skip

ODD = [
    "",
    " ",
    "0",
    "-1",
    "2147483648",
    "99999999999999999999999",
    "1e308",
    "NaN",
    "2026-02-30",
    "0000-00-00",
    "9999-12-31",
    "24:61",
    "' OR 1=1 --",
    "%00",
    "\x00",
    "a\x00b",
    "\u202e\u200b",
    "٣",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🙂",
    MARKUP,
    "x" * 20_000,
]

#: Values at the edges, tried first and on every run.
EDGES = [
    "2147483648",  # one beyond PostgreSQL's integer
    "9223372036854775808",  # one beyond SQLite's
    "99999999999999999999999",
    "9999-12-31",
    "0001-01-01",
]
TEXTS = [
    "",
    "x" * 10_000,
    "a\x00b\x01\x07\x1b[31m\x7f",
    "\u202eשלום עליכם\u202c مرحبا بكم",
]
#: For the date and time fields of a form: the last and the first moments of the calendar.
EDGE_MOMENTS = [("9999-12-31", "23:30"), ("0001-01-01", "00:00")]

#: Each parameter alone at each edge (together, one refused value would hide another),
#: then every parameter at once with each kind of text.
QUERY_EXAMPLES = [
    {},
    *({name: value} for name in PARAMETERS for value in EDGES),
    *(dict.fromkeys(PARAMETERS, text) for text in TEXTS),
]

odd_values = st.one_of(
    st.sampled_from(ODD),
    st.text(max_size=60),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.dates().map(lambda d: d.isoformat()),
    st.times().map(lambda t: t.isoformat(timespec="minutes")),
)


class FormFields(HTMLParser):
    """The fields of the page's posting forms: name -> (kind, choices)."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, tuple[str, list[str]]] = {}
        self._in_post_form = False
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._in_post_form = (attrs.get("method") or "get").lower() == "post"
        if not self._in_post_form or not attrs.get("name"):
            if tag == "option" and self._select and attrs.get("value") is not None:
                self.fields[self._select][1].append(attrs["value"])
            return
        name = attrs["name"]
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button"):
                return
            choices = self.fields.get(name, (kind, []))[1]
            if kind in ("radio", "checkbox") and attrs.get("value") is not None:
                choices.append(attrs["value"])
            self.fields[name] = (kind, choices)
        elif tag == "textarea":
            self.fields[name] = ("textarea", [])
        elif tag == "select":
            self.fields[name] = ("select", [])
            self._select = name

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_post_form = False
        if tag == "select":
            self._select = None


def form_fields(html: str) -> dict[str, tuple[str, list[str]]]:
    parser = FormFields()
    parser.feed(html)
    return {name: field for name, field in parser.fields.items() if name != "csrf_token"}


def field_value(kind: str, choices: list[str]):
    """Mostly a fair value for the field, often an odd one, sometimes left out."""
    if kind in ("select", "radio", "checkbox") and choices:
        fair = st.sampled_from(choices)
    else:
        fair = odd_values
    return st.one_of(fair, odd_values, st.none())


def edge_examples(fields: dict[str, tuple[str, list[str]]]) -> list[dict]:
    """Whole forms at the edges: every typed field given one edge value, each choice its
    first real option (so that the form gets as far as it can); then dates and times
    at either end of the calendar with every other field fair, as when booking a
    session on 9999-12-31 at 23:30."""

    def fair_choice(choices):
        return next((c for c in choices if c), None)

    def filled(typed_value, kinds=None):
        values = {}
        for name, (kind, choices) in fields.items():
            if kind in ("select", "radio", "checkbox") and choices:
                values[name] = fair_choice(choices)
            elif kinds and kind in kinds:
                values[name] = kinds[kind]
            else:
                values[name] = typed_value
        return values

    examples = [filled(value) for value in EDGES + TEXTS]
    for day, clock in EDGE_MOMENTS:
        examples.append(filled("Fair words.", {"date": day, "time": clock, "number": "50"}))
    return examples


def with_examples(examples: list):
    """``@example`` for each of ``examples``, given as one argument."""

    def decorate(test):
        for values in reversed(examples):
            test = example(values)(test)
        return test

    return decorate


def row_counts() -> dict[str, int]:
    with db.engine.connect() as conn:
        return {
            table.name: conn.scalar(sa.select(sa.func.count()).select_from(table))
            for table in db.metadata.sorted_tables
            if table.name != "audit_events"
        }


TYPED_KINDS = {"text", "email", "search", "textarea", "number", "date", "time", "tel", "url"}


def shown_again(value: str, body: str) -> bool:
    return str(escape(value)) in body or str(escape(value)).replace("&#39;", "&#x27;") in body


FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize("endpoint", sorted(FORMS))
def test_any_form_input_gets_a_sane_answer(app, world, endpoint):  # noqa: F811
    url = url_for_row(endpoint, world)
    if endpoint == "calendar.new":  # the booking form follows the choice of case
        url += f"?case={world.mine.id}"
    browser = sign_in(app, world.users[FORMS[endpoint]])
    page = browser.get(url)
    assert page.status_code == 200, url
    fields = form_fields(page.data.decode())
    assert fields, f"no form found on {url}"

    @FUZZ
    @given(st.fixed_dictionaries({name: field_value(*field) for name, field in fields.items()}))
    @with_examples(edge_examples(fields))
    def check(values):
        sent = {name: value for name, value in values.items() if value is not None}
        before = row_counts()
        response = browser.post(url, data=sent)
        body = response.get_data(as_text=True)
        assert response.status_code < 500, (url, sent)
        if response.mimetype == "text/html":
            assert MARKUP not in body, "typed markup came back as markup"
        if response.status_code == 400:
            assert "invalid-feedback" in body or "alert-danger" in body, "no message said why"
            assert row_counts() == before, "a refused form wrote something"
            for name, value in sent.items():
                typed = CONTROL_CHARACTERS.sub("", value)  # taken out on the way in
                if fields[name][0] in TYPED_KINDS and typed.strip():
                    assert shown_again(typed.strip(), body) or shown_again(typed, body), (
                        f"{name!r} lost what was typed: {value!r}"
                    )
        response.close()

    check()


@pytest.mark.parametrize("endpoint", sorted(QUERY_PAGES))
def test_any_query_string_gets_a_sane_answer(app, world, endpoint):  # noqa: F811
    assert endpoint in MATRIX
    url = url_for_row(endpoint, world)
    browser = sign_in(app, world.users[QUERY_PAGES[endpoint]])

    @FUZZ
    @given(st.dictionaries(st.sampled_from(PARAMETERS), odd_values, max_size=4))
    @with_examples(QUERY_EXAMPLES)
    def check(params):
        response = browser.get(url, query_string=params)
        assert response.status_code in (200, 302, 400, 404), (url, params)
        if response.mimetype == "text/html":
            assert MARKUP not in response.get_data(as_text=True)
        response.close()

    check()


def test_markup_in_a_query_is_escaped_where_it_is_shown(app, world):  # noqa: F811
    browser = sign_in(app, world.users[COUNSELLOR])
    body = browser.get("/catalogue/", query_string={"q": MARKUP}).get_data(as_text=True)
    assert MARKUP not in body
    assert re.search(re.escape(str(escape(MARKUP))), body)


def test_control_characters_are_taken_out_of_what_is_typed(client, auth, counsellor):
    """A NUL cannot be stored in PostgreSQL: it and its kin never reach a view."""
    auth.login(counsellor)
    response = client.get("/catalogue/", query_string={"q": "tr\x00u\x07st"})
    assert response.status_code == 200
    assert 'value="trust"' in response.get_data(as_text=True)
    response = client.post(
        "/account/email", data={"email": "new\x00@example.org", "current_password": "x\x00"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'value="new@example.org"' in page
    assert "\x00" not in page
