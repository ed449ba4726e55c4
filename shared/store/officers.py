"""Staff accounts: add, disable and enable, reset the PIN or passphrase, and keep the config's
``[[officers]]`` in step with the database. Every change ends the sessions it must (a disabled,
removed or reset account is signed out everywhere, with the reason) and writes one line in the
access log (``shared.store.access_log``) naming who made it.

Functions run in the caller's write transaction (``shared.store.db.write_transaction``). ``actor``
is how the log names who acted: ``supervisor/ani`` (the console), ``config`` (the hub's start).
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.domain import pins, secrets_policy
from shared.store import access_log, staff_sessions
from shared.store.keys import SiteKey
from shared.store.models import OfficerRow

log = logging.getLogger(__name__)

CONFIG, CONSOLE = "config", "console"
SOURCES = (CONFIG, CONSOLE)
NAME_MAX = 100
# An id is typed at a keypad or a login form and appears in logs: short, plain, no spaces.
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,31}$")

MESSAGES: dict[str, tuple[str, str]] = {
    "bad_id": (
        "ID petugas 2-32 karakter: huruf, angka, titik, garis bawah atau tanda hubung, diawali huruf "
        "atau angka.",
        "An officer ID has 2-32 characters: letters, digits, dot, underscore or hyphen, starting with a "
        "letter or digit.",
    ),
    "bad_name": (
        f"Nama petugas wajib diisi, paling panjang {NAME_MAX} karakter, tanpa karakter kontrol.",
        f"An officer's name is required, at most {NAME_MAX} characters, no control characters.",
    ),
    "exists": ("Sudah ada petugas dengan ID itu.", "An officer with that ID already exists."),
    "unknown_officer": ("Petugas dengan ID itu tidak ditemukan.", "No officer with that ID."),
    "config_officer": (
        "Petugas ini diatur di berkas konfigurasi (antre.toml); ubah perannya di sana.",
        "This officer is kept in the config file (antre.toml); change their role there.",
    ),
}


class OfficerError(ValueError):
    """A refused account change: ``code`` stable, ``message(language)`` for people."""

    def __init__(self, code: str) -> None:
        self.code = code
        texts = MESSAGES.get(code) or secrets_policy.MESSAGES[code]
        self._texts = texts
        super().__init__(texts[1])

    def message(self, language: str = "id") -> str:
        return self._texts[1] if language == "en" else self._texts[0]


@dataclass
class SyncResult:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)  # off in the config, or removed from it
    ended_sessions: int = 0


def valid_id(officer_id: str) -> bool:
    return bool(_ID.match(officer_id))


def check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > NAME_MAX or any(unicodedata.category(c).startswith("C") for c in name):
        raise OfficerError("bad_name")
    return name


def find(session: Session, officer_id: str) -> OfficerRow | None:
    return session.get(OfficerRow, officer_id) if officer_id else None


def all_officers(session: Session) -> list[OfficerRow]:
    return list(session.scalars(select(OfficerRow).order_by(OfficerRow.id)))


def add(
    session: Session, key: SiteKey, actor: str, now: datetime, *, officer_id: str, name: str, role: str,
    secret: str, iterations: int = pins.ITERATIONS,
) -> OfficerRow:  # fmt: skip
    """A new console account (``source`` console), active, with its PIN or passphrase hashed."""
    if not valid_id(officer_id):
        raise OfficerError("bad_id")
    name = check_name(name)
    try:
        pin_hash = secrets_policy.hash_secret(role, secret, iterations=iterations)
    except secrets_policy.SecretRefused as exc:
        raise OfficerError(exc.code) from None
    if session.get(OfficerRow, officer_id) is not None:
        raise OfficerError("exists")
    row = OfficerRow(
        id=officer_id, name=name, pin_hash=pin_hash, active=True, role=role, source=CONSOLE, created_at=now,
        secret_changed_at=now,
    )  # fmt: skip
    session.add(row)
    session.flush()
    _log(session, key, actor, now, f"officer {officer_id} added as {role}")
    return row


def set_active(
    session: Session, key: SiteKey, actor: str, now: datetime, officer_id: str, active: bool
) -> int:
    """Disable (every open session ends, ``revoked_disabled``) or enable an account; the number of
    sessions ended. A disable here holds over a config sync; enabling clears it."""
    row = _existing(session, officer_id)
    ended = 0
    if not active:
        ended = len(staff_sessions.revoke_officer(session, officer_id, now, staff_sessions.REVOKED_DISABLED))
        if row.active or row.disabled_at is None:
            row.active, row.disabled_at = False, now
            _log(session, key, actor, now, f"officer {officer_id} disabled, {ended} session(s) ended")
    elif not row.active or row.disabled_at is not None:
        row.active, row.disabled_at = True, None
        _log(session, key, actor, now, f"officer {officer_id} enabled")
    return ended


def reset_secret(
    session: Session, key: SiteKey, actor: str, now: datetime, officer_id: str, secret: str, *,
    iterations: int = pins.ITERATIONS,
) -> int:  # fmt: skip
    """A new PIN or passphrase (by the account's role's policy); every open session ends
    (``pin_reset``). The number of sessions ended."""
    row = _existing(session, officer_id)
    try:
        row.pin_hash = secrets_policy.hash_secret(row.role, secret, iterations=iterations)
    except secrets_policy.SecretRefused as exc:
        raise OfficerError(exc.code) from None
    row.secret_changed_at = now
    ended = len(staff_sessions.revoke_officer(session, officer_id, now, staff_sessions.PIN_RESET))
    _log(session, key, actor, now, f"officer {officer_id} secret reset, {ended} session(s) ended")
    return ended


def change_role(
    session: Session, key: SiteKey, actor: str, now: datetime, officer_id: str, role: str, secret: str, *,
    iterations: int = pins.ITERATIONS,
) -> int:  # fmt: skip
    """Give a console account another role, with the secret that role's policy asks for (an officer
    made supervisor gets a passphrase, a supervisor made officer a PIN: the old secret never
    carries a role it was not chosen for). Every open session ends (``role_changed``): a session
    carries the rights of the role it began with. A config account's role is the config's. The
    number of sessions ended."""
    row = _existing(session, officer_id)
    if row.source == CONFIG:
        raise OfficerError("config_officer")
    try:
        secrets_policy.check_role(role)
        pin_hash = secrets_policy.hash_secret(role, secret, iterations=iterations)
    except secrets_policy.SecretRefused as exc:
        raise OfficerError(exc.code) from None
    previous = row.role
    row.role, row.pin_hash, row.secret_changed_at = role, pin_hash, now
    ended = len(staff_sessions.revoke_officer(session, officer_id, now, staff_sessions.ROLE_CHANGED))
    change = f"officer {officer_id} role {previous} -> {role}, {ended} session(s) ended"
    _log(session, key, actor, now, change)
    return ended


def sync_from_config(
    session: Session, key: SiteKey, items: Iterable[Mapping[str, Any]], now: datetime, actor: str = "config"
) -> SyncResult:
    """The config's ``[[officers]]`` (``id``, ``name``, ``pin_hash``, optional ``role`` and
    ``active``) into the database, at every hub start.

    A config officer missing from the list is deactivated and signed out (``revoked_removed``); one
    with ``active = false`` likewise (``revoked_disabled``); console officers are left alone (an id
    in both becomes the config's). The config's hash is taken unless the PIN was reset in the
    console since (the console's is newer: put the new hash in the TOML, or reset there again). A
    disable in the console holds; a config officer back in the list is active again."""
    result = SyncResult()
    listed: set[str] = set()
    for item in items:
        officer_id = str(item["id"])
        listed.add(officer_id)
        role = str(item.get("role", secrets_policy.OFFICER))
        if role not in secrets_policy.ROLES:
            raise OfficerError("bad_role")
        name, pin_hash = str(item.get("name", officer_id)), str(item["pin_hash"])
        wanted_active = bool(item.get("active", True))
        row = session.get(OfficerRow, officer_id)
        if row is None:
            row = OfficerRow(
                id=officer_id, name=name, pin_hash=pin_hash, active=wanted_active, role=role, source=CONFIG,
                created_at=now,
            )  # fmt: skip
            session.add(row)
            session.flush()
            result.added.append(officer_id)
            _log(session, key, actor, now, f"officer {officer_id} added as {role} from the config")
            if not wanted_active:
                result.deactivated.append(officer_id)
            continue
        changes = []
        if row.source != CONFIG:
            row.source = CONFIG
            changes.append("kept in the config now")
        if row.name != name:
            row.name = name
            changes.append("name")
        if row.role != role:
            changes.append(f"role {row.role} -> {role}")
            row.role = role
        if row.pin_hash != pin_hash and row.secret_changed_at is None:
            row.pin_hash = pin_hash
            result.ended_sessions += len(
                staff_sessions.revoke_officer(session, officer_id, now, staff_sessions.PIN_RESET)
            )
            changes.append("secret")
        if row.disabled_at is None and row.active != wanted_active:
            row.active = wanted_active
            if not wanted_active:
                result.deactivated.append(officer_id)
                result.ended_sessions += len(
                    staff_sessions.revoke_officer(session, officer_id, now, staff_sessions.REVOKED_DISABLED)
                )
            changes.append("active" if wanted_active else "inactive")
        if changes:
            result.updated.append(officer_id)
            _log(session, key, actor, now, f"officer {officer_id} from the config: {', '.join(changes)}")
    for row in session.scalars(select(OfficerRow).where(OfficerRow.source == CONFIG)):
        if row.id in listed:
            continue
        ended = staff_sessions.revoke_officer(session, row.id, now, staff_sessions.REVOKED_REMOVED)
        result.ended_sessions += len(ended)
        if row.active or ended:
            row.active = False
            result.deactivated.append(row.id)
            _log(
                session,
                key,
                actor,
                now,
                f"officer {row.id} removed from the config, {len(ended)} session(s) ended",
            )
    return result


def _existing(session: Session, officer_id: str) -> OfficerRow:
    row = find(session, officer_id)
    if row is None:
        raise OfficerError("unknown_officer")
    return row


def _log(session: Session, key: SiteKey, actor: str, now: datetime, subject: str) -> None:
    access_log.record(session, key, actor, access_log.ACCOUNT_CHANGE, subject, now)
    log.info("accounts: %s by %s", subject, actor)
