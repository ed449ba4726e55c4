"""The privacy records: who reached whose personal data (a sealed hash chain), and the erasures a
restored backup must apply again. Neither holds personal data.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from shared.store.models.base import Base, UTCDateTime


class AccessLogRow(Base):
    """Who reached whose personal data, when (``shared.store.access_log``): a hash chain, each row
    sealed with a keyed hash of its own fields and the previous row's seal. No personal data: the
    subject is a ref, a number or a keyed hash of an identifier."""

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(96))  # kiosk/k1, officer/ani@desk/2, technician/pi
    action: Mapped[str] = mapped_column(String(24))  # lookup, detail_view, export, erasure, purge, ...
    subject: Mapped[str] = mapped_column(String(128))
    prev: Mapped[str] = mapped_column(String(64))  # the previous row's seal ("" for the first)
    seal: Mapped[str] = mapped_column(String(64))


class ErasureRow(Base):
    """A visitor's erasure, kept as a keyed hash of the identifier it was asked by (never the
    identifier): a restore of an older backup erases them again (``shared.store.erasure``)."""

    __tablename__ = "erasures"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # id_number, email
    at: Mapped[datetime] = mapped_column(UTCDateTime)
