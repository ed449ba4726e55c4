"""The guestbook's rules: what a valid entry is, checked the same way on the kiosk form (to show the
error on the field) and in the hub (so a rogue client cannot store junk).

Each problem is a stable code per field (``"id_number": "nik_invalid"``); the apps turn codes into
words in the visitor's language. Pure functions: python-stdnum knows the NIK rules, and
email-validator checks the address syntax (no DNS lookup: the kiosk has no internet).
"""

from __future__ import annotations

import re
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
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")
_SIM = re.compile(r"^\d{12,14}$")  # Indonesian driving licence numbers: 12 (old) to 14 digits
_PASSPORT = re.compile(r"^[A-Z0-9]{6,12}$")
_OTHER_ID = re.compile(r"^[A-Za-z0-9./ -]{4,32}$")
_PHONE = re.compile(r"^\+?[0-9]{8,15}$")


def clean(fields: Mapping[str, object]) -> dict[str, str]:
    """Trimmed text for every field; spaces and dashes dropped from numbers as people type them."""
    out = {name: str(fields.get(name) or "").strip() for name in FIELDS}
    out["id_type"] = out["id_type"].lower()
    # Only spaces and separators are tidied; a tab or newline inside stays, to be refused.
    if out["id_type"] in ("ktp", "sim"):
        out["id_number"] = re.sub(r"[ .-]", "", out["id_number"])
    elif out["id_type"] == "paspor":
        out["id_number"] = out["id_number"].replace(" ", "").upper()
    out["phone"] = re.sub(r"[ ().-]", "", out["phone"])
    out["name"] = re.sub(r" {2,}", " ", out["name"])
    return out


def field_errors(fields: Mapping[str, str]) -> dict[str, str]:
    """``{field: code}`` for every problem in an already ``clean``-ed entry; empty when valid."""
    errors: dict[str, str] = {}
    for name in FIELDS:
        value = fields.get(name, "")
        if not value:
            if name in REQUIRED:
                errors[name] = "required"
            continue
        if _CONTROL.search(value):
            errors[name] = "control_chars"
            continue
        low, high = LIMITS[name]
        if len(value) < low:
            errors[name] = "too_short"
        elif len(value) > high:
            errors[name] = "too_long"
    if "id_type" not in errors and fields.get("id_type") and fields["id_type"] not in ID_TYPES:
        errors["id_type"] = "id_type_unknown"
    if "id_number" not in errors and "id_type" not in errors and fields.get("id_number"):
        problem = id_number_problem(fields["id_type"], fields["id_number"])
        if problem:
            errors["id_number"] = problem
    if "email" not in errors and fields.get("email"):
        try:
            validate_email(fields["email"], check_deliverability=False)
        except EmailNotValidError:
            errors["email"] = "email_invalid"
    if "phone" not in errors and fields.get("phone") and not _PHONE.match(fields["phone"]):
        errors["phone"] = "phone_invalid"
    return errors


def id_number_problem(id_type: str, number: str) -> str | None:
    if id_type == "ktp":
        if not number.isdigit() or len(number) != 16:
            return "nik_length"
        return None if nik.is_valid(number) else "nik_invalid"
    if id_type == "sim":
        return None if _SIM.match(number) else "sim_invalid"
    if id_type == "paspor":
        return None if _PASSPORT.match(number) else "passport_invalid"
    return None if _OTHER_ID.match(number) else "id_invalid"


def mask_id(number: str) -> str:
    """Staff screens show only the last 4 characters: ``************0001``."""
    return "*" * max(len(number) - 4, 0) + number[-4:]
