"""Non-interference: what partner A does alone changes nothing partner B can see.

Everything partner B can reach is collected — every portal page (the messages'
pages and the navigation's count of messages waiting among them), the text of
every PDF, the record exports, B's calendar feed, the reminders that would
be emailed to B and every email in the outbox addressed to B — then A and
the counsellor do A-only things, each carrying a marker where text is
possible, and B's view is collected again. Nothing may differ but the noise
(form tokens), and no marker may appear anywhere. The
control: A's own view does carry A's markers, so the markers were really made.

Among A's acts: an individual session with A by video (its link must reach no
channel of B's), and A's private requests to move the couple's next session and
to cancel A's own, with the counsellor's replies (a suggestion, a refusal).
"""

import difflib
import json
from datetime import timedelta

import pytest
import sqlalchemy as sa

from practice.admin.models import PracticeSettings, VideoRooms
from practice.billing.models import Charge, Invoice
from practice.calendar.feeds import issue_feed
from practice.calendar.models import SessionRequest
from practice.consent.models import ConsentSignature
from practice.database import now_utc
from practice.dates import practice_today
from practice.extensions import db
from practice.homework.models import Assignment, HomeworkEntry
from practice.mail.models import OutboundEmail
from practice.messages.models import Message
from practice.plans.content import Goal, Intervention, Objective, PlanContent, Problem
from practice.progress.models import CheckIn
from practice.progress.services import set_check_in_schedule
from practice.reminders.due import due_reminders
from practice.safety.models import Referral
from practice.screening.items import ITEMS
from practice.sessions.models import Session, SessionMode, SessionStatus
from tests.factories import (
    add_message,
    bill_session_split,
    pdf_text,
    plan_form_data,
    publish_consent,
    quiet,
    sign_in,
    signed_plan,
)

MARKERS = {
    "entry": "MARKER-A-PRIVATE-ENTRY",
    "solo_note": "MARKER-A-SOLO-NOTE",
    "individual": "MARKER-A-INDIVIDUAL-SESSION",
    "screening": "MARKER-SCREENING-NOTE",
    "screen": "MARKER-A-PRIVATE-SCREEN",
    "draft": "MARKER-A-UNSAVED-DRAFT",
    "safety_plan": "MARKER-A-SAFETY-PLAN",
    "referral": "MARKER-A-REFERRAL",
    "self_screen": "MARKER-A-OWN-SCREEN-IN-THE-PORTAL",
    "not_safe": "MARKER-A-DOES-NOT-FEEL-SAFE",
    "correction": "MARKER-A-CORRECTED-ENTRY",
    "request": "MARKER-A-PRIVATE-REQUEST",
    "suggestion": "MARKER-COUNSELLOR-SUGGESTS-TO-A",
    "refusal": "MARKER-COUNSELLOR-DECLINES-TO-A",
    "intake_draft": "MARKER-A-INTAKE-DRAFT",
    "intake": "MARKER-A-INTAKE-SENT",
    "plan_problem": "MARKER-A-OWN-PLAN-PROBLEM",
    "plan_goal": "MARKER-A-OWN-PLAN-GOAL",
    "plan_objective": "MARKER-A-OWN-PLAN-OBJECTIVE",
    "message": "MARKER-A-PRIVATE-MESSAGE",
    "reply": "MARKER-COUNSELLOR-REPLY-TO-A",
    "payment": "MARKER-A-PAYMENT",
    "charge_reason": "MARKER-A-CHARGE-REASON",
}
#: The partner's threads, read before anything is collected: reading a thread marks it
#: read for its reader, which changes the counts on their own pages; read first, it does
#: so alike in every collection.
THREADS = ("/portal/messages/private", "/portal/messages/joint")
#: The couple's treatment plan before A's own items are added: every kind of shared
#: objective, so that A's check-in, A's entries and the counsellor's ratings are seen
#: to change nothing of where B's copy says each stands.
SHARED_PLAN = PlanContent(
    problems=(Problem("We argue about every change of plan", "couple"),),
    goals=(
        Goal(
            "Feel like a team again",
            "couple",
            (
                Objective("Both more satisfied", "couple", "csi", 13.5),
                Objective("Trust, at check-in", "couple", "block:trust", 6),
                Objective(
                    "Trust, as seen in session", "couple", "block:trust", 7, None, "counsellor"
                ),
                Objective("Keep up the homework", "couple", "adherence", 70),
            ),
        ),
    ),
    interventions=(Intervention(step=2, note="Map the cycle"),),
)
PORTAL_PAGES = (
    "/portal/",
    "/portal/entries",
    "/portal/shared",
    "/portal/documents",
    "/portal/resources",
    "/portal/checkin",
    "/portal/appointments/",
    "/portal/safety-plan",
    "/portal/questions",
    "/portal/contact",
    "/portal/intake",
    "/portal/consent",
    "/portal/consent/counselling",
    "/portal/consent/confidentiality",
    "/portal/consent/privacy",
    "/portal/consent/video",
    "/portal/messages/",
    *THREADS,
    "/portal/billing/",
)


def read(browser, url: str) -> tuple[int, str]:
    """What the browser receives at ``url``: its status and its text, PDFs as their text."""
    response = browser.get(url)
    if response.status_code != 200:
        return response.status_code, ""
    if response.mimetype == "application/pdf":
        return 200, quiet(pdf_text(response.data))
    return 200, quiet(response.get_data(as_text=True))


def difference(was: tuple, now: tuple) -> str:
    """The lines that changed, to say what leaked."""
    lines = difflib.unified_diff(
        f"{was[0]}\n{was[1]}".splitlines(), f"{now[0]}\n{now[1]}".splitlines(), lineterm="", n=1
    )
    return "\n".join(list(lines)[:40])


def case_ids(case) -> dict[str, list[int]]:
    """The ids of everything in the case that a portal URL can name."""
    where = {
        "assignments": sa.select(Assignment.id).where(Assignment.case_id == case.id),
        "entries": sa.select(HomeworkEntry.id).where(HomeworkEntry.case_id == case.id),
        "sessions": sa.select(Session.id).where(Session.case_id == case.id),
        "referrals": sa.select(Referral.id).where(Referral.case_id == case.id),
        "signatures": sa.select(ConsentSignature.id).where(ConsentSignature.case_id == case.id),
        "invoices": sa.select(Invoice.id).where(Invoice.case_id == case.id),
    }
    return {name: sorted(db.session.scalars(query)) for name, query in where.items()}


def view_of(app, partner, feed_token: str, ids: dict[str, list[int]]) -> dict[str, tuple]:
    """Everything ``partner`` can reach, by URL, plus their feed and their reminders."""
    browser = sign_in(app, partner.user)
    for thread in THREADS:
        browser.get(thread)
    urls = list(PORTAL_PAGES) + [
        "/portal/my-record.json",
        "/portal/my-record.pdf",
        "/portal/progress.pdf",
        "/portal/closing-summary.pdf",
        "/portal/safety-plan.pdf",
        "/portal/billing/statement.pdf",
        "/portal/billing/superbill.pdf",
    ]
    urls += [f"/portal/homework/{i}" for i in ids["assignments"]]
    urls += [f"/portal/worksheets/{i}.pdf" for i in ids["assignments"]]
    urls += [f"/portal/entries/{i}" for i in ids["entries"]]
    urls += [f"/portal/entries/{i}/edit" for i in ids["entries"]]
    urls += [f"/portal/handouts/{i}.pdf" for i in ids["sessions"]]
    urls += [f"/portal/appointments/{i}/change" for i in ids["sessions"]]
    urls += [f"/portal/letters/{i}.pdf" for i in ids["referrals"]]
    urls += [f"/portal/consent/signatures/{i}.pdf" for i in ids["signatures"]]
    urls += [f"/portal/billing/invoices/{i}.pdf" for i in ids["invoices"]]
    seen = {url: read(browser, url) for url in urls}
    seen["feed"] = read(app.test_client(), f"/calendar/feeds/{feed_token}.ics")
    now = now_utc()
    for hours in (0, 20, 30, 50, 70):
        due = [d for d in due_reminders(now + timedelta(hours=hours)) if d.partner_id == partner.id]
        seen[f"reminders +{hours}h"] = (
            200,
            json.dumps(sorted((d.key, repr(sorted(d.facts.items()))) for d in due)),
        )
    sent = db.session.scalars(
        sa.select(OutboundEmail).where(OutboundEmail.to == partner.user.email)
    ).all()
    seen["emails"] = (200, json.dumps(sorted((m.kind, m.subject, m.body) for m in sent)))
    return seen


@pytest.fixture
def couple(counsellor, owner, make_case, make_assignment, make_entry):
    """A couple part-way through: joint homework, a joint session behind and one ahead,
    the one behind charged half each and invoiced, and part of B's half paid; the
    practice's consent documents published for both to sign; a practice that makes a
    room per video session."""
    db.session.add(
        PracticeSettings(
            name="Mend Counselling",
            timezone="UTC",
            video_rooms=VideoRooms.PER_SESSION.value,
            video_link_template="https://meet.example.org/mend-{room}",
        )
    )
    publish_consent(owner)
    case = make_case(counsellor)
    a, b = case.partners
    now = now_utc()
    joint = Session(
        case_id=case.id,
        counsellor_id=counsellor.id,
        starts_at=now - timedelta(days=7),
        ends_at=now - timedelta(days=7) + timedelta(minutes=50),
        status=SessionStatus.ATTENDED,
        attendees=["a", "b"],
        handout_summary="We named the pattern together.",
    )
    ahead = Session(
        case_id=case.id,
        counsellor_id=counsellor.id,
        starts_at=now + timedelta(days=2, hours=3),
        ends_at=now + timedelta(days=2, hours=4),
        status=SessionStatus.SCHEDULED,
    )
    db.session.add_all([joint, ahead])
    db.session.commit()
    each = make_assignment(
        case, "i-statement-rewrites", "each", note="For you both.", session=joint
    )
    make_assignment(case, "connection-ten-minutes", "together", session=joint)
    make_entry(each, b, answer="B's own words")
    make_entry(each, a, answer="A's shared words", shared=True)
    add_message(case, "joint", "Welcome to you both, between sessions.")
    signed_plan(case, SHARED_PLAN)
    case.progress_shared = True  # each partner's copy of the progress report is compared
    db.session.commit()
    bill_session_split(case, joint, counsellor)
    return case


def a_alone(app, counsellor, case) -> None:
    """Partner A, and the counsellor about A, do A-only things, each leaving a marker."""
    a, _ = case.partners
    today = practice_today()
    as_a = sign_in(app, a.user)
    as_counsellor = sign_in(app, counsellor)
    each = db.session.scalar(
        sa.select(Assignment).where(Assignment.case_id == case.id, Assignment.for_whom == "each")
    )
    # A private entry, and another on homework done together.
    for assignment in db.session.scalars(
        sa.select(Assignment).where(Assignment.case_id == case.id)
    ):
        response = as_a.get(f"/portal/homework/{assignment.id}")
        assert response.status_code == 200
        answers = {
            f"answers-{n}": MARKERS["entry"] for n in range(len(assignment.exercise.prompts))
        }
        response = as_a.post(
            f"/portal/homework/{assignment.id}",
            data={
                "form_token": f"a-entry-{assignment.id}-" + "0" * 20,
                "done_on": today.isoformat(),
                "helpful": "4",
                "difficulty": "2",
                **answers,
            },
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    # A corrects the private entry on homework both partners have: new words, another day.
    private = db.session.scalar(
        sa.select(HomeworkEntry)
        .where(HomeworkEntry.partner_id == a.id, HomeworkEntry.assignment_id == each.id)
        .where(HomeworkEntry.shared.is_(False))
        .order_by(HomeworkEntry.id.desc())
        .limit(1)
    )
    response = as_a.post(
        f"/portal/entries/{private.id}/edit",
        data={
            **{f"answers-{n}": MARKERS["correction"] for n in range(len(private.answers))},
            "done_on": (today - timedelta(days=1)).isoformat(),
            "helpful": "1",
            "difficulty": "5",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    # A's unsaved draft of the next entry on homework both partners have.
    response = as_a.post(
        f"/portal/homework/{each.id}/draft",
        data={"answers-0": MARKERS["draft"], "form_token": "a-draft-" + "0" * 24},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    # An individual session with A, its handout words, and homework given at it for A alone.
    response = as_counsellor.post(
        f"/cases/{case.id}/sessions/new",
        data={
            "form_token": "a-session-" + "0" * 22,
            "day": today.isoformat(),
            "time": "00:00",
            "duration": "50",
            "status": "attended",
            "with_whom": "a",
            "attendees": ["a"],
            "handout_summary": MARKERS["individual"],
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    individual = db.session.scalar(
        sa.select(Session).where(Session.case_id == case.id).order_by(Session.id.desc()).limit(1)
    )
    response = as_counsellor.post(
        f"/cases/{case.id}/homework/new/appreciation-noticing-log",
        data={
            "form_token": "a-solo-" + "0" * 25,
            "for_whom": "a",
            "cadence": "daily",
            "starts_on": today.isoformat(),
            "given_at": str(individual.id),
            "counsellor_note": MARKERS["solo_note"],
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    # An individual session with A booked before the couple's next one.
    response = as_counsellor.post(
        f"/cases/{case.id}/sessions/new",
        data={
            "form_token": "a-ahead-" + "0" * 24,
            "day": (today + timedelta(days=1)).isoformat(),
            "time": "23:00",
            "duration": "50",
            "status": "scheduled",
            "with_whom": "a",
            "handout_summary": "",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    # An individual session with A by video, starting in ten minutes: A may join now.
    starts = now_utc() + timedelta(minutes=10)
    response = as_counsellor.post(
        f"/cases/{case.id}/sessions/new",
        data={
            "form_token": "a-video-" + "0" * 24,
            "day": starts.date().isoformat(),
            "time": starts.strftime("%H:%M"),
            "duration": "50",
            "status": "scheduled",
            "with_whom": "a",
            "mode": "video",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    by_video = db.session.scalar(
        sa.select(Session).where(Session.case_id == case.id, Session.mode == SessionMode.VIDEO)
    )
    # A privately asks to move the couple's next session; the counsellor suggests a time.
    ahead = next(
        session
        for session in db.session.scalars(sa.select(Session).where(Session.case_id == case.id))
        if session.status is SessionStatus.SCHEDULED and not session.invitees
    )
    later = today + timedelta(days=4)
    response = as_a.post(
        f"/portal/appointments/{ahead.id}/change",
        data={
            "form_token": "a-request-" + "0" * 22,
            "kind": "move",
            "reason": MARKERS["request"],
            "day_1": later.isoformat(),
            "time_1": "16:00",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    moving = db.session.scalar(
        sa.select(SessionRequest).where(SessionRequest.session_id == ahead.id)
    )
    response = as_counsellor.post(
        f"/calendar/cases/{case.id}/requests/{moving.id}/suggest",
        data={
            "suggest-day": later.isoformat(),
            "suggest-time": "18:00",
            "suggest-message": MARKERS["suggestion"],
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    # A asks to cancel A's own video session; the counsellor keeps it, saying why.
    response = as_a.post(
        f"/portal/appointments/{by_video.id}/change",
        data={"form_token": "a-cancel-" + "0" * 23, "kind": "cancel", "reason": MARKERS["request"]},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    cancelling = db.session.scalar(
        sa.select(SessionRequest).where(SessionRequest.session_id == by_video.id)
    )
    response = as_counsellor.post(
        f"/calendar/cases/{case.id}/requests/{cancelling.id}/decline",
        data={"decline-message": MARKERS["refusal"]},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    # A's check-in.
    response = as_a.post(
        "/portal/checkin",
        data={
            "form_token": "a-checkin-" + "0" * 22,
            "csi_happiness": "1",
            "csi_warm": "0",
            "csi_rewarding": "1",
            "csi_satisfied": "0",
            **{
                f"block_{k}": "2"
                for k in (
                    "communication",
                    "mutual_respect",
                    "trust",
                    "emotional_intimacy",
                    "support",
                    "teamwork",
                )
            },
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    # A's private screen, asked by the counsellor in the individual session.
    response = as_counsellor.post(
        f"/cases/{case.id}/partners/a/screen",
        data={f"q_{item.key.replace('-', '_')}": "yes" for item in ITEMS}
        | {"taken_on": today.isoformat(), "note": MARKERS["screen"]},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    # The counsellor records a safety concern from A's screening, without pausing.
    response = as_counsellor.post(
        f"/cases/{case.id}/safety",
        data={
            "screened_on": today.isoformat(),
            "outcome": "concerns-plan",
            "note": MARKERS["screening"],
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    # The counsellor writes A's safety plan, and refers A, giving A the letter.
    response = as_counsellor.post(
        f"/cases/{case.id}/safety-plans/a",
        data={"based_on": "0", "warning_signs": MARKERS["safety_plan"], "in_portal": "y"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    response = as_counsellor.post(
        f"/cases/{case.id}/referrals/new",
        data={
            "form_token": "a-referral-" + "0" * 21,
            "for_whom": "a",
            "kind": "domestic-abuse",
            "service": MARKERS["referral"],
            "reason": MARKERS["referral"],
            "referred_on": today.isoformat(),
            "status": "made",
            "given": "y",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    # The counsellor charges A's individual session, lowers it with a reason, invoices it
    # (to A alone, though the couple split their joint sessions), and A pays by cheque.
    response = as_counsellor.post(
        f"/cases/{case.id}/billing/charges", data={"sessions": [individual.id]}
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:3000]
    charge = db.session.scalar(sa.select(Charge).where(Charge.session_id == individual.id))
    response = as_counsellor.post(
        f"/cases/{case.id}/billing/charges/{charge.id}/adjust",
        data={"amount": "120", "service": "", "reason": MARKERS["charge_reason"]},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    response = as_counsellor.post(f"/cases/{case.id}/billing/invoices")
    assert response.status_code == 303
    response = as_counsellor.post(
        f"/cases/{case.id}/billing/payments/new",
        data={
            "form_token": "a-payment-" + "0" * 22,
            "payer": "a",
            "kind": "payment",
            "amount": "120",
            "method": "cheque",
            "received_on": today.isoformat(),
            "reference": MARKERS["payment"],
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    # A answers the safety questions alone in the portal, and says they do not feel safe.
    response = as_a.post(
        "/portal/questions",
        data={f"q_{item.key.replace('-', '_')}": "yes" for item in ITEMS}
        | {"note": MARKERS["self_screen"]},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    response = as_a.post("/portal/contact", data={"message": MARKERS["not_safe"]})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    # A fills in the intake form: a draft first, then sends it; and signs every document.
    response = as_a.post("/portal/intake/draft", data={"q_address": MARKERS["intake_draft"]})
    assert response.status_code == 200, response.get_data(as_text=True)
    response = as_a.post(
        "/portal/intake",
        data={
            "q_phone": "555 0100",
            "q_messages": "Texts only",
            "q_emergency_name": "A's sister",
            "q_emergency_phone": "555 0101",
            "q_brings": MARKERS["intake"],
            "q_hopes": MARKERS["intake"],
            "action": "send",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    for kind in ("counselling", "confidentiality", "privacy", "video"):
        page = as_a.get(f"/portal/consent/{kind}").get_data(as_text=True)
        shown = page.split('name="shown" type="hidden" value="')[1].split('"')[0]
        response = as_a.post(
            f"/portal/consent/{kind}",
            data={"shown": shown, "agree": "y", "typed_name": a.name},
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    # A reads the joint thread, and writes to the counsellor privately; the counsellor
    # answers A alone, and adds A's words to the case record.
    assert as_a.get("/portal/messages/joint").status_code == 200
    response = as_a.post("/portal/messages/private", data={"body": MARKERS["message"]})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    response = as_counsellor.post(f"/cases/{case.id}/messages/a", data={"body": MARKERS["reply"]})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    written = db.session.scalar(sa.select(Message).where(Message.partner_id == a.id))
    response = as_counsellor.post(f"/cases/{case.id}/messages/a/{written.id}/record")
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    # The counsellor revises the plan with a problem, a goal and an objective of A's own.
    with_a = PlanContent(
        problems=(*SHARED_PLAN.problems, Problem(MARKERS["plan_problem"], "a")),
        goals=(
            *SHARED_PLAN.goals,
            Goal(
                MARKERS["plan_goal"],
                "a",
                (Objective(MARKERS["plan_objective"], "a", "block:support", 6),),
            ),
        ),
        interventions=SHARED_PLAN.interventions,
    )
    response = as_counsellor.post(f"/cases/{case.id}/plan/draft", data=plan_form_data(with_a))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert each is not None


def video_room(case) -> str:
    """The room name of the case's video session (A's alone), which only A may come across."""
    room = db.session.scalar(
        sa.select(Session.video_room).where(
            Session.case_id == case.id, Session.mode == SessionMode.VIDEO
        )
    )
    assert room
    return room


@pytest.mark.parametrize("every", [None, 2], ids=["asked-every-session", "every-second-session"])
def test_what_a_does_alone_changes_nothing_b_can_see(app, counsellor, couple, every):
    """Also on a check-in schedule of every second session: A's individual session and A's
    check-in count for A alone, so B's portal prompt and B's check-in reminders stay put."""
    a, b = couple.partners
    if every is not None:
        set_check_in_schedule(couple, every, counsellor.id)
        # B checked in before the joint session: one session since, not yet asked again.
        # Were A's individual session counted for B too, B would be asked: a change.
        db.session.add(
            CheckIn(
                case_id=couple.id,
                partner_id=b.id,
                completed_at=now_utc() - timedelta(days=8),
                csi_happiness=3,
                csi_warm=3,
                csi_rewarding=3,
                csi_satisfied=3,
                csi_total=12,
                blocks={},
                entered_by_id=b.user_id,
            )
        )
    _, feed_token = issue_feed(partner=b)
    db.session.commit()
    before_ids = case_ids(couple)
    before = view_of(app, b, feed_token, before_ids)
    assert before["/portal/"][0] == 200
    assert (
        "We named the pattern together."
        in before[f"/portal/handouts/{before_ids['sessions'][0]}.pdf"][1]
    )
    assert "Keep up the homework" in before["/portal/progress.pdf"][1]  # the plan's shared part

    a_alone(app, counsellor, couple)
    after_ids = case_ids(couple)
    assert after_ids != before_ids  # A's acts made records
    after = view_of(app, b, feed_token, after_ids)

    room = video_room(couple)
    for url, (status, text) in after.items():
        for name, marker in MARKERS.items():
            assert marker not in text, f"{name} marker reached B at {url}"
        assert room not in text, f"A's video room reached B at {url}"
        if url in before:
            assert (status, text) == before[url], f"B's view changed at {url}:\n" + difference(
                before[url], (status, text)
            )
        else:  # a URL naming something A's acts made: B finds nothing there
            assert status == 404, f"B reaches {url}"


def test_the_control_a_sees_their_own_markers(app, counsellor, couple):
    a, _ = couple.partners
    a_alone(app, counsellor, couple)
    _, feed_token = issue_feed(partner=a)
    db.session.commit()
    seen = view_of(app, a, feed_token, case_ids(couple))
    everything = " ".join(text for _, text in seen.values())
    assert MARKERS["entry"] in everything  # A's private entry on homework done together
    assert MARKERS["correction"] in everything  # and the one A corrected
    assert MARKERS["draft"] in everything  # restored on A's own homework page
    assert MARKERS["solo_note"] in everything
    assert MARKERS["individual"] in everything  # A's own handout of the individual session
    assert MARKERS["safety_plan"] in seen["/portal/safety-plan"][1]
    assert MARKERS["safety_plan"] in seen["/portal/safety-plan.pdf"][1]
    assert MARKERS["referral"] in seen["/portal/documents"][1]
    assert MARKERS["message"] in seen["/portal/messages/private"][1]
    assert MARKERS["reply"] in seen["/portal/messages/private"][1]
    assert MARKERS["message"] in seen["/portal/my-record.json"][1]
    assert MARKERS["message"] not in seen["emails"][1]  # the email says only that one waits
    assert any(MARKERS["referral"] in text for url, (_, text) in seen.items() if "letters" in url)
    assert video_room(couple) in seen["/portal/appointments/"][1]  # A's Join button
    assert video_room(couple) in seen["feed"][1]
    assert any(video_room(couple) in text for url, (_, text) in seen.items() if "+0h" in url)
    assert MARKERS["suggestion"] in seen["/portal/appointments/"][1]
    assert MARKERS["refusal"] in seen["/portal/appointments/"][1]
    assert MARKERS["intake"] in seen["/portal/intake"][1]  # A reads back what A sent
    assert MARKERS["intake"] in seen["/portal/my-record.json"][1]
    assert any(a.name in text for url, (_, text) in seen.items() if "signatures" in url)
    # A's own goal and objective, in A's copy of the progress report; the problem as the
    # counsellor wrote it stays with the counsellor.
    assert MARKERS["plan_goal"] in seen["/portal/progress.pdf"][1]
    assert MARKERS["plan_objective"] in seen["/portal/progress.pdf"][1]
    assert MARKERS["plan_problem"] not in everything
    assert MARKERS["payment"] in seen["/portal/billing/"][1]  # A's own cheque
    # (The reference wraps in its narrow column of the statement: compared without spaces.)
    assert MARKERS["payment"] in seen["/portal/billing/statement.pdf"][1].replace(" ", "")
    assert "Individual psychotherapy" in seen["/portal/billing/superbill.pdf"][1]
    assert MARKERS["charge_reason"] not in everything  # why a charge changed: counsellor-only
    assert MARKERS["screening"] not in everything  # counsellor-only, even for A
    assert MARKERS["screen"] not in everything
    # What A sent their counsellor is not shown back, even to A (phones are shared).
    assert MARKERS["self_screen"] not in everything
    assert MARKERS["not_safe"] not in everything


def test_the_counsellors_note_and_ratings_change_nothing_either_partner_sees(
    app, counsellor, couple
):
    """Building-block ratings are counsellor-only clinical data, like the note they are
    entered with: rating and signing leave both partners' views exactly as they were."""
    joint = db.session.scalar(
        sa.select(Session).where(
            Session.case_id == couple.id, Session.status == SessionStatus.ATTENDED
        )
    )
    feeds = {p.id: issue_feed(partner=p)[1] for p in couple.partners}
    db.session.commit()
    ids = case_ids(couple)
    before = {p.id: view_of(app, p, feeds[p.id], ids) for p in couple.partners}
    as_counsellor = sign_in(app, counsellor)
    response = as_counsellor.post(
        f"/cases/{couple.id}/sessions/{joint.id}/note?template=dap",
        data={
            "template": "dap",
            "action": "sign",
            "data": "MARKER-COUNSELLOR-NOTE",
            **{f"block_{key}": "9" for key in ("communication", "trust", "teamwork")},
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    db.session.refresh(joint)
    assert joint.block_ratings == {"communication": 9, "trust": 9, "teamwork": 9}
    for partner in couple.partners:
        after = view_of(app, partner, feeds[partner.id], ids)
        for url, seen in after.items():
            assert "MARKER-COUNSELLOR-NOTE" not in seen[1], url
            assert seen == before[partner.id][url], f"{partner.position} at {url}:\n" + difference(
                before[partner.id][url], seen
            )
