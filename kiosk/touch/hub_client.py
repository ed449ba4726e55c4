"""``HubPort`` over MQTT: the kiosk's requests to the hub, with timeouts and safe retries.

A request is published to ``kiosk/{kiosk_id}/request`` and its answer awaited on
``kiosk/{kiosk_id}/response``. When no answer comes in time it is sent again with the SAME
``request_id``: the hub applies a request id once and repeats its answer, so a retry after a lost
message can never give the visitor two tickets.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime
from typing import Any

from kiosk.touch.ports import HubError, IssuedTicket, ReturningGuest
from shared.config import Settings
from shared.contract import topics as contract
from shared.domain.queue import utc_now
from shared.mqtt import MqttBus

log = logging.getLogger(__name__)


class MqttHubClient:
    def __init__(
        self,
        settings: Settings,
        kiosk_id: str,
        *,
        attempt_timeout: float = 2.0,
        total_timeout: float = 8.0,
        report_status: bool = True,
    ) -> None:
        self.settings = settings
        self.kiosk_id = kiosk_id
        self.attempt_timeout = attempt_timeout
        self.total_timeout = total_timeout
        self._answers: dict[str, dict[str, Any]] = {}
        self._cond = threading.Condition()
        self.bus = MqttBus(settings.mqtt, settings.site, f"antre-kiosk-{kiosk_id}")
        self.bus.on("kiosk_response", self._on_response, kiosk_id=kiosk_id)
        self._printer_state: tuple[str, str | None] = ("unknown", None)
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

    def issue(self, request_id: str, service: str, guest: dict[str, object]) -> IssuedTicket:
        body: dict[str, Any] = {"request_id": request_id, "service": service}
        if guest:
            body["guest"] = guest
        answer = self._request(request_id, body)
        return IssuedTicket(
            code=answer["ticket"],
            service=answer["service"],
            service_name=answer.get("service_name", answer["service"]),
            ahead=int(answer.get("ahead", 0)),
            issued_at=datetime.fromisoformat(answer["issued_at"]),
        )

    def lookup(self, request_id: str, id_number: str = "", email: str = "") -> ReturningGuest | None:
        key = {"id_number": id_number} if id_number else {"email": email}
        answer = self._request(request_id, {"request_id": request_id, "lookup": key})
        if not answer.get("found"):
            return None
        return ReturningGuest(ref=answer["ref"], masked=dict(answer.get("masked", {})))

    def feedback(self, request_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """A ``rating_check``, ``rating`` or ``complaint`` request (``shared.contract.feedback_requests``):
        the hub's answer. Raises ``HubError``."""
        return self._request(request_id, {**body, "request_id": request_id})

    def report_printer(self, problem: str | None, pending_reprint: str | None = None) -> None:
        self._printer_state = (problem or "ready", pending_reprint)
        self._republish_status()

    # --- plumbing ------------------------------------------------------------------------------

    def _republish_status(self) -> None:
        printer, pending = self._printer_state
        payload = contract.kiosk_status(
            self.kiosk_id, printer, pending, utc_now().astimezone(self.settings.tz)
        )
        self.bus.publish_json("kiosk_status", payload, retain=True, kiosk_id=self.kiosk_id)

    def _on_response(self, _params: dict[str, str], payload: bytes) -> None:
        try:
            answer = contract.decode(payload)
        except contract.PayloadError as exc:
            log.warning("kiosk %s: unreadable answer from the hub: %s", self.kiosk_id, exc.code)
            return
        request_id = answer.get("request_id")
        if isinstance(request_id, str):
            with self._cond:
                self._answers[request_id] = answer
                self._cond.notify_all()

    def _request(self, request_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """Send until answered; raise ``HubError`` for a refusal or when time runs out."""
        topic_name = contract.topic(self.settings.site, "kiosk_request", kiosk_id=self.kiosk_id)
        payload = contract.encode(body)
        deadline = time.monotonic() + self.total_timeout
        while time.monotonic() < deadline:
            if self.connected:
                self.bus.publish(topic_name, payload)
            answer = self._wait(request_id, min(self.attempt_timeout, deadline - time.monotonic()))
            if answer is not None:
                error = answer.get("error")
                if isinstance(error, dict):
                    raise HubError(str(error.get("code", "error")), str(error.get("message", "")))
                return answer
            log.info("kiosk %s: no answer to %s yet; sending it again", self.kiosk_id, request_id)
        raise HubError("timeout", "the hub did not answer")

    def _wait(self, request_id: str, timeout: float) -> dict[str, Any] | None:
        end = time.monotonic() + max(timeout, 0)
        with self._cond:
            while request_id not in self._answers:
                remaining = end - time.monotonic()
                if remaining <= 0:
                    return None
                self._cond.wait(remaining)
            return self._answers.pop(request_id)
