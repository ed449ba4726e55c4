"""shared/contract/records.py: what the hub builds (``topics``), every app parses into one record;
a message that breaks the contract is refused with a stable code and without quoting itself."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from shared.contract import records
from shared.contract import topics as contract
from shared.contract.codec import PayloadError

OFFICE = timezone(timedelta(hours=7))
AT = datetime(2026, 11, 24, 9, 15, 2, tzinfo=OFFICE)


def raw(**fields: Any) -> bytes:
    return json.dumps({"v": 1, **fields}).encode()


def refused(code: str, parse: Any, *args: Any) -> PayloadError:
    with pytest.raises(PayloadError) as caught:
        parse(*args)
    assert caught.value.code == code, caught.value.message
    return caught.value


def test_a_desk_state_round_trip() -> None:
    payload = contract.encode(contract.desk_state("2", "Meja 2", "called", "A-002", "A", AT))
    expected = records.DeskState("2", "Meja 2", "called", "A-002", "A", AT)
    assert records.parse_desk_state(payload) == expected
    assert records.parse_desk_state(payload, "2") == expected
    idle = contract.encode(contract.desk_state("2", "Meja 2", "idle", None, None, None))
    assert records.parse_desk_state(idle) == records.DeskState("2", "Meja 2", "idle", None, None, None)


def test_the_desk_actions_fields_priority_and_parked() -> None:
    """Issue 18: the desk's ticket is priority, and who is parked there; an older hub sends
    neither (nothing priority, nobody parked), and a code that is not one is left out."""
    body = contract.desk_state("2", "Meja 2", "called", "A-002", "A", AT, priority=True, parked=["B-004"])
    state = records.parse_desk_state(contract.encode(body))
    assert (state.priority, state.parked) == (True, ("B-004",))
    older = raw(desk="2", status="idle", ticket=None)
    assert (records.parse_desk_state(older).priority, records.parse_desk_state(older).parked) == (False, ())
    odd = raw(desk="2", status="idle", parked=["A-001", 7, "bogus", None])
    assert records.parse_desk_state(odd).parked == ("A-001",)
    # A priority that is not true/false is refused, as in event/call (the mark must not be guessed).
    refused("bad_priority", records.parse_desk_state, raw(desk="2", status="idle", priority="yes"))
    queue = contract.queue_state("A", "Konsultasi", ["A-003", "A-004"], AT, priority=["A-004"])
    assert records.parse_queue_state(contract.encode(queue)).priority == frozenset({"A-004"})
    listed_only = raw(service="A", waiting=["A-003"], count=1, priority=["A-003", "A-009", 3])
    assert records.parse_queue_state(listed_only).priority == frozenset({"A-003"})  # of ``waiting`` only
    assert records.parse_queue_state(raw(service="A", waiting=[], count=0)).priority == frozenset()


def test_a_desk_state_is_checked_against_its_topic() -> None:
    assert records.parse_desk_state(raw(status="idle"), "3").desk == "3"  # the topic names it
    refused("desk_mismatch", records.parse_desk_state, raw(desk="9", status="idle"), "3")
    refused("bad_desk", records.parse_desk_state, raw(status="idle"))  # neither names it
    refused("bad_desk", records.parse_desk_state, raw(desk="a/b", status="idle"))


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"status": "dancing"}, "bad_status"),
        ({"status": "called", "ticket": None}, "missing_ticket"),
        ({"status": "serving"}, "missing_ticket"),
        ({"status": "called", "ticket": "Siti Aminah"}, "bad_ticket"),
        ({"status": "idle", "since": "09:00"}, "bad_since"),
        ({"status": "idle", "since": "2026-11-24T09:00:00"}, "bad_since"),  # no offset
        ({"status": "idle", "name": 7}, "bad_name"),
        ({"status": "idle", "service": ["A"]}, "bad_service"),
    ],
)
def test_a_malformed_desk_state_is_refused_without_quoting_it(fields: dict[str, Any], code: str) -> None:
    error = refused(code, records.parse_desk_state, raw(desk="2", **fields))
    for value in ("Siti", "dancing", "09:00"):
        assert value not in error.message


def test_the_envelope_is_the_contract_s() -> None:
    refused("bad_json", records.parse_desk_state, b"not json")
    refused("bad_version", records.parse_desk_state, b'{"v": 2, "desk": "2", "status": "idle"}')
    refused("too_large", records.parse_queue_state, b" " * (contract.MAX_PAYLOAD_BYTES + 1))


def test_a_queue_state_round_trip_with_its_clocks() -> None:
    clocks = [
        contract.waiting_clock("A-003", AT - timedelta(minutes=9), AT - timedelta(minutes=8), "warning"),
        contract.waiting_clock("A-004", AT - timedelta(minutes=5), None, None),
    ]
    payload = contract.encode(contract.queue_state("A", "Konsultasi", ["A-003", "A-004"], AT, clocks=clocks))
    state = records.parse_queue_state(payload, "A")
    assert (state.service, state.name, state.waiting, state.count) == (
        "A",
        "Konsultasi",
        ("A-003", "A-004"),
        2,
    )
    assert state.clocks["A-003"] == records.WaitingClock(
        AT - timedelta(minutes=9), AT - timedelta(minutes=8), "warning"
    )
    assert state.clocks["A-004"].clock_started_at is None and state.clocks["A-004"].level is None
    assert records.parse_queue_state(payload) == state  # without the topic: the payload names it


def test_the_idle_desk_figure_runs_on_while_a_desk_is_still_idle() -> None:
    """A-003 had waited 3:12 while desk 3 sat idle when the hub published at 09:15:02; desk 3 is
    still idle, so at 09:16:02 the figure reads 4:12. A-004's entry is from an older hub (no
    field): 0. With no idle desk listed the published figure stands still."""
    clocks = [
        contract.waiting_clock("A-003", AT - timedelta(minutes=9), None, None, 192),
        contract.waiting_clock("A-004", AT - timedelta(minutes=5), None, None),
    ]
    idle = contract.queue_state("A", "Konsultasi", ["A-003", "A-004"], AT, clocks=clocks, idle_desks=["3"])
    state = records.parse_queue_state(contract.encode(idle), "A")
    assert state.idle_desks == ("3",) and state.updated_at == AT
    later = AT + timedelta(minutes=1)
    assert state.idle_desk_seconds("A-003", later) == 252
    assert state.idle_desk_seconds("A-004", later) == 60  # waiting while desk 3 is idle now too
    assert state.idle_desk_seconds("A-009", later) == 0  # not listed
    busy = contract.queue_state("A", "Konsultasi", ["A-003", "A-004"], AT, clocks=clocks)
    assert "idle_desks" not in busy and "idle_desk_s" not in busy["clocks"][1]
    state = records.parse_queue_state(contract.encode(busy), "A")
    assert state.idle_desks == () and state.idle_desk_seconds("A-003", later) == 192
    odd = raw(service="A", waiting=["A-003"], count=1, idle_desks=["1/x", 7, "2"],
              clocks=[{"ticket": "A-003", "idle_desk_s": "lots"}])  # fmt: skip
    state = records.parse_queue_state(odd, "A")
    assert state.idle_desks == ("2",) and state.clocks["A-003"].idle_desk_s == 0


def test_an_unreadable_clock_is_left_out_not_the_queue() -> None:
    payload = raw(
        service="A",
        waiting=["A-003", "A-004"],
        count=2,
        clocks=[{"ticket": "A-003", "issued_at": "yesterday"}, "junk", {"ticket": "A-004", "level": None}],
    )
    state = records.parse_queue_state(payload, "A")
    assert list(state.clocks) == ["A-004"] and state.waiting == ("A-003", "A-004")


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"waiting": [], "count": -1}, "bad_count"),
        ({"waiting": [], "count": True}, "bad_count"),
        ({"waiting": []}, "bad_count"),
        ({"count": 0}, "bad_waiting"),
        ({"waiting": [1], "count": 1}, "bad_waiting"),
        ({"waiting": [], "count": 0, "service": "B"}, "service_mismatch"),
    ],
)
def test_a_malformed_queue_state_is_refused(fields: dict[str, Any], code: str) -> None:
    refused(code, records.parse_queue_state, raw(**fields), "A")


def test_a_call_event_round_trip() -> None:
    payload = contract.encode(contract.call_event("7c1e0b", "A-002", "A", "2", "Meja 2", True, AT))
    assert records.parse_call_event(payload) == records.CallEvent("7c1e0b", "A-002", "2", "Meja 2", True)
    assert records.parse_call_event(raw(call_id="c", ticket="A-001", desk="1")).recall is False
    refused("bad_desk", records.parse_call_event, raw(call_id="c", ticket="A-001"))
    refused("bad_recall", records.parse_call_event, raw(call_id="c", ticket="A-001", desk="1", recall="yes"))
    refused("bad_call_id", records.parse_call_event, raw(call_id="x" * 65, ticket="A-001", desk="1"))
    refused("bad_json", records.parse_call_event, b"[1, 2]")


def test_the_priority_mark_is_read_from_a_call_and_a_desk_state() -> None:
    call = contract.call_event("7c1e0c", "A-012", "A", "2", "Meja 2", False, AT, priority=True)
    assert records.parse_call_event(contract.encode(call)).priority is True
    state = contract.desk_state("2", "Meja 2", "called", "A-012", "A", AT, priority=True)
    assert records.parse_desk_state(contract.encode(state), "2").priority is True
    # Left out (a hub from before the field): an ordinary ticket.
    assert records.parse_call_event(raw(call_id="c", ticket="A-001", desk="1")).priority is False
    assert records.parse_desk_state(raw(status="idle"), "3").priority is False
    refused("bad_priority", records.parse_call_event, raw(call_id="c", ticket="A-001", desk="1", priority=1))
    refused("bad_priority", records.parse_desk_state, raw(status="idle", priority="yes"), "3")


def test_a_display_status_round_trip() -> None:
    payload = contract.encode(contract.display_status("lobby-tv", "failed", "no soundcards found", AT))
    assert records.parse_display_status(payload) == records.DisplayStatus(
        "lobby-tv", "failed", "no soundcards found"
    )
    refused("bad_audio", records.parse_display_status, raw(display="lobby-tv", audio="loud"))


def test_a_kiosk_status_round_trip() -> None:
    payload = contract.encode(contract.kiosk_status("k1", "paper_out", "A-007", AT))
    assert records.parse_kiosk_status(payload) == records.KioskStatus("k1", "paper_out", "A-007")
    refused("bad_printer", records.parse_kiosk_status, raw(kiosk="k1"))
    # The spoken guide's sound (issue 18), left out by a kiosk from before it.
    heard = contract.encode(contract.kiosk_status("k1", "ready", None, AT, "failed", "aplay: no card"))
    assert records.parse_kiosk_status(heard) == records.KioskStatus(
        "k1", "ready", None, "failed", "aplay: no card"
    )
    refused("bad_audio", records.parse_kiosk_status, raw(kiosk="k1", printer="ready", audio="loud"))


def test_an_sla_alert_round_trip() -> None:
    payload = contract.encode(contract.sla_alert("A-004", "A", "breach", 600.4, AT))
    assert records.parse_sla_alert(payload) == records.SlaAlert("A-004", "A", "breach", 600, AT)
    refused("bad_level", records.parse_sla_alert, raw(ticket="A-004", service="A", level="late", clock_s=1))


def test_a_rate_prompt_round_trip_and_its_clearing() -> None:
    payload = contract.encode(contract.rate_prompt("9d2f41", "A-002", "2026-11-24", "A", "2", "Meja 2", AT))
    assert records.parse_rate_prompt(payload) == records.RatePrompt(
        "9d2f41", "A-002", date(2026, 11, 24), "A", "2", "Meja 2", AT
    )
    cleared = contract.encode(contract.rate_prompt("9d2f42", None, None, None, "2", "Meja 2", AT))
    assert records.parse_rate_prompt(cleared).ticket is None
    refused("bad_at", records.parse_rate_prompt, raw(prompt_id="p", ticket=None, desk="2", at="now"))


def test_presence_is_a_plain_word() -> None:
    assert records.parse_presence(b"online") is True
    assert records.parse_presence(b"offline\n") is False
    refused("bad_presence", records.parse_presence, b"maybe")
    refused("bad_presence", records.parse_presence, b"")


def test_records_keep_no_field_they_do_not_name() -> None:
    payload = contract.encode(
        {**contract.desk_state("1", "Meja 1", "called", "A-001", "A", AT), "guest": {"name": "Siti"}}
    )
    assert "Siti" not in repr(records.parse_desk_state(payload))


def test_times_keep_their_offset() -> None:
    payload = contract.encode(contract.desk_state("2", "Meja 2", "idle", None, None, AT.astimezone(UTC)))
    since = records.parse_desk_state(payload).since
    assert since == AT and since is not None and since.utcoffset() == timedelta(0)
