"""Officer PINs: checked for shape, stored only as salted PBKDF2-SHA256 hashes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

ITERATIONS = 120_000  # ~0.1 s on a Raspberry Pi 4: slow for a guesser, fine for a sign-in
_PIN = re.compile(r"^\d{4,8}$")


def valid_pin(pin: str) -> bool:
    return bool(_PIN.match(pin))


def hash_pin(pin: str, *, iterations: int = ITERATIONS) -> str:
    if not valid_pin(pin):
        raise ValueError("a PIN is 4 to 8 digits")
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, iterations)
    return f"pbkdf2_sha256${iterations}${_b64(salt)}${_b64(digest)}"


def verify_pin(pin: str, stored: str) -> bool:
    try:
        scheme, iterations, salt, digest = stored.split("$")
        if scheme != "pbkdf2_sha256":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.pbkdf2_hmac("sha256", pin.encode(), base64.b64decode(salt), int(iterations))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
