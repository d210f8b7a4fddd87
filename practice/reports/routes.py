"""PDF reports for counsellors: handouts, progress reports, worksheets, closing summaries.

Each loads its case through ``get_case_or_404`` like the page it comes from,
builds plain data, renders it, and records the download on the audit trail.
The partners' own downloads live in the portal (``practice.portal.routes``).
"""

from flask import Blueprint, Response, flash, redirect, url_for

from practice import audit
from practice.admin.models import PracticeSettings
from practice.auth.access import counsellor_required
from practice.auth.forms import EmptyForm
from practice.cases.access import get_case_or_404
from practice.catalogue.routes import get_exercise_or_404
from practice.dates import practice_today
from practice.homework.routes import get_assignment_or_404
from practice.reports import data
from practice.reports.pdf import chart_image, render_pdf
from practice.sessions.routes import get_session_or_404
from practice.sessions.services import attended_ordinals
from practice.web import local

bp = Blueprint("reports", __name__)
bp.add_app_template_filter(chart_image, "chart_image")


def pdf_response(pdf: bytes, filename: str) -> Response:
    response = Response(pdf, mimetype="application/pdf")
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    return response


def handout_pdf(case, session, record_as: str) -> Response:
    """Shared by the counsellor's and the partners' downloads of a session handout."""
    report = data.handout(
        case,
        session,
        attended_ordinals(case.id).get(session.id),
        PracticeSettings.get(),
        practice_today(),
    )
    pdf = render_pdf("reports/handout.html", page_size=report.head.page_size, r=report)
    audit.record("report.download", session, case_id=case.id, report="handout", by=record_as)
    day = session_day(session)
    return pdf_response(pdf, data.download_name("handout", file_label(case), day))


def file_label(case) -> str:
    """The case's label for a file name; a label in another script gives "case-12"."""
    return case.label if case.label.isascii() else f"case-{case.id}"


def session_day(session) -> str:
    return local(session.starts_at).date().isoformat()


def worksheet_pdf(case, assignment, record_as: str) -> Response:
    settings = PracticeSettings.get()
    report = data.Worksheet(
        data.letterhead(settings, "Worksheet", case.label, practice_today()),
        data.exercise_sheet(assignment.exercise, assignment, case),
        personal=True,
    )
    pdf = render_pdf("reports/worksheet.html", page_size=settings.page_size, r=report)
    audit.record("report.download", assignment, report="worksheet", by=record_as)
    return pdf_response(
        pdf,
        data.download_name("worksheet", assignment.exercise.title, practice_today().isoformat()),
    )


def progress_pdf(case, record_as: str) -> Response:
    report = data.progress_report(case, PracticeSettings.get(), practice_today())
    pdf = render_pdf("reports/progress.html", page_size=report.head.page_size, r=report)
    audit.record("report.download", case, report="progress", by=record_as)
    return pdf_response(
        pdf, data.download_name("progress", file_label(case), practice_today().isoformat())
    )


@bp.get("/cases/<int:case_id>/sessions/<int:session_id>/handout.pdf")
@counsellor_required
def handout(case_id: int, session_id: int):
    """The couple's handout for one session."""
    case = get_case_or_404(case_id)
    return handout_pdf(case, get_session_or_404(case, session_id), "counsellor")


@bp.get("/cases/<int:case_id>/progress.pdf")
@counsellor_required
def progress(case_id: int):
    """The progress view in print."""
    return progress_pdf(get_case_or_404(case_id), "counsellor")


@bp.post("/cases/<int:case_id>/progress/sharing")
@counsellor_required
def share_progress(case_id: int):
    """Let the partners download the progress report from the portal, or stop them."""
    case = get_case_or_404(case_id)
    EmptyForm().validate_on_submit()
    case.progress_shared = not case.progress_shared
    audit.record("progress.share" if case.progress_shared else "progress.unshare", case)
    flash(
        "The partners can now download the progress report from their portal."
        if case.progress_shared
        else "The progress report is no longer shared.",
        "success",
    )
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
    settings = PracticeSettings.get()
    report = data.Worksheet(
        data.letterhead(settings, "Worksheet", "", practice_today(), "you"),
        data.exercise_sheet(exercise),
        personal=False,
    )
    pdf = render_pdf("reports/worksheet.html", page_size=settings.page_size, r=report)
    audit.record("report.download", exercise, report="worksheet")
    return pdf_response(
        pdf, data.download_name("worksheet", exercise.slug, practice_today().isoformat())
    )


@bp.get("/cases/<int:case_id>/closing-summary.pdf")
@counsellor_required
def closing_summary(case_id: int):
    """The course of treatment, measures first and last, and what helped."""
    case = get_case_or_404(case_id)
    report = data.closing_summary(case, PracticeSettings.get(), practice_today())
    pdf = render_pdf("reports/closing.html", page_size=report.head.page_size, r=report)
    audit.record("report.download", case, report="closing")
    return pdf_response(
        pdf, data.download_name("closing-summary", file_label(case), practice_today().isoformat())
    )
