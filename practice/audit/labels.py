"""The audit trail in words: a label for every action, and a name for every kind of record.

Every action recorded anywhere in ``practice/`` has a label here (a test reads the
code to prove it); an action from an older version of Mend that is no longer
recorded still reads as words, from its code.
"""

import re

ACTION_LABELS = {
    "account.create": "Account created",
    "account.deactivate": "Account deactivated",
    "account.reactivate": "Account reactivated",
    "account.video_room": "Own video room set",
    "alert.create": "“I don’t feel safe” message sent by a client",
    "alert.resolve": "“I don’t feel safe” message seen to",
    "assignment.change": "Homework changed",
    "assignment.create": "Homework assigned",
    "assignment.withdraw": "Homework withdrawn",
    "audit.export": "Audit trail exported",
    "audit.view": "Audit trail viewed",
    "case.change": "Case changed",
    "case.create": "Case opened",
    "case.view": "Case viewed",
    "checkin.create": "Check-in completed",
    "checkin.schedule": "Check-in schedule set",
    "cycle.change": "Negative cycle changed",
    "email.change": "Login email changed",
    "email.change_refused": "Login email change refused",
    "entries.view": "Homework entries viewed",
    "entry.create": "Homework entry made",
    "entry.edit": "Homework entry corrected by its author",
    "entry.share": "Homework entry shared with partner",
    "entry.unshare": "Homework entry made private again",
    "entry.view": "Homework entry viewed",
    "exercise.change": "Practice exercise changed",
    "exercise.create": "Practice exercise written",
    "exercise.retire": "Practice exercise retired",
    "feed.create": "Calendar feed made",
    "feed.names": "Calendar feed naming changed",
    "feed.revoke": "Calendar feed stopped",
    "invitation.accept": "Portal invitation accepted",
    "invitation.create": "Portal invitation made",
    "joint.lift": "Work together resumed",
    "joint.pause": "Work together paused",
    "keys.rotate": "Encryption keys rotated",
    "login.end": "Login ended",
    "message.record": "Secure message added to the case record",
    "message.send": "Secure message sent",
    "messages.read": "Message thread read",
    "login.failure": "Login failed",
    "login.success": "Logged in",
    "logout": "Logged out",
    "note.amend": "Addendum added to a signed note",
    "note.change_refused": "Change to a signed note refused",
    "note.create": "Session note started",
    "note.save": "Session note saved",
    "note.sign": "Session note signed",
    "note.template_change": "Session note draft moved to another template",
    "note.view": "Session note viewed",
    "outbox.send": "Message sent from the outbox",
    "outbox.send_failed": "Message from the outbox failed to send",
    "password.change": "Password changed",
    "password.change_refused": "Password change refused",
    "plan.amend": "Addendum added to a signed treatment plan",
    "plan.review": "Treatment plan reviewed",
    "plan.save": "Treatment plan draft saved",
    "plan.sign": "Treatment plan signed",
    "plan.view": "Treatment plan viewed",
    "progress.share": "Progress report shared with the couple",
    "progress.unshare": "Progress report no longer shared",
    "progress.view": "Progress viewed",
    "record.export": "Own record downloaded",
    "referral.change": "Referral changed",
    "referral.create": "Referral made",
    "referral.view": "Referral viewed",
    "reminders.choose": "Reminder choices changed",
    "report.download": "Report downloaded",
    "review.create": "Review recorded",
    "review.view": "Review viewed",
    "safety.screen": "Safety screening recorded",
    "safety.view": "Safety page viewed",
    "safety_plan.save": "Safety plan saved",
    "safety_plan.view": "Safety plan viewed",
    "scores.share": "Check-in scores shared with partner",
    "scores.unshare": "Check-in scores no longer shared",
    "screen.record": "Partner’s private screen recorded",
    "screen.view": "Partner’s private screen viewed",
    "series.create": "Repeating sessions booked",
    "series.end": "Repeating sessions ended",
    "session.cancel": "Session cancelled",
    "session.change": "Session changed",
    "session.change_refused": "Change to a signed session refused",
    "session.correct": "Session corrected by an addendum",
    "session.create": "Session recorded",
    "session.move": "Session moved",
    "session.no_show": "Session marked as missed",
    "session.schedule": "Session booked",
    "session_request.accept": "Client's request about a session accepted",
    "session_request.create": "Client asked to move or cancel a session",
    "session_request.decline": "Client's request about a session declined",
    "session_request.overtaken": "Client's request closed by a change to the session",
    "session_request.suggest": "Another time suggested to a client",
    "session_request.suggestion_lost": "Suggested time no longer free",
    "session_request.take": "Client took the time suggested",
    "session_request.turn_down": "Client turned down the time suggested",
    "session_request.view": "Client's request about a session viewed",
    "session_request.withdraw": "Client withdrew a request about a session",
    "settings.change": "Practice settings changed",
    "two_factor.disable": "Two-factor sign-in turned off",
    "two_factor.enable": "Two-factor sign-in turned on",
}

#: What each kind of record is called; a kind missing here is spelled out from its name.
OBJECT_LABELS = {
    "Addendum": "Addendum",
    "Assignment": "Homework",
    "CalendarFeed": "Calendar feed",
    "Case": "Case",
    "CheckIn": "Check-in",
    "Exercise": "Exercise",
    "HomeworkEntry": "Homework entry",
    "Invitation": "Invitation",
    "JointWorkPause": "Pause of work together",
    "Message": "Secure message",
    "MessageThread": "Message thread",
    "NegativeCycle": "Negative cycle",
    "Note": "Session note",
    "OutboundEmail": "Message",
    "Partner": "Partner",
    "PartnerScreen": "Private screen",
    "PlanAddendum": "Addendum to a treatment plan",
    "PlanReview": "Treatment plan review",
    "PracticeSettings": "Practice settings",
    "Referral": "Referral",
    "Review": "Review",
    "SafetyAlert": "“I don’t feel safe” message",
    "SafetyPlan": "Safety plan",
    "SafetyScreening": "Safety screening",
    "Session": "Session",
    "SessionRequest": "Request to move or cancel a session",
    "SessionSeries": "Repeating sessions",
    "TreatmentPlan": "Treatment plan",
    "User": "Account",
    # Events recorded before the fix for current_user's proxy: always the user's account.
    "LocalProxy": "Account",
}


def action_label(action: str) -> str:
    """``note.change_refused`` → "Change to a signed note refused"."""
    if action in ACTION_LABELS:
        return ACTION_LABELS[action]
    words = re.sub(r"[._]+", " ", action).strip()
    return words[:1].upper() + words[1:]


def object_label(object_type: str | None) -> str:
    """``HomeworkEntry`` → "Homework entry"."""
    if not object_type:
        return ""
    if object_type in OBJECT_LABELS:
        return OBJECT_LABELS[object_type]
    words = re.sub(r"(?<!^)(?=[A-Z])", " ", object_type).lower()
    return words[:1].upper() + words[1:]
