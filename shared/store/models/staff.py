"""The staff: officers', supervisors' and technicians' accounts, and their signed-in sessions."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from shared.store.models.base import Base, UTCDateTime


class OfficerRow(Base):
    """A staff account: an officer at a desk, or a supervisor or technician (the console). The PIN or
    passphrase is stored as a salted PBKDF2 hash only (``shared.domain.secrets_policy``).

    ``source`` says who keeps the row: ``config`` (the TOML's ``[[officers]]``, synced at every hub
    start; removed there means deactivated here) or ``console`` (added in the staff console, never
    touched by the sync). ``disabled_at`` is set by a disable in the console, which a sync never
    undoes; a row deactivated by the config (``active = false`` or removed) has none."""

    __tablename__ = "officers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    pin_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    role: Mapped[str] = mapped_column(String(16), default="officer", server_default="officer")
    source: Mapped[str] = mapped_column(String(8), default="config", server_default="config")
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=lambda: datetime.now(UTC))
    secret_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # a reset in the console
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # disabled in the console


class StaffSessionRow(Base):
    """A signed-in officer: at a desk (``kind`` desk) or in the console (``kind`` console, no desk).
    Only the token's hash is stored. ``ended_at`` and ``end_reason`` say when and why it ended
    (``shared.store.staff_sessions``), so a later request with its token is told why."""

    __tablename__ = "staff_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    officer_id: Mapped[str] = mapped_column(ForeignKey("officers.id"), index=True)
    desk: Mapped[str | None] = mapped_column(String(16), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(8), default="desk", server_default="desk")
    client: Mapped[str] = mapped_column(String(64), default="", server_default="")
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the absolute end, whatever the use
    end_reason: Mapped[str | None] = mapped_column(String(24))
