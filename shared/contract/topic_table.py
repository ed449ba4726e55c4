"""MQTT contract v1: the topic table of Antre (every topic's pattern, producer, consumers, retain
flag and an example payload) and the topic names built and matched from it.

``docs/mqtt.md`` is held equal to ``TOPICS`` by a test. Topics are ``antre/{site}/`` + a pattern;
payloads are UTF-8 JSON objects with ``"v": 1`` except the plain-word counter commands and the
presence words. Personal data travels on ``kiosk/{kiosk_id}/request`` only.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from typing import Any

QOS = 1
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
