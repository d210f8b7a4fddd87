"""The owner's audit trail in words: labels, names, the person filter and the CSV export."""

import ast
import csv
import io
import pathlib

import pytest
import sqlalchemy as sa

from practice.admin.audit_trail import csv_safe
from practice.audit.labels import ACTION_LABELS, action_label, object_label
from practice.audit.models import AuditEvent
from practice.auth.models import Role, User
from practice.extensions import db

PACKAGE = pathlib.Path(__file__).parent.parent / "practice"


def recorded_actions() -> set[str]:
    """Every action named in an ``audit.record(...)`` call in the package, read from the code."""
    actions = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "record"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "audit"
            ):
                continue
            first = node.args[0]
            choices = [first.body, first.orelse] if isinstance(first, ast.IfExp) else [first]
            for choice in choices:
                assert isinstance(choice, ast.Constant), f"{path}:{node.lineno}: not a literal"
                actions.add(choice.value)
    return actions


def test_every_recorded_action_has_a_label():
    actions = recorded_actions()
    assert len(actions) > 60  # the scan found the calls
    assert actions - ACTION_LABELS.keys() == set()


def test_labels_read_as_words():
    assert action_label("note.change_refused") == "Change to a signed note refused"
    assert action_label("something.old_gone") == "Something old gone"
    assert object_label("HomeworkEntry") == "Homework entry"
    assert object_label("SomeNewThing") == "Some new thing"
    assert object_label("LocalProxy") == "Account"


@pytest.fixture
def as_owner(auth, owner):
    auth.login(owner)
    return owner


def table_of(page: str) -> str:
    return page.split("<tbody>")[1].split("</tbody>")[0]


def test_an_account_change_names_the_account_not_a_proxy(client, as_owner, make_user):
    """Regression: events recorded on ``current_user`` read "LocalProxy #2"."""
    client.post("/logout")
    client.post("/login", data={"email": as_owner.email, "password": "correct horse battery"})
    types = db.session.scalars(sa.select(AuditEvent.object_type).distinct()).all()
    assert "LocalProxy" not in types
    assert "User" in types
    table = table_of(client.get("/admin/audit").data.decode())
    assert "LocalProxy" not in table
    assert "Account: Olive Owner" in table
    assert "Logged out" in table


def test_old_proxy_rows_and_raw_codes_read_as_words(client, as_owner, make_case, counsellor):
    case = make_case(counsellor)
    db.session.add_all(
        [
            AuditEvent(action="logout", object_type="LocalProxy", object_id=as_owner.id),
            AuditEvent(
                action="note.change_refused", object_type="Note", object_id=3, case_id=case.id
            ),
            AuditEvent(action="case.view", object_type="Case", object_id=case.id, case_id=case.id),
        ]
    )
    db.session.commit()
    table = table_of(client.get("/admin/audit").data.decode())
    assert "LocalProxy" not in table
    assert "Case #" not in table
    assert ">note.change_refused<" not in table
    assert "Change to a signed note refused" in table
    assert "Alex Morgan &amp; Jordan Morgan" in table


def test_five_thousand_people_are_found_by_typing_not_listed(client, as_owner, count_queries):
    db.session.execute(
        sa.insert(User),
        [
            {"email": f"client{n}@example.org", "name": f"Client {n:04d}", "role": Role.CLIENT}
            for n in range(5000)
        ],
    )
    db.session.commit()
    with count_queries() as queries:
        page = client.get("/admin/audit").data.decode()
    assert "Client 0001" not in page
    assert '<select class="form-select" id="user"' not in page
    assert 'name="person"' in page
    assert len(page) < 60_000
    assert len(queries) <= 10
    page = client.get("/admin/audit?person=client 4999").data.decode()
    assert "Showing what Client 4999 (client4999@example.org) did." in page
    page = client.get("/admin/audit?person=client 49").data.decode()
    assert "100 people match" in page
    assert page.count("client49") == 10  # a few to narrow to, not all of them
    page = client.get("/admin/audit?person=nobody-at-all").data.decode()
    assert "Nobody’s name or email contains" in page


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.data.decode())))


def test_the_csv_export_holds_what_the_page_shows(app, client, as_owner, counsellor):
    app.test_client().post("/login", data={"email": counsellor.email, "password": "wrong one"})
    response = client.get("/admin/audit.csv?action=login.failure")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.is_streamed
    rows = read_csv(response)
    assert [row["Action"] for row in rows] == ["Login failed"]
    assert rows[0]["Who"] == counsellor.name
    assert rows[0]["Action code"] == "login.failure"
    exported = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "audit.export"))
    assert exported.actor_id == as_owner.id
    assert exported.detail == {"filters": {"action": "login.failure"}}


def test_the_csv_export_reads_in_batches(client, as_owner, monkeypatch):
    monkeypatch.setattr("practice.admin.audit_trail.EXPORT_BATCH", 3)
    db.session.add_all([AuditEvent(action="case.view", case_id=n) for n in range(10)])
    db.session.commit()
    rows = read_csv(client.get("/admin/audit.csv?action=case.view"))
    assert [row["Case number"] for row in rows] == [str(n) for n in range(9, -1, -1)]


def test_the_csv_export_cannot_carry_a_formula(app, client, as_owner, make_user):
    make_user(Role.COUNSELLOR, email="evil@example.org", name='=HYPERLINK("http://x","y")')
    app.test_client().post("/login", data={"email": "evil@example.org", "password": "nope"})
    rows = read_csv(client.get("/admin/audit.csv"))
    names = [row["Who"] for row in rows]
    assert '\'=HYPERLINK("http://x","y")' in names
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), value


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20", "'+44 20"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("Alex", "Alex"),
        (None, ""),
        (12, "12"),
    ],
)
def test_csv_cells_starting_like_formulas_are_prefixed(value, safe):
    assert csv_safe(value) == safe


def test_the_export_never_shows_a_clinical_value(client, as_owner):
    db.session.add(AuditEvent(action="checkin.create", case_id=7, detail={"total": 19, "by": "c"}))
    db.session.commit()
    text = client.get("/admin/audit.csv").data.decode()
    assert "by: c" in text
    assert "total" not in text


def test_only_the_owner_exports(client, auth, counsellor):
    auth.login(counsellor)
    assert client.get("/admin/audit.csv").status_code == 403
