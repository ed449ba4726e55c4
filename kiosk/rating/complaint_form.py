"""The complaint or suggestion form of the rating flow, and typing into its fields: a mixin of
``RatingViewModel``, which owns the state read here."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from kiosk.rating.sender import Body
from kiosk.rating.steps import CONTACT, FIELDS, KEYBOARDS, RETRYABLE, RStep, Survey
from shared.contract import feedback_requests as requests
from shared.contract.feedback_requests import TEXT_LIMIT, contact_problems


class ComplaintForm:
    step: RStep
    survey: Survey | None
    values: dict[str, str]
    errors: dict[str, str]
    focused: str | None
    busy: bool
    kind: str
    problem: str | None
    complaint_number: str | None
    _complaint_attempt: tuple[str, str] | None
    sender: Any
    options: Any

    def _changed(self) -> None:
        raise NotImplementedError

    def touch(self) -> None:
        raise NotImplementedError

    def submit_code(self) -> None:
        raise NotImplementedError

    # --- the complaint -----------------------------------------------------------------------

    def set_kind(self, kind: str) -> None:
        if kind in ("complaint", "suggestion") and kind != self.kind:
            self.kind = kind
            self._changed()

    def _contact(self) -> dict[str, str]:
        return {
            "name": self.values["r_name"].strip(),
            "email": self.values["r_email"].strip().lower(),
            "phone": re.sub(r"[ ().-]", "", self.values["r_phone"]),  # as the guestbook tidies it
        }

    def _complaint_errors(self) -> dict[str, str]:
        text = self.values["r_text"].strip()
        errors = {"r_text": "empty"} if not text else {"r_text": "too_long"} if len(text) > TEXT_LIMIT else {}
        by_field = {v: k for k, v in CONTACT.items()}
        errors.update({by_field[f]: code for f, code in contact_problems(**self._contact()).items()})
        return errors

    def submit_complaint(self) -> None:
        if self.step != RStep.COMPLAINT or self.busy:
            return
        self.errors = self._complaint_errors()
        if self.errors:
            self.focused = next(f for f in FIELDS if f in self.errors)
            self._changed()
            return
        survey = self.survey or Survey(None)
        text, kind, via, contact = self.values["r_text"].strip(), self.kind, self.options.via, self._contact()

        def build() -> Body:
            return requests.complaint(
                text, kind, via, contact, rating_ref=survey.ref, ticket=survey.code, day=survey.day
            )

        # "Kirim" again after a timeout resends the same complaint under the same request_id, so
        # the hub stores it once however many times the answer was lost.
        key = json.dumps(build(), sort_keys=True)
        if self._complaint_attempt is None or self._complaint_attempt[0] != key:
            self._complaint_attempt = (key, uuid.uuid4().hex)
        self.busy, self.focused = True, None
        self.sender.send(build, self._complained, self._complaint_refused, self._complaint_attempt[1])
        self._changed()

    def _complained(self, answer: Body) -> None:
        self.busy = False
        if self.step == RStep.COMPLAINT:
            self.complaint_number, self.step = str(answer.get("complaint", "")), RStep.DONE
            self._complaint_attempt = None
            self.values = dict.fromkeys(FIELDS, "")  # personal data: forgotten once sent
            self.touch()
            self._changed()

    def _complaint_refused(self, code: str) -> None:
        self.busy = False
        if self.step != RStep.COMPLAINT:
            return
        if code in RETRYABLE:
            self.errors = {"form": f"hub.{code}"}  # what was typed stays: "Kirim" again
        else:
            self.problem, self.step = code, RStep.PROBLEM
        self._changed()

    def complain_after_problem(self) -> None:
        """From the problem screen (say, already rated): the complaint form for the same ticket."""
        if self.step == RStep.PROBLEM and self.problem_allows_complaint:
            self.step, self.errors = RStep.COMPLAINT, {}
            self._changed()

    @property
    def problem_allows_complaint(self) -> bool:
        return self.problem in ("already_rated", "rating_closed", "unknown_rating")

    # --- typing ------------------------------------------------------------------------------

    def set_field(self, name: str, value: str) -> None:
        if name not in self.values:
            raise ValueError(f"unknown field {name!r}")
        if self.values[name] == value:
            return
        self.values[name] = value
        self.errors.pop(name, None)
        self.errors.pop("form", None)
        self._changed()

    def focus(self, name: str | None) -> None:
        if name != self.focused:
            self.focused = name
            self._changed()

    def blur(self, name: str) -> None:
        if self.focused == name:
            self.focus(None)

    def enter(self, name: str) -> None:
        """Enter (a USB scanner ends with it) or the keyboard's "next" on the last field."""
        if name == "r_code":
            self.submit_code()
        elif name in FIELDS:
            later = FIELDS[FIELDS.index(name) + 1 :]
            self.focus(later[0] if later else None)

    @property
    def keyboard_layout(self) -> str | None:
        if self.focused is None:
            return None
        return KEYBOARDS.get(self.focused, "text")
