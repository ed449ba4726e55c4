"""The hub's staff HTTP API as the counter uses it (stdlib ``urllib``; blocking: call it off the
main thread). Sign-in, sign-out, the visitor's guestbook details and the online requests travel
here, never on MQTT.

Nothing here logs a request or an answer body: they hold PINs and personal data.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from counter.messages import Malformed, Visitor, parse_visitor
from counter.online_records import OnlineItem, OnlineList, parse_online_item, parse_online_list

TIMEOUT_S = 5.0


class StaffError(Exception):
    """The staff API refused (``code`` from its answer) or could not be reached (``unreachable``)."""

    def __init__(self, code: str, status: int = 0) -> None:
        super().__init__(code)
        self.code = code
        self.status = status


@dataclass(frozen=True)
class SignedIn:
    token: str
    officer: str
    officer_name: str
    desk_name: str


class StaffClient:
    def __init__(self, base_url: str, timeout: float = TIMEOUT_S) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout

    def signin(self, desk: str, officer: str, pin: str) -> SignedIn:
        body = self._call("/api/v1/signin", {"desk": desk, "officer": officer, "pin": pin})
        try:
            return SignedIn(
                token=str(body["token"]),
                officer=officer,
                officer_name=str(body.get("officer_name") or officer),
                desk_name=str(body.get("desk_name") or desk),
            )
        except KeyError as exc:
            raise StaffError("bad_answer") from exc

    def signout(self, token: str) -> None:
        self._call("/api/v1/signout", {}, token=token)

    def visitor(self, token: str) -> Visitor | None:
        body = self._call("/api/v1/visitor", None, token=token)
        try:
            return parse_visitor(body.get("visitor"))
        except Malformed as exc:
            raise StaffError("bad_answer") from exc

    def online_list(self, token: str, which: str = "open") -> OnlineList:
        """``open`` (every request not closed, each flagged overdue / due today), ``due``, ``overdue``."""
        body = self._call(f"/api/v1/online?list={which}", None, token=token)
        try:
            return parse_online_list(body)
        except Malformed as exc:
            raise StaffError("bad_answer") from exc

    def online_add(
        self, token: str, channel: str, contact: str, subject: str, complete_at: str | None, request_id: str
    ) -> OnlineItem:
        """Record a request; ``request_id`` makes a resend after a lost answer safe."""
        fields = {"channel": channel, "contact": contact, "subject": subject, "request_id": request_id}
        if complete_at:
            fields["complete_at"] = complete_at
        return self._online_item(self._call("/api/v1/online", fields, token=token))

    def online_act(self, token: str, number: str, action: str, text: str, request_id: str) -> OnlineItem:
        """``reply`` (the officer's), ``message`` (the visitor wrote) or ``close``."""
        fields = {} if action == "close" else {"text": text, "request_id": request_id}
        return self._online_item(self._call(f"/api/v1/online/{number}/{action}", fields, token=token))

    def _online_item(self, body: dict[str, Any]) -> OnlineItem:
        try:
            return parse_online_item(body.get("request"))
        except Malformed as exc:
            raise StaffError("bad_answer") from exc

    def _call(self, path: str, body: dict[str, Any] | None, token: str | None = None) -> dict[str, Any]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.base_url + path, data=data, method="POST" if data is not None else "GET"
        )
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                answer = json.loads(response.read())
        except urllib.error.HTTPError as error:
            raise StaffError(_error_code(error), error.code) from None
        except (OSError, ValueError) as exc:  # refused, timed out, not JSON
            raise StaffError("unreachable") from exc
        if not isinstance(answer, dict):
            raise StaffError("bad_answer")
        return answer


def _error_code(error: urllib.error.HTTPError) -> str:
    try:
        body = json.loads(error.read())
        return str(body["error"]["code"])
    except (OSError, ValueError, KeyError, TypeError):
        return f"http_{error.code}"
