"""The hub's quick "already migrated?" check agrees with Alembic, and says no whenever in doubt."""

from __future__ import annotations

from pathlib import Path

from alembic.config import Config
from alembic.script import ScriptDirectory

from shared.store.db import MIGRATIONS_DIR, upgrade
from shared.store.schema_version import head_revision, schema_is_current


def test_the_head_read_from_the_files_is_alembics() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    assert head_revision() == ScriptDirectory.from_config(config).get_current_head()


def test_only_a_database_at_the_head_is_current(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'antre.db'}"
    assert not schema_is_current(url)  # no file yet: no table
    upgrade(url, "0009")
    assert not schema_is_current(url)
    upgrade(url)
    assert schema_is_current(url)


def test_two_heads_or_none_mean_not_current(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text('revision = "1"\ndown_revision = None\n', encoding="utf-8")
    (tmp_path / "b.py").write_text('revision = "2"\ndown_revision = "1"\n', encoding="utf-8")
    assert head_revision(tmp_path) == "2"
    (tmp_path / "c.py").write_text('revision = "3"\ndown_revision = "1"\n', encoding="utf-8")
    assert head_revision(tmp_path) is None
