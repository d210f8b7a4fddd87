"""The calendar blueprint, shared by the modules that add its pages.

``routes`` (the diary and booking), ``changes`` (moving, cancelling, series)
and ``feed_routes`` (private calendar feeds) each add their views to it.
"""

from datetime import date, datetime

from flask import Blueprint

from practice.dates import local

bp = Blueprint("calendar", __name__)


@bp.app_template_filter("localtime")
def local_time(value: datetime) -> str:
    """A moment's clock time in the practice's time zone: "17:50"."""
    return f"{local(value):%H:%M}"


@bp.app_template_filter("localdate")
def local_date(value: datetime) -> date:
    """A moment's date in the practice's time zone."""
    return local(value).date()
