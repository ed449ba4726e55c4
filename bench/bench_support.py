"""What the hub's benches share: MQTT clients with a receive time stamp, the percentiles, and
starting and stopping private processes (Mosquitto on a free loopback port, never 1883).

``hub_bench.py`` re-exports these names (``counter_bench.py`` reaches them through it).
"""

from __future__ import annotations

import contextlib
import ctypes
import math
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion, MQTTErrorCode

from broker.mosquitto.server import BrokerConfig, is_listening, mosquitto_binary
from shared.contract import topics as contract

HOST = "127.0.0.1"
RESERVED_PORT = 1883  # the machine's own broker: never ours, never touched
REPLY_TIMEOUT_S = 5.0  # one message or one hub answer
STOP_TIMEOUT_S = 5.0


class BenchError(RuntimeError):
    """The run cannot go on; the message says why."""


# --- statistics ------------------------------------------------------------------------------


def percentile(samples: list[float], pct: float) -> float:
    """Nearest-rank percentile (``nan`` for no samples)."""
    if not samples:
        return math.nan
    ordered = sorted(samples)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Latency:
    samples_ms: list[float]

    @property
    def p50(self) -> float:
        return percentile(self.samples_ms, 50)

    @property
    def p99(self) -> float:
        return percentile(self.samples_ms, 99)

    @property
    def worst(self) -> float:
        return max(self.samples_ms, default=math.nan)


# --- MQTT clients ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    topic: str
    payload: bytes
    at: float  # perf_counter() in paho's network thread, before any hand-off


def _set_nodelay(_client: paho.Client, _userdata: Any, sock: Any) -> None:
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class BenchClient:
    """A paho 2.x client (QoS 1, TCP_NODELAY) whose messages land in ``inbox`` or in ``handler``."""

    def __init__(self, name: str, port: int, handler: Callable[[Received], None] | None = None) -> None:
        self.port = port
        self.inbox: queue.Queue[Received] = queue.Queue()
        self._handler = handler or self.inbox.put
        self._connected = threading.Event()
        self._acks = threading.Condition()
        self._acked: dict[int, bool] = {}
        self.client = paho.Client(
            CallbackAPIVersion.VERSION2,
            client_id=f"bench-{name}-{os.getpid()}",
            clean_session=True,
            protocol=paho.MQTTv311,
        )
        self.client.on_socket_open = _set_nodelay
        # paho's default of 20 in flight would cap the kiosk window below what we ask for.
        self.client.max_inflight_messages_set(100)
        self.client.max_queued_messages_set(0)
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_message = self._on_message

    def connect(self) -> BenchClient:
        self.client.connect(HOST, self.port, keepalive=30)
        self.client.loop_start()
        if not self._connected.wait(REPLY_TIMEOUT_S):
            raise BenchError(f"MQTT client could not connect to {HOST}:{self.port}")
        return self

    def subscribe(self, topic: str) -> None:
        result, mid = self.client.subscribe(topic, qos=contract.QOS)
        if result != MQTTErrorCode.MQTT_ERR_SUCCESS or mid is None:
            raise BenchError(f"subscribe {topic}: {result}")
        with self._acks:
            if not self._acks.wait_for(lambda: mid in self._acked, REPLY_TIMEOUT_S):
                raise BenchError(f"no SUBACK for {topic}")
            if not self._acked.pop(mid):
                raise BenchError(f"broker refused subscription {topic}")

    def publish(self, topic: str, payload: bytes) -> None:
        info = self.client.publish(topic, payload, qos=contract.QOS)
        if info.rc != MQTTErrorCode.MQTT_ERR_SUCCESS:
            raise BenchError(f"publish to {topic} failed: {info.rc}")

    def wait_for(self, accept: Callable[[Received], bool], timeout: float, what: str) -> Received:
        """The first inbox message ``accept`` takes (others are dropped), or ``BenchError``."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise BenchError(f"timed out after {timeout:.0f} s waiting for {what}")
            try:
                message = self.inbox.get(timeout=remaining)
            except queue.Empty:
                continue
            if accept(message):
                return message

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.client.disconnect()
        self.client.loop_stop()

    # paho callbacks (network thread)

    def _on_connect(self, _c: paho.Client, _u: Any, _flags: Any, reason: Any, _props: Any) -> None:
        if not reason.is_failure:
            self._connected.set()

    def _on_subscribe(self, _c: paho.Client, _u: Any, mid: int, reasons: list[Any], _props: Any) -> None:
        with self._acks:
            self._acked[mid] = not any(r.is_failure for r in reasons)
            self._acks.notify_all()

    def _on_message(self, _c: paho.Client, _u: Any, message: paho.MQTTMessage) -> None:
        self._handler(Received(message.topic, message.payload, time.perf_counter()))


@contextlib.contextmanager
def connected(
    name: str, port: int, handler: Callable[[Received], None] | None = None
) -> Iterator[BenchClient]:
    client = BenchClient(name, port, handler)
    try:
        yield client.connect()
    finally:
        client.close()


# --- processes -------------------------------------------------------------------------------


def _die_with_parent() -> None:
    """In the child before exec: get SIGTERM if the bench itself dies (Linux), so nothing lingers."""
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


SERVICE_NICE = -5  # as deploy/systemd/antre-hub.service and antre-broker.service give them


def _service_child() -> None:
    """The hub's and Mosquitto's child setup: die with the bench, and the niceness their systemd
    units give them (only root may raise a priority; otherwise they run at the bench's own)."""
    _die_with_parent()
    with contextlib.suppress(PermissionError):
        os.nice(SERVICE_NICE)


def free_port() -> int:
    for _ in range(20):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind((HOST, 0))
            port = int(sock.getsockname()[1])
        if port != RESERVED_PORT:
            return port
    raise BenchError("no free TCP port on loopback")


def stop_process(proc: subprocess.Popen[bytes], name: str) -> None:
    """SIGTERM, then SIGKILL after a grace period; only ever the process we started."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        print(f"  {name} (pid {proc.pid}) ignored SIGTERM; killing it", file=sys.stderr)
        proc.kill()
        proc.wait(STOP_TIMEOUT_S)


def start_mosquitto(workdir: Path, stack: contextlib.ExitStack) -> int:
    port = free_port()
    config = BrokerConfig(port=port, host=HOST, log_file=workdir / "mosquitto.log")
    path = config.write(workdir / "mosquitto.conf")
    with (workdir / "mosquitto.out").open("wb") as out:
        proc = subprocess.Popen(
            [mosquitto_binary(), "-c", str(path)],
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=_service_child,
        )
    stack.callback(stop_process, proc, "mosquitto")
    deadline = time.monotonic() + REPLY_TIMEOUT_S
    while not is_listening(HOST, port):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise BenchError(f"mosquitto did not start on port {port}; see {workdir / 'mosquitto.log'}")
        time.sleep(0.05)
    return port


@dataclass(frozen=True)
class ProcStats:
    hwm_mb: float
    rss_mb: float
    cpu_s: float


def proc_stats(pid: int) -> ProcStats:
    """Peak and current resident memory (``/proc/{pid}/status``) and CPU seconds used so far."""
    values: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmHWM", "VmRSS"):
            values[key] = int(rest.split()[0]) / 1024  # kB → MB
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu_s = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
    return ProcStats(values["VmHWM"], values["VmRSS"], cpu_s)
