"""The site setup, live: loaded (or seeded from the TOML) at start, changed from the console.

The TOML's values for these groups are only the first-boot seed: once stored, the database wins.
At start the hub says once in its log which stored groups differ from the TOML, so a technician
who edits the TOML knows the edit does not apply (change it on the console's setup page).

A change (``change``, ``change_many``) runs on the hub's worker, the one writer: it checks the
whole setup it makes (``shared.site_setup.effective``), stores the groups and their log lines in
one transaction, then hands the hub the new settings and republishes every retained state
(``site/services`` first: the kiosks' buttons; desk and service names on the counters and the
display, the running text). A service added or a desk added on the console exists at once; a
service removed is refused while visitors of it are still in the building. No restart.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from broker.hub.commands import Hub
from broker.hub.publications import Publication
from broker.hub.staff import StaffResult
from shared import site_setup
from shared.config import ConfigError, Settings
from shared.contract import catalogue
from shared.contract import staff_bodies as bodies
from shared.domain.queue_model import ACTIVE_STATUSES
from shared.store import online
from shared.store import site_setup as store
from shared.store.db import write_transaction
from shared.store.models import TicketRow

log = logging.getLogger(__name__)


class SiteSetup:
    """Holds the TOML's settings (the seed) and the stored groups; applies them to the hub."""

    def __init__(self, hub: Hub, base: Settings, on_policy: Callable[[Settings], None] | None = None) -> None:
        self.hub = hub
        self.base = base  # as the TOML gives it: the seed, and the services and desks that exist
        self.groups: dict[str, Any] = {}
        self._on_policy = on_policy  # e.g. the staff desk's online due dates (working calendar)

    def start(self) -> None:
        """Seed the missing groups, load them all, say which differ from the TOML, apply them.
        Stored groups that no longer fit the TOML (a service or desk removed there) are ignored
        with a warning: the TOML's seed stands in for them until someone saves the group again."""
        seed = site_setup.seed(self.base)
        with write_transaction(self.hub.engine) as session:
            added = store.seed(session, seed, self.hub.clock())
            stored = store.load(session)
        if added:
            log.info("site setup: stored from the config file (first boot): %s", ", ".join(added))
        usable: dict[str, Any] = {}
        for key in site_setup.GROUPS:
            value = stored.get(key, seed[key])
            try:
                site_setup.effective(self.base, {**usable, key: value})
            except (ConfigError, KeyError, TypeError, ValueError) as exc:
                log.warning("site setup: the stored %s does not fit the config file (%s); using the file's",
                            key, exc)  # fmt: skip
                value = seed[key]
            usable[key] = value
        differ = [key for key in site_setup.GROUPS if usable[key] != seed[key]]
        if differ:
            log.info(
                "site setup: the stored %s differ from the config file; the stored values are used "
                "(the file is only the first-boot seed: change them on the console's /setup page)",
                ", ".join(differ),
            )
        self._apply(usable)

    def _apply(self, groups: dict[str, Any]) -> Settings:
        settings = site_setup.effective(self.base, groups)
        self.groups = dict(groups)
        self.hub.apply_setup(
            settings, site_setup.inactive_services(groups), groups["running_text"], self._catalogue(settings)
        )
        if self._on_policy is not None:
            self._on_policy(settings)
        return settings

    def _catalogue(self, settings: Settings) -> dict[str, Any]:
        """``site/services``' payload (without its time) for the setup ``settings`` was made of."""
        entries = site_setup.service_entries(self.base, self.groups["services"])
        payload = catalogue.site_services(
            ((s.prefix, s.name, str(entries[s.prefix].get("name_en", s.name)),
              bool(entries[s.prefix].get("active", True))) for s in settings.services),
            ((d.id, d.name, d.services) for d in settings.desks),
            self.hub.clock(),
        )  # fmt: skip
        del payload["updated_at"]
        return payload

    def change(self, key: str, value: Any, actor: str) -> StaffResult:
        """Store and apply one group (on the worker). 400 with ``invalid`` when the setup it makes
        cannot be used; 200 with ``changed`` false when it is what is stored already."""
        return self.change_many({key: value}, actor)

    def change_many(self, values: dict[str, Any], actor: str) -> StaffResult:
        """Store and apply several groups in one transaction (a service added changes the services
        and the desks that serve it), one log line each. 409 with ``service_busy`` when a service
        removed still has visitors waiting, called or served (it must not vanish under them)."""
        unknown = [key for key in values if key not in site_setup.GROUPS]
        if unknown:
            return StaffResult(404, bodies.error_body("unknown_group", f"no setup group {unknown[0]!r}"))
        groups = {**self.groups, **values}
        try:
            settings = site_setup.effective(self.base, groups)
        except (ConfigError, KeyError, TypeError, ValueError) as exc:
            return StaffResult(400, bodies.error_body("invalid", str(exc)[:300]))
        before = {s.prefix for s in self.hub.settings.services}
        gone = sorted(before - {s.prefix for s in settings.services})
        with write_transaction(self.hub.engine) as session:
            busy = {p: n for p in gone if (n := _active_tickets(session, p))}
            if busy:
                prefix, count = next(iter(busy.items()))
                message = f"{count} visitor(s) of service {prefix} are still in its queue or at a desk"
                body = {**bodies.error_body("service_busy", message), "service": prefix, "count": count}
                return StaffResult(409, body)
            changed = [key for key, value in values.items()
                       if store.save(session, key, value, actor, self.hub.clock())]  # fmt: skip
        if not changed:
            return StaffResult(200, {"changed": False})
        self._apply(groups)
        log.info("site setup: %s changed by %s", ", ".join(changed), actor)
        cleared = [Publication(self.hub.names.topic("queue_state", service=p), b"", True) for p in gone]
        return StaffResult(200, {"changed": True}, cleared + self.publications())

    def publications(self) -> list[Publication]:
        """Every retained state again: names on the desks' and queues' states, the running text."""
        return self.hub.snapshot()


def _active_tickets(session: Session, service: str) -> int:
    """Tickets of ``service`` still waiting, called, served or parked (any day not yet rolled)."""
    query = (
        select(func.count())
        .select_from(TicketRow)
        .where(TicketRow.service == service, TicketRow.status.in_([str(s) for s in ACTIVE_STATUSES]))
    )
    return int(session.scalar(query) or 0)


def policy_updater(holders: Callable[[], list[Any]]) -> Callable[[Settings], None]:
    """Keeps the online due dates of the staff desk and the console's case desk (each holds an
    ``OnlinePolicy``: ``holders()`` lists those that exist now) on the current working calendar."""

    def update(settings: Settings) -> None:
        policy = online.OnlinePolicy.from_settings(settings)
        for holder in holders():
            holder.policy = policy

    return update
