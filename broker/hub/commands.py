"""The hub's logic: one command in, one transaction, a list of messages out.

No MQTT here: ``Hub`` turns a raw payload into ``Publication`` values and ``hub_service`` sends
them. Every command runs in one write transaction; its answer is stored under its
``request_id`` in that same transaction, so a repeat gets the stored answer and changes nothing.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from broker.hub.feedback import FeedbackDesk
from broker.hub.timing import TimingService
from shared.config import Settings
from shared.contract import kiosk_requests
from shared.contract import topics as contract
from shared.contract.feedback_requests import ComplaintGiven, RatingCheck, RatingGiven
from shared.contract.kiosk_requests import KioskRequest, LookupRequest
from shared.contract.topics import PayloadError
from shared.domain.queue import Action, Clock, Outcome, QueueError, QueueRules, utc_now
from shared.store import online
from shared.store.db import write_transaction
from shared.store.guest_store import GuestStore
from shared.store.repository import SqlQueueRepository

log = logging.getLogger(__name__)


Command = Callable[[Session, QueueRules], Outcome]
"""One command's effect, applied inside the hub's write transaction."""


@dataclass(frozen=True)
class Publication:
    topic: str
    payload: bytes
    retain: bool = False


class Hub:
    def __init__(self, settings: Settings, engine: Engine, clock: Clock = utc_now) -> None:
        self.settings = settings
        self.engine = engine
        self.clock = clock
        self.site = settings.site
        self.desk_names = {d.id: d.name for d in settings.desks}
        self.service_names = {s.prefix: s.name for s in settings.services}
        self._day: date | None = None
        self.timing = TimingService(settings, clock)
        self._close_after = online.close_after_from(settings)
        self._next_auto_close = 0.0  # monotonic time of the next online auto-close pass
        self.feedback = FeedbackDesk(self)

    def rules(self, repo: SqlQueueRepository) -> QueueRules:
        return QueueRules(repo, self.settings.services, self.settings.desks, self.settings.tz, self.clock)

    def _topic(self, key: str, **params: str) -> str:
        return contract.topic(self.site, key, **params)

    # --- commands ------------------------------------------------------------------------------

    def kiosk_request(self, kiosk_id: str, raw: bytes) -> list[Publication]:
        reply_to = self._topic("kiosk_response", kiosk_id=kiosk_id)
        try:
            request = kiosk_requests.parse_kiosk_request(raw)
        except PayloadError as exc:
            log.warning("kiosk %s: rejected request %s: %s", kiosk_id, exc.request_id, exc.code)
            return [_answer(reply_to, contract.error_answer(exc.request_id, exc.code, exc.message))]
        if isinstance(request, RatingCheck | RatingGiven | ComplaintGiven):
            return self.feedback.request(kiosk_id, request, reply_to)
        source = f"kiosk/{kiosk_id}"

        def lookup(session: Session, _rules: QueueRules) -> Outcome:
            assert isinstance(request, LookupRequest)
            return Outcome(answer=GuestStore(session).lookup(request, kiosk_id, self.clock()))

        def issue(session: Session, rules: QueueRules) -> Outcome:
            assert isinstance(request, KioskRequest)
            ticket, outcome = rules.issue(request.service)
            SqlQueueRepository(session).set_kiosk(ticket, kiosk_id)
            if request.guest is not None and not GuestStore(session).attach(
                ticket, request.guest, kiosk_id, ticket.issued_at
            ):
                # Rolls the ticket back too: the kiosk asks the visitor to look up again.
                raise QueueError("unknown_ref", "the returning visitor's ref is unknown or expired")
            outcome.answer.update(
                service_name=self.service_names[request.service],
                issued_at=contract.iso(ticket.issued_at.astimezone(self.settings.tz)),
            )
            return outcome

        apply = lookup if isinstance(request, LookupRequest) else issue
        return self._run(source, request.request_id, reply_to, apply, store_errors=True)

    def counter_command(self, desk: str, raw: bytes) -> list[Publication]:
        reply_to = self._topic("counter_response", desk=desk)
        try:
            command = contract.parse_counter_command(raw)
        except PayloadError as exc:
            log.warning("desk %s: rejected command %s: %s", desk, exc.request_id, exc.code)
            return [_answer(reply_to, contract.error_answer(exc.request_id, exc.code, exc.message))]
        # A button has no request id: each press is a new command.
        request_id = command.request_id or f"hub-{uuid.uuid4().hex}"

        def apply(_session: Session, rules: QueueRules) -> Outcome:
            return rules.command(desk, Action(command.action), command.to_service)

        return self._run(
            f"counter/{desk}", request_id, reply_to, apply, store_errors=command.request_id is not None
        )

    def _run(
        self, source: str, request_id: str, reply_to: str, apply: Command, *, store_errors: bool
    ) -> list[Publication]:
        out: list[Publication] = []
        try:
            out += self._roll_day_if_needed()
            with write_transaction(self.engine) as session:
                repo = SqlQueueRepository(session)
                stored = repo.answer_for(source, request_id)
                if stored is not None:
                    log.info("%s: repeated request %s answered from the record", source, request_id)
                    return [*out, _answer(reply_to, stored)]
                outcome: Outcome = apply(session, self.rules(repo))
                self.timing.resync(session)
                answer = {"request_id": request_id, "ok": True, **outcome.answer}
                repo.remember_answer(source, request_id, answer, self.clock())
                out += self.state_publications(repo, outcome)
        except SQLAlchemyError:
            # Not stored: the sender retries with the same request_id once the database is back.
            log.exception("%s: request %s failed in the database", source, request_id)
            answer = contract.error_answer(
                request_id, "storage_error", "the database is unavailable; try again"
            )
            return [*out, _answer(reply_to, answer)]
        except QueueError as exc:
            log.info("%s: request %s refused: %s", source, request_id, exc.code)
            answer = contract.error_answer(request_id, exc.code, exc.message)
            if store_errors:
                with write_transaction(self.engine) as session:
                    SqlQueueRepository(session).remember_answer(source, request_id, answer, self.clock())
            return [*out, _answer(reply_to, answer)]
        # The call goes first: it is what the lobby is waiting for.
        calls = [p for p in out if p.topic.endswith("/event/call")]
        rest = [p for p in out if not p.topic.endswith("/event/call")]
        return [*calls, _answer(reply_to, answer), *rest]

    # --- state ---------------------------------------------------------------------------------

    def timing_tick(self) -> list[Publication]:
        """Advance the 10-minute clocks: ``alert/sla`` for each level newly reached, and the queue
        states that now show it."""
        out = self._roll_day_if_needed()
        self._auto_close_online()
        alerts, wall = self.timing.advance()
        if not alerts:
            return out
        local = wall.astimezone(self.settings.tz)
        with write_transaction(self.engine) as session:
            self.timing.record(session, alerts, wall)
            for alert in alerts:
                payload = contract.sla_alert(alert.code, alert.service, alert.level, alert.clock_s, local)
                out.append(Publication(self._topic("sla_alert"), contract.encode(payload)))
            changed = Outcome(answer={}, services={alert.service for alert in alerts})
            out += self.state_publications(SqlQueueRepository(session), changed)
        return out

    def _auto_close_online(self) -> None:
        """Once a minute: close online conversations the visitor left unanswered for 7 days."""
        mono = self.timing.mono()
        if mono < self._next_auto_close:
            return
        self._next_auto_close = mono + 60
        with write_transaction(self.engine) as session:
            closed = online.auto_close(session, self.clock(), self._close_after)
        if closed:
            log.info(
                "online requests closed after %s without a reply: %s", self._close_after, ", ".join(closed)
            )

    def snapshot(self) -> list[Publication]:
        """Every retained state, as it is in the database now (sent on each (re)connect)."""
        out = self._roll_day_if_needed()
        with write_transaction(self.engine) as session:
            repo = SqlQueueRepository(session)
            outcome = Outcome(answer={}, desks=set(self.desk_names), services=set(self.service_names))
            out += self.state_publications(repo, outcome)
        return out

    def _roll_day_if_needed(self) -> list[Publication]:
        """On the first command of a business day, expire what earlier days left open."""
        today = self.clock().astimezone(self.settings.tz).date()
        if today == self._day:
            return []
        with write_transaction(self.engine) as session:
            repo = SqlQueueRepository(session)
            desks, services = self.rules(repo).expire_stale()
            outcome = Outcome(
                answer={}, desks=desks & set(self.desk_names), services=services & set(self.service_names)
            )
            out = self.state_publications(repo, outcome)
            self.timing.load_day(session, today)
        self._day = today
        if desks or services:
            log.info("new business day %s: expired tickets of earlier days", today)
        return out

    def state_publications(self, repo: SqlQueueRepository, outcome: Outcome) -> list[Publication]:
        out: list[Publication] = []
        now = self.clock()
        for call in outcome.calls:
            payload = contract.call_event(
                uuid.uuid4().hex[:12],
                call.ticket,
                call.service,
                call.desk,
                self.desk_names[call.desk],
                call.recall,
                call.at.astimezone(self.settings.tz),
            )
            out.append(Publication(self._topic("call_event"), contract.encode(payload)))
        out += self.feedback.prompt_publications(outcome.served, now)
        for desk in sorted(outcome.desks):
            out.append(self._desk_publication(repo, desk))
        tz = self.settings.tz
        day = now.astimezone(tz).date()
        for service in sorted(outcome.services):
            if service not in self.service_names:
                continue
            head, count = repo.waiting_head(service, day, contract.QUEUE_STATE_HEAD)
            clocks = [
                contract.waiting_clock(e.code, e.issued_at.astimezone(tz), e.clock_started_at and
                                       e.clock_started_at.astimezone(tz), e.level)
                for e in head
            ]  # fmt: skip
            payload = contract.queue_state(
                service,
                self.service_names[service],
                [e.code for e in head],
                now.astimezone(tz),
                count,
                clocks,
            )
            out.append(
                Publication(self._topic("queue_state", service=service), contract.encode(payload), True)
            )
        return out

    def _desk_publication(self, repo: SqlQueueRepository, desk: str) -> Publication:
        state = repo.desk_state(desk)
        ticket = repo.get_ticket(state.ticket_id) if state.ticket_id is not None else None
        since = state.since.astimezone(self.settings.tz) if state.since else None
        payload = contract.desk_state(
            desk,
            self.desk_names[desk],
            str(state.status),
            ticket.code if ticket else None,
            ticket.service if ticket else None,
            since,
        )
        return Publication(self._topic("counter_state", desk=desk), contract.encode(payload), True)


def _answer(topic_name: str, answer: dict[str, Any]) -> Publication:
    return Publication(topic_name, contract.encode(answer))
