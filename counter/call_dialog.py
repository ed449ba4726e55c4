"""The out-of-order dialog and the parked visitors' row: counter widgets whose children follow the
data. The officer picks a waiting ticket (priority ones marked) and a reason, then confirms; the
dialog sends nothing itself (``on_confirm`` is the app's ``vm.press("call_ticket", ...)``). Their
looks (``<CallDialog>``, ``<ParkedEntry>``, ...) are in ``screens/actions.kv``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.app import App
from kivy.factory import Factory
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.modalview import ModalView

from counter.view import CallChoice, CounterView, ParkedView
from counter.widgets import CButton

# Properties are declared here rather than in kv dynamic classes (see counter.widgets).


class PickButton(CButton):
    """One choice of the dialog (a ticket or a reason): ``picked`` shows the officer's choice."""

    code = StringProperty("")
    picked = BooleanProperty(False)
    priority = BooleanProperty(False)


class ParkedEntry(BoxLayout):
    code = StringProperty("")


class CallDialog(ModalView):
    """Pick a waiting ticket and a reason; ``Panggil A-012`` is offered once both are picked."""

    view = ObjectProperty(None, rebind=True)  # the app's CounterView, kept current by ``show``
    ticket = StringProperty("")
    reason = StringProperty("")
    on_confirm: Callable[[str, str], None] | None = None

    def on_kv_post(self, _base: Any) -> None:
        self._shown: tuple[tuple[CallChoice, ...], tuple[tuple[str, str], ...]] | None = None
        self.show(self.view)

    def show(self, view: CounterView) -> None:
        """The view changed (the queue moved, the language): rebuild the choices if they did, and
        drop a picked ticket that no longer waits."""
        self.view = view
        if "tickets" not in self.ids:
            return
        if self.ticket not in {c.code for c in view.call_choices}:
            self.ticket = ""  # called by another desk meanwhile, or nobody waits any more
        wanted = (view.call_choices, view.call_reasons)
        if wanted != self._shown:
            self._shown = wanted
            self._build(view)
        self._mark()

    def _build(self, view: CounterView) -> None:
        tickets, reasons = self.ids.tickets, self.ids.reasons
        tickets.clear_widgets()
        for choice in view.call_choices:
            button = Factory.CallTicketButton(text=choice.label, code=choice.code, priority=choice.priority)
            button.dump_id = f"ooo_ticket_{choice.code}"
            button.bind(on_release=lambda _b, c=choice.code: self.pick_ticket(c))
            tickets.add_widget(button)
        reasons.clear_widgets()
        for reason, words in view.call_reasons:
            button = Factory.CallReasonButton(text=words, code=reason)
            button.dump_id = f"ooo_reason_{reason}"
            button.bind(on_release=lambda _b, r=reason: self.pick_reason(r))
            reasons.add_widget(button)

    def _mark(self) -> None:
        for button in self.ids.tickets.children:
            button.picked = button.code == self.ticket
        for button in self.ids.reasons.children:
            button.picked = button.code == self.reason

    def pick_ticket(self, code: str) -> None:
        self.ticket = code
        self._mark()

    def pick_reason(self, reason: str) -> None:
        self.reason = reason
        self._mark()

    def confirm(self) -> None:
        if not (self.ticket and self.reason):
            return
        ticket, reason = self.ticket, self.reason
        self.dismiss(animation=False)  # at once: a fading dialog would still swallow taps
        if self.on_confirm is not None:
            self.on_confirm(ticket, reason)


class ParkedList(BoxLayout):
    """The visitors parked at the desk, each with "Lanjutkan" (resume) and "Ke antrean" (return)."""

    parked = ObjectProperty((), allownone=True, rebind=True)

    def on_parked(self, _instance: Any, parked: tuple[ParkedView, ...] | None) -> None:
        parked = parked or ()
        entries = {entry.code: entry for entry in self.children[:-1]}  # the first child is the title
        if list(entries) != [p.code for p in reversed(parked)]:
            for entry in entries.values():
                self.remove_widget(entry)
            entries = {}
            for item in parked:
                entry = Factory.ParkedEntry(code=item.code)
                entry.ids.resume.dump_id = f"resume_{item.code}"
                entry.ids.back.dump_id = f"return_{item.code}"
                entry.ids.code_label.dump_id = f"parked_{item.code}"
                entry.ids.resume.bind(on_release=lambda _b, c=item.code: self._resume(c))
                entry.ids.back.bind(on_release=lambda _b, c=item.code: self._return(c))
                self.add_widget(entry)
                entries[item.code] = entry
        for item in parked:
            entry = entries[item.code]
            entry.ids.resume.disabled = not item.resume_enabled
            entry.ids.back.disabled = not item.return_enabled

    def _resume(self, code: str) -> None:
        App.get_running_app().vm.press("resume", ticket=code)

    def _return(self, code: str) -> None:
        App.get_running_app().vm.press("return", ticket=code)

    def dump_texts(self) -> list[str]:
        """The parked codes, left to right (for the app's widget dump)."""
        return [entry.code for entry in reversed(self.children[:-1])]
