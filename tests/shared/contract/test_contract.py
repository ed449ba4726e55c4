"""Unit tests of the MQTT contract (shared/contract/topics.py and what it re-exports): topics,
payload decoding, counter commands, kiosk requests."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from paho.mqtt.client import topic_matches_sub

from shared.contract import topics as contract
from shared.contract.codec import PayloadError
from shared.contract.counter_commands import parse_counter_command

PARAMS = {"kiosk_id": "k1", "desk": "2", "service": "A", "client_id": "antre-display-1", "display_id": "tv"}


def params_of(spec: contract.TopicSpec) -> dict[str, str]:
    return {name: PARAMS[name] for name in spec.params}


def payload(**fields: Any) -> bytes:
    return json.dumps(fields).encode()


def refused(code: str, raw: bytes, parse: Any = parse_counter_command) -> PayloadError:
    with pytest.raises(PayloadError) as caught:
        parse(raw)
    assert caught.value.code == code, caught.value.message
    return caught.value


# --- topics ------------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", contract.TOPICS, ids=lambda spec: spec.key)
def test_topic_round_trip(spec: contract.TopicSpec) -> None:
    name = contract.topic("pst", spec.key, **params_of(spec))
    assert name == "antre/pst/" + spec.pattern.format(**PARAMS)
    assert contract.match(name) == (spec.key, {"site": "pst", **params_of(spec)})


@pytest.mark.parametrize("spec", contract.TOPICS, ids=lambda spec: spec.key)
def test_subscription_matches_exactly_its_own_topics(spec: contract.TopicSpec) -> None:
    sub = contract.subscription("pst", spec.key)
    assert "{" not in sub
    for other in contract.TOPICS:
        name = contract.topic("pst", other.key, **params_of(other))
        assert topic_matches_sub(sub, name) == (other is spec), (sub, name)
    assert not topic_matches_sub(sub, contract.topic("other", spec.key, **params_of(spec)))


def test_known_topics() -> None:
    assert contract.topic("pst", "kiosk_request", kiosk_id="k1") == "antre/pst/kiosk/k1/request"
    assert contract.topic("pst", "counter_cmd", desk="2") == "antre/pst/counter/2/cmd"
    assert contract.topic("pst", "queue_state", service="A") == "antre/pst/queue/A/state"
    assert contract.topic("pst", "call_event") == "antre/pst/event/call"
    assert contract.subscription("pst", "counter_cmd") == "antre/pst/counter/+/cmd"
    assert contract.subscription("pst", "sla_alert") == "antre/pst/alert/sla"
    assert contract.match("antre/tuba/counter/meja-3/state") == (
        "counter_state",
        {"site": "tuba", "desk": "meja-3"},
    )


@pytest.mark.parametrize(
    "name",
    [
        "antre/pst/counter/2/cmd/extra",
        "antre/pst/counter/cmd",
        "antre/pst/counter//cmd",
        "antre/pst/counter/+/cmd",
        "antre/pst/counter/#",
        "antre/pst/event/call/x",
        "antre/pst",
        "antre//event/call",
        "other/pst/event/call",
        "antre/pst/kiosk/k1/requests",
        "",
    ],
)
def test_match_refuses_what_is_not_a_contract_topic(name: str) -> None:
    assert contract.match(name) is None


@pytest.mark.parametrize("bad", ["a/b", "+", "#", "a+", "b#", "/", ""])
def test_topic_refuses_a_parameter_that_is_not_one_level(bad: str) -> None:
    with pytest.raises(ValueError, match="one topic level"):
        contract.topic("pst", "counter_cmd", desk=bad)
    with pytest.raises(ValueError, match="one topic level"):
        contract.topic("pst", "kiosk_request", kiosk_id=bad)


def test_only_the_kiosk_request_carries_personal_data() -> None:
    assert [spec.key for spec in contract.TOPICS if spec.personal_data] == ["kiosk_request"]


def test_topic_keys_and_patterns_are_unique() -> None:
    assert len({spec.key for spec in contract.TOPICS}) == len(contract.TOPICS)
    assert len({spec.pattern for spec in contract.TOPICS}) == len(contract.TOPICS)


@pytest.mark.parametrize(
    "spec", [s for s in contract.TOPICS if s.example.startswith("{")], ids=lambda spec: spec.key
)
def test_json_examples_decode_and_carry_v1(spec: contract.TopicSpec) -> None:
    assert contract.decode(spec.example.encode())["v"] == 1


NO_CARD = "aplay: main:831: audio open error: No such file or directory"


def test_the_builders_give_the_shape_of_the_examples() -> None:
    at = datetime(2026, 11, 24, 9, 15, 2, tzinfo=timezone(timedelta(hours=7)))
    built = {
        "counter_state": contract.desk_state("2", "Meja 2", "called", "A-002", "A", at),
        "queue_state": contract.queue_state(
            "A",
            "Konsultasi Statistik",
            ["A-003", "A-004"],
            at,
            clocks=[
                contract.waiting_clock(
                    "A-003", at.replace(minute=1, second=40), at.replace(minute=6, second=12), "warning", 192
                ),
                contract.waiting_clock("A-004", at.replace(minute=3, second=5), None, None, 192.6),
            ],
            idle_desks=["3"],
        ),
        "sla_alert": contract.sla_alert("A-004", "A", "warning", 480.2, at),
        "kiosk_status": contract.kiosk_status("k1", "paper_out", "A-007", at, "failed", NO_CARD),
        "display_status": contract.display_status("lobby-tv", "failed", NO_CARD, at),
        "call_event": contract.call_event("7c1e0b", "A-002", "A", "2", "Meja 2", False, at),
    }
    for key, body in built.items():
        assert json.loads(contract.encode(body)) == json.loads(contract.SPECS[key].example), key


def test_queue_state_lists_the_head_and_counts_all() -> None:
    at = datetime(2026, 11, 24, 9, 15, 2, tzinfo=timezone(timedelta(hours=7)))
    codes = [f"A-{n:03d}" for n in range(1, contract.QUEUE_STATE_HEAD + 11)]
    state = contract.queue_state("A", "Konsultasi Statistik", codes, at)
    assert state["waiting"] == codes[: contract.QUEUE_STATE_HEAD]
    assert state["count"] == len(codes)
    head = contract.queue_state("A", "Konsultasi Statistik", codes[:3], at, count=120)
    assert (head["waiting"], head["count"]) == (codes[:3], 120)


# --- times, encode, decode ---------------------------------------------------------------------


def test_iso_keeps_the_offset_to_the_second() -> None:
    wib = timezone(timedelta(hours=7))
    assert contract.iso(datetime(2026, 11, 24, 9, 15, 2, 123456, tzinfo=wib)) == "2026-11-24T09:15:02+07:00"
    assert contract.iso(datetime(2026, 11, 24, 2, 15, 2, tzinfo=UTC)) == "2026-11-24T02:15:02+00:00"
    with pytest.raises(ValueError, match="offset"):
        contract.iso(datetime(2026, 11, 24, 9, 15, 2))


def test_encode_adds_v1_and_is_compact_utf8() -> None:
    raw = contract.encode({"name": "Layanan Perpustakaan – Buku"})
    assert raw == '{"v":1,"name":"Layanan Perpustakaan – Buku"}'.encode()
    assert contract.decode(raw) == {"v": 1, "name": "Layanan Perpustakaan – Buku"}


def test_error_answer_shape() -> None:
    answer = json.loads(contract.encode(contract.error_answer("c2-0008", "desk_busy", "finish first")))
    assert answer == {
        "v": 1,
        "request_id": "c2-0008",
        "error": {"code": "desk_busy", "message": "finish first"},
    }
    unknown = json.loads(contract.encode(contract.error_answer(None, "bad_json", "not JSON")))
    assert unknown["request_id"] is None


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"not json", "bad_json"),
        (b"\xff\xfe{}", "bad_json"),
        (b"[1, 2]", "bad_json"),
        (b'"next"', "bad_json"),
        (b"{}", "bad_version"),
        (b'{"v": 2}', "bad_version"),
        (b'{"v": "1"}', "bad_version"),
        (b'{"v": null}', "bad_version"),
        (b'{"v": 1, "x": "' + b"a" * contract.MAX_PAYLOAD_BYTES + b'"}', "too_large"),
    ],
)
def test_decode_refuses(raw: bytes, code: str) -> None:
    refused(code, raw, contract.decode)


def test_bad_version_keeps_the_request_id_for_the_answer() -> None:
    error = refused("bad_version", payload(v=2, request_id="c1-9", action="next"))
    assert error.request_id == "c1-9"


@pytest.mark.parametrize("version", [b"true", b"1.0", b'"1"'])
def test_decode_refuses_a_version_that_only_looks_like_1(version: bytes) -> None:
    refused("bad_version", b'{"v": ' + version + b"}", contract.decode)


# --- counter commands --------------------------------------------------------------------------


@pytest.mark.parametrize("word", contract.PLAIN_WORDS)
@pytest.mark.parametrize("form", ["{}", "{}\n", "  {}  ", "\t{}\r\n", "UPPER", "Title"])
def test_plain_words_ignore_whitespace_and_case(word: str, form: str) -> None:
    text = word.upper() if form == "UPPER" else word.title() if form == "Title" else form.format(word)
    command = parse_counter_command(text.encode())
    assert command == contract.CounterCommand(action=word, request_id=None)


@pytest.mark.parametrize(
    "raw", [b"", b"   ", b"nxt", b"next please", b"transfer", b"open", b"close", b"next\x00"]
)
def test_other_words_are_refused(raw: bytes) -> None:
    refused("bad_command", raw)


@pytest.mark.parametrize("action", contract.JSON_ACTIONS)
def test_json_actions(action: str) -> None:
    extra = {"to_service": "B"} if action == "transfer" else {}
    command = parse_counter_command(payload(v=1, action=action, request_id="c2-0007", **extra))
    assert command.action == action
    assert command.request_id == "c2-0007"
    assert command.to_service == ("B" if action == "transfer" else None)


def test_json_command_may_have_leading_whitespace() -> None:
    command = parse_counter_command(b'\n  {"v":1,"action":"next","request_id":"x"}')
    assert command == contract.CounterCommand("next", "x")


def test_transfer_needs_to_service() -> None:
    error = refused("bad_request", payload(v=1, action="transfer", request_id="c2-1"))
    assert "to_service" in error.message
    assert error.request_id == "c2-1"
    refused("bad_request", payload(v=1, action="transfer", request_id="c2-1", to_service=None))
    refused("bad_request", payload(v=1, action="transfer", request_id="c2-1", to_service=2))


@pytest.mark.parametrize("action", ["NEXT", "call", "", None, 1, "transfer "])
def test_unknown_json_action(action: Any) -> None:
    error = refused("bad_action", payload(v=1, action=action, request_id="c2-2"))
    assert error.request_id == "c2-2"


@pytest.mark.parametrize("request_id", [None, "", 7, "x" * 65, ["a"]])
def test_json_command_needs_a_request_id(request_id: Any) -> None:
    body = {"v": 1, "action": "next"}
    if request_id is not None:
        body["request_id"] = request_id
    refused("bad_request", payload(**body))


def test_request_id_of_64_characters_is_fine() -> None:
    assert parse_counter_command(payload(v=1, action="next", request_id="x" * 64)).request_id == "x" * 64


def test_counter_command_bad_json_and_version() -> None:
    refused("bad_json", b'{"v":1,"action":"next"')
    refused("bad_json", b"{not json}")
    refused("bad_version", payload(action="next", request_id="a"))
    refused("bad_version", payload(v=2, action="next", request_id="a"))


def test_counter_command_too_large() -> None:
    big = b" " * contract.MAX_PAYLOAD_BYTES + b"next"
    refused("too_large", big)
    refused("too_large", payload(v=1, action="next", request_id="a", pad="x" * contract.MAX_PAYLOAD_BYTES))


# --- payloads no parser should ever choke on (issue 14) -----------------------------------------


@pytest.mark.parametrize("depth", [9, 100, 5000, 100_000])
def test_deeply_nested_json_is_refused_with_the_request_id(depth: int) -> None:
    raw = b'{"v":1,"request_id":"r-deep","x":' + b"[" * depth + b"]" * depth + b"}"
    with pytest.raises(PayloadError) as caught:
        contract.decode(raw)
    assert caught.value.code in ("bad_json", "too_large")
    if len(raw) <= contract.MAX_PAYLOAD_BYTES:
        assert caught.value.request_id == "r-deep"


def test_a_lone_surrogate_anywhere_is_refused() -> None:
    for raw in (
        b'{"v":1,"request_id":"r1","service":"\\ud83d"}',
        b'{"v":1,"request_id":"r1","\\udc00":1}',
        b'{"v":1,"request_id":"\\ud83d"}',
    ):
        with pytest.raises(PayloadError) as caught:
            contract.decode(raw)
        assert caught.value.code == "bad_json"
        assert caught.value.request_id in ("r1", None)


def test_real_payloads_are_not_too_deep() -> None:
    raw = b'{"v":1,"request_id":"r1","service":"A","guest":{"name":"Siti","tags":[["a"]]}}'
    assert contract.decode(raw)["guest"]["name"] == "Siti"
