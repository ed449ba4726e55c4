"""``antre broker``: write a Mosquitto config tuned for Antre and run Debian's ``mosquitto``.

The demo config listens on loopback only, anonymous. The deployment config (``--secure``, or a
site config with ``[[devices]]``) refuses anonymous clients, checks each device's password and
per-role ACL, and may add a TLS listener; its files are made by ``broker/mosquitto/security.py``.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

INSTALL_HINT = "Mosquitto is not installed. Install it with:  sudo apt-get install -y mosquitto"
_SEARCH_PATH = "/usr/sbin:/usr/local/sbin:/usr/bin:/usr/local/bin"


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


@dataclass(frozen=True)
class BrokerConfig:
    port: int | None  # the plain listener; None: TLS only
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

    def render(self) -> str:
        lines = [
            "# Written by `antre broker`; edits are overwritten.",
            # Global auth settings: the same users and ACL on the plain and the TLS listener.
            "per_listener_settings false",
        ]
        if self.user is not None:
            lines.append(f"user {self.user}")
        if self.port is not None:
            lines.append(f"listener {self.port} {self.host}")
        if self.tls is not None:
            tls = self.tls
            lines += [
                f"listener {tls.port}{f' {tls.host}' if tls.host else ''}",
                f"cafile {tls.cafile}",
                f"certfile {tls.certfile}",
                f"keyfile {tls.keyfile}",
                "tls_version tlsv1.2",  # the minimum; TLS 1.3 clients still get 1.3
                # Devices prove who they are with their password, not a client certificate.
                "require_certificate false",
            ]
        if self.password_file is not None and self.acl_file is not None:
            lines += [
                "allow_anonymous false",
                f"password_file {self.password_file}",
                f"acl_file {self.acl_file}",
                # The broker's client id is the user name: one device's password cannot take over
                # another's session (a kiosk connecting as antre-hub-pst would cut the hub off).
                # The apps' own ids still name their presence topics.
                "use_username_as_clientid true",
            ]
        elif self.password_file is None and self.acl_file is None and self.tls is None:
            lines.append("allow_anonymous true")
        else:
            raise ValueError("a password file, an ACL file and TLS come with a deployment, never alone")
        lines += [
            # Without TCP_NODELAY small messages wait for Nagle's algorithm (~40 ms here).
            "set_tcp_nodelay true",
            # The hub's persistent session must not drop QoS 1 bursts (the default is 1000).
            "max_queued_messages 100000",
            "max_inflight_messages 100",
            # Big enough that the hub, not the broker, answers an oversized payload with an error.
            "max_packet_size 2097152",
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


def start(config_path: Path) -> subprocess.Popen[bytes]:
    # Its own session, like the lobby's other children: `antre up` decides when it stops.
    return subprocess.Popen([mosquitto_binary(), "-c", str(config_path)], start_new_session=True)


def is_listening(host: str, port: int, timeout: float = 0.3) -> bool:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False
