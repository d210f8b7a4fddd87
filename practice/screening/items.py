"""The questions of the private safety screen, and what the answers flag. Plain values only.

Each partner is screened apart from the other: by the counsellor in an individual
session, or by the partner alone in the portal. The questions follow the guides'
warning that couple work is not safe while there is violence, coercive control
or fear of a partner, and that EFT is contraindicated with ongoing violence, an
active affair or active addiction; self-harm thoughts are asked too, since they
change what comes first.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Item:
    key: str
    heading: str
    #: As the counsellor asks it, in an individual session.
    asked: str
    #: As the partner reads it alone in the portal.
    portal: str


ITEMS = (
    Item(
        "fear",
        "Fear of the partner",
        "Are you afraid of your partner, or of what they might do?",
        "Are you afraid of your partner, or of what they might do?",
    ),
    Item(
        "violence-year",
        "Physical violence, past year",
        "In the past year, has your partner pushed, hit, choked or otherwise hurt you?",
        "In the past year, has your partner pushed, hit, choked or otherwise hurt you?",
    ),
    Item(
        "violence-ever",
        "Physical violence, ever",
        "Has that ever happened in this relationship?",
        "Has that ever happened in this relationship?",
    ),
    Item(
        "threats",
        "Threats",
        "Has your partner threatened you, the children, pets, or to hurt themselves?",
        "Has your partner threatened you, your children or pets, or to hurt themselves?",
    ),
    Item(
        "monitoring",
        "Monitoring",
        "Does your partner check your phone or messages, or track where you go?",
        "Does your partner check your phone or messages, or track where you go?",
    ),
    Item(
        "money",
        "Control of money",
        "Does your partner control money so that you cannot get what you need?",
        "Does your partner control money so that you cannot get what you need?",
    ),
    Item(
        "isolation",
        "Isolation",
        "Does your partner keep you from seeing friends or family?",
        "Does your partner keep you from seeing friends or family?",
    ),
    Item(
        "affair",
        "An active affair",
        "Is either of you in an affair that is still going on?",
        "Is either of you in an affair that is still going on?",
    ),
    Item(
        "substance",
        "Substance use",
        "Does drinking or drug use, yours or your partner's, get in the way of your life?",
        "Does drinking or drug use, yours or your partner's, get in the way of your life?",
    ),
    Item(
        "self-harm",
        "Self-harm thoughts",
        "Lately, have you had thoughts of harming yourself?",
        "Lately, have you had thoughts of harming yourself?",
    ),
)
KEYS = tuple(item.key for item in ITEMS)
ANSWERS = {"no": "No", "yes": "Yes", "unsure": "Not sure", "skipped": "Rather not say"}


def flagged(answers: dict[str, str]) -> list[Item]:
    """The items answered in a way the counsellor must follow up: yes, or not sure."""
    return [item for item in ITEMS if answers.get(item.key) in ("yes", "unsure")]
