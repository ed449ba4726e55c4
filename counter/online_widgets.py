"""The online-requests panel's widgets built in Python: the side panel's tab buttons, the list of
requests (rows kept by number and reused, like the waiting list's chips), the channel buttons, and
the two panes that hand what was typed to the view-model. Their looks are in ``screens/online.kv``.
"""

from __future__ import annotations

from typing import Any

from kivy.app import App
from kivy.factory import Factory
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.screenmanager import NoTransition, ScreenManager

from counter.view_online import OnlineRowView
from counter.widgets import CButton


class SidePanel(ScreenManager):
    """The desk's side panel: ``page`` (``queue``, ``online`` or ``form``) picks the screen shown.
    Not ``current`` straight from kv: kv sets properties before the screens are added."""

    page = StringProperty("queue")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(transition=NoTransition(), **kwargs)

    def on_kv_post(self, _base: Any) -> None:
        self._show()

    def on_page(self, _instance: Any, _page: str) -> None:
        self._show()

    def _show(self) -> None:
        if self.has_screen(self.page) and self.current != self.page:
            self.current = self.page


class TabButton(CButton):
    """A tab of the side panel; an inactive one takes the colour of what waits behind it."""

    active = BooleanProperty(False)
    level = StringProperty("")


class ChannelButton(CButton):
    channel = StringProperty("")
    active = BooleanProperty(False)


class OnlineRow(ButtonBehavior, BoxLayout):
    """One request: number, badge and due date; channel, masked contact, state; the subject."""

    number = StringProperty("")
    level = StringProperty("")  # "" | "overdue" | "due_today"
    badge = StringProperty("")
    due = StringProperty("")
    detail = StringProperty("")
    subject = StringProperty("")
    selected = BooleanProperty(False)

    def show(self, row: OnlineRowView) -> None:
        self.level, self.badge, self.due = row.level, row.badge, row.due
        self.detail, self.subject, self.selected = row.detail, row.subject, row.selected

    def on_release(self) -> None:
        App.get_running_app().vm.online.select(self.number)


class OnlineList(BoxLayout):
    """The rows of ``app.view.online.rows``, then a line for "none" or "+N more"."""

    rows = ObjectProperty((), allownone=True, rebind=True)
    empty = StringProperty("")

    def __init__(self, **kwargs: Any) -> None:
        self._rows: dict[str, OnlineRow] = {}
        self._note: Any = None
        super().__init__(**kwargs)

    def on_rows(self, _instance: Any, rows: tuple[OnlineRowView, ...] | None) -> None:
        wanted = []
        for row in rows or ():
            widget = self._rows.get(row.number)
            if widget is None:
                widget = Factory.OnlineRow(number=row.number)
                widget.dump_id = f"online_row_{row.number}"
                self._rows[row.number] = widget
            widget.show(row)
            wanted.append(widget)
        self._rows = {w.number: w for w in wanted}
        if self._note is None:
            self._note = Factory.OnlineNote()
        self._note.text = self.empty
        wanted.append(self._note)
        if list(reversed(self.children)) != wanted:
            self.clear_widgets()
            for widget in wanted:
                self.add_widget(widget)

    def on_empty(self, _instance: Any, text: str) -> None:
        if self._note is not None:
            self._note.text = text

    def dump_texts(self) -> list[str]:
        """Each row as one line, top to bottom (for the app's widget dump)."""
        return [f"{r.number} {r.badge} | {r.due} | {r.detail} | {r.subject}" for r in self._shown()]

    def dump_details(self) -> list[dict[str, Any]]:
        return [
            {"number": r.number, "level": r.level, "badge": r.badge, "selected": r.selected, "due": r.due}
            for r in self._shown()
        ]

    def _shown(self) -> list[OnlineRow]:
        return [w for w in reversed(self.children) if isinstance(w, OnlineRow)]


class OnlineListPane(BoxLayout):
    """The list, and the actions on the selected request with their optional text."""

    def act(self, action: str) -> None:
        App.get_running_app().vm.online.act(action, self.ids.online_text.text)

    def fields(self) -> list[Any]:
        return [self.ids.online_text]


class OnlineFormPane(BoxLayout):
    """The form for a new request: channel buttons, contact, subject, complete since."""

    def submit(self) -> None:
        ids = self.ids
        App.get_running_app().vm.online.submit_form(
            ids.online_contact.text, ids.online_subject.text, ids.online_complete.text
        )

    def fields(self) -> list[Any]:
        return [self.ids.online_contact, self.ids.online_subject, self.ids.online_complete]
