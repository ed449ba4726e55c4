"""The welcome screen's big choices: a card per service and the priority lane's, laid out by
``WelcomeChoices`` in the room the screen has left (``kiosk.card_fit`` decides the columns, the
rows' height, the text's size and the priority subtitle). Importing this module imports Kivy."""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.core.text import Label as CoreLabel
from kivy.core.text.markup import MarkupLabel
from kivy.properties import BooleanProperty, NumericProperty, StringProperty
from kivy.uix.layout import Layout
from kivy.utils import escape_markup

from kiosk import texts
from kiosk.card_fit import CardText, Plan, plan_cards
from kiosk.touch.palette import LARGE_TEXT_SCALE
from kiosk.touch.widgets import KButton


def card_markup(title: str, subtitle: str, title_px: float, subtitle_px: float) -> str:
    return (
        f"[size={int(title_px)}]{escape_markup(title)}[/size]\n"
        f"[size={int(subtitle_px)}]{escape_markup(subtitle)}[/size]"
    )


class ChoiceCard(KButton):
    """A big choice: its name over one line of what it does. ``WelcomeChoices`` sets its text's
    ``scale`` and, for the priority lane, ``short`` (the shorter subtitle)."""

    scale = NumericProperty(1.0)
    short = BooleanProperty(False)

    def card(self, lang: str, u: float) -> CardText:
        raise NotImplementedError

    def compose(self, lang: str, u: float, landscape: bool, *_deps: Any) -> str:
        card = self.card(lang, u)
        title_px = u * (36 if landscape else 42) * self.scale
        return card_markup(card.title, card.sub(self.short), title_px, card.subtitle_px * self.scale)


class ServiceButton(ChoiceCard):
    """A service (on the welcome and the priority screens; its looks are in ``welcome.kv``)."""

    service = StringProperty("")
    service_name = StringProperty("")
    service_name_en = StringProperty("")  # shown while the kiosk speaks English ("": the name)

    def card(self, lang: str, u: float) -> CardText:
        name = self.service_name_en if lang == "en" and self.service_name_en else self.service_name
        return CardText(name, texts.t(lang, "welcome.take_number"), u * 28)


class PriorityButton(ChoiceCard):
    """The priority lane, as large as a service: a choice, not a link."""

    def card(self, lang: str, u: float) -> CardText:
        return CardText(
            texts.t(lang, "welcome.priority"),
            texts.t(lang, "welcome.priority_who"),
            u * 24,
            texts.t(lang, "welcome.priority_who_short"),
        )


class WelcomeChoices(Layout):
    """The cards in rows of equal height, an unfinished last row centred. ``room`` is the height
    the screen leaves them (kv); the layout takes only what it needs of it, ``fits`` says whether
    it could (else it takes more and the screen scrolls rather than cut a text)."""

    room = NumericProperty(0)
    spacing = NumericProperty(0)
    shown = BooleanProperty(True)
    fits = BooleanProperty(True)
    # The greeting and the unit's name (kv) give their room to the choices where they need it:
    # ``spare`` is their height, ``compact`` says they are hidden.
    spare = NumericProperty(0)
    compact = BooleanProperty(False)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._plans: dict[tuple[Any, ...], Plan] = {}
        self.fbind("room", self._trigger_layout)
        self.fbind("spacing", self._trigger_layout)
        self.fbind("shown", self._trigger_layout)
        self.fbind("spare", self._trigger_layout)
        app = App.get_running_app()
        if app is not None:
            app.fbind("lang", self._trigger_layout)
            app.fbind("u", self._trigger_layout)
            app.fbind("landscape", self._trigger_layout)

    def do_layout(self, *_args: Any) -> None:
        app = App.get_running_app()
        cards = [c for c in reversed(self.children) if isinstance(c, ChoiceCard)]
        if app is None or not cards or not self.shown:
            self.height = 0
            return
        full = self.room - (self.spare if self.compact else 0)  # the room with the greeting shown
        plan = self.plan(cards, app, full)
        compact = False
        if self.spare > 0:  # hide the greeting where that lets the choices keep their text
            tighter = self.plan(cards, app, full + self.spare)
            if _quality(tighter, self.spacing) > _quality(plan, self.spacing):
                plan, compact = tighter, True
        self.compact = compact
        self.fits = plan.fits
        self.height = plan.height(self.spacing)
        top = self.top
        for index, card in enumerate(cards):
            row, col = divmod(index, plan.cols)
            in_row = min(plan.cols, len(cards) - row * plan.cols)
            left = self.x + (self.width - in_row * plan.col_width - (in_row - 1) * self.spacing) / 2
            card.scale, card.short = plan.scale, plan.short
            card.even_height = plan.row_height
            card.size_hint = (None, None)
            card.size = (plan.col_width, plan.row_height)
            card.pos = (
                left + col * (plan.col_width + self.spacing),
                top - (row + 1) * plan.row_height - row * self.spacing,
            )

    def plan(self, cards: list[ChoiceCard], app: Any, room: float) -> Plan:
        found = [c.card(app.lang, app.u) for c in cards]
        key = (tuple(found), round(self.width), round(room), app.u, app.landscape, app.large, self.spacing)
        if key not in self._plans:
            measure = _Measure(cards[0])
            self._plans[key] = plan_cards(
                found,
                self.width,
                room,
                app.u,
                app.landscape,
                self.spacing,
                measure,
                LARGE_TEXT_SCALE if app.large else 1.0,
            )
        return self._plans[key]


def _quality(plan: Plan, spacing: float) -> tuple[bool, float, bool, float]:
    """Better: fits; then (where neither does) less to scroll; then the full subtitle, larger text."""
    overflow = 0.0 if plan.fits else plan.height(spacing) - plan.room
    return plan.fits, -overflow, not plan.short, plan.scale


class _Measure:
    """The height of a card's text as its button draws it (the same font, wrap and line height)."""

    def __init__(self, like: KButton) -> None:
        self.options = {
            "font_name": like.font_name,
            "bold": like.bold,
            "halign": like.halign,
            "line_height": like.line_height,
        }

    def __call__(
        self, title: str, subtitle: str, title_px: float, sub_px: float, wrap: float
    ) -> float | None:
        if wrap <= 0:
            return None
        for text, px in ((title, title_px), (subtitle, sub_px)):
            word_label = CoreLabel(font_size=int(px), **self.options)
            if any(word_label.get_extents(word)[0] > wrap for word in text.split()):
                return None  # it would break inside a word
        label = MarkupLabel(
            text=card_markup(title, subtitle, title_px, sub_px), text_size=(wrap, None), **self.options
        )
        label.refresh()
        return float(label.texture.size[1]) if label.texture is not None else 0.0
