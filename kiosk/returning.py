"""The returning visitor's steps of the kiosk view-model: find the earlier guestbook entry by ID
number or email through the hub, show it masked, and ask only today's purpose (and consent).
The issue request then carries ``{"ref", "purpose", "consent"}`` instead of the personal data."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kiosk import issuing
from kiosk.flow import LOOKUP, Step
from kiosk.touch.ports import HubPort, ReturningGuest
from shared.domain import guestbook


class ReturningVisitorSteps:
    """Mixed into ``KioskViewModel``; the attributes below are its state."""

    hub: HubPort
    step: Step
    path: str
    busy: bool
    focused: str | None
    fields: dict[str, str]
    errors: dict[str, str]
    show_errors: bool
    lookup_mode: str
    lookup_value: str
    lookup_error: str | None
    returning: ReturningGuest | None
    _new_id: Callable[[], str]

    def _changed(self) -> None: ...
    def _validate(self) -> None: ...
    def _background(self, work: Callable[[], Any], done: Callable[[Any], None]) -> None: ...

    def start_returning(self) -> None:
        self.step, self.lookup_error, self.focused = Step.RETURNING, None, LOOKUP
        self._changed()

    def set_lookup_mode(self, mode: str) -> None:
        if mode not in ("id_number", "email"):
            raise ValueError(f"unknown lookup mode {mode!r}")
        self.lookup_mode, self.lookup_value, self.lookup_error, self.focused = mode, "", None, LOOKUP
        self._changed()

    def submit_lookup(self) -> None:
        if self.busy:
            return
        if self.lookup_mode == "id_number":
            value = guestbook.clean({"id_type": "ktp", "id_number": self.lookup_value})["id_number"]
            problem = guestbook.field_errors({"id_number": value}).get("id_number")
        else:
            value = guestbook.clean({"email": self.lookup_value})["email"]
            problem = guestbook.field_errors({"email": value}).get("email")
        if problem:
            self.lookup_error = problem
            self._changed()
            return
        self.busy, self.lookup_error, self.focused = True, None, None
        self._changed()
        key = "id_number" if self.lookup_mode == "id_number" else "email"
        request_id = self._new_id()
        self._background(lambda: issuing.lookup(self.hub, request_id, **{key: value}), self._lookup_done)

    def _lookup_done(self, outcome: issuing.LookupOutcome) -> None:
        self.busy = False
        if outcome.guest is not None:
            self.returning, self.path, self.step = outcome.guest, "returning", Step.PREFILL
            # No keyboard yet: first the visitor sees the masked details and recognises them.
            self.show_errors, self.errors, self.focused = False, {}, None
        elif outcome.hub_error:
            self.lookup_error = f"hub.{outcome.hub_error}"
        else:
            self.lookup_error = "not_found"
        self._changed()

    def full_form(self) -> None:
        """Not found, or "not my details": the full guestbook instead."""
        self.returning, self.path, self.step, self.focused = None, "new", Step.FORM, "name"
        if self.show_errors:
            self._validate()
        self._changed()

    def submit_prefill(self) -> None:
        self.show_errors = True
        self._validate()
        if self.errors:
            self.focused = "purpose"
        else:
            self.step, self.focused = Step.CONSENT, None
        self._changed()
