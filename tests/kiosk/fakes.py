"""Recording fakes of the kiosk's two ports (``HubPort``, ``PrinterPort``), for the view-model's unit
tests and the app tests' driver. They only stand in at those edges; everything inside is real."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

from kiosk.ports import PrinterStatus, PrintFailed, TicketText
from kiosk.touch.ports import ORDINARY, HubError, IssuedTicket, Lane, ReturningGuest

ISSUED_AT = datetime(2026, 11, 24, 2, 15, 2, tzinfo=UTC)  # 09:15:02 in Jakarta
SERVICE_NAMES = {"A": "Konsultasi Statistik", "B": "Perpustakaan"}


@dataclass
class FakeHub:
    """Answers like the hub: one ticket per request id (a repeat gets the same answer)."""

    ahead: int = 2
    issue_script: list[HubError | None] = field(default_factory=list)  # next issue() calls: raise or answer
    lookup_script: list[ReturningGuest | HubError | None] = field(default_factory=list)
    report_error: HubError | None = None
    delay_s: float = 0.0
    gate: threading.Event = field(default_factory=threading.Event)  # cleared: answers wait for it
    issue_calls: list[tuple[str, str, dict[str, object]]] = field(default_factory=list)
    issue_lanes: list[Lane] = field(default_factory=list)  # the lane of each issue call, in order
    lookup_calls: list[tuple[str, str, str]] = field(default_factory=list)
    feedback_calls: list[tuple[str, dict[str, object]]] = field(default_factory=list)
    reports: list[str | None] = field(default_factory=list)
    audio_reports: list[tuple[str, str | None]] = field(default_factory=list)  # the spoken guide's health
    issued: dict[str, IssuedTicket] = field(default_factory=dict)
    threads: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.gate.set()

    def _wait(self) -> None:
        if self.delay_s:
            time.sleep(self.delay_s)
        if not self.gate.wait(timeout=30):
            raise HubError("timeout", "the test never opened the gate")

    def issue(
        self, request_id: str, service: str, guest: dict[str, object], lane: Lane = ORDINARY
    ) -> IssuedTicket:
        self.threads.append(threading.current_thread().name)
        self.issue_calls.append((request_id, service, dict(guest)))
        self.issue_lanes.append(lane)
        self._wait()
        scripted = self.issue_script.pop(0) if self.issue_script else None
        if scripted is not None:
            raise scripted
        if request_id not in self.issued:
            seq = len(self.issued) + 1
            self.issued[request_id] = IssuedTicket(
                code=f"{service}-{seq:03d}",
                service=service,
                service_name=SERVICE_NAMES.get(service, service),
                ahead=self.ahead,
                issued_at=ISSUED_AT,
                priority=lane.priority,
            )
        return self.issued[request_id]

    def lookup(self, request_id: str, id_number: str = "", email: str = "") -> ReturningGuest | None:
        self.lookup_calls.append((request_id, id_number, email))
        self._wait()
        answer = self.lookup_script.pop(0) if self.lookup_script else None
        if isinstance(answer, HubError):
            raise answer
        return answer

    def feedback(self, request_id: str, body: dict[str, object]) -> dict[str, object]:
        """Every ticket may be rated (the real hub's answers are tested against the real hub)."""
        self.feedback_calls.append((request_id, dict(body)))
        self._wait()
        inner = body.get("rating_check") or body.get("rating") or {}
        if "complaint" in body:
            return {"complaint": "ADU-20261124-001", "kind": "complaint"}
        code = inner.get("ticket", "A-001") if isinstance(inner, dict) else "A-001"
        answer: dict[str, object] = {"ticket": code, "day": "2026-11-24", "desk_name": "Meja 1"}
        if "rating" in body and isinstance(inner, dict) and "ticket" in inner:
            answer["rating_ref"] = "ref-0123456789"
        return answer

    def report_printer(self, problem: str | None) -> None:
        self.reports.append(problem)
        if self.report_error is not None:
            raise self.report_error

    def report_audio(self, audio: str, detail: str | None = None) -> None:
        self.audio_reports.append((audio, detail))


@dataclass
class FakePrinter:
    """``statuses`` answer the next ``status()`` calls (then READY); ``failures`` the next prints."""

    statuses: list[PrinterStatus] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # a PrinterStatus value per failing print
    printed: list[TicketText] = field(default_factory=list)
    attempts: list[TicketText] = field(default_factory=list)
    status_calls: int = 0

    def status(self) -> PrinterStatus:
        self.status_calls += 1
        return self.statuses.pop(0) if self.statuses else PrinterStatus.READY

    def print_ticket(self, ticket: TicketText) -> None:
        self.attempts.append(ticket)
        if self.failures:
            raise PrintFailed(self.failures.pop(0))
        self.printed.append(ticket)


RETURNING = ReturningGuest(ref="ref-5f2c9a7e", masked={"initial": "S"})


class FakeClock:
    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class RecordingVoice:
    """``kiosk.spoken_guide.Voice`` at the audio edge: what would have been read aloud, in order
    (``(language, text)``; ``("stop", "")`` when the voice was stopped)."""

    said: list[tuple[str, str]] = field(default_factory=list)

    def say(self, text: str, language: str) -> None:
        self.said.append((language, text))

    def stop(self) -> None:
        self.said.append(("stop", ""))
