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

    def wait(self, check: Callable[[dict[str, Any]], bool], what: str, timeout: float = 8) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            data = self.dump()
            if check(data):
                return data
            if time.monotonic() > deadline:
                raise AppError(f"timed out waiting for {what}; widgets: {json.dumps(data['widgets'])[:3000]}")
            time.sleep(0.05)

    def wait_text(self, name: str, expected: str, timeout: float = 8) -> dict[str, Any]:
        return self.wait(
            lambda d: d["widgets"][name].get("text") == expected, f"{name} == {expected!r}", timeout
        )

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
