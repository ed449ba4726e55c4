"""Runs ``kiosk_driver --real`` (the real app, offscreen, real hub client and printer) in a subprocess
and answers its handshakes: at ``sync/NAME.wait`` the caller's action for NAME runs (it may check
the broker and the database, clear a printer fault, restart the hub), then ``sync/NAME.go`` lets the
scenario go on. Used by ``test_kiosk_real.py`` and ``bench/kiosk_bench.py``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.kiosk.real_ports import RealConfig

REPO = Path(__file__).resolve().parents[2]
Action = Callable[[dict[str, Any]], None]


def kivy_env(home: Path) -> dict[str, str]:
    """A real GL window drawn off screen (not ``KIVY_GL_BACKEND=mock``), Kivy's home in ``home``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KIVY_", "ANTRE_"))}
    env.update(SDL_VIDEODRIVER="offscreen", KIVY_NO_ARGS="1", KIVY_HOME=str(home), PYTHONPATH=str(REPO))
    return env


@dataclass
class RealKiosk:
    scenario: str
    out: Path
    config: RealConfig
    size: str = "1280x800"
    lang: str = "id"
    process: subprocess.Popen[bytes] | None = None

    @property
    def sync(self) -> Path:
        return self.out / "sync"

    @property
    def log(self) -> Path:
        return self.out / "driver.log"

    def start(self, **popen: Any) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        for old in [self.out / "result.json", *self.sync.glob("*")]:
            old.unlink(missing_ok=True)
        config = self.config.write(self.out / "real.json")
        command = [sys.executable, "-m", "tests.kiosk.kiosk_driver", self.scenario, str(self.out)]
        command += ["--size", self.size, "--lang", self.lang, "--real", str(config)]
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command, cwd=REPO, env=kivy_env(self.out / "kivy-home"), stdout=log, stderr=log, **popen
            )

    def run(self, actions: dict[str, Action] | None = None, timeout: float = 150) -> dict[str, Any]:
        """Answer handshakes until the driver exits; its ``result.json``. An action that raises
        stops the scenario (the driver records why) and is raised again here."""
        assert self.process is not None, "start() first"
        actions = actions or {}
        answered: set[str] = set()
        failure: BaseException | None = None
        deadline = time.monotonic() + timeout
        while self.process.poll() is None:
            if time.monotonic() > deadline:
                self.stop()
                raise AssertionError(f"{self.scenario} did not finish in {timeout} s:\n{self.log_tail()}")
            for waiting in sorted(self.sync.glob("*.wait")):
                name = waiting.stem
                if name in answered:
                    continue
                answered.add(name)
                failure = failure or self._answer(name, actions.get(name), waiting)
            time.sleep(0.02)
        result_path = self.out / "result.json"
        if failure is not None:
            raise failure
        assert result_path.exists(), f"no result (exit {self.process.returncode}):\n{self.log_tail()}"
        result: dict[str, Any] = json.loads(result_path.read_text())
        return result

    def _answer(self, name: str, action: Action | None, waiting: Path) -> BaseException | None:
        failure: BaseException | None = None
        try:
            if action is None:
                raise AssertionError(f"no action for handshake {name!r}")
            action(json.loads(waiting.read_text()))
        except Exception as exc:  # handed back to the caller once the driver has stopped
            failure = exc
        go = self.sync / f"{name}.go"
        go.with_name(f".{go.name}.part").write_text(repr(failure) if failure else "")
        os.replace(go.with_name(f".{go.name}.part"), go)
        return failure

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)

    def log_tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""
