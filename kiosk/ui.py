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
    Step.PRIORITY: "PriorityScreen",
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
        self._services_rev = vm.services_rev  # the buttons built match this count of service changes

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

    def rating_button_text(self, lang: str) -> str:
        """The welcome screen's way into the survey, in the kiosk's language (the survey keeps its
        own language, which the button's press hands over)."""
        return rating_texts.t(lang or self.vm.language, "start")

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
        self._build_service_buttons()
        root = self.dock_keyboard()
        # "Aa" and "read aloud", one tap away under every screen (low: in reach from a wheelchair).
        self.access_bar = Factory.AccessBar()
        root.add_widget(self.access_bar, index=1)
        self.start_view_model()
        return root

    def _build_service_buttons(self) -> None:
        """One button per service on the welcome and priority screens (again when the hub's
        ``site/services`` changes them: a service added or switched off on the console)."""
        from kivy.factory import Factory

        self._services_rev = self.vm.services_rev
        english = self.vm.options.names_en

        def button(service: Any) -> Any:
            name_en = english.get(service.prefix, "")
            return Factory.ServiceButton(
                service=service.prefix, service_name=service.name, service_name_en=name_en
            )

        services = self.sm.get_screen(Step.WELCOME.value).ids.services
        services.clear_widgets()
        for service in self.vm.options.services:
            services.add_widget(button(service))
        services.add_widget(Factory.PriorityButton())  # as large as a service: a choice, not a link
        lane_services = self.sm.get_screen(Step.PRIORITY.value).ids.services
        lane_services.clear_widgets()
        for service in self.vm.options.services:
            lane_services.add_widget(button(service))

    # --- view-model -> widgets -------------------------------------------------------------------

    def _on_vm_change(self) -> None:
        vm = self.vm
        if vm.services_rev != self._services_rev:
            self._build_service_buttons()
        self.lang = vm.language
        self.large = vm.large_text
        self.rev += 1
        shown = vm.rating.step.value if vm.step == Step.RATING else vm.step.value
        if self.sm.current != shown:
            self.sm.current = shown
            # A screen shown anew starts at its top, whatever the last visitor scrolled to (and
            # however "Aa" has resized it since): its first field then gets into view.
            scroll = self.sm.current_screen.ids.get("scroll")
            if scroll is not None:
                _to_top(scroll)
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


def _to_top(scroll: Any) -> None:
    """Show a scroll view from its top, with nothing left of an earlier drag: Kivy's scroll effect
    keeps the height a drag began at and its speed, and would carry a stale one over the new
    content (taller since "Aa"), pulling the view back down."""
    effect = scroll.effect_y
    if effect is not None:
        effect.is_manual = False
        effect.velocity = 0
    scroll.scroll_y = 1
    scroll._update_effect_bounds()  # the effect's range and value for the content as it is now
