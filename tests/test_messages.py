"""Secure messages: who reads and writes each thread, unread counts, the emails that say a
message waits, closed cases, bad input, the case record and the partner's own record.

The rules over plain values come first, tested without a database; then the pages.
tests/test_non_interference.py holds the other partner's view of a private message
byte for byte; tests/e2e/test_messages_journey.py goes through it in a browser.
"""

import importlib.util
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from sqlalchemy.exc import DatabaseError

from practice.audit.models import AuditEvent
from practice.auth.models import Role
from practice.cases.models import CaseStatus
from practice.extensions import db
from practice.mail.models import OutboundEmail
from practice.messages import locks, rules
from practice.messages.models import Message, MessageThread
from practice.messages.rules import MAX_LENGTH, Problem
from practice.reminders.models import ReminderKind, ReminderOptOut
from tests.conftest import csrf_login, form_token
from tests.factories import add_message, count, sign_in

MIGRATION = next(Path("migrations/versions").glob("*_5ed8debe9ed6.py"))

# --- The rules, over plain values --------------------------------------------------


def test_a_couple_has_two_private_threads_and_a_joint_one_one_person_a_private_one():
    assert rules.slots(["a", "b"]) == ["a", "b", "joint"]
    assert rules.slots(["b", "a"]) == ["a", "b", "joint"]
    assert rules.slots(["a"]) == ["a"]


def test_a_private_thread_is_read_by_its_partner_alone_the_joint_one_by_both():
    assert rules.readers("a") == {"a"}
    assert rules.readers("b") == {"b"}
    assert rules.readers("joint") == {"a", "b"}


@pytest.mark.parametrize(
    ("slot", "writer", "counsellor", "partners"),
    [
        ("a", "a", True, set()),  # A writes privately: the counsellor alone
        ("a", None, False, {"a"}),  # the counsellor replies: A alone, never B
        ("joint", "a", True, {"b"}),
        ("joint", None, False, {"a", "b"}),
        ("b", "b", True, set()),
    ],
)
def test_a_new_message_is_told_to_the_threads_readers_but_its_writer(
    slot, writer, counsellor, partners
):
    assert rules.told(slot, writer) == (counsellor, frozenset(partners))


def test_one_email_while_messages_wait():
    assert rules.tell_now(0)
    assert not rules.tell_now(1)


def test_a_message_is_kept_with_plain_line_endings_and_without_blank_edges():
    assert rules.clean_body("  Hello,\r\n\r\nsee you Tuesday.\n ") == "Hello,\n\nsee you Tuesday."


@pytest.mark.parametrize("text", ["", "   ", "\r\n\t", None])
def test_an_empty_message_is_refused(text):
    with pytest.raises(Problem, match="Write your message first") as refused:
        rules.clean_body(text)
    assert refused.value.field == "body"


def test_a_long_message_is_fine_up_to_the_limit_and_refused_beyond_it_with_its_length():
    assert len(rules.clean_body("é" * MAX_LENGTH)) == MAX_LENGTH
    with pytest.raises(Problem, match="up to 10,000 characters; this one has 10,001"):
        rules.clean_body("x" * (MAX_LENGTH + 1))


def test_unicode_is_counted_in_characters_and_kept_as_written():
    text = "Ça va 🙂 — שלום, Привет, مرحبا"
    assert rules.clean_body(text) == text


def test_threads_close_with_the_case():
    assert rules.closed("closed") == rules.CLOSED
    for status in ("intake", "active", "paused"):
        assert rules.closed(status) is None


def test_threads_are_named_for_the_counsellor():
    names = {"a": "Alex", "b": "Jordan"}
    assert rules.thread_name("a", names) == "Alex, privately"
    assert rules.thread_name("joint", names) == "Alex and Jordan, together"


# --- Writing and reading, per role and per partner ---------------------------------


def post(browser, url: str, text: str, token: str | None = None):
    data = {"body": text}
    if token:
        data["form_token"] = token
    return browser.post(url, data=data)


def test_a_partners_private_message_reaches_the_counsellor_and_never_the_other_partner(
    app, counsellor, case
):
    alex, jordan = case.partners
    as_alex = sign_in(app, alex.user)
    response = post(as_alex, "/portal/messages/private", "Can we talk about Sunday first?")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/portal/messages/private#latest")

    page = as_alex.get("/portal/messages/private").get_data(as_text=True)
    assert "Can we talk about Sunday first?" in page
    as_counsellor = sign_in(app, counsellor)
    page = as_counsellor.get(f"/cases/{case.id}/messages/a").get_data(as_text=True)
    assert "Can we talk about Sunday first?" in page
    assert "Alex, privately" in page

    as_jordan = sign_in(app, jordan.user)
    for url in (
        "/portal/",
        "/portal/messages/",
        "/portal/messages/private",
        "/portal/messages/joint",
    ):
        response = as_jordan.get(url)
        assert response.status_code == 200, url
        assert "Sunday first" not in response.get_data(as_text=True), url


def test_the_counsellors_private_reply_reaches_that_partner_alone(app, counsellor, case):
    alex, jordan = case.partners
    as_counsellor = sign_in(app, counsellor)
    response = post(as_counsellor, f"/cases/{case.id}/messages/b", "Jordan, thank you for today.")
    assert response.status_code == 302
    assert "thank you for today" in sign_in(app, jordan.user).get(
        "/portal/messages/private"
    ).get_data(as_text=True)
    as_alex = sign_in(app, alex.user)
    for url in ("/portal/messages/private", "/portal/messages/joint", "/portal/my-record.json"):
        assert "thank you for today" not in as_alex.get(url).get_data(as_text=True), url


def test_the_joint_thread_is_read_and_written_by_both_partners_and_the_counsellor(
    app, counsellor, case
):
    alex, jordan = case.partners
    assert (
        post(sign_in(app, alex.user), "/portal/messages/joint", "Words of Alex").status_code == 302
    )
    assert (
        post(sign_in(app, jordan.user), "/portal/messages/joint", "Words of Jordan").status_code
        == 302
    )
    assert (
        post(
            sign_in(app, counsellor), f"/cases/{case.id}/messages/joint", "Words of Casey"
        ).status_code
        == 302
    )
    for browser, url in (
        (sign_in(app, alex.user), "/portal/messages/joint"),
        (sign_in(app, jordan.user), "/portal/messages/joint"),
        (sign_in(app, counsellor), f"/cases/{case.id}/messages/joint"),
    ):
        page = browser.get(url).get_data(as_text=True)
        assert (
            page.index("Words of Alex")
            < page.index("Words of Jordan")
            < page.index("Words of Casey")
        ), url
    assert count(MessageThread) == 1
    assert count(Message) == 3


def test_one_person_has_a_private_thread_and_no_joint_one(app, counsellor, make_case):
    single = make_case(counsellor, ("Lee Park",))
    lee = single.partners[0]
    as_lee = sign_in(app, lee.user)
    assert as_lee.get("/portal/messages/private").status_code == 200
    assert as_lee.get("/portal/messages/joint").status_code == 404
    assert post(as_lee, "/portal/messages/joint", "Hello").status_code == 404
    index = as_lee.get("/portal/messages/").get_data(as_text=True)
    assert "/portal/messages/joint" not in index
    as_counsellor = sign_in(app, counsellor)
    assert as_counsellor.get(f"/cases/{single.id}/messages/a").status_code == 200
    for slot in ("b", "joint"):
        assert as_counsellor.get(f"/cases/{single.id}/messages/{slot}").status_code == 404
        assert post(as_counsellor, f"/cases/{single.id}/messages/{slot}", "Hi").status_code == 404
    assert count(Message) == 0


def test_another_counsellor_and_another_couple_find_nothing(
    app, counsellor, case, make_case, make_user
):
    alex = case.partners[0]
    add_message(case, "a", "Alex's private words", by=alex)
    other = make_user(Role.COUNSELLOR, name="Olu Other")
    as_other = sign_in(app, other)
    for url in (
        f"/cases/{case.id}/messages/",
        f"/cases/{case.id}/messages/a",
        f"/cases/{case.id}/messages/joint",
    ):
        assert as_other.get(url).status_code == 404, url
    assert post(as_other, f"/cases/{case.id}/messages/a", "Hi").status_code == 404
    assert "Alex's private words" not in as_other.get("/messages/").get_data(as_text=True)
    theirs = make_case(other, ("Sam Other", "Robin Other"))
    as_sam = sign_in(app, theirs.partners[0].user)
    for url in ("/portal/messages/private", "/portal/messages/joint", "/portal/messages/"):
        response = as_sam.get(url)
        assert response.status_code == 200
        assert "Alex's private words" not in response.get_data(as_text=True)
    assert count(Message) == 1


def test_staff_pages_are_not_for_clients_and_portal_pages_not_for_staff(app, counsellor, case):
    as_alex = sign_in(app, case.partners[0].user)
    assert as_alex.get("/messages/").status_code == 404
    assert as_alex.get(f"/cases/{case.id}/messages/a").status_code == 404
    assert sign_in(app, counsellor).get("/portal/messages/private").status_code == 403


def test_the_same_message_sent_twice_is_kept_once(app, case):
    as_alex = sign_in(app, case.partners[0].user)
    for _ in range(2):
        response = post(as_alex, "/portal/messages/private", "Once only", token="t" * 32)
        assert response.status_code == 302
    assert count(Message) == 1


# --- Unread counts -----------------------------------------------------------------


def test_unread_counts_are_per_reader_and_reading_marks_the_thread_read(app, counsellor, case):
    alex, jordan = case.partners
    add_message(case, "a", "One", by=alex)
    add_message(case, "a", "Two", by=alex)
    add_message(case, "joint", "Three", by=jordan)
    as_counsellor = sign_in(app, counsellor)
    dashboard = as_counsellor.get("/dashboard").get_data(as_text=True)
    assert "3 messages from clients wait" in dashboard
    inbox = as_counsellor.get("/messages/").get_data(as_text=True)
    assert '2<span class="visually-hidden"> unread' in inbox
    assert '1<span class="visually-hidden"> unread' in inbox
    as_counsellor.get(f"/cases/{case.id}/messages/a")
    assert "A message from a client waits" in as_counsellor.get("/dashboard").get_data(as_text=True)

    as_alex = sign_in(app, alex.user)
    home = as_alex.get("/portal/").get_data(as_text=True)
    assert "A new message waits for you" in home  # Jordan's, in the joint thread
    assert 'Messages <span class="badge' in home
    as_alex.get("/portal/messages/joint")
    home = as_alex.get("/portal/").get_data(as_text=True)
    assert "new message" not in home
    assert 'Messages <span class="badge' not in home
    # Jordan's own message waits for nobody on Jordan's side.
    assert "new message" not in sign_in(app, jordan.user).get("/portal/").get_data(as_text=True)


def test_a_thread_read_on_an_older_page_does_not_mark_the_newest_read(app, counsellor, case):
    alex = case.partners[0]
    for n in range(35):
        add_message(case, "a", f"Message number {n:02d}", by=alex, notify=False)
    as_counsellor = sign_in(app, counsellor)
    older = as_counsellor.get(f"/cases/{case.id}/messages/a?page=2").get_data(as_text=True)
    assert "Message number 00" in older
    assert "Message number 34" not in older
    assert "35 messages from clients wait" in as_counsellor.get("/dashboard").get_data(as_text=True)
    newest = as_counsellor.get(f"/cases/{case.id}/messages/a").get_data(as_text=True)
    assert "Message number 34" in newest
    assert "Older messages" in newest
    assert "messages from clients wait" not in as_counsellor.get("/dashboard").get_data(
        as_text=True
    )
    assert as_counsellor.get(f"/cases/{case.id}/messages/a?page=9").status_code == 404


def test_reading_a_thread_is_audited(app, counsellor, case):
    add_message(case, "a", "Hello", by=case.partners[0])
    sign_in(app, counsellor).get(f"/cases/{case.id}/messages/a")
    sign_in(app, case.partners[0].user).get("/portal/messages/private")
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.action.like("message%"))
    ).all()
    assert actions.count("messages.read") == 2
    assert "message.send" not in actions  # made by the service directly here
    assert all(
        "Hello" not in json.dumps(e.detail) for e in db.session.scalars(sa.select(AuditEvent))
    )


# --- Emails that say a message waits -------------------------------------------------


def emails() -> list[OutboundEmail]:
    return db.session.scalars(sa.select(OutboundEmail).order_by(OutboundEmail.id)).all()


SECRET = "the words about the money MARKER-IN-A-MESSAGE"


def test_emails_say_only_that_a_message_waits_and_go_to_the_threads_readers(app, counsellor, case):
    alex, jordan = case.partners
    post(sign_in(app, alex.user), "/portal/messages/private", SECRET)
    sent = emails()
    assert [m.to for m in sent] == [counsellor.email]
    post(sign_in(app, counsellor), f"/cases/{case.id}/messages/a", SECRET)
    assert [m.to for m in emails()] == [counsellor.email, alex.user.email]
    post(sign_in(app, jordan.user), "/portal/messages/joint", SECRET)
    # A new thread for the counsellor too; never Jordan, who wrote it.
    assert sorted(m.to for m in emails()[2:]) == sorted([alex.user.email, counsellor.email])
    for message in emails():
        greeting, rest = message.body.split("\n", 1)
        assert greeting in ("Dear Alex,", "Dear Casey,")  # the reader's own name, no other
        text = f"{message.subject}\n{rest}"
        assert "MARKER-IN-A-MESSAGE" not in text
        for word in ("Alex", "Jordan", "Morgan", "privately", "thread", "joint"):
            assert word not in text, (word, text)
        assert "/portal/messages/" in text or "/messages/" in text
        assert message.case_id is None


def test_one_email_while_messages_wait_and_another_once_they_were_read(app, counsellor, case):
    alex = case.partners[0]
    as_alex = sign_in(app, alex.user)
    post(as_alex, "/portal/messages/private", "First")
    post(as_alex, "/portal/messages/private", "Second")
    assert len(emails()) == 1
    sign_in(app, counsellor).get(f"/cases/{case.id}/messages/a")
    post(as_alex, "/portal/messages/private", "Third")
    assert len(emails()) == 2


def test_a_partner_who_turned_these_emails_off_gets_none(app, counsellor, case):
    alex = case.partners[0]
    db.session.add(ReminderOptOut(partner_id=alex.id, kind=ReminderKind.MESSAGE))
    db.session.commit()
    post(sign_in(app, counsellor), f"/cases/{case.id}/messages/a", "Hello")
    assert emails() == []
    assert "Hello" in sign_in(app, alex.user).get("/portal/messages/private").get_data(as_text=True)


def test_the_portal_turns_message_emails_off_and_on(app, case):
    alex = case.partners[0]
    as_alex = sign_in(app, alex.user)
    page = as_alex.get("/portal/appointments/").get_data(as_text=True)
    assert "An email when a new message waits for you" in page
    as_alex.post(
        "/portal/appointments/reminders",
        data={"appointment": "y", "homework": "y", "check_in": "y"},
    )
    kinds = db.session.scalars(
        sa.select(ReminderOptOut.kind).where(ReminderOptOut.partner_id == alex.id)
    ).all()
    assert kinds == [ReminderKind.MESSAGE]


def test_a_partner_without_a_portal_login_gets_no_email_and_the_counsellor_is_told_so(
    app, counsellor, make_case
):
    case = make_case(counsellor, portal=False)
    as_counsellor = sign_in(app, counsellor)
    post(as_counsellor, f"/cases/{case.id}/messages/joint", "Welcome to you both")
    assert emails() == []
    page = as_counsellor.get(f"/cases/{case.id}/messages/joint").get_data(as_text=True)
    assert "has not joined the portal yet" in page


# --- Safety: nothing about the thread changes ---------------------------------------


def test_with_concerns_recorded_a_message_goes_where_any_other_does(app, counsellor, make_case):
    case = make_case(counsellor, screening="concerns-paused")
    alex, jordan = case.partners
    as_jordan = sign_in(app, jordan.user)
    before = {
        u: as_jordan.get(u).get_data(as_text=True)
        for u in ("/portal/messages/", "/portal/messages/joint")
    }
    response = post(sign_in(app, alex.user), "/portal/messages/private", "He reads my phone")
    assert response.status_code == 302
    assert [m.to for m in emails()] == [counsellor.email]
    after = {u: as_jordan.get(u).get_data(as_text=True) for u in before}
    for url in before:
        assert _quiet(before[url]) == _quiet(after[url]), url
    # The joint thread stays open as any other while work together is paused.
    assert post(as_jordan, "/portal/messages/joint", "See you Tuesday").status_code == 302


def _quiet(page: str) -> str:
    from tests.factories import quiet

    return quiet(page)


# --- A closed case, and bad input ----------------------------------------------------


def test_a_closed_cases_threads_are_kept_to_read_and_refuse_new_messages(
    app, counsellor, make_case
):
    case = make_case(counsellor, status=CaseStatus.ACTIVE)
    alex = case.partners[0]
    add_message(case, "a", "Before the end", by=alex)
    case.status = CaseStatus.CLOSED
    db.session.commit()
    as_alex = sign_in(app, alex.user)
    page = as_alex.get("/portal/messages/private").get_data(as_text=True)
    assert "Before the end" in page
    assert "no new messages can be sent" in page
    assert 'name="body"' not in page
    response = post(as_alex, "/portal/messages/private", "Typed after it closed")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "no new messages can be sent" in page
    assert "Typed after it closed" in page  # what was typed is kept
    as_counsellor = sign_in(app, counsellor)
    response = post(as_counsellor, f"/cases/{case.id}/messages/joint", "Too late")
    assert response.status_code == 409
    assert "Too late" in response.get_data(as_text=True)
    assert count(Message) == 1


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("   ", "Write your message first."),
        ("y" * (MAX_LENGTH + 5), "this one has 10,005"),
    ],
)
def test_bad_input_is_a_400_beside_the_field_with_the_text_kept(app, counsellor, case, text, says):
    for browser, url in (
        (sign_in(app, case.partners[0].user), "/portal/messages/private"),
        (sign_in(app, counsellor), f"/cases/{case.id}/messages/joint"),
    ):
        response = post(browser, url, text)
        assert response.status_code == 400, url
        page = response.get_data(as_text=True)
        assert says in page
        assert 'aria-invalid="true"' in page
        if text.strip():
            assert text in page
    assert count(Message) == 0


def test_a_long_unicode_message_goes_through_whole(app, counsellor, case):
    text = ("Ça va 🙂 — שלום, Привет, مرحبا.\n\n" * 300)[: MAX_LENGTH - 10]
    response = post(sign_in(app, case.partners[0].user), "/portal/messages/private", text)
    assert response.status_code == 302
    kept = db.session.scalar(sa.select(Message))
    assert kept.body == text.strip()


# --- Kept as clinical records ------------------------------------------------------


def test_a_message_is_encrypted_at_rest(app, case):
    add_message(case, "a", "Nobody reads this on disk", by=case.partners[0])
    stored = db.session.scalar(sa.text("SELECT body FROM messages"))
    assert "Nobody reads" not in stored


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE messages SET body = 'changed'",
        "UPDATE messages SET sent_at = NULL",
        "UPDATE messages SET thread_id = thread_id + 1",
        "DELETE FROM messages",
    ],
)
def test_hand_written_sql_cannot_change_or_delete_a_message(app, case, sql):
    add_message(case, "a", "Kept as sent", by=case.partners[0])
    with pytest.raises(DatabaseError, match="message"), db.engine.begin() as conn:
        conn.exec_driver_sql(sql)
    assert db.session.scalar(sa.select(Message)).body == "Kept as sent"


def test_adding_to_the_record_happens_once_and_is_then_kept(app, counsellor, case):
    message = add_message(case, "a", "Worth keeping", by=case.partners[0])
    as_counsellor = sign_in(app, counsellor)
    url = f"/cases/{case.id}/messages/a/{message.id}/record"
    assert as_counsellor.post(url).status_code == 302
    assert as_counsellor.post(url).status_code == 302  # already in: nothing changes
    db.session.refresh(message)
    assert message.in_record
    with pytest.raises(DatabaseError, match="message"), db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE messages SET recorded_at = NULL")
    sessions = as_counsellor.get(f"/cases/{case.id}/sessions/").get_data(as_text=True)
    assert "Messages in the case record" in sessions
    assert "Worth keeping" in sessions
    thread = as_counsellor.get(f"/cases/{case.id}/messages/a").get_data(as_text=True)
    assert "In the case record since" in thread
    # Under another thread's slot, or another case, the same id finds nothing.
    assert (
        as_counsellor.post(f"/cases/{case.id}/messages/joint/{message.id}/record").status_code
        == 404
    )


def test_a_message_not_added_is_not_in_the_case_record(app, counsellor, case):
    add_message(case, "a", "Just logistics", by=case.partners[0])
    sessions = sign_in(app, counsellor).get(f"/cases/{case.id}/sessions/").get_data(as_text=True)
    assert "Just logistics" not in sessions
    assert "Messages in the case record" not in sessions


def test_the_migration_and_the_module_hold_the_same_sql():
    spec = importlib.util.spec_from_file_location("migration", MIGRATION)
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    assert locks.LOCKS.sqlite_triggers == migration.SQLITE_TRIGGERS
    (trigger,) = locks.LOCKS.postgres_triggers
    name, table = trigger.split(" ON ")
    assert f"CREATE TRIGGER {name} BEFORE UPDATE OR DELETE ON {table} " in MIGRATION.read_text()


def test_each_partners_record_holds_their_private_thread_and_the_joint_one(app, counsellor, case):
    alex, jordan = case.partners
    add_message(case, "a", "Alex to counsellor", by=alex)
    add_message(case, "a", "Counsellor to Alex")
    add_message(case, "b", "Jordan to counsellor", by=jordan)
    add_message(case, "joint", "Joint words", by=jordan)
    record = sign_in(app, alex.user).get("/portal/my-record.json").get_json()
    assert [m["text"] for m in record["messages"]["private"]] == [
        "Alex to counsellor",
        "Counsellor to Alex",
    ]
    assert record["messages"]["private"][0]["from"] == "you"
    assert record["messages"]["joint"] == [
        {
            "from": "Jordan Morgan",
            "sent_at": record["messages"]["joint"][0]["sent_at"],
            "text": "Joint words",
        }
    ]
    assert "Jordan to counsellor" not in json.dumps(record)
    pdf = sign_in(app, alex.user).get("/portal/my-record.pdf")
    assert pdf.status_code == 200


def test_rotating_the_key_rewrites_messages_and_keeps_their_text(app, config_class, make_app, case):
    message_id = add_message(case, "a", "Rotated words", by=case.partners[0]).id
    before = db.session.scalar(sa.text("SELECT body FROM messages"))
    new_key = Fernet.generate_key().decode()
    keys = f"{new_key},{config_class.NOTES_KEYS}"
    rotated = make_app(type("Rotated", (config_class,), {"NOTES_KEYS": keys}))
    with rotated.app_context():
        result = rotated.test_cli_runner().invoke(args=["rotate-keys"])
    assert result.exit_code == 0, result.output
    assert "messages.body: 1" in result.output
    db.session.rollback()
    after = db.session.scalar(sa.text("SELECT body FROM messages"))
    assert after != before
    assert Fernet(new_key).decrypt(after.encode()).decode() == "Rotated words"
    with rotated.app_context():
        assert db.session.get(Message, message_id).body == "Rotated words"


def test_the_demo_practice_has_threads_some_unread(app, runner, client, auth):
    result = runner.invoke(args=["seed-demo", "--password", "demo password"])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["seed-demo", "--password", "demo password"])
    assert again.exit_code == 0, again.output
    assert count(Message) == 6  # the second run added none
    auth.login("sam@demo.mend", "demo password")
    assert "3 messages from clients wait" in client.get("/dashboard").get_data(as_text=True)
    auth.logout()
    for email, waiting in (
        ("jordan@demo.mend", "2 new messages wait"),
        ("alex@demo.mend", "A new message waits"),
    ):
        auth.login(email, "demo password")
        assert waiting in client.get("/portal/").get_data(as_text=True), email
        auth.logout()
    assert count(OutboundEmail) == 0  # the demo emails nobody


def test_a_message_typed_as_the_login_timed_out_comes_back_after_logging_in(
    csrf_client, case, go_idle
):
    alex = case.partners[0].user
    url = "/portal/messages/private"
    csrf_login(csrf_client, alex)
    token = form_token(csrf_client, url)
    go_idle()
    typed = "I wrote all this on the bus and the login ran out."
    response = csrf_client.post(url, data={"csrf_token": token, "body": typed})
    assert response.headers["Location"] == f"/login?next={url}"
    csrf_login(csrf_client, alex)
    page = csrf_client.get(url).get_data(as_text=True)
    assert "This is what you had typed before your login ended." in page
    assert typed in page
    assert count(Message) == 0  # nothing is sent on their behalf


def test_each_threads_count_goes_by_its_own_read_mark(app, counsellor, case):
    """Reading one thread far on leaves another's older messages waiting."""
    alex, jordan = case.partners
    add_message(case, "b", "Jordan's early word", by=jordan, notify=False)
    for n in range(3):
        add_message(case, "a", f"Alex {n}", by=alex, notify=False)
    as_counsellor = sign_in(app, counsellor)
    as_counsellor.get(f"/cases/{case.id}/messages/a")
    threads = as_counsellor.get(f"/cases/{case.id}/messages/").get_data(as_text=True)
    assert threads.count('<span class="visually-hidden"> unread') == 1
    assert "A message from a client waits" in as_counsellor.get("/dashboard").get_data(as_text=True)
    inbox = as_counsellor.get("/messages/").get_data(as_text=True)
    assert '1<span class="visually-hidden"> unread' in inbox
