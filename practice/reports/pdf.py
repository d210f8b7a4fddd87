"""Turning report templates into PDFs with WeasyPrint.

Reports are rendered from plain data (see ``practice.reports.data``), with a
print stylesheet of their own and a URL fetcher that reads nothing but the
app's static files: whatever a user types is escaped text, and even a crafted
``<img src="file:///etc/passwd">`` that reached the HTML would find nothing.
One font configuration and one parsed stylesheet serve every report in the
process, and the cyclic garbage collector waits while WeasyPrint works; the
timings are in docs/performance.md and ``bench/reports.py`` measures them.
"""

import base64
import gc
import mimetypes
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import Flask, render_template
from markupsafe import Markup
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC = (Path(__file__).resolve().parent.parent / "static").resolve()
CHART_PREFIX = "data:image/svg+xml;base64,"
PAGE_SIZES = {"A4": "A4", "Letter": "letter"}


class StaticOnlyFetcher(URLFetcher):
    """Serve ``file:`` URLs inside the app's static folder and the charts' own ``data:``
    images; refuse everything else."""

    def __init__(self):
        super().__init__(allowed_protocols={"file", "data"})
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        if url.startswith(CHART_PREFIX):
            return super().fetch(url, headers)
        parts = urlsplit(url)
        path = Path(unquote(parts.path)).resolve() if parts.scheme == "file" else None
        if path is None or not path.is_relative_to(STATIC) or not path.is_file():
            self.refused.append(url)
            raise ValueError(f"reports may only use the app's static files, not {url!r}")
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": kind})


def chart_image(svg: Markup | None) -> Markup:
    """A chart as an image for WeasyPrint: drawn as its own small document, which lays
    out in about half the time of the same SVG inline in a long report."""
    if not svg:
        return Markup("")
    encoded = base64.b64encode(str(svg).encode()).decode()
    return Markup('<img class="chart-image" alt="" src="{}{}">').format(CHART_PREFIX, encoded)


@cache
def font_config() -> FontConfiguration:
    return FontConfiguration()


@cache
def print_stylesheet() -> CSS:
    return CSS(
        filename=str(STATIC / "reports" / "print.css"),
        font_config=font_config(),
        url_fetcher=StaticOnlyFetcher(),
    )


@cache
def page_stylesheet(size: str) -> CSS:
    return CSS(string=f"@page {{ size: {PAGE_SIZES.get(size, 'A4')}; }}", font_config=font_config())


# Set a little tighter, for a report that would otherwise spill a few lines onto a
# page of their own (see ``write_pdf``).
TIGHTER = """
@page { margin-top: 20mm; margin-bottom: 19mm; }
html { font-size: 10pt; line-height: 1.36; }
h2 { margin: 5mm 0 1.5mm; }
p { margin-bottom: 1.6mm; }
.exercise { margin-bottom: 4mm; }
"""


@cache
def tighter_stylesheet() -> CSS:
    return CSS(string=TIGHTER, font_config=font_config())


@contextmanager
def collector_paused() -> Iterator[None]:
    """Hold off the cyclic garbage collector for the length of one render.

    Laying out a long report allocates a few hundred thousand short-lived
    objects, so the collector would otherwise run its full passes over the whole
    app's heap several times per report: that was a fifth of a long progress
    report's time. What the render leaves behind is freed by reference counting
    as it ends, or at the first collection after it.
    """
    if not gc.isenabled():  # another render in this process holds it off already
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


# Every face the reports print in, a heading hyphenated in a narrow column (the
# first loads the hyphenation dictionary) and an SVG chart's text: what a first
# report would otherwise load while a counsellor waits for it.
WARM_UP = """<!doctype html><html lang="en"><body>
<div class="running practice-line">Mend</div><h1>Warming up</h1>
<p>Serif, <em>italic</em>, <strong>bold</strong> 🙂</p>
<p class="sans meta">Sans, <strong>bold</strong></p>
<table><colgroup><col class="key"></colgroup>
<thead><tr><th>Block</th>{headings}</tr></thead>
<tbody><tr><td>1</td><td>2</td></tr></tbody></table>
{chart}</body></html>"""
WARM_UP_CHART = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 20" font-family="DejaVu Sans, '
    'sans-serif"><text x="1" y="12" font-size="10">S1</text></svg>'
)
REPORT_TEMPLATES = ("handout", "progress", "progress_client", "worksheet", "closing", "record")


def warm_up(app: Flask | None = None) -> None:
    """Render a small report once, so that a worker's first real one is not the slow one.

    The first render in a process loads each font face, the hyphenation
    dictionary and WeasyPrint's caches, and the first use of a template compiles
    it: together about 0.3 s on top of the report itself. gunicorn calls this
    with the app as each worker starts (``gunicorn.conf.py``).
    """
    if app is not None:
        for name in REPORT_TEMPLATES:
            app.jinja_env.get_template(f"reports/{name}.html")
    html = WARM_UP.format(
        headings="<th>Communication</th>" * 9,
        chart=chart_image(Markup(WARM_UP_CHART)),  # noqa: S704 - constant markup
    )
    write_pdf(html, page_size="A4")


def render_pdf(template: str, sheet, *, spare_a_page: bool = False) -> bytes:
    """The PDF of ``template`` showing ``sheet`` (plain data with its letterhead, which
    templates know as ``r``), on the page size its letterhead names."""
    html = render_template(template, r=sheet)
    return write_pdf(html, page_size=sheet.head.page_size, spare_a_page=spare_a_page)


def write_pdf(
    html: str,
    *,
    page_size: str,
    fetcher: StaticOnlyFetcher | None = None,
    spare_a_page: bool = False,
) -> bytes:
    """WeasyPrint's PDF of ``html`` in the print stylesheet, the collector held off.

    With ``spare_a_page``, a document of more than one page is laid out again a little
    tighter, and the tighter one is kept if it needs a page less: a handout whose last
    lines would stand alone on a last page ends a page earlier instead. (A second layout
    costs a handout's time again, and only when the first ran over a page.)
    """
    stylesheets = [print_stylesheet(), page_stylesheet(page_size)]
    with collector_paused():
        document = HTML(
            string=html, base_url=STATIC.as_uri() + "/", url_fetcher=fetcher or StaticOnlyFetcher()
        ).render(stylesheets=stylesheets, font_config=font_config())
        if spare_a_page and len(document.pages) > 1:
            tighter = HTML(
                string=html,
                base_url=STATIC.as_uri() + "/",
                url_fetcher=fetcher or StaticOnlyFetcher(),
            ).render(stylesheets=[*stylesheets, tighter_stylesheet()], font_config=font_config())
            if len(tighter.pages) < len(document.pages):
                document = tighter
        return document.write_pdf()
