"""A case's sessions: scheduling, recording, notes, signing and addenda."""

from datetime import UTC, datetime

import sqlalchemy as sa
from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from practice import audience, audit
from practice.auth.access import counsellor_required
from practice.calendar.booking import Booking, book, booked_message, change, slots_for
from practice.calendar.client_requests import open_requests_of
from practice.calendar.forms import BookingForm
from practice.calendar.recurrence import ScheduleError, zone_named
from practice.cases.access import get_case_or_404
from practice.cases.models import Case
from practice.consent.gate import gap as consent_gap
from practice.database import now_utc
from practice.dates import format_datetime, local, practice_today, practice_zone
from practice.extensions import db
from practice.forms import form_page, place_problem, problems_beside_fields, restoring
from practice.idempotency import already_made, create_once
from practice.messages.record import recorded_messages
from practice.messages.rules import thread_name
from practice.pagination import paginate
from practice.screening.holds import joint_work_held
from practice.sessions import video
from practice.sessions.access import get_session_or_404
from practice.sessions.forms import MAX_SECTION, AddendumForm, TemplateChoiceForm, note_form_class
from practice.sessions.models import (
    Addendum,
    Note,
    NoteTemplate,
    Session,
    SessionStatus,
)
from practice.sessions.notes import TEMPLATES, homework_since, sections, switch_template
from practice.sessions.services import (
    add_addendum,
    apply_correction,
    attended_ordinals,
    previous_attended,
    sign,
    signs_the_same,
)
from practice.settings import practice_settings
from practice.vocabulary import BUILDING_BLOCKS

bp = Blueprint("sessions", __name__)

PER_PAGE = 25
SIGNED = "Note signed. It is now locked; corrections go in addenda."


def handout_readers(case: Case, session: Session) -> list:
    """The partners who get a handout of this session: those it was with who came."""
    return [p for p in case.partners if audience.may_read(p, audience.of_handout(session))]


@bp.get("/")
@counsellor_required
def index(case_id: int):
    """Every session of the case, newest first, with its number among attended ones; and
    the messages the counsellor added to the case record."""
    case = get_case_or_404(case_id)
    page = paginate(
        sa.select(Session)
        .where(Session.case_id == case.id)
        .options(joinedload(Session.note))
        .order_by(Session.starts_at.desc()),
        per_page=PER_PAGE,
    )
    messages = recorded_messages(case)
    if messages:  # their words are shown here: reading them is on the trail
        audit.record("messages.read", case, in_record=len(messages))
    return render_template(
        "sessions/index.html",
        case=case,
        page=page,
        ordinals=attended_ordinals(case.id),
        now=now_utc(),
        messages=messages,
        thread_name=lambda slot: thread_name(
            slot, {p.position: p.first_name for p in case.partners}
        ),
    )


@bp.route("/new", methods=["GET", "POST"])
@counsellor_required
def new(case_id: int):
    """Book a session (once or repeating), or record one that has happened."""
    case = get_case_or_404(case_id)
    form = BookingForm.for_case(case.partners)
    if request.method == "GET" and not restoring():
        form.day.data = practice_today()
        form.attendees.data = [p.position for p in case.partners]
    if form.validate_on_submit():
        with problems_beside_fields(form, ScheduleError):
            zone = zone_named(practice_settings().timezone)
            made, created = book(case, form.booking(), zone, current_user, form.form_token.data)
            if created:
                flash(booked_message(case, made), "success")
            if isinstance(made, Session):
                return redirect(url_for("sessions.show", case_id=case.id, session_id=made.id))
            return redirect(url_for("calendar.series", case_id=case.id, series_id=made.id))
    return booking_page(case, form, session=None)


def booking_page(case: Case, form: BookingForm, session: Session | None):
    """The booking form of a case: a new session, or one being changed."""
    return form_page(
        "sessions/session_form.html",
        form,
        case=case,
        session=session,
        held=joint_work_held(case),
        consent_gap=consent_gap(case),
    )


@bp.get("/<int:session_id>")
@counsellor_required
def show(case_id: int, session_id: int):
    """A session: when, who came, the note (draft or signed) and its addenda."""
    case = get_case_or_404(case_id)
    session = get_session_or_404(case, session_id)
    if session.note is not None:
        audit.record("note.view", session.note)
    return session_page(case, session)


def session_page(case: Case, session: Session, *, addendum_form=None, refusal=None) -> str:
    """The session page, from one place: shown, or again with a refusal or a form's errors."""
    if addendum_form is None:
        addendum_form = AddendumForm(partners=case.partners, formdata=None)
        fill_facts(addendum_form, session)
    return render_template(
        "sessions/session.html",
        case=case,
        session=session,
        ordinal=attended_ordinals(case.id).get(session.id),
        addendum_form=addendum_form,
        sections=TEMPLATES[session.note.template][1] if session.note else (),
        handout_readers=handout_readers(case, session),
        refusal=refusal,
        described_corrections=described_corrections,
        building_blocks=BUILDING_BLOCKS,
        video_link=video.link_for(session, practice_settings()),
        requests=open_requests_of([session.id]).get(session.id, []),
    )


def fill_facts(form, session: Session) -> None:
    """Put the session's facts as they stand into a form that has their fields."""
    starts = local(session.starts_at)
    form.day.data, form.time.data = starts.date(), starts.time()
    form.duration.data = session.duration_minutes
    form.status.data = session.status.value
    form.attendees.data = list(session.attendees or [])


def signed_facts_refusal(session: Session) -> str:
    signed_on = local(session.note.signed_at)
    return (
        f"This session's note was signed on {signed_on.day} {signed_on:%b %Y}, so its date, "
        "time, status and who came are locked with it. Nothing was changed. To correct them, "
        "write an addendum below and tick “Also correct the session’s record”."
    )


FACT_LABELS = {
    "starts_at": "start",
    "ends_at": "end",
    "status": "status",
    "attendees": "who came",
    "invitees": "with",
}


def described_corrections(addendum: Addendum, case) -> list[str]:
    """An addendum's corrections of its session in words: "status no-show → attended"."""
    names = {p.position: p.first_name for p in case.partners}

    def shown(fact: str, value) -> str:
        if fact in ("starts_at", "ends_at"):
            return format_datetime(datetime.fromisoformat(value))
        if fact == "status":
            return SessionStatus(value).label.lower()
        return ", ".join(names.get(position, position) for position in value) or "nobody"

    return [
        f"{FACT_LABELS[fact]} {shown(fact, old)} → {shown(fact, new)}"
        for fact, (old, new) in (addendum.corrections or {}).items()
    ]


@bp.route("/<int:session_id>/edit", methods=["GET", "POST"])
@counsellor_required
def edit(case_id: int, session_id: int):
    """Move a session, mark it attended, cancelled or a no-show, or change the handout words."""
    case = get_case_or_404(case_id)
    session = get_session_or_404(case, session_id)
    if session.note is not None and session.note.signed:
        audit.record("session.change_refused", session)
        return session_page(case, session, refusal=signed_facts_refusal(session)), 409
    form = BookingForm.for_change(case.partners, obj=session)
    form.keep_service(session.service_id)
    if request.method == "GET" and not restoring():
        fill_facts(form, session)
        form.with_whom.data = session.invitees[0] if session.invitees else "all"
        form.service.data = str(session.service_id or "")
    elif not form.joint_reason.data:
        # A reason already given for seeing the couple together still stands.
        form.joint_reason.data = session.joint_reason
    if form.validate_on_submit():
        with problems_beside_fields(form, ScheduleError):
            change(
                session, form.booking(ignore=session.id), zone_named(practice_settings().timezone)
            )
            flash("Session updated.", "success")
            return redirect(url_for("sessions.show", case_id=case.id, session_id=session.id))
    return booking_page(case, form, session=session)


def _note_context(case: Case, session: Session) -> dict:
    previous = previous_attended(session)
    until = local(session.starts_at).date()
    since = local(previous.starts_at).date() if previous else None
    return {"homework": homework_since(case, since, until), "previous": previous}


def _signed_refusal(case: Case, session: Session):
    """Any attempt to change a signed note: refused, said plainly, and on the audit trail."""
    note = session.note
    audit.record("note.change_refused", note)
    refusal = (
        f"This note was signed on {local(note.signed_at):%d %b %Y} and can no "
        "longer be changed. Nothing was saved. To correct or add to it, write an addendum."
    )
    return session_page(case, session, refusal=refusal), 409


@bp.route("/<int:session_id>/note", methods=["GET", "POST"])
@counsellor_required
def note(case_id: int, session_id: int):
    """Write the note from a template; save the draft, or sign it and lock it."""
    case = get_case_or_404(case_id)
    session = get_session_or_404(case, session_id, to_write_note=request.method == "POST")
    existing = session.note
    if existing is not None and existing.signed:
        if request.method == "POST" and _repeats_signing(existing):
            flash(SIGNED, "success")
            return redirect(url_for("sessions.show", case_id=case.id, session_id=session.id))
        if request.method == "POST":
            return _signed_refusal(case, session)
        return redirect(url_for("sessions.show", case_id=case.id, session_id=session.id))
    template = _template_for(existing)
    if existing is not None and (stale := _posted_template()) not in (None, template):
        return _stale_template(case, session, template, stale)
    form = note_form_class(template)(case=case)
    if request.method == "GET" and not restoring():
        if existing is not None:
            for key, value in existing.body.items():
                if key in form and key != "interventions_used":
                    form[key].data = value
            form.ticked_interventions.data = existing.body.get("interventions_used", [])
        form.eft_step.data = str(session.eft_step or "")
        for key, value in (session.block_ratings or {}).items():
            if f"block_{key}" in form:
                form[f"block_{key}"].data = value
    if form.validate_on_submit():
        write = _switch_template if request.form.get("action") == "switch" else _save_or_sign
        if (answer := write(case, session, existing, template, form)) is not None:
            return answer
    if existing is not None:
        audit.record("note.view", existing)
    return _note_page(case, session, template, form)


def _save_or_sign(case: Case, session: Session, existing, template: NoteTemplate, form):
    """Save the draft, or sign it; the answer, or None with the reason on the form."""
    signing = request.form.get("action") == "sign"
    if signing and not form.has_text():
        form.form_errors.append("A note needs some text before it can be signed.")
        return None
    note = _save_note(case, session, existing, template, form)
    if signing:
        sign(note, current_user)
        flash(SIGNED, "success")
        return redirect(url_for("sessions.show", case_id=case.id, session_id=session.id))
    flash("Draft saved.", "success")
    return redirect(url_for("sessions.note", case_id=case.id, session_id=session.id))


def _note_page(case: Case, session: Session, template: NoteTemplate, form):
    """The note form in ``template``, with the template chooser set to it."""
    chooser = TemplateChoiceForm(formdata=None, switch_to=template.value)
    for field in form.section_fields():
        # A section holding more than its box shows (text carried over from another
        # template, a long session) opens tall enough to be seen, up to a point.
        lines = (field.data or "").count("\n") + 2
        if lines > (field.render_kw or {}).get("rows", 0):
            field.render_kw = {**(field.render_kw or {}), "rows": min(lines, 20)}
    return form_page(
        "sessions/note_form.html",
        form,
        case=case,
        session=session,
        note_template=template,
        templates=TEMPLATES,
        chooser=chooser,
        **_note_context(case, session),
    )


def _posted_template() -> NoteTemplate | None:
    """The template the posted form was written in, when it says."""
    posted = request.form.get("template")
    return NoteTemplate(posted) if posted in {t.value for t in NoteTemplate} else None


def _stale_template(case: Case, session: Session, template: NoteTemplate, posted: NoteTemplate):
    """A form written in another template than the draft's (switched in another tab):
    nothing is saved over the draft, and the typed text comes back in its own form."""
    form = note_form_class(posted)(case=case)
    form.validate()
    form.form_errors.append(
        f"Since this page was opened, the draft was moved to the {template.name} template "
        "(in another window or tab), so nothing here was saved. Copy what you need from "
        "below, then open the note again."
    )
    return _note_page(case, session, posted, form)[0], 409


def _switch_template(case: Case, session: Session, existing, template: NoteTemplate, form):
    """Move the note, as typed, to another template; the answer, or None with the reason
    on the form. Text whose section the new template lacks is carried into its first
    section under a heading (``switch_template``): a counsellor who switches has written
    something worth keeping, and sorting a few paragraphs is better than retyping them."""
    chooser = TemplateChoiceForm()
    if not chooser.validate():
        form.form_errors.append("Choose one of the templates offered.")
        return None
    new = NoteTemplate(chooser.switch_to.data)
    here = url_for("sessions.note", case_id=case.id, session_id=session.id)
    if new is template:
        # Enter in a rating box lands here too (the first submit button of the form):
        # the counsellor asked to keep what they typed, so it is saved.
        return _save_or_sign(case, session, existing, template, form)
    if existing is None and not (form.has_text() or form.ratings() or form.eft_step.data):
        return redirect(f"{here}?template={new.value}")  # nothing typed yet: no draft needed
    switched = switch_template(form.body(), template, new)
    first = sections(new)[0]
    if len(switched.body[first.key]) > MAX_SECTION:
        form.form_errors.append(
            f"The template was not changed: with the text carried over, “{first.label}” "
            f"would pass {MAX_SECTION:,} characters. Shorten the note first."
        )
        return None
    note = _save_note(case, session, existing, new, form, body=switched.body)
    note.template = new
    audit.record(
        "note.template_change", note, old=template.value, new=new.value, moved=list(switched.moved)
    )
    if switched.moved:
        flash(
            f"The note now uses the {new.name} template. The {new.name} template has no "
            f"{_listed(switched.moved)} section, so that text is at the end of "
            f"“{first.label}”, under a heading saying where it came from: move it where it "
            "belongs before you sign.",
            "warning",
        )
    else:
        flash(f"The note now uses the {new.name} template; all its text came with it.", "success")
    return redirect(here)


def _listed(labels: tuple[str, ...]) -> str:
    quoted = [f"“{label}”" for label in labels]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def _repeats_signing(note: Note) -> bool:
    """Whether this POST signs exactly what its sender already signed: a double click
    of Sign, or the browser sending the form again after a lost answer."""
    form = note_form_class(note.template)()
    return request.form.get("action") == "sign" and signs_the_same(note, form.body(), current_user)


def _template_for(existing: Note | None) -> NoteTemplate:
    """The note's own template; else the one asked for, or the one of a parked draft; else EFT."""
    if existing is not None:
        return existing.template
    known = {t.value for t in NoteTemplate}
    for wanted in (
        request.form.get("template"),
        request.args.get("template"),
        g.parked_formdata.get("template") if restoring() else None,
    ):
        if wanted in known:
            return NoteTemplate(wanted)
    return NoteTemplate.EFT


def _save_note(case, session, existing, template, form, body: dict | None = None) -> Note:
    # The homework is read before the note joins the session, so no half-made note is
    # flushed by the queries that read it.
    body = dict(form.body() if body is None else body)
    body["homework_snapshot"] = [line.text for line in _note_context(case, session)["homework"]]
    note = existing or Note(
        session=session, case_id=case.id, template=template, author_id=current_user.id, body={}
    )
    note.body = body
    note.updated_at = now_utc()
    session.eft_step = int(form.eft_step.data) if form.eft_step.data else None
    session.block_ratings = form.ratings()
    db.session.add(note)
    db.session.flush()
    audit.record("note.save" if existing else "note.create", note)
    return note


@bp.post("/<int:session_id>/note/autosave")
@counsellor_required
def autosave(case_id: int, session_id: int):
    """Save the draft in the background while the counsellor types; JSON in and out."""
    case = get_case_or_404(case_id)
    session = get_session_or_404(case, session_id, to_write_note=True)
    if session.note is not None and session.note.signed:
        return {"saved": False, "error": "This note is signed and can no longer change."}, 409
    posted = _posted_template()
    if session.note is not None and posted not in (None, session.note.template):
        error = (
            f"This draft was moved to the {session.note.template.name} template in another "
            "window, so this page's text was not saved. Copy it, then open the note again."
        )
        return {"saved": False, "error": error}, 409
    template = session.note.template if session.note else posted or NoteTemplate.EFT
    form = note_form_class(template)(case=case)
    if not form.validate():
        return {"saved": False, "errors": form.errors}, 400
    _save_note(case, session, session.note, template, form)
    return {"saved": True, "at": local(now_utc()).strftime("%H:%M:%S")}


@bp.post("/<int:session_id>/note/addenda")
@counsellor_required
def addendum(case_id: int, session_id: int):
    """Append a signed, time-stamped correction to a signed note, and with it, if the
    counsellor says so, correct the session's date, time, status or who came."""
    case = get_case_or_404(case_id)
    session = get_session_or_404(case, session_id)
    if session.note is None or not session.note.signed:
        flash("Addenda are for signed notes; a draft can simply be edited.", "info")
        return redirect(url_for("sessions.show", case_id=case.id, session_id=session.id))
    form = AddendumForm(partners=case.partners)
    if form.validate_on_submit():
        if already_made(Addendum, form.form_token.data):
            return redirect(url_for("sessions.show", case_id=case.id, session_id=session.id))
        corrected = _corrected_facts(form, case, session) if form.correct.data else {}
        if corrected is not None:
            addendum, created = create_once(
                Addendum,
                form.form_token.data,
                lambda: add_addendum(session.note, form.body.data.strip(), current_user, corrected),
            )
            if created:
                apply_correction(session, addendum)
                audit.record("note.amend", addendum, note=session.note.id)
                flash(
                    "Addendum signed and added; the session’s record is corrected."
                    if addendum.corrections
                    else "Addendum signed and added.",
                    "success",
                )
            return redirect(url_for("sessions.show", case_id=case.id, session_id=session.id))
    return session_page(case, session, addendum_form=form), 400


def _corrected_facts(form: AddendumForm, case: Case, session: Session) -> dict | None:
    """The session's facts as the addendum corrects them, or None with the reason beside
    the field. The same rules as recording a session, and something must differ."""
    correction = Booking(
        day=form.day.data,
        start=form.time.data,
        minutes=form.duration.data,
        invitees=tuple(session.invitees or ()),
        status=SessionStatus(form.status.data),
        attendees=tuple(form.attendees.data or ()),
        ignore=session.id,
    )
    try:
        # What already happened: the hold on joint work is for sessions to come.
        [wanted] = slots_for(case, correction, practice_zone(), hold_applies=False)
    except ScheduleError as exc:
        place_problem(form, exc)
        return None
    starts_at, ends_at = wanted.starts_at, wanted.ends_at
    status = correction.status
    attendees = sorted(correction.attendees)
    corrected = {
        "starts_at": starts_at.astimezone(UTC).isoformat(),
        "ends_at": ends_at.astimezone(UTC).isoformat(),
        "status": status.value,
        "attendees": attendees,
    }
    facts = session.facts
    if all(facts[fact] == value for fact, value in corrected.items()):
        form.correct.errors.append(
            "Nothing here differs from the session as recorded: change what was wrong, or "
            "untick the box to add the addendum alone."
        )
        return None
    return corrected
