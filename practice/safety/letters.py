"""A partner's safety plan and a referral letter in print: plain data, then a PDF.

Both are built for one reader like every report (``practice.reports.data``):
the plan for the partner it was written for, the letter for the service it is
addressed to (and, once given, the client it concerns). The counsellor's
preview and the client's download are the same document.
"""

from dataclasses import dataclass

from flask import Response

from practice.admin.models import PracticeSettings
from practice.cases.models import Case
from practice.dates import format_date, local
from practice.reports.data import Letterhead, download_name, letterhead, support_lines
from practice.reports.downloads import as_download
from practice.safety.models import PLAN_PARTS, Referral, SafetyPlan
from practice.settings import practice_settings


@dataclass(frozen=True)
class PlanSheet:
    head: Letterhead
    parts: tuple[tuple[str, str], ...]  # (heading, text); an empty text leaves room to write
    resources: tuple[str, ...]
    written: str


def plan_sheet(plan: SafetyPlan, settings: PracticeSettings) -> PlanSheet:
    """The plan as its partner reads it, with the practice's support resources as they are now."""
    written_on = local(plan.written_at).date()
    name = plan.partner.name
    return PlanSheet(
        head=letterhead(settings, "My safety plan", name, written_on, name),
        parts=tuple((heading, getattr(plan, part) or "") for part, heading in PLAN_PARTS.items()),
        resources=support_lines(settings),
        written=f"Written with {plan.written_by.name} on {format_date(written_on)}.",
    )


@dataclass(frozen=True)
class ReferralLetter:
    head: Letterhead
    to: tuple[str, ...]  # the service's name, then its address lines
    about: str
    kind: str
    reason: str
    counsellor: str
    practice: str


def referral_letter(referral: Referral, case: Case, settings: PracticeSettings) -> ReferralLetter:
    """The letter to the service, about the client, signed by the counsellor who wrote it."""
    about = referral.about(case)
    lines = (line.strip() for line in referral.service_address.splitlines())
    return ReferralLetter(
        head=letterhead(settings, "Referral", about, referral.referred_on, referral.service),
        to=(referral.service, *(line for line in lines if line)),
        about=about,
        kind=referral.kind_label,
        reason=referral.reason,
        counsellor=referral.created_by.name,
        practice=settings.name,
    )


def plan_pdf(plan: SafetyPlan, *, by: str) -> Response:
    """The plan's PDF, recorded on the audit trail; a file name that says nothing."""
    return as_download(
        "safety/plan_print.html",
        plan_sheet(plan, practice_settings()),
        f"my-plan-{local(plan.written_at).date().isoformat()}.pdf",
        plan,
        report="safety-plan",
        reader=plan.partner.position,
        version=plan.version,
        by=by,
    )


def letter_pdf(referral: Referral, case: Case, *, by: str) -> Response:
    """The referral letter's PDF, recorded on the audit trail; the client's copy has a file
    name that says nothing, the counsellor's names the client."""
    letter = referral_letter(referral, case, practice_settings())
    if by == "client":
        filename = f"letter-{referral.referred_on.isoformat()}.pdf"
    else:
        filename = download_name("referral", letter.about, referral.referred_on)
    return as_download(
        "safety/referral_letter.html", letter, filename, referral, report="referral", by=by
    )
