"""``antre doctor`` on the hub: which parts of the site's setup the console has changed, so a
technician who edits ``antre.toml`` knows why the lobby does not follow the file.

The TOML seeds the setup groups (running text, opening hours, the calendar, services, desks) on the
hub's first boot; from then on the hub runs with the stored ones, changed on the console's setup
page (``shared.store.site_setup``). A group that differs from the file is named, with where to
change it; reading the database needs nothing of the hub and changes nothing.
"""

from __future__ import annotations

from typing import Any

from deploy.ops.doctor_base import Check
from shared.config import Settings

GROUP_WORDS = {
    "running_text": "the running text",
    "opening_hours": "the opening hours",
    "calendar": "the leave and special days",
    "services": "the services",
    "desks": "the desks",
}


def differing_groups(toml_values: dict[str, Any], stored: dict[str, Any]) -> list[str]:
    """The groups stored with another value than the file gives (a group not stored yet: the file's)."""
    return [key for key, value in toml_values.items() if key in stored and stored[key] != value]


def check_setup(settings: Settings) -> Check:
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.orm import Session

    from shared import site_setup
    from shared.store import site_setup as stored_setup
    from shared.store.db import make_engine

    try:
        engine = make_engine(settings.db_url)
        try:
            with Session(engine) as session:
                stored = stored_setup.load(session)
        finally:
            engine.dispose()
    except SQLAlchemyError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return Check("UNKNOWN", "setup", f"cannot read the stored setup: {first}")
    if not stored:
        return Check("OK", "setup", "the hub has not stored a setup yet: it will start from antre.toml")
    changed = differing_groups(site_setup.seed(settings), stored)
    if not changed:
        return Check("OK", "setup", "antre.toml and the setup the hub runs with agree")
    named = ", ".join(GROUP_WORDS.get(key, key) for key in changed)
    return Check(
        "WARN",
        "setup",
        f"the console's setup page changed {named}: the hub runs with those, not with antre.toml's. "
        "Fix: change them on the console's setup page (Pengaturan); editing antre.toml has no effect",
    )
