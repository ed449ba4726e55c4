"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-24 21:48:36.752701
"""

import sqlalchemy as sa
from alembic import op

import shared.store.models

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "daily_sequences",
        sa.Column("service", sa.String(length=3), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("service", "business_day", name=op.f("pk_daily_sequences")),
    )
    op.create_table(
        "guests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("id_type", sa.String(length=10), nullable=False),
        sa.Column("id_number", sa.String(length=32), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("institution", sa.String(length=120), nullable=False),
        sa.Column("purpose", sa.String(length=500), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("created_at", shared.store.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guests")),
    )
    with op.batch_alter_table("guests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_guests_email"), ["email"], unique=False)
        batch_op.create_index(batch_op.f("ix_guests_id_number"), ["id_number"], unique=False)

    op.create_table(
        "processed_requests",
        sa.Column("source", sa.String(length=80), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("created_at", shared.store.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("source", "request_id", name=op.f("pk_processed_requests")),
    )
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("service", sa.String(length=3), nullable=False),
        sa.Column("origin_service", sa.String(length=3), nullable=False),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("desk", sa.String(length=16), nullable=True),
        sa.Column("issued_at", shared.store.models.UTCDateTime(), nullable=False),
        sa.Column("called_at", shared.store.models.UTCDateTime(), nullable=True),
        sa.Column("started_at", shared.store.models.UTCDateTime(), nullable=True),
        sa.Column("finished_at", shared.store.models.UTCDateTime(), nullable=True),
        sa.Column("recall_count", sa.Integer(), nullable=False),
        sa.Column("kiosk_id", sa.String(length=64), nullable=True),
        sa.Column("guest_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["guest_id"],
            ["guests.id"],
            name=op.f("fk_tickets_guest_id_guests"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
        sa.UniqueConstraint("business_day", "code", name="uq_tickets_day_code"),
    )
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_index(
            "ix_tickets_queue", ["business_day", "status", "service", "issued_at"], unique=False
        )

    op.create_table(
        "desks",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("since", shared.store.models.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], name=op.f("fk_desks_ticket_id_tickets")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desks")),
    )
    op.create_table(
        "ticket_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("desk", sa.String(length=16), nullable=True),
        sa.Column("at", shared.store.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_ticket_events_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_events")),
    )
    with op.batch_alter_table("ticket_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ticket_events_ticket_id"), ["ticket_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ticket_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_events_ticket_id"))

    op.drop_table("ticket_events")
    op.drop_table("desks")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index("ix_tickets_queue")

    op.drop_table("tickets")
    op.drop_table("processed_requests")
    with op.batch_alter_table("guests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guests_id_number"))
        batch_op.drop_index(batch_op.f("ix_guests_email"))

    op.drop_table("guests")
    op.drop_table("daily_sequences")
