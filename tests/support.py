"""Real parts for tests: a Mosquitto broker on a free port, the hub as a subprocess, and a probe
client that records every message it sees. Nothing here mocks the broker or the hub."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion

from broker.mosquitto.server import BrokerConfig, is_listening, mosquitto_binary

SITE = "pst"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# The whole layout matrix (every screen size x language, the 4K wall, the console at the tablet size)
# runs when screenshots are made or ANTRE_FULL_MATRIX=1; CI runs a representative of each shape so
# the suite stays inside its 15 minutes on two cores.
FULL_MATRIX = os.environ.get("ANTRE_SCREENSHOTS") == "1" or os.environ.get("ANTRE_FULL_MATRIX") == "1"


def full_matrix_only() -> Any:
    """A mark for a test cell that only the whole matrix runs (skipped, and said so, in CI)."""
    import pytest

    return pytest.mark.skipif(not FULL_MATRIX, reason="a cell of the full matrix (ANTRE_FULL_MATRIX=1)")


def wait_until(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class ChildProcess:
    """A process a test started: stopped gently (SIGTERM, then SIGKILL after ``grace_s``) or killed."""

    process: subprocess.Popen[bytes] | None
    grace_s: float = 5

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(5)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(self.grace_s)
            except subprocess.TimeoutExpired:
                self.kill()


@dataclass
class Broker(ChildProcess):
    """A real Mosquitto started from Antre's generated config."""

    workdir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def start(self) -> None:
        config = BrokerConfig(port=self.port).write(self.workdir / "mosquitto.conf")
        log = (self.workdir / "mosquitto.log").open("ab")
        self.process = subprocess.Popen([mosquitto_binary(), "-c", str(config)], stdout=log, stderr=log)
        wait_until(lambda: is_listening("127.0.0.1", self.port), 5, f"mosquitto on port {self.port}")


_MIGRATED: dict[str, Path] = {}  # this test process's migrated SQLite file, made once


def seed_migrated_database(db_url: str) -> None:
    """Put a copy of an already migrated SQLite file where a hub is about to make a new one.

    What the hub would do itself at its first start (``antre db upgrade`` in a child process),
    done once per test process instead of once per hub: hundreds of hub starts in the suite each
    saved ~1.5 s of CPU. A database that exists, or is not an SQLite file, is left alone."""
    import shutil
    import tempfile

    prefix = "sqlite:///"
    if not db_url.startswith(prefix):
        return
    target = Path(db_url[len(prefix) :])
    if target.exists():
        return
    if "template" not in _MIGRATED:
        from shared.store.db import upgrade

        template = Path(tempfile.mkdtemp(prefix="antre-migrated-")) / "antre.db"
        upgrade(f"{prefix}{template}")
        _MIGRATED["template"] = template
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_MIGRATED["template"], target)


@dataclass
class HubProcess(ChildProcess):
    """``antre hub`` in a subprocess, as in production."""

    workdir: Path
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    grace_s: float = 10  # the hub finishes the command it is applying

    def start(self) -> None:
        seed_migrated_database(self.env.get("ANTRE_DB_URL", ""))
        log = (self.workdir / "hub.log").open("ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "deploy.cli.main", "hub"], env=self.env, stdout=log, stderr=log
        )

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_text(self) -> str:
        return (self.workdir / "hub.log").read_text(errors="replace")


@dataclass
class Message:
    topic: str
    payload: bytes
    retain: bool
    at: float

    def json(self) -> dict[str, Any]:
        return json.loads(self.payload)


class Probe:
    """An MQTT client that records everything under ``antre/{site}/#`` and can wait for it."""

    def __init__(self, port: int, client_id: str | None = None, site: str = SITE) -> None:
        self.site = site
        self.messages: list[Message] = []
        self._cond = threading.Condition()
        self.client = paho.Client(
            CallbackAPIVersion.VERSION2, client_id=client_id or f"probe-{uuid.uuid4().hex[:8]}"
        )
        self.client.on_connect = lambda c, *_: c.subscribe(f"antre/{site}/#", qos=1)
        self.client.on_message = self._record
        self.client.on_socket_open = lambda _c, _u, s: s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.client.reconnect_delay_set(0.1, 0.5)  # type: ignore[arg-type]
        self.client.connect("127.0.0.1", port, keepalive=10)
        self.client.loop_start()

    def _record(self, _client: paho.Client, _userdata: Any, msg: paho.MQTTMessage) -> None:
        with self._cond:
            self.messages.append(Message(msg.topic, msg.payload, bool(msg.retain), time.monotonic()))
            self._cond.notify_all()

    def t(self, suffix: str) -> str:
        return f"antre/{self.site}/{suffix}"

    def publish(self, suffix: str, payload: bytes | str | dict[str, Any]) -> None:
        if isinstance(payload, dict):
            payload = json.dumps(payload)
        self.client.publish(self.t(suffix), payload, qos=1).wait_for_publish(5)

    def wait_for(
        self,
        suffix: str,
        check: Callable[[dict[str, Any]], bool] = lambda _p: True,
        timeout: float = 30,
        since: int = 0,
    ) -> dict[str, Any]:
        """The first JSON message on ``suffix`` (from index ``since``) that passes ``check``.
        It returns as soon as one comes: the generous default only lets a loaded machine be slow."""
        topic_name = self.t(suffix)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for msg in self.messages[since:]:
                    if msg.topic == topic_name:
                        payload = msg.json()
                        if check(payload):
                            return payload
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [m.topic for m in self.messages[since:]][-20:]
                    raise AssertionError(
                        f"no matching message on {topic_name} in {timeout} s; last topics {seen}"
                    )
                self._cond.wait(remaining)

    def mark(self) -> int:
        with self._cond:
            return len(self.messages)

    def on(self, suffix: str, since: int = 0) -> list[dict[str, Any]]:
        with self._cond:
            return [m.json() for m in self.messages[since:] if m.topic == self.t(suffix)]

    def latest(self, suffix: str) -> dict[str, Any] | None:
        found = self.on(suffix)
        return found[-1] if found else None

    def issue(
        self,
        service: str = "A",
        kiosk: str = "k1",
        guest: dict[str, Any] | None = None,
        request_id: str | None = None,
        timeout: float = 30,
    ) -> dict[str, Any]:
        request_id = request_id or uuid.uuid4().hex
        mark = self.mark()
        body: dict[str, Any] = {"v": 1, "request_id": request_id, "service": service}
        if guest is not None:
            body["guest"] = guest
        self.publish(f"kiosk/{kiosk}/request", body)
        return self.wait_for(
            f"kiosk/{kiosk}/response", lambda p: p.get("request_id") == request_id, timeout, since=mark
        )

    def ask(self, kiosk: str, body: dict[str, Any], timeout: float = 30) -> dict[str, Any]:
        """Send any kiosk request (``v`` and a ``request_id`` added) and wait for its answer."""
        request_id = body.get("request_id") or uuid.uuid4().hex
        mark = self.mark()
        self.publish(f"kiosk/{kiosk}/request", {"v": 1, "request_id": request_id, **body})
        return self.wait_for(
            f"kiosk/{kiosk}/response", lambda p: p.get("request_id") == request_id, timeout, since=mark
        )

    def command(self, desk: str, payload: str | dict[str, Any], timeout: float = 30) -> dict[str, Any]:
        """Send a desk command and wait for the hub's answer to it."""
        mark = self.mark()
        self.publish(f"counter/{desk}/cmd", payload)
        if isinstance(payload, dict):
            rid = payload["request_id"]
            return self.wait_for(
                f"counter/{desk}/response", lambda p: p.get("request_id") == rid, timeout, mark
            )
        return self.wait_for(f"counter/{desk}/response", timeout=timeout, since=mark)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


def fresh_retained(port: int, suffixes: list[str], timeout: float = 30) -> dict[str, dict[str, Any]]:
    """What a newly started display would get: the retained message of each topic."""
    probe = Probe(port)
    try:
        wait_until(lambda: all(probe.on(s) for s in suffixes), timeout, f"retained {suffixes}")
        return {s: probe.on(s)[-1] for s in suffixes}
    finally:
        probe.close()


SITE_TOML = """
site = "pst"

office_name = "BPS Kabupaten Tulang Bawang"
timezone = "Asia/Jakarta"

[[services]]
prefix = "A"
name = "Konsultasi Statistik"

[[services]]
prefix = "B"
name = "Perpustakaan"

{desks}

[hub]
staff_api = "127.0.0.1:{staff_port}"
"""


def site_config(path: Path, desks: int = 8, staff_port: int | None = None, extra: str = "") -> Path:
    """The test site: services A and B, ``desks`` desks, the staff API on ``staff_port``."""
    rows = "\n".join(
        f'[[desks]]\nid = "{n}"\nname = "Meja {n}"\nservices = ["A", "B"]\n' for n in range(1, desks + 1)
    )
    text = SITE_TOML.format(desks=rows, staff_port=staff_port or free_port()) + extra
    path.write_text(text, encoding="utf-8")
    return path


def hub_env(config: Path, mqtt_url: str, db_url: str, data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ANTRE_")}
    env.update(
        ANTRE_CONFIG=str(config), ANTRE_MQTT_URL=mqtt_url, ANTRE_DB_URL=db_url, ANTRE_DATA_DIR=str(data_dir)
    )
    return env


# Officers of the test site: (id, name, PIN). Hashed with few iterations: these tests check
# behaviour, not the cost of guessing.
OFFICERS = (("budi", "Budi Santoso", "246813"), ("rina", "Rina", "135724"))


def officers_toml() -> str:
    from shared.domain.pins import hash_pin

    return "".join(
        f'[[officers]]\nid = "{oid}"\nname = "{name}"\npin_hash = "{hash_pin(pin, iterations=1000)}"\n'
        for oid, name, pin in OFFICERS
    )


def staff_call(
    base: str, path: str, body: Any = None, token: str | None = None
) -> tuple[int, dict[str, Any]]:
    """One request to the hub's staff API: its status and JSON answer (errors included)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method="POST" if data is not None else "GET")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


# --- the staff console -------------------------------------------------------------------------

# (id, name, role, PIN or passphrase): desk officers sign in with 6 digits, supervisors and
# technicians with a passphrase.
CONSOLE_ACCOUNTS = (
    ("budi", "Budi Santoso", "officer", "246810"),
    ("rina", "Rina Marlina", "officer", "135790"),
    ("sari", "Sari Wulandari", "supervisor", "teh manis hangat pagi"),
    ("teguh", "Teguh Prasetyo", "technician", "kabel biru di rak dua"),
)


def secret_hash(secret: str) -> str:
    """The stored form of a PIN or passphrase (``shared.domain.pins``'s PBKDF2, few iterations)."""
    import base64
    import hashlib

    salt = b"antre-test-salt!"
    digest = hashlib.pbkdf2_hmac("sha256", secret.encode(), salt, 1000)
    return f"pbkdf2_sha256$1000${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def console_accounts_toml() -> str:
    return "".join(
        f'[[officers]]\nid = "{oid}"\nname = "{name}"\nrole = "{role}"\npin_hash = "{secret_hash(secret)}"\n'
        for oid, name, role, secret in CONSOLE_ACCOUNTS
    )


def console_secret(officer: str) -> str:
    return next(secret for oid, _name, _role, secret in CONSOLE_ACCOUNTS if oid == officer)


@contextlib.contextmanager
def console_client(
    base: str, officer: str | None = None, *, secret: str | None = None, **kwargs: Any
) -> Iterator[Any]:
    """``with console_client(base, "sari") as client``: an ``httpx.Client`` on the console, signed
    in as ``officer`` (with ``secret``, else the test account's) through the sign-in form (its
    session cookie kept) when one is named. Form posts carry the console's own Origin, as a
    browser's do."""
    import httpx

    with httpx.Client(base_url=base, timeout=30, headers={"Origin": base}, **kwargs) as client:
        if officer is not None:
            typed = secret if secret is not None else console_secret(officer)
            answer = client.post("/signin", data={"officer": officer, "secret": typed})
            if answer.status_code != 303:
                raise AssertionError(f"{officer} could not sign in to the console: {answer.status_code}")
        yield client
