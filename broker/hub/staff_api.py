"""The hub's small HTTP API for officers' counter apps (stdlib ``http.server``, JSON in and out).

Its routes, bodies and refusals are declared in ``shared.contract.staff_api`` (and documented in
``docs/staff-api.md``): sign-in, sign-out, the visitor at the desk, and the online requests
(``shared.store.online``). A request is shown with its contact masked and no message text.
Every request is handed to the hub's worker thread and answered when it has run there.

It speaks plain HTTP, with no TLS: officers' PINs, session tokens and visitors' details cross it
in clear, so it must stay on loopback (the default, ``127.0.0.1:8742``), and the counters that
sign in run on the hub machine. ``antre doctor`` warns of a staff API bound off loopback. An
HTTPS console for counters on other boxes is issue 16 (docs/security.md, "What travels where").
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from broker.hub.staff import StaffDesk, StaffResult
from shared.contract import staff_api as routes
from shared.contract.staff_bodies import error_body, parse_signin

log = logging.getLogger(__name__)

MAX_BODY = 32768  # a reply's text (4000 characters, JSON-escaped) fits
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
                self._route("POST")

            def do_GET(self) -> None:
                self._route("GET")

            def _route(self, method: str) -> None:
                url = urlsplit(self.path)
                found = routes.match(method, url.path)
                if found is None:
                    self._send(routes.NOT_FOUND[0], error_body(routes.NOT_FOUND[1], url.path))
                    return
                route, params = found
                token = self._token() if route.auth else ""
                if token is None:
                    return
                fields = self._json_body() if route.reads_body else {}
                if fields is None:
                    return
                self._run(self._call(route, params, parse_qs(url.query), token, fields))

            def _call(
                self,
                route: routes.Route,
                params: dict[str, str],
                query: dict[str, list[str]],
                token: str,
                fields: dict[str, Any],
            ) -> Callable[[], StaffResult]:
                staff = api.staff
                action = routes.online_action(route)
                if action is not None:
                    return lambda: staff.online_act(token, params["number"], action, fields)
                if route.key == "signin":
                    signin = parse_signin(fields)
                    return lambda: staff.signin(signin.desk, signin.officer, signin.pin)
                if route.key == "online_list":
                    which = routes.query_value(route, "list", query)
                    return lambda: staff.online_list(token, which)
                calls: dict[str, Callable[[], StaffResult]] = {
                    "signout": lambda: staff.signout(token),
                    "visitor": lambda: staff.visitor(token),
                    "online_add": lambda: staff.online_add(token, fields),
                }
                return calls[route.key]

            def _json_body(self) -> dict[str, Any] | None:
                length = int(self.headers.get("Content-Length") or 0)
                if not 0 < length <= MAX_BODY:
                    self._send(400, error_body("bad_request", "a JSON body is needed"))
                    return None
                try:
                    body = json.loads(self.rfile.read(length))
                except (UnicodeDecodeError, json.JSONDecodeError):
                    body = None
                if not isinstance(body, dict):
                    self._send(400, error_body("bad_json", "the body must be a JSON object"))
                    return None
                return body

            def _token(self) -> str | None:
                header = self.headers.get("Authorization", "")
                if not header.startswith("Bearer ") or len(header) > 200:
                    self._send(401, error_body("signed_out", "sign in first"))
                    return None
                return header.removeprefix("Bearer ").strip()

            def _run(self, call: Callable[[], StaffResult]) -> None:
                try:
                    result = api.submit(call).result(timeout=10)
                except Exception:
                    log.exception("staff api: a request failed in the hub")
                    self._send(503, error_body("storage_error", "try again"))
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
