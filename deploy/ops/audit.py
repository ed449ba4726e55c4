"""The technician's commands and the access log: who is running them, and the site key they seal
rows with. A command that reaches personal data (``forget``, ``purge``, ``complaints show``, an
export) records one row through ``record`` in its own write transaction."""

from __future__ import annotations

import getpass
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from shared.store import access_log
from shared.store.keys import KeyFileError, SiteKey, key_file, load_or_create

NEW_KEY_NOTE = (
    "a new site key was made at {path}: it opens the encrypted backups and seals the access log.\n"
    "Keep a copy OFF this machine now (paper or a USB stick in the office safe): run `antre key --show`\n"
    "and copy the line, or copy the file. Without it no backup can be restored (docs/backup.md)."
)


def technician(officer: str | None = None) -> str:
    """The actor of a command run at the hub: the officer id given, else the login behind sudo."""
    if officer:
        return f"officer/{officer}"
    user = os.environ.get("SUDO_USER") or _login()
    return f"technician/{user}"


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def site_key(settings: Any) -> tuple[SiteKey, Path, bool]:
    """The site key (made when there is none), its file, and whether it was just made."""
    path = key_file(settings)
    key, created = load_or_create(path)
    return key, path, created


def record(
    session: Session, settings: Any, action: str, subject: str, now: datetime, officer: str | None = None
) -> None:
    """One access-log row for a command. Without a usable site key the command stops (a
    ``RuntimeError``, which ``antre`` prints as one line): personal data is not shown unrecorded."""
    try:
        key, _path, _created = site_key(settings)
    except KeyFileError as exc:
        raise RuntimeError(f"the access log cannot be written: {exc}") from exc
    access_log.record(session, key, technician(officer), action, subject, now)
