"""What a command says when its database cannot answer: which database, which config, what to do.

A technician who runs ``antre sla`` on the wrong box, or without the site's config, must see at
once which database was opened and where the settings came from.
"""

from __future__ import annotations

import os
from typing import Any

from sqlalchemy import Engine, inspect
from sqlalchemy.engine import make_url


def database_name(db_url: str) -> str:
    """The database URL without its password (safe to print)."""
    return make_url(db_url).render_as_string(hide_password=True)


def config_note(config_arg: str | None) -> str:
    """Where the settings came from: the file named, or that none was found."""
    from shared.config import default_config_path

    chosen = config_arg or os.environ.get("ANTRE_CONFIG")
    if chosen:
        return f"config {chosen}"
    if default_config_path().is_file():
        return f"config {default_config_path()}"
    return (f"no config file found (none given with --config or ANTRE_CONFIG, none at "
            f"{default_config_path()}): the built-in defaults are in use")  # fmt: skip


def is_empty(engine: Engine) -> bool:
    """No table at all: a database nothing has written to yet."""
    try:
        return not inspect(engine).get_table_names()
    except Exception:  # cannot even list tables: not "empty", a different problem
        return False


def not_ready_message(settings: Any, engine: Engine, error: Exception, config_arg: str | None) -> str:
    """One line for a database without Antre's tables (or with an older schema)."""
    database = database_name(settings.db_url)
    if is_empty(engine):
        return (f"no data yet in {database} ({config_note(config_arg)}); the hub creates the tables "
                "when it first starts, `antre db upgrade` creates them now")  # fmt: skip
    orig = getattr(error, "orig", None)
    first = str(orig).splitlines()[0] if orig else type(error).__name__
    return (f"the database {database} is not ready ({first}; {config_note(config_arg)}); "
            "run `antre db upgrade`")  # fmt: skip
