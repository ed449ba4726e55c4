"""The returning visitor's steps of the kiosk: find the earlier guestbook entry by ID number or
email through the hub, greet them back (the name's first letter only), and ask only today's
purpose (and consent). The issue
request then carries ``{"ref", "purpose", "consent"}`` instead of the personal data.

A part the kiosk view-model holds (``vm.returning``): it keeps the lookup's own state (the mode,
the typed value, its error, the guest found) and moves the view-model's flow between the
returning, prefill, consent and form screens through ``Flow``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from kiosk import issuing
from kiosk.flow import LOOKUP, Step
from kiosk.touch.ports import HubPort, ReturningGuest
from shared.domain import guestbook


class Flow(Protocol):
    """What the returning visitor's steps use of the kiosk view-model that holds them."""

    step: Step
    path: str
    busy: bool
    focused: str | None
    show_errors: bool
    errors: dict[str, str]

    def changed(self) -> None: ...
    def validate(self) -> None: ...
    def background(self, work: Callable[[], Any], done: Callable[[Any], None]) -> None: ...


class ReturningVisitor:
    def __init__(self, flow: Flow, hub: HubPort, new_id: Callable[[], str]) -> None:
        self._flow = flow
        self._hub = hub
        self._new_id = new_id
        self.reset()

    def reset(self) -> None:
        self.mode = "id_number"  # or "email"
        self.value = ""  # the ID number or email typed (the LOOKUP field)
        self.error: str | None = None  # a guestbook code, "not_found", "kiosk.error" or "hub.<code>"
        self.guest: ReturningGuest | None = None  # found: the ref and the name's initial

    def forget(self) -> None:
        """Once a ticket is issued: what was typed and found is forgotten."""
        self.value, self.guest = "", None

    def type(self, value: str) -> bool:
        """The lookup field's new text; False when it did not change."""
        if value == self.value:
            return False
        self.value, self.error = value, None
        return True

    def start(self) -> None:
        flow = self._flow
        flow.step, self.error, flow.focused = Step.RETURNING, None, LOOKUP
        flow.changed()

    def set_mode(self, mode: str) -> None:
        if mode not in ("id_number", "email"):
            raise ValueError(f"unknown lookup mode {mode!r}")
        self.mode, self.value, self.error, self._flow.focused = mode, "", None, LOOKUP
        self._flow.changed()

    def submit_lookup(self) -> None:
        flow = self._flow
        if flow.busy:
            return
        if self.mode == "id_number":
            value = guestbook.clean({"id_type": "ktp", "id_number": self.value})["id_number"]
            problem = guestbook.field_errors({"id_number": value}).get("id_number")
        else:
            value = guestbook.clean({"email": self.value})["email"]
            problem = guestbook.field_errors({"email": value}).get("email")
        if problem:
            self.error = problem
            flow.changed()
            return
        flow.busy, self.error, flow.focused = True, None, None
        flow.changed()
        key = "id_number" if self.mode == "id_number" else "email"
        request_id = self._new_id()
        hub = self._hub
        flow.background(lambda: issuing.lookup(hub, request_id, **{key: value}), self._lookup_done)

    def _lookup_done(self, outcome: issuing.LookupOutcome) -> None:
        flow = self._flow
        flow.busy = False
        if outcome.guest is not None:
            self.guest, flow.path, flow.step = outcome.guest, "returning", Step.PREFILL
            # No keyboard yet: first the visitor reads the greeting and what happens to their data.
            flow.show_errors, flow.errors, flow.focused = False, {}, None
        elif outcome.hub_error:
            self.error = f"hub.{outcome.hub_error}"
        else:
            self.error = "not_found"
        flow.changed()

    def full_form(self) -> None:
        """Not found, or "not my details": the full guestbook instead."""
        flow = self._flow
        self.guest, flow.path, flow.step, flow.focused = None, "new", Step.FORM, "name"
        if flow.show_errors:
            flow.validate()
        flow.changed()

    def submit_prefill(self) -> None:
        flow = self._flow
        flow.show_errors = True
        flow.validate()
        if flow.errors:
            flow.focused = "purpose"
        else:
            flow.step, flow.focused = Step.CONSENT, None
        flow.changed()
