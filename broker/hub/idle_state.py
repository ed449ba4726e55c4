"""The idle-desk figure of the live queue states: for each waiting visitor, how long they have
waited in their queue while a desk serving it was open (an officer signed in, or opened by its
open/close history: a button-only desk; not while the history says it is closed: a break) with
nobody at it, and which of those desks are idle now
(``queue/{service}/state``'s ``idle_desk_s`` and ``idle_desks``).

The rules are the reports' (``shared.domain.idle_desks``, ``broker.reports.sla``): the same
desk days from the same rows, read up to now, so the figure a page shows live is the one the
report counts later. On the command path the passes come from the hub's book and the sign-ins are
kept between commands, the desks' openings and closings from the book too (no statement added to
a command); the staff desk's paths, the clocks' tick and the snapshots read the database: the
waiting passes' entry times, the desk sign-ins and open/close history, and today's calls still
going on or ended since the oldest of those entries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from shared.config import Settings
from shared.contract import topics as contract
from shared.domain.idle_desks import AtDesk, IdleTimes, SignedIn, closed_periods, desk_days, open_periods
from shared.domain.timing import OpeningHours
from shared.store import desk_history
from shared.store.book_repository import BookRepository
from shared.store.models import QueuePassRow, StaffSessionRow
from shared.store.queue_book import QueueBook
from shared.store.repository import SqlQueueRepository
from shared.timing_config import opening_hours

# What is still going on (signed in, at the desk) ends here for the arithmetic: past ``now``, so a
# desk idle now is idle *at* now; every wait is cut at now anyway.
_ONGOING = timedelta(days=1)
# How long the command path trusts the sign-ins it read: the staff desk's paths read them afresh
# (and the hub forgets them when its book is forgotten), this is the net under a lookup that ended
# a session quietly.
_SESSIONS_KEPT = timedelta(seconds=60)


@dataclass(frozen=True)
class QueueIdle:
    """One queue's figure at a moment: seconds by waiting code (only those above 0) and the desks
    serving the queue that are open and idle then, in config order."""

    seconds: Mapping[str, float] = field(default_factory=dict)
    desks: tuple[str, ...] = ()


class IdleDeskFigure:
    """Reads the figure for the queue states a command republishes. ``settings`` gives the site's
    settings as they are now (a supervisor may change what each desk serves and the hours)."""

    def __init__(self, settings: Callable[[], Settings]) -> None:
        self._settings = settings
        self._hours: tuple[Settings, OpeningHours] | None = None
        self._signed_in: tuple[datetime, list[_SignedIn]] | None = None

    def desks(self) -> list[tuple[str, tuple[str, ...]]]:
        """Every desk with the services it serves."""
        return [(d.id, tuple(d.services)) for d in self._settings().desks]

    def services_of(self, desks: Iterable[str]) -> set[str]:
        """The services the ``desks`` serve: a change at a desk changes their figure."""
        wanted = set(desks)
        return {s for desk, services in self.desks() if desk in wanted for s in services}

    def hours(self) -> OpeningHours:
        settings = self._settings()
        if self._hours is None or self._hours[0] is not settings:
            self._hours = (settings, opening_hours(settings))
        return self._hours[1]

    def forget(self) -> None:
        """Sign-ins changed outside a state publication (the staff desk): read them again."""
        self._signed_in = None

    def read(
        self, repo: SqlQueueRepository | BookRepository, waiting: Mapping[str, Sequence[str]], day: date,
        now: datetime,
    ) -> dict[str, QueueIdle]:  # fmt: skip
        """The figure of each service of ``waiting`` (service -> the waiting codes it lists) at
        ``now``; a service no desk serves is left out. From the hub's book on the command path
        (no statement: the commands' budget), from the database otherwise."""
        desks = self.desks()
        served = {s for _desk, services in desks for s in services}
        services = [s for s in waiting if s in served]
        if not services:
            return {}
        opened, closed = _history(repo, now)
        signed_in: list[SignedIn] = [*self._sessions(repo, now), *opened]
        if not signed_in:
            return {s: QueueIdle() for s in services}
        if isinstance(repo, BookRepository):
            entered = _book_entered(repo.book, services)
            since = min(entered.values(), default=now)
            at_desks: Sequence[AtDesk] = [
                p for p in repo.book.passes.values()
                if p.desk and p.called_at and (p.left_at is None or p.left_at > since)
            ]  # fmt: skip
        else:
            entered = _sql_entered(repo.session, services, day)
            since = min(entered.values(), default=now)
            at_desks = _sql_at_desks(repo.session, day, since)
        days = desk_days(desks, signed_in, at_desks, now + _ONGOING, closed)
        hours = self.hours()
        out: dict[str, QueueIdle] = {}
        for service in services:
            times = IdleTimes.of(service, days)
            seconds = {}
            for code in waiting[service]:
                start = entered.get((service, code))
                if start is not None and start < now:
                    idle = times.seconds((start, now), hours)
                    if idle > 0:
                        seconds[code] = idle
            idle_now = tuple(d.desk for d in days if service in d.services and d.idle_at(now))
            out[service] = QueueIdle(seconds, idle_now)
        return out

    def _sessions(self, repo: SqlQueueRepository | BookRepository, now: datetime) -> list[_SignedIn]:
        """The desk sign-ins of the last day still open or ended since: read on the staff desk's
        paths (which change them), else kept for up to ``_SESSIONS_KEPT``."""
        kept = self._signed_in
        if isinstance(repo, BookRepository) and kept is not None and now - kept[0] < _SESSIONS_KEPT:
            return kept[1]
        after = now - _ONGOING
        rows = repo.session.execute(
            select(StaffSessionRow.desk, StaffSessionRow.started_at, StaffSessionRow.ended_at).where(
                StaffSessionRow.desk.is_not(None),
                or_(StaffSessionRow.ended_at.is_(None), StaffSessionRow.ended_at > after),
            )
        ).all()
        found = [_SignedIn(r.desk, r.started_at, r.ended_at) for r in rows if r.started_at <= now]
        self._signed_in = (now, found)
        return found


def _history(
    repo: SqlQueueRepository | BookRepository, now: datetime
) -> tuple[list[SignedIn], list[SignedIn]]:
    """The desks' open and closed periods by their open/close history (a closed one takes a break
    off a sign-in): from the book on the command path (it keeps the day's changes), else read (one
    statement)."""
    if isinstance(repo, BookRepository):
        changes = repo.book.desk_changes
    else:
        changes = desk_history.changes(repo.session, now - _ONGOING)
    known = [c for c in changes if c.at <= now]
    opened = [p for p in open_periods(known) if p.started_at <= now]
    return opened, closed_periods(known)


@dataclass(frozen=True)
class _SignedIn:
    desk: str | None
    started_at: datetime
    ended_at: datetime | None


def _book_entered(book: QueueBook, services: list[str]) -> dict[tuple[str, str], datetime]:
    """When each listed waiting visitor of ``services`` entered their queue, from the book."""
    entered = {}
    for service in services:
        for _key, ticket_id in book.waiting_keys(service)[: contract.QUEUE_STATE_HEAD]:
            item = book.open_pass(ticket_id)
            if item is not None and item.service == service and item.called_at is None:
                entered[(service, item.code)] = item.entered_at
    return entered


def _sql_entered(session: Session, services: list[str], day: date) -> dict[tuple[str, str], datetime]:
    """When each waiting visitor of ``services`` entered their queue (their open, uncalled pass:
    a transferred visitor's wait in the new queue starts at the transfer, as in the reports)."""
    rows = session.execute(
        select(QueuePassRow.service, QueuePassRow.code, QueuePassRow.entered_at).where(
            QueuePassRow.business_day == day,
            QueuePassRow.service.in_(services),
            QueuePassRow.left_at.is_(None),
            QueuePassRow.called_at.is_(None),
        )
    ).all()
    return {(r.service, r.code): r.entered_at for r in rows}


def _sql_at_desks(session: Session, day: date, since: datetime) -> Sequence[AtDesk]:
    """Today's calls still at a desk or ended after ``since``."""
    return session.execute(
        select(QueuePassRow.desk, QueuePassRow.called_at, QueuePassRow.left_at).where(
            QueuePassRow.business_day == day,
            QueuePassRow.desk.is_not(None),
            QueuePassRow.called_at.is_not(None),
            or_(QueuePassRow.left_at.is_(None), QueuePassRow.left_at > since),
        )
    ).all()
