"""the order of calls in queue passes

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 16:20:00.000000

``queue_passes.call_seq``: a number that grows with each call of the business day, so calls made
at the same time (two desks within one clock reading) keep the order they were made in: the
visitor called last (whose finish starts the next clock) and a service's run of priority calls
follow it (``shared.domain.timing.call_key``). Existing calls get the id of their ``call`` event,
which the hub, the only writer, inserted in call order.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("queue_passes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("call_seq", sa.Integer(), nullable=True))
    op.execute(
        "UPDATE queue_passes SET call_seq = (SELECT MIN(e.id) FROM ticket_events e"
        " WHERE e.ticket_id = queue_passes.ticket_id AND e.action = 'call'"
        " AND e.at = queue_passes.called_at) WHERE called_at IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("queue_passes", schema=None) as batch_op:
        batch_op.drop_column("call_seq")
