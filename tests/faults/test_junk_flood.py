"""A junk flood does not stall the desks (issue 14, reproduced in short form).

Two clients send junk as fast as they can (random bytes, wrong JSON types, 60 KB strings, deeply
nested arrays, unknown desks and services, bad kiosk ids) to kiosk request and counter command
topics, while a desk presses ``next`` on real tickets. Before the intake was bounded and fair,
99 of 100 presses were not called within 30 s, a kiosk request after the flood went unanswered
and every junk refusal was written to the database. Effects are asserted, not timings: every
press is called, every kiosk request answered, no junk reaches the database, the hub lives.
"""

from __future__ import annotations

import json
import random
import sqlite3
import threading
import time
import uuid
from pathlib import Path

import paho.mqtt.client as paho
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from tests.support import Probe

pytestmark = pytest.mark.e2e

FLOOD_S = 4.0
PRESSES = 8


def junk_payloads(rng: random.Random) -> list[tuple[str, bytes]]:
    big = "x" * 60_000
    nested = "[" * 3000 + "]" * 3000
    return [
        (f"kiosk/junk{rng.randrange(9)}/request", bytes(rng.randrange(256) for _ in range(64))),
        (f"kiosk/junk{rng.randrange(9)}/request", b'{"v":1,"request_id":7,"service":["A"]}'),
        (f"kiosk/junk{rng.randrange(9)}/request", json.dumps({"v": 1, "request_id": "j", "x": big}).encode()),
        (f"kiosk/junk{rng.randrange(9)}/request", ('{"v":1,"request_id":"n","x":' + nested + "}").encode()),
        (f"kiosk/junk{rng.randrange(9)}/request", b'{"v":1,"request_id":"s","service":"ZZZ"}'),
        (f"counter/{rng.randrange(10**15)}/cmd", b'{"v":1,"action":"next","request_id":"u"}'),
        ("counter/1/cmd", b'{"v":1,"action":"dance","request_id":"d"}'),
        ("counter/1/cmd", bytes(rng.randrange(256) for _ in range(32))),
    ]


def flood(port: int, stop: threading.Event, sent: list[int], seed: int) -> None:
    rng = random.Random(seed)
    client = paho.Client(CallbackAPIVersion.VERSION2, client_id=f"junk-{uuid.uuid4().hex[:6]}")
    client.max_queued_messages_set(2000)
    client.connect("127.0.0.1", port)
    client.loop_start()
    count = 0
    try:
        while not stop.is_set():
            for suffix, payload in junk_payloads(rng):
                client.publish(f"antre/pst/{suffix}", payload, qos=0)
                count += 1
    finally:
        client.disconnect()
        client.loop_stop()
        sent.append(count)


def test_a_desk_keeps_calling_through_a_junk_flood(hub, probe: Probe, broker, tmp_path: Path) -> None:
    tickets = [probe.issue("A", kiosk="kiosk-1")["ticket"] for _ in range(PRESSES)]
    stop, sent = threading.Event(), []
    floods = [threading.Thread(target=flood, args=(broker.port, stop, sent, n)) for n in range(2)]
    for thread in floods:
        thread.start()
    timer = threading.Timer(FLOOD_S, stop.set)
    timer.start()
    called, during_flood = [], 0
    try:
        while len(called) < PRESSES:
            rid = uuid.uuid4().hex
            answer = probe.command("2", {"v": 1, "action": "next", "request_id": rid}, timeout=60)
            assert "error" not in answer, answer
            called.append(answer["ticket"])
            during_flood += not stop.is_set()
            time.sleep(0.2)
    finally:
        stop.set()
        timer.cancel()
        for thread in floods:
            thread.join(30)

    assert sum(sent) > 1000, f"the flood was too thin to prove anything ({sent})"
    assert during_flood >= 1, "the desk should be served while the junk keeps coming"
    assert called == tickets, "FIFO, each ticket called once"
    calls = {m.json()["ticket"] for m in probe.messages if m.topic.endswith("/event/call")}
    assert set(tickets) <= calls, "every applied call was published"

    after = probe.issue("A", kiosk="kiosk-1", timeout=60)
    assert after["ticket"] == f"A-{PRESSES + 1:03d}"
    assert hub.alive()

    db = sqlite3.connect(tmp_path / "antre.db")
    try:
        sources = {row[0] for row in db.execute("SELECT DISTINCT source FROM processed_requests")}
    finally:
        db.close()
    assert sources <= {"kiosk/kiosk-1", "counter/2"}, f"junk reached the database: {sources}"
