"""The hub's timing service: keeps the 10-minute clocks of waiting visitors and raises the alerts.

After every command the hub hands over the queue passes that command touched; only the clocks
around them can change (the pass itself and the one after it in its queue), so a command costs two
small indexed queries however long the queue. ``tick()`` runs a few times a second on the hub's
worker: it advances the running clocks on the monotonic clock and publishes ``alert/sla`` once
per level per visitor, storing when each level was reached.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from shared.config import Settings
from shared.domain.timing import PassView, SlaAlert, SlaTracker, clock_starts
from shared.store.models import QueuePassRow
from shared.store.pass_log import TOUCHED
from shared.store.queue_book import BookPass, QueueBook
from shared.timing_config import opening_hours, sla_limits

log = logging.getLogger(__name__)


AnyPass = QueuePassRow | BookPass
"""A stored pass or the book's copy of it: the same attributes."""


def _view(row: AnyPass) -> PassView:
    return PassView(
        row.id,
        row.code,
        row.service,
        row.issued_at,
        row.ticket_id,
        row.entered_at,
        row.called_at,
        row.left_at,
    )


class TimingService:
    def __init__(
        self, settings: Settings, clock: Callable[[], datetime], mono: Callable[[], float] = time.monotonic
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.mono = mono
        self.tracker = SlaTracker(sla_limits(settings), opening_hours(settings))

    # --- after each command (inside its transaction) -------------------------------------------

    def resync(self, session: Session) -> None:
        touched: list[QueuePassRow] = session.info.pop(TOUCHED, [])
        if not touched:
            return
        session.flush()
        wall, mono = self.clock(), self.mono()
        seen: set[int] = set()
        for row in touched:
            for candidate in (row, self._neighbour(session, row, after=True)):
                if candidate is not None and candidate.id not in seen:
                    seen.add(candidate.id)
                    self._settle(candidate, lambda r: self._neighbour(session, r, after=False), wall, mono)

    def resync_book(self, book: QueueBook, touched: list[BookPass]) -> list[BookPass]:
        """``resync`` over the hub's queue book: no query. The passes whose stored clock fields
        changed (to be written with the command)."""
        wall, mono = self.clock(), self.mono()
        seen: set[int] = set()
        changed: list[BookPass] = []
        for item in touched:
            for candidate in (item, book.neighbour(item, after=True)):
                if candidate is not None and candidate.id not in seen:
                    seen.add(candidate.id)
                    before = (candidate.clock_started_at, candidate.clock_s)
                    self._settle(candidate, lambda r: book.neighbour(r, after=False), wall, mono)
                    if (candidate.clock_started_at, candidate.clock_s) != before:
                        changed.append(candidate)
        return changed

    def load_day(self, session: Session, day: date) -> None:
        """At start (or a new day): every clock of the day, from what the database holds. One
        query for the whole day, then the pure rule per queue: a long queue costs no more than
        reading it."""
        self.tracker.running.clear()
        rows = session.scalars(select(QueuePassRow).where(QueuePassRow.business_day == day)).all()
        by_service: dict[str, list[QueuePassRow]] = {}
        for row in rows:
            by_service.setdefault(row.service, []).append(row)
        wall, mono = self.clock(), self.mono()
        for queue in by_service.values():
            starts = clock_starts(_view(row) for row in queue)
            for row in queue:
                started = starts.get(row.id)
                if started is None:
                    continue
                if row.clock_started_at is None:
                    row.clock_started_at = started
                sent = [name for name, at in (("warning", row.warned_at), ("breach", row.breached_at)) if at]
                self.tracker.start(_view(row), started, wall, mono, sent)

    def _neighbour(self, session: Session, row: QueuePassRow, *, after: bool) -> QueuePassRow | None:
        same_queue = and_(QueuePassRow.business_day == row.business_day, QueuePassRow.service == row.service)
        # The queue's own order: issue time, then ticket id (as shared.domain.queue calls them).
        issued, ticket = QueuePassRow.issued_at, QueuePassRow.ticket_id
        # The plain bound (>= / <=) lets the index narrow the scan before the tie-break.
        if after:
            order = and_(issued >= row.issued_at,
                         or_(issued > row.issued_at, ticket > row.ticket_id))  # fmt: skip
            sort = (issued, ticket)
        else:
            order = and_(issued <= row.issued_at,
                         or_(issued < row.issued_at, ticket < row.ticket_id))  # fmt: skip
            sort = (issued.desc(), ticket.desc())
        return session.scalars(select(QueuePassRow).where(same_queue, order).order_by(*sort).limit(1)).first()

    def _settle(self, row: AnyPass, before_of: Callable[[Any], AnyPass | None], wall: datetime,
                mono: float) -> None:  # fmt: skip
        """Start, keep or stop ``row``'s clock according to where it stands now (``before_of``:
        the pass before it in its queue)."""
        if row.called_at is not None or row.left_at is not None:
            reading = self.tracker.stop(row.id)
            if row.called_at is not None and row.clock_s is None:
                row.clock_s = reading if reading is not None else 0.0
            return
        before = before_of(row)
        if before is None:
            started = row.entered_at
        elif before.left_at is not None:
            started = max(row.entered_at, before.left_at)
        else:
            self.tracker.stop(row.id)  # the visitor before them is not finished: no clock yet
            return
        if row.clock_started_at is None:
            row.clock_started_at = started
        sent = [name for name, at in (("warning", row.warned_at), ("breach", row.breached_at)) if at]
        self.tracker.start(_view(row), started, wall, mono, sent)

    # --- the periodic pass ---------------------------------------------------------------------

    def advance(self) -> tuple[list[SlaAlert], datetime]:
        """Advance the clocks (no I/O); the levels newly reached, and the wall time they were."""
        wall = self.clock()
        return self.tracker.tick(wall, self.mono()), wall

    def record(
        self, session: Session, alerts: list[SlaAlert], wall: datetime, book: QueueBook | None = None
    ) -> None:
        """Store when each level was reached (once: a restarted hub does not alert again), in the
        database and in the hub's queue book (``book``) when it holds the pass."""
        for alert in alerts:
            rows: list[AnyPass | None] = [session.get(QueuePassRow, alert.pass_id)]
            rows.append(book.passes.get(alert.pass_id) if book is not None else None)
            for row in rows:
                if row is None:
                    continue
                if alert.level == "warning" and row.warned_at is None:
                    row.warned_at = wall
                if alert.level == "breach" and row.breached_at is None:
                    row.breached_at = wall
            log.info("SLA %s for %s (%s): %.0f s", alert.level, alert.code, alert.service, alert.clock_s)
