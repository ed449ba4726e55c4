"""The lobby network in a test: a deployment Mosquitto started from the generated files (plain
listener on loopback, TLS listener with the local CA), the devices' endpoints on either listener,
and a relay that stands in for a sniffer on the wire between a device and the broker.

The TLS listener binds 127.0.0.1 and stands in for the LAN listener: this workplace allows test
traffic to loopback addresses only, and the broker's config for a LAN address differs only in the
address on its ``listener`` line (``tests/broker/mosquitto/test_broker_lan.py`` checks that line).
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from broker.mosquitto.certs import make_certs
from broker.mosquitto.passwords import load_secrets
from broker.mosquitto.security import SecurityFiles, broker_config
from broker.mosquitto.server import BrokerConfig, mosquitto_binary
from shared.config import MqttEndpoint, Settings, settings_from_mapping
from tests.support import ChildProcess, free_port, wait_until

SITE = "pst"
HUB_CLIENT_ID = f"antre-hub-{SITE}"
DEVICES: list[dict[str, Any]] = [
    {"id": "hub", "role": "hub"},
    {"id": "watcher", "role": "hub", "client_ids": ["antre-watcher"]},
    {"id": "k1", "role": "kiosk"},
    {"id": "desk1", "role": "counter", "desk": "1"},
    {"id": "btn1", "role": "button", "desk": "1"},
    {"id": "doctor", "role": "doctor"},
]
LISTENERS = ("plain", "tls")


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.3):
            return True
    except OSError:
        return False


@dataclass
class LanBroker(ChildProcess):
    workdir: Path
    settings: Settings
    config: BrokerConfig
    process: subprocess.Popen[bytes] | None = None

    @property
    def port(self) -> int:
        assert self.config.port is not None
        return self.config.port

    @property
    def tls_port(self) -> int:
        assert self.config.tls is not None
        return self.config.tls.port

    @property
    def ca_file(self) -> Path:
        return self.settings.data_dir / "tls" / "ca.crt"

    @property
    def passwords(self) -> dict[str, str]:
        return load_secrets(SecurityFiles.in_dir(self.settings.data_dir).secrets)

    def url(self, user: str, listener: str, port: int | None = None) -> str:
        """The device's ``ANTRE_MQTT_URL``: loopback in clear, or ``mqtts://`` (``port``: a relay's)."""
        password = self.passwords[user]
        if listener == "plain":
            return f"mqtt://{user}:{password}@127.0.0.1:{port or self.port}"
        return f"mqtts://{user}:{password}@localhost:{port or self.tls_port}"

    def endpoint(self, user: str, listener: str, port: int | None = None) -> MqttEndpoint:
        return settings_from_mapping(
            {"site": SITE},
            {"ANTRE_MQTT_URL": self.url(user, listener, port), "ANTRE_MQTT_CA": str(self.ca_file)},
        ).mqtt

    def log_text(self) -> str:
        return (self.workdir / "mosquitto.log").read_text(errors="replace")


def site_settings(data_dir: Path, tls_port: int) -> Settings:
    raw = {"site": SITE, "data_dir": str(data_dir), "devices": DEVICES, "broker": {"tls_port": tls_port}}
    return settings_from_mapping(raw, {})


def start_lan_broker(workdir: Path, tweak: Callable[[BrokerConfig], BrokerConfig] | None = None) -> LanBroker:
    """Mosquitto from the files ``antre broker`` writes (``tweak``: one setting changed by hand)."""
    data_dir = workdir / "data"
    if not (data_dir / "tls" / "ca.crt").exists():
        make_certs(data_dir / "tls", ["localhost", "127.0.0.1"])
    settings = site_settings(data_dir, free_port())
    config = broker_config(settings, port=free_port())
    if tweak is not None:
        config = tweak(config)
    path = config.write(data_dir / "mosquitto.conf")
    log = (workdir / "mosquitto.log").open("ab")
    server = LanBroker(workdir, settings, config)
    server.process = subprocess.Popen([mosquitto_binary(), "-c", str(path)], stdout=log, stderr=log)
    try:
        for port in (server.port, server.tls_port):
            wait_until(lambda port=port: listening(port), 5, f"mosquitto on port {port}")
    except BaseException:
        server.stop()
        raise
    return server


@dataclass
class Relay:
    """A TCP relay on 127.0.0.1 in front of ``upstream_port``: what a sniffer on the lobby's wire
    would see, every byte of both directions, recorded."""

    upstream_port: int
    captured: bytearray = field(default_factory=bytearray)
    connections: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _sockets: list[socket.socket] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        threading.Thread(target=self._accept, name="relay-accept", daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                device, _ = self._server.accept()
            except OSError:
                return  # closed
            broker = socket.create_connection(("127.0.0.1", self.upstream_port))
            with self._lock:
                self.connections += 1
                self._sockets += [device, broker]
            for source, sink in ((device, broker), (broker, device)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                with self._lock:
                    self.captured += chunk
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def seen(self) -> bytes:
        with self._lock:
            return bytes(self.captured)

    def close(self) -> None:
        self._server.close()
        with self._lock:
            for sock in self._sockets:
                sock.close()
