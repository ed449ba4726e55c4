"""shared/contract/records.py: what the hub builds (``topics``), every app parses into one record;
a message that breaks the contract is refused with a stable code and without quoting itself."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest

from shared.contract import records
from shared.contract import topics as contract
from shared.contract.topics import PayloadError

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
