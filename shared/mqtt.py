"""The MQTT bus every Antre process uses: paho-mqtt 2.x with the contract's habits built in.

- TCP_NODELAY on the socket (without it the first messages wait ~40 ms for Nagle);
- presence ``online``/``offline`` retained, ``offline`` as the Last Will;
- fast reconnects (0.2 s doubling to 1 s), handlers re-subscribed on every connect;
- a dispatcher from contract keys to handlers; a handler that raises is logged, never fatal;
- MQTT 5 on every connection; ``see_retain`` adds "retain as published", so a handler that asks
  for the whole message (``on_message``) can tell a retained publish from a live one (otherwise the
  flag is cleared on every message of an established subscription);
- one live app per client id: two apps started with one id knock each other off the broker for
  ever (each reconnect takes the other's connection over, and Mosquitto says nothing to either).
  Each bus signs its presence (MQTT 5 user properties, the payload stays the contract's plain
  word) with its instance and start time and reads its own presence topic back. In such a fight
  each connection finds the other's word retained (its Last Will, published as it was pushed off)
  and is then pushed off itself. A bus that twice in a row finds the word of an instance started
  before it and loses the connection stops with a clear message (``displaced``): the app that was
  running keeps its id and the newcomer gives way. Once is not enough: an app restarted after a
  crash finds its previous instance's Last Will, and a network glitch may follow. Only a connection
  lost within ``FIGHT_WINDOW_S`` of being made counts: a fight's rounds take a reconnect delay.
- ``siblings``: the ids of other programs that may be given this program's device account (the
  desk's counter app and its keypad mode). On a listener where the account is the client id they
  fight the same way, but each has its own presence topic: the bus also reads the siblings'
  presence, and a sibling's ``offline`` word (its Last Will as it was pushed off) counts as the
  evidence its own id's word does. A sibling's ``online`` word never does: on an account of its
  own it is simply at work.
- ``one_off``: a run beside the live device (``--screenshot``) connects under an id of its own
  (``one_off_client_id``) with no presence, and still reads the device's presence: where the broker
  makes the account the client id (the lobby's TLS listener) it shares the device's connection
  after all, and it is then the newcomer that gives way.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import ssl
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.subscribeoptions import SubscribeOptions

from shared.config import MqttEndpoint
from shared.contract import topics as contract
from shared.mqtt_socket import BufferedClient

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, str], bytes], None]
"""Called with the topic's parameters (``site`` and the placeholders) and the raw payload."""

Message = paho.MQTTMessage
MessageHandler = Callable[[dict[str, str], Message], None]
"""Called with the topic's parameters and the whole message (its ``retain`` flag, say)."""

SESSION_NEVER_EXPIRES = 0xFFFFFFFF  # MQTT 5: a persistent session kept as MQTT 3.1.1 keeps it
FIGHT_WINDOW_S = 30.0
"""A connection lost later than this after it was made was not pushed off by a fighting app (a
round of the fight takes a reconnect delay, under 1 s): an old word found at connecting (a sibling
that ran once, a previous instance's Last Will) and a broker restart hours later are no fight."""

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
        one_off: bool = False,
        siblings: tuple[str, ...] = (),
        announce: bool = True,
    ) -> None:
        """``client_id``: the app's id (its ``presence/{client_id}``); ``one_off`` and ``siblings``:
        see the module doc; ``announce=False``: another connection of an app that has its presence
        already (the hub's desk connections and outlet): no presence, no Last Will, no check for
        another app with its id, and its connects logged at DEBUG (the app says it once for all of
        them; ten such lines in a row were cut by the log's repeat limiter, the main one's too)."""
        self.endpoint = endpoint
        self.site = site
        self.client_id = client_id
        self.one_off = one_off
        self.announce = announce
        self._sibling_presence = frozenset(
            contract.topic(site, "presence", client_id=other) for other in siblings if other != client_id
        )
        # key -> (topic filters, handler, whether it gets the whole message)
        self._handlers: dict[str, tuple[tuple[str, ...], Handler | MessageHandler, bool]] = {}
        self.see_retain = see_retain
        self.persistent_session = persistent_session
        self._on_connected: list[Callable[[], None]] = []
        self._on_disconnected: list[Callable[[], None]] = []
        self._on_displaced: list[Callable[[], None]] = []
        self.connected = threading.Event()
        self.subscribed = threading.Event()
        """Set once the broker has acknowledged every subscription of this connection: from then on
        it delivers what is published on them (before that, to a new session, it drops it)."""
        self._unacked: set[int] = set()
        self.displaced = threading.Event()
        """Set when this bus gave its client id up to another live app and stopped (see module doc)."""
        self.instance = uuid.uuid4().hex[:12]
        self.started_at = time.time()  # wall clock: the other instance may run on another machine
        self._elder_seen = False  # this connection found the word of an instance started before it
        self._connected_at = 0.0  # time.monotonic() of this connection
        self._lost_to_elder = 0  # connections in a row that found it and were then lost
        self._stopping = False
        # Compared with every message's topic: built once.
        self._presence = contract.topic(site, "presence", client_id=client_id)
        if one_off:
            self.started_at = float("inf")  # whoever else speaks as the device was there first
        connect_id = one_off_client_id(client_id) if one_off else client_id
        self.client = BufferedClient(CallbackAPIVersion.VERSION2, client_id=connect_id, protocol=paho.MQTTv5)
        if endpoint.username:
            self.client.username_pw_set(endpoint.username, endpoint.password)
        if endpoint.tls:
            # A lobby's own CA (ca_file) or, without one, the system's trusted CAs.
            self.client.tls_set(ca_certs=endpoint.ca_file, cert_reqs=ssl.CERT_REQUIRED)
        self.client.reconnect_delay_set(min_delay=0.2, max_delay=1)  # type: ignore[arg-type]
        self.client.max_queued_messages_set(0)
        self.client.max_inflight_messages_set(100)
        if not one_off and announce:
            self.client.will_set(
                self.presence_topic, contract.OFFLINE, qos=contract.QOS, retain=True,
                properties=self._signature(PacketTypes.WILLMESSAGE),
            )  # fmt: skip
        self.client.on_socket_open = _set_nodelay
        self.client.on_connect = self._handle_connect
        self.client.on_disconnect = self._handle_disconnect
        self.client.on_message = self._handle_message
        self.client.on_subscribe = self._handle_subscribe

    @property
    def presence_topic(self) -> str:
        return self._presence

    def _signature(self, packet_type: int) -> Properties:
        properties = Properties(packet_type)
        properties.UserProperty = [("instance", self.instance), ("started", f"{self.started_at:.6f}")]
        return properties

    def _publish_presence(self, word: bytes | str) -> paho.MQTTMessageInfo:
        signed = self._signature(PacketTypes.PUBLISH)
        return self.client.publish(self.presence_topic, word, contract.QOS, retain=True, properties=signed)

    def on(self, key: str, handler: Handler, **params: str) -> None:
        """Route messages on contract topic ``key`` to ``handler``; ``params`` narrow the
        subscription (e.g. ``kiosk_id="k1"``), the rest match any value."""
        self._handlers[key] = ((contract.subscription(self.site, key, **params),), handler, False)

    def on_message(self, key: str, handler: MessageHandler, **params: str) -> None:
        """Like ``on``, but ``handler`` gets the whole paho message (payload, ``retain``, ...)."""
        self._handlers[key] = ((contract.subscription(self.site, key, **params),), handler, True)

    def on_connected(self, callback: Callable[[], None]) -> None:
        self._on_connected.append(callback)

    def on_disconnected(self, callback: Callable[[], None]) -> None:
        self._on_disconnected.append(callback)

    def on_displaced(self, callback: Callable[[], None]) -> None:
        """``callback()`` (network thread) when this bus stops because another app holds its id."""
        self._on_displaced.append(callback)

    def start(self) -> None:
        """Connect in the background; reconnects on its own until ``stop`` (or ``displaced``)."""
        # MQTT 5: a persistent session must say how long the broker keeps it (for good, as 3.1.1).
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = SESSION_NEVER_EXPIRES if self.persistent_session else 0
        self.client.connect_async(
            self.endpoint.host, self.endpoint.port, keepalive=10,
            clean_start=not self.persistent_session, properties=properties,
        )  # fmt: skip
        self.client.loop_start()

    def stop(self) -> None:
        self._stopping = True
        if self.connected.is_set() and not self.one_off and self.announce:
            self._publish_presence(contract.OFFLINE).wait_for_publish(timeout=2)
        self.client.disconnect()
        self.client.loop_stop()

    def readable(self) -> bool:
        """Whether messages wait on this connection that its network thread has not read yet."""
        return self.client.readable()

    def unacknowledged(self) -> int:
        """Messages published on this connection that the broker has not acknowledged yet: they
        stay in memory until it does (or for good, while the connection is down)."""
        return self.client.unacknowledged()

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
        level = logging.INFO if self.announce else logging.DEBUG
        log.log(level, "connected to %s as %s", self.endpoint.url(), self.client_id)
        # SUBACKs come on this thread after this callback returns: the set is complete by then.
        self._unacked = set()
        for topic_filters, _handler, _whole in self._handlers.values():
            for topic_filter in topic_filters:
                if self.see_retain:
                    options = SubscribeOptions(qos=contract.QOS, retainAsPublished=True)
                    self._unacked.add(client.subscribe(topic_filter, options=options)[1])
                else:
                    self._unacked.add(client.subscribe(topic_filter, qos=contract.QOS)[1])
        self._elder_seen = False
        self._connected_at = time.monotonic()
        if self.announce:
            client.subscribe(self.presence_topic, qos=contract.QOS)  # who else speaks as this id
            for topic in self._sibling_presence:  # ... or on this account, as another program
                client.subscribe(topic, qos=contract.QOS)
        if not self._unacked:
            self.subscribed.set()
        if not self.one_off and self.announce:
            self._publish_presence(contract.ONLINE)
        self.connected.set()
        for callback in self._on_connected:
            _guarded(callback)

    def _handle_disconnect(
        self, _client: paho.Client, _userdata: Any, _flags: Any, reason: Any, _props: Any
    ) -> None:
        self.connected.clear()
        self.subscribed.clear()
        if self.displaced.is_set():
            return  # said once, in _give_way
        if not self._stopping:
            pushed_off = self._elder_seen and time.monotonic() - self._connected_at < FIGHT_WINDOW_S
            self._lost_to_elder = self._lost_to_elder + 1 if pushed_off else 0
            if self._lost_to_elder >= 2:
                self._give_way()
                return
        level = logging.INFO if self._stopping else logging.WARNING
        log.log(level, "disconnected from %s: %s", self.endpoint.url(), reason)
        for callback in self._on_disconnected:
            _guarded(callback)

    def _handle_subscribe(
        self, _client: paho.Client, _userdata: Any, mid: int, _codes: Any, _props: Any
    ) -> None:
        self._unacked.discard(mid)
        if not self._unacked and self.connected.is_set():
            self.subscribed.set()

    def _check_presence(self, message: paho.MQTTMessage) -> None:
        if not message.retain:
            return  # only the word found at connecting tells who spoke last as this id
        if message.topic in self._sibling_presence and message.payload != contract.OFFLINE.encode():
            return  # a sibling at work on an account of its own
        signed = dict(getattr(message.properties, "UserProperty", None) or [])
        other, started = signed.get("instance"), signed.get("started")
        if other is None or other == self.instance or started is None:
            return  # our own word, or an app too old to sign it: no evidence of a fight
        try:
            elder = (float(started), other) < (self.started_at, self.instance)
        except ValueError:
            return
        self._elder_seen = self._elder_seen or elder  # any watched topic may hold the evidence

    def _give_way(self) -> None:
        # No reconnect: the app that held the id first keeps it; a fight would go on for ever.
        log.error(
            "another app is connected to %s as %s: this one stops using the broker. Two apps with one "
            "client id push each other off; stop the other one or give this one its own id",
            self.endpoint.url(), self.client_id,
        )  # fmt: skip
        self.connected.clear()
        # Called on paho's network thread, which cannot join itself; stopping its loop from beside
        # it ends the reconnects (paho marks a lost connection for reconnecting after this callback).
        threading.Thread(target=self.client.loop_stop, name="mqtt-give-way", daemon=True).start()
        self.displaced.set()
        for callback in (*self._on_disconnected, *self._on_displaced):
            _guarded(callback)

    def _handle_message(self, _client: paho.Client, _userdata: Any, message: paho.MQTTMessage) -> None:
        if self.announce and (message.topic == self._presence or message.topic in self._sibling_presence):
            _guarded(self._check_presence, message)
            if "presence" not in self._handlers:
                return
        found = contract.match(message.topic)
        if found is None:
            return
        key, params = found
        route = self._handlers.get(key)
        if route is not None:
            _guarded(route[1], params, message if route[2] else message.payload)


def one_off_client_id(client_id: str) -> str:
    """The id a one-off run beside the live device connects with (``MqttBus(one_off=True)``):
    sharing the device's id would push the live app off the broker."""
    return f"{client_id}-once-{os.getpid()}"


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
