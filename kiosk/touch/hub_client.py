"""``HubPort`` over MQTT: the kiosk's requests to the hub, with timeouts and safe retries.

A request is published to ``kiosk/{kiosk_id}/request`` and its answer awaited on
``kiosk/{kiosk_id}/response``. When no answer comes in time it is sent again with the SAME
``request_id``: the hub applies a request id once and repeats its answer, so a retry after a lost
message can never give the visitor two tickets. A ``busy`` answer (the hub's queue for this kiosk
is full; nothing was applied) is retried the same way after a growing pause, until the total
time runs out; then the caller gets ``HubError("busy")`` and the visitor is asked to try again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from kiosk.touch.ports import ORDINARY, HubError, IssuedTicket, Lane, ReturningGuest
from shared.config import Settings
from shared.contract import feedback_requests, kiosk_requests
from shared.contract import topics as contract
from shared.contract.answers import Answer, issued, lookup_result, parse_answer
from shared.contract.catalogue import SiteServices, parse_site_services
from shared.contract.records import SiteSchedule, parse_site_schedule
from shared.domain.queue import utc_now
from shared.mqtt import MqttBus

log = logging.getLogger(__name__)
T = TypeVar("T")

BUSY_CODE = "busy"  # the hub took nothing: the same request again, shortly, is always safe
BUSY_PAUSE_S = 0.2  # the first pause after a busy answer; it doubles up to BUSY_PAUSE_MAX_S
BUSY_PAUSE_MAX_S = 1.6


class MqttHubClient:
    def __init__(
        self,
        settings: Settings,
        kiosk_id: str,
        *,
        attempt_timeout: float = 2.0,
        total_timeout: float = 8.0,
        report_status: bool = True,
        one_off: bool = False,
    ) -> None:
        """``one_off``: a run beside the live kiosk (``--screenshot``): its own client id, no
        presence and no printer status, so the live kiosk is neither pushed off nor contradicted."""
        self.settings = settings
        self.kiosk_id = kiosk_id
        self.attempt_timeout = attempt_timeout
        self.total_timeout = total_timeout
        self._answers: dict[str, Answer] = {}
        self._cond = threading.Condition()
        report_status = report_status and not one_off
        self.bus = MqttBus(settings.mqtt, settings.site, f"antre-kiosk-{kiosk_id}", one_off=one_off)
        self.bus.on("kiosk_response", self._on_response, kiosk_id=kiosk_id)
        self._printer_state: tuple[str, str | None] = ("unknown", None)
        self._audio_state: tuple[str | None, str | None] = (None, None)  # the spoken guide, once told
        if report_status:  # a kiosk with a printer; a desk's rating screen has none
            self.bus.on_connected(self._republish_status)

    def start(self) -> None:
        self.bus.start()

    def stop(self) -> None:
        self.bus.stop()

    @property
    def connected(self) -> bool:
        return self.bus.connected.is_set()

    # --- HubPort -------------------------------------------------------------------------------

    def issue(
        self, request_id: str, service: str, guest: dict[str, object], lane: Lane = ORDINARY
    ) -> IssuedTicket:
        """``guest`` from ``kiosk_requests.new_guest`` or ``returning_guest``."""
        body = kiosk_requests.issue_request(request_id, service, guest, lane.priority, lane.category)
        ticket = _read(issued, self._request(request_id, body))
        return IssuedTicket(
            ticket.ticket, ticket.service, ticket.service_name, ticket.ahead, ticket.issued_at,
            priority=ticket.priority,
        )  # fmt: skip

    def lookup(self, request_id: str, id_number: str = "", email: str = "") -> ReturningGuest | None:
        answer = self._request(request_id, kiosk_requests.lookup_request(request_id, id_number, email))
        found = _read(lookup_result, answer)
        return None if found is None else ReturningGuest(ref=found.ref, masked=dict(found.masked))

    def feedback(self, request_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """A ``rating_check``, ``rating`` or ``complaint`` request (built by
        ``shared.contract.feedback_requests``): the hub's answer. Raises ``HubError``."""
        answer = self._request(request_id, feedback_requests.with_request_id(body, request_id))
        return dict(answer.fields)

    def follow_schedule(self, on_schedule: Callable[[SiteSchedule], None]) -> None:
        """Hand each ``site/schedule`` the hub publishes (retained: one at once on connect) to
        ``on_schedule``, on the MQTT thread; an unreadable one is logged and dropped. Before
        ``start``."""

        def on_message(_params: dict[str, str], payload: bytes) -> None:
            try:
                schedule = parse_site_schedule(payload)
            except contract.PayloadError as exc:
                log.warning("kiosk %s: unreadable schedule from the hub: %s", self.kiosk_id, exc.code)
                return
            on_schedule(schedule)

        self.bus.on("site_schedule", on_message)

    def follow_services(self, on_services: Callable[[SiteServices], None]) -> None:
        """Hand each ``site/services`` the hub publishes (retained: one at once on connect) to
        ``on_services``, on the MQTT thread; an unreadable one is logged and dropped. Before
        ``start``."""

        def on_message(_params: dict[str, str], payload: bytes) -> None:
            try:
                found = parse_site_services(payload)
            except contract.PayloadError as exc:
                log.warning("kiosk %s: unreadable services from the hub: %s", self.kiosk_id, exc.code)
                return
            on_services(found)

        self.bus.on("site_services", on_message)

    def report_printer(self, problem: str | None, pending_reprint: str | None = None) -> None:
        self._printer_state = (problem or "ready", pending_reprint)
        self._republish_status()

    def report_audio(self, audio: str, detail: str | None = None) -> None:
        self._audio_state = (audio, detail)
        self._republish_status()

    # --- plumbing ------------------------------------------------------------------------------

    def _republish_status(self) -> None:
        printer, pending = self._printer_state
        audio, detail = self._audio_state
        payload = contract.kiosk_status(
            self.kiosk_id, printer, pending, utc_now().astimezone(self.settings.tz), audio, detail
        )
        self.bus.publish_json("kiosk_status", payload, retain=True, kiosk_id=self.kiosk_id)

    def _on_response(self, _params: dict[str, str], payload: bytes) -> None:
        try:
            answer = parse_answer(payload)
        except contract.PayloadError as exc:
            log.warning("kiosk %s: unreadable answer from the hub: %s", self.kiosk_id, exc.code)
            return
        if answer.request_id is not None:
            with self._cond:
                self._answers[answer.request_id] = answer
                self._cond.notify_all()

    def _request(self, request_id: str, body: dict[str, Any]) -> Answer:
        """Send until answered; raise ``HubError`` for a refusal or when time runs out."""
        topic_name = contract.topic(self.settings.site, "kiosk_request", kiosk_id=self.kiosk_id)
        payload = contract.encode(body)
        deadline = time.monotonic() + self.total_timeout
        busy: Answer | None = None  # the last busy answer, while the hub keeps giving them
        pause = BUSY_PAUSE_S
        while time.monotonic() < deadline:
            if self.connected:
                self.bus.publish(topic_name, payload)
            answer = self._wait(request_id, min(self.attempt_timeout, deadline - time.monotonic()))
            if answer is None:
                log.info("kiosk %s: no answer to %s yet; sending it again", self.kiosk_id, request_id)
                continue
            if answer.error is not None and answer.error.code == BUSY_CODE:
                busy = answer
                log.info("kiosk %s: the hub is busy; %s again in %.1f s", self.kiosk_id, request_id, pause)
                time.sleep(max(0.0, min(pause, deadline - time.monotonic())))
                pause = min(pause * 2, BUSY_PAUSE_MAX_S)
                continue
            if answer.error is not None:
                raise HubError(answer.error.code, answer.error.message)
            return answer
        if busy is not None and busy.error is not None:
            raise HubError(busy.error.code, busy.error.message)
        raise HubError("timeout", "the hub did not answer")

    def _wait(self, request_id: str, timeout: float) -> Answer | None:
        end = time.monotonic() + max(timeout, 0)
        with self._cond:
            while request_id not in self._answers:
                remaining = end - time.monotonic()
                if remaining <= 0:
                    return None
                self._cond.wait(remaining)
            return self._answers.pop(request_id)


def _read(read: Callable[[Answer], T], answer: Answer) -> T:
    """An ok answer read for what was asked; one that does not say it is a refusal."""
    try:
        return read(answer)
    except contract.PayloadError as exc:
        log.warning("the hub's answer to %s lacks what was asked: %s", answer.request_id, exc.code)
        raise HubError("bad_answer", exc.message) from None
