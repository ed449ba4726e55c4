"""``antre broker``: write a Mosquitto config tuned for Antre and run Debian's ``mosquitto``.

The demo config listens on loopback only, anonymous. The deployment config (``--secure``, or a
site config with ``[[devices]]``) refuses anonymous clients, checks each device's password and
per-role ACL, binds each client id to its account on every listener, and adds the TLS listener the
other boxes of the lobby use; its files are made by ``broker/mosquitto/security.py``. The plain
listener never leaves loopback.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

from shared.config import is_loopback
from shared.contract.limits import MAX_PAYLOAD_BYTES

INSTALL_HINT = "Mosquitto is not installed. Install it with:  sudo apt-get install -y mosquitto"
_SEARCH_PATH = "/usr/sbin:/usr/local/sbin:/usr/bin:/usr/local/bin"


# Limits that match the hub. The hub reads payloads up to MAX_PAYLOAD_BYTES (64 KiB) and answers
# `too_large` above, without parsing them. The broker lets packets through up to 8 times that, so
# an oversized request still gets that answer: a packet the broker cuts off disconnects its sender,
# whose MQTT library then sends the same QoS 1 message again after every reconnect, unanswered,
# and every other request of that connection waits behind it (the fault suite's 256 KiB guestbook
# entries did exactly that). Bigger than 512 KiB is cut off at the broker, not read at all.
MAX_PACKET_BYTES = 8 * MAX_PAYLOAD_BYTES
# Antre's apps use 10 s and ESPHome 15 s; a client asking for more is told this (MQTT v5) so that
# a dead device's Last Will comes within 1.5 x 60 s.
MAX_KEEPALIVE_S = 60
SESSION_EXPIRY = "14d"  # see persistent_client_expiration below
# One connection per account (the client id is the user name), so a lobby needs tens; the bound
# keeps a flood of connections on the network side from using up the broker, while the hub's
# loopback listener has none.
LAN_MAX_CONNECTIONS = 256
# Mosquitto before 2.0.12 counts a closed connection out of that bound twice, so the bound wears
# off after the first reconnects (Debian 12 ships 2.0.11; upstream commit 79542158).
COUNTS_CONNECTIONS_RIGHT_FROM = (2, 0, 12)
# Forward-secret suites only: TLS 1.2 with ECDHE and an AEAD cipher (the ESP32's mbedTLS has
# ECDHE-RSA-AES128-GCM-SHA256), and TLS 1.3's own suites (all forward-secret).
TLS12_CIPHERS = "ECDHE+AESGCM:ECDHE+CHACHA20"
TLS13_CIPHERSUITES = "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256"


class MosquittoMissing(RuntimeError):
    pass


@dataclass(frozen=True)
class TlsListener:
    """A TLS listener: the server certificate and key, and the CA that signed it (``cafile``)."""

    port: int
    cafile: Path
    certfile: Path
    keyfile: Path
    host: str | None = None  # None: every address
    max_connections: int = LAN_MAX_CONNECTIONS


@dataclass(frozen=True)
class BrokerConfig:
    port: int | None  # the plain listener, on loopback only; None: TLS only
    host: str = "127.0.0.1"
    persistence_dir: Path | None = None
    log_file: Path | None = None
    # Both set: a deployment (no anonymous clients); both None: the open demo broker.
    password_file: Path | None = None
    acl_file: Path | None = None
    tls: TlsListener | None = None
    # Started as root, mosquitto becomes the `mosquitto` user before it reads the password file,
    # which then cannot read the 0600 files of another user; "root" keeps it (a test or a try by
    # hand; the antre-broker service runs as antre, where this does not apply).
    user: str | None = None

    def __post_init__(self) -> None:
        if self.port is not None and not is_loopback(self.host):
            # Passwords and visitors' data would cross the network in clear (issue 15, H1).
            raise ValueError(f"the plain MQTT listener stays on loopback, not {self.host}")
        deployment = (self.password_file, self.acl_file)
        if None in deployment and (deployment != (None, None) or self.tls is not None):
            raise ValueError("a password file, an ACL file and TLS come with a deployment, never alone")

    @property
    def deployment(self) -> bool:
        return self.password_file is not None

    def _listener_options(self) -> list[str]:
        """What every listener of a deployment repeats: Mosquitto reads these per listener (they
        apply to the ``listener`` line above them), whatever ``per_listener_settings`` says."""
        if not self.deployment:
            return []
        # The broker's client id is the user name: one device's password cannot take over another
        # device's session (a kiosk connecting as antre-hub-pst would cut the hub off, and a clean
        # session would delete the hub's queued commands). The apps' own ids still name their
        # presence topics.
        return ["use_username_as_clientid true"]

    def render(self) -> str:
        lines = [
            "# Written by `antre broker`; edits are overwritten.",
            # Global auth settings: the same users and ACL on the plain and the TLS listener.
            "per_listener_settings false",
        ]
        if self.user is not None:
            lines.append(f"user {self.user}")
        if self.port is not None:
            lines += [f"listener {self.port} {self.host}", *self._listener_options()]
        if self.tls is not None:
            tls = self.tls
            lines += [
                f"listener {tls.port}{f' {tls.host}' if tls.host else ''}",
                f"cafile {tls.cafile}",
                f"certfile {tls.certfile}",
                f"keyfile {tls.keyfile}",
                "tls_version tlsv1.2",  # the minimum; TLS 1.3 clients still get 1.3
                f"ciphers {TLS12_CIPHERS}",
                f"ciphers_tls1.3 {TLS13_CIPHERSUITES}",
                # Devices prove who they are with their password, not a client certificate
                # (docs/security.md says why).
                "require_certificate false",
                f"max_connections {tls.max_connections}",
                *self._listener_options(),
            ]
        if self.deployment:
            lines += [
                "allow_anonymous false",
                f"password_file {self.password_file}",
                f"acl_file {self.acl_file}",
            ]
        else:
            lines.append("allow_anonymous true")
        lines += [
            # Without TCP_NODELAY small messages wait for Nagle's algorithm (~40 ms here).
            "set_tcp_nodelay true",
            # The hub's persistent session must not drop QoS 1 bursts (the default is 1000).
            "max_queued_messages 100000",
            # A persistent session nobody resumes (a hub connection an upgrade renamed, as the
            # hub's one "-desks" connection became one per desk) would queue up to that many
            # commands for good; gone after two weeks, longer than the office's longest closure.
            f"persistent_client_expiration {SESSION_EXPIRY}",
            "max_inflight_messages 100",
            f"max_packet_size {MAX_PACKET_BYTES}",
            f"max_keepalive {MAX_KEEPALIVE_S}",
        ]
        if self.persistence_dir is not None:
            lines += [
                "persistence true",
                f"persistence_location {self.persistence_dir}/",
                "autosave_interval 30",
            ]
        else:
            lines.append("persistence false")
        if self.log_file is not None:
            lines += [f"log_dest file {self.log_file}"]
        else:
            lines += ["log_dest stderr"]
        lines += ["log_type error", "log_type warning", "log_type notice", "connection_messages true"]
        return "\n".join(lines) + "\n"

    def write(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        if self.persistence_dir is not None:
            self.persistence_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(self.render(), encoding="utf-8")
        return path


def mosquitto_binary() -> str:
    """The path of ``mosquitto`` (Debian puts it in /usr/sbin, off a normal user's PATH)."""
    found = shutil.which("mosquitto") or shutil.which("mosquitto", path=_SEARCH_PATH)
    if not found:
        raise MosquittoMissing(INSTALL_HINT)
    return found


def mosquitto_version(binary: str | None = None) -> tuple[int, ...] | None:
    """The installed broker's version, e.g. ``(2, 0, 11)``; None when it does not say."""
    try:
        result = subprocess.run(
            [binary or mosquitto_binary(), "-h"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired, MosquittoMissing):
        return None
    found = re.search(r"mosquitto version (\d+)\.(\d+)\.(\d+)", result.stdout + result.stderr)
    return tuple(int(part) for part in found.groups()) if found else None


def start(config_path: Path) -> subprocess.Popen[bytes]:
    # Its own session, like the lobby's other children: `antre up` decides when it stops.
    return subprocess.Popen([mosquitto_binary(), "-c", str(config_path)], start_new_session=True)


def is_listening(host: str, port: int, timeout: float = 0.3) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False
