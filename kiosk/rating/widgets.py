"""The rating screens' own widgets (their looks are in ``screens/rcommon.kv``). Importing this
module creates Kivy's window, so the apps import it only once the window is configured."""

from __future__ import annotations

from kivy.properties import BooleanProperty, ColorProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from kiosk.touch.widgets import KButton

# Very unhappy .. very happy: red to green, and the mouth from a frown (-1) to a smile (1).
FACE_TINTS = {
    1: (0.85, 0.26, 0.22, 1),
    2: (0.95, 0.56, 0.22, 1),
    3: (0.98, 0.80, 0.28, 1),
    4: (0.58, 0.79, 0.32, 1),
    5: (0.22, 0.66, 0.36, 1),
}
FACE_MOUTHS = {1: -1.0, 2: -0.5, 3: 0.0, 4: 0.5, 5: 1.0}


class FaceButton(ButtonBehavior, BoxLayout):
    """One of the five faces, drawn on the canvas (no emoji font needed), with its words under it."""

    score = NumericProperty(3)
    tint = ColorProperty(FACE_TINTS[3])
    mouth = NumericProperty(0.0)
    natural_height = NumericProperty(0)  # the face and its words
    row_height = NumericProperty(0)  # the tallest of the row, so the faces line up at the top

    def on_score(self, _instance: object, score: float) -> None:
        self.tint = FACE_TINTS.get(int(score), FACE_TINTS[3])
        self.mouth = FACE_MOUTHS.get(int(score), 0.0)


class AnswerButton(KButton):
    """One of an SKM element's four answers (1 worst .. 4 best)."""

    score = NumericProperty(1)


class ProfileButton(KButton):
    """One answer of a respondent-profile item (``index`` 1-based); unused ones are hidden."""

    index = NumericProperty(1)
    shown = BooleanProperty(True)


class KindButton(KButton):
    """Complaint or suggestion."""

    kind = StringProperty("complaint")
    selected = BooleanProperty(False)


class RFieldBox(BoxLayout):
    """A rating screen's field: its label, its text box and, under it in red, what is wrong."""

    field = StringProperty("")
    label_key = StringProperty("")
    hint_key = StringProperty("")
    multiline = BooleanProperty(False)
    row_height = NumericProperty(0)  # the height of the tallest box beside it, to line up with it
