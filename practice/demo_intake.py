"""The demo practice's intake answers and consent documents (part of ``flask seed-demo``).

The practice moved its consent forms into Mend a week ago: it published Mend's
templates, filled in for Riverside. The Morgans have sent their intake forms and
signed everything; Maria and Tom have signed, Maria has sent her form and Tom has
begun his; the Olsens have no portal logins yet, so nothing is signed and a session
with both of them waits (Priya entered Dana's intake with her in a session).
Idempotent like the rest of the demo: what exists is left alone.
"""

import re
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa

from practice.auth.models import User
from practice.cases.models import Case, Partner
from practice.consent.documents import (
    TEMPLATE_NOTE,
    current_documents,
    publish,
    save_draft,
    template,
)
from practice.consent.models import ConfidentialityPolicy, DocumentKind
from practice.consent.signatures import sign, signatures_of
from practice.dates import practice_today, practice_zone
from practice.extensions import db
from practice.intake.answers import answers_of, keep_draft, submit

#: Riverside's words for the parts of Mend's templates left in [square brackets].
FILLED_IN = {
    "[name, qualifications, and the professional body they belong to]": "one of our licensed "
    "marriage and family therapists, named in your welcome email, and a member of the "
    "American Association for Marriage and Family Therapy",
    "[50]": "50",
    "[fee]": "$140",
    "[when and how]": "at each session, by card",
    "[24]": "24",
    "[in full / at a reduced rate]": "in full",
    "[period]": "seven years",
    "[phone or email]": "(217) 555-0142 or hello@riverside.example",
    "[Practice name and address]": "Riverside Couples Counselling, 12 Mill Lane, Springfield, "
    "IL 62701,",
    "[email or phone]": "hello@riverside.example",
    "[State the legal basis that applies where you practise.]": "We keep it as your health "
    "care provider, under the rules on health information that apply in the United States.",
    "[Period, for example seven years after counselling ends]": "Seven years after "
    "counselling ends",
    "[list the other rights that apply]": "to ask whom we have shared it with",
    "[the data protection authority]": "the U.S. Department of Health and Human Services",
    "[service]": "the practice's video service",
    "[number you gave us]": "the number you gave us",
    "[rearranged / not charged]": "not charged",
}

ALEX = {
    "phone": "(217) 555-0188",
    "messages": "Texts only",
    "birth_date": "1987-06-14",
    "emergency_name": "Sophie Morgan",
    "emergency_phone": "(217) 555-0101",
    "emergency_relation": "My sister",
    "brings": "We keep having the same argument about plans, and it ends with me shouting "
    "and Jordan going silent for the evening. Since the twins we barely talk about "
    "anything but logistics.",
    "hopes": "To feel like we are on the same side again, and to argue without it turning "
    "into a cold war.",
    "hopeful": "6",
    "together_for": "Eleven years, married for eight",
    "living_together": "Yes",
    "children": "Twins, Ella and Sam, aged three. They live with us.",
    "before": "No",
    "own_therapy": "Yes, in the past",
    "health": "Anxiety in my twenties; a counsellor helped then. Fine at the moment.",
    "medication": "None",
    "drinking": "A glass or two of wine at the weekend.",
    "anything_else": "I know I get loud. I do not want to be that person.",
}
JORDAN = {
    "phone": "(217) 555-0177",
    "messages": "Yes, a voicemail or a text",
    "emergency_name": "Pat Ellis",
    "emergency_phone": "(217) 555-0120",
    "emergency_relation": "Close friend",
    "brings": "Alex asked us to come. When things get heated I go quiet because I do not know "
    "what to say that will not make it worse.",
    "hopes": "Less tension at home. I would like to be able to say what I think without it "
    "becoming a fight.",
    "hopeful": "5",
    "together_for": "Eleven years",
    "living_together": "Yes",
    "children": "Our twins, who are three.",
    "before": "No",
    "own_therapy": "No",
    "medication": "None",
    "drinking": "Rarely.",
}
MARIA = {
    "phone": "(217) 555-0133",
    "messages": "No messages, please",
    "emergency_name": "Lucia Santos",
    "emergency_phone": "(217) 555-0134",
    "emergency_relation": "My mother",
    "brings": "Trust between us broke down after the affair came out, and I am not sure how "
    "to go on, or whether to.",
    "hopes": "To know, whichever way it goes, that I decided with a clear head.",
    "hopeful": "3",
    "together_for": "Six years",
    "living_together": "Yes",
    "before": "No",
    "own_therapy": "No",
}
TOM_DRAFT = {"phone": "(217) 555-0166", "together_for": "Six years"}
DANA = {
    "phone": "(217) 555-0191",
    "messages": "Yes, a voicemail or a text",
    "emergency_name": "Chris Olsen",
    "emergency_phone": "(217) 555-0192",
    "emergency_relation": "Husband",
    "brings": "Work has taken over both our lives and we snap at each other over nothing.",
    "hopes": "To notice each other again, and to feel thanked now and then.",
    "hopeful": "7",
    "living_together": "Yes",
    "before": "No",
}


def reviewed(kind: DocumentKind, policy: ConfidentialityPolicy | None = None) -> tuple[str, str]:
    """Mend's template for ``kind`` as Riverside published it: the note gone, the blanks
    filled in."""
    title, body = template(kind, policy)
    paragraphs = [p for p in body.split("\n\n") if not p.startswith(TEMPLATE_NOTE)]
    body = "\n\n".join(paragraphs)
    for blank, words in FILLED_IN.items():
        body = body.replace(blank, words)
    if left := re.findall(r"\[[^\]]*\]", body):
        raise RuntimeError(f"the demo leaves blanks in the {kind.value} document: {left}")
    return title, body


def seed_intake_and_consent(owner: User, staff: dict[str, User]) -> None:
    """Publish the practice's documents, and the partners' forms and signatures."""
    today = practice_today()
    published = _at(today - timedelta(weeks=1), 9)
    if not current_documents():
        for kind in DocumentKind:
            policy = (
                ConfidentialityPolicy.LIMITED_SECRETS
                if kind is DocumentKind.CONFIDENTIALITY
                else None
            )
            title, body = reviewed(kind, policy)
            save_draft(kind, title, body, policy, owner, published)
            publish(kind, owner, published)
    cases = {c.label: c for c in db.session.scalars(sa.select(Case))}
    morgan = cases.get("Alex & Jordan Morgan")
    if morgan is not None:
        alex, jordan = morgan.partners
        _sent(alex, ALEX, alex.user, _at(morgan.start_date - timedelta(days=2), 20))
        _sent(jordan, JORDAN, jordan.user, _at(morgan.start_date - timedelta(days=1), 21))
        _signs(alex, today - timedelta(days=6), video=True)
        _signs(jordan, today - timedelta(days=5))
    santos = cases.get("Maria Santos & Tom Becker")
    if santos is not None:
        maria, tom = santos.partners
        _sent(maria, MARIA, maria.user, _at(santos.start_date - timedelta(days=1), 19))
        if answers_of(tom) is None:
            keep_draft(tom, TOM_DRAFT)
        _signs(maria, today - timedelta(days=4))
        _signs(tom, today - timedelta(days=3))
    olsen = cases.get("Dana & Chris Olsen")
    if olsen is not None:
        dana = olsen.partners[0]
        _sent(dana, DANA, staff["priya@demo.mend"], _at(olsen.start_date, 11))
    db.session.flush()


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=practice_zone())


def _sent(partner: Partner, answers: dict, by: User, when: datetime) -> None:
    if answers_of(partner) is None:
        submit(partner, answers, by, when)


def _signs(partner: Partner, day: date, *, video: bool = False) -> None:
    if signatures_of(partner):
        return
    for n, (kind, document) in enumerate(current_documents().items()):
        if kind is DocumentKind.VIDEO and not video:
            continue
        sign(
            partner,
            document,
            shown_id=document.id,
            typed_name=partner.name,
            agreed=True,
            address="203.0.113.24",
            user=partner.user,
            now=_at(day, 20) + timedelta(minutes=3 * n),
        )
