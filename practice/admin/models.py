"""The practice's own settings, kept in one row."""

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from practice.extensions import db

DEFAULT_SUPPORT_RESOURCES = """\
If you are in danger now, call your local emergency number (911 in the US).
US National Domestic Violence Hotline: 1-800-799-7233 (24 hours, free and confidential).
Your counsellor can help you make a safety plan."""

PAGE_SIZES = {"A4": "A4", "Letter": "US Letter"}


class PracticeSettings(db.Model):
    """Name, address, time zone, paper size and support resources of the practice."""

    __tablename__ = "practice_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
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

    @classmethod
    def get(cls) -> "PracticeSettings":
        """The settings row, or unsaved defaults when the owner has set none yet.

        The app reads it through ``practice.settings.practice_settings``, once a request.
        """
        settings = db.session.scalar(sa.select(cls).order_by(cls.id).limit(1))
        return settings or cls(
            name="Mend Counselling",
            address="",
            timezone="UTC",
            page_size="A4",
            support_resources=DEFAULT_SUPPORT_RESOURCES,
            currency="USD",
            tax_rate=0,
            late_cancel_percent=0,
            no_show_percent=0,
            tax_id="",
            npi="",
            invoice_note="",
        )
