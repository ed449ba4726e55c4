"""the priority lane and the desk actions

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 16:30:00.000000

``tickets``: ``priority`` (the flag), ``priority_category`` (lansia, disabilitas, hamil, anak: what
the visitor said at the kiosk, nothing personal beyond it) and ``queue_at`` (the ticket's place in
its queue; existing rows get their issue time). ``queue_passes``: ``priority``, for the clocks'
record and the reports. Parked tickets (status ``parked``) and out-of-order calls
(``ticket_events.action`` ``out_of_order:<reason>``) need no new column.
"""

import sqlalchemy as sa
from alembic import op

import shared.store.models

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("priority", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("priority_category", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("queue_at", shared.store.models.UTCDateTime(), nullable=True))
    op.execute("UPDATE tickets SET queue_at = issued_at WHERE queue_at IS NULL")
    with op.batch_alter_table("queue_passes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("priority", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("queue_passes", schema=None) as batch_op:
        batch_op.drop_column("priority")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_column("queue_at")
        batch_op.drop_column("priority_category")
        batch_op.drop_column("priority")
