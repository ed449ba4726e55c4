"""Officers sign in at a desk over the hub's HTTP API and see only their own visitor."""

from __future__ import annotations

import json
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
    stored = hash_pin("2468", iterations=1000)
    assert "2468" not in stored
    assert verify_pin("2468", stored) and not verify_pin("2469", stored)
    assert not verify_pin("2468", "garbage")
    with pytest.raises(ValueError):
        hash_pin("12")


def test_sign_in_see_the_visitor_masked_and_sign_out(staff_hub, probe: Probe) -> None:
    hub, base = staff_hub
    status, body = staff_call(base, "/api/v1/signin", {"desk": "1", "officer": "budi", "pin": "2468"})
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
        views = [(r.actor, r.action, r.subject) for r in access_log.rows(session)]
    engine.dispose()
    assert officers["call"] == "budi" and officers["done"] == "budi" and officers["issue"] is None
    # The one view that showed the details is in the access log; the empty desk's were not.
    assert views == [("officer/budi@desk/1", access_log.DETAIL_VIEW, f"ticket A-001 {day.isoformat()}")]


def test_wrong_pins_are_refused_then_locked(staff_hub) -> None:
    _hub, base = staff_hub
    for _ in range(5):
        assert staff_call(base, "/api/v1/signin", {"desk": "2", "officer": "rina", "pin": "0000"})[0] == 401
    status, body = staff_call(base, "/api/v1/signin", {"desk": "2", "officer": "rina", "pin": "1357"})
    assert (status, body["error"]["code"]) == (423, "locked")
    assert staff_call(base, "/api/v1/signin", {"desk": "9", "officer": "budi", "pin": "2468"})[0] == 404
    assert staff_call(base, "/api/v1/signin", {"desk": "2", "officer": "nobody", "pin": "2468"})[0] == 401


def test_bad_requests_get_clear_errors(staff_hub) -> None:
    _hub, base = staff_hub
    request = urllib.request.Request(base + "/api/v1/signin", data=b"not json", method="POST")
    try:
        urllib.request.urlopen(request, timeout=5)
    except urllib.error.HTTPError as error:
        assert error.code == 400 and json.loads(error.read())["error"]["code"] == "bad_json"
    assert staff_call(base, "/api/v1/visitor", token="forged")[0] == 401
    assert staff_call(base, "/nothing")[0] == 404


def test_a_new_sign_in_at_the_desk_ends_the_previous_one(staff_hub) -> None:
    _hub, base = staff_hub
    first = staff_call(base, "/api/v1/signin", {"desk": "1", "officer": "budi", "pin": "2468"})[1]["token"]
    second = staff_call(base, "/api/v1/signin", {"desk": "1", "officer": "rina", "pin": "1357"})[1]["token"]
    assert staff_call(base, "/api/v1/visitor", token=first)[0] == 401
    assert staff_call(base, "/api/v1/visitor", token=second)[0] == 200
