"""The test side of ``tests.counter.harness``: start the real app in a subprocess (offscreen SDL, its
own Kivy home) and talk to it one JSON line at a time."""

from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
# A change that goes through the hub and back: generous, as a loaded CI machine needs (an 8 s wait
# once timed out on a finish that the hub applied).
WAIT_S = 30.0


class AppError(AssertionError):
    pass


class AppDriver:
    def __init__(
        self, workdir: Path, args: list[str], mqtt_url: str, extra_env: dict[str, str] | None = None
    ) -> None:
        self.workdir = workdir
        self.args = args
        self.mqtt_url = mqtt_url
        self.extra_env = extra_env or {}
        self.process: subprocess.Popen[str] | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()

    def start(self, timeout: float = 30) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("ANTRE_", "KIVY_"))}
        env.update(
            SDL_VIDEODRIVER="offscreen",
            KIVY_NO_ARGS="1",
            KIVY_HOME=str(self.workdir / "kivy"),
            ANTRE_MQTT_URL=self.mqtt_url,
            ANTRE_DATA_DIR=str(self.workdir),
        )
        env.update(self.extra_env)
        self.stderr = (self.workdir / "app.log").open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.counter.harness", *self.args],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            text=True,
            encoding="utf-8",
        )
        threading.Thread(target=self._read, daemon=True).start()
        self.request({"op": "dump"}, timeout=timeout)  # answers once the window is up

    def _read(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def request(self, request: dict[str, Any], timeout: float = 10) -> Any:
        assert self.process is not None and self.process.stdin is not None
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            raise AppError(
                f"the app did not answer {request} in {timeout} s; log:\n{self.log_tail()}"
            ) from None
        if line is None:
            raise AppError(f"the app exited ({self.process.poll()}); log:\n{self.log_tail()}")
        answer = json.loads(line)
        if not answer["ok"]:
            raise AppError(f"{request}: {answer['error']}")
        return answer["result"]

    # --- the operations --------------------------------------------------------------------

    def dump(self) -> dict[str, Any]:
        return self.request({"op": "dump"})

    def tap(self, name: str) -> bool:
        return bool(self.request({"op": "tap", "id": name})["enabled"])

    def key(self, key: str) -> bool:
        return bool(self.request({"op": "key", "key": key})["handled"])

    def type(self, name: str, text: str) -> None:
        self.request({"op": "text", "id": name, "text": text})

    def shot(self, path: str) -> str:
        return str(self.request({"op": "shot", "path": path}))

    def text(self, name: str) -> str:
        return str(self.dump()["widgets"][name]["text"])

    def enabled(self) -> set[str]:
        """The queue buttons that are enabled now (btn_next -> "next")."""
        widgets = self.dump()["widgets"]
        return {
            n.removeprefix("btn_") for n, w in widgets.items() if n.startswith("btn_") and w.get("enabled")
        }

    def wait(
        self,
        check: Callable[[dict[str, Any]], bool],
        what: str,
        timeout: float = WAIT_S,
        focus: str | None = None,
    ) -> dict[str, Any]:
        """Dump until ``check`` holds; on timeout the error shows the ``focus`` widget first, the
        screen, every widget (cut) and the app's log tail: where the app stood."""
        deadline = time.monotonic() + timeout
        while True:
            data = self.dump()
            if check(data):
                return data
            if time.monotonic() > deadline:
                widget = data["widgets"].get(focus) if focus else None
                raise AppError(
                    f"timed out after {timeout:.0f} s waiting for {what}; screen {data.get('screen')!r}"
                    + (f"; {focus}: {json.dumps(widget, ensure_ascii=False)}" if focus else "")
                    + f"; widgets: {json.dumps(data['widgets'])[:3000]}\napp log:\n{self.log_tail()}"
                )
            time.sleep(0.05)

    def wait_text(self, name: str, expected: str, timeout: float = WAIT_S) -> dict[str, Any]:
        def shown(data: dict[str, Any]) -> bool:
            return data["widgets"][name].get("text") == expected

        return self.wait(shown, f"{name} == {expected!r}", timeout, focus=name)

    def log_tail(self, lines: int = 40) -> str:
        path = self.workdir / "app.log"
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""

    def stop(self) -> None:
        if self.process is None:
            return
        if self.process.poll() is None:
            with contextlib.suppress(AppError, OSError, ValueError):
                self.request({"op": "quit"}, timeout=5)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.stderr.close()
