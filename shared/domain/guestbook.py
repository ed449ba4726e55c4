"""The guestbook's rules: what a valid entry is, checked the same way on the kiosk form (to show the
error on the field) and in the hub (so a rogue client cannot store junk).

Each problem is a stable code per field (``"id_number": "nik_invalid"``); the apps turn codes into
words in the visitor's language. Pure functions: python-stdnum knows the NIK rules, and
email-validator checks the address syntax (no DNS lookup: the kiosk has no internet).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

from email_validator import EmailNotValidError, validate_email
from stdnum.id import nik

ID_TYPES = ("ktp", "sim", "paspor", "lainnya")
FIELDS = ("name", "id_type", "id_number", "email", "phone", "institution", "purpose")
REQUIRED = ("name", "id_type", "id_number", "email", "purpose")
LIMITS = {
    "name": (2, 100),
    "id_type": (1, 10),
    "id_number": (4, 32),
    "email": (3, 254),
    "phone": (8, 20),
    "institution": (2, 120),
    "purpose": (5, 500),
}
# Unicode categories no visitor types on purpose: controls (Cc), format characters (Cf: the
# invisible joiners, marks, BOM, soft hyphen, bidirectional overrides), lone surrogates (Cs: they
# cannot even be stored as UTF-8), private use (Co), unassigned (Cn), line/paragraph separators.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
# Patterns use [0-9], not \d (which takes any script's digits), and fullmatch (``$`` lets a
# trailing newline through).
_NIK = re.compile(r"[0-9]{16}")
_SIM = re.compile(r"[0-9]{12,14}")  # Indonesian driving licence numbers: 12 (old) to 14 digits
_PASSPORT = re.compile(r"[A-Z0-9]{6,12}")
_OTHER_ID = re.compile(r"[A-Za-z0-9./ -]{4,32}")
_PHONE = re.compile(r"\+?[0-9]{8,15}")


def compact_number(number: str) -> str:
    """An ID number as people type it, without the spaces, dots and dashes."""
    return re.sub(r"[ .-]", "", number.strip())


def has_control_chars(value: str) -> bool:
    """True when ``value`` holds a control, invisible/format, surrogate or unassigned character."""
    return any(unicodedata.category(ch) in _REFUSED_CATEGORIES for ch in value)


def clean(fields: Mapping[str, object]) -> dict[str, str]:
    """Trimmed text for every field; spaces and dashes dropped from numbers as people type them."""
    out = {name: str(fields.get(name) or "").strip() for name in FIELDS}
    out["id_type"] = out["id_type"].lower()
    # Only spaces and separators are tidied; a tab or newline inside stays, to be refused.
    if out["id_type"] in ("ktp", "sim"):
        out["id_number"] = compact_number(out["id_number"])
    elif out["id_type"] == "paspor":
        out["id_number"] = out["id_number"].replace(" ", "").upper()
    out["phone"] = re.sub(r"[ ().-]", "", out["phone"])
    out["name"] = re.sub(r" {2,}", " ", out["name"])
    out["email"] = out["email"].lower()  # looked up case-insensitively by returning visitors
    return out


def field_problem(name: str, value: str) -> str | None:
    """The code of what is wrong with one field on its own (``None`` when fine)."""
    if not value:
        return "required" if name in REQUIRED else None
    if has_control_chars(value):
        return "control_chars"
    low, high = LIMITS[name]
    if len(value) < low:
        return "too_short"
    if len(value) > high:
        return "too_long"
    if name == "id_type" and value not in ID_TYPES:
        return "id_type_unknown"
    if name == "email":
        try:
            validate_email(value, check_deliverability=False)
        except EmailNotValidError:
            return "email_invalid"
    if name == "phone" and not _PHONE.fullmatch(value):
        return "phone_invalid"
    return None


def field_errors(fields: Mapping[str, str]) -> dict[str, str]:
    """``{field: code}`` for every problem in an already ``clean``-ed entry; empty when valid."""
    errors = {name: code for name in FIELDS if (code := field_problem(name, fields.get(name, "")))}
    if "id_number" not in errors and "id_type" not in errors and fields.get("id_number"):
        problem = id_number_problem(fields["id_type"], fields["id_number"])
        if problem:
            errors["id_number"] = problem
    return errors


def id_number_problem(id_type: str, number: str) -> str | None:
    if id_type == "ktp":
        if not _NIK.fullmatch(number):
            return "nik_length"
        return None if nik.is_valid(number) else "nik_invalid"
    if id_type == "sim":
        return None if _SIM.fullmatch(number) else "sim_invalid"
    if id_type == "paspor":
        return None if _PASSPORT.fullmatch(number) else "passport_invalid"
    return None if _OTHER_ID.fullmatch(number) else "id_invalid"


def mask_id(number: str) -> str:
    """Staff screens show only the last 4 characters: ``************0001``."""
    return "*" * max(len(number) - 4, 0) + number[-4:]


def initial(name: str) -> str:
    """The first letter of a name, upper case: ``Siti Aminah`` -> ``S`` (``""`` for none)."""
    return next((c.upper() for c in name if c.isalpha()), "")


def mask_text(text: str) -> str:
    """Each word's first letter only: ``Siti Aminah`` -> ``S*** A*****``."""
    return " ".join(word[:1] + "*" * (len(word) - 1) for word in text.split())


def mask_email(email: str) -> str:
    """``siti@example.id`` -> ``s***@example.id``: enough for its owner to recognise."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}{'*' * max(len(local) - 1, 1)}@{domain}"
