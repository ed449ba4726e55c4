"""The access log of personal data: every returning-visitor lookup, every detail view on a staff
screen, every export and every erasure, with who (device or officer) and when; and of the staff
accounts: every sign-in (failed ones too, with the client address) and every account change.

No personal data goes in: the subject is a ticket or complaint number, a lookup ref, or a keyed
hash of an identifier (``SiteKey.person_ref``), so the log can be read by a supervisor and kept
longer than the data it speaks of. It is tamper-evident: each row carries ``prev`` (the previous
row's seal) and ``seal`` = HMAC-SHA256 under the site key's access-log subkey of its id, time,
actor, action, subject and ``prev``. Changing a row breaks its own seal; deleting one breaks the
link of the row after it. Someone with the database but not the key cannot re-seal the chain.
(Cutting rows off the end leaves an intact shorter chain: ``verify`` reports the last seal so a
supervisor can note it, and backups hold earlier heads.)

``record`` must run inside a write transaction (``shared.store.db.write_transaction``): the
chain is extended under the database's one-writer lock.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.store.erasure import normalised
from shared.store.keys import SiteKey
from shared.store.models import AccessLogRow

LOOKUP = "lookup"  # a returning visitor looked up at a kiosk
DETAIL_VIEW = "detail_view"  # a staff screen or command showed one person's details
EXPORT = "export"  # a report or list written to a file
ERASURE = "erasure"  # antre forget
PURGE = "purge"  # antre purge (the retention period)
REPLAY = "replay"  # erasures applied again to a restored backup
ACCOUNT_CHANGE = "account_change"  # a staff account added, disabled, enabled, reset or removed
SIGN_IN = "sign_in"  # a staff sign-in (desk or console), with the client address
SIGN_IN_FAILED = "sign_in_failed"  # a wrong PIN or passphrase, or an unknown account, with the address
SIGN_OUT = "sign_out"  # a staff session ended by its officer
ACTIONS = (
    LOOKUP,
    DETAIL_VIEW,
    EXPORT,
    ERASURE,
    PURGE,
    REPLAY,
    ACCOUNT_CHANGE,
    SIGN_IN,
    SIGN_IN_FAILED,
    SIGN_OUT,
)

_PHRASES = {
    LOOKUP: "looked up a returning visitor",
    DETAIL_VIEW: "viewed the details of",
    EXPORT: "exported",
    ERASURE: "erased a visitor's data",
    PURGE: "purged data past the retention period",
    REPLAY: "re-applied erasures to a restored backup",
    ACCOUNT_CHANGE: "changed the account:",
    SIGN_IN: "signed in:",
    SIGN_IN_FAILED: "failed to sign in:",
    SIGN_OUT: "signed out:",
}


class AccessLogError(ValueError):
    """A row that would put personal data or nonsense in the log."""


@dataclass(frozen=True)
class Problem:
    line: int  # the row's id (its line number in the log)
    what: str  # "tampered" or "missing before"


def subject_for(key: SiteKey, kind: str, value: str) -> str:
    """The log's name for a person asked about by ``kind`` ("id_number", "email"): a keyed hash of
    the identifier as the kiosk stores it, short enough to read aloud, the same for every lookup of
    that person, and recomputed from the identifier by ``antre access-log --id-number``."""
    return f"{kind}#{key.person_ref(kind, normalised(kind, value))[:16]}"


def lookup_subject(key: SiteKey, id_number: str = "", email: str = "") -> str:
    """The subject of a returning-visitor lookup, by what the kiosk sent (the hub's call site)."""
    return subject_for(key, "id_number", id_number) if id_number else subject_for(key, "email", email)


def record(session: Session, key: SiteKey, actor: str, action: str, subject: str, when: datetime) -> int:
    """Append one sealed row (in the caller's write transaction); its id."""
    if action not in ACTIONS:
        raise AccessLogError(f"unknown access-log action {action!r}")
    if "@" in subject and "#" not in subject:
        raise AccessLogError("the subject looks like an email address; log a ref or a keyed hash")
    newest = select(AccessLogRow.id, AccessLogRow.seal).order_by(AccessLogRow.id.desc()).limit(1)
    previous = session.execute(newest).first()
    row_id, prev = (previous.id + 1, previous.seal) if previous else (1, "")
    row = AccessLogRow(
        id=row_id, at=_utc(when), actor=actor[:96], action=action, subject=subject[:128], prev=prev, seal=""
    )
    row.seal = _seal(key, row)
    session.add(row)
    session.flush()
    return row_id


def rows(session: Session, since: datetime | None = None) -> list[AccessLogRow]:
    query = select(AccessLogRow).order_by(AccessLogRow.id)
    if since is not None:
        query = query.where(AccessLogRow.at >= _utc(since))
    return list(session.scalars(query))


def verify(session: Session, key: SiteKey) -> list[Problem]:
    """Every broken link of the whole chain, in order (empty: intact)."""
    return list(_check(key, _all(session)))


def head(session: Session) -> str:
    """The last row's seal ("" for an empty log): noted down, it shows later that nothing was cut off."""
    return session.scalar(select(AccessLogRow.seal).order_by(AccessLogRow.id.desc()).limit(1)) or ""


def in_words(row: AccessLogRow, tz: object) -> str:
    """One row as a sentence a supervisor reads: time, who, what, about whom."""
    when = row.at.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S %Z")  # type: ignore[arg-type]
    what = _PHRASES.get(row.action, row.action)
    about = f" {row.subject}" if row.subject else ""
    return f"{row.id:>6}  {when}  {row.actor} {what}{about}"


def _all(session: Session) -> Iterator[AccessLogRow]:
    # In pages: a log of years should not have to fit in memory at once.
    after = 0
    while True:
        query = select(AccessLogRow).where(AccessLogRow.id > after).order_by(AccessLogRow.id).limit(1000)
        page = list(session.scalars(query))
        if not page:
            return
        yield from page
        after = page[-1].id


def _check(key: SiteKey, chain: Iterator[AccessLogRow]) -> Iterator[Problem]:
    expected_prev, expected_id = "", 1
    for row in chain:
        if row.prev != expected_prev or row.id != expected_id:
            yield Problem(row.id, "missing before")
        if not hmac.compare_digest(row.seal, _seal(key, row)):
            yield Problem(row.id, "tampered")
        expected_prev, expected_id = row.seal, row.id + 1


def _seal(key: SiteKey, row: AccessLogRow) -> str:
    fields = [str(row.id), _utc(row.at).isoformat(timespec="microseconds"), row.actor, row.action,
              row.subject, row.prev]  # fmt: skip
    message = "\x1f".join(fields).encode("utf-8")  # a separator no field can hold
    return hmac.new(key.subkey("antre access log v1"), message, hashlib.sha256).hexdigest()


def _utc(when: datetime) -> datetime:
    if when.tzinfo is None:
        raise AccessLogError("naive datetime given to the access log")
    return when.astimezone(UTC)
