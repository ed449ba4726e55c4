"""Finds text that a visitor could not read on the window as drawn: a label whose text is bigger
than its box (cut), text outside the window, and text boxes overlapping each other."""

from __future__ import annotations

from typing import Any

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in window pixels
SLACK = 2.0


def _visible(widget: Any) -> bool:
    node = widget
    while node is not None and node is not node.parent:
        if getattr(node, "opacity", 1) <= 0 or (getattr(node, "disabled", False) and node.opacity < 1):
            return False
        node = node.parent
    return widget.width > SLACK and widget.height > SLACK


def _box(widget: Any) -> Box:
    x0, y0 = widget.to_window(widget.x, widget.y)
    return x0, y0, x0 + widget.width, y0 + widget.height


def _clip(box: Box, clip: Box) -> Box | None:
    x0, y0 = max(box[0], clip[0]), max(box[1], clip[1])
    x1, y1 = min(box[2], clip[2]), min(box[3], clip[3])
    return (x0, y0, x1, y1) if x1 - x0 > SLACK and y1 - y0 > SLACK else None


def scroll_parent(widget: Any) -> Any:
    from kivy.uix.scrollview import ScrollView

    node = widget.parent
    while node is not None and node is not node.parent:
        if isinstance(node, ScrollView):
            return node
        node = node.parent
    return None


def visible_box(widget: Any) -> tuple[int, ...] | None:
    """The part of ``widget`` a visitor can see (clipped by its scroll view), in window pixels."""
    box: Box | None = _box(widget)
    scroll = scroll_parent(widget)
    if scroll is not None and box is not None:
        box = _clip(box, _box(scroll))
    return tuple(round(v) for v in box) if box else None


def _name(widget: Any) -> str:
    text = " ".join(str(getattr(widget, "text", "")).split())
    return f"{type(widget).__name__}({text[:40]!r})"


def problems(root: Any) -> list[str]:
    from kivy.uix.label import Label
    from kivy.uix.textinput import TextInput

    width, height = root.get_root_window().size
    window: Box = (0, 0, width, height)
    found: list[str] = []
    boxes: list[tuple[Any, Box]] = []
    for widget in root.walk(restrict=True):
        if not isinstance(widget, Label | TextInput) or not _visible(widget):
            continue
        if isinstance(widget, Label) and not widget.text.strip():
            continue
        box = _box(widget)
        scroll = scroll_parent(widget)
        if scroll is not None:
            shown = _clip(box, _box(scroll))
            if shown is None:
                continue  # scrolled out of view: the visitor scrolls to it
            box = shown
        elif box[0] < -SLACK or box[1] < -SLACK or box[2] > width + SLACK or box[3] > height + SLACK:
            found.append(f"{_name(widget)} lies outside the window at {tuple(round(v) for v in box)}")
            box = _clip(box, window) or box
        if isinstance(widget, Label) and not widget.markup and widget.text_size[0]:
            room = widget.text_size[0]
            for word in set(widget.text.split()):
                if widget._label.get_extents(word)[0] > room + SLACK:
                    found.append(f"{_name(widget)} breaks the word {word!r} (wider than {room:.0f})")
        if isinstance(widget, Label):
            tw, th = widget.texture_size
            if tw > widget.width + SLACK or th > widget.height + SLACK:
                found.append(
                    f"{_name(widget)} is cut: text {tw}x{th} in a box {widget.width:.0f}x{widget.height:.0f}"
                )
        boxes.append((widget, box))
    for i, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[i + 1 :]:
            if _clip(box_a, box_b) is not None:
                found.append(f"{_name(a)} overlaps {_name(b)}")
    return found
