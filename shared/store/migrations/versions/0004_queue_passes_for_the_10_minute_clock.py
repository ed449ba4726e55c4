"""queue passes for the 10-minute clock

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 22:12:49.722104
"""

import sqlalchemy as sa
from alembic import op

import shared.store.models

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "queue_passes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("service", sa.String(length=3), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("issued_at", shared.store.models.UTCDateTime(), nullable=False),
        sa.Column("entered_at", shared.store.models.UTCDateTime(), nullable=False),
        sa.Column("called_at", shared.store.models.UTCDateTime(), nullable=True),
        sa.Column("left_at", shared.store.models.UTCDateTime(), nullable=True),
        sa.Column("left_how", sa.String(length=10), nullable=True),
        sa.Column("desk", sa.String(length=16), nullable=True),
        sa.Column("clock_started_at", shared.store.models.UTCDateTime(), nullable=True),
        sa.Column("clock_s", sa.Float(), nullable=True),
        sa.Column("warned_at", shared.store.models.UTCDateTime(), nullable=True),
        sa.Column("breached_at", shared.store.models.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_queue_passes_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queue_passes")),
    )
    with op.batch_alter_table("queue_passes", schema=None) as batch_op:
        batch_op.create_index("ix_queue_passes_queue", ["business_day", "service", "issued_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_queue_passes_ticket_id"), ["ticket_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("queue_passes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_queue_passes_ticket_id"))
        batch_op.drop_index("ix_queue_passes_queue")

    op.drop_table("queue_passes")
