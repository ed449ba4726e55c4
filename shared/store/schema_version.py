"""Whether a database's schema is already at the newest migration, told without importing Alembic.

The hub migrates at every start in a child process (Alembic costs ~1.5 s of CPU to import and
would stay in the hub's memory); most starts find nothing to do. Reading the migration files'
``revision`` / ``down_revision`` lines and the database's ``alembic_version`` row answers that in a
few milliseconds, so the child runs only when there is something to migrate. The head found here
is held equal to Alembic's own by ``tests/shared/store/test_schema_version.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from shared.store.db import make_engine

VERSIONS_DIR = Path(__file__).parent / "migrations" / "versions"
_REVISION = re.compile(r'^revision\s*(?::\s*str\s*)?=\s*["\']([^"\']+)["\']', re.M)
_DOWN = re.compile(r'^down_revision\s*(?::[^=]*)?=\s*["\']([^"\']+)["\']', re.M)


def head_revision(directory: Path = VERSIONS_DIR) -> str | None:
    """The one revision no other migration follows; ``None`` when that is not exactly one."""
    revisions, followed = set(), set()
    for path in directory.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        if found := _REVISION.search(source):
            revisions.add(found.group(1))
        if down := _DOWN.search(source):
            followed.add(down.group(1))
    heads = revisions - followed
    return heads.pop() if len(heads) == 1 else None


def schema_is_current(db_url: str) -> bool:
    """True when the database answers and its ``alembic_version`` is the head; any doubt: False."""
    head = head_revision()
    if head is None:
        return False
    engine = make_engine(db_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except SQLAlchemyError:
        return False
    finally:
        engine.dispose()
    return rows == [head]
