"""``antre doctor`` against a real Mosquitto and a real hub (the test fixtures), then with the
broker stopped: every line says OK or the problem in plain words."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from deploy.ops.doctor import Check, run_checks
from tests.support import Broker, HubProcess, Probe, wait_until


def _by_name(checks: list[Check]) -> dict[str, Check]:
    return {c.name: c for c in checks}


def _antre_doctor(env: dict[str, str], *roles: str) -> subprocess.CompletedProcess[str]:
    args = [a for role in roles for a in ("--role", role)]
    return subprocess.run(
        [sys.executable, "-m", "deploy.cli.main", "doctor", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_doctor_reports_ok_for_a_running_hub(staff_hub: tuple[HubProcess, str], broker: Broker) -> None:
    hub, _base = staff_hub
    checks = _by_name(run_checks(("hub",), env=hub.env))
    for name in ("config", "broker", "hub", "console", "database", "setup"):
        assert checks[name].status == "OK", checks[name].line()
    assert checks["setup"].text == "antre.toml and the setup the hub runs with agree"
    assert checks["broker"].text == f"connected to mqtt://127.0.0.1:{broker.port}"
    assert checks["disk"].status in ("OK", "WARN")
    assert checks["clock"].status in ("OK", "UNKNOWN", "PROBLEM")  # the machine's own NTP state

    done = _antre_doctor(hub.env, "hub")
    lines = done.stdout.splitlines()
    assert f"OK       broker: connected to mqtt://127.0.0.1:{broker.port}" in lines
    assert "OK       hub: the hub is online" in lines
    problems = [line for line in lines if line.startswith("PROBLEM")]
    assert done.returncode == (1 if problems else 0), done.stdout
    assert all(line.startswith("PROBLEM  clock") for line in problems), done.stdout

    # A supervisor changes the opening hours on the console: the doctor says the file is not read.
    _store_setup(hub.env["ANTRE_DB_URL"], "opening_hours", {"mon": "08:00-12:00"})
    setup = _by_name(run_checks(("hub",), env=hub.env))["setup"]
    assert setup.status == "WARN" and "changed the opening hours" in setup.text, setup.line()
    assert "editing antre.toml has no effect" in setup.text


def _store_setup(db_url: str, key: str, value: object) -> None:
    from datetime import UTC, datetime

    from shared.store import site_setup
    from shared.store.db import make_engine, write_transaction

    engine = make_engine(db_url)
    try:
        with write_transaction(engine) as session:
            site_setup.save(session, key, value, "supervisor/sari", datetime.now(UTC))
    finally:
        engine.dispose()


def test_doctor_says_when_the_broker_is_down(staff_hub: tuple[HubProcess, str], broker: Broker) -> None:
    hub, _base = staff_hub
    broker.stop()
    checks = _by_name(run_checks(("hub",), env=hub.env))
    assert checks["broker"].status == "PROBLEM"
    assert checks["broker"].text.startswith(f"nothing answers at mqtt://127.0.0.1:{broker.port}")
    assert "systemctl restart antre-broker" in checks["broker"].text
    assert checks["hub"].status == "UNKNOWN"

    done = _antre_doctor(hub.env, "hub")
    assert done.returncode == 1
    assert f"PROBLEM  broker: nothing answers at mqtt://127.0.0.1:{broker.port}" in done.stdout


def test_doctor_reads_the_kiosk_printer_status(staff_hub: tuple[HubProcess, str], probe: Probe) -> None:
    hub, _base = staff_hub
    status = {
        "v": 1,
        "kiosk": "k1",
        "printer": "paper_out",
        "pending_reprint": None,
        "at": "2026-01-05T09:00:00+07:00",
    }
    probe.client.publish(probe.t("kiosk/k1/status"), json.dumps(status), qos=1, retain=True).wait_for_publish(
        5
    )
    checks = _by_name(run_checks(("kiosk",), env=hub.env))
    assert checks["printer"].status == "PROBLEM"
    assert "out of paper" in checks["printer"].text
    status["printer"] = "ready"
    probe.client.publish(probe.t("kiosk/k1/status"), json.dumps(status), qos=1, retain=True).wait_for_publish(
        5
    )
    assert _by_name(run_checks(("kiosk",), env=hub.env))["printer"].status == "OK"
    assert "spoken guide" not in _by_name(run_checks(("kiosk",), env=hub.env))  # a kiosk that has not told it
    # Issue 18: the kiosk's spoken guide, reported beside the printer.
    status |= {
        "audio": "failed",
        "audio_detail": "aplay: main:831: audio open error: No such file or directory",
    }
    probe.client.publish(probe.t("kiosk/k1/status"), json.dumps(status), qos=1, retain=True).wait_for_publish(
        5
    )
    guide = _by_name(run_checks(("kiosk",), env=hub.env))["spoken guide"]
    assert guide.status == "PROBLEM" and "not read aloud: aplay: main:831" in guide.text
    status |= {"audio": "ok", "audio_detail": None}
    probe.client.publish(probe.t("kiosk/k1/status"), json.dumps(status), qos=1, retain=True).wait_for_publish(
        5
    )
    assert _by_name(run_checks(("kiosk",), env=hub.env))["spoken guide"].status == "OK"


def test_doctor_says_when_the_config_is_broken(tmp_path: Path) -> None:
    config = tmp_path / "antre.toml"
    config.write_text('site = "a/b"\n', encoding="utf-8")
    checks = run_checks((), env={"ANTRE_CONFIG": str(config)})
    assert checks[0].status == "PROBLEM" and "site must be a single topic level" in checks[0].text


def test_a_mute_wall_display_is_reported_and_the_doctor_says_why(
    staff_hub: tuple[HubProcess, str], probe: Probe, tmp_path: Path
) -> None:
    """The newcomer's lobby: aplay said "no soundcards found", nothing in the log, no check."""
    hub, _base = staff_hub
    player = tmp_path / "aplay-without-a-card.sh"
    said = "aplay: main:831: audio open error: no soundcards found"
    player.write_text(f'#!/bin/sh\necho "{said}" >&2\nexit 1\n')
    player.chmod(0o755)
    config = tmp_path / "display.toml"
    config.write_text(
        Path(hub.env["ANTRE_CONFIG"]).read_text()
        + f'\n[display]\nid = "wall"\naudio_command = "{player}"\nvoice_cache = "{tmp_path / "voice"}"\n'
    )
    env = {**hub.env, "ANTRE_CONFIG": str(config), "SDL_VIDEODRIVER": "offscreen",
           "KIVY_HOME": str(tmp_path / "kivy")}  # fmt: skip
    log = (tmp_path / "display.log").open("wb")
    display = subprocess.Popen([sys.executable, "-m", "deploy.cli.main", "display", "--size", "800x450"],
                               env=env, stdout=log, stderr=log)  # fmt: skip
    try:
        wait_until(lambda: probe.latest("display/wall/status") is not None, 60, "the display's first status")
        assert probe.latest("display/wall/status")["audio"] == "ready"
        call = {"v": 1, "call_id": "c1", "ticket": "A-001", "service": "A", "desk": "1",
                "desk_name": "Meja 1", "recall": False, "at": "2026-01-05T09:00:00+07:00"}  # fmt: skip
        probe.publish("event/call", call)
        wait_until(
            lambda: (probe.latest("display/wall/status") or {}).get("audio") == "failed",
            60,
            "the display reporting its voice failed",
        )
        checks = _by_name(run_checks(("display",), env=env))
        assert checks["voice"].status == "PROBLEM"
        assert "calls are shown but not heard" in checks["voice"].text
        assert "no soundcards found" in checks["voice"].text
    finally:
        display.terminate()
        display.wait(timeout=20)
        log.close()
    assert "the voice is not heard" in (tmp_path / "display.log").read_text()


def test_the_site_key_is_checked_there_private_and_a_key(tmp_path: Path) -> None:
    from deploy.ops.doctor import check_site_key
    from shared.store.keys import create_key

    path = tmp_path / "antre.key"
    assert check_site_key(path, installed=True).status == "PROBLEM"
    assert "setup --role hub" in check_site_key(path, installed=True).text
    assert check_site_key(path, installed=False).status == "WARN"  # a developer's first backup makes it
    key = create_key(path)
    found = check_site_key(path, installed=True)
    assert found.status == "OK" and key.key_id in found.text
    path.chmod(0o644)
    assert "chmod 600" in check_site_key(path, installed=True).text
    path.write_text("not a key\n", encoding="utf-8")
    path.chmod(0o600)
    assert check_site_key(path, installed=True).status == "PROBLEM"
