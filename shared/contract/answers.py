"""The hub's answers on ``counter/{desk}/response`` and ``kiosk/{kiosk_id}/response``, parsed.

An answer is ``{"v": 1, "request_id", "ok": true, ...}`` or, for a refusal, ``{"v": 1,
"request_id", "error": {"code", "message"}}`` (``payloads.error_answer``). Which fields an ok answer
carries depends on what was asked: a counter answer names its ``action``; a kiosk answer is read
further by ``issued`` or ``lookup_result`` for the request the kiosk knows it sent. A parse
function raises ``PayloadError`` like those of ``shared.contract.records``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shared.contract import fields
from shared.contract.codec import PayloadError, decode


@dataclass(frozen=True)
class AnswerError:
    code: str
    message: str


@dataclass(frozen=True)
class Answer:
    """``kiosk/{kiosk_id}/response``: the answer to the request with ``request_id``."""

    request_id: str | None
    error: AnswerError | None
    fields: Mapping[str, Any] = field(default_factory=dict, compare=False)  # as the hub sent it

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class CounterAnswer(Answer):
    """``counter/{desk}/response``: an answer to a desk's command (its app's, or a button's,
    which has no ``request_id``)."""

    action: str | None = None
    ticket: str | None = None
    recalls: int | None = None  # a recall's: how many times the ticket was called again


@dataclass(frozen=True)
class Issued:
    """The ok answer to a ticket request."""

    ticket: str
    service: str
    service_name: str
    ahead: int
    issued_at: datetime
    priority: bool = False  # a priority-lane ticket (the printed ticket and the screen show the mark)


@dataclass(frozen=True)
class LookupResult:
    """The ok answer to a returning visitor's lookup: ``ref`` (to send instead of the personal
    data) and the entry masked for the screen; ``None`` from ``lookup_result`` when not found."""

    ref: str
    masked: Mapping[str, str]

    def __repr__(self) -> str:
        return "LookupResult(ref=…)"


def _envelope(raw: bytes) -> tuple[dict[str, Any], str | None, AnswerError | None]:
    data = decode(raw)
    request_id = data.get("request_id")
    if "error" in data:
        error = data["error"]
        if not isinstance(error, dict) or not isinstance(error.get("code"), str):
            raise fields.malformed("error", "an error answer needs error.code")
        refusal = AnswerError(error["code"], str(error.get("message", "")))
    elif data.get("ok") is not True:
        raise fields.malformed("answer", "an answer is ok or an error")
    else:
        refusal = None
    return data, request_id if isinstance(request_id, str) else None, refusal


def parse_answer(raw: bytes) -> Answer:
    data, request_id, error = _envelope(raw)
    return Answer(request_id, error, data)


def parse_counter_answer(raw: bytes) -> CounterAnswer:
    data, request_id, error = _envelope(raw)
    recalls = data.get("recalls")
    return CounterAnswer(
        request_id,
        error,
        data,
        action=fields.opt_text(data, "action"),
        ticket=fields.opt_text(data, "ticket"),
        recalls=None if recalls is None else fields.count(data, "recalls"),
    )


def issued(answer: Answer) -> Issued:
    """The ticket in an ok answer to a ticket request."""
    data = answer.fields
    service = fields.text(data, "service")
    ticket = fields.ticket(data)
    issued_at = fields.time(data, "issued_at")
    ahead = data.get("ahead", 0)
    if ticket is None or issued_at is None or type(ahead) is not int:
        raise PayloadError("bad_answer", "a ticket answer needs ticket, service, ahead and issued_at")
    priority = data.get("priority", False) is True
    return Issued(ticket, service, str(data.get("service_name") or service), ahead, issued_at, priority)


def lookup_result(answer: Answer) -> LookupResult | None:
    """The entry found by a lookup, or ``None`` when the hub found none."""
    data = answer.fields
    if not data.get("found"):
        return None
    ref, masked = data.get("ref"), data.get("masked", {})
    if not isinstance(ref, str) or not isinstance(masked, dict):
        raise PayloadError("bad_answer", "a found lookup needs ref and masked")
    return LookupResult(ref, dict(masked))
