"""The hub's logic: one command in, one transaction, a list of messages out.

No MQTT here: ``Hub`` turns a raw payload into ``Publication`` values and ``broker.hub.process``
sends them. ``Hub`` puts the parts together and keeps the jobs the process runs on its own (the
clocks' tick, the snapshot on each connect):

- ``broker.hub.handlers``: the kiosks' requests and the counters' commands;
- ``broker.hub.feedback``: ratings and complaints; ``broker.hub.prompts``: the rating prompts;
- ``broker.hub.transactions``: the runner every command goes through (one transaction, the answer
  stored under its ``request_id``, the business day);
- ``broker.hub.state``: the calls and retained states an outcome publishes;
- ``broker.hub.timing``: the 10-minute clocks.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from broker.hub.feedback import FeedbackDesk
from broker.hub.handlers import CounterCommands, KioskRequests
from broker.hub.idle_state import IdleDeskFigure
from broker.hub.prompts import RatingPrompts
from broker.hub.publications import Publication, SiteNames
from broker.hub.site_key import hub_key
from broker.hub.state import StatePublisher
from broker.hub.timing import TimingService
from broker.hub.transactions import INTERNAL_ERROR_MESSAGE, Request, TransactionRunner
from shared.config import Settings
from shared.contract import topics as contract
from shared.domain.queue import Clock, Outcome, QueueRules, utc_now
from shared.domain.timing import SlaAlert
from shared.store import online
from shared.store.db import write_transaction
from shared.store.keys import SiteKey
from shared.store.repository import SqlQueueRepository

log = logging.getLogger(__name__)


def answered_anyway(reply_to: str, raw: bytes, handle: Callable[[], list[Publication]]) -> list[Publication]:
    """``handle()``'s publications; if it fails in a way nobody foresaw (a bug, a library's
    surprise), the sender still gets an ``internal_error`` answer with its request id, the
    traceback is logged once, and the hub goes on with the next command."""
    try:
        return handle()
    except Exception:
        log.exception("a request on %s failed inside the hub", reply_to)
        request_id = contract.request_id_in(raw)
        if request_id is None:
            return []
        body = contract.error_answer(request_id, "internal_error", INTERNAL_ERROR_MESSAGE)
        return [Publication(reply_to, contract.encode(body))]


Incoming = tuple[str, str, bytes]
"""A command as it arrived: ``("kiosk", kiosk_id, payload)`` or ``("counter", desk, payload)``."""


def _raiser(exc: Exception) -> Callable[[], list[Publication]]:
    def handle() -> list[Publication]:
        raise exc

    return handle


def _internal_error(reply_to: str, request_id: str) -> list[Publication]:
    body = contract.error_answer(request_id, "internal_error", INTERNAL_ERROR_MESSAGE)
    return [Publication(reply_to, contract.encode(body))]


class Hub:
    def __init__(
        self, settings: Settings, engine: Engine, clock: Clock = utc_now, key: SiteKey | None = None
    ) -> None:
        self.settings = settings
        self.key = key or hub_key(settings)  # seals the access log of personal data
        self.engine = engine
        self.clock = clock
        self.names = SiteNames.of(settings)
        self.site = settings.site
        self.desk_names = self.names.desks
        self.service_names = self.names.services
        self.timing = TimingService(settings, clock)
        self._close_after = online.close_after_from(settings)
        self._next_auto_close = 0.0  # monotonic time of the next online auto-close pass
        prompts = RatingPrompts(self.names, clock)
        self.state = StatePublisher(self.names, clock, prompts, IdleDeskFigure(lambda: self.settings))
        self.runner = TransactionRunner(settings, self.names, engine, clock, self.timing, self.state)
        _ = self.runner.policy  # a bad [queue] section stops the hub at start, not at a command
        self.feedback = FeedbackDesk(self.names, clock, prompts, self.runner.run)
        self.kiosk = KioskRequests(self.names, clock, self.runner.run, self.feedback, self.key)
        self.counter = CounterCommands(self.names, self.runner.run)
        # The display's running text ({"id", "en"}), republished with the retained states; None
        # until the site setup is loaded (broker.hub.site_setup).
        self.running_text: dict[str, str] | None = None
        self._schedule_day: date | None = None  # the office date the last site/schedule began with
        self.catalogue: dict[str, Any] | None = None  # site/services; None until the setup is loaded

    def apply_setup(
        self,
        settings: Settings,
        inactive: frozenset[str],
        running_text: dict[str, str],
        catalogue: dict[str, Any] | None = None,
    ) -> None:
        """A supervisor's setup (``broker.hub.site_setup``), live from the next command: the
        services and desks (added, removed, renamed), what each desk serves, the services the
        kiosks may take tickets for, the opening hours and closed days of the clocks, the running
        text, ``site/services`` (``catalogue``: ``contract.catalogue.site_services``'s payload
        without its time). Runs on the worker."""
        self.settings = settings
        self.names.update(settings, inactive)
        self.runner.settings = settings
        self.timing.use_settings(settings)
        self.running_text = dict(running_text)
        if catalogue is not None:
            self.catalogue = catalogue

    def catalogue_publication(self) -> list[Publication]:
        """``site/services``: the services and desks as the setup has them (the kiosks' buttons)."""
        if self.catalogue is None:
            return []
        payload = {**self.catalogue, "updated_at": contract.iso(self.clock().astimezone(self.settings.tz))}
        return [Publication(self.names.topic("site_services"), contract.encode(payload), True)]

    def running_text_publication(self) -> list[Publication]:
        if self.running_text is None:
            return []
        text = self.running_text
        payload = contract.running_text(
            text.get("id", ""), text.get("en", ""), self.clock().astimezone(self.settings.tz)
        )
        return [Publication(self.names.topic("running_text"), contract.encode(payload), True)]

    def schedule_publication(self) -> list[Publication]:
        """``site/schedule``: the opening ranges of today and the next days as the setup has them,
        so the kiosk's closed screen agrees with the hub's clocks."""
        local = self.clock().astimezone(self.settings.tz)
        hours = self.timing.tracker.hours
        days = {local.date() + timedelta(days=n): hours.ranges_on(local.date() + timedelta(days=n))
                for n in range(contract.SCHEDULE_DAYS)}  # fmt: skip
        self._schedule_day = local.date()
        payload = contract.site_schedule(self.settings.tz.key, days, local)
        return [Publication(self.names.topic("site_schedule"), contract.encode(payload), True)]

    def rules(self, repo: SqlQueueRepository) -> QueueRules:
        return self.runner.rules(repo)

    def state_publications(self, repo: SqlQueueRepository, outcome: Outcome) -> list[Publication]:
        return self.state.publications(repo, outcome)

    def forget_book(self) -> None:
        """Queue rows were written outside the command path (the staff desk): the next command
        loads the queue book again from the database."""
        self.runner.forget_book()
        self.state.forget()

    # --- commands ------------------------------------------------------------------------------

    def kiosk_request(self, kiosk_id: str, raw: bytes) -> list[Publication]:
        reply_to = self.names.topic("kiosk_response", kiosk_id=kiosk_id)
        return answered_anyway(reply_to, raw, lambda: self.kiosk.handle(kiosk_id, raw))

    def counter_command(self, desk: str, raw: bytes) -> list[Publication]:
        reply_to = self.names.topic("counter_response", desk=desk)
        return answered_anyway(reply_to, raw, lambda: self.counter.handle(desk, raw))

    def apply_batch(self, commands: list[Incoming]) -> list[list[Publication]]:
        """Several kiosk requests and desk commands that arrived together, in their order, in as
        few transactions as they allow (ticket issues, look-ups and desk commands share one; a
        rating or complaint runs on its own): one disk flush for the lot. Each one's
        publications, in ``commands``' order."""
        results: list[list[Publication]] = [[] for _ in commands]
        batch: list[tuple[int, Request]] = []

        def flush() -> None:
            if not batch:
                return
            requests = [request for _, request in batch]
            try:
                outs = self.runner.apply_batch(requests)
            except Exception:  # a bug: every request in the batch is still answered
                log.exception("a batch of %d requests failed inside the hub", len(requests))
                outs = [_internal_error(r.reply_to, r.request_id) for r in requests]
            for (index, _), out in zip(batch, outs, strict=True):
                results[index] = out
            batch.clear()

        for index, (kind, sender, raw) in enumerate(commands):
            if kind == "kiosk":
                reply_to = self.names.topic("kiosk_response", kiosk_id=sender)
                prepare = self.kiosk.prepare
            else:
                reply_to = self.names.topic("counter_response", desk=sender)
                prepare = self.counter.prepare
            try:
                prepared = prepare(sender, raw)
            except Exception as exc:
                results[index] = answered_anyway(reply_to, raw, _raiser(exc))
                continue
            if isinstance(prepared, Request):
                batch.append((index, prepared))
            elif callable(prepared):
                flush()  # it runs on its own, after what came before it
                results[index] = answered_anyway(reply_to, raw, prepared)
            else:
                results[index] = prepared
        flush()
        return results

    # --- the process's own jobs ----------------------------------------------------------------

    def timing_tick(self) -> list[Publication]:
        """Advance the 10-minute clocks: ``alert/sla`` for each level newly reached, and the queue
        states that now show it."""
        out = self.runner.roll_day_if_needed()
        today = self.clock().astimezone(self.settings.tz).date()
        if self._schedule_day is not None and self._schedule_day != today:
            out += self.schedule_publication()  # the day rolled: the list starts with the new today
        self._auto_close_online()
        alerts, wall = self.timing.advance()
        if not alerts:
            return out
        local = wall.astimezone(self.settings.tz)
        try:
            return out + self._alerts(alerts, wall, local)
        except Exception:
            self.runner.forget_book()  # it may hold a level the database does not
            raise

    def _alerts(self, alerts: list[SlaAlert], wall: datetime, local: datetime) -> list[Publication]:
        out: list[Publication] = []
        with write_transaction(self.engine) as session:
            self.timing.record(session, alerts, wall, self.runner.book)
            for alert in alerts:
                payload = contract.sla_alert(alert.code, alert.service, alert.level, alert.clock_s, local)
                out.append(Publication(self.names.topic("sla_alert"), contract.encode(payload)))
            changed = Outcome(answer={}, services={alert.service for alert in alerts})
            out += self.state.publications(SqlQueueRepository(session), changed)
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
        out = self.runner.roll_day_if_needed()
        with write_transaction(self.engine) as session:
            repo = SqlQueueRepository(session)
            outcome = Outcome(answer={}, desks=set(self.desk_names), services=set(self.service_names))
            out += self.state.publications(repo, outcome)
        # The catalogue first: a counter or kiosk learns a new service before its queue's state.
        return (
            self.catalogue_publication() + out + self.running_text_publication() + self.schedule_publication()
        )
