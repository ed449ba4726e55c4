"""Who may open a desk over MQTT (issue 15: counter or button credentials must not reopen a desk
after its officer signed out).

A desk opens from MQTT with ``open`` (the counter app's "Buka meja") or ``next`` (a button has no
"open"). At a desk where officers sign in, that is only for the signed-in officer coming back from
a break: once the officer signed out, or their session expired or was revoked, the desk opens
again when an officer signs in at its counter (the staff API), not from a device's password. A
desk where no officer ever signed in (a button-only desk) keeps opening with ``next``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.domain.queue import Action, DeskStatus, QueueError
from shared.store import staff_sessions
from shared.store.models import StaffSessionRow

OPENING_ACTIONS = frozenset({Action.OPEN, Action.NEXT})


def refuse_unattended_opening(
    session: Session, desk: str, action: Action, now: datetime, status: DeskStatus
) -> None:
    """Raise ``QueueError("sign_in_needed")`` when ``action`` would open a closed desk that is
    left without its officer. ``status``: the desk's, from the queue's repository (the hub's
    in-memory book: no statement on the hot path; the database is asked only at a closed desk)."""
    if action not in OPENING_ACTIONS or status != DeskStatus.CLOSED:
        return
    latest = _latest_session(session, desk)
    if latest is None:
        return  # nobody ever signed in here: a button-only desk
    if latest.ended_at is None and staff_sessions.expiry_reason(latest, now) is None:
        return  # the officer is signed in: back from a break
    raise QueueError("sign_in_needed", f"desk {desk} opens when an officer signs in at its counter")


def _latest_session(session: Session, desk: str) -> StaffSessionRow | None:
    """The desk's open sign-in, else its newest ended one (one statement: this runs inside a command)."""
    row = StaffSessionRow
    query = select(row).where(row.desk == desk, row.kind == staff_sessions.DESK)
    # An open one first (two sign-ins may share a timestamp), else the newest.
    return session.scalars(query.order_by(row.ended_at.is_not(None), row.started_at.desc()).limit(1)).first()
