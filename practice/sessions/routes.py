"""A case's sessions: scheduling, recording, notes, signing and addenda."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from practice import audience, audit
from practice.auth.access import counsellor_required
from practice.cases.access import get_case_or_404
from practice.cases.models import Case
from practice.database import now_utc
from practice.dates import LocalTimeError, format_datetime, local, local_to_utc, practice_today
from practice.extensions import db
from practice.forms import form_page, restoring
from practice.idempotency import already_made, create_once
from practice.pagination import paginate
from practice.screening.holds import joint_session_problem, joint_work_held
from practice.sessions.forms import AddendumForm, SessionForm, TemplateChoiceForm, note_form_class
from practice.sessions.models import (
    SESSION_STATUSES,
    Addendum,
    Note,
    NoteTemplate,
    Session,
    SessionStatus,
)
from practice.sessions.notes import TEMPLATES, homework_since
from practice.sessions.services import (
    add_addendum,
    apply_correction,
    attended_ordinals,
    attended_too_early,
    clash,
    previous_attended,
    sign,
    signs_the_same,
)

bp = Blueprint("sessions", __name__)

PER_PAGE = 25
SIGNED = "Note signed. It is now locked; corrections go in addenda."


def handout_readers(case: Case, session: Session) -> list:
    """The partners who get a handout of this session: those it was with who came."""
    return [p for p in case.partners if audience.may_read(p, audience.of_handout(session))]


def get_session_or_404(case: Case, session_id: int, *, to_write_note=False) -> Session:
    """A session of ``case`` (already access-checked); 404 for any other.

    ``to_write_note`` first waits for any other request writing this session's
    note to finish, then reads the session and note as they are after it: two
    clicks of Sign, or two tabs saving a first draft, then come one after the
    other. SQLite's writers already queue (``BEGIN IMMEDIATE``); PostgreSQL's
    do so on this row lock, taken on its own so that the read after it is fresh.
    """
    if to_write_note:
        db.session.execute(
            sa.select(Session.id)
            .where(Session.id == session_id, Session.case_id == case.id)
            .with_for_update()
        )
    session = db.session.scalar(
        sa.select(Session)
        .where(Session.id == session_id, Session.case_id == case.id)
        .options(joinedload(Session.note).selectinload(Note.addenda).joinedload(Addendum.signed_by))
    )
    if session is None:
        abort(404)
    return session


@bp.get("/")
@counsellor_required
def index(case_id: int):
    """Every session of the case, newest first, with its number among attended ones."""
    case = get_case_or_404(case_id)
    page = paginate(
        sa.select(Session)
        .where(Session.case_id == case.id)
        .options(joinedload(Session.note))
        .order_by(Session.starts_at.desc()),
        per_page=PER_PAGE,
    )
    return render_template(
        "sessions/index.html",
        case=case,
        page=page,
        ordinals=attended_ordinals(case.id),
        now=now_utc(),
    )


def _check_times(form: SessionForm, case: Case, session_id: int | None = None):
    """The UTC start and end the form asks for, or None with the reason beside the field."""
    if (times := _when_and_status(form, case, session_id)) is None:
        return None
    status = SessionStatus(form.status.data)
    if status in (SessionStatus.SCHEDULED, SessionStatus.ATTENDED) and (
        problem := joint_session_problem(case, form.invitees, form.joint_reason.data)
    ):
        form.joint_reason.errors.append(problem)
        return None
    return times


def _when_and_status(form, case: Case, session_id: int | None):
    """The UTC start and end of a form with a session's day, time, length, status and
    who came (recording a session, or correcting a signed one), or None with the reason
    beside the field: a real local time, not attended before it began, no clash with
    another booked session, and someone came to an attended one."""
    try:
        starts_at = local_to_utc(form.day.data, form.time.data)
    except LocalTimeError as exc:
        form.time.errors.append(str(exc))
        return None
    ends_at = starts_at + timedelta(minutes=form.duration.data)
    status = SessionStatus(form.status.data)
    if attended_too_early(status, starts_at):
        form.status.errors.append("A session can only be marked attended once it has started.")
        return None
    if status in (SessionStatus.SCHEDULED, SessionStatus.ATTENDED):
        other = clash(case.counsellor_id, starts_at, ends_at, ignore=session_id)
        if other is not None:
            starts = local(other.starts_at)
            form.time.errors.append(
                f"That overlaps your session with {other.case.label} on "
                f"{starts.day} {starts:%b} at {starts:%H:%M}."
            )
            return None
    if status is SessionStatus.ATTENDED and not form.attendees.data:
        form.attendees.errors.append("Tick who came.")
        return None
    return starts_at, ends_at


def _apply(session: Session, form: SessionForm, starts_at, ends_at) -> None:
    session.starts_at, session.ends_at = starts_at, ends_at
    session.status = SessionStatus(form.status.data)
    session.attendees = sorted(form.attendees.data or [])
    session.invitees = form.invitees
    if reason := (form.joint_reason.data or "").strip():
        session.joint_reason = reason
    session.handout_summary = (form.handout_summary.data or "").strip()
    session.updated_at = now_utc()


@bp.route("/new", methods=["GET", "POST"])
@counsellor_required
def new(case_id: int):
    """Schedule a session, or record one that has happened."""
    case = get_case_or_404(case_id)
    form = SessionForm(partners=case.partners)
    if request.method == "GET" and not restoring():
        form.day.data = practice_today()
        form.attendees.data = [p.position for p in case.partners]
    valid = form.validate_on_submit()
    if valid and (made := already_made(Session, form.form_token.data)):
        # A second click of the same form: back to the session the first one made.
        return redirect(url_for("sessions.show", case_id=case.id, session_id=made.id))
    if valid and (times := _check_times(form, case)):

        def make():
            session = Session(case=case, counsellor_id=case.counsellor_id)
            _apply(session, form, *times)
            db.session.add(session)
            return session

        session, created = create_once(Session, form.form_token.data, make)
        if created:
            audit.record("session.create", session, status=session.status.value)
            fresh = session.status is SessionStatus.ATTENDED
            flash(
                "Session saved." + (" Write the note while it is fresh." if fresh else ""),
                "success",
            )
        return redirect(url_for("sessions.show", case_id=case.id, session_id=session.id))
    return form_page(
        "sessions/session_form.html", form, case=case, session=None, held=joint_work_held(case)
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
        _fill_facts(addendum_form, session)
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
    )


def _fill_facts(form, session: Session) -> None:
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
            return SESSION_STATUSES[SessionStatus(value)].lower()
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
    form = SessionForm(partners=case.partners, obj=session)
    if request.method == "GET" and not restoring():
        starts = local(session.starts_at)
        form.day.data, form.time.data = starts.date(), starts.time()
        form.duration.data = session.duration_minutes
        form.status.data = session.status.value
        form.with_whom.data = session.invitees[0] if session.invitees else "all"
    elif not form.joint_reason.data:
        # A reason already given for seeing the couple together still stands.
        form.joint_reason.data = session.joint_reason
    if form.validate_on_submit() and (times := _check_times(form, case, session.id)):
        _apply(session, form, *times)
        audit.record("session.change", session, status=session.status.value)
        flash("Session updated.", "success")
        return redirect(url_for("sessions.show", case_id=case.id, session_id=session.id))
    return form_page(
        "sessions/session_form.html",
        form,
        case=case,
        session=session,
        held=joint_work_held(case),
    )


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
    chooser = TemplateChoiceForm(request.args)
    template = _template_for(existing)
    form = note_form_class(template)()
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
        signing = request.form.get("action") == "sign"
        if signing and not form.has_text():
            form.form_errors.append("A note needs some text before it can be signed.")
        else:
            note = _save_note(case, session, existing, template, form)
            if signing:
                sign(note, current_user)
                flash(SIGNED, "success")
                return redirect(url_for("sessions.show", case_id=case.id, session_id=session.id))
            flash("Draft saved.", "success")
            return redirect(url_for("sessions.note", case_id=case.id, session_id=session.id))
    if existing is not None:
        audit.record("note.view", existing)
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


def _save_note(case, session, existing, template, form) -> Note:
    # The homework is read before the note joins the session, so no half-made note is
    # flushed by the queries that read it.
    body = form.body()
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
    template = (
        session.note.template
        if session.note
        else NoteTemplate(
            request.form.get("template", "eft")
            if request.form.get("template") in {t.value for t in NoteTemplate}
            else "eft"
        )
    )
    form = note_form_class(template)()
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
    if (times := _when_and_status(form, case, session.id)) is None:
        return None
    starts_at, ends_at = times
    status = SessionStatus(form.status.data)
    attendees = sorted(form.attendees.data or [])
    if session.invitees and set(attendees) - set(session.invitees):
        form.attendees.errors.append("Only the partner this session is with can have come to it.")
        return None
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
