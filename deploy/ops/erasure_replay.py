"""A restored backup must not bring back a visitor who asked to be forgotten after it was taken.

``antre forget`` keeps a keyed hash of the identifier in the database's ``erasures`` table and
in a ledger file beside the site key. ``reapply`` runs on the restored copy before it goes in
place: it gathers the ledgers of the database being replaced, of that file and of the backup
itself, brings the copy's schema up to date, erases every visitor in them again, records the
merged ledger and an access-log line, and VACUUMs so the erased values leave the file.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from deploy.ops.retention import ForgetReport, reclaim_space, replay
from shared.store import access_log, erasure
from shared.store.db import make_engine, upgrade, write_transaction
from shared.store.keys import SiteKey


@dataclass(frozen=True)
class Reapplied:
    entries: int  # erasures in the merged ledger
    report: ForgetReport  # what had to be erased again in the restored copy


def ledger_file(key_path: Path) -> Path:
    """The ledger copy kept beside the site key (off the database's file and its backups)."""
    return key_path.with_name("erasures.jsonl")


def sqlite_ledger(db_path: Path) -> dict[str, tuple[str, datetime]]:
    """The ``erasures`` table of an SQLite file (read only; empty when it has none or is damaged)."""
    if not db_path.is_file():
        return {}
    try:
        connection = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            rows = connection.execute("SELECT digest, kind, at FROM erasures").fetchall()
        finally:
            connection.close()
    except sqlite3.Error:
        return {}
    entries: dict[str, tuple[str, datetime]] = {}
    for digest, kind, at in rows:
        when = datetime.fromisoformat(str(at))
        entries[str(digest)] = (str(kind), when if when.tzinfo else when.replace(tzinfo=UTC))
    return entries


def reapply(
    restored: Path, current: Path, ledger_path: Path, key: SiteKey, actor: str, now: datetime
) -> Reapplied:
    """Erase again in ``restored`` every visitor in the ledgers (see the module doc)."""
    entries = sqlite_ledger(current) | erasure.read_file(ledger_path)
    url = f"sqlite:///{restored}"
    upgrade(url)
    engine = make_engine(url)
    try:
        with write_transaction(engine) as session:
            erasure.merge_ledger(session, entries)
            merged = erasure.ledger(session)
            report = replay(session, key, set(merged))
            subject = f"{len(merged)} erasures checked, {report.guests} guestbook entries erased again"
            access_log.record(session, key, actor, access_log.REPLAY, subject, now)
        reclaim_space(engine)
    finally:
        engine.dispose()
    return Reapplied(len(merged), report)
