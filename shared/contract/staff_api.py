"""The staff HTTP API of the hub: every route (method, path, auth, bodies, refusals) declared here.

Officers' counter apps sign in with a PIN, see the visitor at their desk and keep the online
requests over this API, never over MQTT: a PIN, guestbook details and contacts must not travel on
a topic. JSON in and out; a refusal is ``{"error": {"code", "message"}}`` (``staff_bodies``).
``broker.hub.staff_api`` routes by ``match`` and the counter calls ``url``: no other code spells a
path. The declarations name no web framework, so whichever serves them later reads the same table.
``docs/staff-api.md`` is held equal to ``ROUTES`` by a test.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from urllib.parse import quote, urlencode

from shared.contract import staff_bodies as bodies

PREFIX = "/api/v1"
ONLINE_LISTS = ("due", "overdue", "open")  # "due": not answered, due today
ONLINE_ACTIONS = ("reply", "message", "close")
NOT_FOUND = (404, "not_found")  # any other method or path
_PARAM = r"[A-Za-z0-9-]{1,40}"  # a path parameter: an online request's number (or id)

Errors = tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class QueryParam:
    name: str
    choices: tuple[str, ...]
    default: str


@dataclass(frozen=True)
class Route:
    key: str
    method: str  # GET | POST
    path: str  # {name}: a path parameter
    auth: bool  # needs "Authorization: Bearer TOKEN" (the token of a sign-in)
    reads_body: bool  # the hub reads a JSON object body (a POST without one sends {})
    status: int  # on success
    summary: str
    request: Mapping[str, Any] | None  # an example body; None for a GET
    response: Mapping[str, Any]  # an example answer
    errors: Errors  # (status, code) of every refusal
    query: tuple[QueryParam, ...] = ()

    @property
    def regex(self) -> re.Pattern[str]:
        body = re.sub(r"\\\{(\w+)\\\}", lambda m: f"(?P<{m.group(1)}>{_PARAM})", re.escape(self.path))
        return re.compile(f"^{body}$")

    @property
    def params(self) -> tuple[str, ...]:
        return tuple(re.findall(r"\{(\w+)\}", self.path))


def _errors(*groups: Errors) -> Errors:
    return tuple(sorted({error for group in groups for error in group}))


BODY = ((400, "bad_request"), (400, "bad_json"))  # no JSON object body
# No token or an unknown one; a session that ran out or was ended (with "reason").
SIGNED_OUT = ((401, "signed_out"), (401, "session_expired"), (401, "session_revoked"))
STORAGE = ((503, "storage_error"),)  # the database failed; nothing was recorded
WRITE = ((400, "bad_request_id"),)  # request_id present but not 1-64 characters
FOUND = ((400, "bad_number"), (404, "unknown"), (409, "closed"))

# --- examples (built by the same functions the hub and the counter use) --------------------

_OFFICE = timezone(timedelta(hours=7))
_TOKEN = "q0vY3mJ8hXcN2pKf5sWb7tLr9dGe1aZu"
_GUEST = bodies.GuestDetails(
    "Siti Aminah", "Universitas Lampung", "Data IPM kecamatan 2025", "ktp", "************0001"
)
_ITEM = {
    "number": "OL-20261124-001",
    "channel": "whatsapp",
    "contact": "********7890",
    "subject": "Data inflasi bulanan Kota Bandar Lampung",
    "status": "open",
    "due_date": date(2026, 11, 26),
    "flag": "",
    "answered": False,
    "last_message_at": datetime(2026, 11, 24, 9, 15, 2, tzinfo=_OFFICE),
}
_ANSWERED = _ITEM | {"status": "answered", "answered": True}
_NUMBER = "/{number}"

ROUTES: tuple[Route, ...] = (
    Route(
        "signin", "POST", f"{PREFIX}/signin", False, True, 200,
        "An officer signs in at a desk with their PIN (6 to 8 digits): the desk opens. Another "
        "officer signed in there is refused (`desk_taken`) unless `take_over` is true, which ends "
        "their session; the same officer's session at another desk ends. Failed attempts slow "
        "further ones (`slow_down`, `retry_after` seconds); nobody is locked out.",
        bodies.signin_body("2", "budi", "246813"),
        bodies.signin_answer(_TOKEN, "2", "Meja 2", "Budi Santoso"),
        _errors(
            BODY, ((400, "weak_pin"), (401, "bad_pin"), (404, "unknown_desk"), (409, "desk_taken")),
            ((429, "slow_down"),), STORAGE,
        ),
    ),
    Route(
        "signout", "POST", f"{PREFIX}/signout", True, False, 200,
        "Sign-out or a break: the desk closes and takes no one until someone signs in.",
        {},
        bodies.signout_answer("2"),
        _errors(SIGNED_OUT, ((409, "desk_busy"),), STORAGE),
    ),
    Route(
        "visitor", "GET", f"{PREFIX}/visitor", True, False, 200,
        "The visitor at the officer's desk with their guestbook entry (ID number masked; no email "
        'or phone), while they are there; `"visitor": null` when nobody is.',
        None,
        bodies.visitor_answer(
            "2",
            bodies.visitor_body(
                "A-002", "A", datetime(2026, 11, 24, 2, 1, 40, tzinfo=UTC),
                datetime(2026, 11, 24, 2, 14, 5, tzinfo=UTC), "called", 0, _GUEST,
            ),
        ),
        _errors(SIGNED_OUT, STORAGE),
    ),
    Route(
        "online_list", "GET", f"{PREFIX}/online", True, False, 200,
        "The online requests: `open` (not closed, earliest due first), `due` (not answered, due "
        "today) or `overdue`. At most 200; `count` says how many there are.",
        None,
        bodies.online_list_answer("open", date(2026, 11, 24), 1, [bodies.online_item_body(**_ITEM)]),
        _errors(((400, "bad_list"),), SIGNED_OUT, STORAGE),
        (QueryParam("list", ONLINE_LISTS, "open"),),
    ),
    Route(
        "online_add", "POST", f"{PREFIX}/online", True, True, 201,
        "Record a request that came by WhatsApp, email, social media or the web site; it gets its "
        "number and due date.",
        bodies.online_add_body(
            "whatsapp", "0812 3456 7890", "Data inflasi bulanan Kota Bandar Lampung",
            "2026-11-24T08:30", "f0c1-0001",
        ),
        bodies.online_request_answer(bodies.online_item_body(**_ITEM)),
        _errors(
            BODY, WRITE,
            ((400, "bad_channel"), (400, "bad_contact"), (400, "bad_subject"), (400, "bad_time")),
            SIGNED_OUT, STORAGE,
        ),
    ),
    Route(
        "online_reply", "POST", f"{PREFIX}/online{_NUMBER}/reply", True, True, 200,
        "The officer replied (by the request's channel); `text` and `at` are optional.",
        bodies.online_act_body("reply", "Datanya sudah kami kirim ke WhatsApp Anda.", "f0c1-0002"),
        bodies.online_request_answer(bodies.online_item_body(**_ANSWERED)),
        _errors(BODY, WRITE, FOUND, ((400, "bad_text"), (400, "bad_time")), SIGNED_OUT, STORAGE),
    ),
    Route(
        "online_message", "POST", f"{PREFIX}/online{_NUMBER}/message", True, True, 200,
        "The visitor wrote again: the officer owes an answer.",
        bodies.online_act_body("message", "Terima kasih, satu lagi: data tahun 2024?", "f0c1-0003"),
        bodies.online_request_answer(bodies.online_item_body(**_ITEM)),
        _errors(BODY, WRITE, FOUND, ((400, "bad_text"), (400, "bad_time")), SIGNED_OUT, STORAGE),
    ),
    Route(
        "online_close", "POST", f"{PREFIX}/online{_NUMBER}/close", True, True, 200,
        "The consultation is finished.",
        bodies.online_act_body("close", "", ""),
        bodies.online_request_answer(bodies.online_item_body(**_ANSWERED | {"status": "closed"})),
        _errors(BODY, WRITE, FOUND, SIGNED_OUT, STORAGE),
    ),
)  # fmt: skip
ROUTE = {route.key: route for route in ROUTES}


def online_route(action: str) -> Route:
    """The route of ``reply``, ``message`` or ``close`` (``ONLINE_ACTIONS``)."""
    return ROUTE[f"online_{action}"]


def online_action(route: Route) -> str | None:
    """Which of ``ONLINE_ACTIONS`` ``route`` is, if any."""
    action = route.key.removeprefix("online_")
    return action if action in ONLINE_ACTIONS else None


def url(key: str, query: Mapping[str, str] | None = None, **params: str) -> str:
    """The path (and query) of route ``key`` with its parameters filled in."""
    route = ROUTE[key]
    path = route.path.format(**{name: quote(params[name], safe="") for name in route.params})
    return f"{path}?{urlencode(query)}" if query else path


def match(method: str, path: str) -> tuple[Route, dict[str, str]] | None:
    """The route a request is for and its path parameters; ``None``: ``NOT_FOUND``."""
    for route in ROUTES:
        found = route.regex.match(path) if route.method == method else None
        if found:
            return route, found.groupdict()
    return None


def query_value(route: Route, name: str, query: Mapping[str, list[str]]) -> str:
    """A query parameter as given (the hub refuses a value not in its choices), or its default."""
    param = next(p for p in route.query if p.name == name)
    return query.get(name, [param.default])[0]
