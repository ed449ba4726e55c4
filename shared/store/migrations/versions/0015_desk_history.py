"""the desks' open/close history

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 16:50:00.000000

``desk_history``: each desk opening (``open``: signing in, ``open``, ``next`` at a closed desk) and
closing (``closed``: ``close``, a break, signing out) with its time, written in the command that
did it, so the idle-desk figure knows when a button-only desk was open.
"""

import sqlalchemy as sa
from alembic import op

import shared.store.models

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "desk_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("desk", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("at", shared.store.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_history")),
    )
    with op.batch_alter_table("desk_history", schema=None) as batch_op:
        batch_op.create_index("ix_desk_history_desk_at", ["desk", "at"], unique=False)
        batch_op.create_index(batch_op.f("ix_desk_history_at"), ["at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("desk_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_desk_history_at"))
        batch_op.drop_index("ix_desk_history_desk_at")
    op.drop_table("desk_history")
