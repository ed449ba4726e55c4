"""officers and staff sessions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 22:07:43.575371
"""

import sqlalchemy as sa
from alembic import op

import shared.store.models

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "officers",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("pin_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_officers")),
    )
    op.create_table(
        "staff_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("officer_id", sa.String(length=32), nullable=False),
        sa.Column("desk", sa.String(length=16), nullable=False),
        sa.Column("started_at", shared.store.models.UTCDateTime(), nullable=False),
        sa.Column("ended_at", shared.store.models.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["officers.id"], name=op.f("fk_staff_sessions_officer_id_officers")
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_staff_sessions")),
    )
    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_staff_sessions_desk"), ["desk"], unique=False)

    with op.batch_alter_table("desks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("officer_id", sa.String(length=32), nullable=True))

    with op.batch_alter_table("ticket_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("officer_id", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ticket_events", schema=None) as batch_op:
        batch_op.drop_column("officer_id")

    with op.batch_alter_table("desks", schema=None) as batch_op:
        batch_op.drop_column("officer_id")

    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_sessions_desk"))

    op.drop_table("staff_sessions")
    op.drop_table("officers")
