"""The on-screen keyboard's layouts as plain data (no Kivy): the rows of keys for each kind of field
and the names of the special keys, which scripted visitors in the tests press too.
"""

from __future__ import annotations

from collections.abc import Sequence

# Special keys; every other key types its own text.
SHIFT, BACKSPACE, SPACE, HIDE, NEXT = "<shift>", "<backspace>", "<space>", "<hide>", "<next>"
# (key, relative width); None is an empty gap.
Row = Sequence[tuple[str | None, float]]


def _keys(chars: str) -> list[tuple[str | None, float]]:
    return [(c, 1.0) for c in chars]


LAYOUTS: dict[str, list[Row]] = {
    "text": [
        _keys("1234567890"),
        _keys("qwertyuiop"),
        [(None, 0.5), *_keys("asdfghjkl"), (None, 0.5)],
        [(SHIFT, 1.5), *_keys("zxcvbnm,."), (BACKSPACE, 1.5)],
        [(HIDE, 1.5), ("-", 1.0), (SPACE, 4.5), ("/", 1.0), (NEXT, 2.0)],
    ],
    "email": [
        _keys("1234567890"),
        _keys("qwertyuiop"),
        [*_keys("asdfghjkl"), ("_", 1.0)],
        [(SHIFT, 1.5), *_keys("zxcvbnm-."), (BACKSPACE, 1.5)],
        [(HIDE, 1.5), ("@", 1.0), (".com", 1.5), (".co.id", 1.5), ("@gmail.com", 2.5), (NEXT, 2.0)],
    ],
    "numeric": [
        [*_keys("123"), (BACKSPACE, 1.5)],
        [*_keys("456"), (HIDE, 1.5)],
        [*_keys("789"), (NEXT, 1.5)],
        [(None, 1.0), ("0", 1.0), (None, 1.0), (None, 1.5)],
    ],
    "phone": [
        [*_keys("123"), (BACKSPACE, 1.5)],
        [*_keys("456"), (HIDE, 1.5)],
        [*_keys("789"), (NEXT, 1.5)],
        [("+", 1.0), ("0", 1.0), (None, 1.0), (None, 1.5)],
    ],
}
# How wide a layout may grow, in scaled pixels: a number pad needs no full-width keys.
MAX_WIDTH = {"text": 1600.0, "email": 1600.0, "numeric": 760.0, "phone": 760.0}
