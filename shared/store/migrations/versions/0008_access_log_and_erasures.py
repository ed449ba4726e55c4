"""access log of personal data, and the erasure ledger

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 07:50:00.000000

``access_log``: who reached whose personal data and when, hash-chained (shared.store.access_log).
``erasures``: keyed hashes of the identifiers visitors asked to be forgotten by, so that a restore
of an older backup erases them again (shared.store.erasure). Neither holds personal data.
"""

import sqlalchemy as sa
from alembic import op

import shared.store.models

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "access_log",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("at", shared.store.models.UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=96), nullable=False),
        sa.Column("action", sa.String(length=24), nullable=False),
        sa.Column("subject", sa.String(length=128), nullable=False),
        sa.Column("prev", sa.String(length=64), nullable=False),
        sa.Column("seal", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_log")),
    )
    with op.batch_alter_table("access_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_access_log_at"), ["at"], unique=False)
    op.create_table(
        "erasures",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("at", shared.store.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_erasures")),
    )


def downgrade() -> None:
    op.drop_table("erasures")
    with op.batch_alter_table("access_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_access_log_at"))
    op.drop_table("access_log")
