"""The site key: one secret kept off the database and the backups, from which the backup
encryption key, the access log's chain key and the keyed references to a person are derived.

The file (default ``/etc/antre/antre.key`` on an installed hub, 0600, owned by the ``antre`` user)
holds one line ``antre-key-v1 <base64 of 32 random bytes>``. Whoever has it can read every backup,
so it lives on the hub's system disk and on paper or a USB stick in the office safe, never in the
backup folder (docs/backup.md). Each use gets its own subkey (HKDF-SHA256 with its own label), so
a reference in the access log cannot be turned into a backup key or the other way round.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

HEADER = "antre-key-v1"
INSTALLED_KEY_FILE = Path("/etc/antre/antre.key")
KEY_BYTES = 32


class KeyFileError(Exception):
    """The key file is missing, unreadable or malformed; the message says what to do."""


@dataclass(frozen=True)
class SiteKey:
    secret: bytes = field(default=b"", repr=False)  # never in a traceback or a log

    def subkey(self, label: str) -> bytes:
        """A 32-byte key for one purpose (``label``), independent of the others."""
        return _derive(self.secret, label)

    @property
    def key_id(self) -> str:
        """A short public fingerprint: tells "another key" apart from "damaged" in a backup."""
        return hmac.new(self.subkey("antre key id v1"), b"id", hashlib.sha256).hexdigest()[:16]

    def person_ref(self, kind: str, value: str) -> str:
        """A keyed hash of a person's identifier (``kind`` "id_number" or "email", ``value``
        normalised by the caller): the same person gives the same ref, and without the key the
        ref cannot be reversed by trying every NIK."""
        mac = hmac.new(self.subkey("antre person ref v1"), f"{kind}:{value}".encode(), hashlib.sha256)
        return mac.hexdigest()


@functools.lru_cache(maxsize=32)
def _derive(secret: bytes, label: str) -> bytes:
    # Cached: the access log and an erasure replay derive the same subkey once per row.
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label.encode()).derive(secret)


def key_file(settings: Any | None = None) -> Path:
    """Where the site key is: ``ANTRE_KEY_FILE``, ``[security] key_file``, ``/etc/antre/antre.key``
    on an installed device (``/etc/antre`` exists), else ``antre.key`` in the data folder (a
    developer's machine: beside the database, but never in its ``backups`` folder)."""
    env = os.environ.get("ANTRE_KEY_FILE")
    if env:
        return Path(env).expanduser()
    if settings is not None:
        configured = settings.section("security").get("key_file")
        if configured:
            return Path(str(configured)).expanduser()
    if INSTALLED_KEY_FILE.parent.is_dir():
        return INSTALLED_KEY_FILE
    if settings is not None:
        return Path(settings.data_dir) / "antre.key"
    return Path(platformdirs.user_data_dir("antre")) / "antre.key"


def read_key(path: Path) -> SiteKey:
    """The key in ``path``; ``KeyFileError`` in plain words when it is not there or not a key."""
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError as exc:
        raise KeyFileError(f"there is no site key at {path} (antre setup --role hub makes one)") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyFileError(f"the site key {path} cannot be read ({type(exc).__name__})") from exc
    header, _, body = text.partition(" ")
    try:
        secret = base64.b64decode(body, validate=True)
    except ValueError:
        secret = b""
    if header != HEADER or len(secret) != KEY_BYTES:
        raise KeyFileError(f"{path} is not an Antre site key")
    return SiteKey(secret)


def create_key(path: Path) -> SiteKey:
    """Write a new random key to ``path`` (0600, never over an existing file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_bytes(KEY_BYTES)
    # O_EXCL: two commands starting at once must not each write a different key.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key_text(SiteKey(secret)) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return SiteKey(secret)


def key_text(key: SiteKey) -> str:
    """The one line of the key file (what the technician copies to paper for recovery)."""
    return f"{HEADER} {base64.b64encode(key.secret).decode('ascii')}"


def load_or_create(path: Path) -> tuple[SiteKey, bool]:
    """The key in ``path``, made first when there is none; ``True`` when it was just made."""
    try:
        return read_key(path), False
    except KeyFileError:
        if path.exists():
            raise
    try:
        return create_key(path), True
    except FileExistsError:  # another command made it a moment ago
        return read_key(path), False
    except OSError as exc:  # e.g. /etc/antre is root's: the installer makes the key, not a timer
        raise KeyFileError(
            f"there is no site key at {path} and it cannot be made there ({exc.strerror}); "
            "run `sudo antre setup --role hub`"
        ) from exc
