"""The MQTT bus every Antre process uses: paho-mqtt 2.x with the contract's habits built in.

- TCP_NODELAY on the socket (without it the first messages wait ~40 ms for Nagle);
- presence ``online``/``offline`` retained, ``offline`` as the Last Will;
- fast reconnects (0.2 s doubling to 1 s), handlers re-subscribed on every connect;
- a dispatcher from contract keys to handlers; a handler that raises is logged, never fatal;
- ``see_retain``: MQTT 5 with "retain as published", so a handler that asks for the whole message
  (``on_message``) can tell a retained publish from a live one (MQTT 3.1.1 clears the flag on
  every message of an established subscription).
"""

from __future__ import annotations

import contextlib
import logging
import socket
import ssl
import threading
from collections.abc import Callable
from typing import Any

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.subscribeoptions import SubscribeOptions

from shared.config import MqttEndpoint
from shared.contract import topics as contract

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, str], bytes], None]
"""Called with the topic's parameters (``site`` and the placeholders) and the raw payload."""

Message = paho.MQTTMessage
MessageHandler = Callable[[dict[str, str], Message], None]
"""Called with the topic's parameters and the whole message (its ``retain`` flag, say)."""

SESSION_NEVER_EXPIRES = 0xFFFFFFFF  # MQTT 5: a persistent session kept as MQTT 3.1.1 keeps it

handler_error_observers: list[Callable[[str, Exception], None]] = []
"""Called with the handler's name and the exception each time a handler raises (after it is
logged). For tests: their guard fails the test that hid a handler's error (``tests/conftest.py``)."""


class MqttBus:
    def __init__(
        self,
        endpoint: MqttEndpoint,
        site: str,
        client_id: str,
        *,
        persistent_session: bool = False,
        see_retain: bool = False,
    ) -> None:
        self.endpoint = endpoint
        self.site = site
        self.client_id = client_id
        # key -> (topic filter, handler, whether it gets the whole message)
        self._handlers: dict[str, tuple[str, Handler | MessageHandler, bool]] = {}
        self.see_retain = see_retain
        self.persistent_session = persistent_session
        self._on_connected: list[Callable[[], None]] = []
        self._on_disconnected: list[Callable[[], None]] = []
        self.connected = threading.Event()
        self._stopping = False
        if see_retain:
            self.client = paho.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=paho.MQTTv5)
        else:
            self.client = paho.Client(
                CallbackAPIVersion.VERSION2,
                client_id=client_id,
                clean_session=not persistent_session,
                protocol=paho.MQTTv311,
            )
        if endpoint.username:
            self.client.username_pw_set(endpoint.username, endpoint.password)
        if endpoint.tls:
            # A lobby's own CA (ca_file) or, without one, the system's trusted CAs.
            self.client.tls_set(ca_certs=endpoint.ca_file, cert_reqs=ssl.CERT_REQUIRED)
        self.client.reconnect_delay_set(min_delay=0.2, max_delay=1)  # type: ignore[arg-type]
        self.client.max_queued_messages_set(0)
        self.client.max_inflight_messages_set(100)
        self.client.will_set(self.presence_topic, contract.OFFLINE, qos=contract.QOS, retain=True)
        self.client.on_socket_open = _set_nodelay
        self.client.on_connect = self._handle_connect
        self.client.on_disconnect = self._handle_disconnect
        self.client.on_message = self._handle_message

    @property
    def presence_topic(self) -> str:
        return contract.topic(self.site, "presence", client_id=self.client_id)

    def on(self, key: str, handler: Handler, **params: str) -> None:
        """Route messages on contract topic ``key`` to ``handler``; ``params`` narrow the
        subscription (e.g. ``kiosk_id="k1"``), the rest match any value."""
        self._handlers[key] = (contract.subscription(self.site, key, **params), handler, False)

    def on_message(self, key: str, handler: MessageHandler, **params: str) -> None:
        """Like ``on``, but ``handler`` gets the whole paho message (payload, ``retain``, ...)."""
        self._handlers[key] = (contract.subscription(self.site, key, **params), handler, True)

    def on_connected(self, callback: Callable[[], None]) -> None:
        self._on_connected.append(callback)

    def on_disconnected(self, callback: Callable[[], None]) -> None:
        self._on_disconnected.append(callback)

    def start(self) -> None:
        """Connect in the background; reconnects on its own until ``stop``."""
        if self.see_retain:
            # MQTT 5: a persistent session must say how long the broker keeps it (for good, as 3.1.1).
            properties = Properties(PacketTypes.CONNECT)
            properties.SessionExpiryInterval = SESSION_NEVER_EXPIRES if self.persistent_session else 0
            self.client.connect_async(
                self.endpoint.host, self.endpoint.port, keepalive=10,
                clean_start=not self.persistent_session, properties=properties,
            )  # fmt: skip
        else:
            self.client.connect_async(self.endpoint.host, self.endpoint.port, keepalive=10)
        self.client.loop_start()

    def stop(self) -> None:
        self._stopping = True
        if self.connected.is_set():
            info = self.client.publish(self.presence_topic, contract.OFFLINE, qos=contract.QOS, retain=True)
            info.wait_for_publish(timeout=2)
        self.client.disconnect()
        self.client.loop_stop()

    def publish(self, topic_name: str, payload: bytes | str, *, retain: bool = False) -> None:
        self.client.publish(topic_name, payload, qos=contract.QOS, retain=retain)

    def publish_json(self, key: str, payload: dict[str, Any], *, retain: bool = False, **params: str) -> None:
        self.publish(contract.topic(self.site, key, **params), contract.encode(payload), retain=retain)

    # --- paho callbacks (network thread) ----------------------------------------------------

    def _handle_connect(
        self, client: paho.Client, _userdata: Any, _flags: Any, reason: Any, _props: Any
    ) -> None:
        if reason.is_failure:
            log.error("broker %s refused the connection: %s", self.endpoint.url(), reason)
            return
        log.info("connected to %s as %s", self.endpoint.url(), self.client_id)
        for topic_filter, _handler, _whole in self._handlers.values():
            if self.see_retain:
                options = SubscribeOptions(qos=contract.QOS, retainAsPublished=True)
                client.subscribe(topic_filter, options=options)
            else:
                client.subscribe(topic_filter, qos=contract.QOS)
        client.publish(self.presence_topic, contract.ONLINE, qos=contract.QOS, retain=True)
        self.connected.set()
        for callback in self._on_connected:
            _guarded(callback)

    def _handle_disconnect(
        self, _client: paho.Client, _userdata: Any, _flags: Any, reason: Any, _props: Any
    ) -> None:
        self.connected.clear()
        level = logging.INFO if self._stopping else logging.WARNING
        log.log(level, "disconnected from %s: %s", self.endpoint.url(), reason)
        for callback in self._on_disconnected:
            _guarded(callback)

    def _handle_message(self, _client: paho.Client, _userdata: Any, message: paho.MQTTMessage) -> None:
        found = contract.match(message.topic)
        if found is None:
            return
        key, params = found
        route = self._handlers.get(key)
        if route is not None:
            _guarded(route[1], params, message if route[2] else message.payload)


def _guarded(func: Callable[..., None], *args: Any) -> None:
    # An exception escaping a paho callback would end the network thread and leave the process
    # deaf while it looks alive; log it (never the payload: it may carry personal data) instead.
    try:
        func(*args)
    except Exception as exc:
        name = str(getattr(func, "__qualname__", func))
        log.exception("handler %s failed", name)
        for observe in list(handler_error_observers):
            with contextlib.suppress(Exception):  # an observer must not end the network thread either
                observe(name, exc)


def _set_nodelay(_client: paho.Client, _userdata: Any, sock: Any) -> None:
    # A websocket or proxy wrapper has no TCP options to tune.
    with contextlib.suppress(OSError, AttributeError):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
