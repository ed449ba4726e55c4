"""MQTT contract v1: every topic and payload of Antre, built and parsed here and nowhere else.

``docs/mqtt.md`` is held equal to ``TOPICS`` by a test. Topics are ``antre/{site}/`` + a pattern;
payloads are UTF-8 JSON objects with ``"v": 1`` except the plain-word counter commands and the
presence words. Personal data travels on ``kiosk/{kiosk_id}/request`` only.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

VERSION = 1
QOS = 1
MAX_PAYLOAD_BYTES = 64 * 1024
MAX_PAYLOAD_DEPTH = 8  # the deepest real payload (a guest inside a request) is 2
MAX_BRACKETS = 64  # the most '[' and '{' a payload may hold (a rating with every element: ~3)
# A queue state lists the first codes only: a display shows a handful, and the message must stay
# small and cheap to build however long the queue grows.
QUEUE_STATE_HEAD = 50
PLAIN_WORDS = ("next", "recall", "start", "finish", "noshow", "hold", "resume", "repeat", "return")
JSON_ACTIONS = (*PLAIN_WORDS, "transfer", "open", "close", "call_ticket")
_TICKET_CODE = re.compile(r"[A-Z]{1,3}-[0-9]{3,6}")  # as shared.contract.fields.TICKET_CODE
ONLINE, OFFLINE = "online", "offline"

_LEVEL = r"[^/+#]+"


@dataclass(frozen=True)
class TopicSpec:
    key: str
    pattern: str
    producer: str
    consumers: str
    retained: bool
    example: str
    personal_data: bool = False

    @functools.cached_property  # matched against every message a client gets: built once
    def regex(self) -> re.Pattern[str]:
        body = re.sub(r"\{(\w+)\}", lambda m: f"(?P<{m.group(1)}>{_LEVEL})", self.pattern)
        return re.compile(f"^antre/(?P<site>{_LEVEL})/{body}$")

    @functools.cached_property  # asked each time a topic is built: found once
    def params(self) -> tuple[str, ...]:
        return tuple(re.findall(r"\{(\w+)\}", self.pattern))


def _example(payload: dict[str, Any] | str) -> str:
    return payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)


_AT = "2026-11-24T09:15:02+07:00"
TOPICS: tuple[TopicSpec, ...] = (
    TopicSpec(
        "kiosk_request",
        "kiosk/{kiosk_id}/request",
        "kiosk",
        "hub",
        False,
        _example(
            {
                "v": 1,
                "request_id": "k1-5f2c",
                "service": "A",
                "guest": {
                    "name": "Siti Aminah",
                    "id_type": "ktp",
                    "id_number": "1808014101900001",
                    "email": "siti@example.id",
                    "phone": "081234567890",
                    "institution": "Universitas Lampung",
                    "purpose": "Data IPM kecamatan 2025",
                    "consent": True,
                },
            }
        ),
        personal_data=True,
    ),
    TopicSpec(
        "kiosk_response",
        "kiosk/{kiosk_id}/response",
        "hub",
        "kiosk",
        False,
        _example(
            {
                "v": 1,
                "request_id": "k1-5f2c",
                "ok": True,
                "ticket": "A-001",
                "service": "A",
                "service_name": "Konsultasi Statistik",
                "ahead": 0,
                "issued_at": _AT,
            }
        ),
    ),
    TopicSpec(
        "kiosk_status",
        "kiosk/{kiosk_id}/status",
        "kiosk",
        "counter, doctor",
        True,
        _example(
            {
                "v": 1,
                "kiosk": "k1",
                "printer": "paper_out",
                "pending_reprint": "A-007",
                "audio": "failed",
                "audio_detail": "aplay: main:831: audio open error: No such file or directory",
                "at": _AT,
            }
        ),
    ),
    TopicSpec(
        "display_status",
        "display/{display_id}/status",
        "display",
        "counter, doctor",
        True,
        _example(
            {
                "v": 1,
                "display": "lobby-tv",
                "audio": "failed",
                "detail": "aplay: main:831: audio open error: No such file or directory",
                "at": _AT,
            }
        ),
    ),
    TopicSpec(
        "counter_cmd",
        "counter/{desk}/cmd",
        "counter, button",
        "hub",
        False,
        "next | recall | start | finish | noshow, or "
        + _example({"v": 1, "action": "transfer", "request_id": "c2-0007", "to_service": "B"}),
    ),
    TopicSpec(
        "counter_response",
        "counter/{desk}/response",
        "hub",
        "counter",
        False,
        _example(
            {
                "v": 1,
                "request_id": "c2-0007",
                "ok": True,
                "desk": "2",
                "action": "next",
                "ticket": "A-002",
                "service": "A",
            }
        ),
    ),
    TopicSpec(
        "counter_state",
        "counter/{desk}/state",
        "hub",
        "counter, display",
        True,
        _example(
            {
                "v": 1,
                "desk": "2",
                "name": "Meja 2",
                "status": "called",
                "ticket": "A-002",
                "service": "A",
                "since": _AT,
                "priority": False,
                "parked": [],
            }
        ),
    ),
    TopicSpec(
        "queue_state",
        "queue/{service}/state",
        "hub",
        "display, counter, kiosk",
        True,
        _example(
            {
                "v": 1,
                "service": "A",
                "name": "Konsultasi Statistik",
                "waiting": ["A-003", "A-004"],
                "count": 2,
                "clocks": [
                    {
                        "ticket": "A-003",
                        "issued_at": "2026-11-24T09:01:40+07:00",
                        "clock_started_at": "2026-11-24T09:06:12+07:00",
                        "level": "warning",
                        "idle_desk_s": 192,
                    },
                    {
                        "ticket": "A-004",
                        "issued_at": "2026-11-24T09:03:05+07:00",
                        "clock_started_at": None,
                        "level": None,
                        "idle_desk_s": 192,
                    },
                ],
                "priority": [],
                "idle_desks": ["3"],
                "updated_at": _AT,
            }
        ),
    ),
    TopicSpec(
        "call_event",
        "event/call",
        "hub",
        "display",
        False,
        _example(
            {
                "v": 1,
                "call_id": "7c1e0b",
                "ticket": "A-002",
                "service": "A",
                "desk": "2",
                "desk_name": "Meja 2",
                "recall": False,
                "priority": False,
                "at": _AT,
            }
        ),
    ),
    TopicSpec(
        "sla_alert",
        "alert/sla",
        "hub (timing)",
        "counter, display",
        False,
        _example({"v": 1, "ticket": "A-004", "service": "A", "level": "warning", "clock_s": 480, "at": _AT}),
    ),
    TopicSpec(
        "rate_prompt",
        "rate/{desk}/prompt",
        "hub",
        "rating screen",
        True,
        _example(
            {
                "v": 1,
                "prompt_id": "9d2f41",
                "ticket": "A-002",
                "day": "2026-11-24",
                "service": "A",
                "desk": "2",
                "desk_name": "Meja 2",
                "at": _AT,
            }
        ),
    ),
    TopicSpec(
        "running_text",
        "display/running_text",
        "hub",
        "display",
        True,
        _example(
            {
                "v": 1,
                "id": "Selamat datang di PST BPS Kabupaten Tulang Bawang",
                "en": "Welcome to the Integrated Statistical Service",
                "updated_at": _AT,
            }
        ),
    ),
    TopicSpec(
        "site_schedule",
        "site/schedule",
        "hub",
        "kiosk, display",
        True,
        _example(
            {
                "v": 1,
                "tz": "Asia/Jakarta",
                "days": {
                    "2026-11-27": "08:00-11:30, 13:00-16:00",
                    "2026-11-28": "closed",
                    "2026-11-29": "closed",
                    "2026-11-30": "08:00-15:30",
                },
                "updated_at": "2026-11-27T17:05:00+07:00",
            }
        ),
    ),
    TopicSpec(
        "site_services",
        "site/services",
        "hub",
        "kiosk, counter, display",
        True,
        _example(
            {
                "v": 1,
                "services": [
                    {
                        "prefix": "A",
                        "name": "Konsultasi Statistik",
                        "name_en": "Statistical Consultation",
                        "active": True,
                    },
                    {
                        "prefix": "C",
                        "name": "Rekomendasi Kegiatan Statistik",
                        "name_en": "Statistical Activity Recommendation",
                        "active": True,
                    },
                ],
                "desks": [
                    {"desk": "1", "name": "Meja 1", "services": ["A", "C"]},
                    {"desk": "3", "name": "Meja 3", "services": ["C"]},
                ],
                "updated_at": "2026-11-27T10:05:00+07:00",
            }
        ),
    ),
    TopicSpec(
        "presence",
        "presence/{client_id}",
        "every app (Last Will)",
        "hub, doctor",
        True,
        "online | offline",
    ),
)
SPECS = {spec.key: spec for spec in TOPICS}


class PayloadError(ValueError):
    """A message that does not follow the contract; ``code`` is stable, ``message`` says why."""

    def __init__(self, code: str, message: str, request_id: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.request_id = request_id


def _level(name: str, value: object) -> str:
    text = str(value)
    if not text or re.search(r"[/+#]", text):
        raise ValueError(f"{name} must be one topic level, got {text!r}")
    return text


def topic(site: str, key: str, **params: str) -> str:
    spec = SPECS[key]
    return f"antre/{site}/" + spec.pattern.format(
        **{name: _level(name, params[name]) for name in spec.params}
    )


def subscription(site: str, key: str, **params: str) -> str:
    """The topic filter for ``key``: the placeholders given in ``params`` filled in, the rest ``+``
    (a kiosk listens to its own responses only; the hub to every kiosk's requests)."""
    spec = SPECS[key]
    levels = {name: _level(name, params[name]) if name in params else "+" for name in spec.params}
    return f"antre/{site}/" + spec.pattern.format(**levels)


def match(topic_name: str) -> tuple[str, dict[str, str]] | None:
    """Which contract topic this is, and its parameters (``site`` included)."""
    for spec in TOPICS:
        found = spec.regex.match(topic_name)
        if found:
            return spec.key, found.groupdict()
    return None


def iso(at: datetime) -> str:
    """ISO 8601 with offset, to the second (the contract's time format)."""
    if at.tzinfo is None:
        raise ValueError("contract times must carry an offset")
    return at.isoformat(timespec="seconds")


def encode(payload: dict[str, Any]) -> bytes:
    return json.dumps({"v": VERSION, **payload}, ensure_ascii=False, separators=(",", ":")).encode()


def decode(raw: bytes) -> dict[str, Any]:
    """A contract JSON object, or ``PayloadError`` saying what is wrong with it."""
    if len(raw) > MAX_PAYLOAD_BYTES:
        raise PayloadError(
            "too_large", f"payload is {len(raw)} bytes; the limit is {MAX_PAYLOAD_BYTES}", request_id_in(raw)
        )
    if raw.count(b"[") + raw.count(b"{") > MAX_BRACKETS:
        # Counted in C before parsing: thousands of nested brackets would cost the parser (and its
        # RecursionError) far more than this, and no real payload has more than a handful.
        raise PayloadError("bad_json", "payload is nested too deeply", request_id_in(raw))
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PayloadError("bad_json", f"payload is not UTF-8 JSON: {exc}", request_id_in(raw)) from exc
    except RecursionError as exc:  # thousands of nested brackets: refused like any bad JSON
        raise PayloadError("bad_json", "payload is nested too deeply", request_id_in(raw)) from exc
    if not isinstance(data, dict):
        raise PayloadError("bad_json", "payload must be a JSON object")
    request_id = data.get("request_id") if isinstance(data.get("request_id"), str) else None
    if request_id is not None and _has_surrogate(request_id):
        request_id = None  # an id that cannot be encoded cannot be echoed either
    problem = _shape_problem(data)
    if problem:
        raise PayloadError("bad_json", problem, request_id)
    # type() rather than ==: JSON true and 1.0 are equal to 1 in Python but are not version 1.
    if type(data.get("v")) is not int or data["v"] != VERSION:
        raise PayloadError("bad_version", f'payload must carry "v": {VERSION}', request_id)
    return data


def _shape_problem(data: object) -> str | None:
    """What makes a parsed payload unusable however its fields are read: nesting deeper than
    any real payload, or a string with a lone surrogate (JSON's ``"\\ud83d"`` escape decodes to
    one, and it cannot be written as UTF-8: to the database, a log or an answer)."""
    stack: list[tuple[object, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_PAYLOAD_DEPTH:
            return "payload is nested too deeply"
        if isinstance(value, str):
            if _has_surrogate(value):
                return "payload holds a lone surrogate escape (not valid Unicode text)"
        elif isinstance(value, dict):
            for key, item in value.items():
                if _has_surrogate(key):
                    return "payload holds a lone surrogate escape (not valid Unicode text)"
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
    return None


_REQUEST_ID_TEXT = re.compile(rb'"request_id"\s*:\s*"([A-Za-z0-9._:-]{1,128})"')


def request_id_in(raw: bytes) -> str | None:
    """The request id of a payload that cannot be parsed, read from its first bytes when it is
    plainly there, so the sender still gets an answer instead of retrying into silence."""
    found = _REQUEST_ID_TEXT.search(raw[:4096])
    return found.group(1).decode("ascii") if found else None


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


# --- counter commands ----------------------------------------------------------------------


@dataclass(frozen=True)
class CounterCommand:
    action: str
    request_id: str | None
    to_service: str | None = None
    ticket: str | None = None  # call, resume, return: the ticket code
    reason: str | None = None  # call_ticket: one of shared.domain.priority.CALL_REASONS


def parse_counter_command(raw: bytes) -> CounterCommand:
    """A plain word (a button has no request id) or a JSON command."""
    if len(raw) > MAX_PAYLOAD_BYTES:
        raise PayloadError(
            "too_large", f"payload is {len(raw)} bytes; the limit is {MAX_PAYLOAD_BYTES}", request_id_in(raw)
        )
    word = raw.strip().decode("utf-8", errors="replace").lower()
    if word in PLAIN_WORDS:
        return CounterCommand(action=word, request_id=None)
    if not raw.lstrip().startswith(b"{"):
        raise PayloadError("bad_command", f"expected one of {', '.join(PLAIN_WORDS)} or a JSON object")
    data = decode(raw)
    request_id = request_id_of(data)
    action = data.get("action")
    if action not in JSON_ACTIONS:
        raise PayloadError("bad_action", f"action must be one of {', '.join(JSON_ACTIONS)}", request_id)
    to_service = data.get("to_service")
    if action == "transfer" and not isinstance(to_service, str):
        raise PayloadError("bad_request", 'transfer needs "to_service" (a service prefix)', request_id)
    ticket = data.get("ticket")
    if ticket is not None and (not isinstance(ticket, str) or not _TICKET_CODE.fullmatch(ticket)):
        raise PayloadError("bad_request", '"ticket" must be a ticket code like "A-012"', request_id)
    reason = data.get("reason")
    if reason is not None and not isinstance(reason, str):
        raise PayloadError("bad_request", '"reason" must be a word', request_id)
    return CounterCommand(action, request_id, to_service, ticket if action in TICKET_ACTIONS else None,
                          reason if action == "call_ticket" else None)  # fmt: skip


TICKET_ACTIONS = ("call_ticket", "resume", "return")
"""The JSON actions that may name a ticket (``call_ticket`` must: the others take the desk's own)."""


def counter_command(
    action: str,
    request_id: str,
    to_service: str | None = None,
    *,
    ticket: str | None = None,
    reason: str | None = None,
) -> dict[str, Any]:
    """A desk app's JSON command (one of ``JSON_ACTIONS``; ``to_service`` for a transfer,
    ``ticket`` for a call_ticket, resume or return, ``reason`` for a call_ticket)."""
    if action not in JSON_ACTIONS:
        raise ValueError(f"action must be one of {', '.join(JSON_ACTIONS)}, got {action!r}")
    body: dict[str, Any] = {"action": action, "request_id": request_id}
    if to_service is not None:
        body["to_service"] = to_service
    if ticket is not None:
        body["ticket"] = ticket
    if reason is not None:
        body["reason"] = reason
    return body


def plain_command(word: str) -> bytes:
    """What a button (or the keypad bridge) sends: a plain word, no request id."""
    if word not in PLAIN_WORDS:
        raise ValueError(f"a plain command is one of {', '.join(PLAIN_WORDS)}, got {word!r}")
    return word.encode()


def request_id_of(data: dict[str, Any]) -> str:
    request_id = data.get("request_id")
    if not isinstance(request_id, str) or not 1 <= len(request_id) <= 64:
        raise PayloadError("bad_request", "request_id must be a string of 1-64 characters")
    return request_id


# --- what the hub publishes ----------------------------------------------------------------


AUDIO_STATES = ("ready", "ok", "failed", "off")


def kiosk_status(
    kiosk: str, printer: str, pending_reprint: str | None, at: datetime, audio: str | None = None,
    audio_detail: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """A kiosk's printer as staff need to know it: ``ready``, ``paper_out``, ``offline``, ``unknown``;
    and its spoken guide's sound (``audio``, one of ``AUDIO_STATES``, with ``audio_detail`` when it
    failed), left out until the kiosk knows it."""
    body: dict[str, Any] = {"kiosk": kiosk, "printer": printer, "pending_reprint": pending_reprint}
    if audio is not None:
        body |= {"audio": audio, "audio_detail": audio_detail}
    return body | {"at": iso(at)}


def display_status(display: str, audio: str, detail: str | None, at: datetime) -> dict[str, Any]:
    """A wall display's voice as staff need to know it: ``ready`` (set up, nothing played yet),
    ``ok`` (the last call was heard), ``failed`` (``detail`` says why), ``off`` (voice turned off)."""
    return {"display": display, "audio": audio, "detail": detail, "at": iso(at)}


def sla_alert(ticket: str, service: str, level: str, clock_s: float, at: datetime) -> dict[str, Any]:
    """A waiting visitor's 10-minute clock reached ``warning`` or ``breach`` (``clock_s`` seconds)."""
    return {"ticket": ticket, "service": service, "level": level, "clock_s": round(clock_s), "at": iso(at)}


def rate_prompt(
    prompt_id: str,
    ticket: str | None,
    day: str | None,
    service: str | None,
    desk: str,
    desk_name: str,
    at: datetime,
) -> dict[str, Any]:
    """Ask the visitor who just finished at ``desk`` to rate ``ticket`` (of business ``day``); a
    prompt with ``ticket`` null clears the screen (the rating was given or is no longer asked)."""
    return {
        "prompt_id": prompt_id,
        "ticket": ticket,
        "day": day,
        "service": service,
        "desk": desk,
        "desk_name": desk_name,
        "at": iso(at),
    }


def error_answer(request_id: str | None, code: str, message: str) -> dict[str, Any]:
    return {"request_id": request_id, "error": {"code": code, "message": message}}


def desk_state(
    desk: str,
    name: str,
    status: str,
    ticket: str | None,
    service: str | None,
    since: datetime | None,
    priority: bool = False,
    parked: list[str] | None = None,
) -> dict[str, Any]:
    """``priority``: the desk's ticket is a priority-lane one; ``parked``: the codes of the visitors
    parked at the desk (``hold``), who come back to it."""
    return {
        "desk": desk,
        "name": name,
        "status": status,
        "ticket": ticket,
        "service": service,
        "since": iso(since) if since else None,
        "priority": priority,
        "parked": list(parked or []),
    }


def queue_state(
    service: str,
    name: str,
    waiting: list[str],
    at: datetime,
    count: int | None = None,
    clocks: list[dict[str, Any]] | None = None,
    priority: list[str] | None = None,
    idle_desks: list[str] | None = None,
) -> dict[str, Any]:
    """``waiting`` is the head of the queue (at most ``QUEUE_STATE_HEAD`` codes) in queue order;
    ``count`` all; ``clocks`` the 10-minute clock of each code in ``waiting``, in the same order;
    ``priority`` the codes of ``waiting`` that are priority-lane tickets; ``idle_desks`` the desks
    serving the service that are open (an officer signed in) with nobody at them at ``at`` (left
    out when none: a newer, optional field)."""
    head = waiting[:QUEUE_STATE_HEAD]
    payload = {
        "service": service,
        "name": name,
        "waiting": head,
        "count": len(waiting) if count is None else count,
        "clocks": (clocks or [])[:QUEUE_STATE_HEAD],
        "priority": [code for code in (priority or []) if code in head],
        "updated_at": iso(at),
    }
    if idle_desks:
        payload["idle_desks"] = list(idle_desks)
    return payload


def waiting_clock(
    ticket: str,
    issued_at: datetime,
    clock_started_at: datetime | None,
    level: str | None,
    idle_desk_s: float = 0,
) -> dict[str, Any]:
    """One waiting visitor's clock: ``clock_started_at`` is null until the visitor before them has
    finished; ``level`` is the highest reached (null, ``warning``, ``breach``); ``idle_desk_s`` the
    whole seconds they have waited in this queue, up to the state's ``updated_at``, while a desk
    serving it was open and idle (left out when 0: a newer, optional field)."""
    clock: dict[str, Any] = {
        "ticket": ticket,
        "issued_at": iso(issued_at),
        "clock_started_at": iso(clock_started_at) if clock_started_at else None,
        "level": level,
    }
    if int(idle_desk_s) > 0:
        clock["idle_desk_s"] = int(idle_desk_s)
    return clock


def call_event(
    call_id: str,
    ticket: str,
    service: str,
    desk: str,
    desk_name: str,
    recall: bool,
    at: datetime,
    priority: bool = False,
) -> dict[str, Any]:
    """``priority``: a priority-lane ticket (the display shows its mark, the voice says so)."""
    return {
        "call_id": call_id,
        "ticket": ticket,
        "service": service,
        "desk": desk,
        "desk_name": desk_name,
        "recall": recall,
        "priority": priority,
        "at": iso(at),
    }


def running_text(text_id: str, text_en: str, updated_at: datetime) -> dict[str, Any]:
    """The display's running text in each language (set on the console's setup page)."""
    return {"id": text_id, "en": text_en, "updated_at": iso(updated_at)}


SCHEDULE_DAYS = 31
"""Days a ``site/schedule`` lists, today first: enough to reach past the longest closure (Lebaran's
holidays and collective leave) to the next opening."""


def site_schedule(
    tz: str, days: Mapping[date, Sequence[tuple[time, time | None]]], updated_at: datetime
) -> dict[str, Any]:
    """The office's opening ranges per date (office time zone ``tz``, an IANA name), as the hub
    has them from the setup page: each day ``"08:00-11:30, 13:00-16:00"`` or ``"closed"``
    (``24:00`` closes at midnight), in date order."""
    return {
        "tz": tz,
        "days": {day.isoformat(): _day_text(days[day]) for day in sorted(days)},
        "updated_at": iso(updated_at),
    }


def _day_text(ranges: Sequence[tuple[time, time | None]]) -> str:
    if not ranges:
        return "closed"
    return ", ".join(
        f"{opens:%H:%M}-{closes:%H:%M}" if closes is not None else f"{opens:%H:%M}-24:00"
        for opens, closes in ranges
    )
