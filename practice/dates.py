"""Days as the practice counts them: "today" is today in the practice's time zone."""

from datetime import date, datetime

from practice.database import now_utc
from practice.web import practice_zone


def practice_today() -> date:
    return now_utc().astimezone(practice_zone()).date()


def practice_now() -> datetime:
    return now_utc().astimezone(practice_zone())
