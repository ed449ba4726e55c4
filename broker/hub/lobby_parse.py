"""Reading the lobby's messages for ``broker.hub.lobby_mirror``: the desk and queue states (parsed
when a page asks, not when the hub sends them), the site config's devices and the client ids
Antre's apps connect with. Every field is read by name and checked; nothing else is kept."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo

from broker.hub.lobby_view import DeskView, DeviceView
from shared.config import Settings
from shared.contract import topics as contract

KIND_ORDER = ("hub", "kiosk", "rating", "display", "counter", "keypad", "button")
DeviceKey = tuple[str, str]  # (kind, id)
# code, issued_at, clock start, level, idle-desk seconds up to ``updated_at``
Entry = tuple[str, datetime | None, datetime | None, str | None, float]


@dataclass(frozen=True)
class QueueState:
    prefix: str
    name: str
    count: int = 0
    entries: tuple[Entry, ...] = ()
    updated_at: datetime | None = None
    idle_desks: tuple[str, ...] = ()  # desks serving it open and idle at ``updated_at``


def desk_state(desk: str, name: str, raw: bytes | None, tz: tzinfo) -> DeskView:
    """A ``counter/{desk}/state`` payload (``None``: not published yet) as a view, no officer;
    times in ``tz`` (the office's)."""
    data = _decoded(raw)
    if data is None:
        return DeskView(desk, name, "unknown", None, None, None, None, None)
    return DeskView(
        desk,
        text(data.get("name")) or name,
        text(data.get("status")) or "unknown",
        text(data.get("ticket")),
        text(data.get("service")),
        time(data.get("since"), tz),
        None,
        None,
    )


def queue_state(service: str, name: str, raw: bytes | None, tz: tzinfo) -> QueueState:
    """A ``queue/{service}/state`` payload (``None``: not published yet): the waiting codes in
    order with each one's issue time, clock start, level and idle-desk seconds, and the desks
    idle then."""
    data = _decoded(raw)
    if data is None:
        return QueueState(service, name)
    clocks_in = data.get("clocks")
    clocks = {
        c["ticket"]: c
        for c in (clocks_in if isinstance(clocks_in, list) else [])
        if isinstance(c, dict) and isinstance(c.get("ticket"), str)
    }
    waiting = data.get("waiting")
    entries: list[Entry] = []
    for code in waiting if isinstance(waiting, list) else []:
        if not isinstance(code, str):
            continue
        clock = clocks.get(code, {})
        level = clock.get("level")
        level = level if level in ("warning", "breach") else None
        idle = clock.get("idle_desk_s", 0)
        idle = float(idle) if type(idle) in (int, float) and 0 <= idle < 10**7 else 0.0
        entries.append(
            (code, time(clock.get("issued_at"), tz), time(clock.get("clock_started_at"), tz), level, idle)
        )
    count = data.get("count")
    desks = data.get("idle_desks")
    return QueueState(
        service,
        text(data.get("name")) or name,
        count if type(count) is int else len(entries),
        tuple(entries),
        time(data.get("updated_at"), tz),
        tuple(d for d in (desks if isinstance(desks, list) else []) if text(d, 16) == d),
    )


def _decoded(raw: bytes | None) -> dict[str, object] | None:
    if not raw:
        return None
    try:
        return contract.decode(raw)
    except contract.PayloadError:
        return None


def configured_devices(settings: Settings) -> list[tuple[DeviceKey, str | None, tuple[str, ...]]]:
    """The ``[[devices]]`` of the site config as (kind, id), desk and the client ids of their
    presence (the ids Antre's apps use unless ``client_ids`` says otherwise)."""
    site, found = settings.site, []
    for item in settings.raw.get("devices", []) or []:
        if not isinstance(item, Mapping):
            continue
        role, device_id, desk = str(item.get("role", "")), str(item.get("id", "")), item.get("desk")
        desk = str(desk) if desk is not None else None
        custom = tuple(str(c) for c in item.get("client_ids", []) or [])
        match role:
            case "kiosk":
                found.append((("kiosk", device_id), None, custom or (f"antre-kiosk-{device_id}",)))
            case "rating":
                ids = custom or (f"antre-rating-{device_id}", f"antre-kiosk-{device_id}")
                found.append((("rating", device_id), desk, ids))
            case "display":
                found.append((("display", device_id), None, custom or (f"antre-display-{site}-{device_id}",)))
            case "counter" if desk:
                found.append((("counter", desk), desk, custom or (f"antre-counter-{desk}",)))
                if not custom:
                    found.append((("keypad", desk), desk, (f"antre-keypad-{desk}",)))
            case "button" if desk:
                found.append((("button", desk), desk, ()))
    return found


def device_of_client(client_id: str, site: str) -> tuple[DeviceKey, str | None] | None:
    """The device an Antre app's client id names (its default ids), and its desk; or ``None``."""
    for prefix, kind, desk_bound in (
        (f"antre-display-{site}-", "display", False),
        ("antre-kiosk-", "kiosk", False),
        ("antre-rating-", "rating", False),
        ("antre-counter-", "counter", True),
        ("antre-keypad-", "keypad", True),
    ):
        if client_id.startswith(prefix) and len(client_id) > len(prefix):
            rest = client_id[len(prefix) :]
            return (kind, rest), (rest if desk_bound else None)
    if client_id == f"antre-hub-{site}":
        return ("hub", site), None
    return None


def device_order(device: DeviceView) -> tuple[int, str]:
    kind = KIND_ORDER.index(device.kind) if device.kind in KIND_ORDER else len(KIND_ORDER)
    return kind, device.id


def text(value: object, limit: int = 64) -> str | None:
    return value[:limit] if isinstance(value, str) and value else None


def time(value: object, tz: tzinfo | None = None) -> datetime | None:
    """A contract time (ISO 8601 with offset), in ``tz`` when given; ``None`` if it is not one."""
    if not isinstance(value, str):
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        return None
    if at.tzinfo is None:
        return None
    return at.astimezone(tz) if tz is not None else at
