"""``site/services`` (retained): the office's services and desks as the hub runs them now, built by
``site_services`` and read back whole by ``parse_site_services``.

The console's setup page changes them live (a service added, renamed, switched off or removed, a
desk added or given other services); the kiosk draws its buttons from it, its TOML standing in
until the first one arrives. Names only: no personal data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from shared.contract import fields
from shared.contract.codec import PayloadError, decode, iso

_PREFIX = re.compile(r"^[A-Z]{1,3}$")  # as shared.domain.queue_model
_DESK = re.compile(r"^[A-Za-z0-9_-]{1,16}$")
NAME_MAX = 60
ITEMS_MAX = 100  # services or desks: a lobby has a handful


@dataclass(frozen=True)
class CatalogueService:
    prefix: str
    name: str
    name_en: str
    active: bool  # False: the kiosks take no tickets for it (its waiting visitors are still called)


@dataclass(frozen=True)
class CatalogueDesk:
    desk: str
    name: str
    services: tuple[str, ...]


@dataclass(frozen=True)
class SiteServices:
    services: tuple[CatalogueService, ...]  # in the office's order
    desks: tuple[CatalogueDesk, ...]
    updated_at: datetime | None = None

    @property
    def offered(self) -> tuple[CatalogueService, ...]:
        """The services a kiosk shows a button for."""
        return tuple(s for s in self.services if s.active)


def site_services(
    services: Iterable[tuple[str, str, str, bool]],
    desks: Iterable[tuple[str, str, Iterable[str]]],
    updated_at: datetime,
) -> dict[str, Any]:
    """``services``: (prefix, name, English name, active); ``desks``: (id, name, prefixes)."""
    return {
        "services": [
            {"prefix": p, "name": name, "name_en": name_en or name, "active": bool(active)}
            for p, name, name_en, active in services
        ],
        "desks": [{"desk": d, "name": name, "services": list(served)} for d, name, served in desks],
        "updated_at": iso(updated_at),
    }


def _name(item: dict[str, Any], key: str) -> str:
    value = fields.text(item, key)
    if len(value) > NAME_MAX or not value.isprintable():
        raise fields.malformed(key, f"{key} must be a printable name of at most {NAME_MAX} characters")
    return value


def _items(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    items = data.get(key)
    if not isinstance(items, list) or len(items) > ITEMS_MAX:
        raise fields.malformed(key, f"{key} must be a list of at most {ITEMS_MAX} objects")
    return [fields.obj(item, key) for item in items]


def parse_site_services(raw: bytes) -> SiteServices:
    """The whole catalogue or ``PayloadError`` (a reader keeps the one it had)."""
    data = decode(raw)
    services = []
    for item in _items(data, "services"):
        prefix = fields.text(item, "prefix")
        if not _PREFIX.match(prefix):
            raise fields.malformed("prefix", "prefix must be 1-3 capital letters")
        name = _name(item, "name")
        name_en = _name(item, "name_en") if item.get("name_en") else name
        active = item.get("active", True)
        if not isinstance(active, bool):
            raise fields.malformed("active", "active must be true or false")
        services.append(CatalogueService(prefix, name, name_en, active))
    prefixes = [s.prefix for s in services]
    if not services or len(set(prefixes)) != len(prefixes):
        raise fields.malformed("services", "services must list each prefix once, at least one")
    desks = []
    for item in _items(data, "desks"):
        desk = fields.text(item, "desk")
        if not _DESK.match(desk):
            raise fields.malformed("desk", "desk must be 1-16 letters, digits, - or _")
        served = item.get("services")
        if not isinstance(served, list) or not all(isinstance(p, str) and p in prefixes for p in served):
            raise fields.malformed("desk_services", "a desk's services must be prefixes of the list")
        desks.append(CatalogueDesk(desk, _name(item, "name"), tuple(served)))
    updated = data.get("updated_at")
    at = fields.time(data, "updated_at") if updated is not None else None
    return SiteServices(tuple(services), tuple(desks), at)


__all__ = ["CatalogueDesk", "CatalogueService", "PayloadError", "SiteServices", "parse_site_services",
           "site_services"]  # fmt: skip
