"""The contract messages the counter reads, parsed into small typed records.

A malformed message raises ``Malformed`` (the caller drops it and logs the topic, never the
payload). Parsing is tolerant of extra fields: the contract may grow (e.g. per-ticket clocks).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shared.contract import topics as contract


class Malformed(ValueError):
    """A message that does not have the contract's shape."""


@dataclass(frozen=True)
class DeskSnapshot:
    """``counter/{desk}/state``: where the desk is now."""

    desk: str
    name: str
    status: str  # closed | idle | called | serving
    ticket: str | None
    service: str | None
    since: datetime | None


@dataclass(frozen=True)
class WaitingClock:
    """One waiting visitor's 10-minute clock as the hub publishes it (``clocks`` of a queue state):
    ``clock_started_at`` is None until the visitor before them has finished."""

    issued_at: datetime | None
    clock_started_at: datetime | None
    level: str | None  # None | "warning" | "breach": the highest reached


@dataclass(frozen=True)
class QueueSnapshot:
    """``queue/{service}/state``: the head of the queue (first 50 codes) and how many wait in all,
    with each code's clock when the hub sends them."""

    service: str
    name: str
    waiting: tuple[str, ...]
    count: int
    clocks: dict[str, WaitingClock] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class KioskPrinter:
    """``kiosk/{kiosk_id}/status``: a kiosk's printer as staff need to know it."""

    kiosk: str
    printer: str  # ready | paper_out | offline | unknown
    pending_reprint: str | None


DESK_STATUSES = ("closed", "idle", "called", "serving")


def _json(raw: bytes) -> dict[str, Any]:
    try:
        return contract.decode(raw)
    except contract.PayloadError as exc:
        raise Malformed(exc.code) from exc


def _time(value: object) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise Malformed("a time must be an ISO 8601 string")
    try:
        at = datetime.fromisoformat(value)
    except ValueError as exc:
        raise Malformed("a time must be ISO 8601") from exc
    if at.tzinfo is None:
        raise Malformed("a time must carry an offset")
    return at


def _opt_str(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is not None and not isinstance(value, str):
        raise Malformed(f"{key} must be a string or null")
    return value


def parse_desk_state(raw: bytes) -> DeskSnapshot:
    data = _json(raw)
    status = data.get("status")
    if status not in DESK_STATUSES or not isinstance(data.get("desk"), str):
        raise Malformed("a desk state needs desk and a known status")
    return DeskSnapshot(
        desk=data["desk"],
        name=str(data.get("name") or data["desk"]),
        status=status,
        ticket=_opt_str(data, "ticket"),
        service=_opt_str(data, "service"),
        since=_time(data.get("since")),
    )


def parse_queue_state(raw: bytes) -> QueueSnapshot:
    data = _json(raw)
    waiting = data.get("waiting")
    if not isinstance(data.get("service"), str) or not isinstance(waiting, list):
        raise Malformed("a queue state needs service and waiting")
    if not all(isinstance(code, str) for code in waiting):
        raise Malformed("waiting must list ticket codes")
    count = data.get("count", len(waiting))
    if type(count) is not int:
        raise Malformed("count must be an integer")
    name = str(data.get("name") or data["service"])
    return QueueSnapshot(data["service"], name, tuple(waiting), count, _clocks(data.get("clocks")))


def _clocks(items: object) -> dict[str, WaitingClock]:
    """The ``clocks`` list; an entry that cannot be read is left out (the code still shows)."""
    clocks: dict[str, WaitingClock] = {}
    for item in items if isinstance(items, list) else ():
        if not isinstance(item, dict) or not isinstance(item.get("ticket"), str):
            continue
        try:
            level = _opt_str(item, "level")
            clocks[item["ticket"]] = WaitingClock(
                _time(item.get("issued_at")), _time(item.get("clock_started_at")), level
            )
        except Malformed:
            continue
    return clocks


def parse_response(raw: bytes) -> dict[str, Any]:
    """A hub answer: ``{"request_id", "ok": true, ...}`` or ``{"request_id", "error": {...}}``."""
    data = _json(raw)
    if "error" in data:
        error = data["error"]
        if not isinstance(error, dict) or not isinstance(error.get("code"), str):
            raise Malformed("an error answer needs error.code")
    elif data.get("ok") is not True:
        raise Malformed("an answer is ok or an error")
    return data


def parse_kiosk_status(raw: bytes) -> KioskPrinter:
    data = _json(raw)
    if not isinstance(data.get("kiosk"), str) or not isinstance(data.get("printer"), str):
        raise Malformed("a kiosk status needs kiosk and printer")
    return KioskPrinter(data["kiosk"], data["printer"], _opt_str(data, "pending_reprint"))
