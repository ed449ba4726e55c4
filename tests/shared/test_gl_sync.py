"""``shared.kivy_base.gl_sync.finish_gl``: glFinish through ctypes (the GIL released), in a real
offscreen Kivy window with a frame drawn."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CODE = """
import ctypes
from shared.kivy_base.window import prepare_environment
prepare_environment()
from kivy.core.window import Window
from kivy.graphics import Color, Rectangle
from shared.kivy_base import gl_sync
with Window.canvas:
    Color(0.2, 0.4, 0.6, 0.5)
    Rectangle(pos=(0, 0), size=Window.size)
Window.dispatch('on_draw')
gl_sync.finish_gl()  # on the main thread, whose context the window made current
print('finished', isinstance(gl_sync._functions['glFinish'], ctypes._CFuncPtr))
"""


def test_finish_gl_goes_through_ctypes_on_a_real_window(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANTRE_", "KIVY_"))}
    env.update(SDL_VIDEODRIVER="offscreen", KIVY_HOME=str(tmp_path / "kivy"), PYTHONPATH=str(ROOT))
    done = subprocess.run(
        [sys.executable, "-c", CODE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )
    assert done.returncode == 0, done.stderr[-2000:]
    # A ctypes function (it releases the GIL while it waits), not Kivy's glFinish (which holds it).
    assert done.stdout.split()[-2:] == ["finished", "True"], done.stdout
