"""Waiting for the GPU (or the software renderer) to finish a frame, without holding the GIL.

A software renderer (Mesa's llvmpipe, on a desk PC without a GPU) or an offscreen window never
blocks at the buffer swap: without a wait, frames pile up in the renderer, and the next upload
into a texture that a queued frame still uses (a label whose text changed) waits until all of
them are rasterised, on Kivy's main thread. ``finish_gl`` is ``glFinish`` called through ctypes,
which releases the GIL while it waits, so the MQTT thread can read the next message meanwhile;
Kivy's own ``kivy.graphics.opengl.glFinish`` holds it. On a GPU a frame is done in a millisecond
and the wait costs nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

_functions: dict[str, Callable[[], object]] = {}


def _load(name: str) -> Callable[[], object]:
    # libGL (GLVND) dispatches to the context current on this thread, whether GLX or EGL made it.
    library = ctypes.util.find_library("GL") or "libGL.so.1"
    try:
        function = getattr(ctypes.CDLL(library), name)
    except (OSError, AttributeError):
        log.info("no %s to call %s through; using Kivy's (holds the GIL)", library, name)
        from kivy.graphics import opengl

        return getattr(opengl, name)  # type: ignore[no-any-return]
    function.restype = None
    function.argtypes = []
    return function  # type: ignore[no-any-return]


def _call(name: str) -> None:
    function = _functions.get(name)
    if function is None:
        function = _functions[name] = _load(name)
    function()


def finish_gl() -> None:
    """``glFinish`` on the current GL context, the GIL released while it waits."""
    _call("glFinish")
