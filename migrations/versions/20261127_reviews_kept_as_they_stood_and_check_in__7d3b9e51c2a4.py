"""reviews kept as they stood, several per case; how often check-ins are asked

Revision ID: 7d3b9e51c2a4
Revises: 5ed8debe9ed6
Create Date: 2026-11-27 09:00:00

A case may now have several reviews (the five-session review, and any later one),
so ``reviews.case_id`` is no longer unique. Each review keeps its figures as they
stood on its date: each partner's first and latest CSI-4 total up to that day and
the class of the change (``review_measures``), the joint and individual sessions
attended, and the counsellor's first and latest building-block ratings. Reviews
already recorded get those figures here, computed from the check-ins and sessions
up to their date, with the reliable-change rule of ``practice.progress.change`` as
it stands at this revision (copied below, so that a later change of the rule does
not change what this migration writes).

``check_in_schedules`` holds how often a case's partners are asked for a check-in;
a case without a row is asked before every session, as before.
"""

import math
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "7d3b9e51c2a4"
down_revision = "5ed8debe9ed6"
branch_labels = None
depends_on = None

CHANGES = ("recovered", "improved", "unchanged", "deteriorated")
#: The rule as of this revision: SD 4.5, alpha .94, |RCI| > 1.96; the 13.5 line.
S_DIFF = math.sqrt(2 * (4.5 * math.sqrt(1 - 0.94)) ** 2)
CUTOFF = 13.5
BLOCKS = ("communication", "mutual-respect", "trust", "emotional-intimacy", "support", "teamwork")


def upgrade():
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_constraint("uq_reviews_case_id", type_="unique")
        batch_op.add_column(
            sa.Column("joint_sessions", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("individual_sessions", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("blocks", sa.JSON(), server_default="{}", nullable=False))
        batch_op.add_column(sa.Column("form_token", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_reviews_form_token"), ["form_token"])
        batch_op.create_index("ix_reviews_case_reviewed", ["case_id", "reviewed_on"], unique=False)

    op.create_table(
        "review_measures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.String(length=1), nullable=False),
        sa.Column("baseline", sa.Integer(), nullable=True),
        sa.Column("baseline_on", sa.Date(), nullable=True),
        sa.Column("latest", sa.Integer(), nullable=True),
        sa.Column("latest_on", sa.Date(), nullable=True),
        sa.Column(
            "change",
            sa.Enum(*CHANGES, name="reliable_change", native_enum=False, length=20),
            nullable=True,
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partners.id"], name=op.f("fk_review_measures_partner_id_partners")
        ),
        sa.ForeignKeyConstraint(
            ["review_id"], ["reviews.id"], name=op.f("fk_review_measures_review_id_reviews")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_measures")),
        sa.UniqueConstraint("review_id", "partner_id", name=op.f("uq_review_measures_review_id")),
    )
    with op.batch_alter_table("review_measures", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_measures_review_id"), ["review_id"], unique=False
        )

    op.create_table(
        "check_in_schedules",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("every", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("every BETWEEN 0 AND 6", name=op.f("ck_check_in_schedules_every_0_6")),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_check_in_schedules_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_check_in_schedules_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_check_in_schedules")),
    )
    _keep_figures_of_recorded_reviews()


def _classify(baseline, latest):
    if baseline is None or latest is None:
        return None
    index = (latest - baseline) / S_DIFF
    if abs(index) <= 1.96:
        return "unchanged"
    if index < 0:
        return "deteriorated"
    return "recovered" if baseline < CUTOFF <= latest else "improved"


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _keep_figures_of_recorded_reviews():
    """Give each review already recorded the figures as they stood on its date."""
    conn = op.get_bind()
    meta = sa.MetaData()
    reviews = sa.Table("reviews", meta, autoload_with=conn)
    measures = sa.Table("review_measures", meta, autoload_with=conn)
    partners = sa.Table("partners", meta, autoload_with=conn)
    check_ins = sa.Table("check_ins", meta, autoload_with=conn)
    sessions = sa.Table("sessions", meta, autoload_with=conn)
    settings = sa.Table("practice_settings", meta, autoload_with=conn)
    try:
        zone = ZoneInfo(conn.execute(sa.select(settings.c.timezone).limit(1)).scalar() or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo("UTC")
    for review_id, case_id, reviewed_on in conn.execute(
        sa.select(reviews.c.id, reviews.c.case_id, reviews.c.reviewed_on)
    ).all():
        until = datetime.combine(reviewed_on + timedelta(days=1), time(0), tzinfo=zone)
        people = conn.execute(
            sa.select(partners.c.id, partners.c.position).where(partners.c.case_id == case_id)
        ).all()
        positions = dict(people)
        made = {pid: [] for pid in positions}
        for pid, at, total in conn.execute(
            sa.select(check_ins.c.partner_id, check_ins.c.completed_at, check_ins.c.csi_total)
            .where(check_ins.c.case_id == case_id)
            .order_by(check_ins.c.completed_at, check_ins.c.id)
        ):
            if _aware(at) < until and pid in made:
                made[pid].append((_aware(at).astimezone(zone).date(), total))
        for pid, found in made.items():
            first_on, first = found[0] if found else (None, None)
            last_on, last = found[-1] if len(found) > 1 else (None, None)
            conn.execute(
                measures.insert().values(
                    review_id=review_id,
                    partner_id=pid,
                    position=positions[pid],
                    baseline=first,
                    baseline_on=first_on,
                    latest=last,
                    latest_on=last_on,
                    change=_classify(first, last),
                )
            )
        together = alone = 0
        rated = []
        for at, came, blocks in conn.execute(
            sa.select(sessions.c.starts_at, sessions.c.attendees, sessions.c.block_ratings)
            .where(sessions.c.case_id == case_id, sessions.c.status == "attended")
            .order_by(sessions.c.starts_at, sessions.c.id)
        ):
            if _aware(at) >= until:
                continue
            if positions and set(positions.values()) <= set(came or ()):
                together += 1
            else:
                alone += 1
            if blocks:
                rated.append(blocks)
        kept = {
            key: [rated[0][key], rated[-1].get(key, rated[0][key])]
            for key in BLOCKS
            if rated and key in rated[0]
        }
        conn.execute(
            reviews.update()
            .where(reviews.c.id == review_id)
            .values(joint_sessions=together, individual_sessions=alone, blocks=kept)
        )


def downgrade():
    # The older schema holds one review a case. Reviews are clinical records, never
    # deleted, so a database where a case has several refuses to go back.
    conn = op.get_bind()
    meta = sa.MetaData()
    reviews = sa.Table("reviews", meta, autoload_with=conn)
    several = conn.execute(
        sa.select(reviews.c.case_id).group_by(reviews.c.case_id).having(sa.func.count() > 1)
    ).first()
    if several is not None:
        raise RuntimeError(
            "Some cases have more than one review; the older schema keeps one a case. "
            "Downgrading would lose reviews, so it is refused."
        )
    op.drop_table("check_in_schedules")
    with op.batch_alter_table("review_measures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_measures_review_id"))
    op.drop_table("review_measures")
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_index("ix_reviews_case_reviewed")
        batch_op.drop_constraint(batch_op.f("uq_reviews_form_token"), type_="unique")
        batch_op.drop_column("form_token")
        batch_op.drop_column("blocks")
        batch_op.drop_column("individual_sessions")
        batch_op.drop_column("joint_sessions")
        batch_op.create_unique_constraint("uq_reviews_case_id", ["case_id"])
