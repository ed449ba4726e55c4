"""The 8-desk press for ``hub_bench.py``: every desk presses ``next`` at the same instant.

Each desk is its own MQTT client, as in a lobby. For each round the desks' threads meet at a
barrier, then each publishes ``next`` (with its own ``request_id``) and waits for its answer on
``counter/{desk}/response``; the sample is press -> that answer. The hub applies the eight one
after another (one writer), so the last desk's wait is what the round costs.
"""

from __future__ import annotations

import json
import threading
import time

from bench_support import REPLY_TIMEOUT_S, BenchError, Latency, Received, connected

from shared.contract import topics as contract

SITE = "pst"  # the bench's site (hub_bench.SITE)
ROUND_GAP_S = 0.05  # the desks' answers are all in; a short pause before the next round


def measure_press(port: int, desks: tuple[str, ...], rounds: int) -> tuple[Latency, int]:
    """Press latencies (ms) of all desks over ``rounds``, and how many presses called nobody
    (the queue must hold ``len(desks) * rounds`` waiting tickets)."""
    samples: list[float] = []
    empty = [0]
    lock = threading.Lock()
    barrier = threading.Barrier(len(desks), timeout=REPLY_TIMEOUT_S * 4)
    errors: list[BaseException] = []

    def desk_loop(desk: str) -> None:
        try:
            with connected(f"press-{desk}", port) as client:
                client.subscribe(contract.topic(SITE, "counter_response", desk=desk))
                barrier.wait()  # all subscribed
                for n in range(rounds):
                    request_id = f"press-{desk}-{n}"
                    barrier.wait()
                    sent = time.perf_counter()
                    body = contract.encode({"action": "next", "request_id": request_id})
                    client.publish(contract.topic(SITE, "counter_cmd", desk=desk), body)
                    mine = lambda m, r=request_id: _answers(m, r)  # noqa: E731
                    got = client.wait_for(mine, REPLY_TIMEOUT_S, f"desk {desk}'s answer")
                    data = json.loads(got.payload)
                    if "error" in data:
                        raise BenchError(f"desk {desk} refused next: {data['error']}")
                    with lock:
                        samples.append((got.at - sent) * 1000)
                        empty[0] += data.get("ticket") is None
                    time.sleep(ROUND_GAP_S)
        except BaseException as exc:  # reported by the caller
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=desk_loop, args=(d,), daemon=True) for d in desks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        first = errors[0]
        raise first if isinstance(first, BenchError) else BenchError(f"8-desk press: {first!r}")
    return Latency(samples), empty[0]


def _answers(message: Received, request_id: str) -> bool:
    try:
        return json.loads(message.payload).get("request_id") == request_id
    except ValueError:
        return False
