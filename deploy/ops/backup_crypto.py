"""Backups encrypted at rest: AES-256-GCM in 1 MiB chunks (the STREAM construction), with
``cryptography`` (the Python Cryptographic Authority's library, OpenSSL underneath).

Why this and not age/Fernet: ``cryptography`` is already the most widely kept crypto library in
Python (pip, Paramiko and most of the ecosystem depend on it; wheels for x86_64 and aarch64), and
AES-GCM with a per-file key needs no second format or tool. Fernet would hold the whole file in
memory (or base64-inflate every chunk by a third) and has no streaming form; ``pyrage`` (age) is a
thinner binding with fewer hands on it, and age's identity files would be a second key to keep.

Format: a 36-byte header (``MAGIC``, the site key's 8-byte id, a 16-byte random salt, the chunk
size), then the chunks. Each chunk is sealed under a key derived for this file (HKDF of the site
key's backup subkey with the salt), with a nonce of its 11-byte index and a last-chunk flag, and
the header as associated data: a changed byte, a swapped, dropped or appended chunk, a cut-off
end or a changed header all fail the tag check, and the file is refused as a whole.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from shared.store.keys import SiteKey

MAGIC = b"ANTREBK\x01"
CHUNK = 1 << 20
TAG = 16
SUFFIX = ".enc"
_HEADER_LEN = len(MAGIC) + 8 + 16 + 4


class DecryptError(Exception):
    """The backup cannot be decrypted; the message says why in plain words."""


def is_encrypted(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC


def encrypt_file(source: Path, target: Path, key: SiteKey) -> None:
    """Write ``source`` encrypted to ``target`` (created 0600, fsynced)."""
    salt = secrets.token_bytes(16)
    header = MAGIC + bytes.fromhex(key.key_id) + salt + CHUNK.to_bytes(4, "big")
    cipher = AESGCM(_file_key(key, salt))
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with source.open("rb") as plain, os.fdopen(fd, "wb") as out:
        out.write(header)
        index = 0
        chunk = plain.read(CHUNK)
        while True:
            following = plain.read(CHUNK)  # one chunk ahead: the last one is sealed as last
            last = not following
            out.write(cipher.encrypt(_nonce(index, last), chunk, header))
            if last:
                break
            chunk, index = following, index + 1
        out.flush()
        os.fsync(out.fileno())


def decrypt_file(source: Path, target: Path, key: SiteKey) -> None:
    """Write the plain database of the encrypted backup ``source`` to ``target`` (0600), every
    chunk checked; ``DecryptError`` (and ``target`` removed) when anything does not check out."""
    try:
        with source.open("rb") as encrypted:
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as out:
                _decrypt_stream(encrypted, out, key, source.name)
                out.flush()
                os.fsync(out.fileno())
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def _decrypt_stream(encrypted: BinaryIO, out: BinaryIO, key: SiteKey, name: str) -> None:
    header = encrypted.read(_HEADER_LEN)
    if len(header) < _HEADER_LEN or not header.startswith(MAGIC):
        raise DecryptError(f"{name} is not an encrypted Antre backup (or its beginning is damaged)")
    key_id = header[len(MAGIC) : len(MAGIC) + 8].hex()
    if key_id != key.key_id:
        raise DecryptError(
            f"{name} was encrypted with another site key (key id {key_id}; this one is {key.key_id}): "
            "put that key's file in place (docs/backup.md, recovering the key) and run it again"
        )
    salt = header[len(MAGIC) + 8 : len(MAGIC) + 24]
    size = int.from_bytes(header[len(MAGIC) + 24 :], "big")
    if not 0 < size <= 64 * CHUNK:
        raise DecryptError(f"{name} is damaged or was altered (its header does not check out)")
    cipher = AESGCM(_file_key(key, salt))
    index = 0
    sealed = encrypted.read(size + TAG)
    while True:
        following = encrypted.read(size + TAG)
        last = not following
        try:
            out.write(cipher.decrypt(_nonce(index, last), sealed, header))
        except InvalidTag as exc:
            raise DecryptError(
                f"{name} is damaged or was altered (part {index + 1} does not check out); it was not restored"
            ) from exc
        if last:
            return
        sealed, index = following, index + 1


def _file_key(key: SiteKey, salt: bytes) -> bytes:
    kdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"antre backup file v1")
    return kdf.derive(key.subkey("antre backup v1"))


def _nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")
