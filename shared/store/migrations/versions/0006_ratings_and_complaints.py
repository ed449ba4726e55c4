"""ratings and complaints

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 00:32:31.489532
"""

import sqlalchemy as sa
from alembic import op

import shared.store.models

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ratings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("online_request_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=True),
        sa.Column("ref_hash", sa.String(length=64), nullable=True),
        sa.Column("business_day", sa.Date(), nullable=False),
        sa.Column("service", sa.String(length=3), nullable=True),
        sa.Column("desk", sa.String(length=16), nullable=True),
        sa.Column("officer_id", sa.String(length=32), nullable=True),
        sa.Column("overall", sa.Integer(), nullable=True),
        sa.Column("u1", sa.Integer(), nullable=True),
        sa.Column("u2", sa.Integer(), nullable=True),
        sa.Column("u3", sa.Integer(), nullable=True),
        sa.Column("u4", sa.Integer(), nullable=True),
        sa.Column("u5", sa.Integer(), nullable=True),
        sa.Column("u6", sa.Integer(), nullable=True),
        sa.Column("u7", sa.Integer(), nullable=True),
        sa.Column("u8", sa.Integer(), nullable=True),
        sa.Column("u9", sa.Integer(), nullable=True),
        sa.Column("created_at", shared.store.models.UTCDateTime(), nullable=False),
        sa.Column("updated_at", shared.store.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["online_request_id"],
            ["online_requests.id"],
            name=op.f("fk_ratings_online_request_id_online_requests"),
        ),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], name=op.f("fk_ratings_ticket_id_tickets")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ratings")),
        sa.UniqueConstraint("online_request_id", name="uq_ratings_online_request_id"),
        sa.UniqueConstraint("ticket_id", name="uq_ratings_ticket_id"),
    )
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ratings_business_day"), ["business_day"], unique=False)

    op.create_table(
        "complaints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("client", sa.String(length=64), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("online_request_id", sa.Integer(), nullable=True),
        sa.Column("rating_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("contact_name", sa.String(length=100), nullable=False),
        sa.Column("contact_email", sa.String(length=254), nullable=False),
        sa.Column("contact_phone", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", shared.store.models.UTCDateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=32), nullable=True),
        sa.Column("followup", sa.Text(), nullable=False),
        sa.Column("answered_at", shared.store.models.UTCDateTime(), nullable=True),
        sa.Column("answered_by", sa.String(length=32), nullable=True),
        sa.Column("closed_at", shared.store.models.UTCDateTime(), nullable=True),
        sa.Column("closed_by", sa.String(length=32), nullable=True),
        sa.ForeignKeyConstraint(
            ["online_request_id"],
            ["online_requests.id"],
            name=op.f("fk_complaints_online_request_id_online_requests"),
        ),
        sa.ForeignKeyConstraint(["rating_id"], ["ratings.id"], name=op.f("fk_complaints_rating_id_ratings")),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], name=op.f("fk_complaints_ticket_id_tickets")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaints")),
        sa.UniqueConstraint("day", "seq", name="uq_complaints_day_seq"),
        sa.UniqueConstraint("number", name="uq_complaints_number"),
    )
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.create_index("ix_complaints_status", ["status", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("complaints", schema=None) as batch_op:
        batch_op.drop_index("ix_complaints_status")

    op.drop_table("complaints")
    with op.batch_alter_table("ratings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ratings_business_day"))

    op.drop_table("ratings")
