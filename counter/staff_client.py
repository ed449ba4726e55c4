"""The hub's staff HTTP API as the counter uses it (stdlib ``urllib``; blocking: call it off the
main thread). Sign-in, sign-out, the visitor's guestbook details and the online requests travel
here, never on MQTT.

Off the hub machine it speaks HTTPS only, trusting the lobby's CA and nothing else (the system's
CAs cannot sign for a lobby address, and trusting them would let any publicly signed certificate
stand in for the hub), with the host name checked and TLS 1.2 at least, as the console serves.

Nothing here logs a request or an answer body: they hold PINs and personal data.
"""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

from shared.contract import staff_api as routes
from shared.contract import staff_bodies as bodies
from shared.contract.codec import PayloadError
from shared.contract.staff_bodies import OnlineItem, OnlineList, Visitor

TIMEOUT_S = 5.0
T = TypeVar("T")


class StaffError(Exception):
    """The staff API refused (``code`` from its answer) or could not be reached (``unreachable``)."""

    def __init__(self, code: str, status: int = 0, detail: dict[str, Any] | None = None) -> None:
        super().__init__(code)
        self.code = code
        self.status = status
        self.detail = detail or {}  # the answer's other error fields (desk_taken: officer_name)


@dataclass(frozen=True)
class SignedIn:
    token: str
    officer: str
    officer_name: str
    desk_name: str


def tls_context(ca_file: str) -> ssl.SSLContext:
    """Trust ``ca_file`` only; host name checked; TLS 1.2 or later."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)  # check_hostname and CERT_REQUIRED by default
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_verify_locations(cafile=ca_file)
    return context


class StaffClient:
    def __init__(self, base_url: str, timeout: float = TIMEOUT_S, ca_file: str | None = None) -> None:
        """``ca_file``: the lobby's CA, required for an ``https://`` ``base_url``."""
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.context: ssl.SSLContext | None = None
        if urlsplit(self.base_url).scheme == "https":
            if not ca_file:
                raise ValueError("an https:// staff API needs the lobby's CA file")
            self.context = tls_context(ca_file)

    def signin(self, desk: str, officer: str, pin: str, take_over: bool = False) -> SignedIn:
        """``take_over``: sign in although another officer is signed in at ``desk`` (their session
        ends, ``taken_over``); without it that is refused with ``desk_taken``, naming them."""
        body = self._call(routes.url("signin"), "POST", bodies.signin_body(desk, officer, pin, take_over))
        answer = _parsed(bodies.parse_signin_answer, body)
        return SignedIn(answer.token, officer, answer.officer_name or officer, answer.desk_name or desk)

    def signout(self, token: str) -> None:
        self._call(routes.url("signout"), "POST", {}, token=token)

    def visitor(self, token: str) -> Visitor | None:
        return _parsed(bodies.parse_visitor_answer, self._call(routes.url("visitor"), "GET", token=token))

    def online_list(self, token: str, which: str = "open") -> OnlineList:
        """``open`` (every request not closed, each flagged overdue / due today), ``due``, ``overdue``."""
        body = self._call(routes.url("online_list", {"list": which}), "GET", token=token)
        return _parsed(bodies.parse_online_list, body)

    def online_add(
        self, token: str, channel: str, contact: str, subject: str, complete_at: str | None, request_id: str
    ) -> OnlineItem:
        """Record a request; ``request_id`` makes a resend after a lost answer safe."""
        fields = bodies.online_add_body(channel, contact, subject, complete_at, request_id)
        body = self._call(routes.url("online_add"), "POST", dict(fields), token=token)
        return _parsed(bodies.parse_online_request_answer, body)

    def online_act(self, token: str, number: str, action: str, text: str, request_id: str) -> OnlineItem:
        """``reply`` (the officer's), ``message`` (the visitor wrote) or ``close``."""
        route = routes.online_route(action)
        fields = dict(bodies.online_act_body(action, text, request_id))
        body = self._call(routes.url(route.key, number=number), route.method, fields, token=token)
        return _parsed(bodies.parse_online_request_answer, body)

    def _call(
        self, path: str, method: str, body: dict[str, Any] | None = None, token: str | None = None
    ) -> dict[str, Any]:
        """``path`` from ``routes.url``; ``body`` (a POST's) from ``staff_bodies``."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base_url + path, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if token:
            request.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout, context=self.context) as response:
                answer = json.loads(response.read())
        except urllib.error.HTTPError as error:
            code, detail = _error_of(error)
            raise StaffError(code, error.code, detail) from None
        except (OSError, ValueError) as exc:  # refused, timed out, not JSON
            raise StaffError("unreachable") from exc
        if not isinstance(answer, dict):
            raise StaffError("bad_answer")
        return answer


def _parsed(parse: Callable[[dict[str, Any]], T], body: dict[str, Any]) -> T:
    try:
        return parse(body)
    except PayloadError as exc:
        raise StaffError("bad_answer") from exc


def _error_of(error: urllib.error.HTTPError) -> tuple[str, dict[str, Any]]:
    """The refusal's code and its error object (``http_<status>`` when the body says none)."""
    try:
        body = json.loads(error.read())
        code = bodies.error_code(body)
    except (OSError, ValueError):
        body, code = None, None
    detail = body.get("error") if isinstance(body, dict) else None
    return (code if code is not None else f"http_{error.code}"), (detail if isinstance(detail, dict) else {})
