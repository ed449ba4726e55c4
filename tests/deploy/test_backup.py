"""Backups of the SQLite file while the real hub writes (a real Mosquitto, the hub as a subprocess,
8 desks and a kiosk publishing from threads), restore, rotation and the refusals."""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select

from deploy.ops.backup import integrity_problem, restore, rotate, take_backup
from shared.store.db import make_engine, upgrade, write_transaction
from shared.store.models import GuestRow, TicketRow
from tests.support import Probe, wait_until

pytestmark = pytest.mark.e2e  # the antre command in a subprocess, without a fixture
ROOT = Path(__file__).resolve().parents[2]
GUEST = {
    "name": "Siti Aminah",
    "id_type": "ktp",
    "id_number": "1808014101900001",
    "email": "siti@example.id",
    "phone": "081234567890",
    "institution": "Universitas Lampung",
    "purpose": "Data IPM kecamatan 2025",
    "consent": True,
}


def antre(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "deploy.cli.main", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def cli_env(tmp_path: Path, db_url: str, config: Path | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTRE_")}
    if config is None:
        config = tmp_path / "antre.toml"
        # A staff API port nothing listens on: "is the hub running?" must answer no.
        config.write_text('[hub]\nstaff_api = "127.0.0.1:9"\n', encoding="utf-8")
    return env | {
        "ANTRE_DB_URL": db_url,
        "ANTRE_CONFIG": str(config),
        "ANTRE_DATA_DIR": str(tmp_path / "data"),
    }


def seed_history(url: str, days: int = 200, per_day: int = 100) -> None:
    """Months of past tickets, so the database is a few MB and the copy takes a measurable time."""
    upgrade(url)
    engine = make_engine(url)
    start = datetime(2025, 1, 1, 2, tzinfo=UTC)
    try:
        with write_transaction(engine) as session:
            rows = []
            for d in range(days):
                at = start + timedelta(days=d)
                for n in range(1, per_day + 1):
                    rows.append(
                        {"code": f"A-{n:03d}", "service": "A", "origin_service": "A", "seq": n,
                         "business_day": at.date(), "status": "done", "desk": "1", "issued_at": at,
                         "recall_count": 0}
                    )  # fmt: skip
            session.execute(insert(TicketRow), rows)
    finally:
        engine.dispose()


def codes_in(path: Path) -> set[tuple[str, str]]:
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return {(str(d), c) for d, c in connection.execute("SELECT business_day, code FROM tickets")}
    finally:
        connection.close()


def test_backups_taken_while_8_desks_and_a_kiosk_write_hold_every_acknowledged_ticket(
    tmp_path: Path, broker, hub_factory, sqlite_url: str
) -> None:  # type: ignore[no-untyped-def]
    db_file = Path(sqlite_url.removeprefix("sqlite:///"))
    seed_history(sqlite_url)
    hub_factory(sqlite_url, desks=8)
    stop = threading.Event()
    lock = threading.Lock()
    acked: list[tuple[str, str]] = []  # (business day, code) of every ticket the hub answered
    calls: list[str] = []
    errors: list[BaseException] = []

    def kiosk() -> None:
        probe = Probe(broker.port, client_id="kiosk-k1")
        try:
            wait_until(probe.client.is_connected, 5, "kiosk connected")
            while not stop.is_set():
                guest = dict(GUEST) if random.random() < 0.5 else None
                answer = probe.issue(random.choice("AB"), kiosk="k1", guest=guest, timeout=10)
                assert "ticket" in answer, answer
                day = datetime.fromisoformat(answer["issued_at"]).date().isoformat()
                with lock:
                    acked.append((day, answer["ticket"]))
        except BaseException as exc:
            errors.append(exc)
        finally:
            probe.close()

    def desk(number: int) -> None:
        probe = Probe(broker.port, client_id=f"desk-{number}")
        name = str(number)
        try:
            wait_until(probe.client.is_connected, 5, "desk connected")
            while not stop.is_set():
                called = probe.command(name, _cmd("next"), timeout=10)
                if called.get("ticket") is None:  # nobody waiting (a closed desk opens: no error)
                    time.sleep(0.02)
                    continue
                with lock:
                    calls.append(called["ticket"])
                for action in ("start", "finish"):
                    done = probe.command(name, _cmd(action), timeout=10)
                    assert done.get("ok"), (action, done)
        except BaseException as exc:
            errors.append(exc)
        finally:
            probe.close()

    threads = [threading.Thread(target=kiosk)] + [
        threading.Thread(target=desk, args=(n,)) for n in range(1, 9)
    ]
    for thread in threads:
        thread.start()
    taken: list[tuple[Any, set[tuple[str, str]], int]] = []
    try:
        wait_until(lambda: len(calls) >= 20 or bool(errors), 30, "the desks to serve 20 visitors")
        for _ in range(4):
            with lock:
                before = set(acked)  # acknowledged, so committed, before this backup began
            result = take_backup(db_file, tmp_path / "backups", keep=3)
            with lock:
                after = len(acked)
            taken.append((result, before, after))
            time.sleep(1.1)  # backups are named to the second
    finally:
        stop.set()
        for thread in threads:
            thread.join(30)
    assert not errors, errors
    backups = sorted((tmp_path / "backups").iterdir())
    assert len(backups) == 3  # rotation kept the newest 3 of 4
    assert len(acked) > len(taken[-1][1]), "the hub kept writing after the backups"
    for n, (result, before, _after) in enumerate(taken[1:], 2):  # the first was rotated out
        restored = tmp_path / f"restored-{n}" / "antre.db"
        assert restore(result.path, restored) is not None
        assert integrity_problem(restored) is None
        in_backup = codes_in(restored)
        assert before <= in_backup, f"{len(before - in_backup)} acknowledged tickets missing from backup {n}"
        assert len(in_backup) >= 20_000 + len(before)
    sizes = [r.size for r, _, _ in taken]
    copies = ", ".join(f"{r.seconds * 1000:.0f}" for r, _, _ in taken)
    during = sum(after - len(before) for _, before, after in taken)
    print(
        f"\n{len(taken)} backups while writing: copy {copies} ms, {sizes[-1] / 1e6:.1f} MB; "
        f"{len(acked)} tickets issued ({during} acknowledged while a backup ran), {len(calls)} called"
    )


def _cmd(action: str) -> dict[str, Any]:
    return {"v": 1, "action": action, "request_id": uuid.uuid4().hex}


def _database_with_guests(url: str, names: list[str]) -> None:
    upgrade(url)
    engine = make_engine(url)
    try:
        with write_transaction(engine) as session:
            for name in names:
                fields = {**GUEST, "name": name}
                session.add(GuestRow(**fields, created_at=datetime.now(UTC)))
    finally:
        engine.dispose()


def _names(path: Path) -> list[str]:
    engine = make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as connection:
            return list(connection.scalars(select(GuestRow.name).order_by(GuestRow.id)))
    finally:
        engine.dispose()


DIE_AFTER_COMMIT = """
import os, sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("PRAGMA journal_mode=WAL")
c.execute("INSERT INTO guests (name, id_type, id_number, email, phone, institution, purpose, consent,"
          " created_at) VALUES ('Citra', 'ktp', '1808014101900002', 'c@example.id', '', '', 'Data', 1,"
          " '2026-11-25 01:00:00')")
c.commit()
os._exit(0)  # no close, so no checkpoint
"""


def test_restore_round_trip_keeps_the_current_database_aside(tmp_path: Path) -> None:
    db_file = tmp_path / "antre.db"
    env = cli_env(tmp_path, f"sqlite:///{db_file}")
    _database_with_guests(f"sqlite:///{db_file}", ["Ani", "Budi"])
    done = antre(env, "backup")
    assert done.returncode == 0, done.stderr
    assert "integrity check ok" in done.stdout and "encrypted with site key" in done.stdout
    backup = next((tmp_path / "data" / "backups").glob("antre-*.sqlite3.enc"))
    assert b"Budi" not in backup.read_bytes()  # only ciphertext reaches the backup folder
    assert "not an SQLite database" in str(integrity_problem(backup))
    assert not list((tmp_path / "data" / "backups").glob("*partial*"))
    assert not list((tmp_path / "data").glob(".*plain-partial"))

    # A change after the backup, committed by a process that then dies (as a hub in a power cut):
    # it stays in the -wal file, and the database kept aside must still have it.
    subprocess.run([sys.executable, "-c", DIE_AFTER_COMMIT, str(db_file)], check=True, timeout=30)
    assert (tmp_path / "antre.db-wal").stat().st_size > 0
    refused = antre(env, "restore", str(backup))  # not a terminal and no --yes: nothing happens
    assert refused.returncode == 1 and "--yes" in refused.stderr
    assert _names(db_file) == ["Ani", "Budi", "Citra"]

    done = antre(env, "restore", "--yes", str(backup))
    assert done.returncode == 0, done.stderr
    assert "restored" in done.stdout and "kept as" in done.stdout
    assert _names(db_file) == ["Ani", "Budi"]
    assert integrity_problem(db_file) is None
    aside = list(tmp_path.glob("antre.db.before-restore-*"))
    assert len(aside) == 1 and _names(aside[0]) == ["Ani", "Budi", "Citra"]  # the WAL was folded in
    assert not list(tmp_path.glob("antre.db.before-restore-*-wal"))
    assert not list(tmp_path.glob("*.restore-partial*"))


def test_rotation_keeps_the_newest_n_and_nothing_else_is_touched(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'antre.db'}"
    upgrade(url)
    backups = tmp_path / "backups"
    backups.mkdir()
    (backups / "notes.txt").write_text("mine", encoding="utf-8")
    (backups / "antre-manual-copy.sqlite3").write_text("mine", encoding="utf-8")
    start = datetime(2026, 11, 1, 17, 0, tzinfo=UTC)
    for day in range(6):
        result = take_backup(tmp_path / "antre.db", backups, keep=4, now=start + timedelta(days=day))
    assert result.path.name == "antre-20261106-170000.sqlite3"  # named in UTC
    kept = sorted(p.name for p in backups.glob("antre-2*.sqlite3"))
    assert kept == [f"antre-202611{d:02d}-170000.sqlite3" for d in (3, 4, 5, 6)]
    assert (backups / "notes.txt").exists() and (backups / "antre-manual-copy.sqlite3").exists()
    assert rotate(backups, 1) == [backups / name for name in kept[:3]]


def test_restore_refuses_what_is_not_an_antre_backup(tmp_path: Path) -> None:
    db_file = tmp_path / "antre.db"
    _database_with_guests(f"sqlite:///{db_file}", ["Ani"])
    env = cli_env(tmp_path, f"sqlite:///{db_file}")

    text_file = tmp_path / "notes.sqlite3"
    text_file.write_text("not a database at all\n" * 50, encoding="utf-8")
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE things (id INTEGER PRIMARY KEY)")
    connection.close()
    newer = tmp_path / "newer.sqlite3"
    take = take_backup(db_file, tmp_path / "b", keep=1)
    newer.write_bytes(take.path.read_bytes())
    with sqlite3.connect(newer) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.close()

    for path, words in (
        (text_file, "not a usable database (not an SQLite database"),
        (other, "not an Antre database"),
        (newer, "schema version 9999, which this Antre does not know"),
        (tmp_path / "missing.sqlite3", "there is no file"),
    ):
        done = antre(env, "restore", "--yes", str(path))
        assert done.returncode == 1, done.stdout
        assert words in done.stderr, done.stderr
    assert _names(db_file) == ["Ani"]
    assert not list(tmp_path.glob("antre.db.before-restore-*"))


def test_restore_refuses_while_the_hub_runs_and_backup_works_beside_it(tmp_path: Path, staff_hub) -> None:  # type: ignore[no-untyped-def]
    hub, _base = staff_hub
    env = {**hub.env}
    done = antre(env, "backup", "--to", str(tmp_path / "b"))
    assert done.returncode == 0, done.stderr
    backup = next((tmp_path / "b").glob("antre-*.sqlite3.enc"))
    done = antre(env, "restore", "--yes", str(backup))
    assert done.returncode == 1
    assert "the hub is running" in done.stderr and "systemctl stop" in done.stderr
    assert hub.alive()


def test_backup_on_postgresql_prints_the_pg_dump_route_and_fails(tmp_path: Path) -> None:
    env = cli_env(tmp_path, "postgresql://antre:s3cret@db.local:5432/antre")
    done = antre(env, "backup")
    assert done.returncode == 2
    assert "pg_dump --format=custom" in done.stderr and "pg_restore" in done.stderr
    assert "postgresql://antre@db.local:5432/antre" in done.stderr and "s3cret" not in done.stderr


def test_a_day_of_backups_never_collides_with_a_previous_name(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'antre.db'}"
    upgrade(url)
    now = datetime(2026, 11, 25, 1, 2, 3, tzinfo=UTC)
    take_backup(tmp_path / "antre.db", tmp_path / "b", now=now)
    try:
        take_backup(tmp_path / "antre.db", tmp_path / "b", now=now)
    except Exception as exc:
        assert "already exists" in str(exc)
    else:
        raise AssertionError("a second backup in the same second must not overwrite the first")
    assert date(2026, 11, 25).strftime("%Y%m%d") in next((tmp_path / "b").iterdir()).name
