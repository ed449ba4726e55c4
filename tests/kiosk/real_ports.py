"""The REAL ports for ``kiosk_driver --real CONFIG``: ``MqttHubClient`` against a broker and hub, and
``TicketPrinter`` on a configured printer, each behind a thin recorder that notes what it was
asked under the names the fakes use (``issue_calls``, ``reports``, ``printed``, ...), so the driver's
``result.json`` reads the same. The recorders only watch: every call goes to the real port.

CONFIG is JSON::

    {"mqtt_url": "mqtt://127.0.0.1:PORT", "kiosk_id": "k1", "printer": {"kind": "file", "path": "..."},
     "attempt_timeout": 2.0, "total_timeout": 8.0, "params": {...}}
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.ports import PrinterStatus, TicketText
from kiosk.printing import PrinterConfig, TicketPrinter
from kiosk.touch.hub_client import MqttHubClient
from kiosk.touch.ports import ORDINARY, IssuedTicket, Lane, ReturningGuest
from shared.config import Settings


@dataclass(frozen=True)
class RealConfig:
    mqtt_url: str
    printer: dict[str, Any]
    kiosk_id: str = "k1"
    attempt_timeout: float = 2.0
    total_timeout: float = 8.0
    params: dict[str, Any] = field(default_factory=dict)  # for the scenario (Driver.params)

    @classmethod
    def load(cls, path: Path) -> RealConfig:
        return cls(**json.loads(path.read_text(encoding="utf-8")))

    def write(self, path: Path) -> Path:
        path.write_text(json.dumps(self.__dict__, indent=2), encoding="utf-8")
        return path


class RecordingHub:
    """``HubPort``: the real MQTT hub client, with a note of every call."""

    def __init__(self, client: MqttHubClient) -> None:
        self.client = client
        self.issue_calls: list[tuple[str, str, dict[str, object]]] = []
        self.issue_lanes: list[Lane] = []
        self.lookup_calls: list[tuple[str, str, str]] = []
        self.reports: list[str | None] = []
        self.threads: list[str] = []
        self.answers: list[str] = []  # the ticket code, or "error:<code>", of each issue call
        self.feedback_calls: list[dict[str, Any]] = []  # each rating/complaint body and its answer

    @property
    def connected(self) -> bool:
        return self.client.connected

    def start(self) -> None:
        self.client.start()

    def stop(self) -> None:
        self.client.stop()

    def issue(
        self, request_id: str, service: str, guest: dict[str, object], lane: Lane = ORDINARY
    ) -> IssuedTicket:
        self.threads.append(threading.current_thread().name)
        self.issue_calls.append((request_id, service, dict(guest)))
        self.issue_lanes.append(lane)
        try:
            ticket = self.client.issue(request_id, service, guest, lane)
        except Exception as exc:
            self.answers.append(f"error:{getattr(exc, 'code', type(exc).__name__)}")
            raise
        self.answers.append(ticket.code)
        return ticket

    def lookup(self, request_id: str, id_number: str = "", email: str = "") -> ReturningGuest | None:
        self.lookup_calls.append((request_id, id_number, email))
        return self.client.lookup(request_id, id_number=id_number, email=email)

    def feedback(self, request_id: str, body: dict[str, Any]) -> dict[str, Any]:
        try:
            answer = self.client.feedback(request_id, body)
        except Exception as exc:
            self.feedback_calls.append({"body": body, "error": getattr(exc, "code", type(exc).__name__)})
            raise
        self.feedback_calls.append({"body": body, "answer": answer})
        return answer

    def follow_schedule(self, on_schedule: Any) -> None:
        self.client.follow_schedule(on_schedule)

    def follow_services(self, on_services: Any) -> None:
        self.client.follow_services(on_services)

    def report_printer(self, problem: str | None, pending_reprint: str | None = None) -> None:
        self.reports.append(problem)
        self.client.report_printer(problem, pending_reprint)

    def report_audio(self, audio: str, detail: str | None = None) -> None:
        self.client.report_audio(audio, detail)


class RecordingPrinter:
    """``PrinterPort``: the real ESC/POS printer, with a note of every status and ticket."""

    def __init__(self, printer: TicketPrinter) -> None:
        self.printer = printer
        self.printed: list[TicketText] = []
        self.attempts: list[TicketText] = []
        self.statuses: list[str] = []
        self.status_calls = 0

    def status(self) -> PrinterStatus:
        self.status_calls += 1
        found = self.printer.status()
        self.statuses.append(str(found))
        return found

    def print_ticket(self, ticket: TicketText) -> None:
        self.attempts.append(ticket)
        self.printer.print_ticket(ticket)  # raises PrintFailed: then it is not in ``printed``
        self.printed.append(ticket)


def build(config: RealConfig, data_dir: Path) -> tuple[RecordingHub, RecordingPrinter]:
    settings = Settings(mqtt_url=config.mqtt_url, data_dir=data_dir)
    client = MqttHubClient(
        settings, config.kiosk_id, attempt_timeout=config.attempt_timeout, total_timeout=config.total_timeout
    )
    printer = TicketPrinter(PrinterConfig.from_mapping(config.printer))
    return RecordingHub(client), RecordingPrinter(printer)
