"""The PDF reports: what they say, what they never say, who may have them."""

import gc
import runpy
from io import BytesIO
from pathlib import Path
from types import SimpleNamespace

import pyphen
import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from practice.admin.models import PracticeSettings
from practice.audit.models import AuditEvent
from practice.cases.models import CaseStatus
from practice.database import now_utc
from practice.extensions import db
from practice.reports.pdf import StaticOnlyFetcher
from practice.sessions.models import SessionStatus
from tests.factories import (
    CLINICAL_NOTE,
    add_reported_session,
    check_in_days_ago,
    pdf_text,
    sign_in,
)


def pdf_pages(data: bytes):
    return PdfReader(BytesIO(data)).pages


@pytest.fixture
def couple(counsellor, make_case, make_assignment):
    case = make_case(counsellor)
    make_assignment(case, "i-statement-rewrites", "each", note="Bring one rewrite next time.")
    return case


def handout_url(case, session, position="a"):
    return f"/cases/{case.id}/sessions/{session.id}/handout-{position}.pdf"


def test_handout_carries_the_summary_homework_and_next_appointment_never_the_note(
    app, counsellor, couple, make_assignment
):
    session = add_reported_session(couple)
    make_assignment(
        couple, "i-statement-rewrites", "each", note="Bring one rewrite next time.", session=session
    )
    add_reported_session(couple, days_ago=-3, status=SessionStatus.SCHEDULED, note=None)
    response = sign_in(app, counsellor).get(handout_url(couple, session))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename=handout-alex-morgan-")
    text = pdf_text(response.data)
    assert "What we worked on" in text
    assert "slowing the pattern down" in text
    assert "Rewrite three complaints" in text
    assert "Bring one rewrite next time." in text
    assert "Next appointment" in text
    assert CLINICAL_NOTE not in text
    assert "page 1 of" in text
    assert "Confidential" in text


def test_every_handout_prints_the_support_resources_alike_whatever_the_screening(
    app, counsellor, make_case
):
    """Resources printed only where concerns are recorded would tell the partner who is
    the danger that they were: every handout carries them in the same place."""
    texts = []
    for screening in ("concerns", "no-concerns"):
        case = make_case(counsellor, screening=screening)
        session = add_reported_session(case)
        text = pdf_text(sign_in(app, counsellor).get(handout_url(case, session)).data)
        texts.append(text.split("Support", 1)[1])
    concerns, none = texts
    assert "1-800-799-7233" in concerns
    assert concerns == none


def test_progress_report_has_the_charts_numbers_and_review(app, counsellor, couple):
    for n in range(5):
        add_reported_session(couple, days_ago=40 - 7 * n, step=n + 1)
    a, b = couple.partners
    check_in_days_ago(couple, a, (2, 2, 2, 2), days_ago=41)
    check_in_days_ago(couple, a, (4, 3, 3, 3), days_ago=5)
    check_in_days_ago(couple, b, (1, 1, 1, 1), days_ago=41)
    response = sign_in(app, counsellor).get(f"/cases/{couple.id}/progress.pdf")
    assert response.status_code == 200
    text = pdf_text(response.data)
    for expected in (
        "Relationship satisfaction (CSI-4)",
        "13.5",
        "Session by session",
        "Mutual respect",
        "homework kept up in the interval before it",
        "Reviews",
        "On the repair timeline",
        "5 joint sessions attended",
    ):
        assert expected in text, expected
    assert "+5" in text  # Alex: 8 -> 13
    assert "Five sessions at a time" not in text


def test_a_long_case_is_printed_five_sessions_at_a_time(app, counsellor, couple):
    a, b = couple.partners
    for n in range(17):
        days_ago = 7 * (17 - n)
        add_reported_session(
            couple, days_ago=days_ago, step=1 + n // 4, blocks={"trust": n % 5 + 4}
        )
        check_in_days_ago(couple, a, (1, 1, 1, 1 + n % 3), days_ago=days_ago + 1)
    check_in_days_ago(couple, b, (5, 4, 4, 4), days_ago=2)
    response = sign_in(app, counsellor).get(f"/cases/{couple.id}/progress.pdf")
    assert response.status_code == 200
    text = pdf_text(response.data)
    for expected in (
        "Five sessions at a time",
        "17 joint sessions attended",
        "Sessions 1–5",
        "Sessions 16–17",
        "Since session 17",
        "the progress view in Mend shows each one",
        # Alex's CSI-4 at the five check-ins before sessions 1-5, in order, all distressed.
        "4*, 5*, 6*, 4*, 5*",
        # Trust 4, 5, 6, 7, 8 at sessions 1-5: the mean.
        "6.0",
    ):
        assert expected in text, expected
    assert "Session by session" not in text
    assert "17 · " not in text  # no row per session
    # Jordan's one check-in came after the last session, and is not below 13.5.
    assert "4*, 5* – Since session 17 – 17 " in text


@pytest.mark.parametrize(("size", "width", "height"), [("A4", 595, 842), ("Letter", 612, 792)])
def test_page_size_follows_the_practice_setting(app, counsellor, couple, size, width, height):
    db.session.add(
        PracticeSettings(
            name="Harbour",
            address="1 Quay",
            timezone="UTC",
            page_size=size,
            support_resources="Call 999.",
        )
    )
    db.session.commit()
    data = sign_in(app, counsellor).get(f"/cases/{couple.id}/progress.pdf").data
    box = pdf_pages(data)[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (width, height)
    assert "Harbour" in pdf_text(data)


def test_worksheets_blank_and_for_the_couple(app, counsellor, couple):
    browser = sign_in(app, counsellor)
    blank = pdf_text(browser.get("/catalogue/exercises/rituals-date-night/worksheet.pdf").data)
    assert "A different date every week" in blank
    assert "How helpful was it?" in blank
    assignment_id = db.session.scalar(sa.text("SELECT id FROM assignments LIMIT 1"))
    personal = browser.get(f"/cases/{couple.id}/homework/{assignment_id}/worksheet.pdf")
    text = pdf_text(personal.data)
    assert "Bring one rewrite next time." in text
    assert "Alex Morgan & Jordan Morgan" in text


def test_closing_summary(app, counsellor, couple, make_entry):
    add_reported_session(couple, days_ago=30)
    a, _ = couple.partners
    check_in_days_ago(couple, a, (2, 2, 2, 2), days_ago=31)
    check_in_days_ago(couple, a, (5, 4, 4, 4), days_ago=2)
    assignment = db.session.scalar(sa.text("SELECT id FROM assignments LIMIT 1"))
    from practice.homework.models import Assignment

    make_entry(db.session.get(Assignment, assignment), a, helpful=5)
    couple.status, couple.closed_at = CaseStatus.CLOSED, now_utc()
    couple.closing_note = "Keep your Sunday walks."
    db.session.commit()
    text = pdf_text(sign_in(app, counsellor).get(f"/cases/{couple.id}/closing-summary.pdf").data)
    assert "The course of treatment" in text
    assert "Measures, first and last" in text
    assert "+9" in text
    assert "What helped" in text
    assert "Rewrite three complaints" in text
    assert "Keep your Sunday walks." in text
    assert "provisional" not in text


def test_reports_render_for_an_empty_case(app, counsellor, make_case):
    case = make_case(counsellor, screening=None)
    browser = sign_in(app, counsellor)
    for url, says in (
        (f"/cases/{case.id}/progress.pdf", "No check-ins were recorded."),
        (f"/cases/{case.id}/closing-summary.pdf", "No homework entries"),
    ):
        response = browser.get(url)
        assert response.status_code == 200, url
        assert says in pdf_text(response.data)


def test_hostile_and_unusual_text_prints_as_text(app, counsellor, make_case, monkeypatch):
    names = ("زينب الحسيني 🙂", "Zoë <img src='file:///etc/passwd'> O'Brien")
    case = make_case(counsellor, names)
    long_summary = ("A long summary with no breaks " * 400)[:10_000]
    session = add_reported_session(case, summary=long_summary + "<script>alert(1)</script>")
    refused = []
    original = StaticOnlyFetcher.fetch

    def watching(self, url, headers=None):
        try:
            return original(self, url, headers)
        except ValueError:
            refused.append(url)
            raise

    monkeypatch.setattr(StaticOnlyFetcher, "fetch", watching)
    response = sign_in(app, counsellor).get(handout_url(case, session, "b"))
    assert response.status_code == 200
    assert refused == []  # nothing the user typed was ever fetched
    text = pdf_text(response.data)
    assert "<img src='file:///etc/passwd'>" in text.replace("\n", "")
    assert "<script>alert(1)</script>" in text.replace("\n", "")
    assert "case-" in response.headers["Content-Disposition"]  # a non-ASCII name


def pdf_fonts(data: bytes) -> set[str]:
    """The families embedded in the PDF's pages, without their subset prefix."""
    fonts = set()
    for page in pdf_pages(data):
        for font in page["/Resources"].get("/Font", {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return fonts


def test_reports_print_in_the_fonts_the_readme_names(app, counsellor, make_case):
    # Without them WeasyPrint falls back to whatever the server has, and searches for
    # the missing family on every report: a handout took 0.61 s instead of 0.14 s.
    case = make_case(counsellor, ("Amara 🙂 Obi", "Sol Obi"))
    session = add_reported_session(case, summary="Le cœur a ses raisons 🌱")
    data = sign_in(app, counsellor).get(handout_url(case, session)).data
    fonts = pdf_fonts(data)
    named = {f.replace("-", " ") for f in fonts}
    missing = {
        family
        for family in ("DejaVu Sans", "DejaVu Serif", "Symbola")
        if not any(name.startswith(family) for name in named)
    }
    assert not missing, f"install fonts-dejavu-core and fonts-symbola (README); found {fonts}"


def test_each_worker_warms_the_pdf_renderer_as_it_starts(app, monkeypatch):
    """gunicorn's post_worker_init renders a small report and compiles the report templates,
    so that a worker's first download does not load fonts, dictionary and templates."""
    settings = runpy.run_path(str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py"))
    logged = []
    worker = SimpleNamespace(wsgi=app, log=SimpleNamespace(exception=logged.append))
    monkeypatch.setattr(pyphen, "hdcache", {})
    app.jinja_env.cache.clear()
    thresholds = gc.get_threshold()
    try:
        settings["post_worker_init"](worker)
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
    assert logged == []
    compiled = {template.name for template in app.jinja_env.cache.values()}
    assert {"reports/progress.html", "reports/handout.html"} <= compiled
    assert pyphen.hdcache  # the hyphenation dictionary for the reports' headings


def test_the_fetcher_reads_only_static_files():
    fetcher = StaticOnlyFetcher()
    for url in ("file:///etc/passwd", "https://example.org/x.png", "file:///work/main/config.py"):
        with pytest.raises(ValueError, match="static files"):
            fetcher.fetch(url)


def test_partners_get_handouts_and_worksheets_not_the_report_until_shared(
    app, counsellor, couple, make_case, make_user
):
    session = add_reported_session(couple)
    a = couple.partners[0]
    client = sign_in(app, a.user)
    page = client.get("/portal/documents").data.decode()
    assert f"/portal/handouts/{session.id}.pdf" in page
    handout = client.get(f"/portal/handouts/{session.id}.pdf")
    assert handout.status_code == 200
    assert CLINICAL_NOTE not in pdf_text(handout.data)
    assignment_id = db.session.scalar(sa.text("SELECT id FROM assignments LIMIT 1"))
    assert client.get(f"/portal/worksheets/{assignment_id}.pdf").status_code == 200
    assert client.get("/portal/progress.pdf").status_code == 404
    assert "/portal/progress.pdf" not in page
    # The counsellor shares it; now the partner may have it.
    sign_in(app, counsellor).post(f"/cases/{couple.id}/progress/sharing", data={"confirmed": "y"})
    assert client.get("/portal/progress.pdf").status_code == 200
    # Another couple reaches none of it, nor do counsellors of other cases.
    other = make_case(make_user(), ("Sam Other", "Robin Other"))
    stranger = sign_in(app, other.partners[0].user)
    for url in (f"/portal/handouts/{session.id}.pdf", f"/portal/worksheets/{assignment_id}.pdf"):
        assert stranger.get(url).status_code == 404, url
    outsider = sign_in(app, other.counsellor)
    for url in (
        handout_url(couple, session),
        f"/cases/{couple.id}/progress.pdf",
        f"/cases/{couple.id}/closing-summary.pdf",
        f"/cases/{couple.id}/homework/{assignment_id}/worksheet.pdf",
    ):
        assert outsider.get(url).status_code == 404, url
    assert outsider.post(f"/cases/{couple.id}/progress/sharing").status_code == 404


def test_a_scheduled_session_has_no_handout_for_partners(app, couple):
    session = add_reported_session(couple, days_ago=-2, status=SessionStatus.SCHEDULED, note=None)
    client = sign_in(app, couple.partners[0].user)
    assert client.get(f"/portal/handouts/{session.id}.pdf").status_code == 404


def test_downloads_are_on_the_audit_trail(app, counsellor, couple):
    session = add_reported_session(couple)
    sign_in(app, counsellor).get(handout_url(couple, session))
    sign_in(app, couple.partners[0].user).get(f"/portal/handouts/{session.id}.pdf")
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "report.download")
    ).all()
    assert [(e.detail["report"], e.detail["by"]) for e in events] == [
        ("handout", "counsellor"),
        ("handout", "client"),
    ]
    assert all(e.case_id == couple.id for e in events)


def test_a_handout_that_would_spill_a_few_lines_ends_a_page_earlier(app):
    """The last lines of a short report never stand alone on a page of their own: a
    document that runs a little over a page is set tighter; a longer one keeps its type."""
    from practice.reports.pdf import write_pdf

    def pages(paragraphs: int, **options) -> int:
        text = "Take ten minutes on your own and write down what you noticed this week. " * 5
        html = "<h1>Session handout</h1>" + f"<p>{text}</p>" * paragraphs
        with app.app_context():
            return len(PdfReader(BytesIO(write_pdf(html, page_size="A4", **options))).pages)

    just_over = next(n for n in range(8, 40) if pages(n) == 2)
    assert pages(just_over, spare_a_page=True) == 1
    assert pages(just_over + 12, spare_a_page=True) == 2
