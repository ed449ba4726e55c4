"""The display's view-model, driven by contract payloads and a hand-turned clock (no Kivy, no broker)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone

import pytest

from display.viewmodel import Connection, DisplayViewModel
from shared.contract import topics as contract

WIB = timezone(timedelta(hours=7))
T0 = datetime(2026, 11, 24, 9, 0, tzinfo=WIB)
HUB = "antre-hub-pst"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def desk(desk_id: str, status: str, ticket: str | None = None, minute: int = 0) -> bytes:
    service = ticket.split("-")[0] if ticket else None
    since = T0 + timedelta(minutes=minute) if status != "closed" else None
    return contract.encode(contract.desk_state(desk_id, f"Meja {desk_id}", status, ticket, service, since))


def queue(service: str, count: int) -> bytes:
    names = {"A": "Konsultasi Statistik", "B": "Perpustakaan"}
    waiting = [f"{service}-{n:03d}" for n in range(1, count + 1)]
    return contract.encode(contract.queue_state(service, names[service], waiting, T0))


def call(call_id: str, ticket: str, desk_id: str, recall: bool = False, priority: bool = False) -> bytes:
    return contract.encode(
        contract.call_event(call_id, ticket, ticket[0], desk_id, f"Meja {desk_id}", recall, T0, priority)
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def said() -> list[str]:
    return []


@pytest.fixture
def vm(clock: FakeClock, said: list[str]) -> DisplayViewModel:
    model = DisplayViewModel(HUB, clock=clock, announce=said.append, flash_seconds=8, overlay_delay=1)
    model.on_bus_connected()
    model.on_presence(HUB, b"online")
    return model


def test_open_desks_show_their_tickets_and_closed_desks_are_hidden(vm: DisplayViewModel) -> None:
    vm.on_desk_state("10", desk("10", "serving", "B-004", minute=3))
    vm.on_desk_state("2", desk("2", "called", "A-002", minute=2))
    vm.on_desk_state("1", desk("1", "idle"))
    vm.on_desk_state("3", desk("3", "closed"))
    shown = [(d.desk, d.name, d.status, d.ticket) for d in vm.desks]
    assert shown == [
        ("1", "Meja 1", "idle", None),
        ("2", "Meja 2", "called", "A-002"),
        ("10", "Meja 10", "serving", "B-004"),
    ]
    vm.on_desk_state("2", desk("2", "closed"))
    assert [d.desk for d in vm.desks] == ["1", "10"]


def test_a_display_started_mid_day_lists_the_desks_tickets_newest_first(
    vm: DisplayViewModel, said: list[str]
) -> None:
    vm.on_desk_state("1", desk("1", "serving", "A-001", minute=1))
    vm.on_desk_state("2", desk("2", "called", "A-003", minute=5))
    vm.on_desk_state("3", desk("3", "called", "B-001", minute=3))
    assert vm.latest is not None and (vm.latest.ticket, vm.latest.desk_name) == ("A-003", "Meja 2")
    assert [c.ticket for c in vm.recent] == ["B-001", "A-001"]
    assert not vm.flashing() and said == []  # read from retained state: no flash, no voice


def test_a_call_is_shown_flashes_for_a_while_and_is_announced(
    vm: DisplayViewModel, clock: FakeClock, said: list[str]
) -> None:
    changes: list[int] = []
    vm.on_change = lambda: changes.append(1)
    vm.on_desk_state("2", desk("2", "idle"))
    vm.on_call(call("c1", "A-012", "2"))
    assert vm.latest is not None and (vm.latest.ticket, vm.latest.desk) == ("A-012", "2")
    # The event arrives before the desk's state: the code is at the desk already.
    assert [(d.desk, d.ticket, d.status) for d in vm.desks] == [("2", "A-012", "called")]
    assert said == ["Nomor antrean A dua belas, silakan menuju meja dua"]
    assert vm.flashing() and changes
    clock.now += 7.9
    assert vm.flashing()
    clock.now += 0.2
    assert not vm.flashing()
    assert vm.latest.ticket == "A-012"  # still the latest, no longer flashing


def test_recent_calls_keep_five_and_a_recall_moves_to_the_top_and_is_said_again(
    vm: DisplayViewModel, said: list[str]
) -> None:
    for n in range(1, 8):
        vm.on_call(call(f"c{n}", f"A-{n:03d}", str(n)))
    assert vm.latest is not None and vm.latest.ticket == "A-007"
    assert [c.ticket for c in vm.recent] == ["A-006", "A-005", "A-004", "A-003", "A-002"]
    vm.on_call(call("r1", "A-004", "4", recall=True))
    assert vm.latest.ticket == "A-004" and vm.latest.recall
    assert [c.ticket for c in vm.recent] == ["A-007", "A-006", "A-005", "A-003", "A-002"]
    assert said[-1] == said[3] == "Nomor antrean A empat, silakan menuju meja empat"
    assert len(said) == 8


def test_a_redelivered_call_is_shown_and_said_once(vm: DisplayViewModel, said: list[str]) -> None:
    vm.on_call(call("c1", "A-001", "1"))
    vm.on_call(call("c1", "A-001", "1"))
    assert len(said) == 1 and vm.recent == []


def test_english_and_voice_off(clock: FakeClock) -> None:
    said: list[str] = []
    english = DisplayViewModel(HUB, language="en", clock=clock, announce=said.append)
    english.on_call(call("c1", "B-003", "1"))
    assert said == ["Ticket number B 003, please go to Meja 1"]
    silent = DisplayViewModel(HUB, clock=clock, announce=None)
    silent.on_call(call("c1", "B-003", "1"))
    assert silent.latest is not None and silent.latest.ticket == "B-003"
    with pytest.raises(ValueError, match="language"):
        DisplayViewModel(HUB, language="jv")


def test_waiting_counts_per_service(vm: DisplayViewModel) -> None:
    vm.on_queue_state("B", queue("B", 0))
    vm.on_queue_state("A", queue("A", 3))
    assert [(s.service, s.name, s.count) for s in vm.waiting] == [
        ("A", "Konsultasi Statistik", 3),
        ("B", "Perpustakaan", 0),
    ]
    vm.on_queue_state("A", queue("A", 2))
    assert vm.waiting[0].count == 2


def test_a_priority_call_shows_its_mark_beside_the_waiting_counts_and_keeps_it_on_a_recall(
    vm: DisplayViewModel, said: list[str]
) -> None:
    vm.on_queue_state("A", queue("A", 4))
    vm.on_queue_state("B", queue("B", 1))
    vm.on_desk_state("1", desk("1", "serving", "B-001", minute=1))
    vm.on_call(call("c1", "A-012", "2", priority=True))
    assert vm.latest is not None and (vm.latest.ticket, vm.latest.priority) == ("A-012", True)
    assert [(d.desk, d.ticket, d.priority) for d in vm.desks] == [("1", "B-001", False), ("2", "A-012", True)]
    assert said == ["Nomor antrean prioritas A dua belas, silakan menuju meja dua"]
    assert [vm.waiting_text(s) for s in vm.waiting] == ["4 orang", "1 orang"]
    assert vm.text("priority") == "PRIORITAS"

    # The hub's own desk state follows the event, flagged too; then the desk calls again.
    vm.on_desk_state(
        "2", contract.encode(contract.desk_state("2", "Meja 2", "called", "A-012", "A", T0, True))
    )
    vm.on_call(call("c2", "B-002", "1"))
    assert vm.recent[0].ticket == "A-012" and vm.recent[0].priority
    assert not vm.latest.priority and [d.priority for d in vm.desks] == [False, True]
    vm.on_call(call("r1", "A-012", "2", recall=True, priority=True))
    assert (vm.latest.ticket, vm.latest.recall, vm.latest.priority) == ("A-012", True, True)
    assert said[-1] == said[0]

    # The desk moves on to an ordinary ticket: the mark goes with the priority visitor.
    vm.on_desk_state("2", desk("2", "called", "A-013", minute=9))
    assert [(d.ticket, d.priority) for d in vm.desks] == [("B-002", False), ("A-013", False)]


def test_a_display_started_mid_day_marks_a_desk_s_priority_ticket(
    vm: DisplayViewModel, said: list[str]
) -> None:
    vm.on_desk_state(
        "3", contract.encode(contract.desk_state("3", "Meja 3", "called", "B-007", "B", T0, True))
    )
    assert vm.latest is not None and (vm.latest.ticket, vm.latest.priority) == ("B-007", True)
    assert vm.desks[0].priority and said == []


def test_waiting_counts_say_how_many_and_how_many_are_late(vm: DisplayViewModel) -> None:
    clocks = [contract.waiting_clock(f"A-00{n}", T0, T0, "breach") for n in (1, 2)]
    payload = contract.queue_state("A", "Konsultasi Statistik", ["A-001", "A-002", "A-003"], T0, 9, clocks)
    vm.on_queue_state("A", contract.encode(payload))
    assert [vm.waiting_text(s) for s in vm.waiting] == ["9 orang · 2 > 10 mnt"]


def test_connection_states_and_a_calm_overlay(clock: FakeClock) -> None:
    vm = DisplayViewModel(HUB, clock=clock, overlay_delay=1)
    assert vm.connection is Connection.BROKER_LOST and not vm.overlay_visible()
    clock.now += 0.2
    vm.on_bus_connected()
    assert vm.connection is Connection.HUB_OFFLINE  # the hub's presence not heard yet
    vm.on_presence(HUB, b"online")
    assert vm.connection is Connection.CONNECTED and not vm.overlay_visible()
    vm.on_presence("antre-display-lobby", b"offline")  # someone else's presence
    assert vm.connection is Connection.CONNECTED

    vm.on_presence(HUB, b"offline")  # the hub stopped (or its Last Will)
    assert vm.connection is Connection.HUB_OFFLINE
    assert not vm.overlay_visible()  # a blink is not worth a curtain
    clock.now += 1.0
    assert vm.overlay_visible()
    vm.on_presence(HUB, b"online")
    assert not vm.overlay_visible()

    vm.on_bus_disconnected()
    clock.now += 5
    assert vm.connection is Connection.BROKER_LOST and vm.overlay_visible()
    vm.on_bus_connected()
    assert vm.connection is Connection.HUB_OFFLINE and vm.overlay_visible()  # hub not heard again yet
    vm.on_presence(HUB, b"online")
    assert vm.connection is Connection.CONNECTED and not vm.overlay_visible()


@pytest.mark.parametrize(
    ("method", "args"),
    [
        ("on_desk_state", ("1", b"not json")),
        ("on_desk_state", ("1", b'{"v": 2, "status": "idle"}')),
        ("on_desk_state", ("1", b'{"v": 1, "desk": "1", "status": "asleep"}')),
        ("on_desk_state", ("1", b'{"v": 1, "desk": "1", "status": "called", "ticket": null}')),
        ("on_desk_state", ("1", b'{"v": 1, "desk": "9", "status": "idle"}')),
        ("on_desk_state", ("1", b'{"v": 1, "desk": "1", "status": "called", "ticket": "Siti Aminah"}')),
        ("on_desk_state", ("1", b'{"v": 1, "desk": "1", "status": "idle", "since": "09:00"}')),
        ("on_queue_state", ("A", b'{"v": 1, "service": "A", "count": -1}')),
        ("on_queue_state", ("A", b'{"v": 1, "service": "A", "count": true}')),
        ("on_call", (b'{"v": 1, "call_id": "c", "ticket": "A-001"}',)),
        ("on_call", (b'{"v": 1, "call_id": "c", "ticket": "A-001", "desk": "1", "recall": "yes"}',)),
        ("on_call", (b"[1, 2]",)),
        ("on_presence", (HUB, b"maybe")),
    ],
)
def test_malformed_messages_are_logged_without_their_contents_and_ignored(
    vm: DisplayViewModel, said: list[str], caplog: pytest.LogCaptureFixture, method: str, args: tuple
) -> None:
    vm.on_desk_state("1", desk("1", "called", "A-001"))
    before = (vm.desks, vm.latest, vm.waiting, vm.connection)
    with caplog.at_level(logging.WARNING, logger="display.viewmodel"):
        getattr(vm, method)(*args)
    assert (vm.desks, vm.latest, vm.waiting, vm.connection) == before
    assert said == [] and vm.malformed == 1
    assert len(caplog.records) == 1 and "malformed" in caplog.records[0].getMessage()
    logged = caplog.records[0].getMessage()
    for fragment in ("Siti", "asleep", "09:00", "maybe", "yes"):
        assert fragment not in logged


def test_only_codes_and_names_reach_the_screen(vm: DisplayViewModel) -> None:
    # A desk state carrying extra fields (a future hub, a wrong publisher): they are dropped.
    raw = contract.encode(
        {**contract.desk_state("1", "Meja 1", "called", "A-001", "A", T0), "guest": {"name": "Siti"}}
    )
    vm.on_desk_state("1", raw)
    assert "Siti" not in repr(vm.desks) and "Siti" not in repr(vm.latest)
