"""Services and desks added or removed on the setup page, in the hub (no broker): tickets for a new
service at once, ``site/services`` retained, a desk that now serves it calls it, a removal refused
while visitors of the service wait."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from broker.hub.ingress import Precheck
from shared import site_setup
from shared.contract import catalogue
from shared.contract import topics as contract
from shared.store import site_setup as store
from tests.broker.hub.test_site_setup import RAW, _hub, _issue, _on


def _catalogue(pubs: list) -> catalogue.SiteServices:
    (pub,) = [p for p in pubs if p.topic == "antre/pst/site/services"]
    assert pub.retain
    return catalogue.parse_site_services(pub.payload)


def test_the_snapshot_carries_the_catalogue_first(tmp_path: Path) -> None:
    hub, _setup = _hub(tmp_path)
    pubs = hub.snapshot()
    assert pubs[0].topic == "antre/pst/site/services"
    found = _catalogue(pubs)
    assert [(s.prefix, s.name_en, s.active) for s in found.services] == [
        ("A", "Statistical Consultation", True), ("B", "Perpustakaan", True)]  # fmt: skip
    assert [(d.desk, d.services) for d in found.desks] == [("1", ("A", "B")), ("2", ("A", "B"))]


def test_a_service_added_takes_tickets_at_once_and_its_desk_calls_it(tmp_path: Path) -> None:
    hub, setup = _hub(tmp_path)
    groups = {**site_setup.seed(hub.settings), **setup.groups}
    values = site_setup.added_service(groups, "c", "Rekomendasi", "Recommendation", ["2"])
    result = setup.change_many(values, "sari")
    assert result.status == 200 and result.body == {"changed": True}
    found = _catalogue(result.publications)
    assert [s.prefix for s in found.offered] == ["A", "B", "C"]
    assert dict((d.desk, d.services) for d in found.desks)["2"] == ("A", "B", "C")
    assert _on(result.publications, "queue/C/state")[0]["name"] == "Rekomendasi"
    assert Precheck(hub.names).kiosk("k1", contract.encode({"request_id": "r1", "service": "C"})).admit
    assert _issue(hub, "C", "r1") == "C-001"
    (answer,) = _on(hub.counter_command("1", b"next"), "counter/1/response")
    assert answer["notice"] == "nobody_waiting"  # desk 1 does not serve C
    (call,) = _on(hub.counter_command("2", b"next"), "event/call")
    assert call["ticket"] == "C-001"
    with Session(hub.engine) as session:
        assert {c.key for c in store.changes(session)} == {"services", "desks"}


def test_a_desk_added_exists_in_the_hub_at_once(tmp_path: Path) -> None:
    hub, setup = _hub(tmp_path)
    assert _issue(hub, "B", "r1") == "B-001"
    groups = {**site_setup.seed(hub.settings), **setup.groups}
    desks = site_setup.added_desk(groups, "3", "Loket Perpustakaan", ["B"])
    result = setup.change("desks", desks, "sari")
    assert result.status == 200
    assert _on(result.publications, "counter/3/state")[0]["status"] == "closed"
    assert hub.desk_names["3"] == "Loket Perpustakaan"
    (call,) = _on(hub.counter_command("3", b"next"), "event/call")
    assert (call["ticket"], call["desk_name"]) == ("B-001", "Loket Perpustakaan")


def test_a_service_with_visitors_is_not_removed_and_an_empty_one_is(tmp_path: Path) -> None:
    hub, setup = _hub(tmp_path)
    assert _issue(hub, "B", "r1") == "B-001"
    groups = {**site_setup.seed(hub.settings), **setup.groups}
    refused = setup.change("services", site_setup.removed_service(groups, "B"), "sari")
    assert refused.status == 409 and refused.body["error"]["code"] == "service_busy"
    assert refused.body["count"] == 1
    with Session(hub.engine) as session:
        assert store.changes(session) == []
    hub.counter_command("1", b"next")
    hub.counter_command("1", b"start")
    hub.counter_command("1", b"finish")
    result = setup.change("services", site_setup.removed_service(groups, "B"), "sari")
    assert result.status == 200
    cleared = [p for p in result.publications if p.topic == "antre/pst/queue/B/state"]
    assert [(p.payload, p.retain) for p in cleared] == [(b"", True)]
    assert [s.prefix for s in _catalogue(result.publications).services] == ["A"]
    verdict = Precheck(hub.names).kiosk("k1", contract.encode({"request_id": "r2", "service": "B"}))
    assert not verdict.admit
    hub.engine.dispose()
    again, _ = _hub(tmp_path, RAW)  # the TOML still has B: the database wins
    assert "B" not in again.service_names


def test_a_service_and_desk_added_on_the_console_survive_a_restart(tmp_path: Path) -> None:
    hub, setup = _hub(tmp_path)
    groups = {**site_setup.seed(hub.settings), **setup.groups}
    values = site_setup.added_service(groups, "C", "Rekomendasi", "", ["1"])
    values["desks"] = site_setup.added_desk({**groups, **values}, "3", "Meja 3", ["C"])
    assert setup.change_many(values, "sari").status == 200
    hub.engine.dispose()
    again, _ = _hub(tmp_path, RAW)
    assert again.service_names == {"A": "Konsultasi Statistik", "B": "Perpustakaan", "C": "Rekomendasi"}
    assert again.desk_names["3"] == "Meja 3"
    assert [d.services for d in again.settings.desks] == [("A", "B", "C"), ("A", "B"), ("C",)]
    assert _issue(again, "C", "r1") == "C-001"


def test_the_catalogue_is_read_whole_or_refused() -> None:
    example = catalogue.parse_site_services(contract.SPECS["site_services"].example.encode())
    assert [s.prefix for s in example.offered] == ["A", "C"]
    assert example.desks[1].services == ("C",)
    for bad in (
        b'{"v":1,"services":[],"desks":[]}',
        b'{"v":1,"services":[{"prefix":"a1","name":"X"}],"desks":[]}',
        b'{"v":1,"services":[{"prefix":"A","name":"X"}],"desks":[{"desk":"1","name":"M","services":["B"]}]}',
        b'{"v":1,"services":[{"prefix":"A","name":"X","active":"yes"}],"desks":[]}',
    ):
        with pytest.raises(contract.PayloadError):
            catalogue.parse_site_services(bad)
