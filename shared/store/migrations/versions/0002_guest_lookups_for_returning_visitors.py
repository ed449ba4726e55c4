"""guest lookups for returning visitors

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 22:03:01.027617
"""

import sqlalchemy as sa
from alembic import op

import shared.store.models

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "guest_lookups",
        sa.Column("ref", sa.String(length=64), nullable=False),
        sa.Column("guest_id", sa.Integer(), nullable=False),
        sa.Column("kiosk_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", shared.store.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["guest_id"], ["guests.id"], name=op.f("fk_guest_lookups_guest_id_guests"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("ref", name=op.f("pk_guest_lookups")),
    )
    with op.batch_alter_table("guest_lookups", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_guest_lookups_created_at"), ["created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("guest_lookups", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guest_lookups_created_at"))

    op.drop_table("guest_lookups")
