"""The live lobby as the hub sees it, kept in memory for the staff console's live page.

``LobbyMirror`` is fed every ``Publication`` the hub sends (desk and queue states, the 10-minute
alerts) and the devices' own messages (presence, kiosk printer and display voice status, button
presses); ``view()`` answers a frozen ``LobbyView`` from memory, never from the database.

Cheap where it counts: on the hub's worker a publication costs a topic check and, for a desk or
queue state, keeping its bytes (parsed only when a page asks, once per new payload). Fed from the
worker and paho's network thread, read from the web server's: one lock guards the maps, and the
views handed out are immutable. A change bumps ``feed`` (``broker.hub.change_feed``), on which an
asyncio page waits: ``mirror.feed.subscribe(loop)``.

Nothing personal is kept: the kiosks' requests (the only topic with personal data) are never
taken, and every other payload is read field by field.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from broker.hub import lobby_parse as parse
from broker.hub.change_feed import ChangeFeed
from broker.hub.lobby_view import (
    AlertView,
    DeskView,
    DeviceView,
    LobbyView,
    ServiceView,
    WaitingView,
    clock_view,
    higher,
)
from broker.hub.publications import Publication
from shared.config import Settings
from shared.contract import topics as contract
from shared.domain.idle_desks import live_seconds
from shared.domain.queue import utc_now
from shared.store.models import DeskRow, OfficerRow
from shared.timing_config import opening_hours, sla_limits

log = logging.getLogger(__name__)

MAX_DEVICES = 500  # unknown client ids past this are ignored: a stranger's flood must not grow memory
MAX_ALERTS = 1000
_TAKEN = frozenset(
    {"counter_state", "queue_state", "sla_alert", "kiosk_status", "display_status", "presence"}
)
_TAILS = ("/state", "/status", "/sla")

StateKey = tuple[str, str]  # ("desk", id) or ("queue", prefix)


@dataclasses.dataclass(frozen=True)
class _Alert:
    level: str
    at: datetime | None
    clock_s: float | None


class LobbyMirror:
    def __init__(self, settings: Settings, clock: Callable[[], datetime] = utc_now) -> None:
        self.site = settings.site
        self.tz = settings.tz
        self.clock = clock
        self.limits = sla_limits(settings)
        self.hours = opening_hours(settings)  # its own copy: the timing service's is the worker's
        self.feed = ChangeFeed()
        self._prefix = f"antre/{settings.site}/"
        self._lock = threading.Lock()
        self._unannounced = False  # a press noted, its change not yet told to the pages
        # The retained states as the hub sent them, in the site's order (desks, then services).
        self._names: dict[StateKey, str] = {("desk", d.id): d.name for d in settings.desks}
        self._names |= {("queue", s.prefix): s.name for s in settings.services}
        self._raw: dict[StateKey, bytes | None] = dict.fromkeys(self._names)
        self._memo: dict[
            StateKey, tuple[bytes | None, DeskView | parse.QueueState]
        ] = {}  # parsed states, per payload
        self._memo_lock = threading.Lock()
        self._alerts: dict[tuple[str, str], _Alert] = {}  # (service, ticket) -> the highest alert
        self._officer_names: dict[str, str] = {
            str(o["id"]): str(o["name"])
            for o in settings.raw.get("officers", [])
            if isinstance(o, Mapping) and "id" in o and "name" in o
        }
        self._officers: dict[str, str] = {}  # desk -> officer id signed in there
        self._connected = False
        self._clients: dict[str, tuple[parse.DeviceKey, str | None]] = {}  # configured client id -> device
        self._devices: dict[parse.DeviceKey, DeviceView] = {}
        for key, desk, client_ids in parse.configured_devices(settings):
            self._devices[key] = DeviceView(key[0], key[1], desk=desk, configured=True)
            for client_id in client_ids:
                self._clients[client_id] = (key, desk)

    def use_settings(self, settings: Settings) -> None:
        """The site setup changed on the console (``broker.hub.site_setup``): the opening hours its
        clocks count, the desks and services (names; one added is listed, one removed goes; the
        republished states follow)."""
        self.hours = opening_hours(settings)
        with self._lock:
            names = {("desk", d.id): d.name for d in settings.desks}
            names |= {("queue", s.prefix): s.name for s in settings.services}
            for gone in [key for key in self._names if key not in names]:  # removed on the setup page
                self._names.pop(gone)
                self._raw.pop(gone, None)
            self._names.update(names)
            for key in names:
                self._raw.setdefault(key, None)  # added there: shown before its first state

    @property
    def version(self) -> int:
        return self.feed.version

    # --- feeding (any thread) ------------------------------------------------------------------

    def feed_all(self, publications: Iterable[Publication]) -> bool:
        """Every publication of one job (a command, a batch, a snapshot): one change at most."""
        changed = False
        for item in publications:
            changed = self._take(item.topic, item.payload, item.retain) or changed
        with self._lock:
            pressed, self._unannounced = self._unannounced, False
        if changed or pressed:
            self.feed.bump()
        return changed

    def feed_message(self, topic: str, payload: bytes, retain: bool = False) -> bool:
        """One message (a publication or a device's own message); whether the lobby changed."""
        changed = self._take(topic, payload, retain)
        if changed:
            self.feed.bump()
        return changed

    def note_button(self, desk: str) -> None:
        """A plain-word command reached ``desk``: a button (or the USB keypad) was pressed. The
        pages are told with the command's own change (``feed_all`` of its job, which follows within
        milliseconds, refused or not): one wake and one fragment a press, not two."""
        now = self.clock()
        with self._lock:
            key = ("button", desk)
            if key not in self._devices and ("keypad", desk) in self._devices:
                key = ("keypad", desk)
            if self._put_device(key, desk, last_seen=now):
                self._unannounced = True

    def set_officers(
        self, at_desks: Mapping[str, str | None], names: Mapping[str, str] | None = None
    ) -> None:
        """Who is signed in at each desk (desk -> officer id), and officers' names (id -> name)."""
        with self._lock:
            officers = {desk: oid for desk, oid in at_desks.items() if oid}
            known = {**self._officer_names, **(names or {})}
            if officers == self._officers and known == self._officer_names:
                return
            self._officers, self._officer_names = officers, known
        self.feed.bump()

    def set_connected(self, connected: bool) -> None:
        """The hub's bus (re)connected or lost the broker."""
        with self._lock:
            if connected == self._connected:
                return
            self._connected = connected
        self.feed.bump()

    def _take(self, topic: str, payload: bytes, retain: bool) -> bool:
        # A cheap look before the contract's regexes: most of what the hub sends is answers.
        if not topic.startswith(self._prefix) or not (topic.endswith(_TAILS) or "/presence/" in topic):
            return False
        found = contract.match(topic)
        if found is None or found[0] not in _TAKEN:
            return False
        key, params = found
        if key == "counter_state":
            return self._keep(("desk", params["desk"]), payload)
        if key == "queue_state" and not payload:  # cleared: a service removed on the setup page
            return self._forget(("queue", params["service"]))
        if key == "queue_state":
            return self._keep(("queue", params["service"]), payload)
        if key == "presence":
            return self._presence(params["client_id"], payload)
        try:
            data = contract.decode(payload) if payload else None
        except contract.PayloadError:
            return False  # a device's broken status: nothing to show
        if data is None:
            return False
        with self._lock:
            if key == "sla_alert":
                return self._alert(data)
            return self._status(key, params, data, retain)

    def _forget(self, key: StateKey) -> bool:
        with self._lock:
            if key not in self._raw:
                return False
            del self._raw[key]
            self._names.pop(key, None)
            return True

    def _keep(self, key: StateKey, payload: bytes) -> bool:
        with self._lock:
            if self._raw.get(key) == payload:
                return False
            if key not in self._names:
                self._names[key] = key[1]
            self._raw[key] = payload
            if key[0] == "queue" and self._alerts:
                # Called, gone or moved: the alert is over. A substring test, not a parse.
                for stale in [
                    k for k in self._alerts if k[0] == key[1] and f'"{k[1]}"'.encode() not in payload
                ]:
                    del self._alerts[stale]
            return True

    def _alert(self, data: dict[str, Any]) -> bool:
        ticket, service, level = (
            parse.text(data.get("ticket")),
            parse.text(data.get("service")),
            data.get("level"),
        )
        if not ticket or not service or level not in ("warning", "breach"):
            return False
        key = (service, ticket)
        old = self._alerts.get(key)
        if old is not None and higher(old.level, level) == old.level:
            return False
        if old is None and len(self._alerts) >= MAX_ALERTS:
            return False
        clock_s = data.get("clock_s")
        seconds = (
            float(clock_s) if isinstance(clock_s, int | float) and not isinstance(clock_s, bool) else None
        )
        self._alerts[key] = _Alert(level, parse.time(data.get("at")), seconds)
        return True

    def _status(self, key: str, params: dict[str, str], data: dict[str, Any], retain: bool) -> bool:
        at = parse.time(data.get("at"))
        seen = at if retain and at is not None else self.clock()  # a retained status was written then
        if key == "kiosk_status":
            device, fields = (
                params["kiosk_id"],
                {
                    "printer": parse.text(data.get("printer")),
                    "pending_reprint": parse.text(data.get("pending_reprint")),
                    # The spoken guide's sound (issue 18): absent from a kiosk that has not told it.
                    "audio": parse.text(data.get("audio")),
                    "audio_detail": parse.text(data.get("audio_detail"), 200),
                },
            )
            kind = "kiosk"
        else:
            device, fields = (
                params["display_id"],
                {
                    "audio": parse.text(data.get("audio")),
                    "audio_detail": parse.text(data.get("detail"), 200),
                },
            )
            kind = "display"
        # A rating screen configured with this id keeps its kind.
        found = ("rating", device) if ("rating", device) in self._devices else (kind, device)
        return self._put_device(found, None, last_seen=seen, status_at=at, **fields)

    def _presence(self, client_id: str, payload: bytes) -> bool:
        found = self._clients.get(client_id) or parse.device_of_client(client_id, self.site)
        if found is None:
            return False
        key, desk = found
        word = payload.strip().decode("ascii", "replace")
        online = True if word == contract.ONLINE else False if word == contract.OFFLINE else None
        fields: dict[str, Any] = {"online": online, "client_id": client_id}
        if online:
            fields["last_seen"] = self.clock()
        with self._lock:
            return self._put_device(key, desk, **fields)

    def _put_device(self, key: parse.DeviceKey, desk: str | None, **fields: Any) -> bool:
        """Update a device (under the lock); whether anything changed."""
        old = self._devices.get(key)
        if old is None:
            if len(self._devices) >= MAX_DEVICES:
                return False
            old = DeviceView(key[0], key[1], desk=desk)
        seen = fields.get("last_seen")
        if seen is not None and old.last_seen is not None and seen < old.last_seen:
            del fields["last_seen"]  # an old retained status does not make it seen earlier
        new = dataclasses.replace(old, **fields)
        if new == old and key in self._devices:
            return False
        self._devices[key] = new
        return True

    # --- reading (any thread) ------------------------------------------------------------------

    def view(self, now: datetime | None = None) -> LobbyView:
        """The lobby at ``now`` (default: the clock), from memory."""
        now = (now or self.clock()).astimezone(self.tz)
        with self._lock:
            version = self.feed.version
            raw, names = dict(self._raw), dict(self._names)
            alerts = dict(self._alerts)
            officers, officer_names = dict(self._officers), self._officer_names
            connected = self._connected
            devices = sorted(self._devices.values(), key=parse.device_order)
        desks: list[DeskView] = []
        queues: list[parse.QueueState] = []
        for key, payload in raw.items():
            state = self._parsed(key, names[key], payload)
            if isinstance(state, DeskView):
                officer = officers.get(state.id)
                name = officer_names.get(officer) if officer else None
                desks.append(dataclasses.replace(state, officer_id=officer, officer_name=name))
            else:
                queues.append(state)
        desk_names = {d.id: d.name for d in desks}
        services, alert_views = self._services(queues, alerts, now, desk_names)
        return LobbyView(now, version, tuple(desks), services, alert_views, tuple(devices), connected)

    def _parsed(self, key: StateKey, name: str, payload: bytes | None) -> DeskView | parse.QueueState:
        """The state ``payload`` says, parsed once per payload: a page asking again reuses it."""
        with self._memo_lock:
            hit = self._memo.get(key)
        if hit is not None and hit[0] is payload:
            return hit[1]
        read = parse.desk_state if key[0] == "desk" else parse.queue_state
        value = read(key[1], name, payload, self.tz)
        with self._memo_lock:
            self._memo[key] = (payload, value)
        return value

    def _services(
        self,
        queues: list[parse.QueueState],
        alerts: dict[tuple[str, str], _Alert],
        now: datetime,
        desk_names: Mapping[str, str],
    ) -> tuple[tuple[ServiceView, ...], tuple[AlertView, ...]]:
        services: list[ServiceView] = []
        found: list[AlertView] = []
        for queue in queues:
            waiting: list[WaitingView] = []
            idle_now = bool(queue.idle_desks)
            for code, issued_at, started_at, level, idle_s in queue.entries:
                raised = alerts.pop((queue.prefix, code), None)
                level = higher(level, raised.level if raised else None)
                clock = clock_view(started_at, level, now, self.limits, self.hours)
                since = queue.updated_at or now
                idle = live_seconds(idle_s, since, now, idle_now, self.hours)
                waiting.append(WaitingView(code, issued_at, clock, idle))
                if clock.level is not None:
                    at, clock_s = (raised.at, raised.clock_s) if raised else (None, None)
                    found.append(
                        AlertView(
                            code, queue.prefix, clock.level, self._local(at), clock_s, clock.seconds_used
                        )
                    )
            updated = queue.updated_at
            idle_names = tuple(desk_names.get(d, d) for d in queue.idle_desks)
            longest = max((w.idle_desk_s for w in waiting), default=0.0)
            services.append(
                ServiceView(
                    queue.prefix, queue.name, queue.count, tuple(waiting), updated, idle_names, longest
                )
            )
        known = {q.prefix for q in queues if q.updated_at is not None}
        for (service, ticket), raised in alerts.items():
            if service not in known:  # raised before its queue's state came: shown as it was said
                found.append(
                    AlertView(ticket, service, raised.level, self._local(raised.at), raised.clock_s, None)
                )
        found.sort(key=lambda a: (a.level != "breach", -(a.seconds_used or a.clock_s or 0), a.ticket))
        return tuple(services), tuple(found)

    def _local(self, at: datetime | None) -> datetime | None:
        return at.astimezone(self.tz) if at is not None else None


def officers_at_desks(engine: Engine) -> tuple[dict[str, str | None], dict[str, str]]:
    """Who is signed in at each desk and their names: one small query (desks x officers), for
    ``LobbyMirror.set_officers`` after a sign-in or sign-out (the desk states do not carry it)."""
    with Session(engine) as session:
        rows = session.execute(
            select(DeskRow.id, DeskRow.officer_id, OfficerRow.name).outerjoin(
                OfficerRow, OfficerRow.id == DeskRow.officer_id
            )
        ).all()
    return {r.id: r.officer_id for r in rows}, {r.officer_id: r.name for r in rows if r.officer_id and r.name}
