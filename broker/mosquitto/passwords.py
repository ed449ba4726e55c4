"""Device passwords: made once, kept in a secrets file only its owner can read, and hashed into
Mosquitto's password file.

The hash is Mosquitto's own ``$7$`` format (PBKDF2-SHA512, as ``mosquitto_passwd`` writes it), made
here so that generating twice from the same secrets gives the same file: a line whose hash still
matches its password is kept as it is instead of being salted anew.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path

from shared.config import ConfigError

# mosquitto_passwd's default. The passwords are random (32 characters, ~190 bits), so stretching
# adds nothing against guessing and a higher count would only slow every connect.
ITERATIONS = 101
_SALT_BYTES = 12
_SAFE = re.compile(r"^[A-Za-z0-9_.-]+$")


def hash_password(password: str, salt: bytes | None = None, iterations: int = ITERATIONS) -> str:
    """``$7$<iterations>$<salt>$<digest>``, base64, as Mosquitto 2 reads it."""
    salt = salt if salt is not None else os.urandom(_SALT_BYTES)
    digest = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, iterations, 64)
    return f"$7${iterations}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def verify_password(password: str, hashed: str) -> bool:
    """Whether ``hashed`` (a ``$7$`` or ``$6$`` Mosquitto hash) is of ``password``."""
    parts = hashed.split("$")
    try:
        if len(parts) == 5 and parts[1] == "7":
            salt, digest = base64.b64decode(parts[3]), base64.b64decode(parts[4])
            made = hashlib.pbkdf2_hmac("sha512", password.encode(), salt, int(parts[2]), len(digest))
            return hmac.compare_digest(made, digest)
        if len(parts) == 4 and parts[1] == "6":  # mosquitto 1.x: one SHA-512 over password + salt
            salt, digest = base64.b64decode(parts[2]), base64.b64decode(parts[3])
            return hmac.compare_digest(hashlib.sha512(password.encode() + salt).digest(), digest)
    except ValueError:
        return False
    return False


def load_secrets(path: Path) -> dict[str, str]:
    """``{device id: password}`` from the secrets file (``{}`` when it does not exist yet)."""
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    passwords = data.get("passwords", {})
    if not isinstance(passwords, dict) or not all(isinstance(v, str) for v in passwords.values()):
        raise ConfigError(f"{path}: [passwords] must map device ids to strings")
    return dict(passwords)


def ensure_secrets(path: Path, device_ids: Iterable[str]) -> dict[str, str]:
    """A password for every device: existing ones kept, new ones made, removed devices dropped
    (a retired device's password must not stay usable). Written (mode 0600) only if changed."""
    current = load_secrets(path)
    wanted = {i: current.get(i) or secrets.token_urlsafe(24) for i in device_ids}
    if wanted != current:
        lines = [
            "# Antre's MQTT device passwords (`antre broker` made them; keep this file private).",
            "# A device connects as mqtt[s]://<id>:<password>@<broker>:<port>.",
            "[passwords]",
        ]
        lines += [f'"{i}" = "{p}"' for i, p in wanted.items()]
        write_private(path, "\n".join(lines) + "\n")
    return wanted


def render_password_file(passwords: Mapping[str, str], previous: str = "") -> str:
    """Mosquitto's ``password_file`` text; a previous line whose hash still matches is reused."""
    old = dict(line.split(":", 1) for line in previous.splitlines() if ":" in line)
    lines = []
    for user, password in passwords.items():
        if not _SAFE.match(user):
            raise ConfigError(f"{user!r} cannot be a Mosquitto user name")
        hashed = old.get(user, "")
        if not verify_password(password, hashed):
            hashed = hash_password(password)
        lines.append(f"{user}:{hashed}")
    return "\n".join(lines) + "\n"


def write_password_file(path: Path, passwords: Mapping[str, str]) -> Path:
    previous = path.read_text(encoding="utf-8") if path.exists() else ""
    text = render_password_file(passwords, previous)
    if text != previous:
        write_private(path, text)
    return path


def give_to_dir_owner(target: int | Path, directory: Path) -> None:
    """Run as root (``sudo antre broker url ...``), hand a new file to the owner of the data dir:
    the antre-broker service runs as that user and must still be able to read it."""
    if os.geteuid() != 0:
        return
    owner = directory.stat()
    if isinstance(target, int):
        os.fchown(target, owner.st_uid, owner.st_gid)
    else:
        os.chown(target, owner.st_uid, owner.st_gid)


def write_private(path: Path, text: str) -> None:
    """Write ``text`` readable by its owner only, replacing the file in one step (a reader never
    sees half a file, and the data never sits in a file with wider permissions)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an old leftover tmp file keeps its mode through O_CREAT
    give_to_dir_owner(fd, path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(text)
        file.flush()
        os.fsync(file.fileno())
    os.replace(tmp, path)
