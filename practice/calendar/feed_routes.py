"""Calendar feeds: a counsellor makes, names and revokes theirs; calendar apps read them."""

from urllib.parse import urlsplit

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from practice import audit
from practice.auth.access import counsellor_required
from practice.auth.forms import EmptyForm
from practice.calendar.blueprint import bp
from practice.calendar.feeds import (
    FeedEvent,
    active_feed,
    build_calendar,
    client_summary,
    counsellor_summary,
    feed_addresses,
    feed_sessions,
    find_feed,
    issue_feed,
    revoke_feeds,
)
from practice.calendar.forms import FeedNamesForm
from practice.calendar.models import CalendarFeed
from practice.database import now_utc
from practice.sessions import video
from practice.sessions.models import SessionStatus
from practice.settings import practice_settings


def _settings_page(feed: CalendarFeed | None, **context):
    form = FeedNamesForm(show_names=feed.show_names if feed else False)
    return render_template("calendar/feed.html", feed=feed, form=form, empty=EmptyForm(), **context)


@bp.get("/feed")
@counsellor_required
def feed_settings():
    """The counsellor's private calendar feed: make it, choose what it shows, revoke it."""
    return _settings_page(active_feed(user=current_user))


@bp.post("/feed/new")
@counsellor_required
def feed_new():
    """Make a new feed address (an earlier one stops working); it is shown only now."""
    earlier = active_feed(user=current_user)
    feed, token = issue_feed(user=current_user, show_names=bool(earlier and earlier.show_names))
    audit.record("feed.create", feed, replaced=earlier.id if earlier else None)
    return _settings_page(feed, **feed_addresses(token))


@bp.post("/feed/revoke")
@counsellor_required
def feed_revoke():
    """Stop the feed address working, at once, for every calendar that uses it."""
    if revoke_feeds(user=current_user):
        audit.record("feed.revoke", current_user)
        flash(
            "Your feed address no longer works. Calendars using it will stop updating.", "success"
        )
    return redirect(url_for("calendar.feed_settings"))


@bp.post("/feed/names")
@counsellor_required
def feed_names():
    """Choose whether the feed shows couples' names or case numbers."""
    feed = active_feed(user=current_user)
    form = FeedNamesForm()
    if feed is None or not form.validate_on_submit():
        abort(404 if feed is None else 400)
    feed.show_names = bool(form.show_names.data)
    audit.record("feed.names", feed, show_names=feed.show_names)
    flash(
        "Your feed now shows couples’ names."
        if feed.show_names
        else "Your feed now shows case numbers only.",
        "success",
    )
    return redirect(url_for("calendar.feed_settings"))


@bp.get("/feeds/<token>.ics")
def feed(token: str):
    """The calendar behind a feed address; no login, the token is the key. 404 if revoked."""
    found = find_feed(token)
    if found is None:
        abort(404)
    now = now_utc()
    practice = practice_settings()
    host = urlsplit(url_for("main.index", _external=True)).hostname or "mend"
    address = " ".join(practice.address.split())
    events = []
    for session in feed_sessions(found, now):
        room = ""
        if found.user is not None:
            summary = counsellor_summary(session, found.show_names)
            link = url_for(
                "calendar.session", case_id=session.case_id, session_id=session.id, _external=True
            )
            location = "By video" if session.by_video else address
        else:
            summary = client_summary(session, practice.name)
            link = url_for("portal_calendar.index", _external=True)
            room = video.link_for_reader(found.partner, session, practice) or ""
            location = room or ("By video" if session.by_video else address)
        events.append(
            FeedEvent(
                uid=f"session-{session.id}@{host}",
                starts_at=session.starts_at,
                ends_at=session.ends_at,
                summary=summary,
                cancelled=session.status is SessionStatus.CANCELLED,
                sequence=session.sequence,
                url=link,
                location=location,
                video_link=room,
            )
        )
    name = (
        f"{practice.name}: {found.user.name}"
        if found.user is not None
        else f"{practice.name}: my sessions"
    )
    return Response(
        build_calendar(name, events, now),
        mimetype="text/calendar",
        headers={"Content-Disposition": 'inline; filename="mend.ics"'},
    )
