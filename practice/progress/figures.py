"""The progress view's four charts, drawn from :class:`practice.progress.data.Progress`.

The printed report of a long case draws three of them by period of five
sessions instead (:func:`period_figures`, see ``practice.progress.periods``).
"""

from collections.abc import Mapping, Sequence

from markupsafe import Markup

from practice.progress.charts import Series, bar_chart, line_chart
from practice.progress.data import Interval, Progress
from practice.progress.periods import Period
from practice.vocabulary import BUILDING_BLOCKS


def _day(d) -> str:
    return f"{d.day} {d:%b}"


def csi_chart(p: Progress) -> Markup | None:
    dates = sorted({c.on for partner in p.partners for c in partner.check_ins})
    if not dates:
        return None
    series = []
    for partner in p.partners:
        by_day = {c.on: c.total for c in partner.check_ins}
        series.append(Series(partner.name, [by_day.get(d) for d in dates]))
    return line_chart(
        "CSI-4 over time",
        "Each partner's Couples Satisfaction Index (0–21) at each check-in; below the dashed "
        "line at 13.5 suggests notable distress. The numbers are in the table below.",
        [_day(d) for d in dates],
        series,
        y_min=0,
        y_max=21,
        y_ticks=[0, 7, 13.5, 21],
        reference=(p.cutoff, "13.5: distress line"),
    )


def _blocks(
    labels: Sequence[str], ratings: Sequence[Mapping[str, float]], each: str
) -> Markup | None:
    if not labels:
        return None
    series = [
        Series(label, [r.get(key) for r in ratings]) for key, label in BUILDING_BLOCKS.items()
    ]
    return line_chart(
        "Building blocks, as the counsellor rates them",
        f"The counsellor's 0–10 rating of each building block {each}.",
        labels,
        series,
        y_min=0,
        y_max=10,
        y_ticks=[0, 2, 4, 6, 8, 10],
        height=280,
    )


def _steps(labels: Sequence[str], steps: Sequence[int | None], each: str) -> Markup | None:
    if not any(steps):
        return None
    return line_chart(
        "EFT step reached",
        f"The EFT step (1–9) reached {each}: steps 1–4 are stage 1, "
        "de-escalation; 5–7 stage 2, restructuring; 8–9 stage 3, consolidation.",
        labels,
        [Series("Step", steps)],
        y_min=1,
        y_max=9,
        y_ticks=[1, 2, 3, 4, 5, 6, 7, 8, 9],
        height=220,
    )


def _kept_up(labels: Sequence[str], percents: Sequence[int | None], each: str) -> Markup | None:
    if all(p is None for p in percents):
        return None
    return bar_chart(
        "Homework kept up between sessions",
        f"Entries made as a share of entries expected, {each}.",
        labels,
        percents,
    )


def _short(interval: Interval) -> str:
    return (
        interval.label.replace("Sessions ", "S")
        .replace("Since session ", "since S")
        .replace("Before session 1", "before S1")
    )


def blocks_chart(p: Progress) -> Markup | None:
    rated = [s for s in p.sessions if s.blocks]
    return _blocks(
        [f"S{s.ordinal}" for s in rated], [s.blocks for s in rated], "at each attended session"
    )


def eft_chart(p: Progress) -> Markup | None:
    return _steps(
        [f"S{s.ordinal}" for s in p.sessions],
        [s.step for s in p.sessions],
        "at each attended session",
    )


def adherence_chart(p: Progress) -> Markup | None:
    return _kept_up(
        [_short(i) for i in p.intervals],
        [i.percent for i in p.intervals],
        "for each interval between attended sessions",
    )


def period_figures(periods: Sequence[Period], since: Interval) -> dict[str, Markup | None]:
    """The building blocks, EFT step and homework charts with a point per period."""
    rated = [period for period in periods if period.blocks]
    return {
        "blocks": _blocks(
            [period.short_label for period in rated],
            [period.blocks for period in rated],
            "averaged over each period of five sessions",
        ),
        "eft": _steps(
            [period.short_label for period in periods],
            [period.step for period in periods],
            "by the last session of each period of five",
        ),
        "adherence": _kept_up(
            [*(period.short_label for period in periods), _short(since)],
            [*(period.percent for period in periods), since.percent],
            "before the sessions of each period of five, and since the last session",
        ),
    }


def figures(p: Progress) -> dict[str, Markup | None]:
    return {
        "csi": csi_chart(p),
        "blocks": blocks_chart(p),
        "eft": eft_chart(p),
        "adherence": adherence_chart(p),
    }
