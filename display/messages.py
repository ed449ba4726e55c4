"""The contract messages the display reads, checked and reduced to what a wall may show.

Only ticket codes, desk names, service names and counts come out of here: the topics the display
reads carry no personal data, and these parsers keep no field they do not name. A message that
breaks the contract raises ``Malformed`` with a stable reason (never its contents).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.contract import topics as contract

DESK_STATUSES = ("closed", "idle", "called", "serving")
# Contract v1 codes are "A-001"; up to 6 digits leaves room for a busy day without a new rule.
_TICKET = re.compile(r"^[A-Z]{1,3}-\d{3,6}$")
_NAME_MAX = 60  # a desk or service name longer than this is not one the hub's config would make
_CALL_ID_MAX = 64


class Malformed(ValueError):
    """A message the display ignores; ``reason`` is safe to log (it never quotes the payload)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class DeskState:
    desk: str
    name: str | None
    status: str
    ticket: str | None
    since: datetime | None


@dataclass(frozen=True)
class QueueState:
    service: str
    name: str | None
    count: int
    late: int = 0  # waiting visitors past the 10-minute standard (clocks at "breach")
    near: int = 0  # ... and past its warning (8 minutes), not yet breached


@dataclass(frozen=True)
class CallEvent:
    call_id: str
    ticket: str
    desk: str
    desk_name: str | None
    recall: bool


def _decode(raw: bytes) -> dict[str, Any]:
    try:
        return contract.decode(raw)
    except contract.PayloadError as exc:
        raise Malformed(exc.code) from None


def _ticket(data: dict[str, Any], key: str, *, optional: bool) -> str | None:
    value = data.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not _TICKET.match(value):
        raise Malformed(f"bad_{key}")
    return value


def _name(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > _NAME_MAX or not value.isprintable():
        raise Malformed(f"bad_{key}")
    return value.strip()


def _since(data: dict[str, Any]) -> datetime | None:
    value = data.get("since")
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        raise Malformed("bad_since")
    return parsed


def _same_level(data: dict[str, Any], key: str, expected: str) -> None:
    # The topic names the desk or service; a payload that names another one is not to be trusted.
    if key in data and str(data[key]) != expected:
        raise Malformed(f"{key}_mismatch")


def parse_desk_state(desk: str, raw: bytes) -> DeskState:
    data = _decode(raw)
    _same_level(data, "desk", desk)
    status = data.get("status")
    if status not in DESK_STATUSES:
        raise Malformed("bad_status")
    ticket = _ticket(data, "ticket", optional=True)
    if status in ("called", "serving") and ticket is None:
        raise Malformed("missing_ticket")
    return DeskState(desk, _name(data, "name"), status, ticket, _since(data))


def parse_queue_state(service: str, raw: bytes) -> QueueState:
    data = _decode(raw)
    _same_level(data, "service", service)
    count = data.get("count")
    if type(count) is not int or count < 0:
        raise Malformed("bad_count")
    levels = [c.get("level") for c in data.get("clocks") or [] if isinstance(c, dict)]
    return QueueState(
        service, _name(data, "name"), count, late=levels.count("breach"), near=levels.count("warning")
    )


def parse_call_event(raw: bytes) -> CallEvent:
    data = _decode(raw)
    call_id = data.get("call_id")
    if not isinstance(call_id, str) or not 1 <= len(call_id) <= _CALL_ID_MAX:
        raise Malformed("bad_call_id")
    ticket = _ticket(data, "ticket", optional=False)
    assert ticket is not None  # optional=False never gives None
    desk = data.get("desk")
    if not isinstance(desk, str) or not desk or re.search(r"[/+#]", desk):
        raise Malformed("bad_desk")
    recall = data.get("recall", False)
    if not isinstance(recall, bool):
        raise Malformed("bad_recall")
    return CallEvent(call_id, ticket, desk, _name(data, "desk_name"), recall)


def parse_presence(raw: bytes) -> bool:
    """``True`` for ``online``, ``False`` for ``offline``."""
    word = raw.strip().decode("utf-8", errors="replace")
    if word not in (contract.ONLINE, contract.OFFLINE):
        raise Malformed("bad_presence")
    return word == contract.ONLINE
