"""Finding a case's reviews: inside a case already loaded through ``get_case_or_404``.
A review of another case, or none, is a 404."""

import sqlalchemy as sa
from flask import abort
from sqlalchemy.orm import selectinload

from practice.cases.models import Case
from practice.extensions import db
from practice.progress.models import Review


def get_review_or_404(case: Case, review_id: int) -> Review:
    """A review of ``case`` (already access-checked), with its kept figures."""
    review = db.session.scalar(
        sa.select(Review)
        .where(Review.case_id == case.id, Review.id == review_id)
        .options(selectinload(Review.measures))
    )
    if review is None:
        abort(404)
    return review
