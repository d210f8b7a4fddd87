"""Where to send someone after they log in."""

from urllib.parse import urlsplit

from flask import url_for


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target:
        return None
    return target


def home_for(user) -> str:
    """Where ``user`` lands: the portal for a client, the dashboard for staff."""
    return url_for("portal.home") if user.is_client else url_for("main.dashboard")
