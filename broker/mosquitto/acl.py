"""The broker's users and what each may do: ``[[devices]]`` of the site config -> Mosquitto ACL text.

Pure: no files, no broker. Every device is one MQTT user (its ``id``) with one role. The rules
follow the contract's producers and consumers (``shared/contract/topic_table.py``), and two of them
matter most: only kiosks write ``kiosk/{id}/request`` and only the hub reads it (personal data travels
there and nowhere else), and only the hub writes state, event and alert topics.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from shared.config import (
    DESK_ROLES,
    HUB_DESK_INFIX,
    HUB_OUT_SUFFIX,
    ConfigError,
    desks_with_devices,
    hub_desk_user,
)
from shared.contract import topics as contract
from shared.contract.client_ids import desk_program_ids

ROLES = ("hub", "kiosk", "rating", "counter", "button", "display", "doctor")
# Safe as a Mosquitto user name (no ':' for the password file, no spaces for the ACL file) and as
# one topic level (a kiosk's and a rating screen's id is its kiosk id on the topics).
_ID = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
# The rating prompt joins the contract with the rating feature; until then its pattern is here.
RATE_PROMPT_PATTERN = "rate/{desk}/prompt"


@dataclass(frozen=True)
class Device:
    """One ``[[devices]]`` entry: an MQTT user name, its role, the desk of a desk-bound role, and
    the client ids whose presence it may publish (by default the ids Antre's apps use)."""

    id: str
    role: str
    desk: str | None = None
    client_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Grants:
    """Topic filters a device may read (receive) and write (publish)."""

    read: tuple[str, ...]
    write: tuple[str, ...]
    readwrite: tuple[str, ...] = ()


def devices_from_config(raw: Mapping[str, Any]) -> tuple[Device, ...]:
    """The ``[[devices]]`` array of the TOML document, checked (``()`` when there is none)."""
    items = raw.get("devices", [])
    if not isinstance(items, list):
        raise ConfigError("devices must be an array of tables: [[devices]]")
    devices = tuple(_device(item) for item in items)
    desks = device_desks(devices)
    ids = [user for d in devices for user in accounts(d, desks)]  # a hub's desk accounts are taken too
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ConfigError(
            f"[[devices]] ids must be unique (a hub also takes its id + '{HUB_OUT_SUFFIX}' and its id "
            f"+ '{HUB_DESK_INFIX}' + each desk's id); repeated: {duplicates}"
        )
    return devices


def _device(item: object) -> Device:
    if not isinstance(item, Mapping):
        raise ConfigError(f"each [[devices]] entry must be a table, got {item!r}")
    unknown = sorted(set(item) - {"id", "role", "desk", "client_ids"})
    if unknown:
        raise ConfigError(f"[[devices]] {item!r}: unknown keys {unknown}")
    device_id, role, desk = str(item.get("id", "")), str(item.get("role", "")), item.get("desk")
    if not _ID.match(device_id):
        raise ConfigError(f"[[devices]] id must be 1-64 letters, digits, '.', '_' or '-', got {device_id!r}")
    if role not in ROLES:
        raise ConfigError(f"[[devices]] {device_id}: role must be one of {', '.join(ROLES)}, got {role!r}")
    if role in DESK_ROLES and (desk is None or not _ID.match(str(desk))):
        raise ConfigError(f'[[devices]] {device_id}: a {role} needs desk = "<desk id>"')
    if role not in DESK_ROLES and desk is not None:
        raise ConfigError(f"[[devices]] {device_id}: a {role} has no desk")
    client_ids = item.get("client_ids", [])
    if not isinstance(client_ids, list) or not all(isinstance(c, str) and _ID.match(c) for c in client_ids):
        raise ConfigError(f"[[devices]] {device_id}: client_ids must be a list of MQTT client ids")
    return Device(device_id, role, str(desk) if desk is not None else None, tuple(client_ids))


def default_client_ids(device: Device, site: str) -> tuple[str, ...]:
    """The client ids Antre's own apps connect with for this device (their presence topics)."""
    if device.client_ids:
        return device.client_ids
    match device.role:
        case "hub":
            return (f"antre-hub-{site}",)
        case "kiosk":
            return (f"antre-kiosk-{device.id}",)
        case "rating":
            # A rating screen is a kind of kiosk: either id is its own.
            return (f"antre-rating-{device.id}", f"antre-kiosk-{device.id}")
        case "counter":
            # The counter app, or its USB keypad mode, at that desk.
            return desk_program_ids(device.desk or "")
        case "display":
            # display/options.py names a display antre-display-{site}-{[display] id}.
            return (f"antre-display-{site}-{device.id}",)
        case _:
            return ()  # a button has no Last Will; the doctor only reads


def _filter(site: str, key: str, **params: str) -> str:
    return contract.subscription(site, key, **params)


def _rate_prompt(site: str, desk: str) -> str:
    for spec in contract.TOPICS:
        found = re.fullmatch(r"rate/\{(\w+)\}/prompt", spec.pattern)
        if found:
            return contract.subscription(site, spec.key, **{found.group(1): desk})
    return f"antre/{site}/" + RATE_PROMPT_PATTERN.format(desk=desk)


def grants(device: Device, site: str) -> Grants:
    """What ``device`` may do on site ``site``; anything not listed is refused by the broker."""
    # Its own presence it writes and reads back: the bus checks that no other app speaks as it
    # (shared/mqtt.py).
    presence = tuple(_filter(site, "presence", client_id=c) for c in default_client_ids(device, site))
    # Every app's device may see whether the hub is online: the counter and the display show
    # "connection lost" from it, and `antre doctor` checks it with the device's own account.
    hub_presence = _filter(site, "presence", client_id=f"antre-hub-{site}")
    desk = device.desk or ""
    match device.role:
        case "hub":
            return Grants(read=(), write=(), readwrite=(f"antre/{site}/#",))
        case "kiosk":
            return Grants(
                read=(
                    _filter(site, "kiosk_response", kiosk_id=device.id),
                    _filter(site, "queue_state"),
                    _filter(site, "site_schedule"),  # the opening hours of its closed screen
                    _filter(site, "site_services"),  # its buttons: the services offered now
                    # Its own printer status, as `antre doctor` on the kiosk reads it back.
                    _filter(site, "kiosk_status", kiosk_id=device.id),
                    hub_presence,
                ),
                write=(
                    _filter(site, "kiosk_request", kiosk_id=device.id),
                    _filter(site, "kiosk_status", kiosk_id=device.id),
                ),
                readwrite=presence,
            )
        case "rating":
            return Grants(
                read=(
                    _filter(site, "kiosk_response", kiosk_id=device.id),
                    _rate_prompt(site, desk),
                    hub_presence,
                ),
                write=(_filter(site, "kiosk_request", kiosk_id=device.id),),
                readwrite=presence,
            )
        case "counter":
            return Grants(
                read=(
                    _filter(site, "counter_response", desk=desk),
                    _filter(site, "counter_state"),
                    _filter(site, "queue_state"),
                    _filter(site, "sla_alert"),
                    _filter(site, "kiosk_status"),
                    _filter(site, "display_status"),
                    _filter(site, "site_services"),  # what its desk serves, set on the console
                    hub_presence,
                ),
                write=(_filter(site, "counter_cmd", desk=desk),),
                readwrite=presence,
            )
        case "button":
            return Grants(read=(), write=(_filter(site, "counter_cmd", desk=desk),))
        case "display":
            return Grants(
                read=(
                    _filter(site, "counter_state"),
                    _filter(site, "queue_state"),
                    _filter(site, "call_event"),
                    _filter(site, "sla_alert"),
                    _filter(site, "running_text"),
                    _filter(site, "site_schedule"),  # "closed" and when it opens next
                    _filter(site, "site_services"),  # the services that exist (a removed one's row goes)
                    # Its own voice status, as `antre doctor` on the display reads it back.
                    _filter(site, "display_status", display_id=device.id),
                    hub_presence,
                ),
                write=(_filter(site, "display_status", display_id=device.id),),
                readwrite=presence,
            )
        case "doctor":
            return Grants(
                read=tuple(_filter(site, key) for key in ("presence", "kiosk_status", "display_status")),
                write=(),
            )
    raise ConfigError(f"unknown role {device.role!r}")


def render_acl(devices: Sequence[Device], site: str) -> str:
    """The Mosquitto ``acl_file``: one ``user`` block per device, in config order."""
    lines = [
        "# Written by `antre broker` from [[devices]] of the site config; edits are overwritten.",
        "# Anything not granted here is refused. Only the hub reads kiosk/+/request (personal data)",
        "# and only the hub writes state, event and alert topics.",
    ]
    desks = device_desks(devices)
    for device in devices:
        granted = grants(device, site)
        desk = f", desk {device.desk}" if device.desk else ""
        for user in accounts(device, desks):
            role = device.role if user == device.id else f"{device.role} ({device.id}'s other connections)"
            lines += ["", f"# {role}{desk}", f"user {user}"]
            lines += [f"topic readwrite {t}" for t in granted.readwrite]
            lines += [f"topic write {t}" for t in granted.write]
            lines += [f"topic read {t}" for t in granted.read]
    return "\n".join(lines) + "\n"


def device_desks(devices: Sequence[Device]) -> tuple[str, ...]:
    """The desks some device may send commands for (a counter, button or rating screen's desk):
    only these can get a command through the broker, so only these get a hub desk connection."""
    return desks_with_devices([{"role": d.role, "desk": d.desk} for d in devices])


def accounts(device: Device, desks: Sequence[str] = ()) -> tuple[str, ...]:
    """The broker users of ``device``: its id, and for a hub also its outlet's (``HUB_OUT_SUFFIX``)
    and one per desk of ``desks`` for its desk connections (``hub_desk_user``), same password and
    grants: the broker makes a user name the client id, so one account cannot hold two of the
    hub's connections."""
    if device.role != "hub":
        return (device.id,)
    return (device.id, device.id + HUB_OUT_SUFFIX, *(hub_desk_user(device.id, desk) for desk in desks))
