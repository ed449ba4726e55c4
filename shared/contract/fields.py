"""Field readers the contract's parsers share.

Each raises ``PayloadError`` with a stable ``code`` (``bad_<field>``) and a message that names the
field and never quotes its value: a payload may carry personal data, and clients log the message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from shared.contract.codec import PayloadError

# Contract v1 codes are "A-001" (a service prefix of 1-3 capitals, shared.domain.queue); up to
# 6 digits leaves room for a busy day without a new rule.
TICKET_CODE = re.compile(r"[A-Z]{1,3}-[0-9]{3,6}")


def malformed(field: str, message: str) -> PayloadError:
    return PayloadError(f"bad_{field}", message)


def obj(value: object, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise malformed(field, f"{field} must be a JSON object")
    return value


def text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value:
        raise malformed(key, f"{key} must be a non-empty string")
    return value


def opt_text(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise malformed(key, f"{key} must be a string or null")
    return value


def ticket(data: Mapping[str, Any], key: str = "ticket", *, optional: bool = False) -> str | None:
    value = data.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not TICKET_CODE.fullmatch(value):
        raise malformed(key, f"{key} must be a ticket code such as A-001")
    return value


def time(data: Mapping[str, Any], key: str) -> datetime | None:
    """An ISO 8601 time with its offset, or ``None`` when absent or null."""
    value = data.get(key)
    if value is None:
        return None
    try:
        at = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        at = None
    if at is None or at.tzinfo is None:
        raise malformed(key, f"{key} must be an ISO 8601 time with its offset")
    return at


def day(data: Mapping[str, Any], key: str, *, optional: bool = False) -> date | None:
    value = data.get(key)
    if value is None and optional:
        return None
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise malformed(key, f"{key} must be a date such as 2026-11-24")


def count(data: Mapping[str, Any], key: str) -> int:
    # type() rather than isinstance(): JSON true is not a count.
    value = data.get(key)
    if type(value) is not int or value < 0:
        raise malformed(key, f"{key} must be a whole number, 0 or more")
    return value
