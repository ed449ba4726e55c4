"""The rating survey's screens for a touch app: load their ``.kv`` files and add them to a screen
manager. The desk's rating screen (``kiosk.rating.ui``) shows them all; the kiosk embeds them
behind "Beri penilaian / Sampaikan pengaduan". The app provides ``rt`` (texts), ``rui`` (values
from the view-model), ``rvm`` (the ``RatingViewModel``) and ``toggle_rating_language``, besides
what the toolkit's ``common.kv`` needs (``u``, ``fit``, ``other_language_name``, ...)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kiosk.rating.steps import RStep
from kiosk.touch.app_base import load_kv

SCREENS_DIR = Path(__file__).with_name("screens")
SCREEN_CLASSES = {
    RStep.IDLE: "RatingIdleScreen",
    RStep.CODE: "RatingCodeScreen",
    RStep.FACES: "RatingFacesScreen",
    RStep.ELEMENT: "RatingElementScreen",
    RStep.PROFILE: "RatingProfileScreen",
    RStep.COMPLAINT: "RatingComplaintScreen",
    RStep.DONE: "RatingDoneScreen",
    RStep.THANKS: "RatingThanksScreen",
    RStep.PROBLEM: "RatingProblemScreen",
}


def load_screens() -> None:
    """Load the toolkit's common looks, the rating's (``rcommon.kv``) and its screens (once per
    process)."""
    from kiosk.rating import widgets  # noqa: F401  (registers FaceButton, AnswerButton, ...)

    rest = sorted(p for p in SCREENS_DIR.glob("*.kv") if p.name != "rcommon.kv")
    load_kv([SCREENS_DIR / "rcommon.kv", *rest])


def add_screens(manager: Any, steps: tuple[RStep, ...] = tuple(RStep)) -> None:
    from kivy.factory import Factory

    for step in steps:
        manager.add_widget(Factory.get(SCREEN_CLASSES[step])(name=step.value))
