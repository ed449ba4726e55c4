"""The commands of ``counter/{desk}/cmd``: a plain word from a button or the keypad bridge, or a
JSON command from a desk app; built and parsed here."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from shared.contract.codec import PayloadError, decode, request_id_in, request_id_of
from shared.contract.limits import MAX_PAYLOAD_BYTES

PLAIN_WORDS = ("next", "recall", "start", "finish", "noshow", "hold", "resume", "repeat", "return")
JSON_ACTIONS = (*PLAIN_WORDS, "transfer", "open", "close", "call_ticket")
_TICKET_CODE = re.compile(r"[A-Z]{1,3}-[0-9]{3,6}")  # as shared.contract.fields.TICKET_CODE


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
