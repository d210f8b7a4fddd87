"""The progress view's four charts, drawn from :class:`practice.progress.data.Progress`.

The printed report of a long case draws three of them by period of five
sessions instead (:func:`period_figures`, see ``practice.progress.periods``).
A partner's copy of the report draws :func:`satisfaction_chart` and
:func:`self_ratings_chart` from only the check-ins its reader may see.
"""

from collections.abc import Mapping, Sequence

from markupsafe import Markup

from practice.progress.charts import Series, bar_chart, line_chart
from practice.progress.csi import DISTRESS_CUTOFF
from practice.progress.data import CheckInPoint, Interval, PartnerMeasures, Progress
from practice.progress.periods import SessionPeriod
from practice.vocabulary import BUILDING_BLOCKS


def _day(d) -> str:
    return f"{d.day} {d:%b}"


def satisfaction_chart(
    partners: Sequence[PartnerMeasures],
    title: str,
    description: str,
    line_label: str = "13.5: distress line",
    height: int = 260,
) -> Markup | None:
    """Each person's CSI-4 total at each of their check-ins, with the 13.5 line."""
    dates = sorted({c.on for partner in partners for c in partner.check_ins})
    if not dates:
        return None
    series = []
    for partner in partners:
        by_day = {c.on: c.total for c in partner.check_ins}
        series.append(Series(partner.name, [by_day.get(d) for d in dates]))
    return line_chart(
        title,
        description,
        [_day(d) for d in dates],
        series,
        y_min=0,
        y_max=21,
        y_ticks=[0, 7, DISTRESS_CUTOFF, 21],
        reference=(DISTRESS_CUTOFF, line_label),
        height=height,
    )


def csi_chart(p: Progress) -> Markup | None:
    return satisfaction_chart(
        p.partners,
        "CSI-4 over time",
        "Each partner's Couples Satisfaction Index (0–21) at each check-in; below the dashed "
        "line at 13.5 suggests notable distress. The numbers are in the table below.",
    )


def building_blocks_chart(
    labels: Sequence[str],
    ratings: Sequence[Mapping[str, float]],
    title: str,
    description: str,
    height: int = 280,
) -> Markup | None:
    """A line per building block, 0–10, over ``labels`` (sessions, periods or check-ins)."""
    if not labels:
        return None
    series = [
        Series(label, [r.get(key) for r in ratings]) for key, label in BUILDING_BLOCKS.items()
    ]
    return line_chart(
        title,
        description,
        labels,
        series,
        y_min=0,
        y_max=10,
        y_ticks=[0, 2, 4, 6, 8, 10],
        height=height,
    )


def self_ratings_chart(
    check_ins: Sequence[CheckInPoint], title: str, description: str, height: int = 280
) -> Markup | None:
    """One person's own 0–10 ratings of the building blocks at each check-in that has them."""
    rated = [c for c in check_ins if c.blocks]
    return building_blocks_chart(
        [_day(c.on) for c in rated], [c.blocks for c in rated], title, description, height
    )


def _blocks(
    labels: Sequence[str], ratings: Sequence[Mapping[str, float]], each: str
) -> Markup | None:
    return building_blocks_chart(
        labels,
        ratings,
        "Building blocks, as the counsellor rates them",
        f"The counsellor's 0–10 rating of each building block {each}.",
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


def period_figures(periods: Sequence[SessionPeriod], since: Interval) -> dict[str, Markup | None]:
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
