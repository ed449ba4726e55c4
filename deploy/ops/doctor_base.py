"""What every check of ``antre doctor`` shares: the result line and the broker probe (one login
with the device's account, some retained topics read, then gone)."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from shared.config import MqttEndpoint
from shared.contract import topics as contract

WAIT_RETAINED_S = 1.5


@dataclass(frozen=True)
class Check:
    status: str  # OK | WARN | PROBLEM | UNKNOWN
    name: str
    text: str

    def line(self) -> str:
        return f"{self.status:<8} {self.name}: {self.text}"


@dataclass
class BrokerProbe:
    """Connects with the device's own account, reads some retained topics, disconnects."""

    connected: bool = False
    refused: str | None = None  # the broker's reason when it said no
    error: str | None = None  # no answer at all
    retained: dict[str, bytes] = field(default_factory=dict)
    denied: set[str] = field(default_factory=set)  # subscriptions the ACL refused
    skipped: str | None = None  # not logged in at all, and why


def probe_broker(endpoint: MqttEndpoint, topics: Sequence[str], timeout: float = 5) -> BrokerProbe:
    import paho.mqtt.client as paho
    from paho.mqtt.enums import CallbackAPIVersion

    result = BrokerProbe()
    answered = threading.Event()
    client = paho.Client(
        CallbackAPIVersion.VERSION2, client_id=f"antre-doctor-{socket.gethostname()}-{os.getpid()}"
    )
    if endpoint.username:
        client.username_pw_set(endpoint.username, endpoint.password)
    if endpoint.tls:
        client.tls_set(ca_certs=endpoint.ca_file)  # the lobby's own CA, or the system store
    pending: dict[int, str] = {}

    def on_connect(c: paho.Client, _u: object, _f: object, reason: object, _p: object) -> None:
        if getattr(reason, "is_failure", False):
            result.refused = str(reason)
            answered.set()
            return
        result.connected = True
        for name in topics:
            _rc, mid = c.subscribe(name, qos=contract.QOS)
            pending[mid] = name
        answered.set()

    def on_subscribe(_c: paho.Client, _u: object, mid: int, codes: list[object], _p: object) -> None:
        if codes and getattr(codes[0], "is_failure", False):
            result.denied.add(pending.get(mid, "?"))

    def on_message(_c: paho.Client, _u: object, message: paho.MQTTMessage) -> None:
        if message.retain:
            result.retained[message.topic] = message.payload

    client.on_connect, client.on_subscribe, client.on_message = on_connect, on_subscribe, on_message
    try:
        client.connect(endpoint.host, endpoint.port, keepalive=10)
    except (OSError, ValueError) as exc:
        result.error = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        return result
    client.loop_start()
    try:
        if not answered.wait(timeout):
            result.error = f"no answer within {timeout:.0f} s"
        elif result.connected:
            answered.clear()
            answered.wait(WAIT_RETAINED_S)  # retained messages arrive right after the subscription
    finally:
        client.disconnect()
        client.loop_stop()
    return result
