"""``antre online ...`` and ``antre sla`` end to end: ``python -m deploy.cli.main`` in a subprocess on an
SQLite file, configured by ANTRE_DB_URL and ANTRE_CONFIG, at the real time of day."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from shared.domain.working_days import calendar_from

ROOT = Path(__file__).resolve().parents[3]
WIB = ZoneInfo("Asia/Jakarta")
TIMING = {"collective_leave": ["2026-12-24", "2027-12-24"]}
PHONE = "0812-3456-7890"


@pytest.fixture
def antre(tmp_path: Path):  # type: ignore[no-untyped-def]
    config = tmp_path / "antre.toml"
    config.write_text('[timing]\ncollective_leave = ["2026-12-24", "2027-12-24"]\n', encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTRE_")}
    env |= {
        "ANTRE_DB_URL": f"sqlite:///{tmp_path / 'antre.db'}",
        "ANTRE_CONFIG": str(config),
        "ANTRE_DATA_DIR": str(tmp_path / "data"),
    }
    outputs: list[str] = []

    def run(*args: str, status: int = 0) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "deploy.cli.main", *args],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        outputs.append(done.stdout + done.stderr)
        assert done.returncode == status, f"antre {' '.join(args)}: {done.stdout}{done.stderr}"
        return done.stdout if status == 0 else done.stderr

    yield run
    everything = "\n".join(outputs)
    assert PHONE not in everything and "081234567890" not in everything  # the contact, never in full
    assert "siti@example.id" not in everything


def number_in(text: str) -> str:
    match = re.search(r"OL-\d{8}-\d{3}", text)
    assert match, text
    return match.group(0)


def test_the_online_commands_end_to_end(antre) -> None:  # type: ignore[no-untyped-def]
    fresh_db = antre("sla")  # a read-only look at a database nothing has written to yet
    assert "no data yet in sqlite:///" in fresh_db and "antre.db" in fresh_db
    assert "antre db upgrade" in antre("online", "list", status=1)  # no schema yet: says what to do
    antre("db", "upgrade")
    now = datetime.now(UTC)
    today = now.astimezone(WIB).date()
    calendar = calendar_from(TIMING)

    out = antre("online", "add", "--channel", "whatsapp", "--contact", PHONE, "--subject", "Data kemiskinan")
    fresh = number_in(out)
    assert fresh.startswith(f"OL-{today:%Y%m%d}-")
    assert f"due {calendar.due_date(now, WIB, 3):%A %Y-%m-%d}" in out

    old_complete = (now - timedelta(days=20)).astimezone(WIB).replace(microsecond=0)
    out = antre("online", "add", "--channel", "email", "--contact", "siti@example.id",
                "--subject", "PDRB 2025", "--complete-at", old_complete.isoformat())  # fmt: skip
    old = number_in(out)
    old_due = calendar.due_date(old_complete, WIB, 3)
    assert f"due {old_due:%A %Y-%m-%d}" in out

    listing = antre("online", "list")
    assert listing.startswith("2 open requests")
    assert "s***@example.id" in listing and "********7890" in listing
    assert re.search(rf"{old}\s+email\s+open\s+{old_due}\s+OVERDUE", listing)
    overdue = antre("online", "list", "--overdue")
    assert overdue.startswith("1 not answered, overdue") and old in overdue and fresh not in overdue

    # A request that is due today, if today is a working day.
    earlier = [today - timedelta(days=n) for n in range(1, 15)]
    due_today = next((d for d in earlier if calendar.add_working_days(d, 3) == today), None)
    if due_today is not None:
        out = antre("online", "add", "--channel", "social", "--contact", "@pengguna", "--subject", "Inflasi",
                    "--complete-at", f"{due_today}T10:00")  # fmt: skip
        assert number_in(out) in antre("online", "list", "--due")
    else:
        assert antre("online", "list", "--due").startswith("0 not answered, due today")

    # The old one: answered 8 days ago, no word from the visitor since: auto-closed.
    replied = (now - timedelta(days=8)).astimezone(WIB).isoformat()
    assert "status answered" in antre("online", "reply", old, "--text", "Ada di BRS", "--at", replied)
    assert antre("online", "autoclose") == f"closed 1 (no visitor reply): {old}\n"
    assert antre("online", "autoclose") == "nothing to close\n"
    assert "is closed (no_reply_7_days)" in antre("online", "message", old, status=1)

    assert "status answered" in antre("online", "reply", fresh.lower(), "--text", "Silakan cek tautan")
    assert "status open" in antre("online", "message", fresh, "--text", "Tautannya tidak bisa dibuka")
    assert antre("online", "close", fresh) == f"{fresh}: closed (done)\n"
    assert "already closed" in antre("online", "close", fresh, status=1)
    assert fresh not in antre("online", "list") and old not in antre("online", "list")
    assert "not a request number" in antre("online", "reply", "A-001", status=1)

    # The day the old one was due: answered 8 days ago, well after its due date.
    report = json.loads(antre("sla", "--date", old_due.isoformat(), "--json"))
    assert report["online"] == {
        "due": 1, "met": 0, "late": 1, "pending": 0, "late_numbers": [old], "pending_numbers": [],
    }  # fmt: skip
    text = antre("sla", "--date", old_due.isoformat(), "--lang", "en")
    assert re.search(rf"late\s+1\s+{old}", text) and "PDRB" not in text
    text = antre("sla", "--date", old_due.isoformat())  # Indonesian unless asked
    assert text.startswith("Standar pelayanan, ") and re.search(rf"terlambat\s+1\s+{old}", text)
    assert "must look like" in antre("sla", "--date", "24-11-2026", status=2)


def test_antre_sla_without_a_config_names_the_database_it_opened_and_says_no_config_was_found(
    tmp_path: Path,
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTRE_")}
    engine_file = tmp_path / "x.db"
    env |= {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config"),
            "ANTRE_DATA_DIR": str(tmp_path / "data"), "ANTRE_DB_URL": f"sqlite:///{engine_file}"}  # fmt: skip
    with sqlite3.connect(engine_file) as db:  # an old or foreign database: tables, not Antre's
        db.execute("CREATE TABLE something (id INTEGER)")
    done = subprocess.run([sys.executable, "-m", "deploy.cli.main", "sla"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 1
    assert f"the database sqlite:///{engine_file} is not ready" in done.stderr
    assert "no config file found" in done.stderr and "antre db upgrade" in done.stderr
