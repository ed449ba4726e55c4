"""The spoken guide: with it on (the "read aloud" button, or ``[kiosk] spoken_guide = "on"``), the
kiosk reads each screen's question aloud with espeak-ng, in the visitor's language.

What is said comes from the kiosk's word catalogue only (``speak.*``, the problem screen's lines)
and the ticket code: never a name, ID number, email, phone or anything else typed. A new screen
stops the sentence still being read. ``EspeakVoice`` (``kiosk.guide_voice``) is the audio edge,
which reports whether the guide is heard (``kiosk.guide_health``); tests pass a recorder.
``ScreenGuide`` decides what to say and when, from the view-model's state. No Kivy here.
"""

from __future__ import annotations

from typing import Protocol

from kiosk import texts, view
from kiosk.flow import Step
from kiosk.guide_voice import EspeakVoice
from kiosk.rating.steps import RStep
from kiosk.viewmodel import KioskViewModel
from shared.domain.spoken_words import spoken_code

__all__ = ["EspeakVoice", "ScreenGuide", "Voice", "question"]


class Voice(Protocol):
    def say(self, text: str, language: str) -> None:
        """Start reading ``text`` aloud (not waiting for the end), stopping what was being read."""
        ...

    def stop(self) -> None: ...


def question(vm: KioskViewModel) -> str:
    """What the guide says for the screen shown now ("" for nothing)."""
    lang = vm.language
    step = vm.step
    if step == Step.WELCOME:
        if vm.closed is not None:
            return f"{view.closed_text(vm, 'title')}. {view.closed_text(vm, 'reopens')}"
        return texts.t(lang, "speak.welcome")
    if step == Step.PRIORITY:
        return texts.t(lang, "speak.priority_service" if vm.category_chosen else "speak.priority")
    if step == Step.TICKET and vm.ticket is not None:
        code = spoken_code(vm.ticket.code) if lang == "id" else vm.ticket.code.replace("-", " ")
        key = "speak.ticket" if vm.printed or vm.issue.reprinting else "speak.ticket_not_printed"
        return texts.t(lang, key, code=code)
    if step == Step.PROBLEM:
        what, todo = view.notice_lines(vm)
        return f"{texts.t(lang, 'problem.title')}. {what} {todo}"
    if step == Step.RATING:
        return texts.t(lang, "speak.rating") if vm.rating.step == RStep.CODE else ""
    if step in (Step.FORM, Step.RETURNING, Step.PREFILL, Step.CONSENT, Step.ISSUING):
        return texts.t(lang, f"speak.{step.value}")
    return ""


class ScreenGuide:
    """Reads each screen's question when it first shows (or the language changes) while the
    visitor has the guide on; turning it off stops the voice at once."""

    def __init__(self, vm: KioskViewModel, voice: Voice) -> None:
        self.vm = vm
        self.voice = voice
        self._said: tuple[object, ...] | None = None
        vm.subscribe(self.changed)

    def changed(self) -> None:
        vm = self.vm
        if not vm.spoken_guide:
            if self._said is not None:
                self.voice.stop()
                self._said = None
            return
        ticket = vm.ticket.code if vm.ticket else None
        shown = (vm.step, vm.rating.step, vm.category_chosen, vm.language, ticket, vm.printed, vm.notice)
        if shown == self._said:
            return
        self._said = shown
        text = question(vm)
        if text:
            self.voice.say(text, vm.language)
