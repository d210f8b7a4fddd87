"""The intake form a practice starts with, until the owner publishes one of its own.

It asks what a couples counsellor needs before a first session, of each partner
apart: how to reach them and whom to call in an emergency, what brings them and
what they hope for, the relationship's story, and their own history. Safety
questions are not here: each partner answers those privately, elsewhere
(``practice.screening``).
"""

from practice.intake.questions import Question

YES_NO = ("Yes", "No")


def _q(key, kind, label, help="", required=False, options=(), low=None, high=None) -> Question:
    return Question(key, kind, label, help, required, tuple(options), low, high)


DEFAULT_QUESTIONS: tuple[Question, ...] = (
    _q(
        "about_you",
        "heading",
        "How to reach you",
        "So that the practice can reach you between sessions.",
    ),
    _q("phone", "short", "Your phone number", required=True),
    _q(
        "messages",
        "choice",
        "May we leave a message on that number?",
        "Think about who else might hear a voicemail or see a text on that phone.",
        options=("Yes, a voicemail or a text", "Texts only", "No messages, please"),
        required=True,
    ),
    _q("address", "long", "Your postal address"),
    _q("birth_date", "date", "Your date of birth"),
    _q("emergency", "heading", "Someone to contact in an emergency"),
    _q(
        "emergency_name",
        "short",
        "Their name",
        "Someone we could call if we were seriously worried about your safety. It "
        "need not be your partner.",
        required=True,
    ),
    _q("emergency_phone", "short", "Their phone number", required=True),
    _q("emergency_relation", "short", "How do they know you?", "For example: sister, friend."),
    _q("coming", "heading", "What brings you here"),
    _q(
        "brings",
        "long",
        "In your own words, what has led you to counselling now?",
        "A few sentences are plenty; there will be time to say more when we meet.",
        required=True,
    ),
    _q(
        "hopes",
        "long",
        "What would you like to be different by the time counselling ends?",
        required=True,
    ),
    _q(
        "hopeful",
        "scale",
        "How hopeful do you feel about the relationship at the moment?",
        "0 means not hopeful at all, 10 means very hopeful.",
        low=0,
        high=10,
    ),
    _q("relationship", "heading", "Your relationship"),
    _q(
        "together_for",
        "short",
        "How long have you been together?",
        "For example: eight years, married for five of them.",
    ),
    _q(
        "living_together",
        "choice",
        "Do you live together?",
        options=("Yes", "No", "Part of the time", "We have recently separated"),
    ),
    _q(
        "children",
        "long",
        "Children",
        "Do either of you have children, together or from earlier relationships? Their "
        "ages, and where they live.",
    ),
    _q(
        "before",
        "choice",
        "Have you had couples counselling before?",
        options=("No", "Yes, with this partner", "Yes, in an earlier relationship"),
    ),
    _q(
        "before_what",
        "long",
        "If you have, what helped and what did not?",
    ),
    _q("history", "heading", "About you"),
    _q(
        "own_therapy",
        "choice",
        "Have you seen a counsellor, therapist or psychiatrist for yourself?",
        options=("No", "Yes, in the past", "Yes, at the moment"),
    ),
    _q(
        "health",
        "long",
        "Is there anything about your physical or mental health we should know?",
        "Including any diagnosis, and anything that makes it harder for you to take part "
        "in sessions.",
    ),
    _q("medication", "long", "Medication you take at the moment"),
    _q(
        "drinking",
        "long",
        "How much alcohol do you drink in a usual week? Do you use any other drugs?",
        "An honest rough answer helps more than an exact one.",
    ),
    _q(
        "anything_else",
        "long",
        "Is there anything else you would like your counsellor to know before you meet?",
        "Your partner will not see this.",
    ),
)
