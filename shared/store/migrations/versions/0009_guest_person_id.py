"""one person behind several guestbook entries

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 09:10:00.000000

A returning visitor gets a new guestbook entry per visit (a copy of the details found by the lookup,
with that day's purpose). ``person_id`` links the entries of one person: the id of their first
entry. It is a plain number, no personal data, so it outlives the retention purge and the report's
"distinct visitors" stays the same after the text is blanked. Filled here for the entries already
stored, by equal ID type and number (an entry already purged keeps its own id).
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("guests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("person_id", sa.Integer(), nullable=True))
        batch_op.create_index("ix_guests_person_id", ["person_id"], unique=False)
    guests = sa.table(
        "guests",
        sa.column("id", sa.Integer),
        sa.column("id_type", sa.String),
        sa.column("id_number", sa.String),
        sa.column("person_id", sa.Integer),
    )
    bind = op.get_bind()
    first: dict[tuple[str, str], int] = {}
    rows = bind.execute(sa.select(guests.c.id, guests.c.id_type, guests.c.id_number).order_by(guests.c.id))
    for guest_id, id_type, id_number in rows.all():
        person = first.setdefault((id_type, id_number), guest_id) if id_number else guest_id
        bind.execute(guests.update().where(guests.c.id == guest_id).values(person_id=person))


def downgrade() -> None:
    with op.batch_alter_table("guests", schema=None) as batch_op:
        batch_op.drop_index("ix_guests_person_id")
        batch_op.drop_column("person_id")
