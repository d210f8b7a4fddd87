"""The rules of secure messages, over plain values: tested without a database.

Which threads a case has, who reads each, whom a new message is told to, what a
message may hold, and when a thread is closed.
"""

from collections.abc import Iterable

from practice.problems import FieldProblem

#: Longer than any message between sessions needs to be, and still quick to read.
MAX_LENGTH = 10_000
JOINT = "joint"

EMPTY = "Write your message first."
TOO_LONG = (
    "Messages can be up to {limit:,} characters; this one has {length:,}. "
    "Shorten it, or send it in two parts."
)
CLOSED = (
    "This counselling has ended, so no new messages can be sent here. "
    "The messages are kept and can still be read."
)


class Problem(FieldProblem):
    """Input that breaks a rule, said for the field it belongs to."""


def slots(positions: Iterable[str]) -> list[str]:
    """The threads of a case whose partners are at ``positions``: each partner's private
    thread, and the joint one when there are two partners."""
    private = sorted(set(positions))
    return private + [JOINT] if len(private) > 1 else private


def thread_name(slot: str, first_names: dict[str, str]) -> str:
    """What the counsellor calls a thread: "Alex, privately", or "Alex and Jordan, together"
    (``first_names`` by position)."""
    if slot == JOINT:
        return " and ".join(first_names[p] for p in sorted(first_names)) + ", together"
    return f"{first_names.get(slot, slot.upper())}, privately"


def readers(slot: str) -> frozenset[str]:
    """The partners (by position) who read the thread at ``slot``; the counsellor always does."""
    return frozenset({"a", "b"}) if slot == JOINT else frozenset({slot})


def told(slot: str, writer: str | None) -> tuple[bool, frozenset[str]]:
    """Who is told of a new message: whether the counsellor is, and which partners.

    Everyone who reads the thread except its writer (``writer`` is the partner's
    position, or None for the counsellor)."""
    return writer is not None, readers(slot) - {writer}


def tell_now(unread_before: int) -> bool:
    """An email only when the thread had nothing waiting unread for its reader: one email
    while messages wait, however many arrive, and another once they have been read."""
    return unread_before == 0


def clean_body(text: str | None) -> str:
    """The message as it is kept: line endings made plain, blank edges gone.

    Raises :class:`Problem` for an empty message or one over :data:`MAX_LENGTH`."""
    body = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not body:
        raise Problem("body", EMPTY)
    if len(body) > MAX_LENGTH:
        raise Problem("body", TOO_LONG.format(limit=MAX_LENGTH, length=len(body)))
    return body


def closed(case_status: str) -> str | None:
    """Why no message can be sent in a case's threads now; None while they are open."""
    return CLOSED if case_status == "closed" else None
