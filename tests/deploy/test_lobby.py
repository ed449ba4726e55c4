"""``antre up`` and ``antre broker`` as a technician runs them."""

from __future__ import annotations

import importlib
import itertools
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from broker.mosquitto import server as mosquitto
from broker.mosquitto.server import is_listening
from deploy.cli.main import build_parser, main
from deploy.ops.lobby import TITLE_BAR, app_commands, window_layout
from shared.config import load_settings
from tests.support import Probe, free_port, hub_env, site_config, wait_until

pytestmark = pytest.mark.e2e  # antre up / antre broker in a subprocess, without a fixture


def _up(tmp_path: Path, mqtt_url: str) -> subprocess.Popen[str]:
    env = hub_env(
        site_config(tmp_path / "antre.toml", desks=2), mqtt_url, f"sqlite:///{tmp_path}/a.db", tmp_path
    )
    return subprocess.Popen(
        [sys.executable, "-m", "deploy.cli.main", "up", "--apps", "none"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_antre_up_runs_the_lobby_and_ctrl_c_stops_everything(tmp_path: Path) -> None:
    port = free_port()
    lobby = _up(tmp_path, f"mqtt://127.0.0.1:{port}")
    try:
        wait_until(lambda: is_listening("127.0.0.1", port), 10, "the lobby's broker")
        probe = Probe(port)
        wait_until(lambda: bool(probe.on("queue/A/state")), 60, "the hub's retained state")
        assert probe.issue("A")["ticket"] == "A-001"
        probe.close()
    finally:
        lobby.send_signal(signal.SIGINT)
        output, _ = lobby.communicate(timeout=20)
    assert lobby.returncode == 0, output
    assert "started mosquitto" in output and "stopping" in output
    assert not is_listening("127.0.0.1", port)


def test_antre_up_reuses_a_broker_already_listening(tmp_path: Path, broker) -> None:
    lobby = _up(tmp_path, broker.url)
    try:
        probe = Probe(broker.port)
        wait_until(lambda: bool(probe.on("queue/A/state")), 60, "the hub's retained state")
        probe.close()
    finally:
        lobby.send_signal(signal.SIGINT)
        output, _ = lobby.communicate(timeout=20)
    assert "using the broker already listening" in output
    assert lobby.returncode == 0
    assert is_listening("127.0.0.1", broker.port)  # not ours to stop


def test_antre_broker_without_mosquitto_says_how_to_install_it(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(mosquitto, "_SEARCH_PATH", str(tmp_path))
    monkeypatch.setenv("ANTRE_DATA_DIR", str(tmp_path))
    assert main(["broker"]) == 1
    assert "sudo apt-get install -y mosquitto" in capsys.readouterr().err


def test_antre_broker_runs_mosquitto_with_the_generated_config(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "ANTRE_DATA_DIR": str(tmp_path), "ANTRE_MQTT_URL": f"mqtt://127.0.0.1:{port}"}
    process = subprocess.Popen(
        [sys.executable, "-m", "deploy.cli.main", "broker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until(lambda: is_listening("127.0.0.1", port), 10, "antre broker")
        config = (tmp_path / "mosquitto.conf").read_text()
        assert "set_tcp_nodelay true" in config
        assert f"listener {port} 127.0.0.1" in config
        assert "max_queued_messages 100000" in config
        assert "persistent_client_expiration 14d" in config
    finally:
        process.terminate()
        process.wait(10)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1:1883", "ANTRE_MQTT_URL must start with mqtt:// or mqtts://"),
        ("mqtt://127.0.0.1:99999", "ANTRE_MQTT_URL has a bad port"),
        ("mqtt://", "ANTRE_MQTT_URL has no host"),
    ],
)
def test_a_bad_mqtt_url_is_a_clear_configuration_error(url, message, monkeypatch, capsys, tmp_path) -> None:
    monkeypatch.setenv("ANTRE_MQTT_URL", url)
    monkeypatch.setenv("ANTRE_DATA_DIR", str(tmp_path))
    assert main(["hub"]) == 2
    assert message in capsys.readouterr().err


def test_antre_up_opens_the_kiosk_display_and_counter_and_stops_them_cleanly(tmp_path: Path) -> None:
    """What deploy/lobby.sh runs, with the windows offscreen: every app comes online."""
    port = free_port()
    env = hub_env(Path("deploy/demo.toml").resolve(), f"mqtt://127.0.0.1:{port}", f"sqlite:///{tmp_path}/a.db",
                  tmp_path)  # fmt: skip
    env |= {"SDL_VIDEODRIVER": "offscreen", "KIVY_HOME": str(tmp_path / "kivy")}
    lobby = subprocess.Popen(
        [sys.executable, "-m", "deploy.cli.main", "up"], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    online = {"antre-hub-pst", "antre-kiosk-kiosk-1", "antre-counter-1"}
    try:
        wait_until(lambda: is_listening("127.0.0.1", port), 15, "the lobby's broker")
        probe = Probe(port)
        wait_until(
            lambda: (
                online <= {m.topic.rsplit("/", 1)[1] for m in probe.messages if m.payload == b"online"}
                and any("presence/antre-display" in m.topic for m in probe.messages)
            ),
            90,
            "hub, kiosk, counter and display online",
        )
        probe.close()
    finally:
        lobby.send_signal(signal.SIGINT)
        output, _ = lobby.communicate(timeout=30)
    assert lobby.returncode == 0, output
    assert "Traceback" not in output, output
    assert not is_listening("127.0.0.1", port)


@pytest.mark.parametrize("screen", [(1920, 1080), (1366, 768), (1280, 800)])
def test_antre_up_lays_the_windows_side_by_side_each_in_its_lobby_shape(screen) -> None:
    boxes = window_layout(screen, ("kiosk", "display", "counter", "rate"))
    assert set(boxes) == {"kiosk", "display", "counter", "rate"}
    rects = {app: (x, y - TITLE_BAR, x + w, y + h) for app, ((w, h), (x, y)) in boxes.items()}
    for app, (left, top, right, bottom) in rects.items():
        assert left >= 0 and top >= 0 and right <= screen[0] and bottom <= screen[1], app
    for a, b in itertools.combinations(rects.values(), 2):  # title bars included
        assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
    (kw, kh), _ = boxes["kiosk"]
    assert kh > kw and abs(kw / kh - 9 / 16) < 0.01  # portrait, as the kiosk stands
    (dw, dh), _ = boxes["display"]
    assert abs(dw / dh - 16 / 9) < 0.01
    (cw, ch), _ = boxes["counter"]
    assert cw >= 500 and ch >= 300  # the sign-in form and keypad still fit


def test_antre_up_gives_each_app_its_place() -> None:
    settings = load_settings(str(Path("deploy/demo.toml").resolve()))
    commands = app_commands(settings, ("kiosk", "display", "counter"), (1366, 768))
    layout = window_layout((1366, 768), ("kiosk", "display", "counter"))
    for app, args in commands.items():
        (w, h), (x, y) = layout[app]
        assert args[-4:] == ["--size", f"{w}x{h}", "--position", f"{x},{y}"], app
    assert commands["counter"][:3] == ["counter", "--desk", settings.desks[0].id]
    assert build_parser().parse_args(["up", "--screen", "1366x768"]).screen == (1366, 768)
    # Each app accepts what it is given.
    for module in ("kiosk.app", "display.app", "counter.app", "kiosk.rating.app"):
        parser = importlib.import_module(module).build_parser()
        assert parser.parse_args(["--size", "600x400", "--position", "10,20"]).position == (10, 20)
