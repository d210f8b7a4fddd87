"""When the couple's work together is held, and why, as the counsellor is told it.

Held while a pause stands (``Case.joint_paused``, practice.cases.pauses) or a
partner's "I don't feel safe" waits for the counsellor (practice.screening.alerts).
While held: no new work together (nor exercises that ask a partner to involve the
other), a joint session needs a recorded reason, and
no report is shared with the couple. Only a pause shows to the partners (the
same for any reason); an alert changes nothing they see.
"""

from practice.cases.models import Case
from practice.screening.alerts import open_alert

PAUSED = (
    "Work together is paused for this couple. Lift the pause (on the case page) with a "
    "reason before giving exercises done together or that involve the partner."
)
ALERTED = (
    "A partner has told you privately that they do not feel safe. Until you have seen to "
    "it (on the case page), exercises done together or that involve the partner cannot be "
    "given."
)


def joint_work_held(case: Case) -> str | None:
    """Why the couple's work together is held now, for the counsellor; None if it is not."""
    if case.joint_paused:
        return PAUSED
    if open_alert(case) is not None:
        return ALERTED
    return None


JOINT_REASON_NEEDED = (
    "Work together is held for this couple. Say why you are seeing them together: it is "
    "kept with the session, for you alone."
)


def joint_session_problem(case: Case, invitees: list[str], reason: str | None) -> str | None:
    """Why a session with both partners cannot be booked or recorded as it stands; None if
    it can. While joint work is held, the counsellor confirms with a reason."""
    if not case.is_couple or invitees or (reason or "").strip():
        return None
    return JOINT_REASON_NEEDED if joint_work_held(case) else None
