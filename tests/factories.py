"""Builders the tests share: rows made directly, form data, signing in, reading PDFs.

Test modules take what they share from here (and fixtures from ``conftest.py``);
no test module imports from another, so each can be read and run on its own.
Rows are made directly, for tests that are not about the form that makes them.
"""

import re
import time as time_module
from datetime import UTC, datetime, time, timedelta
from io import BytesIO

import sqlalchemy as sa
from pypdf import PdfReader

from practice.auth.models import User
from practice.billing.invoicing import PaymentDetails, issue_invoices, record_payment
from practice.billing.models import PaymentMethod
from practice.billing.services import ArrangementDetails, Terms, charge_sessions, save_arrangement
from practice.billing.standard import add_standard_services
from practice.cases.models import Partner
from practice.consent import documents as consent_documents
from practice.consent.models import DOCUMENT_KINDS, ConfidentialityPolicy, DocumentKind
from practice.consent.signatures import sign
from practice.database import now_utc
from practice.dates import practice_today
from practice.extensions import db
from practice.messages.services import send_message
from practice.plans.content import Goal, Intervention, Objective, PlanContent, Problem
from practice.plans.services import save_draft, sign_plan, versions
from practice.progress.models import CheckIn
from practice.progress.services import new_check_in
from practice.sessions.models import Addendum, Note, NoteTemplate, Session, SessionStatus

#: Every account the tests make has this password (conftest.py's ``make_user``).
PASSWORD = "correct horse battery"


# --- Signing in and reading what comes back ---------------------------------------


def sign_in(app, user):
    """A test client signed in as ``user`` (with the tests' password); signed out for None."""
    browser = app.test_client()
    if user is not None:
        response = browser.post("/login", data={"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, f"{user.email} could not sign in"
    return browser


def pdf_text(data: bytes) -> str:
    """The text of every page, white space folded so wrapped lines still match."""
    reader = PdfReader(BytesIO(data))
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


#: What differs between two fetches of the same page without anyone changing anything.
NOISE = (
    re.compile(r'(name="(?:csrf_token|form_token)"[^>]*value=")[^"]*'),
    re.compile(r'(name="(?:csrf-token|mend-user)" content=")[^"]*'),
    re.compile(r'("exported_at": ")[^"]*'),
    re.compile(r"(DTSTAMP:)\S+"),
    re.compile(r"(Exported )\w+ \d+ \w+ \d{4} at \d\d:\d\d"),  # the record PDF's minute
)


def quiet(text: str) -> str:
    """``text`` with its noise (form tokens, export times) blanked out."""
    for pattern in NOISE:
        text = pattern.sub(r"\1…", text)
    return text


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# --- Cases and invitations ---------------------------------------------------------


def new_case_data(**change) -> dict:
    """A valid "open a case" form for Alex and Jordan Morgan, with ``change`` applied."""
    data = {
        "partner_a_name": "Alex Morgan",
        "partner_a_email": "alex@example.org",
        "partner_b_name": "Jordan Morgan",
        "partner_b_email": "jordan@example.org",
        "label": "",
        "concerns": ["poor-communication", "loss-of-connection"],
        "goals": "Argue less; feel like a team.",
        "status": "intake",
        "start_date": practice_today().isoformat(),
        "form_token": "t-1",
    }
    data.update(change)
    return data


def invite(client, case, position="a") -> str:
    """Invite a partner (giving them an email first if they have none); the link shown."""
    partner = db.session.get(Partner, case.partner(position).id)
    if partner.email is None:
        partner.email = f"{partner.first_name.lower()}@example.org"
        db.session.commit()
    response = client.post(f"/cases/{case.id}/partners/{partner.id}/invite")
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).data.decode()
    return link_on(page)


def link_on(page: str) -> str:
    """The one-time link an invitation page shows, as a path."""
    link = page.split('id="link" readonly value="')[1].split('"')[0]
    return link.replace("http://localhost", "")


#: A practice's own exercise, as the "new exercise" form sends it.
EXERCISE = {
    "strategy": "i-statements",
    "title": "Our kitchen-table version",
    "instructions": "Each evening this week, notice one complaint and rewrite it.",
    "who": "each",
    "cadence": "n-per-week",
    "per_week": "3",
    "minutes": "10",
    "prompts": "What did you rewrite?\nHow did your partner respond?",
}


# --- Sessions, notes and check-ins ---------------------------------------------------

NOTE_TEXT = "Alex spoke of feeling invisible at home"
ADDENDUM_TEXT = "Correction: the weekend in question was in March"
#: The draft note of :func:`add_reported_session`: clinical, never in a handout.
CLINICAL_NOTE = "Clinical note text that must never reach a handout"
SUMMARY = "We practised slowing the pattern down when plans change."


def at(days: int, hour: int = 10, minute: int = 0) -> datetime:
    """A UTC moment ``days`` from today (the practice's zone is UTC unless a test sets one)."""
    return datetime.combine(practice_today() + timedelta(days=days), time(hour, minute), tzinfo=UTC)


def draft_note(session: Session) -> Note:
    """The session's note as the note page first saves it: a draft, not yet signed."""
    note = Note(
        session_id=session.id,
        case_id=session.case_id,
        template=NoteTemplate.DAP,
        body={"data": "Draft"},
        author_id=session.counsellor_id,
    )
    db.session.add(note)
    db.session.commit()
    return note


def book_session(case, starts_at, **values) -> Session:
    """A 50-minute session of ``case`` starting at ``starts_at`` (aware), with any other
    columns given."""
    session = Session(
        case_id=case.id,
        counsellor_id=case.counsellor_id,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=50),
        **values,
    )
    db.session.add(session)
    db.session.commit()
    return session


def add_session(
    case, days, hour=10, *, status=SessionStatus.ATTENDED, attendees=("a", "b"), minutes=50
) -> Session:
    """A session ``days`` from today at ``hour``."""
    session = Session(
        case_id=case.id,
        counsellor_id=case.counsellor_id,
        starts_at=at(days, hour),
        ends_at=at(days, hour) + timedelta(minutes=minutes),
        status=status,
        attendees=list(attendees) if status is SessionStatus.ATTENDED else [],
    )
    db.session.add(session)
    db.session.commit()
    return session


def add_reported_session(
    case,
    *,
    days_ago=7,
    status=SessionStatus.ATTENDED,
    summary=SUMMARY,
    step=3,
    blocks=None,
    note=CLINICAL_NOTE,
) -> Session:
    """A session as the reports read it: an EFT step, building-block ratings, a handout
    summary and (unless ``note`` is empty) a draft DAP note."""
    start = now_utc() - timedelta(days=days_ago)
    session = Session(
        case_id=case.id,
        counsellor_id=case.counsellor_id,
        starts_at=start,
        ends_at=start + timedelta(minutes=50),
        status=status,
        attendees=["a", "b"],
        eft_step=step,
        block_ratings=blocks or {"trust": 5, "support": 6},
        handout_summary=summary,
    )
    db.session.add(session)
    db.session.flush()
    if note:
        db.session.add(
            Note(
                session_id=session.id,
                case_id=case.id,
                template=NoteTemplate.DAP,
                body={"data": note},
                author_id=case.counsellor_id,
            )
        )
    db.session.commit()
    return session


def add_session_with(
    case, *, days_ago=3, with_whom=(), came=("a", "b"), summary="We slowed it down."
) -> Session:
    """An attended session to which ``with_whom`` were invited (nobody named: both) and
    ``came`` came."""
    start = now_utc() - timedelta(days=days_ago)
    made = Session(
        case_id=case.id,
        counsellor_id=case.counsellor_id,
        starts_at=start,
        ends_at=start + timedelta(minutes=50),
        status=SessionStatus.ATTENDED,
        invitees=list(with_whom),
        attendees=list(came),
        handout_summary=summary,
    )
    db.session.add(made)
    db.session.commit()
    return made


def signed_note(session, text=NOTE_TEXT, template=NoteTemplate.DAP) -> Note:
    """The session's note, written and signed by its counsellor."""
    note = Note(
        session_id=session.id,
        case_id=session.case_id,
        template=template,
        body={"data": text, "assessment": "", "plan": ""},
        author_id=session.counsellor_id,
    )
    db.session.add(note)
    db.session.flush()
    note.signed_by_id = session.counsellor_id
    note.signed_at = now_utc()
    note.content_hash = note.compute_hash()
    db.session.commit()
    return note


def add_addendum(note, text=ADDENDUM_TEXT) -> Addendum:
    """A signed addendum to a signed note, by the note's signer."""
    addendum = Addendum(
        note_id=note.id,
        case_id=note.case_id,
        body=text,
        signed_by_id=note.signed_by_id,
        signed_at=now_utc(),
    )
    addendum.content_hash = addendum.compute_hash()
    db.session.add(addendum)
    db.session.commit()
    return addendum


def add_check_in(partner, days, answers, blocks=None, by=None) -> CheckIn:
    """A CSI-4 check-in by ``partner`` (or entered by ``by``) at 09:00, ``days`` from today."""
    check_in = new_check_in(
        partner.case,
        partner.id,
        answers=list(answers),
        blocks=blocks or {},
        by=by or partner.user,
        completed_at=at(days, 9),
    )
    db.session.commit()
    return check_in


def check_in_days_ago(case, partner, answers=(3, 3, 3, 3), days_ago=8) -> None:
    """A CSI-4 check-in by ``partner`` ``days_ago`` days before now, with a trust rating."""
    new_check_in(
        case,
        partner.id,
        answers=list(answers),
        blocks={"trust": 6},
        by=partner.user,
        completed_at=now_utc() - timedelta(days=days_ago),
    )
    db.session.commit()


# --- Consent documents and signatures ------------------------------------------------


def publish_consent(owner, kinds=None, *, words="for testing") -> dict:
    """Publish a short text for each document (every kind unless ``kinds``); {kind: version}."""
    now = now_utc()
    published = {}
    for kind in kinds or list(DocumentKind):
        policy = ConfidentialityPolicy.NO_SECRETS if kind is DocumentKind.CONFIDENTIALITY else None
        title = DOCUMENT_KINDS[kind]
        text = f"The practice's {title.lower()}, {words}."
        consent_documents.save_draft(kind, title, text, policy, owner, now)
        published[kind] = consent_documents.publish(kind, owner, now)
    db.session.commit()
    return published


def sign_documents(partner, documents, address="192.0.2.10") -> list:
    """``partner`` signs each of ``documents`` as if in their portal; the signatures."""
    signatures = []
    for document in documents:
        signature, _ = sign(
            partner,
            document,
            shown_id=document.id,
            typed_name=partner.name,
            agreed=True,
            address=address,
            user=partner.user,
            now=now_utc(),
        )
        signatures.append(signature)
    db.session.commit()
    return signatures


# --- Treatment plans ---------------------------------------------------------------


def plan_content(
    shared="Feel like a team again",
    own_a="MARKER-ALEX-OWN-GOAL",
    own_b="MARKER-JORDAN-OWN-GOAL",
):
    """A plan with the couple's goal and objectives, and one goal of each partner's own."""
    return PlanContent(
        problems=(
            Problem("We argue about every change of plan", "couple"),
            Problem("MARKER-ALEX-OWN-PROBLEM", "a"),
        ),
        goals=(
            Goal(
                shared,
                "couple",
                (
                    Objective("Both feel satisfied", "couple", "csi", 13.5),
                    Objective("Keep up the homework", "couple", "adherence", 70),
                    Objective(
                        "Trust, as seen in session", "couple", "block:trust", 7, None, "counsellor"
                    ),
                ),
            ),
            Goal(own_a, "a", (Objective("MARKER-ALEX-OWN-OBJECTIVE", "a", "block:support", 6),)),
            Goal(own_b, "b", (Objective("MARKER-JORDAN-OWN-OBJECTIVE", "b", "csi", 15),)),
        ),
        interventions=(Intervention(step=2, note="Map the cycle"),),
    )


def signed_plan(case, content=None, *, review_by=None, signed_at=None):
    """Version 1 (or the next) of the case's plan, written and signed by its counsellor
    (now, or at ``signed_at``)."""
    when = signed_at or now_utc()
    counsellor = db.session.get(User, case.counsellor_id)
    existing = versions(case)
    draft = existing[0].version if existing and not existing[0].signed else 0
    plan = save_draft(
        case,
        content or plan_content(),
        review_by,
        based_on=draft,
        by=counsellor,
        now=when,
    )
    sign_plan(plan, case, counsellor, when)
    db.session.commit()
    return plan


def plan_form_data(content, *, based_on=0, action="sign") -> dict:
    """The plan form filled in with ``content``, as the counsellor sends it."""
    data = {"based_on": str(based_on), "action": action, "review_by": ""}
    for n, problem in enumerate(content.problems):
        data |= {f"problems-{n}-whose": problem.whose, f"problems-{n}-text": problem.text}
    for g, goal in enumerate(content.goals):
        data |= {f"goals-{g}-whose": goal.whose, f"goals-{g}-text": goal.text}
        for o, objective in enumerate(goal.objectives):
            prefix = f"goals-{g}-objectives-{o}-"
            data |= {
                prefix + "text": objective.text,
                prefix + "whose": objective.whose,
                prefix + "measure": objective.measure,
                prefix + "rater": objective.rater,
                prefix + "target": f"{objective.target:g}",
                prefix + "by": objective.by.isoformat() if objective.by else "",
            }
    for n, intervention in enumerate(content.interventions):
        data |= {
            f"interventions-{n}-what": intervention.key,
            f"interventions-{n}-note": intervention.note,
        }
    return data


# --- Secure messages -----------------------------------------------------------------


def add_message(case, slot: str, text: str, *, by=None, notify=True):
    """A message in the case's thread at ``slot`` ("a", "b", "joint"), through the service:
    by the partner ``by`` (a Partner), or by the counsellor when ``by`` is None."""
    author = by.user if by is not None else case.counsellor
    message, _ = send_message(
        case, slot, text, author=author, partner=by, now=now_utc(), notify=notify
    )
    db.session.commit()
    return message


# --- Billing ---------------------------------------------------------------------------


def bill_session_split(case, session, counsellor, *, paid_by_b=3000):
    """Charge ``session`` to both partners, half each, invoice it, and record B's payment."""
    now = now_utc()
    add_standard_services()
    save_arrangement(case, ArrangementDetails(payer="split"), now)
    charge_sessions(case, {session.id}, Terms(), counsellor, now)
    invoices = issue_invoices(case, "USD", counsellor, practice_today())
    if paid_by_b:
        details = PaymentDetails("b", paid_by_b, PaymentMethod.CASH, practice_today())
        record_payment(case, details, counsellor, now)
    db.session.commit()
    return invoices


# --- The clock ------------------------------------------------------------------------


def set_clock(app, at: datetime) -> None:
    """Move the app's clock (which the test body shares) to ``at``; it runs on from there."""
    clock = app.extensions["fixed_clock"]
    clock.at = at.astimezone(UTC)
    clock.started = time_module.monotonic()
