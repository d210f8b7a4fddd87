"""PDF reports for counsellors: handouts, progress reports, worksheets, closing summaries.

Each loads its case through ``get_case_or_404`` like the page it comes from,
builds plain data, renders it, and records the download on the audit trail.
The partners' own downloads live in the portal (``practice.portal.routes``).
"""

from flask import Blueprint, Response, abort, flash, redirect, url_for

from practice import audience, audit
from practice.auth.access import counsellor_required
from practice.cases.access import get_case_or_404
from practice.catalogue.routes import get_exercise_or_404
from practice.database import now_utc
from practice.dates import local, practice_today
from practice.forms import form_page
from practice.homework.routes import get_assignment_or_404
from practice.reports import client_closing, data
from practice.reports.client_progress import client_progress_report
from practice.reports.forms import ShareProgressForm
from practice.reports.pdf import chart_image, render_pdf
from practice.screening.holds import joint_work_held
from practice.sessions.routes import get_session_or_404
from practice.settings import practice_settings

bp = Blueprint("reports", __name__)
bp.add_app_template_filter(chart_image, "chart_image")


def pdf_response(pdf: bytes, filename: str) -> Response:
    response = Response(pdf, mimetype="application/pdf")
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    return response


def handout_pdf(session, reader, record_as: str) -> Response:
    """One partner's handout of a session, for the counsellor's preview or the partner's own."""
    report = data.handout(session, reader, practice_settings(), now_utc())
    pdf = render_pdf(
        "reports/handout.html", page_size=report.head.page_size, spare_a_page=True, r=report
    )
    audit.record(
        "report.download",
        session,
        case_id=session.case_id,
        report="handout",
        reader=reader.position,
        by=record_as,
    )
    return pdf_response(
        pdf, data.download_name("handout", file_label(reader), session_day(session))
    )


def file_label(holder) -> str:
    """A case's label or a partner's name for a file name; another script gives "case-12"."""
    label = getattr(holder, "label", None) or holder.name
    return label if label.isascii() else f"case-{holder.case_id}"


def session_day(session) -> str:
    return local(session.starts_at).date().isoformat()


def worksheet_pdf(case, assignment, record_as: str, reader=None) -> Response:
    """A worksheet of a case's homework, headed with the name of whoever will fill it in."""
    settings = practice_settings()
    report = data.Worksheet(
        data.letterhead(
            settings, "Worksheet", worksheet_for(case, assignment, reader), practice_today()
        ),
        data.exercise_sheet(assignment.exercise, assignment, case),
        personal=True,
    )
    pdf = render_pdf(
        "reports/worksheet.html", page_size=settings.page_size, spare_a_page=True, r=report
    )
    audit.record("report.download", assignment, report="worksheet", by=record_as)
    return pdf_response(
        pdf,
        data.download_name("worksheet", assignment.exercise.title, practice_today().isoformat()),
    )


def worksheet_for(case, assignment, reader=None) -> str:
    """Whose name heads a worksheet: the one partner it is for, the partner printing their
    own copy of homework each does, or the couple for homework done together."""
    one = [p for p in case.partners if audience.given_to(assignment) == {p.position}]
    if one:
        return one[0].name
    if reader is not None and assignment.for_whom.value == "each":
        return reader.name
    return case.label


def progress_pdf(case, record_as: str) -> Response:
    report = data.progress_report(case, practice_settings(), practice_today())
    pdf = render_pdf("reports/progress.html", page_size=report.head.page_size, r=report)
    audit.record("report.download", case, report="progress", by=record_as)
    return pdf_response(
        pdf, data.download_name("progress", file_label(case), practice_today().isoformat())
    )


def client_progress_pdf(case, reader, record_as: str) -> Response:
    """Shared by the counsellor's preview and the partner's own download of their copy."""
    today = practice_today()
    report = client_progress_report(case, reader, practice_settings(), today)
    pdf = render_pdf("reports/progress_client.html", page_size=report.head.page_size, r=report)
    audit.record(
        "report.download",
        case,
        report="progress-client",
        reader=reader.position,
        by=record_as,
    )
    return pdf_response(pdf, data.download_name("progress", reader.name, today.isoformat()))


@bp.get("/cases/<int:case_id>/sessions/<int:session_id>/handout-<any(a, b):position>.pdf")
@counsellor_required
def handout(case_id: int, session_id: int, position: str):
    """One partner's handout of a session, as that partner will read it."""
    case = get_case_or_404(case_id)
    session = get_session_or_404(case, session_id)
    reader = case.partner(position)
    if reader is None or not audience.may_read(reader, audience.of_handout(session)):
        abort(404)
    return handout_pdf(session, reader, "counsellor")


@bp.get("/cases/<int:case_id>/progress.pdf")
@counsellor_required
def progress(case_id: int):
    """The progress view in print."""
    return progress_pdf(get_case_or_404(case_id), "counsellor")


@bp.get("/cases/<int:case_id>/progress/client/<position>.pdf")
@counsellor_required
def client_progress(case_id: int, position: str):
    """One partner's own copy of the progress report, exactly as they would download it."""
    case = get_case_or_404(case_id)
    reader = case.partner(position)
    if reader is None:
        abort(404)
    return client_progress_pdf(case, reader, "counsellor")


@bp.route("/cases/<int:case_id>/progress/sharing", methods=["GET", "POST"])
@counsellor_required
def share_progress(case_id: int):
    """What each partner's copy holds, and sharing them once the counsellor has looked."""
    case = get_case_or_404(case_id)
    form = ShareProgressForm()
    held = joint_work_held(case)
    confirmed = form.validate_on_submit()
    if held and form.is_submitted():
        # Refused whether or not the box was ticked; the box's own message shows too.
        form.form_errors.append(f"Sharing with the couple is held. {held}")
    elif confirmed:
        if not case.progress_shared:
            case.progress_shared = True
            audit.record("progress.share", case)
        flash(
            "Each partner can now download their own copy of the progress report "
            "from their portal.",
            "success",
        )
        return redirect(url_for("progress.view", case_id=case.id))
    settings, today = practice_settings(), practice_today()
    copies = [(p, client_progress_report(case, p, settings, today)) for p in case.partners]
    return form_page("progress/share.html", form, case=case, copies=copies, held=held)


@bp.post("/cases/<int:case_id>/progress/sharing/stop")
@counsellor_required
def unshare_progress(case_id: int):
    """Stop sharing the progress report: the partners' downloads end at once."""
    case = get_case_or_404(case_id)
    if case.progress_shared:
        case.progress_shared = False
        audit.record("progress.unshare", case)
    flash("The progress report is no longer shared with the partners.", "success")
    return redirect(url_for("progress.view", case_id=case.id))


@bp.get("/cases/<int:case_id>/homework/<int:assignment_id>/worksheet.pdf")
@counsellor_required
def case_worksheet(case_id: int, assignment_id: int):
    """A printable worksheet of this couple's homework, with your words and the due date."""
    case = get_case_or_404(case_id)
    return worksheet_pdf(case, get_assignment_or_404(case, assignment_id), "counsellor")


@bp.get("/catalogue/exercises/<slug>/worksheet.pdf")
@counsellor_required
def worksheet(slug: str):
    """Any catalogue or practice exercise as a blank worksheet with room to write."""
    exercise = get_exercise_or_404(slug)
    settings = practice_settings()
    report = data.Worksheet(
        data.letterhead(settings, "Worksheet", "", practice_today(), "you"),
        data.exercise_sheet(exercise),
        personal=False,
    )
    pdf = render_pdf(
        "reports/worksheet.html", page_size=settings.page_size, spare_a_page=True, r=report
    )
    audit.record("report.download", exercise, report="worksheet")
    return pdf_response(
        pdf, data.download_name("worksheet", exercise.slug, practice_today().isoformat())
    )


@bp.get("/cases/<int:case_id>/closing-summary.pdf")
@counsellor_required
def closing_summary(case_id: int):
    """The counsellor's copy: the course of treatment, both partners' measures, what helped."""
    case = get_case_or_404(case_id)
    report = data.closing_summary(case, practice_settings(), practice_today())
    pdf = render_pdf("reports/closing.html", page_size=report.head.page_size, r=report)
    audit.record("report.download", case, report="closing")
    return pdf_response(
        pdf, data.download_name("closing-summary", file_label(case), practice_today().isoformat())
    )


@bp.get("/cases/<int:case_id>/closing-summary-<any(a, b):position>.pdf")
@counsellor_required
def client_closing_summary(case_id: int, position: str):
    """One partner's copy of the closing summary, as they will read it."""
    case = get_case_or_404(case_id)
    reader = case.partner(position)
    if reader is None:
        abort(404)
    return client_closing_pdf(reader, "counsellor")


def client_closing_pdf(reader, record_as: str) -> Response:
    """A partner's closing summary, for the counsellor's preview or the partner's own."""
    case = reader.case
    report = client_closing.client_closing_summary(
        case, reader, practice_settings(), practice_today()
    )
    pdf = render_pdf("reports/closing_client.html", page_size=report.head.page_size, r=report)
    audit.record("report.download", case, report="closing", reader=reader.position, by=record_as)
    return pdf_response(
        pdf,
        data.download_name("closing-summary", file_label(reader), practice_today().isoformat()),
    )
