"""The hub over a real Mosquitto: commands, their answers and the retained state they leave."""

from __future__ import annotations

import subprocess
import threading

from tests.support import Probe, fresh_retained, wait_until

GUEST = {
    "name": "Siti Aminah",
    "id_type": "ktp",
    "id_number": "1808014101900001",
    "email": "siti@example.id",
    "phone": "081234567890",
    "institution": "Universitas Lampung",
    "purpose": "Data IPM kecamatan 2025",
    "consent": True,
}


def test_plain_word_next_from_mosquitto_pub_calls_the_first_waiting(broker, hub, probe: Probe) -> None:
    first = probe.issue("A", guest=GUEST)
    second = probe.issue("A")
    assert (first["ticket"], first["ahead"]) == ("A-001", 0)
    assert (second["ticket"], second["ahead"]) == ("A-002", 1)

    mark = probe.mark()
    subprocess.run(
        ["mosquitto_pub", "-p", str(broker.port), "-q", "1", "-t", "antre/pst/counter/1/cmd", "-m", "next"],
        check=True,
        timeout=10,
    )
    call = probe.wait_for("event/call", since=mark)
    assert (call["ticket"], call["desk"], call["desk_name"], call["recall"]) == (
        "A-001",
        "1",
        "Meja 1",
        False,
    )
    assert call["v"] == 1 and call["at"].endswith("+07:00")

    # What a display switched on now would see:
    state = fresh_retained(broker.port, ["counter/1/state", "queue/A/state"])
    assert state["counter/1/state"]["status"] == "called"
    assert state["counter/1/state"]["ticket"] == "A-001"
    assert state["queue/A/state"]["waiting"] == ["A-002"]
    assert state["queue/A/state"]["count"] == 1


def test_the_whole_lifecycle_of_a_visit(hub, probe: Probe) -> None:
    probe.issue("A")
    probe.issue("A")
    assert probe.command("1", "next")["ticket"] == "A-001"
    mark = probe.mark()
    answer = probe.command("1", "recall")
    assert answer["ok"] and answer["recalls"] == 1
    assert probe.wait_for("event/call", since=mark)["recall"] is True
    probe.command("1", "start")
    assert probe.wait_for("counter/1/state", lambda p: p["status"] == "serving")["ticket"] == "A-001"
    probe.command("1", "finish")
    assert probe.wait_for("counter/1/state", lambda p: p["status"] == "idle")["ticket"] is None
    probe.command("1", "next")
    assert probe.command("1", "noshow")["ticket"] == "A-002"
    refused = probe.command("1", "next")
    assert refused["error"]["code"] == "nobody_waiting"


def test_transfer_keeps_the_visitors_place_by_issue_time(hub, probe: Probe) -> None:
    assert probe.issue("A")["ticket"] == "A-001"
    assert probe.issue("B")["ticket"] == "B-001"
    assert probe.command("1", "next")["ticket"] == "A-001"
    assert probe.issue("B")["ticket"] == "B-002"
    answer = probe.command("1", {"v": 1, "action": "transfer", "request_id": "t-1", "to_service": "B"})
    assert answer["ok"] and answer["to_service"] == "B"
    queue_b = probe.wait_for("queue/B/state", lambda p: "A-001" in p["waiting"])
    assert queue_b["waiting"] == ["A-001", "B-001", "B-002"]


def test_the_same_request_id_twice_has_one_effect_and_the_same_answer(hub, probe: Probe) -> None:
    first = probe.issue("A", request_id="kiosk-req-1", guest=GUEST)
    again = probe.issue("A", request_id="kiosk-req-1", guest=GUEST)
    assert first == again
    assert probe.issue("A")["ticket"] == "A-002"  # the repeat did not take a number

    for n in range(3):
        probe.issue("A", request_id=f"r{n}")
    cmd = {"v": 1, "action": "next", "request_id": "desk1-0001"}
    one = probe.command("1", cmd)
    mark = probe.mark()
    two = probe.command("1", cmd)
    assert one == two and one["ticket"] == "A-001"
    assert probe.on("event/call", since=mark) == []
    # and a refusal is remembered too: the same id is refused the same way later
    bad = {"v": 1, "action": "recall", "request_id": "desk2-0001"}
    assert probe.command("2", bad)["error"]["code"] == "desk_closed"
    probe.command("2", "next")
    assert probe.command("2", bad)["error"]["code"] == "desk_closed"


def test_eight_desks_pressing_next_at_once_get_eight_tickets_in_fifo_order(
    broker, hub_factory, db_url
) -> None:
    hub_factory(db_url, desks=8)
    probe = Probe(broker.port)
    try:
        wait_until(probe.client.is_connected, 5, "probe")
        codes = [probe.issue("A")["ticket"] for _ in range(8)]
        assert codes == [f"A-{n:03d}" for n in range(1, 9)]
        mark = probe.mark()
        barrier = threading.Barrier(8)
        pressers = [Probe(broker.port, client_id=f"button-{desk}") for desk in range(1, 9)]
        for p in pressers:
            wait_until(p.client.is_connected, 5, "button")

        def press(button: Probe, desk: int) -> None:
            barrier.wait()
            button.client.publish(f"antre/pst/counter/{desk}/cmd", "next", qos=1)

        threads = [threading.Thread(target=press, args=(p, d)) for d, p in enumerate(pressers, 1)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wait_until(lambda: len(probe.on("event/call", since=mark)) == 8, 10, "8 calls")
        calls = probe.on("event/call", since=mark)
        assert sorted(c["ticket"] for c in calls) == codes  # eight different tickets, none twice
        # FIFO: in the order the hub served the presses, tickets went out in issue order
        assert [c["ticket"] for c in calls] == codes
        assert len({c["desk"] for c in calls}) == 8
        for p in pressers:
            p.close()
    finally:
        probe.close()


def test_the_guestbook_entry_is_stored_with_its_ticket(hub, probe: Probe) -> None:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from shared.store.db import make_engine
    from shared.store.models import GuestRow, TicketRow

    assert (
        probe.issue("A", kiosk="lobby-1", guest={**GUEST, "id_type": "KTP", "phone": "0812-3456-7890"})[
            "ticket"
        ]
        == "A-001"
    )
    engine = make_engine(hub.env["ANTRE_DB_URL"])
    with Session(engine) as session:
        ticket = session.scalars(select(TicketRow)).one()
        guest = session.get(GuestRow, ticket.guest_id)
    engine.dispose()
    assert (ticket.code, ticket.kiosk_id) == ("A-001", "lobby-1")
    assert guest is not None
    assert (guest.name, guest.id_type, guest.id_number) == ("Siti Aminah", "ktp", "1808014101900001")
    assert (guest.email, guest.phone, guest.institution) == (
        "siti@example.id",
        "081234567890",
        "Universitas Lampung",
    )
    assert guest.purpose == "Data IPM kecamatan 2025" and guest.consent is True
