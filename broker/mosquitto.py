"""``antre broker``: write a Mosquitto config tuned for Antre and run Debian's ``mosquitto``.

The demo config listens on loopback only, anonymous; the deployment config (password file and
per-role ACL) arrives with the deploy issue.
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
class BrokerConfig:
    port: int
    host: str = "127.0.0.1"
    persistence_dir: Path | None = None
    log_file: Path | None = None

    def render(self) -> str:
        lines = [
            "# Written by `antre broker`; edits are overwritten.",
            "per_listener_settings false",
            f"listener {self.port} {self.host}",
            "allow_anonymous true",
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
