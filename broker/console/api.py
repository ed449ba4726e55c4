"""The counter apps' JSON API, as declared in ``shared.contract.staff_api`` (routes, bodies,
refusals; ``docs/staff-api.md``). One catch-all route matches the declared table, so no other code
spells a path. Every call runs on the hub's worker (``StaffDesk``), the one writer.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from broker.console.context import client_address, context_of
from broker.hub.staff import StaffDesk, StaffResult
from shared.contract import staff_api as routes
from shared.contract.staff_bodies import error_body, parse_signin

log = logging.getLogger(__name__)

MAX_BODY = 32768  # a reply's text (4000 characters, JSON-escaped) fits
MAX_AUTH_HEADER = 200


def json_answer(status: int, body: dict[str, Any]) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


def _error(status: int, code: str, message: str) -> JSONResponse:
    return json_answer(status, error_body(code, message))


async def handle(request: Request) -> JSONResponse:
    found = routes.match(request.method, request.url.path)
    if found is None:
        return _error(routes.NOT_FOUND[0], routes.NOT_FOUND[1], "no such route")
    route, params = found
    token = ""
    if route.auth:
        header = request.headers.get("authorization", "")
        if not header.startswith("Bearer ") or len(header) > MAX_AUTH_HEADER:
            return _error(401, "signed_out", "sign in first")
        token = header.removeprefix("Bearer ").strip()
    fields: dict[str, Any] = {}
    if route.reads_body:
        raw = await request.body()
        if not 0 < len(raw) <= MAX_BODY:
            return _error(400, "bad_request", "a JSON body is needed")
        try:
            body = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            body = None
        if not isinstance(body, dict):
            return _error(400, "bad_json", "the body must be a JSON object")
        fields = body
    query = {key: request.query_params.getlist(key) for key in request.query_params}
    call = _call(context_of(request).staff, route, params, query, token, fields, client_address(request))
    try:
        result = await context_of(request).on_worker(call)
    except Exception:
        log.exception("staff api: a request failed in the hub")
        return _error(503, "storage_error", "try again")
    return json_answer(result.status, result.body)


def _call(
    staff: StaffDesk,
    route: routes.Route,
    params: dict[str, str],
    query: dict[str, list[str]],
    token: str,
    fields: dict[str, Any],
    client: str,
) -> Callable[[], StaffResult]:
    action = routes.online_action(route)
    if action is not None:
        return lambda: staff.online_act(token, params["number"], action, fields)
    if route.key == "signin":
        signin = parse_signin(fields)
        return lambda: staff.signin(signin.desk, signin.officer, signin.pin, client, signin.take_over)
    if route.key == "online_list":
        which = routes.query_value(route, "list", query)
        return lambda: staff.online_list(token, which)
    calls: dict[str, Callable[[], StaffResult]] = {
        "signout": lambda: staff.signout(token),
        "visitor": lambda: staff.visitor(token),
        "online_add": lambda: staff.online_add(token, fields),
    }
    return calls[route.key]


ROUTES = [Route(routes.PREFIX + "/{rest:path}", handle, methods=["GET", "POST", "PUT", "DELETE", "PATCH"])]
