"""Officers sign in at a desk over the hub's HTTP API and see only their own visitor."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.db import make_engine
from shared.models import TicketEventRow
from shared.pins import hash_pin, verify_pin
from tests.broker.test_hub_commands import GUEST
from tests.support import HubProcess, Probe, free_port, hub_env, site_config, wait_until


def _call(
    base: str, path: str, body: dict[str, Any] | None = None, token: str | None = None
) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method="POST" if data is not None else "GET")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture
def staff_hub(tmp_path, broker):
    port = free_port()
    officers = "".join(
        f'[[officers]]\nid = "{officer}"\nname = "{name}"\npin_hash = "{hash_pin(pin, iterations=1000)}"\n'
        for officer, name, pin in (("budi", "Budi Santoso", "2468"), ("rina", "Rina", "1357"))
    )
    workdir = tmp_path / "hub"
    workdir.mkdir()
    config = site_config(workdir / "antre.toml", desks=2, staff_port=port, extra=officers)
    hub = HubProcess(workdir, hub_env(config, broker.url, f"sqlite:///{workdir / 'antre.db'}", workdir))
    hub.start()
    base = f"http://127.0.0.1:{port}"
    wait_until(lambda: _reachable(base), 15, "the staff API")
    yield hub, base
    hub.stop()


def _reachable(base: str) -> bool:
    try:
        return _call(base, "/api/v1/visitor")[0] == 401
    except OSError:
        return False


def test_pins_are_stored_hashed_and_checked() -> None:
    stored = hash_pin("2468", iterations=1000)
    assert "2468" not in stored
    assert verify_pin("2468", stored) and not verify_pin("2469", stored)
    assert not verify_pin("2468", "garbage")
    with pytest.raises(ValueError):
        hash_pin("12")


def test_sign_in_see_the_visitor_masked_and_sign_out(staff_hub, probe: Probe) -> None:
    hub, base = staff_hub
    status, body = _call(base, "/api/v1/signin", {"desk": "1", "officer": "budi", "pin": "2468"})
    assert status == 200 and body["officer_name"] == "Budi Santoso" and body["desk_name"] == "Meja 1"
    token = body["token"]
    assert probe.wait_for("counter/1/state", lambda p: p["status"] == "idle")
    assert _call(base, "/api/v1/visitor", token=token) == (200, {"desk": "1", "visitor": None})

    probe.issue("A", guest=GUEST)
    probe.command("1", "next")
    status, body = _call(base, "/api/v1/visitor", token=token)
    visitor = body["visitor"]
    assert (visitor["ticket"], visitor["name"], visitor["institution"]) == (
        "A-001",
        "Siti Aminah",
        "Universitas Lampung",
    )
    assert visitor["purpose"] == "Data IPM kecamatan 2025"
    assert visitor["id_number"] == "************0001"
    assert "email" not in visitor and "phone" not in visitor

    assert _call(base, "/api/v1/signout", {}, token=token)[1]["error"]["code"] == "desk_busy"
    probe.command("1", "finish")
    assert _call(base, "/api/v1/visitor", token=token)[1]["visitor"] is None  # gone with the visitor
    assert _call(base, "/api/v1/signout", {}, token=token) == (200, {"desk": "1", "status": "closed"})
    assert probe.wait_for("counter/1/state", lambda p: p["status"] == "closed")
    assert _call(base, "/api/v1/visitor", token=token)[0] == 401

    engine = make_engine(hub.env["ANTRE_DB_URL"])
    with Session(engine) as session:
        officers = {e.action: e.officer_id for e in session.scalars(select(TicketEventRow))}
    engine.dispose()
    assert officers["call"] == "budi" and officers["done"] == "budi" and officers["issue"] is None


def test_wrong_pins_are_refused_then_locked(staff_hub) -> None:
    _hub, base = staff_hub
    for _ in range(5):
        assert _call(base, "/api/v1/signin", {"desk": "2", "officer": "rina", "pin": "0000"})[0] == 401
    status, body = _call(base, "/api/v1/signin", {"desk": "2", "officer": "rina", "pin": "1357"})
    assert (status, body["error"]["code"]) == (423, "locked")
    assert _call(base, "/api/v1/signin", {"desk": "9", "officer": "budi", "pin": "2468"})[0] == 404
    assert _call(base, "/api/v1/signin", {"desk": "2", "officer": "nobody", "pin": "2468"})[0] == 401


def test_bad_requests_get_clear_errors(staff_hub) -> None:
    _hub, base = staff_hub
    request = urllib.request.Request(base + "/api/v1/signin", data=b"not json", method="POST")
    try:
        urllib.request.urlopen(request, timeout=5)
    except urllib.error.HTTPError as error:
        assert error.code == 400 and json.loads(error.read())["error"]["code"] == "bad_json"
    assert _call(base, "/api/v1/visitor", token="forged")[0] == 401
    assert _call(base, "/nothing")[0] == 404


def test_a_new_sign_in_at_the_desk_ends_the_previous_one(staff_hub) -> None:
    _hub, base = staff_hub
    first = _call(base, "/api/v1/signin", {"desk": "1", "officer": "budi", "pin": "2468"})[1]["token"]
    second = _call(base, "/api/v1/signin", {"desk": "1", "officer": "rina", "pin": "1357"})[1]["token"]
    assert _call(base, "/api/v1/visitor", token=first)[0] == 401
    assert _call(base, "/api/v1/visitor", token=second)[0] == 200
