"""The desk's rating screen as a Kivy app: the survey's screens (``survey_screens``) over the docked
keyboard, bound to a ``RatingViewModel``. Their texts come through ``rt`` and ``rui``, re-evaluated
when ``rev`` moves. Imported by ``kiosk.rating.app.main`` once Kivy's environment is prepared.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kiosk.rating import survey_screens, texts, view
from kiosk.rating.viewmodel import RatingViewModel, RStep
from kiosk.touch.app_base import TouchApp

BACKGROUND = (0.96, 0.97, 0.98, 1)
SCREENS = (
    RStep.IDLE, RStep.FACES, RStep.ELEMENT, RStep.PROFILE, RStep.COMPLAINT, RStep.DONE, RStep.THANKS,
    RStep.PROBLEM,
)  # fmt: skip


class RatingApp(TouchApp):
    def __init__(self, vm: RatingViewModel, *, screenshot: Path | None = None, **kwargs: Any) -> None:
        super().__init__(vm, title="Antre - penilaian", screenshot=screenshot, **kwargs)

    # --- used by the .kv files -----------------------------------------------------------------

    @property
    def rvm(self) -> RatingViewModel:
        return self.vm

    def rt(self, key: str, _lang: str = "") -> str:
        return texts.t(self.vm.language, key) if key and not key.endswith(".") else ""

    def rui(self, name: str, _rev: float = 0) -> Any:
        return view.ui_value(self.vm, name)

    def toggle_rating_language(self) -> None:
        self.vm.toggle_language()

    # --- building ------------------------------------------------------------------------------

    def build(self) -> Any:
        from kivy.uix.screenmanager import NoTransition, ScreenManager

        survey_screens.load_screens()
        self.watch_window(BACKGROUND)
        self.sm = ScreenManager(transition=NoTransition())
        survey_screens.add_screens(self.sm, SCREENS)
        root = self.dock_keyboard()
        self.start_view_model()
        return root

    def _on_vm_change(self) -> None:
        vm = self.vm
        self.lang = vm.language
        self.rev += 1
        if self.sm.current != vm.step.value:
            self.sm.current = vm.step.value
        self.sync_inputs(self.sm.current_screen, lambda field: vm.values.get(field, ""))

    def focused_field(self) -> str | None:
        return self.vm.focused

    def _next_field(self) -> None:
        target = self.keyboard.target
        if target is not None:
            self.vm.enter(target.field)
