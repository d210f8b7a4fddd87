"""Finding a case's homework and its entries, for the counsellor.

Each loader looks inside a case already loaded through ``get_case_or_404``, so
the case is the check: an assignment or entry of another case is a 404, the
same as one that does not exist. The partners' own loaders, which look inside
``current_partner()``, are in ``practice/portal/access.py``.
"""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from practice.cases.models import Case
from practice.extensions import db
from practice.homework.models import Assignment, HomeworkEntry


def get_assignment_or_404(case: Case, assignment_id: int) -> Assignment:
    """An assignment of ``case``, with its exercise."""
    return db.first_or_404(
        sa.select(Assignment)
        .where(Assignment.id == assignment_id, Assignment.case_id == case.id)
        .options(joinedload(Assignment.exercise))
    )


def get_entry_or_404(case: Case, entry_id: int) -> HomeworkEntry:
    """An entry of ``case``, with who wrote it, its assignment and its earlier versions."""
    return db.first_or_404(
        sa.select(HomeworkEntry)
        .where(HomeworkEntry.id == entry_id, HomeworkEntry.case_id == case.id)
        .options(
            joinedload(HomeworkEntry.partner),
            joinedload(HomeworkEntry.assignment),
            selectinload(HomeworkEntry.revisions),
        )
    )
