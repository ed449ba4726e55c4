"""The text boxes of the kiosk and of the rating screen, bound to their view-model: what the
view-model holds is shown, what is typed goes back, Enter moves on, the docked keyboard follows.

A mixin for the two Kivy apps. The app provides ``vm`` (``set_field``, ``focus``, ``blur``,
``language``, ``keyboard_layout``), ``sm`` (the screen manager), ``keyboard``, ``u`` (the layout
unit), ``focused_field()`` and ``_next_field()``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.clock import Clock


class FormBinding:
    vm: Any
    sm: Any
    keyboard: Any
    u: float
    # True while a change comes from a widget: the view-model's echo must not move the focus back.
    _from_widget: bool = False

    def focused_field(self) -> str | None:
        raise NotImplementedError

    def _next_field(self) -> None:
        raise NotImplementedError

    def inputs(self, screen: Any) -> list[Any]:
        from kiosk.widgets import KioskInput

        return [w for w in screen.walk(restrict=True) if isinstance(w, KioskInput)]

    def sync_inputs(self, current: Any, value_of: Callable[[str], str]) -> None:
        """Every box shows its field's value; only the view-model's focused field on the screen
        shown has the focus; the keyboard takes the view-model's language and layout."""
        for screen in self.sm.screens:
            for box in self.inputs(screen):
                value = value_of(box.field)
                if box.text != value:
                    box.text = value
                if not self._from_widget:
                    wanted = screen is current and self.focused_field() == box.field
                    if box.focus != wanted:
                        box.focus = wanted
        self.keyboard.language = self.vm.language
        self.keyboard.layout = self.vm.keyboard_layout or ""
        if self.vm.keyboard_layout is None:
            self.keyboard.target = None

    # --- widgets -> view-model (called by KioskInput) ------------------------------------------

    def input_focus(self, box: Any, focused: bool) -> None:
        if focused:
            self.keyboard.target = box
            self._from_widget = True
            try:
                self.vm.focus(box.field)
            finally:
                self._from_widget = False
            Clock.schedule_once(lambda _dt: self._scroll_to(box), 0.1)
        else:
            Clock.schedule_once(lambda _dt: self._blurred(box), 0)

    def _blurred(self, box: Any) -> None:
        if not box.focus and self.focused_field() == box.field:
            self.vm.blur(box.field)

    def input_text(self, box: Any, text: str) -> None:
        if self.sm.current_screen is None or box not in self.inputs(self.sm.current_screen):
            return  # a screen in the background being cleared
        self._from_widget = True
        try:
            self.vm.set_field(box.field, text)
        finally:
            self._from_widget = False

    def input_enter(self, box: Any) -> None:
        self.keyboard.target = box
        self._next_field()

    def _hide_keyboard(self) -> None:
        if self.keyboard.target is not None:
            self.keyboard.target.focus = False
        self.vm.focus(None)

    def _scroll_to(self, box: Any) -> None:
        scroll = self.sm.current_screen.ids.get("scroll") if self.sm.current_screen else None
        if scroll is not None and box.focus and box in self.inputs(self.sm.current_screen):
            scroll.scroll_to(box.parent, padding=self.u * 20, animate=False)
