"""shared/contract/staff_api.py and staff_bodies.py: the routes match their own paths and nothing
else, and every example body the doc shows is what the builders make and the parsers read."""

from __future__ import annotations

from datetime import date

import pytest

from shared.contract import staff_api as api
from shared.contract import staff_bodies as bodies
from shared.contract.codec import PayloadError
from shared.store import online

NUMBER = "OL-20261124-001"


@pytest.mark.parametrize("route", api.ROUTES, ids=lambda route: route.key)
def test_each_route_matches_its_own_url_only(route: api.Route) -> None:
    params = {name: NUMBER for name in route.params}
    assert api.match(route.method, api.url(route.key, **params)) == (route, params)
    other = "GET" if route.method == "POST" else "POST"
    found = api.match(other, api.url(route.key, **params))
    assert found is None or found[0] is not route


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/v1/signin"),
        ("POST", "/api/v1/visitor"),
        ("POST", "/api/v1/online/OL-1/bogus"),
        ("POST", "/api/v1/online/a.b/close"),
        ("POST", f"/api/v1/online/{'9' * 41}/close"),
        ("GET", "/api/v1/visitor/"),
        ("DELETE", "/api/v1/signout"),
    ],
)
def test_anything_else_is_not_found(method: str, path: str) -> None:
    assert api.match(method, path) is None


def test_urls() -> None:
    assert api.url("online_list", {"list": "due"}) == "/api/v1/online?list=due"
    assert api.url("online_reply", number=NUMBER) == f"/api/v1/online/{NUMBER}/reply"
    assert api.url("online_close", number="a/b") == "/api/v1/online/a%2Fb/close"  # stays one level
    assert [api.online_route(action).key for action in api.ONLINE_ACTIONS] == [
        "online_reply",
        "online_message",
        "online_close",
    ]
    assert [api.online_action(route) for route in api.ROUTES][-3:] == list(api.ONLINE_ACTIONS)
    assert api.online_action(api.ROUTE["online_add"]) is None


def test_a_query_value_or_its_default() -> None:
    route = api.ROUTE["online_list"]
    assert api.query_value(route, "list", {}) == "open"
    assert api.query_value(route, "list", {"list": ["late"]}) == "late"  # the hub refuses it


def test_the_examples_are_what_the_counter_reads() -> None:
    route = api.ROUTE
    assert bodies.parse_signin(dict(route["signin"].request or {})) == bodies.Signin("2", "budi", "246813")
    signed = bodies.parse_signin_answer(dict(route["signin"].response))
    assert (signed.desk_name, signed.officer_name) == ("Meja 2", "Budi Santoso") and "q0v" not in repr(signed)
    visitor = bodies.parse_visitor_answer(dict(route["visitor"].response))
    assert visitor is not None and (visitor.ticket, visitor.status, visitor.id_number) == (
        "A-002",
        "called",
        "************0001",
    )
    assert "Siti" not in repr(visitor)
    listing = bodies.parse_online_list(dict(route["online_list"].response))
    assert (listing.today, listing.count, listing.items[0].number) == (date(2026, 11, 24), 1, NUMBER)
    for key in ("online_add", "online_reply", "online_message", "online_close"):
        item = bodies.parse_online_request_answer(dict(route[key].response))
        assert item.number == NUMBER and item.due_date == date(2026, 11, 26)
    assert route["online_close"].request == {}
    assert bodies.parse_online_request_answer(dict(route["online_reply"].response)).answered


def test_request_bodies() -> None:
    assert list(bodies.online_add_body("email", "s@x.id", "Data", None, "f-1")) == [
        "channel",
        "contact",
        "subject",
        "request_id",
    ]
    assert bodies.online_add_body("email", "s@x.id", "Data", "2026-11-24T08:30", "f-1")["complete_at"] == (
        "2026-11-24T08:30"
    )
    assert bodies.online_act_body("close", "ignored", "r-1") == {}
    assert bodies.online_act_body("reply", "ok", "r-1") == {"text": "ok", "request_id": "r-1"}
    assert bodies.visitor_answer("2", None) == {"desk": "2", "visitor": None}
    assert bodies.parse_visitor_answer(bodies.visitor_answer("2", None)) is None


@pytest.mark.parametrize(
    ("parse", "body"),
    [
        (bodies.parse_signin_answer, {"desk": "2"}),
        (bodies.parse_visitor_answer, {"visitor": {"service": "A"}}),
        (bodies.parse_visitor_answer, {"visitor": {"ticket": "A-001", "issued_at": "09:00"}}),
        (bodies.parse_online_list, {"today": "2026-11-24"}),
        (bodies.parse_online_list, {"today": "24/11", "requests": []}),
        (bodies.parse_online_request_answer, {"request": {"channel": "email"}}),
        (bodies.parse_online_request_answer, {"request": {"number": NUMBER, "due_date": None}}),
    ],
)
def test_a_malformed_answer_is_refused(parse: object, body: dict[str, object]) -> None:
    with pytest.raises(PayloadError):
        parse(body)  # type: ignore[operator]


def test_an_unknown_flag_reads_as_none() -> None:
    item = bodies.parse_online_item({"number": NUMBER, "due_date": "2026-11-26", "flag": "late"})
    assert item.flag == "" and item.contact == "" and item.last_message_at is None


def test_refusals() -> None:
    assert bodies.error_body("locked", "wait") == {"error": {"code": "locked", "message": "wait"}}
    assert bodies.error_code(bodies.error_body("locked", "wait")) == "locked"
    assert bodies.error_code({"error": "locked"}) is None and bodies.error_code([]) is None


def test_the_contract_names_the_store_s_channels() -> None:
    assert bodies.CHANNELS == online.CHANNELS
