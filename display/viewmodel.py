"""What the wall display shows, as plain Python: fed only by contract messages, no Kivy.

The app hands every MQTT message to one of the ``on_*`` methods on its main thread; widgets read
the properties below after ``on_change`` fires. Time comes from an injected monotonic ``clock``, so
tests drive the flash and the connection overlay without waiting.

Choices for a lobby:
- closed desks are hidden (a visitor only needs where to go); an open desk with nobody at it shows
  a dash, so people see it is staffed;
- the latest call is the newest ``event/call``; before any event arrives (a display switched on
  mid-day) the desks' retained states stand in for the call list, newest first, without a flash or
  a voice, so the screen is whole at once;
- a recall moves the call back to the top, flashes and is announced again;
- a priority-lane ticket (docs/queue.md) carries its mark wherever its code shows (the latest call,
  its desk, a recall of it: the hub flags every message about the ticket) and its announcement
  says "prioritas". Each message's flag is trusted as it is: codes restart every day, so a code
  remembered as priority could be another visitor's today;
- the overlay waits ``overlay_delay`` seconds before it shows, so a broker restart of a fraction of
  a second does not make the wall blink.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import TypeVar

from display import texts
from display.speech import call_sentence
from shared.contract.catalogue import SiteServices
from shared.contract.codec import PayloadError
from shared.contract.records import (
    CallEvent,
    DeskState,
    parse_call_event,
    parse_desk_state,
    parse_presence,
    parse_queue_state,
)

log = logging.getLogger(__name__)

RECENT_CALLS = 5
NAME_MAX = 60  # a desk or service name longer than this is not one a wall shows (nor the config makes)
FLASH_SECONDS = 8.0
OVERLAY_DELAY_S = 1.0
_SEEN_CALL_IDS = 256  # QoS 1 redelivers soon after, never hours later

T = TypeVar("T")


class Connection(StrEnum):
    CONNECTED = "connected"
    BROKER_LOST = "broker lost"
    HUB_OFFLINE = "hub offline"


@dataclass(frozen=True)
class DeskView:
    desk: str
    name: str
    status: str
    ticket: str | None
    priority: bool = False  # the ticket at the desk is a priority-lane one: the tile shows the mark


@dataclass(frozen=True)
class CallView:
    ticket: str
    desk: str
    desk_name: str
    recall: bool = False
    at: float | None = None  # monotonic time of the event; None when taken from a desk's state
    priority: bool = False


@dataclass(frozen=True)
class ServiceView:
    service: str
    name: str
    count: int
    late: int = 0  # waiting past the 10-minute standard: shown discreetly, in the count's colour
    near: int = 0


# --- the contract's records as a wall shows them ----------------------------------------------


def wall_name(name: str | None, field: str) -> str | None:
    """A desk or service name as a wall shows it, stripped (``None``: the hub sent none). A name
    no config would make (blank, too long, unprintable) makes the whole message malformed."""
    if name is None:
        return None
    if not name.strip() or len(name) > NAME_MAX or not name.isprintable():
        raise PayloadError(f"bad_{field}", f"{field} is not a name a wall shows")
    return name.strip()


def _desk_state(raw: bytes, desk: str) -> DeskState:
    state = parse_desk_state(raw, desk)
    return replace(state, name=wall_name(state.name, "name"))


def _service_view(raw: bytes, service: str) -> ServiceView:
    state = parse_queue_state(raw, service)
    levels = [clock.level for clock in state.clocks.values()]
    name = wall_name(state.name, "name") or service
    return ServiceView(service, name, state.count, late=levels.count("breach"), near=levels.count("warning"))


def _call_event(raw: bytes) -> CallEvent:
    event = parse_call_event(raw)
    return replace(event, desk_name=wall_name(event.desk_name, "desk_name"))


def _desk_order(desk: str) -> tuple[int, int, str]:
    # "Meja 2" before "Meja 10": numeric ids by value, the rest after them by name.
    return (0, int(desk), "") if desk.isdigit() else (1, 0, desk)


class DisplayViewModel:
    def __init__(
        self,
        hub_client_id: str,
        *,
        language: str = "id",
        clock: Callable[[], float] = time.monotonic,
        announce: Callable[[str], None] | None = None,
        recent: int = RECENT_CALLS,
        flash_seconds: float = FLASH_SECONDS,
        overlay_delay: float = OVERLAY_DELAY_S,
    ) -> None:
        self.hub_client_id = hub_client_id
        self.language = texts.check_language(language)
        self.clock = clock
        self.announce = announce
        self.recent_count = recent
        self.flash_seconds = flash_seconds
        self.overlay_delay = overlay_delay
        self.on_change: Callable[[], None] | None = None
        self._desks: dict[str, DeskState] = {}
        self._services: dict[str, ServiceView] = {}
        self._existing: set[str] | None = None  # the prefixes of site/services; None: not heard yet
        self._calls: list[CallView] = []  # newest first, one entry per ticket
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._bus_up = False
        self._hub_online: bool | None = None  # None: not heard since the last (re)connect
        self._down_since: float | None = clock()
        self.malformed = 0

    # --- inputs (main thread) ---------------------------------------------------------------

    def on_desk_state(self, desk: str, raw: bytes) -> None:
        state = self._parse("counter/state", _desk_state, raw, desk)
        if state is not None:
            self._desks[desk] = state
            self._changed()

    def on_queue_state(self, service: str, raw: bytes) -> None:
        if not raw:  # the retained state cleared: the service was removed on the console
            if self._services.pop(service, None) is not None:
                self._changed()
            return
        if self._existing is not None and service not in self._existing:
            return  # a stale retained state of a service removed
        view = self._parse("queue/state", _service_view, raw, service)
        if view is not None:
            self._services[service] = view
            self._changed()

    def on_services(self, found: SiteServices) -> None:
        """``site/services``: the services that exist now; a row of one removed goes."""
        self._existing = {s.prefix for s in found.services}
        gone = set(self._services) - self._existing
        for service in gone:
            del self._services[service]
        if gone:
            self._changed()

    def on_call(self, raw: bytes) -> None:
        event = self._parse("event/call", _call_event, raw)
        if event is None or event.call_id in self._seen:
            return  # a QoS 1 redelivery: shown and announced once
        self._seen[event.call_id] = None
        while len(self._seen) > _SEEN_CALL_IDS:
            self._seen.popitem(last=False)
        known = self._desks.get(event.desk)
        name = event.desk_name or (known.name if known else None) or self._fallback_name(event.desk)
        priority = event.priority  # a recall's event carries it too: the mark stays
        call = CallView(event.ticket, event.desk, name, event.recall, self.clock(), priority)
        self._calls = [call, *(c for c in self._calls if c.ticket != call.ticket)][: self.recent_count + 1]
        # The event comes before the desk's new state: show the code at the desk at once.
        since = known.since if known else None
        service = known.service if known else None
        self._desks[event.desk] = DeskState(
            event.desk, name, "called", event.ticket, service, since, priority
        )
        if self.announce is not None:
            self.announce(call_sentence(call.ticket, call.desk_name, self.language, priority=priority))
        self._changed()

    def on_presence(self, client_id: str, raw: bytes) -> None:
        if client_id != self.hub_client_id:
            return
        online = self._parse("presence", parse_presence, raw)
        if online is not None:
            before = self.connection
            self._hub_online = online
            self._link_changed(before)

    def on_bus_connected(self) -> None:
        before = self.connection
        self._bus_up = True
        self._link_changed(before)

    def on_bus_disconnected(self) -> None:
        before = self.connection
        self._bus_up = False
        # What we knew of the hub came through this connection; hear it again after reconnecting.
        self._hub_online = None
        self._link_changed(before)

    # --- outputs ----------------------------------------------------------------------------

    @property
    def desks(self) -> list[DeskView]:
        """Open desks in desk order, each with its ticket (``None`` when nobody is there)."""
        shown = [s for s in self._desks.values() if s.status != "closed"]
        return [
            DeskView(s.desk, s.name or self._fallback_name(s.desk), s.status, s.ticket, s.priority)
            for s in sorted(shown, key=lambda s: _desk_order(s.desk))
        ]

    def _calls_shown(self) -> list[CallView]:
        calls = list(self._calls)
        if len(calls) <= self.recent_count:
            # Fill from the desks' states (a display started mid-day), newest first.
            listed = {c.ticket for c in calls}
            holding = [s for s in self._desks.values() if s.ticket and s.ticket not in listed]
            holding.sort(key=lambda s: s.since.timestamp() if s.since else float("-inf"), reverse=True)
            calls += [
                CallView(s.ticket, s.desk, s.name or self._fallback_name(s.desk), priority=s.priority)
                for s in holding
                if s.ticket
            ]
        return calls[: self.recent_count + 1]

    @property
    def latest(self) -> CallView | None:
        calls = self._calls_shown()
        return calls[0] if calls else None

    @property
    def recent(self) -> list[CallView]:
        """The calls before the latest, newest first (at most ``recent``)."""
        return self._calls_shown()[1:]

    @property
    def waiting(self) -> list[ServiceView]:
        return [self._services[key] for key in sorted(self._services)]

    def waiting_text(self, service: ServiceView) -> str:
        """How many wait for ``service`` (``queue/{service}/state``'s ``count``: everyone still
        waiting, priority tickets included), and how many of them past the 10-minute standard."""
        if service.late:
            return self.text("waiting_late", count=service.count, late=service.late)
        return self.text("waiting_count", count=service.count)

    @property
    def connection(self) -> Connection:
        if not self._bus_up:
            return Connection.BROKER_LOST
        if self._hub_online is not True:
            return Connection.HUB_OFFLINE
        return Connection.CONNECTED

    def flashing(self) -> bool:
        """The latest call came less than ``flash_seconds`` ago (one read from a state never flashes)."""
        at = self._calls[0].at if self._calls else None
        return at is not None and self.clock() - at < self.flash_seconds

    def overlay_visible(self) -> bool:
        return self._down_since is not None and self.clock() - self._down_since >= self.overlay_delay

    def text(self, key: str, **values: object) -> str:
        return texts.t(self.language, key, **values)

    # --- internals --------------------------------------------------------------------------

    def _fallback_name(self, desk: str) -> str:
        return self.text("desk_fallback", desk=desk)

    def _parse(self, what: str, parser: Callable[..., T], *args: object) -> T | None:
        try:
            return parser(*args)
        except PayloadError as exc:
            self.malformed += 1
            log.warning("ignored a malformed %s message (%s)", what, exc.code)
            return None

    def _link_changed(self, before: Connection) -> None:
        now = self.connection
        if now is Connection.CONNECTED:
            self._down_since = None
        elif self._down_since is None:
            self._down_since = self.clock()
        if now is not before:
            log.info("connection: %s", now.value)
            self._changed()

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()
