"""The practice's fixed vocabulary: presenting concerns, building blocks, EFT.

Plain values shared by the catalogue, cases and progress, so that a concern or a
building block is spelt one way everywhere. The labels are what counsellors and
clients read on the page.
"""

import enum

#: Presenting concerns, from the guides' reasons relationships come to grief.
CONCERNS: dict[str, str] = {
    "poor-communication": "Poor communication",
    "loss-of-connection": "Loss of emotional connection",
    "unresolved-conflicts": "Unresolved conflicts",
    "lack-of-appreciation": "Lack of appreciation",
    "broken-trust": "Betrayal or broken trust",
    "incompatibility": "Incompatibility",
    "neglected-growth": "Neglect of individual growth",
    "external-stressors": "External stressors",
}

#: The building blocks of a strong relationship ("How to Save a Relationship"),
#: each rated 0–10 by the counsellor per session and by each partner at check-in.
BUILDING_BLOCKS: dict[str, str] = {
    "communication": "Communication",
    "mutual-respect": "Mutual respect",
    "trust": "Trust",
    "emotional-intimacy": "Emotional intimacy",
    "support": "Support",
    "teamwork": "Teamwork",
}

#: Themes the strategy catalogue is browsed by.
THEMES: dict[str, str] = {
    "communication": "Communication",
    "conflict": "Conflict and unresolved issues",
    "trust": "Trust and accountability",
    "emotional-safety": "Emotional safety and empathy",
    "connection": "Connection, intimacy and rekindling",
    "growth": "Self-care and individual growth",
    "commitment": "Commitment, forgiveness and the repair process",
    "support": "Outside pressures, professional help and hard decisions",
}

#: Sue Johnson's three EFT stages.
EFT_STAGES: dict[int, str] = {
    1: "De-escalation",
    2: "Restructuring",
    3: "Consolidation",
}

#: The nine EFT steps and the stage each belongs to.
EFT_STEPS: dict[int, tuple[int, str]] = {
    1: (1, "Identify the conflict issues and build the alliance"),
    2: (1, "Identify the negative interaction cycle"),
    3: (1, "Access the emotions underlying each partner's position"),
    4: (1, "Reframe the problem as the cycle and attachment needs"),
    5: (2, "Access disowned needs and aspects of self"),
    6: (2, "Promote each partner's acceptance of the other"),
    7: (2, "Facilitate the expression of needs and wants; bonding events"),
    8: (3, "New solutions to old problems"),
    9: (3, "Consolidate new positions and cycles"),
}

#: Who does an exercise, as written in the catalogue. "one" is work written for
#: one partner only (the partner who caused a hurt, the hurt partner, a private
#: look at one's own safety or standing): the counsellor chooses which partner.
EXERCISE_WHO: dict[str, str] = {
    "each": "Each partner",
    "together": "Together",
    "one": "One partner",
}

#: How often an exercise is done. "n-per-week" carries a count. Monthly is
#: there for the repair timeline's monthly check-ins ("Relationships Are Dynamic").
CADENCES: dict[str, str] = {
    "once": "Once",
    "daily": "Daily",
    "n-per-week": "Times a week",
    "weekly": "Weekly",
    "monthly": "Monthly",
}

#: Positions a partner takes in the couple's negative cycle (EFT).
CYCLE_POSITIONS: dict[str, str] = {
    "pursue": "Pursue / protest",
    "withdraw": "Withdraw / defend",
    "blame": "Blame / criticise",
    "placate": "Placate / appease",
    "both-withdraw": "Withdraw (both)",
    "other": "Other (see description)",
}


class Labelled(enum.StrEnum):
    """A value kept in the database together with the words a person reads for it.

    Members are written ``NAME = "value", "Label"``; the value is what is stored,
    ``member.label`` what a page shows, and :meth:`labels` the choices of a form.
    """

    label: str

    def __new__(cls, value: str, label: str):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def labels(cls) -> dict["Labelled", str]:
        """{member: label}, in the order the members are written."""
        return {member: member.label for member in cls}
