"""the SKM respondent profile

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 16:10:00.000000

``skm_profile_counts``: the respondent profiles counted per business day and answer combination
(sex, age band, education, occupation; ``""`` unanswered), with no link to a rating, a ticket or a
time, so a profile never joins back to a visitor; ``skm_profile_refs``: a salted hash of each
rating_ref that gave one (one profile per rating), which no rating row can be matched to.
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "skm_profile_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("sex", sa.String(length=16), nullable=False),
        sa.Column("age", sa.String(length=16), nullable=False),
        sa.Column("education", sa.String(length=16), nullable=False),
        sa.Column("occupation", sa.String(length=16), nullable=False),
        sa.Column("respondents", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skm_profile_counts")),
        sa.UniqueConstraint(
            "business_day", "sex", "age", "education", "occupation", name="uq_skm_profile_counts_answers"
        ),
    )
    with op.batch_alter_table("skm_profile_counts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_skm_profile_counts_business_day"), ["business_day"], unique=False
        )
    op.create_table(
        "skm_profile_refs",
        sa.Column("ref_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("ref_hash", name=op.f("pk_skm_profile_refs")),
    )


def downgrade() -> None:
    op.drop_table("skm_profile_refs")
    with op.batch_alter_table("skm_profile_counts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_skm_profile_counts_business_day"))
    op.drop_table("skm_profile_counts")
