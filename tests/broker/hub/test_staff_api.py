"""Officers sign in at a desk over the hub's HTTP API and see only their own visitor."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.domain.pins import hash_pin, verify_pin
from shared.store import access_log
from shared.store.db import make_engine
from shared.store.models import TicketEventRow, TicketRow
from tests.broker.hub.test_hub_commands import GUEST
from tests.support import Probe, staff_call


def test_pins_are_stored_hashed_and_checked() -> None:
    stored = hash_pin("246813", iterations=1000)
    assert "246813" not in stored
    assert verify_pin("246813", stored) and not verify_pin("246814", stored)
    assert not verify_pin("246813", "garbage")
    with pytest.raises(ValueError):
        hash_pin("12")


def test_sign_in_see_the_visitor_masked_and_sign_out(staff_hub, probe: Probe) -> None:
    hub, base = staff_hub
    status, body = staff_call(base, "/api/v1/signin", {"desk": "1", "officer": "budi", "pin": "246813"})
    assert status == 200 and body["officer_name"] == "Budi Santoso" and body["desk_name"] == "Meja 1"
    token = body["token"]
    assert probe.wait_for("counter/1/state", lambda p: p["status"] == "idle")
    assert staff_call(base, "/api/v1/visitor", token=token) == (200, {"desk": "1", "visitor": None})

    probe.issue("A", guest=GUEST)
    probe.command("1", "next")
    status, body = staff_call(base, "/api/v1/visitor", token=token)
    visitor = body["visitor"]
    assert (visitor["ticket"], visitor["name"], visitor["institution"]) == (
        "A-001",
        "Siti Aminah",
        "Universitas Lampung",
    )
    assert visitor["purpose"] == "Data IPM kecamatan 2025"
    assert visitor["id_number"] == "************0001"
    assert "email" not in visitor and "phone" not in visitor

    assert staff_call(base, "/api/v1/signout", {}, token=token)[1]["error"]["code"] == "desk_busy"
    probe.command("1", "finish")
    assert staff_call(base, "/api/v1/visitor", token=token)[1]["visitor"] is None  # gone with the visitor
    assert staff_call(base, "/api/v1/signout", {}, token=token) == (200, {"desk": "1", "status": "closed"})
    assert probe.wait_for("counter/1/state", lambda p: p["status"] == "closed")
    assert staff_call(base, "/api/v1/visitor", token=token)[0] == 401

    engine = make_engine(hub.env["ANTRE_DB_URL"])
    with Session(engine) as session:
        officers = {e.action: e.officer_id for e in session.scalars(select(TicketEventRow))}
        day = session.scalars(select(TicketRow.business_day)).one()
        views = [
            (r.actor, r.action, r.subject)
            for r in access_log.rows(session)
            if r.action == access_log.DETAIL_VIEW
        ]
    engine.dispose()
    assert officers["call"] == "budi" and officers["done"] == "budi" and officers["issue"] is None
    # The one view that showed the details is in the access log; the empty desk's were not.
    assert views == [("officer/budi@desk/1", access_log.DETAIL_VIEW, f"ticket A-001 {day.isoformat()}")]


def test_wrong_pins_are_refused_then_slowed_never_locked(staff_hub) -> None:
    _hub, base = staff_hub
    for _ in range(5):
        assert staff_call(base, "/api/v1/signin", {"desk": "2", "officer": "rina", "pin": "000000"})[0] == 401
    time.sleep(1.5)  # the 6th attempt from this address waits 1 s after the 5th failure
    status, body = staff_call(base, "/api/v1/signin", {"desk": "2", "officer": "rina", "pin": "135724"})
    assert status == 200, body
    assert staff_call(base, "/api/v1/signin", {"desk": "9", "officer": "budi", "pin": "246813"})[0] == 404
    assert staff_call(base, "/api/v1/signin", {"desk": "1", "officer": "nobody", "pin": "246813"})[0] == 401
    status, body = staff_call(base, "/api/v1/signin", {"desk": "1", "officer": "budi", "pin": "2468"})
    assert (status, body["error"]["code"]) == (400, "weak_pin")


def test_bad_requests_get_clear_errors(staff_hub) -> None:
    _hub, base = staff_hub
    request = urllib.request.Request(base + "/api/v1/signin", data=b"not json", method="POST")
    try:
        urllib.request.urlopen(request, timeout=5)
    except urllib.error.HTTPError as error:
        assert error.code == 400 and json.loads(error.read())["error"]["code"] == "bad_json"
    assert staff_call(base, "/api/v1/visitor", token="forged")[0] == 401
    assert staff_call(base, "/api/v1/nothing")[0] == 404
    try:
        urllib.request.urlopen(base + "/nothing", timeout=5)
    except urllib.error.HTTPError as error:
        assert error.code == 404  # a page, in the console's words


def test_a_taken_desk_is_refused_unless_taken_over(staff_hub) -> None:
    _hub, base = staff_hub
    first = staff_call(base, "/api/v1/signin", {"desk": "1", "officer": "budi", "pin": "246813"})[1]["token"]
    status, body = staff_call(base, "/api/v1/signin", {"desk": "1", "officer": "rina", "pin": "135724"})
    assert (status, body["error"]["code"], body["error"]["officer_name"]) == (
        409,
        "desk_taken",
        "Budi Santoso",
    )
    assert staff_call(base, "/api/v1/visitor", token=first)[0] == 200  # budi is still there
    body = {"desk": "1", "officer": "rina", "pin": "135724", "take_over": True}
    second = staff_call(base, "/api/v1/signin", body)[1]["token"]
    status, body = staff_call(base, "/api/v1/visitor", token=first)
    assert (status, body["error"]["code"], body["error"]["reason"]) == (401, "session_revoked", "taken_over")
    assert staff_call(base, "/api/v1/visitor", token=second)[0] == 200
