"""The practice's intake form, in versions, and each partner's answers to it.

A version of the form is a draft while the owner edits it and fixed once
published; a partner's answers are a draft until they (or their counsellor, for
them) send them, then fixed for good, tied to the version they answered. Both
locks are kept in the ORM (below) and by database triggers (``practice.intake.locks``).
"""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from practice.auth.models import User
from practice.cases.models import Partner
from practice.columns import case_fk, intpk, partner_fk, timestamp, user_fk
from practice.crypto import EncryptedJSON
from practice.extensions import db
from practice.intake.questions import Question, answer_rows, questions_from
from practice.locks import FixedRecordError, refuse_changes  # noqa: F401 - what it raises
from practice.publishing import PublishedVersion


class IntakeForm(PublishedVersion, db.Model):
    """One version of the practice's intake questions."""

    __tablename__ = "intake_forms"

    id: Mapped[intpk]
    version: Mapped[int] = mapped_column(unique=True)
    # [Question.to_json(), ...], in the order they are asked.
    questions: Mapped[list[dict]] = mapped_column(sa.JSON)

    def __repr__(self) -> str:
        state = "published" if self.published else "draft"
        return f"<IntakeForm v{self.version} {state}>"

    @property
    def question_list(self) -> list[Question]:
        return questions_from(self.questions)


class IntakeAnswers(db.Model):
    """One partner's answers to the intake form: a draft, then sent once and kept."""

    __tablename__ = "intake_answers"

    id: Mapped[intpk]
    case_id: Mapped[case_fk] = mapped_column(index=True)
    partner_id: Mapped[partner_fk] = mapped_column(unique=True)
    form_id: Mapped[int] = mapped_column(sa.ForeignKey("intake_forms.id"))
    # {question key: answer as text}, encrypted at rest like note bodies.
    answers: Mapped[dict[str, str]] = mapped_column(EncryptedJSON)
    started_at: Mapped[timestamp]
    updated_at: Mapped[timestamp]
    submitted_at: Mapped[datetime | None]
    # The partner's own login, or the counsellor who entered the answers for them.
    submitted_by_id: Mapped[user_fk | None]

    form: Mapped[IntakeForm] = relationship()
    # ``Partner.intake``: so that the case page reads each partner's intake with them.
    partner: Mapped[Partner] = relationship(backref=backref("intake", uselist=False))
    submitted_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        state = "sent" if self.submitted else "draft"
        return f"<IntakeAnswers {self.id} of partner {self.partner_id} {state}>"

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def rows(self) -> list[tuple]:
        """The answers beside the questions of the version they answered."""
        return answer_rows(self.form.question_list, self.answers)

    @property
    def entered_for_them(self) -> bool:
        """Whether the counsellor entered the answers on the partner's behalf."""
        return self.submitted and self.submitted_by_id != self.partner.user_id


refuse_changes(
    IntakeForm,
    once="published_at",
    words="a published intake form cannot be changed; publish a new version",
)
refuse_changes(IntakeAnswers, once="submitted_at", words="sent intake answers cannot be changed")
