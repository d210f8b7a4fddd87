"""Clients and counsellors writing at once, and the tally of what the server acknowledged.

Each person runs in a thread with a login of their own. Clients record homework
entries and check-ins; counsellors write and sign session notes. Some forms are
sent twice at the same moment from two threads, as a double click or a retry
does. A request cut off by a dying worker is sent again, the same form with the
same token, as a browser resubmitting would. A write is *acknowledged* when the
server answers it with the redirect to its success page.
"""

import itertools
import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa

from practice.audit.models import AuditEvent
from practice.extensions import db
from practice.homework.models import HomeworkEntry
from practice.progress.models import CheckIn
from practice.sessions.models import Note, Session
from tests.live import Browser, Cut
from tests.live_practice import PASSWORD, LivePractice

RETRIES = 5


@dataclass
class Tally:
    """What was sent and what the server acknowledged, from every thread."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    #: Set to stop everyone before their time is up.
    enough: threading.Event = field(default_factory=threading.Event)
    statuses: Counter = field(default_factory=Counter)
    #: form_token -> (client email, the text or answers sent)
    entries_sent: dict = field(default_factory=dict)
    entries_acked: set = field(default_factory=set)
    check_ins_sent: dict = field(default_factory=dict)
    check_ins_acked: set = field(default_factory=set)
    #: session id -> the text signed
    notes_sent: dict = field(default_factory=dict)
    notes_acked: set = field(default_factory=set)
    doubles: int = 0
    cut: int = 0
    cut_posts: int = 0
    problems: list = field(default_factory=list)

    def note(self, attr: str, *value) -> None:
        with self.lock:
            target = getattr(self, attr)
            if isinstance(target, dict):
                target[value[0]] = value[1]
            elif isinstance(target, set):
                target.add(value[0])
            else:
                target.append(value[0])

    def count(self, name: str) -> None:
        with self.lock:
            setattr(self, name, getattr(self, name) + 1)

    @property
    def acknowledged(self) -> int:
        return len(self.entries_acked) + len(self.check_ins_acked) + len(self.notes_acked)


def patiently(tally: Tally, send):
    """``send()``, sent again when a dying worker cuts it off; the reply, or None."""
    for attempt in range(RETRIES):
        try:
            reply = send()
        except Cut:
            tally.count("cut")
            time.sleep(0.2 * (attempt + 1))
            continue
        with tally.lock:
            tally.statuses[reply.status] += 1
        return reply
    tally.note("problems", f"no answer after {RETRIES} tries")
    return None


def submit(tally: Tally, browser: Browser, path: str, form: dict, twice: bool) -> list:
    """POST ``form``; with ``twice``, from two threads at the same moment. The replies."""

    def send_once():
        def post():
            try:
                return browser.post(path, form)
            except Cut:
                tally.count("cut_posts")
                raise

        return patiently(tally, post)

    if not twice:
        return [send_once()]
    tally.count("doubles")
    replies = [None, None]
    start = threading.Barrier(2)

    def second():
        start.wait()
        replies[1] = send_once()

    other = threading.Thread(target=second)
    other.start()
    start.wait()
    replies[0] = send_once()
    other.join()
    return replies


def _expect(tally: Tally, replies: list, success_path: str, what: str) -> bool:
    """Whether the write was acknowledged; any other answer (a 409, a 500) is a problem.
    Both answers to a form sent twice must be the redirect to the success page."""
    ok = [r is not None and r.status == 302 and r.location == success_path for r in replies]
    for reply, good in zip(replies, ok, strict=True):
        if reply is not None and not good:
            tally.note("problems", f"{what}: {reply.status} {reply.location}")
    return any(ok)


def page(tally: Tally, browser: Browser, path: str):
    reply = patiently(tally, lambda: browser.get(path))
    if reply is None or reply.status != 200:
        tally.note("problems", f"GET {path}: {reply and reply.status}")
        return None
    return reply


def record_entry(tally: Tally, browser: Browser, email: str, assignment_id: int, twice: bool):
    path = f"/portal/homework/{assignment_id}"
    form = page(tally, browser, path)
    if form is None:
        return
    hidden = form.hidden()
    token = hidden["form_token"]
    text = f"Entry {token}: we each wrote one I-statement."
    tally.note("entries_sent", token, (email, text))
    data = {
        **hidden,
        "answers-0": text,
        "done_on": form.value_of("done_on"),
        "helpful": "4",
        "difficulty": "2",
    }
    replies = submit(tally, browser, path, data, twice)
    if _expect(tally, replies, "/portal/", f"entry {token}"):
        tally.note("entries_acked", token)


def record_check_in(tally: Tally, browser: Browser, email: str, twice: bool):
    form = page(tally, browser, "/portal/checkin")
    if form is None:
        return
    hidden = form.hidden()
    if "form_token" not in hidden:
        return  # this session window has its check-in: the page says so, with no form
    token = hidden["form_token"]
    answers = [secrets.randbelow(6) for _ in range(4)]
    tally.note("check_ins_sent", token, (email, answers))
    names = ("csi_happiness", "csi_warm", "csi_rewarding", "csi_satisfied")
    data = {**hidden, **dict(zip(names, map(str, answers), strict=True)), "block_trust": "6"}
    replies = submit(tally, browser, "/portal/checkin", data, twice)
    if _expect(tally, replies, "/portal/", f"check-in {token}"):
        tally.note("check_ins_acked", token)


def sign_note(tally: Tally, browser: Browser, case_id: int, session_id: int, twice: bool):
    path = f"/cases/{case_id}/sessions/{session_id}/note"
    form = page(tally, browser, path)
    if form is None:
        return
    text = f"Session {session_id}: pursue-withdraw cycle named ({secrets.token_hex(4)})."
    tally.note("notes_sent", session_id, text)
    data = {
        **form.hidden(),
        "template": "eft",
        "cycle": text,
        "position_a": "pursues",
        "position_b": "withdraws",
        "plan": "Soft start-ups.",
        "eft_step": "2",
        "block_trust": "5",
        "action": "sign",
    }
    shown = f"/cases/{case_id}/sessions/{session_id}"
    if _expect(tally, submit(tally, browser, path, data, twice), shown, path):
        tally.note("notes_acked", session_id)


def turns(most: int | None):
    """1, 2, ... ``most``; without end for None (the run stops on ``tally.enough``)."""
    return itertools.count(1) if most is None else range(1, most + 1)


def client_at_work(
    tally: Tally, browser: Browser, client, until: float, most: int | None, pause=0.0
):
    """Record entries and check-ins until ``until`` or ``most`` of them, ``pause`` s apart."""
    for n in turns(most):
        if time.monotonic() > until or tally.enough.wait(pause):
            break
        twice = n % 4 == 0
        if n % 3 == 0:
            record_check_in(tally, browser, client.email, twice)
        else:
            record_entry(tally, browser, client.email, client.assignment_id, twice)


def counsellor_at_work(
    tally: Tally, browser: Browser, counsellor, until: float, most: int | None, pause=0.0
):
    """Write and sign the notes of the counsellor's sessions not yet signed, one by one."""
    for n in turns(most):
        if time.monotonic() > until or tally.enough.wait(pause) or not counsellor.sessions:
            break
        case_id, session_id = counsellor.sessions.pop(0)
        sign_note(tally, browser, case_id, session_id, twice=n % 3 == 1)


def run_load(
    practice: LivePractice,
    seconds: float,
    most: int | None,
    during=None,
    clients=None,
    counsellors=None,
    pause=0.0,
) -> Tally:
    """The clients and counsellors (all, unless a number is given) log in, then all work
    at once for at most ``seconds``, each ``most`` times at most (None: until
    ``tally.enough`` is set) and ``pause`` s apart; ``during(tally, until)`` runs beside
    them. The tests give a fixed amount of work and ``seconds`` only as a guard against
    a hang, so that what they check never depends on the machine's speed;
    bench/reliability.py gives ``seconds`` to measure how many writes fit in them."""
    tally = Tally()
    people = [(client_at_work, c) for c in practice.clients[:clients]]
    people += [(counsellor_at_work, c) for c in practice.counsellors[:counsellors]]
    browsers = in_threads([(log_in, practice, person) for _, person in people])
    until = time.monotonic() + seconds
    work = [
        (task, tally, browser, person, until, most, pause)
        for (task, person), browser in zip(people, browsers, strict=True)
    ]
    if during is not None:
        work.append((during, tally, until))
    in_threads(work, timeout=seconds + 120)
    return tally


def log_in(practice: LivePractice, person) -> Browser:
    browser = Browser(practice.base)
    browser.log_in(person.email, PASSWORD)
    return browser


def in_threads(calls: list[tuple], timeout: float = 60) -> list:
    """Run each ``(function, *args)`` in a thread of its own, all at once; their results."""
    results, failures = [None] * len(calls), []

    def run(i, function, *args):
        try:
            results[i] = function(*args)
        except Exception as exc:  # noqa: BLE001 - reported by the test, not lost in a thread
            failures.append(f"{function.__name__}: {exc!r}")

    threads = [threading.Thread(target=run, args=(i, *call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(t.is_alive() for t in threads), "a thread did not finish in time"
    assert not failures, failures
    return results


# --- Counting what was saved ---------------------------------------------------------


def check_everything_acknowledged_is_saved(practice: LivePractice, tally: Tally) -> dict:
    """Every acknowledged write is in the database exactly once, as it was sent; the counts."""
    with practice.app.app_context():
        entries = {
            e.form_token: e
            for e in db.session.scalars(
                sa.select(HomeworkEntry).where(HomeworkEntry.form_token.in_(tally.entries_sent))
            )
        }
        check_ins = {
            c.form_token: c
            for c in db.session.scalars(
                sa.select(CheckIn).where(CheckIn.form_token.in_(tally.check_ins_sent))
            )
        }
        assert tally.entries_acked <= entries.keys(), "acknowledged entries are missing"
        assert tally.check_ins_acked <= check_ins.keys(), "acknowledged check-ins are missing"
        for token, entry in entries.items():
            email, text = tally.entries_sent[token]
            assert entry.partner.user.email == email
            assert entry.answers[0]["answer"] == text
        for token, check_in in check_ins.items():
            email, answers = tally.check_ins_sent[token]
            assert check_in.partner.user.email == email
            assert [
                check_in.csi_happiness,
                check_in.csi_warm,
                check_in.csi_rewarding,
                check_in.csi_satisfied,
            ] == answers
        _exactly_once("entry.create", [e.id for e in entries.values()])
        _exactly_once("checkin.create", [c.id for c in check_ins.values()])
        notes = db.session.scalars(
            sa.select(Note).join(Session).where(Session.id.in_(tally.notes_sent))
        ).all()
        signed = {n.session_id: n for n in notes if n.signed}
        assert tally.notes_acked <= signed.keys(), "acknowledged signatures are missing"
        for session_id, note in signed.items():
            assert note.intact, f"the note of session {session_id} no longer matches its hash"
            assert note.body["cycle"] == tally.notes_sent[session_id]
        _exactly_once("note.sign", [n.id for n in signed.values()])
        # Every record made from a form carries its token: none came from nowhere.
        assert not db.session.scalar(
            sa.select(sa.func.count()).where(HomeworkEntry.form_token.is_(None))
        )
        return {
            "entries": (len(tally.entries_acked), len(entries)),
            "check_ins": (len(tally.check_ins_acked), len(check_ins)),
            "signatures": (len(tally.notes_acked), len(signed)),
        }


def _exactly_once(action: str, ids: list[int]) -> None:
    counts = Counter(
        db.session.scalars(
            sa.select(AuditEvent.object_id).where(
                AuditEvent.action == action, AuditEvent.object_id.in_(ids)
            )
        )
    )
    twice = {i: n for i, n in counts.items() if n != 1}
    assert not twice, f"{action} recorded more than once: {twice}"
    assert set(counts) == set(ids), f"{action} missing for {set(ids) - set(counts)}"


def check_server_log(practice: LivePractice) -> None:
    """The server never said "database is locked", never failed, never answered 500."""
    log = practice.server_log()
    assert "database is locked" not in log
    assert "Traceback" not in log, log[log.index("Traceback") :][:3000]
    assert '" 500 ' not in log
