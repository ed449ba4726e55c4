"""The kiosk as a Kivy app: its screens (``screens/*.kv``, one per screen, the kiosk's looks in
``common.kv`` on top of the touch toolkit's) and the rating survey's, over the docked keyboard,
bound to a ``KioskViewModel``. Their texts come from the view-model through ``tr`` and ``ui`` (the
survey's through ``rt`` and ``rui``), re-evaluated when ``rev`` moves. Imported by
``kiosk.app.main`` once Kivy's environment is prepared.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from kiosk import texts, view
from kiosk.flow import Step
from kiosk.rating import survey_screens
from kiosk.rating import texts as rating_texts
from kiosk.rating import view as rating_view
from kiosk.rating.viewmodel import RatingViewModel, RStep
from kiosk.scanner import ScanBuffer
from kiosk.touch.app_base import TouchApp, load_kv
from kiosk.viewmodel import KioskViewModel

SCREENS_DIR = Path(__file__).with_name("screens")
SCREENS = {
    Step.WELCOME: "WelcomeScreen",
    Step.FORM: "FormScreen",
    Step.RETURNING: "ReturningScreen",
    Step.PREFILL: "PrefillScreen",
    Step.CONSENT: "ConsentScreen",
    Step.ISSUING: "IssuingScreen",
    Step.TICKET: "TicketScreen",
    Step.PROBLEM: "ProblemScreen",
}
# What the keyboard's "next" (or Enter) does on the last field of a screen.
_LAST_FIELD_ACTION: dict[Step, Callable[[KioskViewModel], None]] = {
    Step.FORM: lambda vm: vm.submit_form(),
    Step.RETURNING: lambda vm: vm.returning.submit_lookup(),
    Step.PREFILL: lambda vm: vm.returning.submit_prefill(),
}
BACKGROUND = (0.96, 0.97, 0.98, 1)


class KioskApp(TouchApp):
    def __init__(self, vm: KioskViewModel, *, screenshot: Path | None = None, **kwargs: Any) -> None:
        super().__init__(vm, title="Antre", screenshot=screenshot, **kwargs)

    # --- used by the .kv files -----------------------------------------------------------------

    def tr(self, key: str, _lang: str = "") -> str:
        if not key or key.endswith("."):
            return ""  # a widget whose key is not set yet (while Kivy builds it)
        return texts.t(self.vm.language, key)

    def ui(self, name: str, _rev: float = 0) -> Any:
        return view.ui_value(self.vm, name)

    # The rating screens (kiosk.rating.survey_screens) ask for these.
    @property
    def rvm(self) -> RatingViewModel:
        return self.vm.rating

    def rt(self, key: str, _lang: str = "") -> str:
        return rating_texts.t(self.vm.rating.language, key) if key and not key.endswith(".") else ""

    def rui(self, name: str, _rev: float = 0) -> Any:
        return rating_view.ui_value(self.vm.rating, name)

    def toggle_rating_language(self) -> None:
        self.vm.rating.toggle_language()
        self.vm.set_language(self.vm.rating.language)

    # --- building ------------------------------------------------------------------------------

    def build(self) -> Any:
        from kivy.core.window import Window
        from kivy.factory import Factory
        from kivy.uix.screenmanager import NoTransition, ScreenManager

        from kiosk import widgets  # noqa: F401  (registers FieldBox and ServiceButton for the .kv files)

        load_kv([SCREENS_DIR / "common.kv", *sorted(SCREENS_DIR.glob("*.kv"))])
        self.watch_window(BACKGROUND)
        # A ticket's QR scanned at the welcome screen opens its rating without a tap first.
        # Kept on the app: Kivy binds methods weakly.
        self._scans = ScanBuffer(self.vm.scanned, lambda: self.vm.step == Step.WELCOME)
        Window.bind(on_textinput=self._scans.on_textinput, on_key_down=self._scans.on_key_down)
        self.lang = self.vm.language
        self.sm = ScreenManager(transition=NoTransition())
        for step, class_name in SCREENS.items():
            self.sm.add_widget(Factory.get(class_name)(name=step.value))
        survey_screens.load_screens()
        survey_screens.add_screens(self.sm, tuple(s for s in RStep if s != RStep.IDLE))
        services = self.sm.get_screen(Step.WELCOME.value).ids.services
        for service in self.vm.options.services:
            services.add_widget(Factory.ServiceButton(service=service.prefix, service_name=service.name))
        root = self.dock_keyboard()
        self.start_view_model()
        return root

    # --- view-model -> widgets -------------------------------------------------------------------

    def _on_vm_change(self) -> None:
        vm = self.vm
        self.lang = vm.language
        self.rev += 1
        shown = vm.rating.step.value if vm.step == Step.RATING else vm.step.value
        if self.sm.current != shown:
            self.sm.current = shown
        self.sync_inputs(self.sm.get_screen(shown), lambda name: str(view.ui_value(vm, f"value.{name}")))

    def focused_field(self) -> str | None:
        return self.vm.active_focus

    def _next_field(self) -> None:
        boxes = self.inputs(self.sm.current_screen)
        target = self.keyboard.target
        if self.vm.step == Step.RATING:
            if target is not None:
                self.vm.rating.enter(target.field)  # the next field, or the code checked (a scanner's Enter)
            return
        later = boxes[boxes.index(target) + 1 :] if target in boxes else []
        if later:
            later[0].focus = True
            return
        action = _LAST_FIELD_ACTION.get(self.vm.step)
        if action:
            action(self.vm)
