"""The hub's connections beside its main one (issue 14): one for each desk's commands, and an
outlet for the worker's publications.

Mosquitto keeps one queue per connection and a message is read only after every one in front of
it. On the main connection a junk flood on the kiosk topics would sit in front of a desk's
``next``; on one connection shared by the desks, a flood on one desk's command topic sat in front
of every other desk's (desk 2's press waited up to 1.5 s behind desk 1's junk, bench/README.md).
With a connection each, a desk waits behind its own messages only.

The worker's answers and states go out on the outlet, a connection that reads nothing but its
acknowledgements: paho writes a connection's messages from that connection's thread, between its
reads, so on a connection that reads a flood they waited for that thread (and for good, had it
been stuck). All on one connection, in order: a retained state sent on two could reach the broker
older after newer. Never behind the intake's refusals either, which go out on the main one.

On a secure broker each connection logs in as its own account (the broker makes the user name the
client id): ``{hub}-out`` and ``hub_desk_user``, made by ``antre broker`` with the hub's password
for every desk a device of ``[[devices]]`` sits at; those are the only desks whose commands the
broker lets through, so only they get a connection. Any other desk is read on the main one.

While a desk's command waits unread, the main connection's thread gives way (``readable``), but
not to a desk whose connection is flooded (over ``HOT_PER_S`` messages a second): that one is
always readable, and giving way to it stopped the main connection's reading for the whole flood
(kiosk requests waited 10-30 s) without serving any real desk sooner.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace

from shared.config import HUB_OUT_SUFFIX, MqttEndpoint, Settings, desks_with_devices, hub_desk_user
from shared.mqtt import Message, MessageHandler, MqttBus

log = logging.getLogger(__name__)

DESK_CLIENT = "antre-hub-{site}-desk-{desk}"  # a desk connection's client id on the open broker
OUT_CLIENT = "antre-hub-{site}-out"  # the outlet's
HOT_PER_S = 20  # messages a second on one desk's topic beyond what a desk and its retries send


class Rate:
    """Messages counted in one-second buckets; ``hot`` over ``limit`` in this or the last bucket.
    Counted on one desk connection's thread, read on the main connection's (a stale read only
    delays the verdict by a message)."""

    __slots__ = ("_bucket", "_count", "_last", "clock", "limit")

    def __init__(self, limit: int = HOT_PER_S, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.clock = limit, clock
        self._bucket, self._count, self._last = int(clock()), 0, 0

    def _roll(self) -> None:
        bucket = int(self.clock())
        if bucket != self._bucket:
            self._last = self._count if bucket == self._bucket + 1 else 0
            self._bucket, self._count = bucket, 0

    def count(self) -> None:
        self._roll()
        self._count += 1

    def hot(self) -> bool:
        self._roll()
        return max(self._count, self._last) > self.limit


def connection_desks(settings: Settings) -> tuple[str, ...]:
    """The configured desks that get a connection of their own: all of them on the open broker;
    on a secure one those with an account (a desk-bound device in ``[[devices]]``)."""
    configured = [d.id for d in settings.desks]
    if settings.mqtt.username is None:
        return tuple(configured)
    with_account = set(desks_with_devices(settings.raw.get("devices")))
    return tuple(desk for desk in configured if desk in with_account)


def desk_endpoint(endpoint: MqttEndpoint, desk: str | None) -> MqttEndpoint:
    """``desk``'s connection's account (the outlet's for ``None``): on a secure broker the hub's
    user name joined with the desk (``hub_desk_user``) or ``HUB_OUT_SUFFIX``; same password,
    ``broker.mosquitto.acl`` grants them the hub's topics."""
    if endpoint.username is None:
        return endpoint
    user = endpoint.username + HUB_OUT_SUFFIX if desk is None else hub_desk_user(endpoint.username, desk)
    return replace(endpoint, username=user)


class DeskConnections:
    """One ``MqttBus`` per desk, subscribed to that desk's ``counter/{desk}/cmd`` only, and the
    outlet, subscribed to nothing."""

    def __init__(
        self, settings: Settings, handler: MessageHandler, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.buses: dict[str, MqttBus] = {}
        self.rates: dict[str, Rate] = {}
        for desk in connection_desks(settings):
            bus = MqttBus(
                desk_endpoint(settings.mqtt, desk),
                settings.site,
                DESK_CLIENT.format(site=settings.site, desk=desk),
                # A fixed id and a persistent session: a desk's commands sent while the hub was
                # down are kept by the broker (QoS 1) and delivered when it returns.
                persistent_session=True,
                see_retain=True,
                announce=False,
            )
            self.rates[desk] = rate = Rate(clock=clock)
            bus.on_message("counter_cmd", _counted(handler, rate), desk=desk)
            self.buses[desk] = bus
        self.desks = frozenset(self.buses)
        # A fixed id and a persistent session, as the other connections: what it had in flight
        # when the broker went away is sent again.
        self.out = MqttBus(
            desk_endpoint(settings.mqtt, None),
            settings.site,
            OUT_CLIENT.format(site=settings.site),
            persistent_session=True,
            announce=False,
        )

    def __str__(self) -> str:
        return ",".join(self.buses) or "none"

    def start(self) -> None:
        self.out.start()
        for bus in self.buses.values():
            bus.start()

    def wait_subscribed(self, timeout_s: float, clock: Callable[[], float] = time.monotonic) -> bool:
        """Whether every desk connection's subscription is acknowledged, and the outlet connected,
        within ``timeout_s``."""
        deadline = clock() + timeout_s
        buses = (self.out, *self.buses.values())
        return all(bus.subscribed.wait(max(0.0, deadline - clock())) for bus in buses)

    def stop(self) -> None:
        for bus in (*self.buses.values(), self.out):
            bus.stop()

    def readable(self) -> bool:
        """Whether a desk's command waits unread on its connection, a flooded one's aside."""
        return any(not self.rates[desk].hot() and bus.readable() for desk, bus in self.buses.items())

    def outlet(self) -> MqttBus | None:
        """Where the worker's publications go: the outlet while it is up (else ``None``: the main
        connection)."""
        return self.out if self.out.connected.is_set() else None


def _counted(handler: MessageHandler, rate: Rate) -> MessageHandler:
    def count_and_handle(params: dict[str, str], message: Message) -> None:
        rate.count()
        handler(params, message)

    return count_and_handle
