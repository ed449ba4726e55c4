"""What a visitor chooses on the kiosk besides the service: the priority lane (its category, or
none said) and how the screens are shown to them ("Aa": large text and high contrast; the spoken
guide). A part of ``KioskViewModel`` (it inherits these), kept apart by concern; the state itself is
reset with the rest of the visit in ``KioskViewModel._reset``."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.flow import Step
from kiosk.options import KioskOptions
from kiosk.touch.ports import Lane
from shared.domain.priority import PRIORITY_CATEGORIES


class VisitorChoices:
    # Provided by KioskViewModel.
    options: KioskOptions
    step: Step
    lane: Lane
    category_chosen: bool
    focused: str | None
    large_text: bool
    spoken_guide: bool
    changed: Callable[[], None]
    check_hours: Callable[[], bool]
    choose_service: Callable[[str], None]

    # --- the priority lane -----------------------------------------------------------------

    def start_priority(self) -> None:
        """ "Layanan prioritas" on the welcome screen: which of the categories (or none said)."""
        if self.check_hours():
            return
        self.step, self.lane, self.category_chosen, self.focused = Step.PRIORITY, Lane(True), False, None
        self.changed()

    def choose_category(self, category: str | None) -> None:
        """The visitor's category (``None``: they would rather not say); nothing is checked. With
        one service straight on to the guestbook, with more the service next."""
        if category is not None and category not in PRIORITY_CATEGORIES:
            raise ValueError(f"unknown priority category {category!r}")
        if self.step != Step.PRIORITY:
            return
        self.lane = Lane(True, category)
        if len(self.options.services) == 1:
            self.choose_service(self.options.services[0].prefix)
            return
        self.category_chosen = True
        self.changed()

    # --- the visitor's display choices -------------------------------------------------------

    def toggle_large_text(self) -> None:
        """Larger type and high-contrast colours on every screen, until the visit ends."""
        self.large_text = not self.large_text
        self.changed()

    def toggle_spoken_guide(self) -> None:
        """Each screen's question read aloud (``kiosk.spoken_guide``), until the visit ends."""
        if self.options.spoken_guide != "off":
            self.spoken_guide = not self.spoken_guide
            self.changed()
