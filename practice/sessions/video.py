"""Sessions by video: their links, when a client may join, and checking the links typed in.

Mend never talks to the video service. A practice either lets each counsellor
keep a standing room (``User.video_link``, set on their account page) or gives
a link template with ``{room}`` in it (``PracticeSettings.video_link_template``,
typically a self-hosted Jitsi address), into which each video session's own
random room name goes. A session's link is worked out from those when it is
shown, so a changed room or template reaches every session still to come.

Who may see a link follows who may see the session (``practice.audience``): the
partners it is with, and their counsellor.
"""

import base64
import re
import secrets
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from practice import audience
from practice.admin.models import PracticeSettings, VideoRooms
from practice.cases.models import Case, Partner
from practice.consent.gate import missing_in
from practice.consent.rules import VIDEO
from practice.sessions.models import Session

#: Clients see the Join button from this long before the start until the end.
JOIN_BEFORE = timedelta(minutes=15)
MAX_LINK = 500
ROOM = "{room}"
EXAMPLE_TEMPLATE = "https://meet.example.org/mend-{room}"
_HOST = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")
_UNSAFE = set("<>\"'`\\{}|^")


class LinkProblem(ValueError):
    """A link or template that cannot be used, with words for whoever typed it."""


def new_room() -> str:
    """An unguessable room name: 120 random bits in lower-case letters and digits, since
    some services (Jitsi among them) fold room names to lower case."""
    return base64.b32encode(secrets.token_bytes(15)).decode().lower()


def join_open(starts_at: datetime, ends_at: datetime, now: datetime) -> bool:
    """Whether a client may join now: from JOIN_BEFORE the start until the end."""
    return starts_at - JOIN_BEFORE <= now < ends_at


def joins_from(starts_at: datetime) -> datetime:
    """When the Join button appears for a session starting at ``starts_at``."""
    return starts_at - JOIN_BEFORE


def check_link(text: str | None) -> str:
    """``text`` as a link Mend will show, or a LinkProblem saying what is wrong with it."""
    link = (text or "").strip()
    if not link:
        raise LinkProblem("Enter the link, starting https://.")
    if len(link) > MAX_LINK:
        raise LinkProblem(f"Keep the link under {MAX_LINK} characters.")
    if any(c.isspace() for c in link):
        raise LinkProblem("A link has no spaces in it.")
    parts = urlsplit(link)
    if parts.scheme.lower() != "https":
        raise LinkProblem(
            "Use an https:// link, so that clients reach the room over an encrypted connection."
        )
    try:
        host, _ = parts.hostname, parts.port
    except ValueError as exc:
        raise LinkProblem("That link's address is not one a browser can open.") from exc
    if parts.username or parts.password:
        raise LinkProblem("Leave names and passwords out of the link.")
    if not host or not _HOST.fullmatch(host) or "." not in host:
        raise LinkProblem("Give the whole address after https://, e.g. meet.example.org/room.")
    if _UNSAFE & set(link):
        raise LinkProblem("A link cannot hold < > \" ' ` \\ { } | or ^.")
    return link


def check_template(text: str | None) -> str:
    """``text`` as a link template, with ``{room}`` once where each session's room goes."""
    template = (text or "").strip()
    if template.count(ROOM) != 1:
        raise LinkProblem(
            f"Put {ROOM} once in the template, where each session's room name goes, "
            f"e.g. {EXAMPLE_TEMPLATE}."
        )
    before, after = template.split(ROOM)
    if "://" not in before:
        raise LinkProblem("Put {room} after the address, e.g. " + EXAMPLE_TEMPLATE + ".")
    check_link(before + "room" + after)
    return template


def room_link(template: str, room: str) -> str:
    return template.replace(ROOM, room)


def link_for(session: Session, practice: PracticeSettings) -> str | None:
    """The link of a video session (None for one in person, or while no room is set)."""
    if not session.by_video:
        return None
    return room_link_for(True, session.video_room, practice, session.counsellor.video_link)


def room_link_for(
    by_video: bool, room: str | None, practice: PracticeSettings, counsellor_link: str | None
) -> str | None:
    """:func:`link_for` over plain values: the session's mode and room name, the practice's
    settings and its counsellor's standing room."""
    if not by_video:
        return None
    template = practice.video_link_template
    if practice.video_rooms == VideoRooms.PER_SESSION and template and room:
        return room_link(template, room)
    return counsellor_link or None


def link_for_reader(reader: Partner, session: Session, practice: PracticeSettings) -> str | None:
    """The link as ``reader`` may have it: only for a session they are expected at."""
    if not audience.may_read(reader, audience.of_session(session)):
        return None
    return link_for(session, practice)


def video_consent_missing(case: Case) -> list[Partner]:
    """The partners of ``case`` who have not yet signed every document the practice asks
    for before a session by video (``practice.consent``: the consent to video among them).
    Booking a joint session by video waits for both, unless the counsellor gives a reason;
    the session page names whoever is missing."""
    missing = missing_in(case, VIDEO)
    return [partner for partner in case.partners if missing.get(partner.position)]
