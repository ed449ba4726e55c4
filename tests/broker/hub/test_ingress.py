"""The hub's intake, without MQTT: junk is answered before the database, and the worker serves the
senders in turn from bounded queues (issue 14: one flooding client stalled every desk)."""

from __future__ import annotations

import json
import threading

import pytest

from broker.hub.ingress import FairQueue, Hush, Precheck
from broker.hub.publications import SiteNames
from shared.config import Settings
from shared.contract import topics as contract


@pytest.fixture
def precheck(tmp_path) -> Precheck:
    return Precheck(SiteNames.of(Settings(db_url="sqlite://", data_dir=tmp_path)))


def reply_of(verdict) -> dict:
    assert verdict.reply is not None
    return json.loads(verdict.reply.payload)


def test_a_sound_request_is_admitted_with_where_a_busy_answer_would_go(precheck: Precheck) -> None:
    verdict = precheck.kiosk("k1", contract.encode({"request_id": "k1-1", "service": "A"}))
    assert verdict.admit and verdict.reply is None
    busy = json.loads(verdict.busy().payload)
    assert verdict.busy().topic == "antre/pst/kiosk/k1/response"
    assert busy["request_id"] == "k1-1" and busy["error"]["code"] == "busy"
    assert precheck.counter("1", b"next").admit
    assert json.loads(precheck.counter("1", b"next").busy().payload)["request_id"] is None


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b'{"v":1,"request_id":"r1","service":"Z"}', "unknown_service"),
        (b'{"v":1,"request_id":"r1","x":' + b"[" * 50_000 + b"]" * 50_000 + b"}", "too_large"),
        (b'{"v":1,"request_id":"r1","x":' + b"[" * 5_000 + b"]" * 5_000 + b"}", "bad_json"),
        (b'{"v":1,"request_id":"r1","service":7}', "bad_request"),
        (b'{"v":1,"request_id":"r1","service":"A","guest":{"name":"Siti \\ud83d"}}', "bad_json"),
        (b'\xff\xfe{"request_id":"r1"}', "bad_json"),
    ],
)
def test_junk_from_a_kiosk_is_answered_at_once(precheck: Precheck, raw: bytes, code: str) -> None:
    verdict = precheck.kiosk("k1", raw)
    assert not verdict.admit
    body = reply_of(verdict)
    assert body["request_id"] == "r1" and body["error"]["code"] == code


def test_junk_without_a_request_id_is_answered_and_bad_kiosk_ids_dropped(precheck: Precheck) -> None:
    assert reply_of(precheck.kiosk("k1", b"\x00\x01 random bytes"))["request_id"] is None
    assert not precheck.kiosk("k1" * 100, b'{"v":1,"request_id":"r1","service":"A"}').admit
    assert not precheck.kiosk("bad id!", b'{"v":1,"request_id":"r1","service":"A"}').admit


def test_a_command_for_an_unknown_desk_is_answered_without_the_database(precheck: Precheck) -> None:
    verdict = precheck.counter("9999999999999999", b'{"v":1,"action":"next","request_id":"c1"}')
    assert not verdict.admit and reply_of(verdict)["error"]["code"] == "unknown_desk"
    assert reply_of(precheck.counter("9999", b"next"))["error"]["code"] == "unknown_desk"
    assert precheck.counter("9" * 300, b"next").reply is None
    bad = precheck.counter("1", b'{"v":1,"action":"dance","request_id":"c2"}')
    assert reply_of(bad)["error"]["code"] == "bad_action"


def test_the_worker_serves_senders_in_turn() -> None:
    jobs = FairQueue()
    for n in range(10):
        assert jobs.put("kiosk/flood", lambda n=n: [f"flood {n}"])
    jobs.put("counter/1", lambda: ["desk next"])
    jobs.put("hub", lambda: ["tick"], bounded=False)
    order = [jobs.take()()[0] for _ in range(4)]
    assert order == ["flood 0", "desk next", "tick", "flood 1"], "the desk waits for one flood job, not ten"


def test_a_batch_is_consecutive_takes_in_the_fair_order() -> None:
    jobs = FairQueue()
    for n in range(3):
        jobs.put("kiosk/1", lambda n=n: [f"kiosk {n}"])
    jobs.put("counter/1", lambda: ["desk next"])
    jobs.put("hub", lambda: ["tick"], bounded=False)
    is_command = lambda job: job()[0] != "tick"  # noqa: E731 - the worker's test is the job's type
    batch = [jobs.take(), jobs.take_ready(is_command)]
    assert [job()[0] for job in batch] == ["kiosk 0", "desk next"]  # type: ignore[misc]
    assert jobs.take_ready(is_command) is None, "the tick's turn: the batch ends, the tick stays queued"
    assert jobs.take()()[0] == "tick"
    assert [jobs.take_ready(is_command)()[0] for _ in range(2)] == ["kiosk 1", "kiosk 2"]  # type: ignore[misc]
    assert jobs.take_ready(is_command) is None, "nothing ready: no wait"


def test_a_full_sender_is_refused_and_the_others_are_not() -> None:
    jobs = FairQueue(per_sender=3, max_senders=2)
    assert [jobs.put("kiosk/a", list) for _ in range(5)] == [True, True, True, False, False]
    assert jobs.put("counter/1", list)
    assert not jobs.put("kiosk/b", list), "a third sender while two have work waiting"
    assert jobs.put("hub", list, bounded=False), "the hub's own jobs are never refused"
    assert jobs.shed == 3 and jobs.waiting() == 5


def test_take_waits_for_work() -> None:
    jobs = FairQueue()
    got: list[str] = []
    worker = threading.Thread(target=lambda: got.extend(jobs.take()()))
    worker.start()
    jobs.put("counter/1", lambda: ["late"])
    worker.join(10)
    assert got == ["late"]


def test_refusals_are_answered_within_a_budget_per_sender_and_in_all() -> None:
    from broker.hub.ingress import RefusalBudget

    now = [0.0]
    budget = RefusalBudget(per_sender=10, burst=20, total=100, clock=lambda: now[0])
    assert sum(budget.allow("kiosk/flood") for _ in range(1000)) == 20
    assert budget.allow("kiosk/kiosk-1"), "another device's refusal still gets its answer"
    now[0] = 1.0
    assert sum(budget.allow("kiosk/flood") for _ in range(1000)) == 10, "10 a second after the burst"
    spread = sum(budget.allow(f"counter/{n}") for n in range(1000))
    assert spread <= 100, "random sender ids share the total"


def test_no_refusal_is_answered_while_too_many_wait_for_the_brokers_acknowledgement() -> None:
    from broker.hub.ingress import RefusalBudget

    unacknowledged = [0]
    budget = RefusalBudget(
        per_sender=10, burst=20, total=100, clock=lambda: 0.0,
        unacknowledged=lambda: unacknowledged[0], max_unacknowledged=50,
    )  # fmt: skip
    assert budget.allow("kiosk/k1")
    unacknowledged[0] = 50  # the acknowledgements wait behind a flood the hub has not read yet
    assert not any(budget.allow(f"kiosk/k{n}") for n in range(100))
    unacknowledged[0] = 49
    assert sum(budget.allow("kiosk/k1") for _ in range(100)) == 19, "no token was spent meanwhile"


def test_refusals_are_logged_a_few_a_minute_without_making_a_record_for_the_rest(
    precheck: Precheck, caplog: pytest.LogCaptureFixture
) -> None:
    now = [0.0]
    precheck.hush = Hush(burst=3, window_s=60, clock=lambda: now[0])
    junk = b'{"v":1,"request_id":"j","service":"Z"}'
    with caplog.at_level("WARNING", logger="broker.hub.ingress"):
        for _ in range(50):
            assert reply_of(precheck.kiosk("k1", junk))["error"]["code"] == "unknown_service"
        assert len(caplog.records) == 3, "no record at all is made past the burst"
        precheck.counter("1", b"dance")  # another kind has its own burst
        assert len(caplog.records) == 4
        now[0] = 61.0
        precheck.kiosk("k1", junk)
    assert len(caplog.records) == 5
    assert caplog.records[-1].getMessage().endswith("(47 more like this left out in the last minute)")
