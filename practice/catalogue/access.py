"""Finding strategies and exercises by slug: the catalogue's loaders.

The catalogue is the practice's, not a case's, so there is no caseload to check;
what these decide is which exercises each purpose may reach. One rule for
retired exercises: they can still be read and printed (homework already given
goes on pointing at them), but never given anew.
"""

import sqlalchemy as sa
from flask import abort
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from practice.catalogue.models import Exercise, Origin, Strategy
from practice.extensions import db


def get_strategy_or_404(slug: str) -> Strategy:
    """A strategy by slug, with its exercises and concerns."""
    return db.first_or_404(
        sa.select(Strategy)
        .where(Strategy.slug == slug)
        .options(
            selectinload(Strategy.exercises).selectinload(Exercise.author),
            selectinload(Strategy.concern_links),
        )
    )


def get_exercise_or_404(slug: str, *, to_assign: bool = False, editable: bool = False) -> Exercise:
    """An exercise by slug, to read or print.

    ``to_assign``: only one that may still be given (not retired), with what the
    assign form reads. ``editable``: only a practice exercise the current user
    may change (another counsellor's own exercise is theirs to change: 403).
    """
    query = sa.select(Exercise).where(Exercise.slug == slug)
    if to_assign:
        query = query.where(Exercise.retired_at.is_(None)).options(
            joinedload(Exercise.current_version), joinedload(Exercise.strategy)
        )
    if editable:
        query = query.where(Exercise.origin == Origin.PRACTICE)
    exercise = db.first_or_404(query)
    if editable and exercise.author_id != current_user.id and not current_user.is_owner:
        abort(403)
    return exercise
