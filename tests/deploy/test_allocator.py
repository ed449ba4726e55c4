"""The allocator setting that keeps long-running apps from growing (``MALLOC_ARENA_MAX=2``, see
``bench/soak.py`` and bench/README.md): every unit of a Python program that stays running sets
it, and ``antre up`` hands it to the hub and the apps it starts."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from broker.mosquitto.server import is_listening
from deploy.ops import lobby
from tests.support import Probe, free_port, hub_env, site_config, wait_until

UNITS = Path(__file__).resolve().parents[2] / "deploy" / "systemd"
SETTING = "MALLOC_ARENA_MAX=2"
THRESHOLD = "MALLOC_MMAP_THRESHOLD_=65536"


def long_running_python_units() -> list[Path]:
    """Units that run ``antre`` (a Python program) and stay running: not the one-shot jobs, and
    not the broker's, which execs into Mosquitto (C, one thread)."""
    found = []
    for unit in sorted(UNITS.glob("*.service")):
        text = unit.read_text(encoding="utf-8")
        runs_antre = re.search(r"^ExecStart=.*/antre (?!broker)", text, re.MULTILINE)
        if runs_antre and re.search(r"^Type=simple$", text, re.MULTILINE):
            found.append(unit)
    return found


def test_every_long_running_app_unit_sets_the_allocator() -> None:
    units = long_running_python_units()
    names = {unit.name for unit in units}
    # The rule above must still find the hub and every screen, or the next check proves nothing.
    assert {"antre-hub.service", "antre-kiosk.service", "antre-display.service"} <= names
    assert {"antre-counter@.service", "antre-rate@.service"} <= names
    for setting in (SETTING, THRESHOLD):
        missing = [unit.name for unit in units if f"\nEnvironment={setting}\n" not in unit.read_text()]
        assert missing == [], f"{setting} not set in {missing}"


def test_the_lobby_environment_sets_it_and_a_value_already_set_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    monkeypatch.delenv("MALLOC_MMAP_THRESHOLD_", raising=False)
    assert lobby.child_env()["MALLOC_ARENA_MAX"] == "2"
    assert lobby.child_env()["MALLOC_MMAP_THRESHOLD_"] == "65536"
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")  # an operator's own choice
    assert lobby.child_env()["MALLOC_ARENA_MAX"] == "4"


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def _environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode(errors="replace").partition("=")[::2] for item in raw if b"=" in item)


@pytest.mark.e2e
def test_antre_up_starts_the_hub_with_the_allocator_set(tmp_path: Path) -> None:
    port = free_port()
    env = hub_env(site_config(tmp_path / "antre.toml", desks=1), f"mqtt://127.0.0.1:{port}",
                  f"sqlite:///{tmp_path}/a.db", tmp_path)  # fmt: skip
    env.pop("MALLOC_ARENA_MAX", None)
    lobby_process = subprocess.Popen(
        [sys.executable, "-m", "deploy.cli.main", "up", "--apps", "none"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_until(lambda: is_listening("127.0.0.1", port), 60, "the lobby's broker")
        probe = Probe(port)
        wait_until(lambda: bool(probe.on("queue/A/state")), 30, "the hub's retained state")
        probe.close()
        hubs = [
            pid
            for pid in _children(lobby_process.pid)
            if b" hub" in Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        ]
        assert len(hubs) == 1, _children(lobby_process.pid)
        assert _environ(hubs[0]).get("MALLOC_ARENA_MAX") == "2"
        assert _environ(hubs[0]).get("MALLOC_MMAP_THRESHOLD_") == "65536"
        assert "MALLOC_ARENA_MAX" not in _environ(lobby_process.pid)  # set for the children only
    finally:
        lobby_process.send_signal(signal.SIGINT)
        output, _ = lobby_process.communicate(timeout=30)
    assert lobby_process.returncode == 0, output
