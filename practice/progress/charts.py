"""Small SVG charts for the progress view and the PDF reports.

Written here rather than with pygal because these four charts need little and
matter much: an inline SVG of presentation attributes (no ``<style>``, so it
obeys the pages' Content-Security-Policy), a few kilobytes instead of ~60, about
a millisecond instead of ~25 to draw, and series told apart by dash pattern and
marker shape as well as colour so that they survive a black-and-white printer.
WeasyPrint draws the same markup in the PDFs. The numbers behind every chart
are also shown in a table beside it.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import count

from markupsafe import Markup, escape

# Colour, dash pattern and marker for each series, in order; readable in grey.
PENS = (
    ("#1f4e79", "", "circle"),
    ("#b5541c", "7 4", "square"),
    ("#2e7d32", "2 3", "triangle"),
    ("#6a1b9a", "10 3 2 3", "diamond"),
    ("#5d4037", "4 2", "circle"),
    ("#00695c", "1 2", "square"),
)
_ids = count(1)
MAX_MARKED = 20
# Narrower bars than this (in chart units) would have their "100%" labels overlap.
MIN_LABELLED_STEP = 30


@dataclass
class Series:
    name: str
    values: Sequence[float | None]  # one per x label; None leaves a gap


@dataclass
class Chart:
    title: str
    description: str
    width: int = 680
    height: int = 260
    margin: tuple[int, int, int, int] = (16, 16, 44, 40)  # top, right, bottom, left
    parts: list[str] = field(default_factory=list)

    @property
    def plot(self) -> tuple[float, float, float, float]:
        top, right, bottom, left = self.margin
        return left, top, self.width - left - right, self.height - top - bottom


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    r = 3.6
    if shape == "square":
        return (
            f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}"'
            f' fill="{colour}"/>'
        )
    if shape == "triangle":
        return (
            f'<path d="M{x:.1f},{y - r - 1:.1f} L{x + r + 1:.1f},{y + r:.1f} '
            f'L{x - r - 1:.1f},{y + r:.1f} Z" fill="{colour}"/>'
        )
    if shape == "diamond":
        return (
            f'<path d="M{x:.1f},{y - r - 1:.1f} L{x + r + 1:.1f},{y:.1f} L{x:.1f},'
            f'{y + r + 1:.1f} L{x - r - 1:.1f},{y:.1f} Z" fill="{colour}"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{colour}"/>'


def _frame(
    chart: Chart,
    y_min: float,
    y_max: float,
    y_ticks: Sequence[float],
    x_labels: Sequence[str],
    band_labels: bool = False,
) -> tuple:
    left, top, width, height = chart.plot
    span = (y_max - y_min) or 1

    def y_at(value: float) -> float:
        return top + height - (value - y_min) / span * height

    n = max(len(x_labels), 1)
    step = width / n

    def x_at(i: int) -> float:
        return left + step * (i + 0.5)

    for tick in y_ticks:
        y = y_at(tick)
        chart.parts.append(
            f'<line x1="{left}" x2="{left + width}" y1="{y:.1f}" y2="{y:.1f}" '
            'stroke="#d0d0d0" stroke-width="0.6"/>'
        )
        chart.parts.append(
            f'<text x="{left - 6}" y="{y + 3.5:.1f}" text-anchor="end" '
            f'font-size="10" fill="#333">{_fmt(tick)}</text>'
        )
    every = max(1, round(n / 14))
    for i, label in enumerate(x_labels):
        if i % every == 0 or i == n - 1:
            chart.parts.append(
                f'<text x="{x_at(i):.1f}" y="{top + height + 14}" '
                f'text-anchor="middle" font-size="10" fill="#333">'
                f"{escape(label)}</text>"
            )
    chart.parts.append(
        f'<line x1="{left}" x2="{left + width}" y1="{top + height}" '
        f'y2="{top + height}" stroke="#555" stroke-width="0.8"/>'
    )
    return x_at, y_at, step


def _svg(chart: Chart, legend: Sequence[tuple[str, int]]) -> Markup:
    uid = next(_ids)
    left, top, width, height = chart.plot
    x = left
    y = chart.height - 10
    items = []
    for name, pen in legend:
        colour, dash, shape = PENS[pen % len(PENS)]
        items.append(
            f'<line x1="{x}" x2="{x + 22}" y1="{y - 4}" y2="{y - 4}" stroke="{colour}" '
            f'stroke-width="2" stroke-dasharray="{dash}"/>'
            + _marker(shape, x + 11, y - 4, colour)
            + f'<text x="{x + 27}" y="{y}" font-size="10.5" fill="#222">'
            f"{escape(name)}</text>"
        )
        x += 34 + 6.2 * len(name)
    body = "".join(chart.parts) + "".join(items)
    # Every text in the parts went through escape(); the rest are numbers we formatted.
    return Markup(  # noqa: S704
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {chart.width} {chart.height}" '
        f'width="{chart.width}" height="{chart.height}" role="img" '
        f'aria-labelledby="chart{uid}-t chart{uid}-d" font-family="DejaVu Sans, sans-serif">'
        f'<title id="chart{uid}-t">{escape(chart.title)}</title>'
        f'<desc id="chart{uid}-d">{escape(chart.description)}</desc>{body}</svg>'
    )


def line_chart(
    title: str,
    description: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    *,
    y_min: float,
    y_max: float,
    y_ticks: Sequence[float],
    reference: tuple[float, str] | None = None,
    height: int = 260,
) -> Markup:
    """Lines over shared x labels, with an optional dashed reference line (e.g. 13.5)."""
    chart = Chart(title, description, height=height)
    x_at, y_at, _ = _frame(chart, y_min, y_max, y_ticks, x_labels)
    left, _, width, _ = chart.plot
    legend = []
    if reference is not None:
        value, label = reference
        y = y_at(value)
        chart.parts.append(
            f'<line x1="{left}" x2="{left + width}" y1="{y:.1f}" y2="{y:.1f}" '
            'stroke="#a00" stroke-width="1.2" stroke-dasharray="5 3"/>'
        )
        chart.parts.append(
            f'<text x="{left + 4}" y="{y - 4:.1f}" text-anchor="start" '
            f'font-size="10" fill="#a00">{escape(label)}</text>'
        )
    # Past a few dozen points the markers crowd each other; dashes still tell lines apart.
    markers = len(x_labels) <= MAX_MARKED
    for pen, s in enumerate(series):
        colour, dash, shape = PENS[pen % len(PENS)]
        run: list[str] = []
        points = []
        for i, value in enumerate(s.values):
            if value is None:
                if len(run) > 1:
                    points.append(run)
                run = []
                continue
            run.append(f"{x_at(i):.1f},{y_at(value):.1f}")
            if markers or len(s.values) == 1:
                chart.parts.append(_marker(shape, x_at(i), y_at(value), colour))
        if len(run) > 1:
            points.append(run)
        for line in points:
            chart.parts.append(
                f'<polyline points="{" ".join(line)}" fill="none" '
                f'stroke="{colour}" stroke-width="2" '
                f'stroke-dasharray="{dash}"/>'
            )
        legend.append((s.name, pen))
    return _svg(chart, legend)


def bar_chart(
    title: str,
    description: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    y_max: float = 100,
    unit: str = "%",
    height: int = 240,
) -> Markup:
    """One bar per label (None: no bar, "–" shown), values written above the bars
    while there is room for them; past that the table beside the chart has them."""
    chart = Chart(title, description, height=height, margin=(16, 16, 30, 40))
    ticks = [y_max * i / 4 for i in range(5)]
    x_at, y_at, step = _frame(chart, 0, y_max, ticks, labels)
    colour = PENS[0][0]
    labelled = step >= MIN_LABELLED_STEP
    for i, value in enumerate(values):
        x = x_at(i)
        if value is None:
            if not labelled:
                continue
            chart.parts.append(
                f'<text x="{x:.1f}" y="{y_at(0) - 4:.1f}" text-anchor="middle" '
                'font-size="10" fill="#666">–</text>'
            )
            continue
        y = y_at(min(value, y_max))
        w = min(36, step * 0.6)
        chart.parts.append(
            f'<rect x="{x - w / 2:.1f}" y="{y:.1f}" width="{w:.1f}" '
            f'height="{y_at(0) - y:.1f}" fill="{colour}" fill-opacity="0.85" '
            'stroke="#000" stroke-width="0.6"/>'
        )
        if not labelled:
            continue
        chart.parts.append(
            f'<text x="{x:.1f}" y="{y - 4:.1f}" text-anchor="middle" '
            f'font-size="10" fill="#222">{_fmt(value)}{unit}</text>'
        )
    return _svg(chart, [])
