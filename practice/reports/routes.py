"""PDF reports for counsellors: handouts, progress reports, worksheets, closing summaries.

Each loads its case through ``get_case_or_404`` like the page it comes from,
builds plain data, renders it, and records the download on the audit trail.
The partners' own downloads live in the portal (``practice.portal.routes``).
"""

from flask import Blueprint, abort, flash, redirect, url_for

from practice import audience, audit
from practice.auth.access import counsellor_required
from practice.cases.access import get_case_or_404, partner_at_or_404
from practice.catalogue.access import get_exercise_or_404
from practice.dates import practice_today
from practice.forms import form_page
from practice.homework.access import get_assignment_or_404
from practice.reports import data
from practice.reports.client_progress import client_progress_report
from practice.reports.downloads import (
    as_download,
    client_closing_pdf,
    client_progress_pdf,
    file_label,
    handout_pdf,
    progress_pdf,
    worksheet_pdf,
)
from practice.reports.forms import ShareProgressForm
from practice.reports.pdf import chart_image
from practice.screening.holds import joint_work_held
from practice.sessions.access import get_session_or_404
from practice.settings import practice_settings

bp = Blueprint("reports", __name__)
bp.add_app_template_filter(chart_image, "chart_image")


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
    reader = partner_at_or_404(case, position)
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
    return as_download(
        "reports/worksheet.html",
        report,
        data.download_name("worksheet", exercise.slug, practice_today().isoformat()),
        exercise,
        spare_a_page=True,
        report="worksheet",
    )


@bp.get("/cases/<int:case_id>/closing-summary.pdf")
@counsellor_required
def closing_summary(case_id: int):
    """The counsellor's copy: the course of treatment, both partners' measures, what helped."""
    case = get_case_or_404(case_id)
    report = data.closing_summary(case, practice_settings(), practice_today())
    return as_download(
        "reports/closing.html",
        report,
        data.download_name("closing-summary", file_label(case), practice_today().isoformat()),
        case,
        report="closing",
    )


@bp.get("/cases/<int:case_id>/closing-summary-<any(a, b):position>.pdf")
@counsellor_required
def client_closing_summary(case_id: int, position: str):
    """One partner's copy of the closing summary, as they will read it."""
    case = get_case_or_404(case_id)
    reader = partner_at_or_404(case, position)
    return client_closing_pdf(reader, "counsellor")
