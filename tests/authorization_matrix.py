"""The authorization matrix: who each route of the app is for, and the world it is tried in.

Each endpoint in the URL map has a row in ``MATRIX`` saying who it is for
(tests/test_authorization.py tries every row; a new route without one fails
there). :func:`build_world` makes two cases, seven kinds of user and one of each
record a route can name; the ``world`` fixture in conftest.py calls it.
tests/test_bad_input.py and tests/test_fuzz.py send their odd input to the same
routes, as the same users.
"""

from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa

from practice.auth.models import Role
from practice.billing.invoicing import issue_invoices
from practice.billing.models import Service
from practice.billing.services import ArrangementDetails, Terms, charge_sessions, save_arrangement
from practice.billing.standard import add_standard_services
from practice.calendar.client_requests import ask
from practice.calendar.feeds import issue_feed
from practice.calendar.models import RequestKind, SessionSeries
from practice.catalogue.models import Exercise, Origin, Strategy
from practice.consent.models import DocumentKind
from practice.database import now_utc
from practice.extensions import db
from practice.intake.forms_in_use import form_in_use
from practice.mail.models import OutboundEmail
from practice.progress.reviews import record_review
from practice.safety.models import ReferralKind, ReferralStatus
from practice.safety.services import ReferralDetails, new_referral, save_plan
from practice.screening.models import PartnerScreen, TakenBy
from practice.sessions.models import SessionStatus
from tests.factories import (
    EXERCISE,
    add_message,
    add_session,
    publish_consent,
    sign_documents,
    sign_in,
    signed_plan,
)
from tests.routes import all_rules

SIGNED_OUT = "signed out"
OWNER = "owner"
COUNSELLOR = "counsellor"
OTHER_COUNSELLOR = "other counsellor"
PARTNER_A = "partner A"
PARTNER_B = "partner B"
OTHER_COUPLE = "other couple"
STAFF = (OWNER, COUNSELLOR, OTHER_COUNSELLOR)
CLIENTS = (PARTNER_A, PARTNER_B, OTHER_COUPLE)
EVERYONE = (SIGNED_OUT, *STAFF, *CLIENTS)

ALLOWED = "allowed"  # 200, 400 for the empty form, 409 locked, or a redirect not to sign in
SIGN_IN = "sign in"  # a redirect to /login


@dataclass(frozen=True)
class Row:
    """Who an endpoint is for: the users let through, and what the rest get."""

    kind: str
    allowed: tuple[str, ...]
    refused: dict[str, int | str] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)  # URL argument -> world attribute

    def expect(self, who: str) -> int | str:
        if who in self.allowed:
            return ALLOWED
        if who == SIGNED_OUT:
            return SIGN_IN
        return self.refused[who]


def public() -> Row:
    return Row("public", EVERYONE)


def signed_in() -> Row:
    return Row("any signed-in user", STAFF + CLIENTS)


def staff() -> Row:
    return Row("staff", STAFF, dict.fromkeys(CLIENTS, 404))


def owner() -> Row:
    return Row(
        "owner", (OWNER,), {COUNSELLOR: 403, OTHER_COUNSELLOR: 403} | dict.fromkeys(CLIENTS, 404)
    )


def case(**ids: str) -> Row:
    """A page of the counsellor's case: everyone else gets 404, the owner included."""
    return Row("case", (COUNSELLOR,), dict.fromkeys((OWNER, OTHER_COUNSELLOR, *CLIENTS), 404), ids)


def own_exercise() -> Row:
    """A practice exercise: its author and the owner change it; other counsellors may not."""
    return Row(
        "author or owner",
        (OWNER, COUNSELLOR),
        {OTHER_COUNSELLOR: 403} | dict.fromkeys(CLIENTS, 404),
        {"slug": "practice_slug"},
    )


def portal() -> Row:
    """The portal's own pages: every client, each seeing their own couple."""
    return Row("portal", CLIENTS, dict.fromkeys(STAFF, 403))


def couple(**ids: str) -> Row:
    """Something of the couple's: both partners; another couple gets 404."""
    return Row(
        "couple", (PARTNER_A, PARTNER_B), dict.fromkeys(STAFF, 403) | {OTHER_COUPLE: 404}, ids
    )


def couple_once_closed() -> Row:
    """Something of the couple's that exists once their case is closed; the world's is open,
    so everyone is refused here (test_reports proves the partners get it once closed)."""
    return Row("couple, once closed", (), dict.fromkeys(STAFF, 403) | dict.fromkeys(CLIENTS, 404))


def partner_b(**ids: str) -> Row:
    """Something of partner B's alone: A and another couple get 404."""
    refused = dict.fromkeys(STAFF, 403) | {PARTNER_A: 404, OTHER_COUPLE: 404}
    return Row("partner B's own", (PARTNER_B,), refused, ids)


MATRIX: dict[str, Row] = {
    # Public: signing in, invitations, the health check, calendar feeds (the token is the key).
    "static": public(),
    "main.index": public(),
    "main.healthz": public(),
    "auth.login": public(),
    "auth.logout": public(),
    "auth.quick_exit": public(),
    "auth.leave": public(),
    "auth.two_factor": public(),
    "auth.accept_invitation": public(),
    "calendar.feed": public(),
    # One's own account.
    "account.password": signed_in(),
    "account.email": signed_in(),
    "account.two_factor_status": signed_in(),
    "account.two_factor_start": signed_in(),
    "account.two_factor_enable": signed_in(),
    "account.two_factor_disable": signed_in(),
    # A counsellor's own video room.
    "account.video_room": staff(),
    # The practice's administration: the owner alone.
    "admin.index": owner(),
    "admin.accounts": owner(),
    "admin.new_account": owner(),
    "admin.deactivate": owner(),
    "admin.reactivate": owner(),
    "admin.audit_log": owner(),
    "admin.audit_export": owner(),
    "admin.outbox": owner(),
    "admin.send_email": owner(),
    "admin.settings": owner(),
    "admin_intake.index": owner(),
    "admin_intake.new_question": owner(),
    "admin_intake.edit_question": owner(),
    "admin_intake.move_question": owner(),
    "admin_intake.remove_question": owner(),
    "admin_intake.publish": owner(),
    "admin_intake.discard": owner(),
    "admin_intake.version": owner(),
    "admin_consent.index": owner(),
    "admin_consent.edit": owner(),
    "admin_consent.discard": owner(),
    "admin_consent.version": owner(),
    "calendar.practice_week": owner(),
    "billing_practice.services": owner(),
    "billing_practice.new_service": owner(),
    "billing_practice.edit_service": owner(),
    "billing_practice.settings": owner(),
    "billing_practice.report": owner(),
    "billing_practice.income_csv": owner(),
    "billing_practice.outstanding_csv": owner(),
    # Staff pages that show only the user's own caseload, diary or the shared catalogue.
    "main.dashboard": staff(),
    "cases.caseload_list": staff(),
    "cases.new_case": staff(),
    "calendar.index": staff(),
    "calendar.day": staff(),
    "calendar.week": staff(),
    "calendar.new": staff(),
    "calendar.feed_settings": staff(),
    "calendar.feed_names": staff(),
    "calendar.feed_new": staff(),
    "calendar.feed_revoke": staff(),
    "billing_practice.credentials": staff(),
    "catalogue.index": staff(),
    "catalogue.strategy": staff(),
    "catalogue.exercise": staff(),
    "catalogue.print_exercise": staff(),
    # Offers only the user's own open cases; a case id not theirs is a 404 (see
    # tests/test_assign_from_catalogue.py), an empty choice a 400.
    "catalogue.assign_to_case": staff(),
    "catalogue.new_exercise": staff(),
    "reports.worksheet": staff(),
    "catalogue.edit_exercise": own_exercise(),
    # The counsellor's inbox lists threads of their own caseload only.
    "messages.inbox": staff(),
    "catalogue.retire_exercise": own_exercise(),
    # A case, and everything under it: its counsellor alone.
    "cases.show": case(),
    "cases.edit": case(),
    "cases.safety": case(),
    "screening.screen": case(),
    "screening.show_screen": case(),
    "screening.pause": case(),
    "screening.lift": case(),
    "screening.alert_seen": case(),
    "cases.invite": case(),
    "cases.invitation": case(),
    "homework.choose": case(),
    "homework.assign": case(),
    "homework.show": case(),
    "homework.edit": case(),
    "homework.withdraw_assignment": case(),
    "homework.entry": case(entry_id="private_b"),
    "reports.case_worksheet": case(),
    "sessions.index": case(),
    "sessions.new": case(),
    "sessions.show": case(),
    "sessions.edit": case(),
    "sessions.note": case(),
    "sessions.addendum": case(),
    "sessions.autosave": case(),
    "reports.handout": case(),
    "progress.view": case(),
    "progress.check_in": case(),
    "progress.cycle": case(),
    "progress.review": case(),
    "progress.show_review": case(),
    "progress.check_in_schedule_form": case(),
    "reports.progress": case(),
    "reports.share_progress": case(),
    "reports.unshare_progress": case(),
    "reports.client_progress": case(position="position_a"),
    "reports.closing_summary": case(),
    "reports.client_closing_summary": case(),
    "calendar.session": case(session_id="upcoming"),
    "calendar.move_session": case(session_id="upcoming"),
    "calendar.cancel_session": case(session_id="upcoming"),
    "calendar.no_show": case(session_id="upcoming"),
    "calendar.series": case(),
    "calendar.change_request": case(),
    "calendar.accept_request": case(),
    "calendar.decline_request": case(),
    "calendar.suggest_time": case(),
    "safety.plan": case(),
    "safety.plan_pdf": case(),
    "safety.new_referral_page": case(),
    "safety.referral": case(),
    "safety.referral_letter": case(),
    "plans.show": case(),
    "plans.edit": case(),
    "plans.version": case(),
    "plans.addendum": case(),
    "plans.review": case(),
    "intake.answers": case(),
    "consent.index": case(),
    "consent.signed_copy": case(),
    "messages.case_threads": case(),
    "messages.thread": case(),
    "messages.record": case(message_id="message_a"),
    "billing.index": case(),
    "billing.arrangement": case(),
    "billing.charge": case(),
    "billing.adjust": case(),
    "billing.issue": case(),
    "billing.void": case(),
    "billing.new_payment": case(),
    "billing.invoice_pdf": case(),
    "billing.statement_pdf": case(),
    "billing.superbill_pdf": case(),
    # The portal: clients only, each inside their own couple.
    "portal.home": portal(),
    "portal.entries": portal(),
    "portal.shared": portal(),
    "portal.resources": portal(),
    "portal_screening.questions": portal(),
    "portal_screening.contact": portal(),
    "portal.documents": portal(),
    "portal.check_in": portal(),
    "portal.share_scores": portal(),
    "portal.my_record_json": portal(),
    "portal.my_record_pdf": portal(),
    "portal_calendar.index": portal(),
    "portal_calendar.feed_new": portal(),
    "portal_calendar.feed_revoke": portal(),
    "portal_calendar.reminders": portal(),
    "portal_requests.ask_change": couple(session_id="upcoming"),
    # Each partner's own intake form and the practice's documents, signed for oneself.
    "portal_intake.intake": portal(),
    "portal_intake.draft": portal(),
    "portal_consent.index": portal(),
    "portal_consent.document": portal(),
    # Every partner's own private thread, and their own couple's joint thread: the
    # addresses name no record, so each client reaches only their own.
    "portal_messages.index": portal(),
    "portal_messages.thread": portal(),
    "portal.homework": couple(),
    "portal.draft": couple(),
    "portal.worksheet": couple(),
    "portal.handout": couple(),
    "portal.closing_summary": couple_once_closed(),
    "portal.progress_report": couple(),
    "portal.entry": partner_b(entry_id="private_b"),
    "portal.sharing": partner_b(entry_id="private_b"),
    "portal.edit_entry": partner_b(entry_id="private_b"),
    # B's safety plan and a referral letter given to B: A has neither.
    "portal_safety.plan": partner_b(),
    "portal_safety.plan_pdf": partner_b(),
    "portal_safety.referral_letter": partner_b(),
    # B's own request to move the couple's next session: A never learns of it.
    "portal_requests.take": partner_b(),
    "portal_requests.turn_down": partner_b(),
    "portal_requests.withdraw_request": partner_b(),
    # B's signed copy: A has only their own.
    "portal_consent.signed_copy": partner_b(),
    # The portal's billing: each partner's own account; B's invoice is B's alone.
    "portal_billing.index": portal(),
    "portal_billing.statement_pdf": portal(),
    "portal_billing.superbill_pdf": portal(),
    "portal_billing.invoice_pdf": partner_b(),
}

#: What each URL argument is, unless a row says otherwise.
DEFAULT_IDS = {
    "case_id": "mine",
    "assignment_id": "assignment",
    "entry_id": "entry_a",
    "session_id": "attended",
    "series_id": "series",
    "partner_id": "partner_b",
    "user_id": "spare_user",
    "slug": "exercise_slug",
    "token": "feed_token",
    "filename": "stylesheet",
    "position": "reader",
    "screen_id": "screen",
    "referral_id": "referral_b",
    "email_id": "outbox_email",
    "request_id": "request_b",
    "review_id": "review",
    # Version 1 of the treatment plan, and of the intake form and each consent document.
    "version": "plan_version",
    "slot": "reader",
    "which": "own_thread",
    "message_id": "message_a",
    "signature_id": "signature_b",
    "kind": "document_kind",
    "key": "question_key",
    "charge_id": "charge",
    "invoice_id": "invoice_b",
    "service_id": "service",
}
STRATEGY_SLUG_ENDPOINTS = {"catalogue.strategy"}


@dataclass
class World:
    users: dict
    mine: object = None
    theirs: object = None
    assignment: object = None
    entry_a: object = None
    private_b: object = None
    attended: object = None
    upcoming: object = None
    series: object = None
    spare_user: object = None
    referral_b: object = None
    outbox_email: object = None
    charge: object = None
    invoice_b: object = None
    service: object = None
    practice_slug: str = ""
    exercise_slug: str = "i-statement-rewrites"
    strategy_slug: str = ""
    feed_token: str = ""
    stylesheet: str = "css/app.css"
    reader: str = "a"  # whose copy of a per-reader report
    screen: object = None
    review: object = None
    position_a: str = "a"
    request_b: object = None
    plan_version: int = 1  # of the treatment plan of ``mine``; ``theirs`` has none
    signature_b: object = None
    document_kind: str = "counselling"
    question_key: str = "phone"
    own_thread: str = "private"
    message_a: object = None  # partner A's private message to the counsellor

    def value(self, name: str):
        thing = getattr(self, name)
        return getattr(thing, "id", thing)

    @property
    def partner_b(self):
        return self.mine.partners[1]


def build_world(app, make_user, make_case, make_assignment, make_entry, owner) -> World:
    """Two cases, seven kinds of user, and one of each record a route can name."""
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "1000 per minute"
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "1000 per minute"
    counsellor = make_user(Role.COUNSELLOR, name="Casey Counsellor")
    other = make_user(Role.COUNSELLOR, name="Olu Other")
    mine = make_case(counsellor)
    theirs = make_case(other, ("Sam Other", "Robin Other"))
    a, b = mine.partners
    assignment = make_assignment(mine, "i-statement-rewrites", "each")
    attended = add_session(mine, -7)
    upcoming = add_session(mine, 7, status=SessionStatus.SCHEDULED)
    mine.progress_shared = True
    series = SessionSeries(
        case_id=mine.id,
        counsellor_id=counsellor.id,
        every_weeks=1,
        first_day=attended.starts_at.date(),
        start_time=attended.starts_at.time(),
        duration_minutes=50,
        timezone="UTC",
        count=2,
        created_by_id=counsellor.id,
    )
    db.session.add(series)
    _, feed_token = issue_feed(user=counsellor)
    issue_feed(user=owner)
    issue_feed(user=other)
    db.session.commit()
    browser = sign_in(app, counsellor)
    assert browser.post("/catalogue/exercises/new", data=EXERCISE).status_code == 302
    practice = db.session.scalar(sa.select(Exercise).where(Exercise.origin == Origin.PRACTICE))
    users = {
        SIGNED_OUT: None,
        OWNER: owner,
        COUNSELLOR: counsellor,
        OTHER_COUNSELLOR: other,
        PARTNER_A: a.user,
        PARTNER_B: b.user,
        OTHER_COUPLE: theirs.partners[0].user,
    }
    world = World(
        users=users,
        mine=mine,
        theirs=theirs,
        assignment=assignment,
        entry_a=make_entry(assignment, a, answer="A's own"),
        private_b=make_entry(assignment, b, answer="B's private"),
        attended=attended,
        upcoming=upcoming,
        series=series,
        spare_user=make_user(Role.COUNSELLOR, name="Spare Counsellor"),
        practice_slug=practice.slug,
        strategy_slug=db.session.scalar(sa.select(Strategy.slug).limit(1)),
        feed_token=feed_token,
        screen=PartnerScreen(
            case_id=mine.id,
            partner_id=a.id,
            taken_on=attended.starts_at.date(),
            taken_by=TakenBy.COUNSELLOR,
            answers={"fear": "no"},
            entered_by_id=counsellor.id,
        ),
        referral_b=safety_work_for_b(mine, counsellor),
        outbox_email=OutboundEmail(
            kind="invitation", to="x@example.org", subject="s", body="b", case_id=mine.id
        ),
        message_a=add_message(mine, "a", "A's private words", by=a, notify=False),
    )
    db.session.add_all([world.screen, world.outbox_email])
    world.request_b = ask(
        b,
        upcoming,
        RequestKind.MOVE,
        "B's reason",
        [upcoming.starts_at + timedelta(days=1)],
        now_utc(),
        24,
    )
    world.review = record_review(mine, attended.starts_at.date(), "A review", counsellor.id)
    db.session.commit()
    assert signed_plan(mine).version == world.plan_version
    world.signature_b = consent_of_b(mine, owner)
    world.charge, world.invoice_b = billing_work(mine, attended, counsellor)
    world.service = db.session.get(Service, world.charge.service_id)
    return world


def consent_of_b(case, owner):
    """The practice's documents and intake form published; B signs consent to counselling."""
    form_in_use()
    documents = publish_consent(owner)
    [signature] = sign_documents(case.partners[1], [documents[DocumentKind.COUNSELLING]])
    return signature


def billing_work(case, session, counsellor):
    """The session charged to both partners, half each, and invoiced: B's invoice."""
    now = now_utc()
    add_standard_services()
    save_arrangement(case, ArrangementDetails(payer="split"), now)
    [charge] = charge_sessions(case, {session.id}, Terms(), counsellor, now)
    invoices = issue_invoices(case, "USD", counsellor, now.date())
    db.session.commit()
    return charge, next(i for i in invoices if i.payer == "b")


def safety_work_for_b(case, counsellor):
    """A safety plan for partner B, and a referral of B whose letter B was given."""
    b = case.partners[1]
    now = now_utc()
    save_plan(b, {"warning_signs": "B's signs"}, in_portal=True, based_on=0, by=counsellor, now=now)
    details = ReferralDetails(
        partner=b,
        kind=ReferralKind.INDIVIDUAL_THERAPY,
        service="A therapist",
        service_address="",
        reason="For B.",
        referred_on=now.date(),
        status=ReferralStatus.MADE,
        given=True,
    )
    referral = new_referral(case, details, counsellor, now)
    db.session.commit()
    return referral


RULES = {rule.endpoint: rule for rule in all_rules()}


def url_for_row(endpoint: str, world: World, **instead: str) -> str:
    rule = RULES[endpoint]
    names = DEFAULT_IDS | MATRIX[endpoint].ids | instead
    if endpoint in STRATEGY_SLUG_ENDPOINTS:
        names["slug"] = "strategy_slug"
    values = {arg: world.value(names[arg]) for arg in rule.arguments}
    return rule.build(values)[1]


def outcome(response) -> int | str:
    """What a response amounts to, in the matrix's terms."""
    status = response.status_code
    if status in (301, 302, 303):
        return SIGN_IN if response.headers["Location"].startswith("/login") else ALLOWED
    if status in (200, 400, 409):
        return ALLOWED
    return status


def methods(endpoint: str) -> list[str]:
    return sorted((RULES[endpoint].methods or set()) - {"HEAD", "OPTIONS"})
