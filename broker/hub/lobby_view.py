"""What the staff console's live lobby page shows: a frozen tree of plain values, built by
``broker.hub.lobby_mirror.LobbyMirror.view`` from the hub's own messages.

No personal data lives here: ticket codes, desk and service names, officer names (staff, not
visitors), device ids and their health. The 10-minute clock's arithmetic is the timing service's
(``shared.domain.timing``): a clock counts only the seconds the office is open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.domain.timing import OpeningHours, SlaLimits

LEVELS = (None, "warning", "breach")


@dataclass(frozen=True)
class ClockView:
    """One waiting visitor's 10-minute clock at the view's moment.

    ``started_at`` is ``None`` while someone ahead in the queue is still to be served (the clock has
    not started: nothing else is set then). ``seconds_used`` counts open-hours seconds since the
    start; ``seconds_left`` is the limit minus that (negative: over the limit by that much);
    ``deadline`` the wall moment the limit is (or was) reached if the office stays open;
    ``running`` whether it counts right now (started and the office open); ``level`` the highest
    reached: ``None``, ``"warning"`` or ``"breach"``."""

    started_at: datetime | None = None
    deadline: datetime | None = None
    seconds_used: float | None = None
    seconds_left: float | None = None
    level: str | None = None
    running: bool = False

    @property
    def over(self) -> bool:
        return self.seconds_left is not None and self.seconds_left < 0


@dataclass(frozen=True)
class WaitingView:
    """``idle_desk_s``: how long the visitor has waited in this queue while a desk serving it was
    open (an officer signed in) with nobody at it, inside opening hours, read at the view's moment
    (``shared.domain.idle_desks``)."""

    code: str
    issued_at: datetime | None
    clock: ClockView
    idle_desk_s: float = 0.0


@dataclass(frozen=True)
class ServiceView:
    """A service's queue: ``waiting`` the head of it in order (at most the contract's 50 codes),
    ``count`` everyone waiting; ``updated_at`` ``None`` until the hub has published it;
    ``idle_desks`` and ``idle_desk_max`` the idle-desk figure of the queue now."""

    prefix: str
    name: str
    count: int
    waiting: tuple[WaitingView, ...]
    updated_at: datetime | None
    idle_desks: tuple[str, ...] = ()  # the names of the desks serving it open and idle now
    idle_desk_max: float = 0.0  # the longest idle-desk wait of those listed waiting, now


@dataclass(frozen=True)
class DeskView:
    """A desk: ``status`` one of closed, idle, called, serving (``unknown`` before the hub said);
    the officer signed in there (``officer_name`` ``None`` when only the id is known)."""

    id: str
    name: str
    status: str
    ticket: str | None
    service: str | None
    since: datetime | None
    officer_id: str | None
    officer_name: str | None


@dataclass(frozen=True)
class AlertView:
    """A waiting visitor past the warning mark or the limit. ``at``: when the hub raised it
    (``None`` when known from the queue state only, e.g. after a restart); ``clock_s``: the clock's
    reading then; ``seconds_used``: its reading now."""

    ticket: str
    service: str
    level: str
    at: datetime | None
    clock_s: float | None
    seconds_used: float | None


@dataclass(frozen=True)
class DeviceView:
    """A device the hub knows of, from the site config or from its messages.

    ``kind``: kiosk, rating, display, counter, keypad, button, hub. ``id``: the kiosk or display
    id, or the desk id for desk-bound kinds (counter, keypad, button; ``desk`` set too).
    ``online``: from its presence (``None``: no presence seen; a button has none).
    ``last_seen``: the last time it was heard from (presence online, a status, a button press).
    ``printer``/``pending_reprint`` for kiosks, ``audio``/``audio_detail`` for displays (the
    voice) and kiosks (the spoken guide), from their retained status; ``status_at``: when the
    device wrote that status."""

    kind: str
    id: str
    desk: str | None = None
    client_id: str | None = None
    configured: bool = False
    online: bool | None = None
    last_seen: datetime | None = None
    printer: str | None = None
    pending_reprint: str | None = None
    audio: str | None = None
    audio_detail: str | None = None
    status_at: datetime | None = None

    @property
    def healthy(self) -> bool:
        """Online (when it has presence) with a working printer or voice (when it reports one)."""
        if self.online is False:
            return False
        if self.printer is not None and self.printer != "ready":
            return False
        return self.audio is None or self.audio in ("ready", "ok", "off")


@dataclass(frozen=True)
class LobbyView:
    """The lobby at ``at`` (office time), as of change ``version``. ``connected``: the hub is on
    the broker now; while it is not, nothing here is news (the page says the view may be stale)."""

    at: datetime
    version: int
    desks: tuple[DeskView, ...]
    services: tuple[ServiceView, ...]
    alerts: tuple[AlertView, ...]
    devices: tuple[DeviceView, ...]
    connected: bool = False


def higher(a: str | None, b: str | None) -> str | None:
    """The higher of two clock levels (``None`` < warning < breach)."""
    return a if LEVELS.index(a) >= LEVELS.index(b) else b


def clock_view(
    started_at: datetime | None, level: str | None, now: datetime, limits: SlaLimits, hours: OpeningHours
) -> ClockView:
    """The clock started at ``started_at`` (the hub's published start) read at ``now``; ``level``
    is what the hub published, raised to what the reading gives (the hub's tick follows within a
    fraction of a second, and the page must not show "over by 3 s" beside "warning")."""
    if started_at is None:
        return ClockView(level=level)
    used = hours.open_seconds(started_at, now)
    return ClockView(
        started_at=started_at,
        deadline=deadline_of(started_at, limits.breach_s, hours),
        seconds_used=used,
        seconds_left=limits.breach_s - used,
        level=higher(level, limits.level(used)),
        running=hours.is_open(now),
    )


def deadline_of(started_at: datetime, limit_s: float, hours: OpeningHours) -> datetime | None:
    """The wall moment a clock started at ``started_at`` has counted ``limit_s`` open seconds
    (closing time and breaks do not count); ``None`` if the office does not open again."""
    at = started_at
    for _ in range(16):  # one step per closure crossed: a break, the evening, a weekend
        short = limit_s - hours.open_seconds(started_at, at)
        if short <= 0.5:
            return at
        opening = hours.next_opening(at, within_days=31)
        if opening is None:
            return None
        at = opening + timedelta(seconds=short)
    return at
