"""The hub writes the access log of personal data (issue 15): every returning-visitor lookup,
found or not, with the kiosk and the time and no personal data; and the stored answers are pruned
at the day roll."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from broker.hub import site_key
from shared.contract import topics as contract
from shared.store import access_log, keys
from shared.store.models import ProcessedRequestRow
from tests.broker.hub.test_business_day import FakeClock, _hub, _wib
from tests.broker.hub.test_hub_commands import GUEST


def _ask(hub, kiosk: str, body: dict) -> dict:  # type: ignore[no-untyped-def]
    pubs = hub.kiosk_request(kiosk, contract.encode(body))
    return next(json.loads(p.payload) for p in pubs if p.topic == f"antre/pst/kiosk/{kiosk}/response")


def test_every_lookup_found_or_not_is_in_the_access_log_without_personal_data(tmp_path: Path) -> None:
    clock = FakeClock(_wib(24, 9, 0))
    hub = _hub(tmp_path, clock)
    _ask(hub, "k1", {"request_id": "t1", "service": "A", "guest": GUEST})
    assert _ask(hub, "k1", {"request_id": "l1", "lookup": {"id_number": GUEST["id_number"]}})["found"]
    clock.at += timedelta(seconds=30)
    assert not _ask(hub, "k2", {"request_id": "l2", "lookup": {"email": "budi@example.id"}})["found"]
    assert _ask(hub, "k2", {"request_id": "l2", "lookup": {"email": "budi@example.id"}})  # a repeat

    with Session(hub.engine) as session:
        rows = access_log.rows(session)
        assert access_log.verify(session, hub.key) == []
    key = hub.key
    assert [(r.actor, r.action, r.subject) for r in rows] == [
        ("kiosk/k1", access_log.LOOKUP, access_log.lookup_subject(key, id_number="1808014101900001")),
        ("kiosk/k2", access_log.LOOKUP, access_log.lookup_subject(key, email="budi@example.id")),
    ]  # the repeat was answered from the record: nothing looked up again
    assert [r.at.replace(tzinfo=None) for r in rows] == [
        _wib(24, 9, 0).replace(tzinfo=None), _wib(24, 9, 0).replace(tzinfo=None) + timedelta(seconds=30),
    ]  # fmt: skip
    # A subject is a kind and a keyed digest; the digest is random hex and may hold "0001" by
    # chance, so the words around it are what must carry no personal data.
    kinds, digests = zip(*(r.subject.split("#", 1) for r in rows), strict=True)
    assert all(re.fullmatch(r"[0-9a-f]{16}", d) for d in digests)
    text = " ".join(f"{r.actor} {kind}" for r, kind in zip(rows, kinds, strict=True))
    for secret in ("Siti", "1808014101900001", "0001", "siti@", "budi@", "example.id"):
        assert secret not in text


def test_the_day_roll_prunes_stored_answers_past_their_retry_window(tmp_path: Path) -> None:
    clock = FakeClock(_wib(24, 9, 0))
    hub = _hub(tmp_path, clock)
    _ask(hub, "k1", {"request_id": "t1", "service": "A", "guest": GUEST})
    _ask(hub, "k1", {"request_id": "l1", "lookup": {"id_number": GUEST["id_number"]}})
    clock.at = _wib(25, 8, 0)  # the next day, within a day of the ticket: only the lookup answer goes
    _ask(hub, "k1", {"request_id": "t2", "service": "A"})
    with Session(hub.engine) as session:
        kept = set(session.scalars(select(ProcessedRequestRow.request_id)))
    assert kept == {"t1", "t2"}
    clock.at = _wib(27, 8, 0)
    _ask(hub, "k1", {"request_id": "t3", "service": "A"})
    with Session(hub.engine) as session:
        assert set(session.scalars(select(ProcessedRequestRow.request_id))) == {"t3"}


def test_an_installed_hub_without_its_key_refuses_to_start_and_a_dev_hub_makes_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock(_wib(24, 9, 0))
    path = tmp_path / "keys" / "antre.key"
    monkeypatch.setenv("ANTRE_KEY_FILE", str(path))
    monkeypatch.setattr(site_key, "installed", lambda: True)
    with pytest.raises(RuntimeError, match="no site key"):
        _hub(tmp_path, clock)
    assert not path.exists()
    monkeypatch.setattr(site_key, "installed", lambda: False)
    made = _hub(tmp_path, clock).key
    assert keys.read_key(path) == made
