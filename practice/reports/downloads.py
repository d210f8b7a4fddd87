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
