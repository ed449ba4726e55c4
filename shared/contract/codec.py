"""The envelope of contract v1: a payload's JSON encoding with ``"v": 1``, its safe decoding, the
contract's time format and the request id a sender is answered by.

``decode`` refuses, with a ``PayloadError``, what no parser should have to read: a payload over
``MAX_PAYLOAD_BYTES``, nested too deeply, not UTF-8 JSON, not an object, or of another version.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from shared.contract.limits import MAX_BRACKETS, MAX_PAYLOAD_BYTES, MAX_PAYLOAD_DEPTH

VERSION = 1


class PayloadError(ValueError):
    """A message that does not follow the contract; ``code`` is stable, ``message`` says why."""

    def __init__(self, code: str, message: str, request_id: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.request_id = request_id


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


def request_id_of(data: dict[str, Any]) -> str:
    request_id = data.get("request_id")
    if not isinstance(request_id, str) or not 1 <= len(request_id) <= 64:
        raise PayloadError("bad_request", "request_id must be a string of 1-64 characters")
    return request_id
