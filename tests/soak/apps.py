"""The soak's real processes: Mosquitto and the hub (restartable on the same port and database),
the kiosk, the desk's rating screen, desk 1's counter app and the wall display, each the REAL app
offscreen in its own process under the test harness it already has. Each one's memory is read
from ``/proc`` (VmRSS)."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion

from tests.counter.driver import AppDriver
from tests.display.runner import DisplayProcess
from tests.kiosk.real_app import REPO, RealKiosk, kivy_env
from tests.kiosk.real_ports import RealConfig
from tests.soak.heap import rss_mb
from tests.support import OFFICERS, Broker, HubProcess, hub_env, officers_toml, site_config

SITE = "pst"
START_S = 90.0  # an app's first frame or the hub's migrations, on a loaded 2-core machine


def mb(process: subprocess.Popen[Any] | None) -> float:
    """VmRSS of a process we started, or nan once it has exited."""
    if process is None or process.poll() is not None:
        return float("nan")
    return rss_mb(process.pid)


def wait_online(port: int, client_id: str, alive: Any, timeout: float = START_S) -> None:
    """Wait for ``client_id``'s retained presence to say ``online`` (a fresh one, after a restart)."""
    seen: list[bytes] = []
    client = paho.Client(CallbackAPIVersion.VERSION2, client_id=f"soak-watch-{time.monotonic_ns()}")
    topic = f"antre/{SITE}/presence/{client_id}"
    client.on_connect = lambda c, *_: c.subscribe(topic, qos=1)
    client.on_message = lambda _c, _u, m: seen.append(m.payload)
    client.connect("127.0.0.1", port, keepalive=10)
    client.loop_start()
    try:
        deadline = time.monotonic() + timeout
        while b"online" not in seen:
            if not alive():
                raise AssertionError(f"{client_id} exited before it came online")
            if time.monotonic() > deadline:
                raise AssertionError(f"{client_id} not online in {timeout:.0f} s")
            time.sleep(0.05)
    finally:
        client.disconnect()
        client.loop_stop()


SERVICE_NICE = -5  # Nice= of antre-hub.service and antre-broker.service


def _as_the_unit_runs_it(process: subprocess.Popen[Any] | None) -> None:
    """The niceness the hub's and the broker's units give them (only root may raise a priority;
    otherwise they run at ours)."""
    if process is not None:
        with contextlib.suppress(PermissionError, ProcessLookupError):
            os.setpriority(os.PRIO_PROCESS, process.pid, SERVICE_NICE)


@dataclass
class Core:
    """Mosquitto and the hub on one SQLite file, with ``desks`` desks serving A and B and the test
    site's officers."""

    workdir: Path
    desks: int
    broker: Broker = field(init=False)
    hub: HubProcess = field(init=False)

    def __post_init__(self) -> None:
        (self.workdir / "broker").mkdir(parents=True, exist_ok=True)
        (self.workdir / "hub").mkdir(parents=True, exist_ok=True)
        self.config = site_config(self.workdir / "antre.toml", desks=self.desks, extra=officers_toml())
        self.broker = Broker(self.workdir / "broker")
        self.db = self.workdir / "hub" / "antre.db"

    @property
    def port(self) -> int:
        return self.broker.port

    def start(self) -> None:
        self.start_broker()
        env = hub_env(self.config, self.broker.url, f"sqlite:///{self.db}", self.workdir / "hub")
        self.hub = HubProcess(self.workdir / "hub", env)
        self.start_hub()

    def start_hub(self) -> None:
        self.hub.start()
        _as_the_unit_runs_it(self.hub.process)
        wait_online(self.port, f"antre-hub-{SITE}", self.hub.alive)

    def start_broker(self) -> None:
        self.broker.start()
        _as_the_unit_runs_it(self.broker.process)

    def restart_broker(self) -> None:
        """``systemctl restart antre-broker``: SIGTERM, then the same config on the same port. It
        comes back empty (persistence off, as in the demo config); the hub republishes the state."""
        self.broker.stop()
        self.start_broker()

    def restart_hub(self) -> None:
        self.hub.stop()
        self.start_hub()

    def stop(self) -> None:
        try:
            self.hub.stop()
        finally:
            self.broker.stop()


@dataclass
class RatingScreen(RealKiosk):
    """``tests.kiosk.rating.rating_driver`` in a subprocess (the desk's rating screen)."""

    params: dict[str, Any] = field(default_factory=dict)
    desk: str = "1"

    def start(self, **popen: Any) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "tests.kiosk.rating.rating_driver", self.scenario, str(self.out)]
        command += ["--mqtt", self.config.mqtt_url, "--desk", self.desk, "--size", self.size]
        command += ["--lang", self.lang, "--params", json.dumps(self.params)]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command, cwd=REPO, env=kivy_env(self.out / "kivy-home"), stdout=log, stderr=log, **popen
            )


def kiosk(workdir: Path, port: int, visits: int, pauses: list[int]) -> RealKiosk:
    """The real kiosk (``bench`` scenario: whole visits by touch), its tickets printed by
    python-escpos into a file (``printer.bin``)."""
    printer = {"kind": "file", "path": str(workdir / "kiosk" / "printer.bin")}
    params = {"tickets": visits, "pauses": pauses, "heap": True}
    return RealKiosk(
        "bench", workdir / "kiosk", RealConfig(f"mqtt://127.0.0.1:{port}", printer, params=params)
    )


def rating_screen(workdir: Path, port: int) -> RatingScreen:
    config = RealConfig(f"mqtt://127.0.0.1:{port}", {})
    params = {"thanks_s": 0.3, "idle_timeout_s": 60, "total_timeout_s": 8.0}  # 8 s: the app's own
    return RatingScreen("soak", workdir / "rating", config, params=params)


def counter_app(workdir: Path, port: int, config: Path) -> AppDriver:
    """Desk 1's counter app, started and signed in by the first test officer."""
    args = ["--config", str(config), "--desk", "1", "--size", "1366x768"]
    app = AppDriver(workdir / "counter", args, f"mqtt://127.0.0.1:{port}")
    app.start(timeout=START_S)
    officer, _name, pin = OFFICERS[0]
    app.wait(lambda d: d["widgets"]["signin_banner"]["text"] == "", "the counter app connected", 30)
    app.tap(f"officer_{officer}")
    for digit in pin:
        app.tap(f"pad_{digit}")
    app.tap("signin_submit")
    app.wait(lambda d: d["screen"] == "desk" and d["widgets"]["btn_next"]["enabled"], "signed in", 30)
    return app


def display(workdir: Path, port: int) -> DisplayProcess:
    """The wall display (small: its running text redraws every frame in software GL), with its
    voice off (3,000 calls would be 3,000 espeak runs on 2 cores)."""
    (workdir / "display").mkdir(parents=True, exist_ok=True)
    shown = DisplayProcess(workdir / "display", f"mqtt://127.0.0.1:{port}", (960, 540), "soak",
                           display={"voice": False})  # fmt: skip
    shown.start()
    return shown
