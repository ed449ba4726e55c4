"""Schema and config: migrations match the models on SQLite and PostgreSQL; env beats TOML."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from deploy.cli.main import main
from shared.config import ConfigError, load_settings
from shared.store.db import make_engine, upgrade
from shared.store.models import Base


def test_migrations_build_exactly_the_models(db_url: str) -> None:
    upgrade(db_url)
    upgrade(db_url)  # a second run changes nothing
    engine = make_engine(db_url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert diff == []


def test_sqlite_runs_in_wal_with_full_sync(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'antre.db'}"
    upgrade(url)
    engine = make_engine(url)
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
    engine.dispose()


def test_antre_db_upgrade_creates_the_schema(tmp_path: Path, monkeypatch, capsys) -> None:
    url = f"sqlite:///{tmp_path / 'sub' / 'antre.db'}"
    monkeypatch.setenv("ANTRE_DB_URL", url)
    assert main(["db", "upgrade"]) == 0
    assert "newest schema" in capsys.readouterr().out
    engine = make_engine(url)
    assert {"tickets", "guests", "desks", "processed_requests"} <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_environment_variables_win_over_the_toml_file(tmp_path: Path) -> None:
    config = tmp_path / "antre.toml"
    config.write_text(
        'site = "tuba"\n[mqtt]\nurl = "mqtts://10.0.0.5:8883"\n[db]\nurl = "sqlite:////tmp/x.db"\n'
        '[[services]]\nprefix = "A"\nname = "Konsultasi Statistik"\n'
        '[[services]]\nprefix = "P"\nname = "Perpustakaan"\n'
        '[[desks]]\nid = "1"\nservices = ["A", "P"]\n'
    )
    settings = load_settings(config, env={"ANTRE_MQTT_URL": "mqtts://kiosk:s3cret@hub.local:8883"})
    assert settings.site == "tuba"
    assert settings.db_url == "sqlite:////tmp/x.db"
    assert (settings.mqtt.host, settings.mqtt.port, settings.mqtt.tls) == ("hub.local", 8883, True)
    assert settings.mqtt.username == "kiosk" and "s3cret" not in settings.mqtt.url()
    assert [d.name for d in settings.desks] == ["Meja 1"]
    assert settings.desks[0].services == ("A", "P")
    assert load_settings(config, env={"ANTRE_SITE": "other"}).site == "other"


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("site = ", "antre.toml"),
        ('timezone = "Mars/Base"', "unknown time zone"),
        ('[[services]]\nprefix = "a1"\nname = "x"', "1-3 capital letters"),
        ('[[desks]]\nid = "1"\nservices = ["Z"]', "unknown services"),
        ('[[services]]\nname = "x"', "needs prefix and name"),
    ],
)
def test_a_bad_config_file_says_what_is_wrong(tmp_path: Path, toml: str, message: str) -> None:
    config = tmp_path / "antre.toml"
    config.write_text(toml)
    with pytest.raises(ConfigError, match=message):
        load_settings(config, env={})
