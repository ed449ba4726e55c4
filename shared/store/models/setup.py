"""The setup a supervisor changes on the console (running text, opening hours, services, ...),
and the log of each change.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from shared.store.models.base import Base, UTCDateTime


class SiteSetupRow(Base):
    """One group of the setup a supervisor changes on the console (``shared.store.site_setup``):
    seeded from the TOML on first boot, the database wins afterwards. ``value`` is JSON."""

    __tablename__ = "site_setup"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)  # running_text, opening_hours, ...
    value: Mapped[str] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    changed_by: Mapped[str] = mapped_column(String(64))  # an officer id, or "seed"


class SiteSetupLogRow(Base):
    """Each change of a setup group: who, when, the value before and after (no personal data)."""

    __tablename__ = "site_setup_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(32))
    old: Mapped[str] = mapped_column(Text)
    new: Mapped[str] = mapped_column(Text)
