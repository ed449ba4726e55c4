"""What the counter's widgets show, as JSON-ready data: the text, enabled flag and visibility of
every widget with a kv ``id`` (or a ``dump_id`` for widgets built in Python), on every screen and
in an open chooser. Tests and the bench assert on this, not on the view-model, so they check what
an officer actually sees. Call on Kivy's main thread.
"""

from __future__ import annotations

from typing import Any

from kivy.core.window import Window
from kivy.uix.widget import Widget


def _names(roots: list[Widget]) -> dict[int, str]:
    names: dict[int, str] = {}
    for root in roots:
        for widget in root.walk(restrict=False):
            for name, child in widget.ids.items():
                names[id(child.__self__)] = name
    return names


def visible(widget: Widget) -> bool:
    """Drawn and not hidden: in the window, and neither it nor a parent is transparent or flat."""
    if widget.get_root_window() is None:
        return False
    node: Any = widget
    while node is not None and node is not Window:
        if getattr(node, "opacity", 1) <= 0 or getattr(node, "height", 1) <= 0:
            return False
        node = node.parent
    return True


def describe(widget: Widget) -> dict[str, Any]:
    entry: dict[str, Any] = {"type": type(widget).__name__, "visible": visible(widget)}
    x, y = widget.to_window(*widget.pos)
    # Inside the window (a row that grew past its edge leaves its last widgets out of sight).
    entry["on_screen"] = (
        x >= -1
        and y >= -1
        and x + widget.width <= Window.width + 1
        and y + widget.height <= Window.height + 1
    )
    if hasattr(widget, "text"):
        entry["text"] = str(widget.text)
    if entry.get("text") and hasattr(widget, "texture_size"):
        # The drawn text inside the widget (a button's label spilling over its edge is cut off).
        tw, th = widget.texture_size
        entry["fits"] = tw <= widget.width + 1 and th <= widget.height + 1
        if hasattr(widget, "font_size"):  # a line of Roboto is ~1.17 font sizes high
            entry["one_line"] = th < 1.6 * float(widget.font_size)
    if hasattr(widget, "disabled"):
        entry["enabled"] = not widget.disabled
    if hasattr(widget, "dump_texts"):
        entry["items"] = widget.dump_texts()
    if hasattr(widget, "dump_details"):
        entry["details"] = widget.dump_details()
    return entry


def dump(app: Any) -> dict[str, Any]:
    manager = app.root
    roots: list[Widget] = list(manager.screens) + [w for w in Window.children if w is not manager]
    names = _names(roots)
    widgets: dict[str, Any] = {}
    for root in roots:
        for widget in root.walk(restrict=False):
            name = getattr(widget, "dump_id", None) or names.get(id(widget))  # dump_id: one per row
            if name:
                widgets[name] = describe(widget)
    return {
        "screen": manager.current,
        "size": list(Window.size),
        "chooser_open": app.chooser is not None,
        "dialog_open": getattr(app, "dialog", None) is not None,
        "widgets": widgets,
    }


def shown_texts(data: dict[str, Any]) -> str:
    """Every visible text of a dump, one string (for "never shown" checks)."""
    parts = []
    for entry in data["widgets"].values():
        if entry.get("visible"):
            parts.append(entry.get("text", ""))
            parts += entry.get("items", [])
    return "\n".join(parts)
