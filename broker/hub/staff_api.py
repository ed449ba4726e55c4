"""The hub's small HTTP API for officers' counter apps (stdlib ``http.server``, JSON in and out).

    POST /api/v1/signin   {"desk": "2", "officer": "budi", "pin": "1234"} -> {"token", ...}
    POST /api/v1/signout  Authorization: Bearer TOKEN                     -> the desk closes
    GET  /api/v1/visitor  Authorization: Bearer TOKEN                     -> the visitor at the desk

Online requests (``shared.store.online``), for a signed-in officer (Bearer TOKEN):

    GET  /api/v1/online?list=due|overdue|open              -> {"today", "count", "requests": [...]}
    POST /api/v1/online  {"channel", "contact", "subject", "complete_at"?, "request_id"?}  -> 201
    POST /api/v1/online/{number}/reply    {"text"?, "at"?, "request_id"?}  the officer replied
    POST /api/v1/online/{number}/message  {"text"?, "at"?, "request_id"?}  the visitor wrote
    POST /api/v1/online/{number}/close    {}

A request is shown with its contact masked and no message text. Refusals are
``{"error": {"code", "message"}}``: 400 for a bad field, 404 for an unknown number, 409 closed.
Every request is handed to the hub's worker thread and answered when it has run there. The
default bind is loopback; a deployment binds the LAN behind TLS (deploy issue).
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Callable
from concurrent.futures import Future
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from broker.hub.staff import StaffDesk, StaffResult

log = logging.getLogger(__name__)

MAX_BODY = 32768  # a reply's text (4000 characters, JSON-escaped) fits
_ONLINE_ACT = re.compile(r"^/api/v1/online/([A-Za-z0-9-]{1,40})/(reply|message|close)$")
Submit = Callable[[Callable[[], StaffResult]], "Future[StaffResult]"]


class StaffApi:
    def __init__(self, staff: StaffDesk, submit: Submit, host: str, port: int) -> None:
        self.staff = staff
        self.submit = submit
        self.server = ThreadingHTTPServer((host, port), self._handler_class())
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, name="staff-api", daemon=True)

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                log.debug("staff api: " + format, *args)  # never the body: it holds PINs

            def do_POST(self) -> None:
                path = urlsplit(self.path).path
                act = _ONLINE_ACT.match(path)
                if path == "/api/v1/signin":
                    body = self._json_body()
                    if body is None:
                        return
                    desk, officer, pin = (str(body.get(k, "")) for k in ("desk", "officer", "pin"))
                    self._run(lambda: api.staff.signin(desk, officer, pin))
                elif path == "/api/v1/signout":
                    token = self._token()
                    if token:
                        self._run(lambda: api.staff.signout(token))
                elif path == "/api/v1/online" or act:
                    token = self._token()
                    fields = self._json_body() if token else None
                    if token is None or fields is None:
                        return
                    if act:
                        number, action = act.group(1), act.group(2)
                        self._run(lambda: api.staff.online_act(token, number, action, fields))
                    else:
                        self._run(lambda: api.staff.online_add(token, fields))
                else:
                    self._send(404, {"error": {"code": "not_found", "message": path}})

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                if url.path == "/api/v1/visitor":
                    token = self._token()
                    if token:
                        self._run(lambda: api.staff.visitor(token))
                elif url.path == "/api/v1/online":
                    which = parse_qs(url.query).get("list", ["open"])[0]
                    token = self._token()
                    if token:
                        self._run(lambda: api.staff.online_list(token, which))
                else:
                    self._send(404, {"error": {"code": "not_found", "message": url.path}})

            def _json_body(self) -> dict[str, Any] | None:
                length = int(self.headers.get("Content-Length") or 0)
                if not 0 < length <= MAX_BODY:
                    self._send(400, {"error": {"code": "bad_request", "message": "a JSON body is needed"}})
                    return None
                try:
                    body = json.loads(self.rfile.read(length))
                except (UnicodeDecodeError, json.JSONDecodeError):
                    body = None
                if not isinstance(body, dict):
                    self._send(
                        400, {"error": {"code": "bad_json", "message": "the body must be a JSON object"}}
                    )
                    return None
                return body

            def _token(self) -> str | None:
                header = self.headers.get("Authorization", "")
                if not header.startswith("Bearer ") or len(header) > 200:
                    self._send(401, {"error": {"code": "signed_out", "message": "sign in first"}})
                    return None
                return header.removeprefix("Bearer ").strip()

            def _run(self, call: Callable[[], StaffResult]) -> None:
                try:
                    result = api.submit(call).result(timeout=10)
                except Exception:
                    log.exception("staff api: a request failed in the hub")
                    self._send(503, {"error": {"code": "storage_error", "message": "try again"}})
                    return
                self._send(result.status, result.body)

            def _send(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(data)

        return Handler
