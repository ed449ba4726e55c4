"""accounts with roles, sessions with expiry and an end reason

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 15:30:00.000000

Officers gain a role (officer, supervisor, technician), who keeps them (``config`` or ``console``),
when they were added, when their PIN or passphrase was last reset and when they were disabled in the
console. Staff sessions gain their kind (``desk`` or ``console``: a console session has no desk), the
client address, the last use (idle expiry), the absolute end and why they ended.

Rows already stored: officers are ``config`` officers added now; a session gets the 12-hour
absolute end from its start, and one still open whose end has passed is ended ``expired`` (until
now sessions never ended by themselves).
"""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

import shared.store.models

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

ABSOLUTE = timedelta(hours=12)  # shared.store.staff_sessions.DESK_ABSOLUTE when written


def upgrade() -> None:
    utc = shared.store.models.UTCDateTime()
    with op.batch_alter_table("officers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("role", sa.String(length=16), server_default="officer", nullable=False))
        batch_op.add_column(sa.Column("source", sa.String(length=8), server_default="config", nullable=False))
        batch_op.add_column(sa.Column("created_at", utc, nullable=True))
        batch_op.add_column(sa.Column("secret_changed_at", utc, nullable=True))
        batch_op.add_column(sa.Column("disabled_at", utc, nullable=True))
    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=8), server_default="desk", nullable=False))
        batch_op.add_column(sa.Column("client", sa.String(length=64), server_default="", nullable=False))
        batch_op.add_column(sa.Column("last_seen_at", utc, nullable=True))
        batch_op.add_column(sa.Column("expires_at", utc, nullable=True))
        batch_op.add_column(sa.Column("end_reason", sa.String(length=24), nullable=True))
        batch_op.alter_column("desk", existing_type=sa.String(length=16), nullable=True)
        batch_op.create_index(batch_op.f("ix_staff_sessions_officer_id"), ["officer_id"], unique=False)

    bind = op.get_bind()
    now = datetime.now(UTC)
    officers = sa.table("officers", sa.column("created_at", utc))
    bind.execute(officers.update().values(created_at=now))
    sessions = sa.table(
        "staff_sessions",
        sa.column("token_hash", sa.String),
        sa.column("started_at", utc),
        sa.column("ended_at", utc),
        sa.column("last_seen_at", utc),
        sa.column("expires_at", utc),
        sa.column("end_reason", sa.String),
    )
    rows = bind.execute(sa.select(sessions.c.token_hash, sessions.c.started_at, sessions.c.ended_at)).all()
    for token_hash, started_at, ended_at in rows:
        expires_at = started_at + ABSOLUTE
        values: dict[str, object] = {"last_seen_at": ended_at or started_at, "expires_at": expires_at}
        if ended_at is not None:
            values["end_reason"] = "signed_out"
        elif expires_at <= now:
            values |= {"ended_at": now, "end_reason": "expired"}
        bind.execute(sessions.update().where(sessions.c.token_hash == token_hash).values(**values))

    # officers.created_at stays nullable in the schema: making it NOT NULL would make SQLite's batch
    # mode copy the table, which staff_sessions refers to (a foreign key), and the copy is refused.
    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.alter_column("last_seen_at", existing_type=utc, nullable=False)
        batch_op.alter_column("expires_at", existing_type=utc, nullable=False)


def downgrade() -> None:
    bind = op.get_bind()
    sessions = sa.table("staff_sessions", sa.column("desk", sa.String), sa.column("kind", sa.String))
    bind.execute(sessions.delete().where(sessions.c.kind == "console"))  # no desk: cannot go back
    with op.batch_alter_table("staff_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staff_sessions_officer_id"))
        batch_op.alter_column("desk", existing_type=sa.String(length=16), nullable=False)
        batch_op.drop_column("end_reason")
        batch_op.drop_column("expires_at")
        batch_op.drop_column("last_seen_at")
        batch_op.drop_column("client")
        batch_op.drop_column("kind")
    with op.batch_alter_table("officers", schema=None) as batch_op:
        batch_op.drop_column("disabled_at")
        batch_op.drop_column("secret_changed_at")
        batch_op.drop_column("created_at")
        batch_op.drop_column("source")
        batch_op.drop_column("role")
