"""Building a report's PDF as a download: one function per report, shared by the
counsellor's view of it and, for the partners' own copies, by the portal.

Each builds plain data for its reader, renders it, records the download on the
audit trail (``by`` says whose download it was) and answers with the file.
"""

from flask import Response

from practice import audience, audit
from practice.database import now_utc
from practice.dates import local, practice_today
from practice.reports import client_closing, data
from practice.reports.client_progress import client_progress_report
from practice.reports.pdf import render_pdf
from practice.settings import practice_settings


def pdf_response(pdf: bytes, filename: str) -> Response:
    response = Response(pdf, mimetype="application/pdf")
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    return response


def as_download(
    template: str, sheet, filename: str, subject, *, spare_a_page: bool = False, **recorded
) -> Response:
    """``sheet`` (a report as plain data, with its letterhead) rendered by ``template`` and
    answered as the file ``filename``; the download is recorded on the audit trail against
    ``subject`` with what ``recorded`` says (which report, for which reader, whose download)."""
    pdf = render_pdf(template, sheet, spare_a_page=spare_a_page)
    audit.record("report.download", subject, **recorded)
    return pdf_response(pdf, filename)


def handout_pdf(session, reader, record_as: str) -> Response:
    """One partner's handout of a session, for the counsellor's preview or the partner's own."""
    return as_download(
        "reports/handout.html",
        data.handout(session, reader, practice_settings(), now_utc()),
        data.download_name("handout", file_label(reader), session_day(session)),
        session,
        spare_a_page=True,
        case_id=session.case_id,
        report="handout",
        reader=reader.position,
        by=record_as,
    )


def file_label(holder) -> str:
    """A case's label or a partner's name for a file name; another script gives "case-12"."""
    label = getattr(holder, "label", None) or holder.name
    return label if label.isascii() else f"case-{holder.case_id}"


def session_day(session) -> str:
    return local(session.starts_at).date().isoformat()


def worksheet_pdf(case, assignment, record_as: str, reader=None) -> Response:
    """A worksheet of a case's homework, headed with the name of whoever will fill it in."""
    today = practice_today()
    report = data.Worksheet(
        data.letterhead(
            practice_settings(), "Worksheet", worksheet_for(case, assignment, reader), today
        ),
        data.exercise_sheet(assignment.exercise, assignment, case),
        personal=True,
    )
    return as_download(
        "reports/worksheet.html",
        report,
        data.download_name("worksheet", assignment.exercise.title, today.isoformat()),
        assignment,
        spare_a_page=True,
        report="worksheet",
        by=record_as,
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
    today = practice_today()
    return as_download(
        "reports/progress.html",
        data.progress_report(case, practice_settings(), today),
        data.download_name("progress", file_label(case), today.isoformat()),
        case,
        report="progress",
        by=record_as,
    )


def client_progress_pdf(case, reader, record_as: str) -> Response:
    """Shared by the counsellor's preview and the partner's own download of their copy."""
    today = practice_today()
    return as_download(
        "reports/progress_client.html",
        client_progress_report(case, reader, practice_settings(), today),
        data.download_name("progress", reader.name, today.isoformat()),
        case,
        report="progress-client",
        reader=reader.position,
        by=record_as,
    )


def client_closing_pdf(reader, record_as: str) -> Response:
    """A partner's closing summary, for the counsellor's preview or the partner's own."""
    today = practice_today()
    return as_download(
        "reports/closing_client.html",
        client_closing.client_closing_summary(reader.case, reader, practice_settings(), today),
        data.download_name("closing-summary", file_label(reader), today.isoformat()),
        reader.case,
        report="closing",
        reader=reader.position,
        by=record_as,
    )
