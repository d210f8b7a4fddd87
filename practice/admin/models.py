"""The practice's own settings, kept in one row."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from practice.columns import intpk
from practice.extensions import db
from practice.vocabulary import Labelled

DEFAULT_SUPPORT_RESOURCES = """\
If you are in danger now, call your local emergency number (911 in the US).
US National Domestic Violence Hotline: 1-800-799-7233 (24 hours, free and confidential).
Your counsellor can help you make a safety plan."""

PAGE_SIZES = {"A4": "A4", "Letter": "US Letter"}

#: Hours of notice the practice asks for to cancel or move a session, unless the owner says.
DEFAULT_NOTICE_HOURS = 24


class VideoRooms(Labelled):
    """Where the link of a video session comes from (see ``practice.sessions.video``)."""

    COUNSELLOR = "counsellor", "Each counsellor’s own room link, set on their account page"
    PER_SESSION = "per-session", "A new room for every session, made from a link template"


class PracticeSettings(db.Model):
    """Name, address, time zone, paper size and support resources of the practice; its
    video service and the notice it asks for to cancel or move a session."""

    __tablename__ = "practice_settings"

    id: Mapped[intpk]
    name: Mapped[str] = mapped_column(sa.String(120), default="Mend Counselling")
    address: Mapped[str] = mapped_column(sa.Text, default="")
    timezone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    page_size: Mapped[str] = mapped_column(sa.String(10), default="A4")
    support_resources: Mapped[str] = mapped_column(sa.Text, default=DEFAULT_SUPPORT_RESOURCES)
    # Counsellors and the owner must sign in with a second factor (TOTP).
    require_two_factor: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Billing (practice.billing): the currency, the tax on each line in basis points
    # (hundredths of a percent), the fees for sessions not held as a percentage of
    # the session's fee (0: none), what superbills say of the practice, and words
    # printed at the foot of every invoice (how to pay).
    currency: Mapped[str] = mapped_column(sa.String(3), default="USD", server_default="USD")
    tax_rate: Mapped[int] = mapped_column(default=0, server_default="0")
    late_cancel_percent: Mapped[int] = mapped_column(default=0, server_default="0")
    no_show_percent: Mapped[int] = mapped_column(default=0, server_default="0")
    tax_id: Mapped[str] = mapped_column(sa.String(20), default="", server_default="")
    npi: Mapped[str] = mapped_column(sa.String(10), default="", server_default="")
    invoice_note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # Hours before a session inside which a client's request to cancel or move it is late.
    cancellation_notice_hours: Mapped[int] = mapped_column(
        default=DEFAULT_NOTICE_HOURS, server_default=str(DEFAULT_NOTICE_HOURS)
    )
    # Video sessions: each counsellor's standing room, or a room per session made from
    # ``video_link_template`` (an https link with ``{room}`` in it). Mend only shows links;
    # it never calls the video service.
    video_rooms: Mapped[str] = mapped_column(
        sa.String(20),
        default=VideoRooms.COUNSELLOR.value,
        server_default=VideoRooms.COUNSELLOR.value,
    )
    video_link_template: Mapped[str | None] = mapped_column(sa.String(500))

    @classmethod
    def get(cls) -> "PracticeSettings":
        """The settings row, or unsaved defaults when the owner has set none yet.

        The app reads it through ``practice.settings.practice_settings``, once a request.
        """
        settings = db.session.scalar(sa.select(cls).order_by(cls.id).limit(1))
        # Unsaved, a row has no column defaults yet: give it them, as saving would.
        defaults = {c.key: c.default.arg for c in cls.__table__.columns if c.default is not None}
        return settings or cls(**defaults)
