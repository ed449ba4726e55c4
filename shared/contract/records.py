"""The state and event messages of contract v1, parsed into one record type per topic.

Every app reads these topics through the parse function here (``parse_<topic>``), so the kiosk,
counter, display and rating screen drop the same malformed messages. A parse function raises
``PayloadError`` (``code`` stable and safe to log, ``message`` says why without quoting the
payload) and keeps no field it does not name, so a field added by a later hub never reaches a
screen by accident. Extra fields are tolerated: the contract may grow. What one app shows of a
record (a wall's name rule, a counter's clock) it derives from the record, never from the bytes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from shared.contract import fields
from shared.contract.topics import AUDIO_STATES, OFFLINE, ONLINE, PayloadError, decode

DESK_STATUSES = ("closed", "idle", "called", "serving")
CLOCK_LEVELS = ("warning", "breach")
_CALL_ID_MAX = 64


@dataclass(frozen=True)
class DeskState:
    """``counter/{desk}/state`` (retained): where a desk is now."""

    desk: str
    name: str | None  # the desk's name as the hub sent it; None when it sent none
    status: str  # closed | idle | called | serving
    ticket: str | None  # always set when called or serving
    service: str | None
    since: datetime | None


@dataclass(frozen=True)
class WaitingClock:
    """One waiting visitor's 10-minute clock (``clocks`` of a queue state): ``clock_started_at``
    is None until the visitor before them has finished."""

    issued_at: datetime | None
    clock_started_at: datetime | None
    level: str | None  # None | "warning" | "breach": the highest reached


@dataclass(frozen=True)
class QueueState:
    """``queue/{service}/state`` (retained): the head of the queue (the first
    ``QUEUE_STATE_HEAD`` codes), how many wait in all, and each listed code's clock."""

    service: str
    name: str | None  # the service's name as the hub sent it; None when it sent none
    waiting: tuple[str, ...]
    count: int
    clocks: Mapping[str, WaitingClock] = field(default_factory=dict, compare=False)  # by code


@dataclass(frozen=True)
class CallEvent:
    """``event/call``: a desk called (or called again) a ticket."""

    call_id: str
    ticket: str
    desk: str
    desk_name: str | None
    recall: bool


@dataclass(frozen=True)
class KioskStatus:
    """``kiosk/{kiosk_id}/status`` (retained): a kiosk's printer as staff need to know it."""

    kiosk: str
    printer: str  # ready | paper_out | offline | unknown
    pending_reprint: str | None


@dataclass(frozen=True)
class DisplayStatus:
    """``display/{display_id}/status`` (retained): a wall display's voice, for staff."""

    display: str
    audio: str  # ready | ok | failed | off
    detail: str | None


@dataclass(frozen=True)
class SlaAlert:
    """``alert/sla``: a waiting visitor's clock reached ``warning`` or ``breach``."""

    ticket: str
    service: str
    level: str
    clock_s: int
    at: datetime


@dataclass(frozen=True)
class RatePrompt:
    """``rate/{desk}/prompt`` (retained): rate ``ticket`` of business ``day``; ``ticket`` None
    clears the desk's rating screen."""

    prompt_id: str
    ticket: str | None
    day: date | None
    service: str | None
    desk: str
    desk_name: str | None
    at: datetime


def _level(data: dict[str, Any], key: str, topic_level: str | None) -> str:
    """The desk or service a message is about. The topic names it; a payload that names another
    one is not to be trusted. Without the topic's level, the payload must name it."""
    if topic_level is None:
        value = fields.text(data, key)
        if re.search(r"[/+#]", value):
            raise fields.malformed(key, f"{key} must be one topic level")
        return value
    if key in data and str(data[key]) != topic_level:
        raise PayloadError(f"{key}_mismatch", f"the payload's {key} is not the topic's")
    return topic_level


def parse_desk_state(raw: bytes, desk: str | None = None) -> DeskState:
    """``desk``: the topic's desk level, when the caller has it."""
    data = decode(raw)
    desk_id = _level(data, "desk", desk)
    status = data.get("status")
    if status not in DESK_STATUSES:
        raise fields.malformed("status", f"status must be one of {', '.join(DESK_STATUSES)}")
    ticket = fields.ticket(data, optional=True)
    if status in ("called", "serving") and ticket is None:
        raise PayloadError("missing_ticket", f"a {status} desk names its ticket")
    return DeskState(
        desk=desk_id,
        name=fields.opt_text(data, "name"),
        status=str(status),
        ticket=ticket,
        service=fields.opt_text(data, "service"),
        since=fields.time(data, "since"),
    )


def parse_queue_state(raw: bytes, service: str | None = None) -> QueueState:
    """``service``: the topic's service level, when the caller has it."""
    data = decode(raw)
    prefix = _level(data, "service", service)
    waiting = data.get("waiting")
    if not isinstance(waiting, list) or not all(isinstance(code, str) for code in waiting):
        raise fields.malformed("waiting", "waiting must list ticket codes")
    return QueueState(
        service=prefix,
        name=fields.opt_text(data, "name"),
        waiting=tuple(waiting),
        count=fields.count(data, "count"),
        clocks=_clocks(data.get("clocks")),
    )


def _clocks(items: object) -> dict[str, WaitingClock]:
    """The ``clocks`` list; an entry that cannot be read is left out (its code still shows)."""
    clocks: dict[str, WaitingClock] = {}
    for item in items if isinstance(items, list) else ():
        if not isinstance(item, dict) or not isinstance(item.get("ticket"), str):
            continue
        try:
            level = fields.opt_text(item, "level")
            clocks[item["ticket"]] = WaitingClock(
                fields.time(item, "issued_at"), fields.time(item, "clock_started_at"), level
            )
        except PayloadError:
            continue
    return clocks


def parse_call_event(raw: bytes) -> CallEvent:
    data = decode(raw)
    call_id = data.get("call_id")
    if not isinstance(call_id, str) or not 1 <= len(call_id) <= _CALL_ID_MAX:
        raise fields.malformed("call_id", f"call_id must be a string of 1-{_CALL_ID_MAX} characters")
    ticket = fields.ticket(data)
    assert ticket is not None  # not optional: never None
    recall = data.get("recall", False)
    if not isinstance(recall, bool):
        raise fields.malformed("recall", "recall must be true or false")
    return CallEvent(call_id, ticket, _level(data, "desk", None), fields.opt_text(data, "desk_name"), recall)


def parse_kiosk_status(raw: bytes) -> KioskStatus:
    data = decode(raw)
    return KioskStatus(
        kiosk=fields.text(data, "kiosk"),
        printer=fields.text(data, "printer"),
        pending_reprint=fields.opt_text(data, "pending_reprint"),
    )


def parse_display_status(raw: bytes) -> DisplayStatus:
    data = decode(raw)
    audio = data.get("audio")
    if audio not in AUDIO_STATES:
        raise fields.malformed("audio", f"audio must be one of {', '.join(AUDIO_STATES)}")
    return DisplayStatus(
        display=fields.text(data, "display"), audio=audio, detail=fields.opt_text(data, "detail")
    )


def parse_sla_alert(raw: bytes) -> SlaAlert:
    data = decode(raw)
    level = data.get("level")
    if level not in CLOCK_LEVELS:
        raise fields.malformed("level", f"level must be one of {', '.join(CLOCK_LEVELS)}")
    at = fields.time(data, "at")
    if at is None:
        raise fields.malformed("at", "at must be an ISO 8601 time with its offset")
    ticket = fields.ticket(data)
    assert ticket is not None
    return SlaAlert(ticket, fields.text(data, "service"), str(level), fields.count(data, "clock_s"), at)


def parse_rate_prompt(raw: bytes) -> RatePrompt:
    data = decode(raw)
    prompt_id = fields.text(data, "prompt_id")
    at = fields.time(data, "at")
    if at is None:
        raise fields.malformed("at", "at must be an ISO 8601 time with its offset")
    return RatePrompt(
        prompt_id=prompt_id,
        ticket=fields.ticket(data, optional=True),
        day=fields.day(data, "day", optional=True),
        service=fields.opt_text(data, "service"),
        desk=_level(data, "desk", None),
        desk_name=fields.opt_text(data, "desk_name"),
        at=at,
    )


def parse_presence(raw: bytes) -> bool:
    """``presence/{client_id}`` (retained, a plain word): ``True`` online, ``False`` offline."""
    word = raw.strip().decode("utf-8", errors="replace")
    if word not in (ONLINE, OFFLINE):
        raise fields.malformed("presence", f"presence must be {ONLINE} or {OFFLINE}")
    return word == ONLINE
