"""MQTT contract v1: every topic and payload of Antre, built and parsed in ``shared.contract`` and
nowhere else; this module is the one name the apps import it by (``topics as contract``).

Each part lives by concern and is re-exported here: the topic table and topic names in
``topic_table``, the envelope (``encode``, ``decode``, ``PayloadError``, ``iso``) in ``codec``, the
size limits in ``limits``, the desk commands in ``counter_commands``, the state and event payload
builders in ``payloads``. Personal data travels on ``kiosk/{kiosk_id}/request`` only.
"""

from __future__ import annotations

from shared.contract.codec import VERSION, PayloadError, decode, encode, iso, request_id_in, request_id_of
from shared.contract.counter_commands import (
    JSON_ACTIONS,
    PLAIN_WORDS,
    TICKET_ACTIONS,
    CounterCommand,
    counter_command,
    parse_counter_command,
    plain_command,
)
from shared.contract.limits import (
    MAX_BRACKETS,
    MAX_PAYLOAD_BYTES,
    MAX_PAYLOAD_DEPTH,
    QUEUE_STATE_HEAD,
    SCHEDULE_DAYS,
)
from shared.contract.payloads import (
    AUDIO_STATES,
    call_event,
    desk_state,
    display_status,
    error_answer,
    kiosk_status,
    queue_state,
    rate_prompt,
    running_text,
    site_schedule,
    sla_alert,
    waiting_clock,
)
from shared.contract.topic_table import (
    OFFLINE,
    ONLINE,
    QOS,
    SPECS,
    TOPICS,
    TopicSpec,
    match,
    subscription,
    topic,
)

__all__ = [
    "AUDIO_STATES",
    "JSON_ACTIONS",
    "MAX_BRACKETS",
    "MAX_PAYLOAD_BYTES",
    "MAX_PAYLOAD_DEPTH",
    "OFFLINE",
    "ONLINE",
    "PLAIN_WORDS",
    "QOS",
    "QUEUE_STATE_HEAD",
    "SCHEDULE_DAYS",
    "SPECS",
    "TICKET_ACTIONS",
    "TOPICS",
    "VERSION",
    "CounterCommand",
    "PayloadError",
    "TopicSpec",
    "call_event",
    "counter_command",
    "decode",
    "desk_state",
    "display_status",
    "encode",
    "error_answer",
    "iso",
    "kiosk_status",
    "match",
    "parse_counter_command",
    "plain_command",
    "queue_state",
    "rate_prompt",
    "request_id_in",
    "request_id_of",
    "running_text",
    "site_schedule",
    "sla_alert",
    "subscription",
    "topic",
    "waiting_clock",
]
