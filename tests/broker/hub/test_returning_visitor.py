"""A returning visitor types only their ID number or email; the answer confirms them (the name's
first letter) and carries a ref, never their details."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.contract import topics as contract
from shared.store.db import make_engine
from shared.store.models import GuestRow
from tests.broker.hub.test_business_day import FakeClock, _hub, _wib
from tests.broker.hub.test_hub_commands import GUEST
from tests.support import Probe


def _lookup(probe: Probe, kiosk: str = "k1", **key: str) -> dict:
    mark = probe.mark()
    rid = f"look-{mark}"
    probe.publish(f"kiosk/{kiosk}/request", {"v": 1, "request_id": rid, "lookup": key})
    return probe.wait_for(f"kiosk/{kiosk}/response", lambda p: p.get("request_id") == rid, since=mark)


def test_lookup_by_id_number_then_a_ticket_with_the_ref(hub, probe: Probe) -> None:
    assert probe.issue("A", guest=GUEST)["ticket"] == "A-001"
    found = _lookup(probe, id_number="1808 0141 0190 0001")
    assert found["found"] is True
    assert found["masked"] == {"initial": "S"}  # data minimisation: a greeting, not their data
    raw = json.dumps(found)
    for secret in ("Siti", "Aminah", "S***", "siti@", "example.id", "0001", "7890", "Lampung"):
        assert secret not in raw

    guest = {"ref": found["ref"], "purpose": "Data kemiskinan 2025", "consent": True}
    assert probe.issue("A", guest=guest)["ticket"] == "A-002"
    engine = make_engine(hub.env["ANTRE_DB_URL"])
    with Session(engine) as session:
        rows = session.scalars(select(GuestRow).order_by(GuestRow.id)).all()
    engine.dispose()
    assert [(r.name, r.email, r.purpose) for r in rows] == [
        ("Siti Aminah", "siti@example.id", "Data IPM kecamatan 2025"),
        ("Siti Aminah", "siti@example.id", "Data kemiskinan 2025"),
    ]


def test_lookup_by_email_ignores_case_and_unknown_visitors_are_not_found(hub, probe: Probe) -> None:
    probe.issue("A", guest={**GUEST, "email": "Siti@Example.ID"})
    assert _lookup(probe, email="SITI@example.id")["found"] is True
    unknown = _lookup(probe, email="budi@example.id")
    assert unknown["found"] is False and "ref" not in unknown and "masked" not in unknown
    assert _lookup(probe, id_number="3171011708450001")["found"] is False


def test_a_ref_from_another_kiosk_is_refused_and_takes_no_number(hub, probe: Probe) -> None:
    probe.issue("A", guest=GUEST)
    ref = _lookup(probe, kiosk="k1", id_number="1808014101900001")["ref"]
    refused = probe.issue("A", kiosk="k2", guest={"ref": ref, "purpose": "Data PDRB", "consent": True})
    assert refused["error"]["code"] == "unknown_ref"
    assert probe.issue("A")["ticket"] == "A-002"


def test_a_ref_expires_after_15_minutes(tmp_path: Path) -> None:
    clock = FakeClock(_wib(24, 9, 0))
    hub = _hub(tmp_path, clock)
    hub.kiosk_request("k1", contract.encode({"request_id": "r1", "service": "A", "guest": GUEST}))
    pubs = hub.kiosk_request("k1", contract.encode({"request_id": "l1", "lookup": {"email": GUEST["email"]}}))
    ref = json.loads(pubs[-1].payload)["ref"]
    clock.at += timedelta(minutes=16)
    guest = {"ref": ref, "purpose": "Data PDRB 2025", "consent": True}
    pubs = hub.kiosk_request("k1", contract.encode({"request_id": "r2", "service": "A", "guest": guest}))
    assert json.loads(pubs[-1].payload)["error"]["code"] == "unknown_ref"
