"""What a staff secret must look like, by role, and how it is hashed and checked.

An officer at a desk types a PIN on the counter's keypad: 6 to 8 ASCII digits (a 4-digit PIN fell
to guessing in hours; 6 digits under the sign-in throttle take years, ``broker.hub.signin_throttle``).
Supervisors and technicians open the console, which changes accounts and settings: they use a
passphrase of 12 to 128 characters with no control characters (spaces and any script allowed, so
a sentence in Bahasa Indonesia is a good one). Hashes are the salted PBKDF2-SHA256 strings of
``shared.domain.pins``, so a hash written by the TOML's one-liner keeps working.

A refusal is a ``SecretRefused`` with a stable ``code`` and a sentence in Indonesian and English.
``dummy_verify`` costs what a real check costs, for a sign-in with an unknown or inactive account:
known and unknown ids then take the same time.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from shared.domain import pins

OFFICER, SUPERVISOR, TECHNICIAN = "officer", "supervisor", "technician"
ROLES = (OFFICER, SUPERVISOR, TECHNICIAN)
PIN_MIN, PIN_MAX = 6, 8
PASSPHRASE_MIN, PASSPHRASE_MAX = 12, 128
_PIN = re.compile(rf"^[0-9]{{{PIN_MIN},{PIN_MAX}}}$")
_SHORT_PIN = re.compile(rf"^[0-9]{{1,{PIN_MIN - 1}}}$")

# code -> (Indonesian, English). Indonesian first: the console and the counter show it by default.
MESSAGES: dict[str, tuple[str, str]] = {
    "bad_role": (
        "Peran harus salah satu dari: petugas (officer), supervisor, teknisi (technician).",
        "The role must be one of: officer, supervisor, technician.",
    ),
    "pin_shape": (
        f"PIN petugas terdiri dari {PIN_MIN} sampai {PIN_MAX} angka (0-9), tanpa huruf atau spasi.",
        f"An officer's PIN is {PIN_MIN} to {PIN_MAX} digits (0-9), no letters or spaces.",
    ),
    "weak_pin": (
        f"PIN ini terlalu pendek (minimal {PIN_MIN} angka). Minta supervisor mengatur ulang PIN Anda.",
        f"This PIN is too short (at least {PIN_MIN} digits). Ask a supervisor to reset your PIN.",
    ),
    "passphrase_short": (
        f"Frasa sandi supervisor dan teknisi minimal {PASSPHRASE_MIN} karakter; "
        "sebuah kalimat pendek mudah diingat.",
        f"A supervisor's or technician's passphrase has at least {PASSPHRASE_MIN} characters; "
        "a short sentence is easy to remember.",
    ),
    "passphrase_long": (
        f"Frasa sandi paling panjang {PASSPHRASE_MAX} karakter.",
        f"A passphrase has at most {PASSPHRASE_MAX} characters.",
    ),
    "passphrase_control": (
        "Frasa sandi tidak boleh berisi karakter kontrol (tab, baris baru, dan sejenisnya).",
        "A passphrase may not hold control characters (tab, new line and the like).",
    ),
}


class SecretRefused(ValueError):
    """A PIN or passphrase that breaks the policy: ``code`` stable, ``message(language)`` for people."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(MESSAGES[code][1])

    def message(self, language: str = "id") -> str:
        indonesian, english = MESSAGES[self.code]
        return english if language == "en" else indonesian


def refusal_text(code: str, language: str = "id") -> str:
    """The sentence of a refusal ``code`` of ``MESSAGES``."""
    return SecretRefused(code).message(language)


def check_role(role: str) -> str:
    if role not in ROLES:
        raise SecretRefused("bad_role")
    return role


def uses_pin(role: str) -> bool:
    """Officers use a PIN on the keypad; supervisors and technicians a passphrase."""
    return check_role(role) == OFFICER


def check_secret(role: str, secret: str) -> None:
    """Raise ``SecretRefused`` unless ``secret`` may be set as the PIN or passphrase of ``role``."""
    if uses_pin(role):
        if not _PIN.match(secret):
            raise SecretRefused("pin_shape")
        return
    if len(secret) < PASSPHRASE_MIN:
        raise SecretRefused("passphrase_short")
    if len(secret) > PASSPHRASE_MAX:
        raise SecretRefused("passphrase_long")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Cs") for c in secret):  # Cf: invisible marks
        raise SecretRefused("passphrase_control")


def strong_pin(pin: str) -> bool:
    """A PIN as a desk requires it now: 6 to 8 ASCII digits."""
    return bool(_PIN.match(pin))


def short_pin(secret: str) -> bool:
    """Digits only but fewer than 6: an old PIN from before this policy (``weak_pin`` at sign-in)."""
    return bool(_SHORT_PIN.match(secret))


def hash_secret(role: str, secret: str, *, iterations: int = pins.ITERATIONS) -> str:
    """The stored form of a new PIN or passphrase, checked against the policy of ``role`` first."""
    check_secret(role, secret)
    return pins.hash_digits_or_text(secret, iterations=iterations)


def verify_secret(secret: str, stored: str) -> bool:
    return pins.verify_pin(secret, stored)


def dummy_verify(secret: str, iterations: int = pins.ITERATIONS) -> bool:
    """The cost of a real check against a hash nobody has: always ``False``."""
    verify_secret(secret, _dummy_hash(iterations))
    return False


@lru_cache(maxsize=4)
def _dummy_hash(iterations: int) -> str:
    return pins.hash_digits_or_text("not a secret of anyone", iterations=iterations)
