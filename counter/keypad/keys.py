"""Keystrokes of a USB numeric keypad, from a terminal (raw bytes) or a Linux input device (evdev),
turned into the keypad's key names: ``enter``, ``+``, ``-``, ``*``, ``/``, ``.``, ``0``-``9``.

A keypad is a keyboard, so on a desk PC its keys arrive wherever the terminal is; with
``--device /dev/input/eventN`` they are read from the device itself and grabbed, so they do not
also type into whatever window has the focus.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

# What a terminal sends for the keypad in "application keypad" mode (ESC O x); in the usual
# numeric mode the keys arrive as the plain characters.
_SS3 = {
    "M": "enter",
    "k": "+",
    "m": "-",
    "j": "*",
    "o": "/",
    "n": ".",
    **{chr(ord("p") + n): str(n) for n in range(10)},
}
_PLAIN = {"\r": "enter", "\n": "enter", ",": "."}  # some locales' keypad decimal key gives ","
QUIT = "quit"  # Ctrl-D or q on a terminal
_EVDEV = {
    "KEY_KPENTER": "enter",
    "KEY_ENTER": "enter",
    "KEY_KPPLUS": "+",
    "KEY_KPMINUS": "-",
    "KEY_KPASTERISK": "*",
    "KEY_KPSLASH": "/",
    "KEY_KPDOT": ".",
    "KEY_KPCOMMA": ".",
    **{f"KEY_KP{n}": str(n) for n in range(10)},
}


def decode(data: bytes) -> list[str]:
    """Key names in ``data``; escape sequences other than the keypad's (arrows with NumLock off,
    function keys) are skipped whole."""
    text = data.decode("latin-1")
    keys: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\x1b":
            if text[i + 1 : i + 2] == "O" and i + 2 < len(text):
                if text[i + 2] in _SS3:
                    keys.append(_SS3[text[i + 2]])
                i += 3
                continue
            if text[i + 1 : i + 2] == "[":
                j = i + 2
                while j < len(text) and not "\x40" <= text[j] <= "\x7e":
                    j += 1
                i = j + 1
                continue
            i += 1
            continue
        if char in ("\x04", "q", "Q"):
            keys.append(QUIT)
        elif char in _PLAIN:
            keys.append(_PLAIN[char])
        elif char.isdigit() or char in "+-*/.":
            keys.append(char)
        elif char.isprintable():
            keys.append(char)  # unused, but reported so the officer sees the key did arrive
        i += 1
    return keys


def terminal_keys(stream: BinaryIO | None = None) -> Iterator[str]:
    """Keys from stdin (or ``stream``): raw single keys from a terminal (cbreak mode, restored
    after), or bytes from a pipe. Ends at end of input or a quit key."""
    fd = (stream or sys.stdin.buffer).fileno()
    with _cbreak(fd):
        while True:
            data = os.read(fd, 64)
            if not data:
                return
            for key in decode(data):
                if key == QUIT:
                    return
                yield key


@contextlib.contextmanager
def _cbreak(fd: int) -> Iterator[None]:
    if not os.isatty(fd):
        yield
        return
    import termios
    import tty

    saved = termios.tcgetattr(fd)
    try:
        # One key at a time, no echo; Ctrl-C still stops the process. TCSANOW, not the default
        # TCSAFLUSH: a key pressed while the keypad was starting is kept, not thrown away.
        tty.setcbreak(fd, termios.TCSANOW)
        yield
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def device_keys(path: str, on_ready: Callable[[], None] | None = None) -> Iterator[str]:
    """Key presses from a Linux input device (needs python-evdev and read access to the device)."""
    try:
        import evdev  # type: ignore[import-not-found]
    except ImportError as exc:
        raise RuntimeError("reading a keypad device needs python-evdev: pip install evdev") from exc
    device: Any = evdev.InputDevice(path)
    device.grab()  # the keys are ours: they must not also type into the focused window
    try:
        if on_ready is not None:
            on_ready()
        for event in device.read_loop():
            if event.type != evdev.ecodes.EV_KEY or event.value != 1:  # key down only, no repeats
                continue
            names = evdev.ecodes.KEY.get(event.code, ())
            for name in names if isinstance(names, list) else [names]:
                if name in _EVDEV:
                    yield _EVDEV[name]
                    break
    finally:
        with contextlib.suppress(OSError):
            device.ungrab()
