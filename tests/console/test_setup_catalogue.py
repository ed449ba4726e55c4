"""The setup page's "add a service", "remove a service" and "add a desk" forms against the real
hub, broker and SQLite file: each applies live (``site/services`` retained, tickets for the new
service at once, a desk that now serves it calls it), is logged, and says what it refused."""

from __future__ import annotations

import html
from typing import Any

from tests.support import Probe, console_client, fresh_retained


def _catalogue(probe: Probe, check: Any) -> dict[str, Any]:
    return probe.wait_for("site/services", check, 30)


def test_a_service_added_takes_tickets_and_is_called_at_its_desk_at_once(console_hub, broker) -> None:
    _hub, base = console_hub
    probe = Probe(broker.port)
    try:
        form = {"new_prefix": "c", "name_new": "Rekomendasi Statistik", "name_en_new": "Recommendation",
                "new_desks": ["2"]}  # fmt: skip
        with console_client(base, "sari") as client:
            answer = client.post("/setup/add_service", data=form)
            assert answer.status_code == 303
            page = client.get(answer.headers["location"])
        assert "Layanan C ditambahkan dan sudah berlaku." in page.text
        assert 'name="name_C" value="Rekomendasi Statistik"' in page.text
        found = _catalogue(probe, lambda p: any(s["prefix"] == "C" for s in p["services"]))
        assert {d["desk"]: d["services"] for d in found["desks"]} == {"1": ["A", "B"], "2": ["A", "B", "C"]}
        assert probe.issue("C", timeout=30)["ticket"] == "C-001"
        assert probe.command("1", "next", timeout=30)["notice"] == "nobody_waiting"  # desk 1 does not serve C
        mark = probe.mark()
        assert probe.command("2", "next", timeout=30)["ticket"] == "C-001"
        assert probe.wait_for("event/call", since=mark, timeout=30)["ticket"] == "C-001"
    finally:
        probe.close()
    retained = fresh_retained(broker.port, ["site/services", "queue/C/state"], timeout=30)
    assert retained["queue/C/state"]["name"] == "Rekomendasi Statistik"
    with console_client(base, "sari") as client:
        log = client.get("/setup").text
    assert "Riwayat perubahan" in log and "Rekomendasi Statistik" in log


def test_a_service_with_visitors_waiting_is_not_removed_until_its_queue_is_empty(console_hub, broker) -> None:
    _hub, base = console_hub
    probe = Probe(broker.port)
    try:
        assert probe.issue("B", timeout=30)["ticket"] == "B-001"
        with console_client(base, "sari") as client:
            refused = client.post("/setup/remove_service", data={"remove": "B"})
            assert refused.status_code == 409
            assert "Layanan B belum dapat dihapus: 1 pengunjung masih menunggu" in refused.text
            for action in ("next", "start", "finish"):
                probe.command("1", action, timeout=30)
            answer = client.post("/setup/remove_service", data={"remove": "B"})
            assert answer.status_code == 303
            assert "Layanan B dihapus" in client.get(answer.headers["location"]).text
        found = _catalogue(probe, lambda p: [s["prefix"] for s in p["services"]] == ["A"])
        assert all(d["services"] == ["A"] for d in found["desks"])
        refusal = probe.issue("B", timeout=30)
        assert refusal["error"]["code"] == "unknown_service"
    finally:
        probe.close()


def test_a_desk_added_exists_in_the_hub_and_the_page_gives_the_technician_its_account_steps(
    console_hub, broker
) -> None:
    _hub, base = console_hub
    probe = Probe(broker.port)
    try:
        assert probe.issue("B", timeout=30)["ticket"] == "B-001"
        form = {"new_desk_id": "3", "desk_name_new": "Loket Perpustakaan", "desk_services_new": ["B"]}
        with console_client(base, "sari") as client:
            bad = client.post("/setup/add_desk", data={**form, "new_desk_id": "1"})
            assert bad.status_code == 400 and "Meja 1 sudah ada." in bad.text
            answer = client.post("/setup/add_desk", data=form)
            assert answer.status_code == 303
            page = html.unescape(client.get(answer.headers["location"]).text)
        assert "Meja 3 ditambahkan dan sudah berlaku." in page
        assert 'id = "meja-3"' in page and "antre setup --role counter --desk 3" in page
        found = _catalogue(probe, lambda p: any(d["desk"] == "3" for d in p["desks"]))
        assert found["desks"][-1] == {"desk": "3", "name": "Loket Perpustakaan", "services": ["B"]}
        assert (
            fresh_retained(broker.port, ["counter/3/state"], timeout=30)["counter/3/state"]["status"]
            == "closed"
        )
        mark = probe.mark()
        assert probe.command("3", "next", timeout=30)["ticket"] == "B-001"
        assert probe.wait_for("event/call", since=mark, timeout=30)["desk_name"] == "Loket Perpustakaan"
    finally:
        probe.close()


def test_a_bad_new_service_comes_back_with_the_message(console_hub) -> None:
    _hub, base = console_hub
    with console_client(base, "teguh") as client:
        taken = client.post(
            "/setup/add_service", data={"new_prefix": "A", "name_new": "Lagi", "new_desks": ["1"]}
        )
        assert taken.status_code == 400 and "Kode A sudah dipakai layanan lain." in taken.text
        no_desk = client.post("/setup/add_service", data={"new_prefix": "D", "name_new": "Data Mikro"})
        assert no_desk.status_code == 400 and "Pilih paling sedikit satu meja" in no_desk.text
        assert 'value="Data Mikro"' in no_desk.text  # what was typed comes back
        bad = client.post(
            "/setup/add_service", data={"new_prefix": "A1", "name_new": "X", "new_desks": ["1"]}
        )
        assert bad.status_code == 400 and "bukan kode layanan" in bad.text
