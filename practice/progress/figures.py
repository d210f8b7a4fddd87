"""The progress view's four charts, drawn from :class:`practice.progress.data.Progress`."""

from markupsafe import Markup

from practice.progress.charts import Series, bar_chart, line_chart
from practice.progress.data import Progress
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


def blocks_chart(p: Progress) -> Markup | None:
    rated = [s for s in p.sessions if s.blocks]
    if not rated:
        return None
    series = [
        Series(label, [s.blocks.get(key) for s in rated]) for key, label in BUILDING_BLOCKS.items()
    ]
    return line_chart(
        "Building blocks, as the counsellor rates them",
        "The counsellor's 0–10 rating of each building block at each attended session.",
        [f"S{s.ordinal}" for s in rated],
        series,
        y_min=0,
        y_max=10,
        y_ticks=[0, 2, 4, 6, 8, 10],
        height=280,
    )


def eft_chart(p: Progress) -> Markup | None:
    if not any(s.step for s in p.sessions):
        return None
    return line_chart(
        "EFT step reached",
        "The EFT step (1–9) reached at each attended session: steps 1–4 are stage 1, "
        "de-escalation; 5–7 stage 2, restructuring; 8–9 stage 3, consolidation.",
        [f"S{s.ordinal}" for s in p.sessions],
        [Series("Step", [s.step for s in p.sessions])],
        y_min=1,
        y_max=9,
        y_ticks=[1, 2, 3, 4, 5, 6, 7, 8, 9],
        height=220,
    )


def adherence_chart(p: Progress) -> Markup | None:
    if not any(i.expected for i in p.intervals):
        return None
    return bar_chart(
        "Homework kept up between sessions",
        "Entries made as a share of entries expected, for each interval between attended sessions.",
        [
            i.label.replace("Sessions ", "S")
            .replace("Since session ", "since S")
            .replace("Before session 1", "before S1")
            for i in p.intervals
        ],
        [i.percent for i in p.intervals],
    )


def figures(p: Progress) -> dict[str, Markup | None]:
    return {
        "csi": csi_chart(p),
        "blocks": blocks_chart(p),
        "eft": eft_chart(p),
        "adherence": adherence_chart(p),
    }
