"""The complaint or suggestion form of the rating flow: its kind, its checks, sending it and the
number it gets. A part the rating view-model holds (``vm.complaint``); the form's fields are the
view-model's ``values`` and ``errors`` (typed through its ``set_field``), and the form moves the
view-model's flow through ``Flow``."""

from __future__ import annotations

import json
import re
import uuid
from typing import Protocol

from kiosk.rating.options import RatingOptions
from kiosk.rating.sender import Body, Sender
from kiosk.rating.steps import CONTACT, FIELDS, RETRYABLE, RStep, Survey
from shared.contract import feedback_requests as requests
from shared.contract.feedback_requests import TEXT_LIMIT, contact_problems


class Flow(Protocol):
    """What the complaint form uses of the rating view-model that holds it."""

    options: RatingOptions
    sender: Sender
    step: RStep
    survey: Survey | None
    values: dict[str, str]
    errors: dict[str, str]
    focused: str | None
    busy: bool
    problem: str | None

    def changed(self) -> None: ...
    def touch(self) -> None: ...


class ComplaintForm:
    def __init__(self, flow: Flow) -> None:
        self._flow = flow
        self.reset()

    def reset(self) -> None:
        self.kind = "complaint"  # or "suggestion"
        self.number: str | None = None  # the hub's complaint number, once stored
        self._attempt: tuple[str, str] | None = None  # (what was sent, its request_id)

    def set_kind(self, kind: str) -> None:
        if kind in ("complaint", "suggestion") and kind != self.kind:
            self.kind = kind
            self._flow.changed()

    def _contact(self) -> dict[str, str]:
        values = self._flow.values
        return {
            "name": values["r_name"].strip(),
            "email": values["r_email"].strip().lower(),
            "phone": re.sub(r"[ ().-]", "", values["r_phone"]),  # as the guestbook tidies it
        }

    def _errors(self) -> dict[str, str]:
        text = self._flow.values["r_text"].strip()
        errors = {"r_text": "empty"} if not text else {"r_text": "too_long"} if len(text) > TEXT_LIMIT else {}
        by_field = {v: k for k, v in CONTACT.items()}
        errors.update({by_field[f]: code for f, code in contact_problems(**self._contact()).items()})
        return errors

    def submit(self) -> None:
        """ "Kirim": checked, then sent (with the rating, the ticket, or neither)."""
        flow = self._flow
        if flow.step != RStep.COMPLAINT or flow.busy:
            return
        flow.errors = self._errors()
        if flow.errors:
            flow.focused = next(f for f in FIELDS if f in flow.errors)
            flow.changed()
            return
        survey = flow.survey or Survey(None)
        text, kind, via, contact = flow.values["r_text"].strip(), self.kind, flow.options.via, self._contact()

        def build() -> Body:
            return requests.complaint(
                text, kind, via, contact, rating_ref=survey.ref, ticket=survey.code, day=survey.day
            )

        # "Kirim" again after a timeout resends the same complaint under the same request_id, so
        # the hub stores it once however many times the answer was lost.
        key = json.dumps(build(), sort_keys=True)
        if self._attempt is None or self._attempt[0] != key:
            self._attempt = (key, uuid.uuid4().hex)
        flow.busy, flow.focused = True, None
        flow.sender.send(build, self._sent, self._refused, self._attempt[1])
        flow.changed()

    def _sent(self, answer: Body) -> None:
        flow = self._flow
        flow.busy = False
        if flow.step == RStep.COMPLAINT:
            self.number, flow.step = str(answer.get("complaint", "")), RStep.DONE
            self._attempt = None
            flow.values = dict.fromkeys(FIELDS, "")  # personal data: forgotten once sent
            flow.touch()
            flow.changed()

    def _refused(self, code: str) -> None:
        flow = self._flow
        flow.busy = False
        if flow.step != RStep.COMPLAINT:
            return
        if code in RETRYABLE:
            flow.errors = {"form": f"hub.{code}"}  # what was typed stays: "Kirim" again
        else:
            flow.problem, flow.step = code, RStep.PROBLEM
        flow.changed()

    def open_after_problem(self) -> None:
        """From the problem screen (say, already rated): the complaint form for the same ticket."""
        flow = self._flow
        if flow.step == RStep.PROBLEM and self.allowed_after_problem:
            flow.step, flow.errors = RStep.COMPLAINT, {}
            flow.changed()

    @property
    def allowed_after_problem(self) -> bool:
        return self._flow.problem in ("already_rated", "rating_closed", "unknown_rating")
