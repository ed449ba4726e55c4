"""The hub's transaction runner: every command runs through ``TransactionRunner.run`` (one) or
``apply_batch`` (several that arrived together: one transaction, one disk flush).

First the business day rolls over if it changed (what earlier days left open expires). Then the
command runs in one write transaction; its answer is stored under its ``request_id`` in that same
transaction, so a repeat gets the stored answer and changes nothing. The state publications the
outcome calls for follow the answer (the call first: it is what the lobby waits for). A database
failure is answered ``storage_error`` and not stored, so the sender's retry runs the command.

The command reads nothing from the database: the queue book (``shared.store.queue_book``) holds
today's queues, the pure domain computes on it, and what changed is written in a few statements.
The answer is stored first with "insert unless there": when a row is there already, the request
is a repeat, its effect is dropped and the stored answer is sent. Whenever a command fails after
it changed the book (or the transaction fails), the book is loaded again from the database, so it
never holds what the database does not. In a batch each command runs in its own SAVEPOINT: one
that fails is rolled back alone.

The command handlers receive ``run`` as a ``Runner``; they never reach into the hub.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from broker.hub.publications import Publication, SiteNames, answer
from broker.hub.queue_policy import policy_of
from broker.hub.state import StatePublisher
from broker.hub.timing import TimingService
from shared.config import Settings
from shared.contract import topics as contract
from shared.domain.priority import PriorityPolicy
from shared.domain.queue import Clock, Outcome, QueueError, QueueRules
from shared.store import erasure
from shared.store.book_repository import BookRepository
from shared.store.book_sql import claim_answer, load_book, stored_answer
from shared.store.db import write_transaction
from shared.store.queue_book import QueueBook
from shared.store.repository import SqlQueueRepository

# The hub's command log keeps the name it has always had: journal filters and log searches use it.
log = logging.getLogger("broker.hub.commands")


INTERNAL_ERROR_MESSAGE = "the hub could not apply this request; it was not applied"

Command = Callable[[Session, QueueRules], Outcome]
"""One command's effect, applied inside the hub's write transaction (``rules.repo`` is the
command's ``BookRepository``)."""


@dataclass(frozen=True)
class Request:
    """One command as the runner takes it."""

    source: str
    request_id: str
    reply_to: str
    apply: Command
    store_errors: bool


class _Repeat(Exception):
    """The answer is stored already: the request is a repeat."""


class Runner(Protocol):
    """``TransactionRunner.run``, as the command handlers receive it."""

    def __call__(
        self, source: str, request_id: str, reply_to: str, apply: Command, *, store_errors: bool
    ) -> list[Publication]: ...


class TransactionRunner:
    """Runs commands one transaction at a time (the hub's one writer) and keeps the business day
    and the queue book."""

    def __init__(
        self,
        settings: Settings,
        names: SiteNames,
        engine: Engine,
        clock: Clock,
        timing: TimingService,
        state: StatePublisher,
    ) -> None:
        self.settings = settings
        self.names = names
        self.engine = engine
        self.clock = clock
        self.timing = timing
        self.state = state
        self._day: date | None = None
        self.book: QueueBook | None = None  # None: load it from the database before the next command
        self._repo: BookRepository | None = None  # the last command's, to see if it changed the book

    @property
    def policy(self) -> PriorityPolicy:
        """The priority lane's ordering (``[queue]``), read again when the settings are replaced."""
        return policy_of(self.settings)

    def rules(self, repo: Any) -> QueueRules:
        return QueueRules(
            repo, self.settings.services, self.settings.desks, self.settings.tz, self.clock, self.policy
        )

    def forget_book(self) -> None:
        """Queue rows were written elsewhere (the staff desk, a day roll): load the book again."""
        self.book = None

    def book_in(self, session: Session) -> QueueBook:
        """The book, loaded in ``session``'s transaction if it is not held (or holds another day)."""
        today = self.clock().astimezone(self.settings.tz).date()
        if self.book is None or self.book.day != today:
            self.book = load_book(session, today)
        return self.book

    def run(
        self, source: str, request_id: str, reply_to: str, apply: Command, *, store_errors: bool
    ) -> list[Publication]:
        """Run ``apply`` for ``source``'s request: the calls, the answer on ``reply_to``, the states.

        ``store_errors``: a refusal is stored too (a repeat gets it again); off for requests
        without a sender's id, which are never repeated."""
        return self.apply_batch([Request(source, request_id, reply_to, apply, store_errors)])[0]

    def apply_batch(self, requests: list[Request]) -> list[list[Publication]]:
        """Apply ``requests`` in order in one transaction (one disk flush); each one's publications.

        Each runs in its own SAVEPOINT when there are several: one that fails is rolled back and
        answered alone. When the transaction itself fails, every request is answered
        ``storage_error`` and nothing of the batch is stored."""
        try:
            before = self.roll_day_if_needed()
        except SQLAlchemyError:
            log.exception("the business day could not roll over")
            return [[answer(r.reply_to, _storage_error(r.request_id))] for r in requests]
        nested = len(requests) > 1
        results: list[list[Publication]] = []
        failed: BaseException | None = None
        changed = Outcome(answer={})  # a batch's retained states: built once, at its end
        try:
            with write_transaction(self.engine) as session:
                for request in requests:
                    results.append(self._one(session, request, changed if nested else None))
                if nested:
                    repo = BookRepository(self.book_in(session), session)
                    results[-1] += self.state.publications(repo, changed)
        except Exception as exc:  # a lone command's failure (rolled back), or the batch's commit
            failed = exc
        if failed is not None:
            untouched = self._repo is not None and not self._repo.changed
            if nested or isinstance(failed, SQLAlchemyError) or not untouched:
                self.book = None
            if nested or isinstance(failed, SQLAlchemyError):
                if isinstance(failed, SQLAlchemyError):
                    log.error("a batch of %d commands failed in the database", len(requests))
                results = [self._failed(None, r, failed) for r in requests]
            else:
                results = [self._failed_alone(requests[0], failed)]
        if before:
            results[0] = [*before, *results[0]]
        return results

    def _one(self, session: Session, request: Request, batch: Outcome | None) -> list[Publication]:
        """One command in the open transaction; raises when it failed and is not in a ``batch``
        (which collects the desks and queues whose retained states the batch ends with)."""
        book = self.book_in(session)
        repo = self._repo = BookRepository(book, session)
        savepoint = session.begin_nested() if batch is not None else None
        try:
            outcome: Outcome = request.apply(session, self.rules(repo))
            for item in self.timing.resync_book(book, repo.touched):
                repo.writes.save_pass(item)
            body = {"request_id": request.request_id, "ok": True, **outcome.answer}
            if not claim_answer(session, request.source, request.request_id, body, self.clock()):
                raise _Repeat
            repo.flush()
            if savepoint is not None:
                savepoint.commit()
            if batch is not None:
                batch.desks |= outcome.desks
                batch.services |= outcome.services
                outcome = Outcome(outcome.answer, calls=outcome.calls, served=outcome.served)
            out = self.state.publications(repo, outcome)
        except Exception as exc:
            if savepoint is None:
                raise
            savepoint.rollback()
            if repo.changed:
                self.book = load_book(session, book.day)  # with the batch's earlier commands
            return self._failed(session, request, exc)
        # The call goes first: it is what the lobby is waiting for.
        calls = [p for p in out if p.topic.endswith("/event/call")]
        rest = [p for p in out if not p.topic.endswith("/event/call")]
        return [*calls, answer(request.reply_to, body), *rest]

    def _failed_alone(self, request: Request, exc: BaseException) -> list[Publication]:
        """A lone command that failed (its transaction rolled back): answered in a new one."""
        if isinstance(exc, SQLAlchemyError):
            return self._failed(None, request, exc)
        try:
            with write_transaction(self.engine) as session:
                return self._failed(session, request, exc)
        except SQLAlchemyError:
            log.exception("%s: request %s failed in the database", request.source, request.request_id)
            return [answer(request.reply_to, _storage_error(request.request_id))]

    def _failed(self, session: Session | None, request: Request, exc: BaseException) -> list[Publication]:
        """The answer to a command that did not take effect (``session``: where to store or read
        its answer; None when the database failed)."""
        source, request_id, reply_to = request.source, request.request_id, request.reply_to
        if session is None or isinstance(exc, SQLAlchemyError):
            # Not stored: the sender retries with the same request_id once the database is back.
            log.error("%s: request %s failed in the database: %s", source, request_id, type(exc).__name__)
            return [answer(reply_to, _storage_error(request_id))]
        stored = stored_answer(session, source, request_id) if request.store_errors else None
        if isinstance(exc, _Repeat) or stored is not None:
            log.info("%s: repeated request %s answered from the record", source, request_id)
            return [answer(reply_to, stored if stored is not None else _lost(request_id))]
        if isinstance(exc, QueueError):
            log.info("%s: request %s refused: %s", source, request_id, exc.code)
            body = contract.error_answer(request_id, exc.code, exc.message)
            if request.store_errors:
                claim_answer(session, source, request_id, body, self.clock())
            return [answer(reply_to, body)]
        # Rolled back and not stored: a retry runs the command again (and may well succeed).
        log.error("%s: request %s failed inside the hub", source, request_id, exc_info=exc)
        return [answer(reply_to, contract.error_answer(request_id, "internal_error", INTERNAL_ERROR_MESSAGE))]

    def roll_day_if_needed(self) -> list[Publication]:
        """On the first command of a business day, expire what earlier days left open."""
        today = self.clock().astimezone(self.settings.tz).date()
        if today == self._day:
            return []
        self.book = None
        with write_transaction(self.engine) as session:
            repo = SqlQueueRepository(session)
            desks, services = self.rules(repo).expire_stale()
            outcome = Outcome(
                answer={},
                desks=desks & set(self.names.desks),
                services=services & set(self.names.services),
            )
            out = self.state.publications(repo, outcome)
            self.timing.load_day(session, today)
            # Stored answers past their retry window go (lookup answers sooner): the table stays small.
            pruned = erasure.prune_answers(session, self.clock())
        self._day = today
        if desks or services:
            log.info("new business day %s: expired tickets of earlier days", today)
        if pruned:
            log.info("new business day %s: %d stored answers past their retry window deleted", today, pruned)
        return out


def _storage_error(request_id: str) -> dict[str, Any]:
    return contract.error_answer(request_id, "storage_error", "the database is unavailable; try again")


def _lost(request_id: str) -> dict[str, Any]:
    # A repeat without a store to read (a request without the sender's id cannot repeat).
    return contract.error_answer(request_id, "internal_error", INTERNAL_ERROR_MESSAGE)
