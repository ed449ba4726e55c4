"""The lobby as a desk sees it beside its own state, kept from the retained messages: each
service's queue state (and the waiting list with its clocks built from them), the kiosks' printers,
the wall displays' voices and the hub's presence.

Plain Python on the app's main thread, a part the counter's view-model holds. A malformed message
is dropped and reported through ``malformed``; each ``on_*`` that may drop one says whether it was
taken, so the view-model knows whether the screen changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

from counter.desk_records import TicketClock, TicketClocks, WaitingSection, WaitingTicket
from counter.options import ServiceInfo
from shared.contract.codec import PayloadError
from shared.contract.records import (
    DisplayStatus,
    KioskStatus,
    QueueState,
    parse_display_status,
    parse_kiosk_status,
    parse_presence,
    parse_queue_state,
)

Record = TypeVar("Record")


class LobbyFeed:
    def __init__(self, malformed: Callable[[str, PayloadError], None]) -> None:
        self._malformed = malformed
        self.queues: dict[str, QueueState] = {}
        self.printers: dict[str, KioskStatus] = {}
        self.displays: dict[str, DisplayStatus] = {}  # the wall displays' voices
        self.hub_online: bool | None = None  # None: unknown (the link is down)

    # --- messages --------------------------------------------------------------------------

    def on_hub_presence(self, raw: bytes) -> None:
        try:
            self.hub_online = parse_presence(raw)
        except PayloadError:
            self.hub_online = False  # anything but "online" (a cleared retained message): not there

    def on_queue_state(self, service: str, raw: bytes) -> bool:
        """Every queue's state is kept (the desk may be given another service on the console); a
        cleared one means the service was removed on the console."""
        return self._keep(self.queues, service, raw, parse_queue_state, "queue state")

    def on_kiosk_status(self, kiosk: str, raw: bytes) -> bool:
        """A cleared retained message: the kiosk is gone."""
        return self._keep(self.printers, kiosk, raw, parse_kiosk_status, "kiosk status")

    def on_display_status(self, display: str, raw: bytes) -> bool:
        """A cleared retained message: the display is gone."""
        return self._keep(self.displays, display, raw, parse_display_status, "display status")

    def _keep(
        self, kept: dict[str, Record], key: str, raw: bytes, parse: Callable[[bytes], Record], what: str
    ) -> bool:
        if not raw:
            kept.pop(key, None)
            return True
        try:
            kept[key] = parse(raw)
        except PayloadError as exc:
            self._malformed(what, exc)
            return False
        return True

    # --- the waiting list ------------------------------------------------------------------

    def published_clock(self, code: str, now: datetime) -> TicketClock | None:
        """The clock the hub published for ``code`` in its queue state, running from its start
        (``clock_started_at``) on this machine's wall clock (``now``), as the contract asks of a
        counter."""
        for snapshot in self.queues.values():
            published = snapshot.clocks.get(code)
            if published is not None:
                started = published.clock_started_at
                seconds = max(0.0, (now - started).total_seconds()) if started else None
                return TicketClock(seconds, published.level)
        return None

    def waiting(
        self, services: Sequence[ServiceInfo], ticket_clocks: TicketClocks, now: datetime
    ) -> list[WaitingSection]:
        """The waiting list of ``services``, in their order: each queue's head as the hub sent it,
        with each ticket's clock from ``ticket_clocks``."""
        sections = []
        for service in services:
            snapshot = self.queues.get(service.prefix)
            if snapshot is None:
                sections.append(WaitingSection(service.prefix, service.name, 0, ()))
                continue
            tickets = tuple(
                WaitingTicket(
                    code,
                    service.prefix,
                    ticket_clocks(code),
                    code in snapshot.priority,
                    snapshot.idle_desk_seconds(code, now),
                )
                for code in snapshot.waiting
            )
            sections.append(
                WaitingSection(service.prefix, service.name, snapshot.count, tickets, snapshot.idle_desks)
            )
        return sections
