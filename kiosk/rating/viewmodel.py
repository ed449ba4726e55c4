"""Step 6 of the standard as plain Python: the visitor rates the service, then may complain.

faces (one tap, 1-5) -> the nine SKM elements, one per page (1-4) -> the respondent profile (sex,
age, education, occupation; one per page, only after an element was answered) -> complaint or
suggestion -> its number -> "Terima kasih". Every step can be skipped; each score is sent as it is
given (the first begins the rating, the rest carry its ``rating_ref``, ``kiosk.rating.sender``);
the profile is sent once, when the visitor leaves it (or the survey ends); a minute without a touch
ends the survey and keeps what was given. A desk's rating screen starts from the
retained prompt (``on_prompt``); the kiosk starts from a typed or scanned ticket (``begin_code``)
or a complaint without a ticket. The complaint form is a part it holds (``complaint``,
``kiosk.rating.complaint_form``). No Kivy here: the apps bind widgets to this object.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from kiosk.rating.complaint_form import ComplaintForm
from kiosk.rating.options import RatingOptions
from kiosk.rating.sender import Body, Job, Sender
from kiosk.rating.steps import FIELDS, KEYBOARDS, FeedbackPort, RStep, Survey
from kiosk.touch.texts import other_language
from shared.contract import feedback_requests as requests
from shared.contract.feedback_requests import parse_ticket_text
from shared.contract.records import RatePrompt
from shared.domain import skm, skm_profile
from shared.texts import LANGUAGES

__all__ = ["RStep", "RatingViewModel", "Survey"]

log = logging.getLogger(__name__)
SURVEY_STEPS = (RStep.FACES, RStep.ELEMENT, RStep.PROFILE, RStep.COMPLAINT)  # a refusal shows here


class RatingViewModel:
    def __init__(
        self,
        options: RatingOptions,
        hub: FeedbackPort,
        *,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        run_background: Callable[[Job], Any] | None = None,
        post: Callable[[Job], Any] | None = None,
        new_id: Callable[[], str] | None = None,
        on_end: Callable[[], None] | None = None,
    ) -> None:
        self.options = options
        self._clock, self._now = clock, now
        self._on_end = on_end
        self.sender = Sender(hub.feedback, run_background or (lambda j: j()), post or (lambda j: j()), new_id)
        self._listeners: list[Callable[[], None]] = []
        self._seen_prompts: set[str] = set()
        self._asked: set[tuple[str, str | None]] = set()  # tickets this device asked about
        self._pending: RatePrompt | None = None  # a prompt that came while a survey ran
        self.language = options.language
        self._last_activity = clock()
        self.complaint = ComplaintForm(self)
        self._reset()

    # --- observing ---------------------------------------------------------------------------

    def subscribe(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def changed(self) -> None:
        """Tell the listeners (the app's widgets, or the kiosk's view-model) the state changed."""
        for listener in list(self._listeners):
            listener()

    def _reset(self) -> None:
        self.step = RStep.IDLE
        self.survey: Survey | None = None
        self.element_index = 0
        self.given: dict[str, int] = {}  # what this visitor gave: overall, u1..u9
        self.profile_index = 0
        self.profile: dict[str, str] = {}  # the respondent profile given so far (sent on leaving it)
        self.values = dict.fromkeys(FIELDS, "")
        self.errors: dict[str, str] = {}  # field (or "form") -> a code
        self.focused: str | None = None
        self.busy = False  # a ticket check or a complaint on its way
        self.complaint.reset()
        self.problem: str | None = None  # the hub's code on the problem screen

    # --- starting ----------------------------------------------------------------------------

    def on_prompt(self, prompt: RatePrompt) -> bool:
        """A retained ``rate/{desk}/prompt``: start the survey if it is new, fresh and has a ticket."""
        code, day = prompt.ticket, prompt.day.isoformat() if prompt.day else None
        if not code:
            self._pending = None  # the desk's last visitor was rated (or no longer asked)
            return False
        if prompt.prompt_id in self._seen_prompts or (code, day) in self._asked or self._too_old(prompt.at):
            return False
        self._seen_prompts.add(prompt.prompt_id)
        if self.step in (RStep.IDLE, RStep.THANKS):
            self._start(Survey(code, day, prompt.desk_name or ""))
        else:
            self._pending = prompt
        return True

    def _too_old(self, at: datetime) -> bool:
        return (self._now() - at).total_seconds() > self.options.prompt_max_age_s

    def _start(self, survey: Survey) -> None:
        self._reset()
        self.survey, self.step = survey, RStep.FACES
        if survey.code:
            self._asked.add((survey.code, survey.day))
        self.touch()
        self.changed()

    def begin_code(self, language: str | None = None) -> None:
        """The kiosk's "give a rating / make a complaint": the ticket code field, focused."""
        self._reset()
        self.language = language or self.language
        self.step, self.focused = RStep.CODE, "r_code"
        self.touch()
        self.changed()

    def submit_code(self) -> None:
        if self.step != RStep.CODE or self.busy:
            return
        ticket = parse_ticket_text(self.values["r_code"])
        if ticket is None:
            self.errors = {"r_code": "not_a_code"}
            self.changed()
            return
        self.busy, self.errors, self.focused = True, {}, None
        self.sender.send(lambda: requests.rating_check(ticket), self._checked, self._check_refused)
        self.changed()

    def _checked(self, answer: Body) -> None:
        self.busy = False
        if self.step == RStep.CODE:
            self._start(Survey(answer["ticket"], answer.get("day"), str(answer.get("desk_name") or "")))

    def _check_refused(self, code: str) -> None:
        self.busy = False
        if self.step == RStep.CODE:
            self.errors, self.focused = {"r_code": f"hub.{code}"}, "r_code"
            self.changed()

    def complain_without_ticket(self) -> None:
        if self.step == RStep.CODE and not self.busy:
            self._reset()
            self.survey, self.step = Survey(None), RStep.COMPLAINT
            self.changed()

    # --- the faces and the nine elements -------------------------------------------------------

    @property
    def element(self) -> skm.Element:
        return skm.ELEMENTS[self.element_index]

    def rate_overall(self, score: int) -> None:
        if self.step != RStep.FACES or score not in skm.OVERALL_SCALE:
            return
        self.step, self.element_index = RStep.ELEMENT, 0  # before sending: a refusal may move on
        self._give("overall", score)
        self.changed()

    def answer(self, score: int) -> None:
        if self.step != RStep.ELEMENT or score not in skm.SCALE:
            return
        key = self.element.key
        self._next_element()
        self._give(key, score)
        self.changed()

    def _next_element(self) -> None:
        if self.element_index + 1 < len(skm.ELEMENTS):
            self.element_index += 1
        elif any(key in self.given for key in skm.ELEMENT_KEYS):
            self.step, self.profile_index = RStep.PROFILE, 0  # a respondent: who they are, if they like
        else:
            self.step = RStep.COMPLAINT

    # --- the respondent profile ----------------------------------------------------------------

    @property
    def profile_item(self) -> skm_profile.Item:
        return skm_profile.ITEMS[self.profile_index]

    def answer_profile(self, index: int) -> None:
        """The visitor tapped answer ``index`` (1-based) of the item shown."""
        if self.step != RStep.PROFILE or not 1 <= index <= len(self.profile_item.answers):
            return
        self.profile[self.profile_item.key] = self.profile_item.answers[index - 1].key
        self._next_profile_item()
        self.changed()

    def _next_profile_item(self) -> None:
        if self.profile_index + 1 < len(skm_profile.ITEMS):
            self.profile_index += 1
        else:
            self._leave_profile()

    def skip_profile(self) -> None:
        """ "Lewati semua": the rest of the profile unanswered; what was given is sent."""
        if self.step == RStep.PROFILE:
            self._leave_profile()
            self.changed()

    def _leave_profile(self) -> None:
        self.step = RStep.COMPLAINT
        self._send_profile()

    def _send_profile(self) -> None:
        survey, profile = self.survey, dict(self.profile)
        self.profile = {}
        if survey is None or not profile:
            return

        def build() -> Body | None:
            if survey.refused or survey.ref is None:
                return None
            return requests.rating_profile(survey.ref, profile)

        self.sender.send(build, lambda _answer: None, lambda code: self._rating_refused(survey, False, code))

    def _give(self, key: str, score: int) -> None:
        """Send one score now: the first begins the rating, the others add to it."""
        survey = self.survey
        assert survey is not None and survey.code is not None
        self.given[key] = score
        first, survey.begun = not survey.begun, True
        code, via = survey.code, self.options.via

        def build() -> Body | None:
            if first:
                return requests.rating_begin(code, survey.day, via, key, score)
            if survey.refused or survey.ref is None:
                return None  # the first score was refused: the hub would refuse these too
            return requests.rating_more(survey.ref, key, score)

        def done(answer: Body) -> None:
            if first:
                survey.ref = answer.get("rating_ref")

        self.sender.send(build, done, lambda code: self._rating_refused(survey, first, code))

    def _rating_refused(self, survey: Survey, first: bool, code: str) -> None:
        log.info("rating: the hub refused a score: %s", code)
        if first:
            survey.refused = True
        if survey is self.survey and self.step in SURVEY_STEPS:
            if self.step == RStep.COMPLAINT and self.busy:
                return  # the complaint is on its way: it says how it went
            self.problem, self.step, self.focused = code, RStep.PROBLEM, None
            self.changed()

    def skip(self) -> None:
        """ "Lewati": on to the next step, nothing sent for this one."""
        if self.busy:
            return
        if self.step == RStep.FACES:
            self.step, self.element_index = RStep.ELEMENT, 0
            self.changed()
        elif self.step == RStep.ELEMENT:
            self._next_element()
            self.changed()
        elif self.step == RStep.PROFILE:
            self._next_profile_item()
            self.changed()
        elif self.step in (RStep.COMPLAINT, RStep.DONE):
            self.step, self.focused = RStep.THANKS, None
            self.changed()
        else:
            self.end()

    # --- language, ending, idle ----------------------------------------------------------------

    def set_language(self, language: str) -> None:
        if language in LANGUAGES and language != self.language:
            self.language = language
            self.changed()

    def toggle_language(self) -> None:
        self.set_language(other_language(self.language))

    def to_thanks(self) -> None:
        if self.step in (RStep.DONE, RStep.COMPLAINT) and not self.busy:
            self.step, self.focused = RStep.THANKS, None
            self.changed()

    def end(self) -> None:
        """The survey is over (what was given stays given): the idle screen, or back to the kiosk."""
        if self.step == RStep.PROFILE:
            self._send_profile()  # the answers tapped before the visitor walked away
        self._reset()
        if self.options.via == "kiosk":
            if self._on_end is not None:
                self._on_end()
            return
        pending, self._pending = self._pending, None
        if pending is not None and pending.ticket and not self._too_old(pending.at):
            day = pending.day.isoformat() if pending.day else None
            self._start(Survey(pending.ticket, day, pending.desk_name or ""))
            return
        self.changed()

    def touch(self) -> None:
        self._last_activity = self._clock()

    # --- typing --------------------------------------------------------------------------------

    def set_field(self, name: str, value: str) -> None:
        if name not in self.values:
            raise ValueError(f"unknown field {name!r}")
        if self.values[name] == value:
            return
        self.values[name] = value
        self.errors.pop(name, None)
        self.errors.pop("form", None)
        self.changed()

    def focus(self, name: str | None) -> None:
        if name != self.focused:
            self.focused = name
            self.changed()

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

    def tick(self) -> None:
        """About once a second: a minute without a touch ends the survey; "Terima kasih" goes sooner."""
        if self.busy:
            return
        idle = self._clock() - self._last_activity
        if self.step == RStep.IDLE:
            if self.language != self.options.language and idle >= self.options.idle_timeout_s:
                self.language = self.options.language
                self.changed()
            return
        limit = self.options.thanks_s if self.step == RStep.THANKS else self.options.idle_timeout_s
        if idle >= limit:
            self.end()
