"""the setup a supervisor changes on the console, and its change log

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 15:30:00.000000

``site_setup``: one row per setup group (running text, opening hours, calendar, services, desks),
its value as JSON, seeded from the TOML on first boot (shared.store.site_setup). ``site_setup_log``:
each change, who and when, the value before and after. Neither holds personal data.
"""

import sqlalchemy as sa
from alembic import op

import shared.store.models

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "site_setup",
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("changed_at", shared.store.models.UTCDateTime(), nullable=False),
        sa.Column("changed_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_site_setup")),
    )
    op.create_table(
        "site_setup_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", shared.store.models.UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("old", sa.Text(), nullable=False),
        sa.Column("new", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_setup_log")),
    )
    with op.batch_alter_table("site_setup_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_site_setup_log_at"), ["at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("site_setup_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_site_setup_log_at"))
    op.drop_table("site_setup_log")
    op.drop_table("site_setup")
