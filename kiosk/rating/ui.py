"""The rating screens for a Kivy app: load their ``.kv`` files and add them to a screen manager.
Both the desk's rating screen (``kiosk.rating.app``) and the kiosk use them; the app provides
``rt`` (texts), ``rui`` (values from the view-model), ``rvm`` (the ``RatingViewModel``) and
``toggle_rating_language``, besides what the kiosk's ``common.kv`` needs (``u``, ``fit``, ...)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kiosk.rating.viewmodel import RStep

SCREENS_DIR = Path(__file__).with_name("screens")
KIOSK_COMMON = Path(__file__).parents[1] / "screens" / "common.kv"  # as kiosk.app names it
SCREEN_CLASSES = {
    RStep.IDLE: "RatingIdleScreen",
    RStep.CODE: "RatingCodeScreen",
    RStep.FACES: "RatingFacesScreen",
    RStep.ELEMENT: "RatingElementScreen",
    RStep.COMPLAINT: "RatingComplaintScreen",
    RStep.DONE: "RatingDoneScreen",
    RStep.THANKS: "RatingThanksScreen",
    RStep.PROBLEM: "RatingProblemScreen",
}


def load_screens() -> None:
    """Load the kiosk's common looks and the rating screens (once per process)."""
    from kivy.lang import Builder

    from kiosk import widgets  # noqa: F401  (KioskInput, KButton for the .kv files)
    from kiosk.rating import widgets as rating_widgets  # noqa: F401  (FaceButton, ...)

    rest = sorted(p for p in SCREENS_DIR.glob("*.kv") if p.name != "rcommon.kv")
    for path in [KIOSK_COMMON, SCREENS_DIR / "rcommon.kv", *rest]:
        if str(path) not in Builder.files:
            Builder.load_file(str(path))


def add_screens(manager: Any, steps: tuple[RStep, ...] = tuple(RStep)) -> None:
    from kivy.factory import Factory

    for step in steps:
        manager.add_widget(Factory.get(SCREEN_CLASSES[step])(name=step.value))
