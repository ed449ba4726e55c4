"""online requests

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 22:21:25.272572
"""

import sqlalchemy as sa
from alembic import op

import shared.store.models

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "online_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=10), nullable=False),
        sa.Column("contact", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("complete_at", shared.store.models.UTCDateTime(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", shared.store.models.UTCDateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=32), nullable=True),
        sa.Column("answered_at", shared.store.models.UTCDateTime(), nullable=True),
        sa.Column("last_officer_at", shared.store.models.UTCDateTime(), nullable=True),
        sa.Column("last_visitor_at", shared.store.models.UTCDateTime(), nullable=True),
        sa.Column("closed_at", shared.store.models.UTCDateTime(), nullable=True),
        sa.Column("close_reason", sa.String(length=20), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_online_requests")),
        sa.UniqueConstraint("day", "seq", name="uq_online_requests_day_seq"),
        sa.UniqueConstraint("number", name="uq_online_requests_number"),
    )
    with op.batch_alter_table("online_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_online_requests_due_date"), ["due_date"], unique=False)
        batch_op.create_index("ix_online_requests_open", ["status", "due_date"], unique=False)

    op.create_table(
        "online_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("author", sa.String(length=10), nullable=False),
        sa.Column("officer_id", sa.String(length=32), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", shared.store.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["online_requests.id"],
            name=op.f("fk_online_messages_request_id_online_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_online_messages")),
    )
    with op.batch_alter_table("online_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_online_messages_request_id"), ["request_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("online_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_online_messages_request_id"))

    op.drop_table("online_messages")
    with op.batch_alter_table("online_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_online_requests_open")
        batch_op.drop_index(batch_op.f("ix_online_requests_due_date"))

    op.drop_table("online_requests")
