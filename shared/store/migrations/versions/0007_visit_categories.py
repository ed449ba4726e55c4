"""visit categories kept apart from the guestbook text

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-25 00:46:51.398959

The report counts visits per institution type and purpose category. The categories used to be
read from the free text, which the retention purge blanks; now they are stored beside it when the
entry is made, and filled here for the entries already in the database.
"""

import sqlalchemy as sa
from alembic import op

from shared.domain.visit_categories import institution_category, purpose_category

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ERASED = "[erased]"  # the purpose of an entry the purge already blanked: nothing left to read


def upgrade() -> None:
    with op.batch_alter_table("guests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("institution_type", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("purpose_category", sa.String(length=16), nullable=True))
    guests = sa.table(
        "guests",
        sa.column("id", sa.Integer),
        sa.column("institution", sa.String),
        sa.column("purpose", sa.String),
        sa.column("institution_type", sa.String),
        sa.column("purpose_category", sa.String),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(guests.c.id, guests.c.institution, guests.c.purpose).where(guests.c.purpose != ERASED)
    ).all()
    for guest_id, institution, purpose in rows:
        bind.execute(
            guests.update()
            .where(guests.c.id == guest_id)
            .values(
                institution_type=institution_category(institution),
                purpose_category=purpose_category(purpose),
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("guests", schema=None) as batch_op:
        batch_op.drop_column("purpose_category")
        batch_op.drop_column("institution_type")
