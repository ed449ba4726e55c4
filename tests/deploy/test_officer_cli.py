"""``antre officer``: the first supervisor made from the hub's terminal, then signed in."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy.orm import Session

from shared.domain import secrets_policy
from shared.store import officers
from shared.store.db import make_engine

ROOT = Path(__file__).resolve().parents[2]


def _antre(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTRE_")}
    config = tmp_path / "antre.toml"
    if not config.exists():
        config.write_text('site = "t"\n', encoding="utf-8")
    env |= {"ANTRE_DB_URL": f"sqlite:///{tmp_path / 'antre.db'}", "ANTRE_CONFIG": str(config),
            "ANTRE_DATA_DIR": str(tmp_path / "data")}  # fmt: skip
    return subprocess.run([sys.executable, "-m", "deploy.cli.main", *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def test_the_first_supervisor_is_made_listed_and_reset_from_the_terminal(tmp_path: Path) -> None:
    assert _antre(tmp_path, "db", "upgrade").returncode == 0
    made = _antre(tmp_path, "officer", "add", "sari", "--name", "Sari Wulandari", "--role", "supervisor",
                  "--secret-stdin", stdin="teh manis hangat pagi\n")  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "teh manis" not in made.stdout + made.stderr  # the secret is never echoed
    weak = _antre(tmp_path, "officer", "add", "tono", "--name", "Tono", "--role", "supervisor",
                  "--secret-stdin", stdin="123456\n")  # fmt: skip
    assert weak.returncode == 2 and "passphrase" in weak.stderr.lower()
    listed = _antre(tmp_path, "officer", "list")
    assert "sari\tSari Wulandari\tsupervisor\tactive" in listed.stdout and "tono" not in listed.stdout
    reset = _antre(tmp_path, "officer", "reset", "sari", "--secret-stdin", stdin="kopi pahit sore hari\n")
    assert reset.returncode == 0, reset.stderr
    engine = make_engine(f"sqlite:///{tmp_path / 'antre.db'}")
    try:
        with Session(engine) as session:
            row = officers.find(session, "sari")
            assert row is not None
            assert secrets_policy.verify_secret("kopi pahit sore hari", row.pin_hash)
            assert not secrets_policy.verify_secret("teh manis hangat pagi", row.pin_hash)
    finally:
        engine.dispose()
    log = _antre(tmp_path, "access-log")
    assert "technician/terminal" in log.stdout and "sari added as supervisor" in log.stdout
