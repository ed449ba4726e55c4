"""The desks' open/close history (``desk_history``): one row per opening or closing, written in
the command that did it, and read back as open periods for the idle-desk figure.

Order is the order the changes were made, which is the rows' ids: the hub is the one writer (on
PostgreSQL behind its advisory lock, ``shared.store.db``), so ids grow with each change on SQLite
and PostgreSQL alike (``tests/shared/store/test_desk_history.py`` runs on both). ``at`` does not
order them: a sign-out and the next sign-in may share a second, and a wall clock stepped back
must not make an older change the last one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from shared.domain.idle_desks import DeskChange
from shared.store.models import DeskHistoryRow

OPEN = "open"
CLOSED = "closed"


def row(desk: str, opened: bool, at: datetime) -> dict[str, object]:
    """The ``desk_history`` row of a desk opening (``opened``) or closing at ``at``."""
    return {"desk": desk, "status": OPEN if opened else CLOSED, "at": at}


def changes(session: Session, since: datetime, until: datetime | None = None) -> list[DeskChange]:
    """Each desk's last change before ``since`` (was it open then?: the last made, by id) and its
    changes from ``since`` up to ``until`` (``None``: all), in the order they were made. One
    statement."""
    h = DeskHistoryRow
    last_before = select(func.max(h.id)).where(h.at < since).group_by(h.desk)
    after = h.at >= since if until is None else and_(h.at >= since, h.at < until)
    query = select(h.desk, h.status, h.at).where(or_(after, h.id.in_(last_before))).order_by(h.id)
    return [DeskChange(desk, status == OPEN, at) for desk, status, at in session.execute(query)]
