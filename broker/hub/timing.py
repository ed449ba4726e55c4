"""The hub's timing service: keeps the 10-minute clocks of waiting visitors and raises the alerts.

After every command the hub hands over the queue passes that command touched. In each queue only
the visitor its next call would pick can have a running clock (the priority policy's pick with the
service's run of priority calls, ``shared.domain.timing.clock_pick``; everyone else waits on a
visitor not yet served), timed from the finish of the visitor called last in that queue (the rule
of ``shared.domain.timing.head_clock_start``); so a command costs a look at the two heads (the
first waiting priority and ordinary passes) and the pass called last, per queue it touched.
``tick()`` runs a few times a second on the hub's worker: it advances the running clocks on the
monotonic clock and publishes ``alert/sla`` once per level per visitor, storing when each level
was reached.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from broker.hub.queue_policy import policy_of
from shared.config import Settings
from shared.domain.priority import PriorityPolicy
from shared.domain.timing import (
    PassView,
    SlaAlert,
    SlaTracker,
    call_key,
    clock_pick,
    clock_starts,
    head_clock_start,
    service_run,
)
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
        bool(row.priority),
        row.call_seq,
    )


def _levels(row: AnyPass) -> list[str]:
    """The levels already reached (and alerted) for ``row``."""
    return [name for name, at in (("warning", row.warned_at), ("breach", row.breached_at)) if at]


def _unstart(row: AnyPass) -> None:
    """A waiting pass whose clock must not run (now or any more): someone is to be served before
    them. A breach already reached stays on record; a warning goes with the clock it came from."""
    row.clock_started_at = None
    if row.breached_at is None:
        row.warned_at = None


class TimingService:
    def __init__(
        self, settings: Settings, clock: Callable[[], datetime], mono: Callable[[], float] = time.monotonic
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.mono = mono
        self.tracker = SlaTracker(sla_limits(settings), opening_hours(settings))
        # (day, service) -> (pass id, call_key) of the pass called last: read once by load_day and
        # kept by resync, so a command need not sort the day's passes. Checked against the row on
        # use (a command rolled back after its resync leaves it ahead of the database).
        self._last_called: dict[tuple[date, str], tuple[int, tuple[datetime, int, int]]] = {}
        self._loaded_day: date | None = None

    @property
    def policy(self) -> PriorityPolicy:
        """The priority lane's ordering (``[queue]``): whom each queue's next call picks."""
        return policy_of(self.settings)

    def use_settings(self, settings: Settings) -> None:
        """Opening hours, collective leave and special days changed (the console's setup): the
        running clocks count on with the new hours from their next tick."""
        self.settings = settings
        self.tracker.hours = opening_hours(settings)

    # --- after each command (inside its transaction) -------------------------------------------

    def resync(self, session: Session) -> None:
        """Settle the clocks of every queue the command touched: the passes it called or ended
        keep their reading, and each touched queue's head gets the clock the rule gives it."""
        touched: list[QueuePassRow] = session.info.pop(TOUCHED, [])
        if not touched:
            return
        session.flush()
        wall, mono = self.clock(), self.mono()
        queues: set[tuple[date, str]] = set()
        for row in touched:
            queues.add((row.business_day, row.service))
            if row.called_at is not None:
                self._note_call(row)
            if row.called_at is not None or row.left_at is not None:
                reading = self.tracker.stop(row.id)
                if row.called_at is not None and row.clock_s is None:
                    row.clock_s = reading if reading is not None else 0.0
        for day, service in sorted(queues):
            head, last_called = self._queue_ends(session, day, service)
            self._settle_queue(
                lambda pid: session.get(QueuePassRow, pid), service, head, last_called, wall, mono
            )

    def resync_book(self, book: QueueBook, touched: list[BookPass]) -> list[BookPass]:
        """``resync`` over the hub's queue book (the command path's): the same rule, no query.
        Returns the passes whose stored clock fields changed, to be written with the command."""
        if not touched:
            return []
        wall, mono = self.clock(), self.mono()
        before: dict[int, tuple[Any, ...]] = {}
        candidates: dict[int, BookPass] = {}

        def remember(item: BookPass) -> None:
            if item.id not in before:
                before[item.id] = (item.clock_started_at, item.clock_s, item.warned_at)
                candidates[item.id] = item

        services: set[str] = set()
        for item in touched:
            remember(item)
            services.add(item.service)
            if item.called_at is not None:
                self._note_call(item)
            if item.called_at is not None or item.left_at is not None:
                reading = self.tracker.stop(item.id)
                if item.called_at is not None and item.clock_s is None:
                    item.clock_s = reading if reading is not None else 0.0
        for service in sorted(services):
            head, last_called = self._book_queue_ends(book, service)
            for pass_id in [k for k, c in self.tracker.running.items() if c.service == service]:
                running = book.passes.get(pass_id)
                if running is not None:
                    remember(running)
            if head is not None:
                remember(head)
            self._settle_queue(book.passes.get, service, head, last_called, wall, mono)
        return [
            item
            for pass_id, item in candidates.items()
            if (item.clock_started_at, item.clock_s, item.warned_at) != before[pass_id]
        ]

    def _book_queue_ends(self, book: QueueBook, service: str) -> tuple[BookPass | None, BookPass | None]:
        """``_queue_ends`` from the book: the pass the next call would pick, the pass called last."""
        # The waiting tickets' heads (the book keeps them sorted), each with its open pass.
        prio, plain = (book.open_pass(t.id or 0) if t else None for t in book.waiting_heads(service))
        head = clock_pick(prio, plain, book.runs.get(service, 0), self.policy)
        if head is None:
            return None, None
        key = (book.day, service)
        known = self._last_called.get(key)
        if known is not None:
            found = book.passes.get(known[0])
            if found is not None and found.called_at is not None and call_key(found) == known[1]:
                return head, found
        elif book.day == self._loaded_day:
            return head, None  # nobody called in this queue today (load_day saw every pass)
        called = [p for p in book.queue_passes(service) if p.called_at is not None]
        last = max(called, key=call_key, default=None)
        if last is not None:
            self._last_called[key] = (last.id, call_key(last))
        return head, last

    def load_day(self, session: Session, day: date) -> None:
        """At start (or a new day): every clock of the day, from what the database holds. One
        query for the whole day, then the pure rule per queue: a long queue costs no more than
        reading it."""
        self.tracker.running.clear()
        self._last_called.clear()
        self._loaded_day = day
        rows = session.scalars(select(QueuePassRow).where(QueuePassRow.business_day == day)).all()
        by_service: dict[str, list[QueuePassRow]] = {}
        for row in rows:
            by_service.setdefault(row.service, []).append(row)
            if row.called_at is not None:
                self._note_call(row)
        wall, mono = self.clock(), self.mono()
        for queue in by_service.values():
            starts = clock_starts((_view(row) for row in queue), self.policy)
            for row in queue:
                if row.id not in starts:
                    continue
                started = starts[row.id]
                if started is None:
                    _unstart(row)  # e.g. a clock an earlier rule started behind a transferred visitor
                    continue
                if row.clock_started_at != started:
                    row.clock_started_at = started
                self.tracker.start(_view(row), started, wall, mono, _levels(row))

    def _queue_ends(
        self, session: Session, day: date, service: str
    ) -> tuple[QueuePassRow | None, QueuePassRow | None]:
        """The pass the queue's next call would pick (``clock_pick`` over its first waiting
        priority and ordinary passes, in queue order, with the service's run of priority calls)
        and the pass called last (the visitor served just before that pick): indexed queries,
        bounded by that queue's passes of the day."""
        same_queue = (QueuePassRow.business_day == day, QueuePassRow.service == service)
        waiting = (QueuePassRow.called_at.is_(None), QueuePassRow.left_at.is_(None))
        heads = [
            session.scalars(
                select(QueuePassRow)
                .where(*same_queue, *waiting, QueuePassRow.priority.is_(kind))
                .order_by(QueuePassRow.issued_at, QueuePassRow.ticket_id)
                .limit(1)
            ).first()
            for kind in (True, False)
        ]
        run = 0
        if heads[0] is not None and heads[1] is not None and self.policy.enabled:
            called = select(QueuePassRow).where(*same_queue, QueuePassRow.called_at.is_not(None))
            run = service_run(session.scalars(called).all())
        head = clock_pick(heads[0], heads[1], run, self.policy)
        if head is None:
            return None, None
        known = self._last_called.get((day, service))
        if known is not None:
            row = session.get(QueuePassRow, known[0])
            if row is not None and row.called_at is not None and call_key(row) == known[1]:
                return head, row
        elif day == self._loaded_day:
            return head, None  # nobody called in this queue today (load_day saw every pass)
        last_called = session.scalars(
            select(QueuePassRow)
            .where(*same_queue, QueuePassRow.called_at.is_not(None))
            .order_by(
                QueuePassRow.called_at.desc(),
                func.coalesce(QueuePassRow.call_seq, -1).desc(),
                QueuePassRow.id.desc(),
            )
            .limit(1)
        ).first()
        if last_called is not None:
            self._last_called[(day, service)] = (last_called.id, call_key(last_called))
        return head, last_called

    def _note_call(self, row: AnyPass) -> None:
        assert row.called_at is not None
        key = (row.business_day, row.service)
        known = self._last_called.get(key)
        if known is None or call_key(row) >= known[1]:
            self._last_called[key] = (row.id, call_key(row))

    def _settle_queue(
        self,
        lookup: Callable[[int], AnyPass | None],
        service: str,
        head: AnyPass | None,
        last_called: AnyPass | None,
        wall: datetime,
        mono: float,
    ) -> None:
        """Only ``head`` (the pass the queue's next call would pick) may have a running clock in
        ``service``'s queue: any other running clock there belongs to a visitor who is no longer
        that pick (someone was put ahead: a transfer in, a new priority ticket), and stops.
        ``lookup``: a pass by id (the database here; any store holding the same attributes)."""
        started = head_clock_start(_view(head), last_called and _view(last_called)) if head else None
        keep = head.id if head is not None and started is not None else None
        for pass_id in [k for k, c in self.tracker.running.items() if c.service == service and k != keep]:
            self.tracker.stop(pass_id)
            displaced = lookup(pass_id)
            if displaced is not None and displaced.called_at is None and displaced.left_at is None:
                _unstart(displaced)
        if head is None:
            return
        if started is None:
            _unstart(head)
            return
        if head.clock_started_at != started:
            self.tracker.stop(head.id)  # a different start: the reading restarts from it
            head.clock_started_at = started
        self.tracker.start(_view(head), started, wall, mono, _levels(head))

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
