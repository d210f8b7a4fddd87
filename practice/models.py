"""Every model of the app, imported in one place.

``create_app`` imports this module so that the ORM and Alembic's autogenerate
always see the whole schema, whichever blueprints a command happens to touch.
"""

from practice.admin.models import PracticeSettings
from practice.audit.models import AuditEvent
from practice.auth.models import LoginSession, User
from practice.auth.pending import PendingLogin
from practice.billing.models import (
    CaseBilling,
    Charge,
    ChargeAdjustment,
    ChargeShare,
    Credentials,
    Invoice,
    InvoiceCounter,
    InvoiceLine,
    Payment,
    Service,
)
from practice.calendar.models import CalendarFeed, SeriesOccurrence, SessionSeries
from practice.cases.models import (
    Case,
    CaseConcern,
    Invitation,
    Partner,
    SafetyScreening,
)
from practice.cases.pauses import JointWorkPause
from practice.catalogue.models import (
    Exercise,
    ExerciseVersion,
    SearchTerm,
    Strategy,
    StrategyConcern,
    StrategyVersion,
)
from practice.consent.models import ConsentDocument, ConsentSignature
from practice.homework.models import Assignment, EntryDraft, EntryRevision, HomeworkEntry
from practice.intake.models import IntakeAnswers, IntakeForm
from practice.mail.models import OutboundEmail
from practice.main.summary import CaseSummary
from practice.messages.models import Message, MessageThread, ThreadRead
from practice.parking import ParkedForm
from practice.plans.models import PlanAddendum, PlanReview, TreatmentPlan
from practice.progress.models import (
    ChangeMarker,
    CheckIn,
    CheckInSchedule,
    NegativeCycle,
    Review,
    ReviewMeasure,
)
from practice.reminders.models import Reminder, ReminderOptOut
from practice.safety.models import Referral, SafetyPlan
from practice.screening.alerts import SafetyAlert
from practice.screening.models import PartnerScreen
from practice.sessions.models import Addendum, Note, Session

__all__ = [
    "CaseBilling",
    "Charge",
    "ChargeAdjustment",
    "ChargeShare",
    "Credentials",
    "Invoice",
    "InvoiceCounter",
    "InvoiceLine",
    "Payment",
    "Service",
    "Addendum",
    "JointWorkPause",
    "PartnerScreen",
    "SafetyAlert",
    "Assignment",
    "CalendarFeed",
    "ChangeMarker",
    "CheckIn",
    "CheckInSchedule",
    "NegativeCycle",
    "Note",
    "ParkedForm",
    "PlanAddendum",
    "PlanReview",
    "TreatmentPlan",
    "PendingLogin",
    "Reminder",
    "ReminderOptOut",
    "Referral",
    "Review",
    "ReviewMeasure",
    "SafetyPlan",
    "SeriesOccurrence",
    "SessionSeries",
    "Session",
    "Case",
    "CaseConcern",
    "CaseSummary",
    "ConsentDocument",
    "ConsentSignature",
    "IntakeAnswers",
    "IntakeForm",
    "HomeworkEntry",
    "EntryDraft",
    "EntryRevision",
    "Invitation",
    "OutboundEmail",
    "Message",
    "MessageThread",
    "ThreadRead",
    "Partner",
    "SafetyScreening",
    "AuditEvent",
    "Exercise",
    "ExerciseVersion",
    "LoginSession",
    "PracticeSettings",
    "SearchTerm",
    "Strategy",
    "StrategyConcern",
    "StrategyVersion",
    "User",
]
