"""A junk flood while a desk keeps calling and kiosks keep issuing.

Junk clients (``tests.faults.junk``, each its own process, at the rate the socket takes) flood
kiosk request and counter command topics for ``flood_s``. Meanwhile a well-behaved desk (desk 2)
presses ``next`` every ``press_every`` s on real tickets, and kiosk-2 asks for a ticket every
second. Measured: the desk's press -> ``event/call`` before, during and after the flood, the raw
Mosquitto hop (quiet and during the flood) for scale, the kiosk answers, the hub's RSS (start,
peak, after) and how long the hub takes to drain the backlog once the flood stops.

Effects (what CI asserts): every press called, in ticket order; every kiosk request answered,
during and after the flood; no junk in the database; the hub alive. Goals on figures (what the
bench prints): press p99 during the flood <= 500 ms, the hub's RSS back within 10% of its start.
"""

from __future__ import annotations

import math
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion

from tests.faults.lobby import (
    ROOT,
    SITE,
    Asked,
    Client,
    CpuMark,
    Outcome,
    cpu_mark,
    cpu_s,
    cpu_shares,
    load_average,
    lobby,
    new_id,
    rss_mb,
)

GOAL_PRESS_P99_MS = 500.0
GOAL_RSS_BACK = 0.10  # after the flood, within 10% of the start
PRESS_TIMEOUT_S = 30.0
QUIET_CPU = 0.35  # the hub under this share of a core for half a second: the backlog is drained
DRAIN_LIMIT_S = 90.0


def percentile(samples: list[float], pct: float) -> float:
    if not samples:
        return math.nan
    ordered = sorted(samples)
    return ordered[max(1, math.ceil(pct / 100 * len(ordered))) - 1]


def spread(samples: list[float]) -> str:
    return f"p50 {percentile(samples, 50):7.1f} ms  p99 {percentile(samples, 99):7.1f} ms  (n={len(samples)})"


@dataclass
class Press:
    sent: float
    ticket: str | None
    latency_ms: float | None  # None: no event/call within PRESS_TIMEOUT_S

    @property
    def done(self) -> float:
        return self.sent + (self.latency_ms or 0) / 1000


@dataclass
class Clock:
    """When the flood started and ended (perf_counter), for sorting samples into phases."""

    flood_start: float = math.inf
    flood_end: float = math.inf
    stop_desk: threading.Event = field(default_factory=threading.Event)

    def stop(self) -> None:
        self.flood_end = min(self.flood_end, time.perf_counter())
        self.stop_desk.set()

    def phase(self, at: float, until: float | None = None) -> str:
        """Where ``at`` (or the span ``at``..``until``) falls: a press sent before the flood and
        answered in it counts as during."""
        if (until if until is not None else at) < self.flood_start:
            return "before"
        return "during" if at < self.flood_end else "after"


def run(
    workdir: Path,
    flood_s: float = 20.0,
    before_s: float = 5.0,
    after_s: float = 3.0,
    flooders: int = 3,
    press_every: float = 0.2,
    rate: float = 0,
    min_junk: int | None = None,
) -> Outcome:
    """``rate``: each junk client's messages a second (0: as fast as it can send). ``min_junk``: how
    many junk messages make the flood thick enough to count (default 250 a second of flood, what
    a quiet 2-core machine sends several times over; a loaded one may send far fewer)."""
    pace = f"{rate:.0f}/s each" if rate else "as fast as they can send"
    out = Outcome(
        f"junk flood: {flooders} clients x {flood_s:.0f} s ({pace}), "
        f"a desk pressing next every {press_every * 1000:.0f} ms"
    )
    clock = Clock()
    presses: list[Press] = []
    kiosk_during: list[Asked] = []
    rss: list[tuple[float, float]] = []
    with lobby(workdir) as place:
        pid = place.hub.process.pid  # type: ignore[union-attr]
        quiet_hop = raw_hops(place.port, 200)
        client = Client(
            place.port,
            "flood",
            [
                f"antre/{SITE}/kiosk/+/response",
                f"antre/{SITE}/counter/2/response",
                f"antre/{SITE}/event/call",
            ],
        )
        client.connected.wait(5)
        # Enough for every press, with room for a slow start and the backlog's drain: a desk that
        # finds nobody waiting would end the run.
        need = math.ceil(1.5 * (before_s + flood_s + after_s) / press_every) + 30
        issued = [
            client.request("kiosk/kiosk-1/request", {"v": 1, "request_id": new_id(), "service": "A"}).ticket
            for _ in range(need)
        ]
        sampler = threading.Thread(target=_sample_rss, args=(pid, rss, clock), daemon=True)
        sampler.start()
        # Daemons, and the clock stopped whatever happens: a failed run must not hang on its clients.
        # The desk stops short of the tickets issued: a desk that keeps up through a long drain must
        # not run the queue dry (a press that finds nobody waiting is never called).
        desk = threading.Thread(
            target=_desk, args=(client, presses, clock, press_every, need - 5), daemon=True
        )
        desk.start()
        time.sleep(before_s)
        rss_start = rss_mb(pid)

        procs = [_start_flooder(place.port, flood_s, seed, rate) for seed in range(flooders)]
        place.on_stop(lambda: [proc.kill() for proc in procs if proc.poll() is None])
        place.on_stop(clock.stop)
        for proc in procs:  # each says "ready" when connected, its clock started
            proc.stdout.readline()  # type: ignore[union-attr]
        clock.flood_start = time.perf_counter()
        # Who had the CPUs during the flood: marks at its start and at 80% of it (its clients, each
        # timed from its own start, stop a little early).
        broker_pid = place.broker.process.pid  # type: ignore[union-attr]
        groups = {"hub": [pid], "mosquitto": [broker_pid], "junk clients": [p.pid for p in procs]}
        cpu: list[CpuMark] = [cpu_mark(groups)]
        marker = threading.Thread(target=_mark_cpu, args=(groups, cpu, flood_s * 0.8), daemon=True)
        marker.start()
        hops_during: list[float] = []
        hopper = threading.Thread(target=_hop_during, args=(place.port, clock, hops_during), daemon=True)
        hopper.start()
        kiosk = threading.Thread(target=_kiosk_during, args=(client, clock, kiosk_during), daemon=True)
        kiosk.start()
        sent = [_sent(proc, flood_s) for proc in procs]
        clock.flood_end = time.perf_counter()

        after = client.request(
            "kiosk/kiosk-1/request", {"v": 1, "request_id": new_id(), "service": "A"}, timeout=DRAIN_LIMIT_S
        )
        drain_s = _drain_time(pid, clock)
        time.sleep(max(0.0, after_s - (time.perf_counter() - clock.flood_end)))
        clock.stop_desk.set()
        desk.join(PRESS_TIMEOUT_S + 5)
        kiosk.join(60)
        hopper.join(10)
        time.sleep(2)  # let the hub settle before its memory is read again
        rss_after = rss_mb(pid)
        alive = place.hub.alive()
        client.close()
        place.stop()
        sources = {s for (s,) in place.query("SELECT DISTINCT source FROM processed_requests")}
        guests = place.query("SELECT count(*) FROM guests")[0][0]
        stored = [
            code for (code,) in place.query("SELECT code FROM tickets ORDER BY business_day, service, seq")
        ]
        log = place.hub_log()

    phases = {
        p: [x.latency_ms for x in presses if x.latency_ms is not None and clock.phase(x.sent, x.done) == p]
        for p in ("before", "during", "after")
    }
    missed = [x for x in presses if x.latency_ms is None]
    total = sum(sent)
    peak = max((mb for at, mb in rss if at >= clock.flood_start), default=math.nan)
    out.figures += [
        f"  load average (1/5/15 min) {load_average()}",
        f"  junk sent: {total} messages in {flood_s:.0f} s = {total / flood_s:,.0f}/s "
        f"({', '.join(map(str, sent))} per client)",
        "  CPU during the flood, share of one core (and of its threads' time waiting for one): "
        + (cpu_shares(cpu[0], cpu[1]) if len(cpu) == 2 else "not measured"),
        f"  raw mosquitto hop, quiet         {spread(quiet_hop)}",
        f"  raw mosquitto hop, during flood  {spread(hops_during)}",
        f"  desk next -> event/call, before  {spread(phases['before'])}",
        f"  desk next -> event/call, during  {spread(phases['during'])}",
        f"  desk next -> event/call, after   {spread(phases['after'])}",
        f"  during / quiet raw hop: p50 x{percentile(phases['during'], 50) / percentile(quiet_hop, 50):.0f}, "
        f"p99 x{percentile(phases['during'], 99) / percentile(quiet_hop, 99):.0f}",
        f"  kiosk-2 during the flood: {sum(1 for a in kiosk_during if a.answer)} of {len(kiosk_during)} "
        "answered, "
        f"{spread([(a.at - a.sent) * 1000 for a in kiosk_during if a.at])}",
        f"  kiosk-1 right after the flood: answered in {_ms(after)}",
        f"  backlog drained (hub CPU under {QUIET_CPU:.0%} of a core) {drain_s:.1f} s after the flood",
        f"  hub RSS: start {rss_start:.1f} MB, peak {peak:.1f} MB, after {rss_after:.1f} MB",
        f"  hub log: {len(log.splitlines())} lines, {len(log) / 1024:.0f} KB",
    ]
    thick = min_junk if min_junk is not None else 250 * flood_s
    out.check(f"the flood was thick ({total} messages, {thick:.0f} needed)", total >= thick)
    out.check(
        f"every press called ({len(presses) - len(missed)} of {len(presses)}, "
        f"{len(phases['during'])} during the flood)",
        not missed and len(phases["during"]) >= 1,
    )
    calls = [x.ticket for x in presses if x.ticket]
    out.check(
        f"FIFO: the desk called each service's tickets in order ({len(calls)} calls)",
        _fifo(calls, stored) and all(issued),
    )
    out.check(
        f"every kiosk request answered during the flood ({len(kiosk_during)})",
        all(a.ticket for a in kiosk_during) and len(kiosk_during) >= 1,
    )
    out.check("the kiosk request after the flood answered with a ticket", after.ticket is not None)
    out.check(
        f"no junk in the database (sources {sorted(sources)}, {guests} guests)",
        sources <= {"kiosk/kiosk-1", "kiosk/kiosk-2", "counter/2"} and guests == 0,
    )
    out.check("the hub lived through it", alive)
    out.goal(
        f"press -> event/call p99 during the flood {percentile(phases['during'], 99):.0f} ms",
        f"<= {GOAL_PRESS_P99_MS:.0f} ms",
        percentile(phases["during"], 99) <= GOAL_PRESS_P99_MS,
    )
    out.goal(
        f"hub RSS after the flood {rss_after:.1f} MB vs start {rss_start:.1f} MB "
        f"({(rss_after / rss_start - 1) * 100:+.0f}%)",
        "within 10%",
        abs(rss_after / rss_start - 1) <= GOAL_RSS_BACK,
    )
    return out


def _fifo(calls: list[str], stored: list[str]) -> bool:
    """Each service's calls are its first tickets, in order, each once."""
    for service in {code.split("-")[0] for code in stored}:
        mine = [c for c in calls if c.startswith(f"{service}-")]
        if mine != [c for c in stored if c.startswith(f"{service}-")][: len(mine)]:
            return False
    return len(calls) == len(set(calls))


def _ms(asked: Asked) -> str:
    return f"{(asked.at - asked.sent) * 1000:.0f} ms" if asked.at else "NEVER"


def _desk(client: Client, presses: list[Press], clock: Clock, every: float, most: int) -> None:
    while not clock.stop_desk.is_set() and len(presses) < most:
        sent = time.perf_counter()
        asked = client.request(
            "counter/2/cmd",
            {"v": 1, "action": "next", "request_id": new_id()},
            retry_s=PRESS_TIMEOUT_S,
            timeout=PRESS_TIMEOUT_S,
        )
        ticket = asked.ticket
        call = None
        if ticket is not None:
            left = PRESS_TIMEOUT_S - (time.perf_counter() - sent)
            call = client.wait(
                lambda t=ticket: next(
                    (c for c in client.calls if c.data.get("ticket") == t and c.data.get("desk") == "2"), None
                ),
                left,
            )
        presses.append(Press(sent, ticket, (call.at - sent) * 1000 if call else None))
        if call is None:
            return  # the desk is stuck: the run has failed already
        time.sleep(max(0.0, every - (time.perf_counter() - sent)))


def _mark_cpu(groups: dict[str, list[int]], marks: list[CpuMark], after_s: float) -> None:
    time.sleep(after_s)
    marks.append(cpu_mark(groups))


def _kiosk_during(client: Client, clock: Clock, asked: list[Asked]) -> None:
    while time.perf_counter() < clock.flood_end:
        started = time.perf_counter()
        asked.append(
            client.request("kiosk/kiosk-2/request", {"v": 1, "request_id": new_id(), "service": "B"})
        )
        time.sleep(max(0.0, 1.0 - (time.perf_counter() - started)))


def _sample_rss(pid: int, samples: list[tuple[float, float]], clock: Clock) -> None:
    while not clock.stop_desk.is_set():
        try:
            samples.append((time.perf_counter(), rss_mb(pid)))
        except (OSError, RuntimeError):
            return
        time.sleep(0.1)


def _start_flooder(port: int, seconds: float, seed: int, rate: float) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.faults.junk", str(port), str(seconds), str(seed), str(rate)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )


def _sent(proc: subprocess.Popen[str], seconds: float) -> int:
    try:
        out, _ = proc.communicate(timeout=seconds + 30)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return int(out.strip() or 0)


def _drain_time(pid: int, clock: Clock) -> float:
    """Seconds from the flood's end until the hub's CPU falls quiet for half a second."""
    while time.perf_counter() - clock.flood_end < DRAIN_LIMIT_S:
        before, at = cpu_s(pid), time.perf_counter()
        time.sleep(0.5)
        if (cpu_s(pid) - before) / (time.perf_counter() - at) < QUIET_CPU:
            return at - clock.flood_end
    return math.inf


# --- the raw Mosquitto hop, for scale ---------------------------------------------------------


class RawHop:
    """A publisher and a subscriber on a topic the hub does not read; one message at a time."""

    def __init__(self, port: int) -> None:
        self.got = threading.Condition()
        self.last: tuple[bytes, float] = (b"", 0.0)
        self.sub = paho.Client(CallbackAPIVersion.VERSION2, client_id=f"hop-sub-{new_id()}")
        self.pub = paho.Client(CallbackAPIVersion.VERSION2, client_id=f"hop-pub-{new_id()}")
        ready = threading.Event()
        self.sub.on_connect = lambda c, *_: c.subscribe("faults/raw/hop", qos=1)
        self.sub.on_subscribe = lambda *_: ready.set()
        self.sub.on_message = self._on_message
        for client in (self.sub, self.pub):
            client.on_socket_open = lambda _c, _u, s: s.setsockopt(6, 1, 1)  # TCP_NODELAY
            client.connect("127.0.0.1", port)
            client.loop_start()
        ready.wait(5)

    def _on_message(self, _c: paho.Client, _u: object, msg: paho.MQTTMessage) -> None:
        with self.got:
            self.last = (msg.payload, time.perf_counter())
            self.got.notify_all()

    def hop(self, seq: int, timeout: float = 10.0) -> float | None:
        payload = str(seq).encode()
        sent = time.perf_counter()
        self.pub.publish("faults/raw/hop", payload, qos=1)
        with self.got:
            if self.got.wait_for(lambda: self.last[0] == payload, timeout):
                return (self.last[1] - sent) * 1000
        return None

    def close(self) -> None:
        for client in (self.sub, self.pub):
            client.disconnect()
            client.loop_stop()


def raw_hops(port: int, count: int) -> list[float]:
    hop = RawHop(port)
    try:
        return [ms for seq in range(count) if (ms := hop.hop(seq)) is not None]
    finally:
        hop.close()


def _hop_during(port: int, clock: Clock, samples: list[float]) -> None:
    hop = RawHop(port)
    try:
        seq = 0
        while time.perf_counter() < clock.flood_end:
            seq += 1
            ms = hop.hop(seq)
            if ms is not None and clock.phase(time.perf_counter()) == "during":
                samples.append(ms)
            time.sleep(0.1)
    finally:
        hop.close()
