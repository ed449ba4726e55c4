"""Officer PINs (and the console's passphrases): stored only as salted PBKDF2-SHA256 hashes.

The policy of what a PIN or passphrase must look like is ``shared.domain.secrets_policy``;
``hash_pin`` applies the desk's (6 to 8 digits). ``valid_pin`` is wider (4 to 8 digits): what a
counter lets an officer type, so that one whose PIN is from before the 6-digit rule is told by the
hub to have it reset (``weak_pin``) rather than that it has a wrong shape.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets

ITERATIONS = 120_000  # ~0.1 s on a Raspberry Pi 4: slow for a guesser, fine for a sign-in
_TYPED = re.compile(r"^\d{4,8}$")
_PIN = re.compile(r"^[0-9]{6,8}$")  # shared.domain.secrets_policy.PIN_MIN / PIN_MAX


def valid_pin(pin: str) -> bool:
    """A PIN the counter sends to the hub (old 4- and 5-digit ones included)."""
    return bool(_TYPED.match(pin))


def hash_pin(pin: str, *, iterations: int = ITERATIONS) -> str:
    if not _PIN.match(pin):
        raise ValueError("a PIN is 6 to 8 digits")
    return hash_digits_or_text(pin, iterations=iterations)


def hash_digits_or_text(secret: str, *, iterations: int = ITERATIONS) -> str:
    """The stored form of any secret, with no policy check (``secrets_policy.hash_secret`` checks)."""
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", secret.encode(), salt, iterations)
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
