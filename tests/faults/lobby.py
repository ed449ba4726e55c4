"""The fault suite's lobby: a real Mosquitto and the hub as processes on loopback, a client that
asks and retries like a kiosk or a desk does, and readers of a process's memory and CPU.

Shared by the short CI tests (``tests/faults/test_*.py``) and the full run (``bench/faults.py``):
each scenario module takes a work dir and its sizes, and returns an ``Outcome`` whose checks the
tests assert and the bench prints, with its figures.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion

from broker.mosquitto.server import BrokerConfig, is_listening, mosquitto_binary
from deploy.ops.lobby import ALLOCATOR_ENV
from tests.support import SITE, Broker, HubProcess, free_port, hub_env, site_config, wait_until

SERVICE_NICE = -5  # what deploy/systemd gives the hub and Mosquitto (only root may raise it)
HUB_START_S = 60.0  # the hub migrates its database in a child before it connects
ROOT = Path(__file__).resolve().parents[2]


def _service_child() -> None:
    """Child set-up: the niceness of the systemd units (when allowed), so the clients of a flood
    compete with the hub as they would on a real hub box."""
    with contextlib.suppress(PermissionError):
        os.nice(SERVICE_NICE)


class NicedBroker(Broker):
    def start(self) -> None:
        config = BrokerConfig(port=self.port).write(self.workdir / "mosquitto.conf")
        log = (self.workdir / "mosquitto.log").open("ab")
        self.process = subprocess.Popen(
            [mosquitto_binary(), "-c", str(config)], stdout=log, stderr=log, preexec_fn=_service_child
        )
        wait_until(lambda: is_listening("127.0.0.1", self.port), 5, f"mosquitto on port {self.port}")


class NicedHub(HubProcess):
    def start(self) -> None:
        log = (self.workdir / "hub.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "deploy.cli.main", "hub"],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=log,
            preexec_fn=_service_child,
        )


@dataclass
class Outcome:
    """What a scenario found: figures to print, checks of effects, goals on figures."""

    title: str
    figures: list[str] = field(default_factory=list)
    checks: list[tuple[str, bool]] = field(default_factory=list)
    goals: list[tuple[str, str, bool]] = field(default_factory=list)  # (figure, goal, met)

    def check(self, label: str, ok: bool) -> None:
        self.checks.append((label, bool(ok)))

    def goal(self, label: str, goal: str, met: bool) -> None:
        self.goals.append((label, goal, bool(met)))

    def failed(self) -> list[str]:
        """The checks of effects that failed (what a CI test asserts empty)."""
        return [label for label, ok in self.checks if not ok]


class Lobby:
    """Mosquitto and ``antre hub`` in ``workdir``, the hub on SQLite, 8 desks serving A and B."""

    def __init__(self, workdir: Path, desks: int = 8, extra_config: str = "") -> None:
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        (workdir / "broker").mkdir(exist_ok=True)
        self.broker = NicedBroker(workdir / "broker")
        self.staff_port = free_port()
        config = site_config(
            workdir / "antre.toml", desks=desks, staff_port=self.staff_port, extra=extra_config
        )
        self.db = workdir / "antre.db"
        env = hub_env(config, self.broker.url, f"sqlite:///{self.db}", workdir)
        # The allocator as the hub's systemd unit sets it (a value in the caller's environment wins):
        # the hub's RSS after a flood is one of the figures measured here.
        self.hub = NicedHub(workdir, {**ALLOCATOR_ENV, **env})
        self._on_stop: list[Callable[[], object]] = []

    def on_stop(self, callback: Callable[[], object]) -> None:
        """Run ``callback`` first when the lobby stops (a scenario's clients and helpers)."""
        self._on_stop.append(callback)

    @property
    def port(self) -> int:
        return self.broker.port

    @property
    def staff_url(self) -> str:
        return f"http://127.0.0.1:{self.staff_port}"

    def start(self) -> Lobby:
        self.broker.start()
        self.start_hub()
        return self

    def start_hub(self) -> None:
        """Start the hub and wait for its presence ``online`` (after its migrations)."""
        watch = Client(self.port, "watch", [f"antre/{SITE}/presence/antre-hub-{SITE}"])
        try:
            watch.connected.wait(5)
            seen_before = len(watch.presence)
            self.hub.start()
            deadline = time.monotonic() + HUB_START_S
            while b"online" not in watch.presence[seen_before:]:
                if not self.hub.alive():
                    raise RuntimeError(f"the hub exited; see {self.workdir / 'hub.log'}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the hub was not online in {HUB_START_S:.0f} s")
                time.sleep(0.02)
        finally:
            watch.close()

    def stop(self) -> None:
        while self._on_stop:
            self._on_stop.pop()()
        self.hub.stop()
        self.broker.stop()

    def hub_log(self) -> bytes:
        return (self.workdir / "hub.log").read_bytes()

    def query(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        """Rows from the hub's database (read only; SQLite in WAL lets the hub go on writing)."""
        with contextlib.closing(sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=30)) as db:
            return list(db.execute(sql, args))


@contextlib.contextmanager
def lobby(workdir: Path, desks: int = 8, extra_config: str = "") -> Iterator[Lobby]:
    place = Lobby(workdir, desks, extra_config)
    try:
        yield place.start()
    finally:
        place.stop()


# --- a client that asks and retries ----------------------------------------------------------


@dataclass(frozen=True)
class Heard:
    topic: str
    data: dict[str, Any]
    at: float  # perf_counter() in paho's network thread


def reply_topic(suffix: str) -> str:
    """``kiosk/k/request`` -> ``kiosk/k/response``; ``counter/2/cmd`` -> ``counter/2/response``."""
    return suffix.rsplit("/", 1)[0] + "/response"


class Client:
    """A paho client on ``subscriptions`` that keeps every answer by request id, every
    ``event/call``, and the hub's presence. It reconnects on its own (broker restarts)."""

    def __init__(self, port: int, name: str, subscriptions: list[str]) -> None:
        self.subscriptions = subscriptions
        self.connected = threading.Event()
        self.answers: dict[tuple[str, str], Heard] = {}
        self.calls: list[Heard] = []
        self.presence: list[bytes] = []
        self._cond = threading.Condition()
        self.client = paho.Client(
            CallbackAPIVersion.VERSION2, client_id=f"faults-{name}-{uuid.uuid4().hex[:6]}"
        )
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = lambda *_a: self.connected.clear()
        self.client.on_message = self._on_message
        self.client.on_socket_open = lambda _c, _u, s: s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.client.reconnect_delay_set(0.1, 0.5)  # type: ignore[arg-type]
        self.client.max_inflight_messages_set(100)
        self.client.connect("127.0.0.1", port, keepalive=10)
        self.client.loop_start()

    def _on_connect(self, client: paho.Client, *_args: Any) -> None:
        for topic in self.subscriptions:
            client.subscribe(topic, qos=1)
        self.connected.set()

    def _on_message(self, _client: paho.Client, _userdata: Any, msg: paho.MQTTMessage) -> None:
        at = time.perf_counter()
        if "/presence/" in msg.topic:
            with self._cond:
                self.presence.append(msg.payload)
            return
        try:
            data = json.loads(msg.payload)
        except ValueError:
            return
        if not isinstance(data, dict):
            return
        heard = Heard(msg.topic, data, at)
        with self._cond:
            if msg.topic.endswith("/event/call"):
                self.calls.append(heard)
            elif isinstance(data.get("request_id"), str):
                self.answers.setdefault((msg.topic, data["request_id"]), heard)
            self._cond.notify_all()

    def send(self, suffix: str, payload: bytes | dict[str, Any]) -> None:
        raw = json.dumps(payload).encode() if isinstance(payload, dict) else payload
        self.client.publish(f"antre/{SITE}/{suffix}", raw, qos=1)

    def wait(self, check: Callable[[], Any], timeout: float) -> Any:
        """``check()``'s first truthy value, re-checked on each message; ``None`` at the timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = check()
                remaining = deadline - time.monotonic()
                if found or remaining <= 0:
                    return found
                self._cond.wait(min(remaining, 0.2))

    def request(
        self,
        suffix: str,
        body: dict[str, Any],
        *,
        retry_s: float = 2.0,
        timeout: float = 60.0,
        raw: bytes | None = None,
    ) -> Asked:
        """Send ``body`` (or ``raw``, carrying the same request id) and send it again every
        ``retry_s`` until the hub answers anything but ``busy``, as a kiosk or desk app does."""
        request_id = body["request_id"]
        key = (f"antre/{SITE}/{reply_topic(suffix)}", request_id)
        sent = time.perf_counter()
        deadline = time.monotonic() + timeout
        tries = 0
        while time.monotonic() < deadline:
            tries += 1
            self.send(suffix, raw if raw is not None else body)
            heard = self.wait(lambda: self.answers.get(key), min(retry_s, deadline - time.monotonic()))
            if heard is not None and _code(heard.data) == "busy":
                with self._cond:
                    self.answers.pop(key, None)
                continue
            if heard is not None:
                return Asked(request_id, heard.data, sent, heard.at, tries)
        return Asked(request_id, None, sent, None, tries)

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.disconnect()
        self.client.loop_stop()


@dataclass(frozen=True)
class Asked:
    request_id: str
    answer: dict[str, Any] | None  # None: never answered
    sent: float
    at: float | None
    tries: int

    @property
    def ticket(self) -> str | None:
        value = (self.answer or {}).get("ticket")
        return value if isinstance(value, str) and "error" not in (self.answer or {}) else None

    @property
    def error(self) -> str | None:
        return _code(self.answer) if self.answer else None


def _code(data: dict[str, Any] | None) -> str | None:
    error = (data or {}).get("error")
    return str(error.get("code")) if isinstance(error, dict) else None


def new_id(prefix: str = "") -> str:
    return f"{prefix}{uuid.uuid4().hex[:16]}"


# --- the hub's memory and CPU from /proc -----------------------------------------------------


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class CpuMark:
    """What each process of each group had run and waited for a CPU (s, all its threads) at ``at``."""

    at: float
    ran: dict[str, dict[int, float]]
    waited: dict[str, dict[int, float]]


def cpu_mark(groups: dict[str, list[int]]) -> CpuMark:
    """The scheduler's counts (``/proc/PID/task/*/schedstat``) of each named group's processes."""
    ran: dict[str, dict[int, float]] = {name: {} for name in groups}
    waited: dict[str, dict[int, float]] = {name: {} for name in groups}
    for name, pids in groups.items():
        for pid in pids:
            with contextlib.suppress(OSError, ValueError):
                counts = [task.read_text().split() for task in Path(f"/proc/{pid}/task").glob("*/schedstat")]
                ran[name][pid] = sum(int(run_ns) for run_ns, _, _ in counts) / 1e9
                waited[name][pid] = sum(int(wait_ns) for _, wait_ns, _ in counts) / 1e9
    return CpuMark(time.perf_counter(), ran, waited)


def cpu_shares(start: CpuMark, end: CpuMark) -> str:
    """Each group's share of one core between the marks, and how long its threads waited for one
    (a process gone by the second mark is left out)."""

    def share(counts: tuple[dict[int, float], dict[int, float]]) -> str:
        first, last = counts
        return f"{sum(last[pid] - first[pid] for pid in last if pid in first) / (end.at - start.at):.0%}"

    return ", ".join(
        f"{name} {share((start.ran[name], end.ran[name]))} "
        f"(waiting {share((start.waited[name], end.waited[name]))})"
        for name in start.ran
    )


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def has_control_or_format(text: str) -> bool:
    """Controls, format (invisible, bidi) characters, surrogates, private use, unassigned."""
    import unicodedata

    return any(unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"} for ch in text)
