"""Run the REAL counter app under a remote control, for whole-app tests and the bench:

    python -m tests.counter.harness --config antre.toml --desk 1 [--size 1366x768] [--lang en]

Reads one JSON request per line on stdin, runs it on Kivy's main thread, and writes one JSON
answer per line on stdout (everything else the process prints goes to stderr):

    {"op": "dump"}                              what the widgets show (``tests.counter.dump``)
    {"op": "tap", "id": "btn_next"}             a real touch (UnitTestTouch) at the widget's centre
    {"op": "key", "key": "f1"}                  a key press (f1, enter, escape, a letter, a digit)
    {"op": "text", "id": "pin_input", "text": "246813"}   type into a text field
    {"op": "focus", "id": "online_text"}        give a text field the keyboard
    {"op": "settle"}                            answers once the next frame is drawn (layouts done)
    {"op": "shot", "path": "x.png"}             a PNG of the next drawn frame
    {"op": "press_measure", "id": "btn_next"}   tap, then time until the desk state is shown (and
                                                until the first frame, the pressed button, is drawn)
    {"op": "state"}                             the link and the command in flight
    {"op": "frame_cost", "frames": 20}          ms to draw the current screen per frame, the GL renderer
    {"op": "quit"}

Answers: ``{"ok": true, "result": ...}`` or ``{"ok": false, "error": "..."}``. EOF on stdin stops the
app. ``App.run()`` works once per process, so each test starts its own harness process.
"""

from __future__ import annotations

import json
import os
import queue
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from counter.app import build_parser
from shared.config import ConfigError

Reply = Callable[[Any], None]
KEYS = {"f1": (282, None), "enter": (13, None), "numpadenter": (271, None), "escape": (27, None)}
FRAMES_BEFORE_SHOT = 3  # layouts settle over a frame or two after a change


class Harness:
    def __init__(self, app: Any, out: TextIO) -> None:
        self.app = app
        self.out = out
        self.replies: queue.Queue[dict[str, Any]] = queue.Queue()

    # --- stdin thread ----------------------------------------------------------------------

    def read_commands(self, source: TextIO) -> None:
        from kivy.clock import Clock

        for line in source:
            if not line.strip():
                continue
            request = json.loads(line)
            Clock.schedule_once(lambda _dt, r=request: self._run(r), 0)
            self.out.write(json.dumps(self.replies.get(), ensure_ascii=False) + "\n")
            self.out.flush()
            if request.get("op") == "quit":
                return
        Clock.schedule_once(lambda _dt: self.app.stop(), 0)

    # --- main thread -----------------------------------------------------------------------

    def _run(self, request: dict[str, Any]) -> None:
        def reply(result: Any) -> None:
            self.replies.put({"ok": True, "result": result})

        try:
            op = getattr(self, f"op_{request['op']}")
            op(request, reply)
        except Exception as exc:
            traceback.print_exc(file=sys.stderr)
            self.replies.put({"ok": False, "error": f"{type(exc).__name__}: {exc}"})

    def _widget(self, name: str) -> Any:
        from kivy.core.window import Window

        roots = [*self.app.root.screens, *(w for w in Window.children if w is not self.app.root)]
        for root in roots:
            for widget in root.walk(restrict=False):
                if widget.ids.get(name) is not None:
                    return widget.ids[name].__self__
                if getattr(widget, "dump_id", None) == name:
                    return widget
        raise KeyError(f"no widget {name!r}")

    def op_dump(self, _request: dict[str, Any], reply: Reply) -> None:
        from tests.counter.dump import dump

        reply(dump(self.app))

    def op_state(self, _request: dict[str, Any], reply: Reply) -> None:
        """The view-model's plumbing (not what is shown): link, pending command."""
        vm = self.app.vm
        pending = vm.pending
        reply(
            {
                "link_up": vm.link_up,
                "hub_online": vm.lobby.hub_online,
                "desk": [vm.desk.status, vm.desk.ticket] if vm.desk else None,
                "pending": None
                if pending is None
                else {
                    "request_id": pending.request_id,
                    "action": pending.action,
                    "attempts": pending.attempts,
                },
            }
        )

    def op_tap(self, request: dict[str, Any], reply: Reply) -> None:
        from kivy.tests.common import UnitTestTouch

        widget = self._widget(request["id"])
        was_enabled = not widget.disabled  # before: the tap itself may disable it (a command in flight)
        x, y = widget.to_window(*widget.center)
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        touch.touch_up()
        reply({"enabled": was_enabled})

    def op_key(self, request: dict[str, Any], reply: Reply) -> None:
        from kivy.core.window import Window

        name = str(request["key"]).lower()
        key, codepoint = KEYS.get(name) or (ord(name), name)
        handled = Window.dispatch("on_key_down", key, 0, codepoint, [])
        Window.dispatch("on_key_up", key, 0)
        reply({"handled": bool(handled)})

    def op_text(self, request: dict[str, Any], reply: Reply) -> None:
        widget = self._widget(request["id"])
        widget.text = str(request["text"])
        reply(None)

    def op_focus(self, request: dict[str, Any], reply: Reply) -> None:
        widget = self._widget(request["id"])
        widget.focus = True
        reply({"focus": bool(widget.focus)})

    def op_settle(self, _request: dict[str, Any], reply: Reply) -> None:
        from tests.counter.frames import on_drawn_frame

        on_drawn_frame(lambda: reply(None), 2)

    def op_shot(self, request: dict[str, Any], reply: Reply) -> None:
        from shared.kivy_base.screenshot import capture
        from tests.counter.frames import on_drawn_frame

        path = Path(request["path"]).resolve()
        on_drawn_frame(lambda: reply(str(capture(path))), FRAMES_BEFORE_SHOT)

    def op_press_measure(self, request: dict[str, Any], reply: Reply) -> None:
        """Tap a button, then report (ms after the touch) when the desk state arrived from the
        broker, when the widgets were given the new state, and when that frame was drawn."""
        from kivy.clock import Clock

        from tests.counter.frames import on_drawn_frame

        vm, app = self.app.vm, self.app
        before = (vm.desk.status, vm.desk.ticket) if vm.desk else None
        marks: dict[str, float] = {}

        def shown(view: Any) -> None:
            now = (vm.desk.status, vm.desk.ticket) if vm.desk else None
            if now == before or "shown" in marks:
                return
            marks["shown"] = time.perf_counter()
            app.view_listeners.remove(shown)
            timeout.cancel()
            on_drawn_frame(finish, 1)

        def finish() -> None:
            drawn = time.perf_counter()
            received = self.app.link.last_state_at
            reply(
                {
                    "received_ms": (received - marks["t0"]) * 1000,
                    "shown_ms": (marks["shown"] - marks["t0"]) * 1000,
                    "frame_ms": (drawn - marks["t0"]) * 1000,
                    "ack_ms": (marks.get("ack", drawn) - marks["t0"]) * 1000,
                    "state": [vm.desk.status, vm.desk.ticket] if vm.desk else None,
                }
            )

        def give_up(_dt: float) -> None:
            app.view_listeners.remove(shown)
            self.replies.put({"ok": False, "error": "the desk state did not change"})

        timeout = Clock.schedule_once(give_up, float(request.get("timeout", 5)))
        app.view_listeners.append(shown)
        widget = self._widget(request["id"])
        x, y = widget.to_window(*widget.center)
        from kivy.tests.common import UnitTestTouch

        touch = UnitTestTouch(x, y)
        marks["t0"] = time.perf_counter()
        touch.touch_down()
        touch.touch_up()
        # The first frame after the touch shows the button pressed (it stays down for Kivy's
        # min_state_time): the officer's acknowledgement, whatever the hub's answer does.
        on_drawn_frame(lambda: marks.setdefault("ack", time.perf_counter()), 1)

    def op_frame_cost(self, request: dict[str, Any], reply: Reply) -> None:
        """How long drawing one frame of the current screen takes (draw + glFinish), in ms."""
        from kivy.core.window import Window
        from kivy.graphics.opengl import GL_RENDERER, glFinish, glGetString

        samples = []
        for _ in range(int(request.get("frames", 20))):
            Window.canvas.ask_update()
            start = time.perf_counter()
            Window.dispatch("on_draw")
            glFinish()
            samples.append((time.perf_counter() - start) * 1000)
        renderer = glGetString(GL_RENDERER)
        reply(
            {
                "ms": sorted(samples),
                "renderer": renderer.decode() if isinstance(renderer, bytes) else str(renderer),
            }
        )

    def op_quit(self, _request: dict[str, Any], reply: Reply) -> None:
        reply(None)
        self.app.stop()


def main(argv: list[str] | None = None) -> int:
    # The protocol owns the real stdout; anything else printed (Kivy, logging) goes to stderr.
    out = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    import logging

    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    from counter.app import build_app

    try:
        app = build_app(build_parser().parse_args(argv))
    except ConfigError as exc:
        print(f"counter harness: configuration error: {exc}", file=sys.stderr)
        return 2
    harness = Harness(app, out)
    reader = threading.Thread(target=harness.read_commands, args=(sys.stdin,), daemon=True)
    app.bind(on_start=lambda _app: reader.start())
    app.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
