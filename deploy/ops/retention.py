"""Retention of personal data (UU PDP 27/2022): the yearly purge and a visitor's request to forget.

Erasing blanks the personal fields in place instead of deleting rows: tickets point at their
guestbook entry, and the monthly report counts entries, visitors per day and ID types. A blanked
entry keeps its id, id_type, consent and time; name, ID number, email, phone and institution become
empty and ``purpose`` (free text the visitor typed, so it may hold anything) becomes ``ERASED``,
the anonymous marker that also tells an erased entry from a fresh one. Tickets, ticket_events,
queue_passes and ratings hold no personal data and are not touched. A forget also takes the
person's other entries, gives each of their entries a ``person_id`` of its own day and blanks the
complaints made on their tickets (``deploy.ops.erasure_links``). The hub's stored answers
(``processed_requests``) are pruned past their retry window and their lookup answers deleted
(``shared.store.erasure``).

Blanked values still sit in the file's free pages and in the WAL until ``reclaim_space`` runs
VACUUM (SQLite) / VACUUM FULL (PostgreSQL); the commands always call it after a change.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, column, delete, false, func, inspect, or_, select, table, text, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from deploy.ops import erasure_links
from shared.domain.guestbook import compact_number
from shared.domain.visit_categories import institution_category, purpose_category
from shared.store import erasure, online
from shared.store.guest_store import REF_LIFETIME
from shared.store.keys import SiteKey
from shared.store.models import GuestLookupRow, GuestRow, OnlineMessageRow, OnlineRequestRow, UTCDateTime

ERASED = "[erased]"
DEFAULT_GUEST_DAYS = 365
_GUEST_BLANK = {"name": "", "id_number": "", "email": "", "phone": "", "institution": "", "purpose": ERASED}
# The complaints table (ratings and complaints, migration 0006) may not exist in an older database,
# and may still gain columns: it is read by name, and only the personal columns present are blanked.
_COMPLAINT_PERSONAL = ("contact_name", "contact_email", "contact_phone", "text", "followup")
_COMPLAINT_LINKS = ("ticket_id", "online_request_id", "rating_id")  # what a complaint was made on


class RetentionError(ValueError):
    """A purge or forget request cannot run as given; the message says why (no personal data)."""


@dataclass(frozen=True)
class PurgeReport:
    guests: int  # guestbook entries erased now
    online_requests: int  # closed online requests whose contact, subject and messages were blanked
    lookups: int  # returning-visitor lookups removed
    complaints: int | None  # None: this database has no complaints table
    answers: int = 0  # the hub's stored answers past their retry window (or holding a lookup)


@dataclass(frozen=True)
class ForgetReport:
    guests: int
    online_requests: int
    complaints: int | None
    answers: int = 0  # stored lookup answers deleted (they hold masked details of the visitor)


@dataclass(frozen=True)
class Reclaimed:
    before: int | None  # bytes of the SQLite file and its -wal (None on PostgreSQL)
    after: int | None
    complete: bool  # False: a reader kept the WAL from being emptied; the next checkpoint does it
    error: str | None = None  # VACUUM could not run (the erasure itself is committed)


def guest_days(settings: Any) -> int:
    """``[retention] guest_days`` (default 365): how long a guestbook entry keeps its details."""
    value = settings.section("retention").get("guest_days", DEFAULT_GUEST_DAYS)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        from shared.config import ConfigError

        raise ConfigError(f"[retention] guest_days must be a whole number of days >= 1, got {value!r}")
    return value


def purge(session: Session, cutoff: datetime, now: datetime) -> PurgeReport:
    """Erase the personal data recorded before ``cutoff`` (in the caller's transaction). Online
    requests count from when they were closed (``online.purge_personal_data``): an open
    conversation keeps its contact."""
    guest_ids = _live_guests(session, GuestRow.created_at < cutoff)
    lookups = _delete_lookups(session, guest_ids, expired_at=now - REF_LIFETIME)
    guests = _blank_guests(session, guest_ids)
    online_requests = online.purge_personal_data(session, closed_before=cutoff)
    complaints = _blank_complaints(session, lambda c: c.created_at < cutoff)
    answers = erasure.prune_answers(session, now)
    return PurgeReport(guests, online_requests, lookups, complaints, answers)


def forget(session: Session, *, id_number: str | None = None, email: str | None = None) -> ForgetReport:
    """Erase every entry of one visitor, found by ID number or by email as the kiosk stores them
    (``shared.domain.guestbook``: numbers without spaces, dots or dashes; email lower case). By email,
    the online requests answered by email and the complaints with that contact go too. The hub's
    stored lookup answers go as well (they hold a masked copy of some visitor's details)."""
    if (id_number is None) == (email is None):
        raise RetentionError("give either an ID number or an email")
    if id_number is not None:
        return _erase(session, _guests_by_id_number(session, id_number), set())
    wanted = (email or "").strip().lower()
    if "@" not in wanted or len(wanted) < 3:
        raise RetentionError("that is not an email address")
    return _erase(session, _live_guests(session, func.lower(func.trim(GuestRow.email)) == wanted), {wanted})


def replay(session: Session, key: SiteKey, digests: set[str]) -> ForgetReport:
    """Erase again, in a restored database, every visitor in the erasure ledger ``digests``
    (``shared.store.erasure``): each entry's ID number or email is hashed with the site key and
    compared, since the ledger holds no identifier."""
    if not digests:
        return ForgetReport(0, 0, None)

    def listed(kind: str, value: str) -> bool:
        return bool(value) and erasure.ledger_digest(key, kind, value) in digests

    live = select(GuestRow.id, GuestRow.id_number, GuestRow.email).where(GuestRow.purpose != ERASED)
    guest_ids = [
        g.id
        for g in session.execute(live)
        if listed(erasure.ID_NUMBER, g.id_number) or listed(erasure.EMAIL, g.email)
    ]
    known = _known_emails(session)
    emails = {erasure.normalised(erasure.EMAIL, e) for e in known if listed(erasure.EMAIL, e)}
    return _erase(session, guest_ids, emails)


def _known_emails(session: Session) -> set[str]:
    """Every email that may still name someone: online contacts by email and complaint contacts."""
    found = set(session.scalars(select(OnlineRequestRow.contact).where(OnlineRequestRow.channel == "email")))
    complaints = _complaints_table(session)
    if complaints is not None and "contact_email" in complaints.c:
        found |= set(session.scalars(select(complaints.c.contact_email)))
    return {e for e in found if e and "@" in e}


def _erase(session: Session, guest_ids: list[int], emails: set[str]) -> ForgetReport:
    """Blank the entries ``guest_ids`` with every other entry of the same people, and for each
    email in ``emails`` (normalised), the online requests answered by email there and the complaints
    with that contact; then cut what still links to them (``deploy.ops.erasure_links``)."""
    guest_ids = erasure_links.whole_people(session, guest_ids, GuestRow.purpose != ERASED)
    people = erasure_links.person_keys(session, guest_ids)
    request_ids: list[int] = []
    if emails:
        request_ids = list(
            session.scalars(
                select(OnlineRequestRow.id).where(
                    OnlineRequestRow.channel == "email",
                    func.lower(func.trim(OnlineRequestRow.contact)).in_(sorted(emails)),
                )
            )
        )
        _blank_online(session, request_ids)
        complaints = _blank_complaints(
            session, lambda c: func.lower(func.trim(c.contact_email)).in_(sorted(emails))
        )
    else:
        complaints = _blank_complaints(session, lambda _c: false())
    for name, ids in erasure_links.complaint_links(session, guest_ids, request_ids):
        more = _blank_complaints(session, lambda c, name=name, ids=ids: _in_column(c, name, ids))
        complaints = None if complaints is None else complaints + (more or 0)
    refs = _refs_of(session, guest_ids)
    _delete_lookups(session, guest_ids)
    answers = erasure.forget_answers(session, refs)
    guests = _blank_guests(session, guest_ids)
    erasure_links.unlink_people(session, people)
    return ForgetReport(guests, len(request_ids), complaints, answers)


def _in_column(columns: Any, name: str, ids: list[int]) -> Any:
    """``columns.name IN ids``, or false when this complaints table has no such column."""
    return getattr(columns, name).in_(ids) if name in columns else false()


def _refs_of(session: Session, guest_ids: list[int]) -> list[str]:
    refs: list[str] = []
    for chunk in _chunks(guest_ids):
        refs += session.scalars(select(GuestLookupRow.ref).where(GuestLookupRow.guest_id.in_(chunk)))
    return refs


def _guests_by_id_number(session: Session, id_number: str) -> list[int]:
    wanted = compact_number(id_number).upper()
    if len(wanted) < 4:
        raise RetentionError("the ID number is too short to identify anyone")
    # Compared the way the kiosk stores them, also for an entry typed before that tidying existed.
    stored: Any = GuestRow.id_number
    for separator in (" ", ".", "-"):
        stored = func.replace(stored, separator, "")
    return _live_guests(session, func.upper(stored) == wanted)


def _live_guests(session: Session, condition: Any) -> list[int]:
    """The ids of the entries that match and are not erased yet (so a second run counts 0)."""
    return list(session.scalars(select(GuestRow.id).where(condition, GuestRow.purpose != ERASED)))


def _blank_online(session: Session, request_ids: list[int]) -> None:
    for chunk in _chunks(request_ids):
        session.execute(
            update(OnlineMessageRow).where(OnlineMessageRow.request_id.in_(chunk)).values(text="")
        )
        blank = update(OnlineRequestRow).where(OnlineRequestRow.id.in_(chunk))
        session.execute(blank.values(contact="", subject=""))


def _blank_guests(session: Session, guest_ids: list[int]) -> int:
    for chunk in _chunks(guest_ids):
        _keep_categories(session, chunk)
        session.execute(update(GuestRow).where(GuestRow.id.in_(chunk)).values(**_GUEST_BLANK))
    return len(guest_ids)


def _keep_categories(session: Session, guest_ids: list[int]) -> None:
    """The anonymous categories the report counts, read from the text before it goes (entries
    stored since migration 0007 have them already)."""
    missing = select(GuestRow.id, GuestRow.institution, GuestRow.purpose).where(
        GuestRow.id.in_(guest_ids),
        or_(GuestRow.institution_type.is_(None), GuestRow.purpose_category.is_(None)),
    )
    for guest_id, institution, purpose in session.execute(missing).all():
        values = {
            "institution_type": institution_category(institution),
            "purpose_category": purpose_category(purpose),
        }
        session.execute(update(GuestRow).where(GuestRow.id == guest_id).values(**values))


def _delete_lookups(session: Session, guest_ids: list[int], expired_at: datetime | None = None) -> int:
    """Lookups of the erased entries, and (in a purge) every expired one: a lookup is a key to a
    visitor's entry for 15 minutes and has no use after."""
    removed = 0
    for chunk in _chunks(guest_ids):
        erased = delete(GuestLookupRow).where(GuestLookupRow.guest_id.in_(chunk))
        removed += _rowcount(session.execute(erased))
    if expired_at is not None:
        stale = delete(GuestLookupRow).where(GuestLookupRow.created_at < expired_at)
        removed += _rowcount(session.execute(stale))
    return removed


def _complaints_table(session: Session) -> Any:
    """The complaints table with its personal columns, or ``None`` when this schema has none."""
    inspector = inspect(session.connection())
    if not inspector.has_table("complaints"):
        return None
    present = {c["name"] for c in inspector.get_columns("complaints")}
    columns = [column(name) for name in (*_COMPLAINT_PERSONAL, *_COMPLAINT_LINKS) if name in present]
    return table("complaints", column("id"), column("created_at", UTCDateTime()), *columns)


def _blank_complaints(session: Session, condition: Callable[[Any], Any]) -> int | None:
    """Blank the complaints' personal columns where ``condition(columns)`` holds; how many rows
    (``None`` when the database has no complaints table)."""
    complaints = _complaints_table(session)
    if complaints is None:
        return None
    personal = [c for c in complaints.c if c.name in _COMPLAINT_PERSONAL]
    if not personal:
        return 0
    result = session.execute(
        update(complaints)
        .where(condition(complaints.c), or_(*(c != "" for c in personal)))
        .values({c.name: "" for c in personal})
    )
    return _rowcount(result)


def reclaim_space(engine: Engine) -> Reclaimed:
    """Make the erased bytes really gone from the database files, not only from the rows."""
    if engine.dialect.name == "sqlite":
        return _vacuum_sqlite(Path(str(engine.url.database)))
    # VACUUM FULL rewrites each table into new files and drops the old ones (plain VACUUM would
    # only mark the old row versions reusable). It locks each table for a moment; they are small.
    names = ["guests", "guest_lookups", "online_requests", "online_messages", "processed_requests"]
    with engine.connect() as connection:
        if inspect(connection).has_table("complaints"):
            names.append("complaints")
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f"VACUUM (FULL) {', '.join(names)}"))
    except SQLAlchemyError as exc:  # e.g. the account does not own the tables
        return Reclaimed(None, None, False, _first_line(exc))
    return Reclaimed(None, None, True)


def _vacuum_sqlite(path: Path) -> Reclaimed:
    wal = path.with_name(path.name + "-wal")
    before = _size(path) + _size(wal)
    # In WAL mode VACUUM writes the rebuilt database through the WAL; the TRUNCATE checkpoint then
    # copies it into the main file and empties the WAL, whose older frames still held the data.
    try:
        connection = sqlite3.connect(path, timeout=30, isolation_level=None)
        try:
            connection.execute("VACUUM")
            busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            connection.close()
    except sqlite3.Error as exc:  # e.g. the disk is full: VACUUM needs room for a second copy
        return Reclaimed(before, _size(path) + _size(wal), False, _first_line(exc))
    return Reclaimed(before, _size(path) + _size(wal), not busy)


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None)
    return str(orig or exc).splitlines()[0] if str(orig or exc) else type(exc).__name__


def _size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def _chunks(ids: list[int], size: int = 500) -> list[list[int]]:
    # SQLite limits the parameters of one statement; 500 stays far below every limit.
    return [ids[i : i + size] for i in range(0, len(ids), size)]
