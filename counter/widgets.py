"""Counter widgets built in Python because their children follow the data: the waiting list and
the transfer chooser. Their looks (``<WaitingChip>``, ``<SectionTitle>``, ...) are in the .kv files.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.app import App
from kivy.factory import Factory
from kivy.properties import BooleanProperty, ColorProperty, ListProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.modalview import ModalView
from kivy.uix.stacklayout import StackLayout

from counter.view import ButtonView, SectionView

# Properties are declared here rather than in kv dynamic classes: a kv-declared property starts
# as None, and the canvas and text rules would be evaluated with it once before the value lands.


class CButton(ButtonBehavior, Label):
    """A flat button: a Label with button behaviour and one rounded rectangle (see common.kv).
    Not a kivy Button: its transparent background image would still be blended on every frame,
    and on a software-rendered desk PC every blended pixel counts."""

    bg = ColorProperty([0.05, 0.33, 0.62, 1])
    fg = ColorProperty([1, 1, 1, 1])


class DeskAction(CButton):
    """A queue action; ``bv`` (from ``app.view``) gives its label, shortcut and enabled flag."""

    action = StringProperty("")
    bv = ObjectProperty(ButtonView("", "", "", False), rebind=True)


class Banner(Label):
    kind = StringProperty("")


class SectionTitle(BoxLayout):
    text = StringProperty("")
    count = StringProperty("")


class SectionIdle(Label):
    """The line under a service's title while a desk serving it is idle and visitors wait."""

    mine = BooleanProperty(False)


class WaitingChip(Label):
    code = StringProperty("")
    clock = StringProperty("")
    level = StringProperty("")
    priority = BooleanProperty(False)
    idle = StringProperty("")  # minutes waited while a desk serving the queue was idle


class _Block:
    """One service in the waiting list: its title, its chips, the "+N more" line."""

    def __init__(self, owner: BoxLayout) -> None:
        gap = App.get_running_app().u * 8
        self.title = Factory.SectionTitle()
        self.idle = Factory.SectionIdle()
        self.chips = StackLayout(size_hint_y=None, height=0, spacing=gap, padding=[0, 0, 0, gap])
        self.chips.bind(minimum_height=self.chips.setter("height"))
        self.more = Factory.SectionMore()
        for widget in (self.title, self.idle, self.chips, self.more):
            owner.add_widget(widget)

    def show(self, section: SectionView) -> None:
        self.title.text, self.title.count, self.more.text = section.title, section.count, section.more
        self.idle.text, self.idle.mine = section.idle, section.idle_mine
        self.idle.dump_id = f"waiting_idle_{section.service}"
        by_code = {chip.code: chip for chip in self.chips.children}
        wanted = []
        for chip in section.chips:
            widget = by_code.pop(chip.code, None)
            if widget is None:
                widget = Factory.WaitingChip(code=chip.code)
            widget.clock, widget.level, widget.priority = chip.clock, chip.level, chip.priority
            widget.idle = chip.idle
            wanted.append(widget)
        if list(reversed(self.chips.children)) != wanted:
            self.chips.clear_widgets()
            for widget in wanted:
                self.chips.add_widget(widget)
        if not wanted:
            self.chips.height = 0


class WaitingList(BoxLayout):
    """The waiting tickets of the desk's services, one block per service.

    Chips are kept by ticket code and reused: when the queue moves by one, one chip goes and one
    comes, instead of every label being drawn again (a label's texture costs milliseconds)."""

    sections = ObjectProperty((), allownone=True, rebind=True)

    def __init__(self, **kwargs: Any) -> None:
        self._blocks: dict[str, _Block] = {}
        super().__init__(**kwargs)

    def on_sections(self, _instance: Any, sections: tuple[SectionView, ...] | None) -> None:
        sections = sections or ()
        if list(self._blocks) != [s.title for s in sections]:
            self.clear_widgets()
            self._blocks = {s.title: _Block(self) for s in sections}
        for section in sections:
            self._blocks[section.title].show(section)

    def dump_details(self) -> list[dict[str, str]]:
        """Each chip's code, clock and colour level (for the app's widget dump)."""
        return [
            {
                "code": chip.code,
                "clock": chip.clock,
                "level": chip.level,
                "priority": chip.priority,
                "idle": chip.idle,
            }
            for block in self._blocks.values()
            for chip in reversed(block.chips.children)
        ]

    def dump_texts(self) -> list[str]:
        """What the list shows, top to bottom (for the app's widget dump)."""
        shown: list[str] = []
        for block in self._blocks.values():
            shown.append(block.title.display_text)
            shown += [chip.display_text for chip in reversed(block.chips.children)]
            if block.more.text:
                shown.append(block.more.text)
        return shown


class TransferChooser(ModalView):
    """Pick the service to transfer the visitor to: a button per service (keys 1-9), Esc cancels."""

    title = StringProperty("")
    targets = ListProperty([])  # [(prefix, label)]
    on_choose: Callable[[str], None] | None = None

    def on_kv_post(self, _base: Any) -> None:
        self._build()

    def on_targets(self, _instance: Any, _targets: list[tuple[str, str]]) -> None:
        if "choices" in self.ids:  # set in the constructor, before the kv rule made the box
            self._build()

    def _build(self) -> None:
        box = self.ids.choices
        box.clear_widgets()
        for prefix, label in self.targets:
            button = Factory.TransferButton(text=label)
            button.dump_id = f"transfer_{prefix}"
            button.bind(on_release=lambda _b, p=prefix: self.choose(p))
            box.add_widget(button)

    def choose(self, prefix: str) -> None:
        self.dismiss(animation=False)  # at once: a fading chooser would still swallow taps
        if self.on_choose is not None:
            self.on_choose(prefix)

    def choose_number(self, number: int) -> bool:
        if 1 <= number <= len(self.targets):
            self.choose(self.targets[number - 1][0])
            return True
        return False
