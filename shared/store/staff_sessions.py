"""Staff sessions kept on the server: created at sign-in, looked up on every request, ended by a
sign-out, by expiry, or revoked with a reason.

A session is a random token given once to the client; only its SHA-256 is stored, so the database
alone signs nobody in. Each has an idle limit (time since its last use) and an absolute end from its
start, per kind: a desk session lives through a working day at the counter (idle 8 h, at most 12 h),
a console session is cut short when a supervisor walks away from a shared PC (idle 30 min, at most
12 h). An ended session keeps its row with ``ended_at`` and ``end_reason``, so a request that still
carries its token is told why (``Lookup``): the counter or browser can say "signed in elsewhere" or
"your account was disabled" instead of a bare sign-in screen.

Every function runs inside the caller's write transaction (``shared.store.db.write_transaction``).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.store.models import OfficerRow, StaffSessionRow

DESK, CONSOLE = "desk", "console"
KINDS = (DESK, CONSOLE)
DESK_IDLE = timedelta(hours=8)
DESK_ABSOLUTE = timedelta(hours=12)
CONSOLE_IDLE = timedelta(minutes=30)
CONSOLE_ABSOLUTE = timedelta(hours=12)
LIMITS = {DESK: (DESK_IDLE, DESK_ABSOLUTE), CONSOLE: (CONSOLE_IDLE, CONSOLE_ABSOLUTE)}
CLIENT_MAX = 64  # characters of a client address kept (an IPv6 address with a zone fits)

# Why a session ended (``end_reason``), as the lookup reports it.
SIGNED_OUT = "signed_out"  # the officer signed out (or took a break)
EXPIRED_IDLE = "expired_idle"  # unused for longer than the idle limit
EXPIRED = "expired"  # past the absolute end
REVOKED_DISABLED = "revoked_disabled"  # the account was disabled
REVOKED_REMOVED = "revoked_removed"  # the account was removed from the config
SIGNED_IN_ELSEWHERE = "signed_in_elsewhere"  # the same officer signed in again (another desk or PC)
TAKEN_OVER = "taken_over"  # another officer took over the desk
PIN_RESET = "pin_reset"  # the PIN or passphrase was reset
ROLE_CHANGED = "role_changed"  # the account was given another role
EXPIRY_REASONS = (EXPIRED_IDLE, EXPIRED)
REVOKE_REASONS = (REVOKED_DISABLED, REVOKED_REMOVED, SIGNED_IN_ELSEWHERE, TAKEN_OVER, PIN_RESET, ROLE_CHANGED)
REASONS = (SIGNED_OUT, *EXPIRY_REASONS, *REVOKE_REASONS)

# What a lookup answers (the staff API's 401 codes for a session that is not current).
OK = "ok"
UNKNOWN = "signed_out"  # no such token (or of another kind): sign in
SESSION_EXPIRED = "session_expired"
SESSION_REVOKED = "session_revoked"


@dataclass(frozen=True)
class Lookup:
    """A token looked up: ``row`` when current (``code`` ok), else ``code`` and ``reason`` why not."""

    code: str
    row: StaffSessionRow | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.code == OK


@dataclass(frozen=True)
class SignedIn:
    """One current session, for "who is signed in where" (no token, no hash)."""

    officer_id: str
    officer_name: str
    role: str
    kind: str
    desk: str | None
    client: str
    started_at: datetime
    last_seen_at: datetime
    expires_at: datetime  # the earlier of the idle and the absolute end, as of the last use


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def create(
    session: Session, officer_id: str, kind: str, now: datetime, *, desk: str | None = None, client: str = ""
) -> tuple[str, StaffSessionRow]:
    """A new session; its token (shown once to the client, never stored) and its row."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    if (kind == DESK) != (desk is not None):
        raise ValueError("a desk session has a desk, a console session none")
    token = secrets.token_urlsafe(32)
    row = StaffSessionRow(
        token_hash=token_hash(token), officer_id=officer_id, desk=desk, kind=kind, client=client[:CLIENT_MAX],
        started_at=now, last_seen_at=now, expires_at=now + LIMITS[kind][1],
    )  # fmt: skip
    session.add(row)
    session.flush()
    return token, row


def expiry_reason(row: StaffSessionRow, now: datetime) -> str | None:
    """Why an open session has run out at ``now`` (``expired`` first), or ``None``."""
    if now >= row.expires_at:
        return EXPIRED
    if now - row.last_seen_at >= LIMITS[row.kind][0]:
        return EXPIRED_IDLE
    return None


def lookup(
    session: Session, token: str, now: datetime, *, kind: str | None = None, touch: bool = True
) -> Lookup:
    """The session of ``token`` if current (its last use set to ``now`` unless ``touch`` is off).
    One that has run out is ended here with its reason. ``kind`` given: a token of the other kind
    reads as unknown (a desk token opens no console page)."""
    row = session.get(StaffSessionRow, token_hash(token)) if token else None
    if row is None or (kind is not None and row.kind != kind):
        return Lookup(UNKNOWN)
    if row.ended_at is None:
        reason = expiry_reason(row, now)
        if reason is not None:
            end(row, now, reason)
        else:
            if touch:
                row.last_seen_at = now
            return Lookup(OK, row)
    return _ended(row)


TOUCH_EVERY = timedelta(minutes=1)
"""How stale a session's last use may be before a check writes it again: a console page load
that finds its session used within this reads it without a write (the idle limits are minutes
and hours; a minute's slack does not move them)."""


def recently_used(
    session: Session, token: str, now: datetime, *, kind: str, within: timedelta = TOUCH_EVERY
) -> StaffSessionRow | None:
    """The current session of ``token`` when it was used within ``within`` of ``now``: read only,
    for the common case of a page load. ``None`` whenever anything else is the case (unknown,
    ended, run out, due a touch): the caller then asks ``lookup``, which writes and says why."""
    row = session.get(StaffSessionRow, token_hash(token)) if token else None
    if row is None or row.kind != kind or row.ended_at is not None:
        return None
    if expiry_reason(row, now) is not None or now - row.last_seen_at >= within:
        return None
    return row


def _ended(row: StaffSessionRow) -> Lookup:
    reason = row.end_reason or SIGNED_OUT
    if reason in EXPIRY_REASONS:
        return Lookup(SESSION_EXPIRED, row, reason)
    if reason in REVOKE_REASONS:
        return Lookup(SESSION_REVOKED, row, reason)
    return Lookup(UNKNOWN, row, reason)


def end(row: StaffSessionRow, now: datetime, reason: str) -> None:
    """End one open session with ``reason`` (one of ``REASONS``); an ended one keeps its first end."""
    if reason not in REASONS:
        raise ValueError(f"unknown end reason {reason!r}")
    if row.ended_at is None:
        row.ended_at, row.end_reason = now, reason


def revoke_token(session: Session, token: str, now: datetime, reason: str) -> StaffSessionRow | None:
    """End the session of ``token`` if open; its row (``None``: no open session had that token)."""
    row = session.get(StaffSessionRow, token_hash(token)) if token else None
    if row is None or row.ended_at is not None:
        return None
    end(row, now, reason)
    return row


def revoke_officer(
    session: Session, officer_id: str, now: datetime, reason: str, *, kind: str | None = None
) -> list[StaffSessionRow]:
    """End every open session of an officer (of ``kind`` only, if given); the rows ended."""
    query = select(StaffSessionRow).where(
        StaffSessionRow.officer_id == officer_id, StaffSessionRow.ended_at.is_(None)
    )
    if kind is not None:
        query = query.where(StaffSessionRow.kind == kind)
    rows = list(session.scalars(query))
    for row in rows:
        end(row, now, reason)
    return rows


def at_desk(session: Session, desk: str, now: datetime) -> StaffSessionRow | None:
    """The current session at ``desk`` (sessions there that have run out are ended on the way)."""
    query = select(StaffSessionRow).where(
        StaffSessionRow.desk == desk, StaffSessionRow.kind == DESK, StaffSessionRow.ended_at.is_(None)
    )
    current = None
    for row in session.scalars(query.order_by(StaffSessionRow.started_at)):
        reason = expiry_reason(row, now)
        if reason is not None:
            end(row, now, reason)
        else:
            current = row  # the newest; there is one at most while the sign-in keeps the rule
    return current


def expire_due(session: Session, now: datetime) -> list[StaffSessionRow]:
    """End every open session that has run out at ``now`` (a sweep; lookups do it one by one)."""
    rows = list(session.scalars(select(StaffSessionRow).where(StaffSessionRow.ended_at.is_(None))))
    ended = []
    for row in rows:
        reason = expiry_reason(row, now)
        if reason is not None:
            end(row, now, reason)
            ended.append(row)
    return ended


def signed_in(session: Session, now: datetime) -> list[SignedIn]:
    """Who is signed in where: every current session, desks first (by desk), then the console."""
    query = (
        select(StaffSessionRow, OfficerRow)
        .join(OfficerRow, OfficerRow.id == StaffSessionRow.officer_id)
        .where(StaffSessionRow.ended_at.is_(None))
    )
    found = []
    for row, officer in session.execute(query):
        if expiry_reason(row, now) is not None:
            continue
        idle_end = row.last_seen_at + LIMITS[row.kind][0]
        found.append(
            SignedIn(
                officer.id,
                officer.name,
                officer.role,
                row.kind,
                row.desk,
                row.client,
                row.started_at,
                row.last_seen_at,
                min(idle_end, row.expires_at),
            )
        )
    return sorted(found, key=lambda s: (s.kind != DESK, s.desk or "", s.officer_id, s.started_at))
