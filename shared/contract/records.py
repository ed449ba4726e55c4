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
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shared.contract import fields
from shared.contract.codec import PayloadError, decode
from shared.contract.payloads import AUDIO_STATES
from shared.contract.topic_table import OFFLINE, ONLINE
from shared.domain.idle_desks import live_seconds
from shared.domain.timing import Range, parse_ranges

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
    priority: bool = False  # the ticket is a priority-lane one (docs/queue.md): the mark, not the order
    parked: tuple[str, ...] = ()  # the codes parked at this desk (``hold``), who come back to it


@dataclass(frozen=True)
class WaitingClock:
    """One waiting visitor's 10-minute clock (``clocks`` of a queue state): ``clock_started_at``
    is None until the visitor before them has finished."""

    issued_at: datetime | None
    clock_started_at: datetime | None
    level: str | None  # None | "warning" | "breach": the highest reached
    idle_desk_s: float = 0  # waited while a desk serving the queue was idle, up to ``updated_at``


@dataclass(frozen=True)
class QueueState:
    """``queue/{service}/state`` (retained): the head of the queue (the first
    ``QUEUE_STATE_HEAD`` codes), how many wait in all, and each listed code's clock."""

    service: str
    name: str | None  # the service's name as the hub sent it; None when it sent none
    waiting: tuple[str, ...]
    count: int
    clocks: Mapping[str, WaitingClock] = field(default_factory=dict, compare=False)  # by code
    priority: frozenset[str] = frozenset()  # the codes of ``waiting`` that are priority tickets
    idle_desks: tuple[str, ...] = ()  # desks serving the queue open and idle at ``updated_at``
    updated_at: datetime | None = None

    def idle_desk_seconds(self, code: str, now: datetime) -> float:
        """How long ``code`` has waited while a desk serving the queue was open and idle, read at
        ``now``: the published figure, running on while a desk is still idle (0: unknown)."""
        clock = self.clocks.get(code)
        if clock is None:
            return 0.0
        if self.updated_at is None:
            return clock.idle_desk_s
        return live_seconds(clock.idle_desk_s, self.updated_at, now, bool(self.idle_desks))


@dataclass(frozen=True)
class CallEvent:
    """``event/call``: a desk called (or called again) a ticket."""

    call_id: str
    ticket: str
    desk: str
    desk_name: str | None
    recall: bool
    priority: bool = False  # a priority-lane ticket: the display shows the mark, the voice says it


@dataclass(frozen=True)
class KioskStatus:
    """``kiosk/{kiosk_id}/status`` (retained): a kiosk's printer as staff need to know it."""

    kiosk: str
    printer: str  # ready | paper_out | offline | unknown
    pending_reprint: str | None
    audio: str | None = None  # the spoken guide's sound: ready | ok | failed | off; None: not told
    audio_detail: str | None = None  # why it failed (the player's own words)


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


@dataclass(frozen=True)
class SiteSchedule:
    """``site/schedule`` (retained): the office's opening ranges per date, as the hub has them."""

    tz: ZoneInfo
    days: Mapping[date, tuple[Range, ...]]  # empty ranges: closed that day
    updated_at: datetime | None = None


_SCHEDULE_DAYS_MAX = 400  # a hub sends 31; more is not a schedule


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
        priority=_flag(data, "priority"),
        parked=_codes(data.get("parked")),
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
        priority=frozenset(_codes(data.get("priority"))) & frozenset(waiting),
        idle_desks=_desks(data.get("idle_desks")),
        updated_at=_opt_time(data, "updated_at"),
    )


def _desks(items: object) -> tuple[str, ...]:
    """The ``idle_desks`` list (a newer field): desk ids; anything else is left out."""
    return tuple(
        desk
        for desk in (items if isinstance(items, list) else ())
        if isinstance(desk, str) and 0 < len(desk) <= 16 and not re.search(r"[/+#]", desk)
    )


def _opt_time(data: dict[str, Any], key: str) -> datetime | None:
    """A time the record can do without: a malformed one reads as unknown."""
    try:
        return fields.time(data, key)
    except PayloadError:
        return None


def _seconds(item: dict[str, Any], key: str) -> float:
    """A newer count of seconds: missing or not a number of seconds reads as 0."""
    value = item.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < 10**7:
        return 0.0
    return float(value)


def _codes(items: object) -> tuple[str, ...]:
    """A list of ticket codes from a newer field (``parked``, ``priority``): an entry that is not a
    code is left out, and a missing or malformed list is empty (an older hub sends none)."""
    return tuple(
        code
        for code in (items if isinstance(items, list) else ())
        if isinstance(code, str) and fields.TICKET_CODE.fullmatch(code)
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
                fields.time(item, "issued_at"),
                fields.time(item, "clock_started_at"),
                level,
                _seconds(item, "idle_desk_s"),
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
    recall = _flag(data, "recall")
    desk = _level(data, "desk", None)
    desk_name = fields.opt_text(data, "desk_name")
    return CallEvent(call_id, ticket, desk, desk_name, recall, _flag(data, "priority"))


def _flag(data: dict[str, Any], key: str) -> bool:
    """A true/false field; left out means false (a hub from before the field existed)."""
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise fields.malformed(key, f"{key} must be true or false")
    return value


def parse_kiosk_status(raw: bytes) -> KioskStatus:
    data = decode(raw)
    audio = data.get("audio")
    if audio is not None and audio not in AUDIO_STATES:
        raise fields.malformed("audio", f"audio must be one of {', '.join(AUDIO_STATES)}")
    return KioskStatus(
        kiosk=fields.text(data, "kiosk"),
        printer=fields.text(data, "printer"),
        pending_reprint=fields.opt_text(data, "pending_reprint"),
        audio=audio,
        audio_detail=fields.opt_text(data, "audio_detail"),
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


def parse_site_schedule(raw: bytes) -> SiteSchedule:
    """The whole schedule or ``PayloadError``: one unreadable day refuses it all (a reader keeps
    the schedule it had rather than guess a day's hours)."""
    data = decode(raw)
    name = data.get("tz")
    try:
        if not isinstance(name, str) or not 0 < len(name) <= 64:
            raise ValueError(name)
        tz = ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError):
        raise fields.malformed("tz", "tz must be an IANA time zone like Asia/Jakarta") from None
    days = data.get("days")
    if not isinstance(days, dict) or len(days) > _SCHEDULE_DAYS_MAX:
        raise fields.malformed("days", "days must map dates to opening ranges")
    parsed: dict[date, tuple[Range, ...]] = {}
    for key, text in days.items():
        try:
            parsed[date.fromisoformat(key)] = parse_ranges(text, "a day")
        except ValueError:
            raise fields.malformed("days", 'each day must be "08:00-15:30" (ranges) or "closed"') from None
    return SiteSchedule(tz, parsed, _opt_time(data, "updated_at"))


def parse_presence(raw: bytes) -> bool:
    """``presence/{client_id}`` (retained, a plain word): ``True`` online, ``False`` offline."""
    word = raw.strip().decode("utf-8", errors="replace")
    if word not in (ONLINE, OFFLINE):
        raise fields.malformed("presence", f"presence must be {ONLINE} or {OFFLINE}")
    return word == ONLINE
