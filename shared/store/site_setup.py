"""The setup groups in the database (``site_setup``) and their change log (``site_setup_log``).

The hub seeds a group from the TOML the first time it starts with it missing; afterwards only a
change through the console (``save``) alters it. Every change is logged with who, when, and the
value before and after; the values hold no personal data (texts, hours, dates, names of desks).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from shared import site_setup
from shared.config import ConfigError, Settings
from shared.store.models import SiteSetupLogRow, SiteSetupRow

SEED_ACTOR = "seed"


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class Change:
    """One line of the change log."""

    at: datetime
    actor: str
    key: str
    old: Any
    new: Any


def load(session: Session) -> dict[str, Any]:
    """Every stored group: key -> value."""
    return {row.key: json.loads(row.value) for row in session.scalars(select(SiteSetupRow))}


def seed(session: Session, values: dict[str, Any], now: datetime) -> list[str]:
    """Store the groups not stored yet (first boot, or a group new in this version); their keys."""
    stored = set(session.scalars(select(SiteSetupRow.key)))
    added = [key for key in values if key not in stored]
    for key in added:
        session.add(SiteSetupRow(key=key, value=_dump(values[key]), changed_at=now, changed_by=SEED_ACTOR))
    return added


def save(session: Session, key: str, value: Any, actor: str, now: datetime) -> bool:
    """Store ``value`` for ``key`` and log the change; ``False`` (and nothing logged) when it is
    what is stored already (a form sent twice)."""
    row = session.get(SiteSetupRow, key)
    new = _dump(value)
    if row is not None and row.value == new:
        return False
    old = row.value if row is not None else "null"
    if row is None:
        row = SiteSetupRow(key=key)
        session.add(row)
    row.value, row.changed_at, row.changed_by = new, now, actor
    session.add(SiteSetupLogRow(at=now, actor=actor, key=key, old=old, new=new))
    return True


def changes(session: Session, limit: int = 50) -> list[Change]:
    """The latest changes, newest first."""
    rows = session.scalars(
        select(SiteSetupLogRow).order_by(SiteSetupLogRow.at.desc(), SiteSetupLogRow.id.desc()).limit(limit)
    )
    return [Change(r.at, r.actor, r.key, json.loads(r.old), json.loads(r.new)) for r in rows]


def effective_settings(session: Session, settings: Settings) -> Settings:
    """``settings`` (the TOML's) with the stored setup in place, as the hub runs with it: for the
    commands that read the clocks or the working days outside the hub (``antre sla``, ``antre
    online``, ``antre report``). The TOML's own when nothing is stored (a database older than the
    setup table) or what is stored does not fit the TOML (the hub warns about that at start)."""
    if not inspect(session.connection()).has_table(SiteSetupRow.__tablename__):
        return settings
    stored, seed = load(session), site_setup.seed(settings)
    if all(stored.get(key, seed[key]) == seed[key] for key in site_setup.GROUPS):
        return settings  # nothing changed on the console: spare every command the checks below
    try:
        return site_setup.effective(settings, stored)
    except (ConfigError, KeyError, TypeError, ValueError):
        return settings
