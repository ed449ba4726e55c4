"""The hub's transaction runner: every command runs through ``TransactionRunner.run``.

First the business day rolls over if it changed (what earlier days left open expires). Then the
command runs in one write transaction; its answer is stored under its ``request_id`` in that same
transaction, so a repeat gets the stored answer and changes nothing. The state publications the
outcome calls for follow the answer (the call first: it is what the lobby waits for). A database
failure is answered ``storage_error`` and not stored, so the sender's retry runs the command.

The command handlers receive ``run`` as a ``Runner``; they never reach into the hub.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Protocol

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from broker.hub.publications import Publication, SiteNames, answer
from broker.hub.state import StatePublisher
from broker.hub.timing import TimingService
from shared.config import Settings
from shared.contract import topics as contract
from shared.domain.queue import Clock, Outcome, QueueError, QueueRules
from shared.store.db import write_transaction
from shared.store.repository import SqlQueueRepository

# The hub's command log keeps the name it has always had: journal filters and log searches use it.
log = logging.getLogger("broker.hub.commands")


INTERNAL_ERROR_MESSAGE = "the hub could not apply this request; it was not applied"

Command = Callable[[Session, QueueRules], Outcome]
"""One command's effect, applied inside the hub's write transaction."""


class Runner(Protocol):
    """``TransactionRunner.run``, as the command handlers receive it."""

    def __call__(
        self, source: str, request_id: str, reply_to: str, apply: Command, *, store_errors: bool
    ) -> list[Publication]: ...


class TransactionRunner:
    """Runs commands one at a time (the hub's one writer) and keeps the business day."""

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

    def rules(self, repo: SqlQueueRepository) -> QueueRules:
        return QueueRules(repo, self.settings.services, self.settings.desks, self.settings.tz, self.clock)

    def run(
        self, source: str, request_id: str, reply_to: str, apply: Command, *, store_errors: bool
    ) -> list[Publication]:
        """Run ``apply`` for ``source``'s request: the calls, the answer on ``reply_to``, the states.

        ``store_errors``: a refusal is stored too (a repeat gets it again); off for requests
        without a sender's id, which are never repeated."""
        out: list[Publication] = []
        try:
            out += self.roll_day_if_needed()
            with write_transaction(self.engine) as session:
                repo = SqlQueueRepository(session)
                stored = repo.answer_for(source, request_id)
                if stored is not None:
                    log.info("%s: repeated request %s answered from the record", source, request_id)
                    return [*out, answer(reply_to, stored)]
                outcome: Outcome = apply(session, self.rules(repo))
                self.timing.resync(session)
                body = {"request_id": request_id, "ok": True, **outcome.answer}
                repo.remember_answer(source, request_id, body, self.clock())
                out += self.state.publications(repo, outcome)
        except SQLAlchemyError:
            # Not stored: the sender retries with the same request_id once the database is back.
            log.exception("%s: request %s failed in the database", source, request_id)
            body = contract.error_answer(
                request_id, "storage_error", "the database is unavailable; try again"
            )
            return [*out, answer(reply_to, body)]
        except QueueError as exc:
            log.info("%s: request %s refused: %s", source, request_id, exc.code)
            body = contract.error_answer(request_id, exc.code, exc.message)
            if store_errors:
                with write_transaction(self.engine) as session:
                    SqlQueueRepository(session).remember_answer(source, request_id, body, self.clock())
            return [*out, answer(reply_to, body)]
        except Exception:
            # Rolled back and not stored: a retry runs the command again (and may well succeed).
            log.exception("%s: request %s failed inside the hub", source, request_id)
            body = contract.error_answer(request_id, "internal_error", INTERNAL_ERROR_MESSAGE)
            return [*out, answer(reply_to, body)]
        # The call goes first: it is what the lobby is waiting for.
        calls = [p for p in out if p.topic.endswith("/event/call")]
        rest = [p for p in out if not p.topic.endswith("/event/call")]
        return [*calls, answer(reply_to, body), *rest]

    def roll_day_if_needed(self) -> list[Publication]:
        """On the first command of a business day, expire what earlier days left open."""
        today = self.clock().astimezone(self.settings.tz).date()
        if today == self._day:
            return []
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
        self._day = today
        if desks or services:
            log.info("new business day %s: expired tickets of earlier days", today)
        return out
