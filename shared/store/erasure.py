"""What erasure needs beyond the guestbook: the hub's stored answers, and the ledger of erasures.

``processed_requests`` keeps each request's answer so that a sender's retry gets the same answer
(DESIGN.md: idempotent by ``request_id``). A sender retries within seconds or minutes (a kiosk
within one attempt, a counter until its next press), so an answer older than ``RETRY_WINDOW`` has
no use left and is deleted. Returning-visitor lookup answers carry the visitor's masked name, the
last digits of NIK and phone, the email domain and the institution: they go as soon as their ref
expires (``REF_LIFETIME``), and all of them go when any visitor is forgotten (a lookup answer does
not say whose it was once its ref has expired; deleting one only means a retry looks up again).

The ledger (``erasures``) keeps a keyed hash of each identifier a visitor asked to be forgotten by,
never the identifier itself. Restoring a backup taken before the erasure brings the visitor back;
``antre restore`` then erases every ledger entry again (``deploy.ops.retention.replay``), using the
ledger of the database it replaces, of the backup, and the copy kept beside the site key.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from shared.domain.guestbook import compact_number
from shared.store.guest_store import REF_LIFETIME
from shared.store.keys import SiteKey
from shared.store.models import ErasureRow, ProcessedRequestRow

RETRY_WINDOW = timedelta(days=1)
ID_NUMBER = "id_number"
EMAIL = "email"
# Keys only a returning-visitor lookup answer has (``GuestStore.lookup``: found, ref, masked).
_LOOKUP_MARKERS = ('"masked"', '"found"', '"ref"')


def normalised(kind: str, value: str) -> str:
    """An identifier as the kiosk stores it: numbers without spaces, dots or dashes, upper case;
    email trimmed, lower case. The ledger hashes this form."""
    if kind == ID_NUMBER:
        return compact_number(value).upper()
    if kind == EMAIL:
        return value.strip().lower()
    raise ValueError(f"unknown identifier kind {kind!r}")


def prune_answers(session: Session, now: datetime) -> int:
    """Delete the stored answers past the retry window, and lookup answers whose ref has expired
    (in the caller's transaction); how many. The hub can call it at each day roll."""
    old = delete(ProcessedRequestRow).where(ProcessedRequestRow.created_at < now - RETRY_WINDOW)
    removed = _rowcount(session.execute(old))
    stale_lookups = delete(ProcessedRequestRow).where(
        ProcessedRequestRow.created_at < now - REF_LIFETIME, _is_lookup_answer()
    )
    return removed + _rowcount(session.execute(stale_lookups))


def forget_answers(session: Session, refs: Iterable[str] = ()) -> int:
    """Delete every lookup answer and every answer naming one of ``refs``; how many."""
    conditions = [
        _is_lookup_answer(),
        *(ProcessedRequestRow.answer.contains(ref, autoescape=True) for ref in refs if ref),
    ]
    return _rowcount(session.execute(delete(ProcessedRequestRow).where(or_(*conditions))))


def _is_lookup_answer():  # type: ignore[no-untyped-def]
    return or_(*(ProcessedRequestRow.answer.contains(marker) for marker in _LOOKUP_MARKERS))


# --- the ledger ------------------------------------------------------------------------------


def ledger_digest(key: SiteKey, kind: str, value: str) -> str:
    return key.person_ref(kind, normalised(kind, value))


def remember(session: Session, key: SiteKey, kind: str, value: str, at: datetime) -> str:
    """Record that the visitor known by ``value`` was erased (once per identifier); the digest."""
    digest = ledger_digest(key, kind, value)
    if session.get(ErasureRow, digest) is None:
        session.add(ErasureRow(digest=digest, kind=kind, at=at))
        session.flush()
    return digest


def ledger(session: Session) -> dict[str, tuple[str, datetime]]:
    """Every entry of this database's ledger: digest -> (kind, when)."""
    return {row.digest: (row.kind, row.at) for row in session.scalars(select(ErasureRow))}


def merge_ledger(session: Session, entries: dict[str, tuple[str, datetime]]) -> int:
    """Add the entries this database lacks; how many were added."""
    have = set(ledger(session))
    added = [ErasureRow(digest=d, kind=k, at=at) for d, (k, at) in entries.items() if d not in have]
    session.add_all(added)
    session.flush()
    return len(added)


def append_to_file(path: Path, kind: str, digest: str, at: datetime) -> None:
    """Keep a copy of a ledger entry beside the site key, off the database's own file: it outlives
    a database that is lost and restored from an older backup."""
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps({"digest": digest, "kind": kind, "at": at.isoformat()})
    with path.open("a", encoding="ascii") as handle:
        handle.write(line + "\n")


def read_file(path: Path) -> dict[str, tuple[str, datetime]]:
    """The entries of a ledger file (a line that does not parse is skipped: a torn last write)."""
    entries: dict[str, tuple[str, datetime]] = {}
    if not path.exists():
        return entries
    for line in path.read_text(encoding="ascii", errors="replace").splitlines():
        try:
            item = json.loads(line)
            entries[str(item["digest"])] = (str(item["kind"]), datetime.fromisoformat(item["at"]))
        except (ValueError, KeyError, TypeError):
            continue
    return entries


def _rowcount(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
