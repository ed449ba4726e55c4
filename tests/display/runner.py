"""The real wall display in a subprocess (``App.run()`` works once per process), offscreen.

``SDL_VIDEODRIVER=offscreen`` with Mesa draws real frames (not ``KIVY_GL_BACKEND=mock``, which
draws nothing). It runs under ``tests.display.probed_app``, whose probe (``tests.display.probe``)
answers screenshot requests with a PNG and a JSON of what its labels show; PNGs are kept under
``artifacts/display/``.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.hung import run_or_show_stacks
from tests.support import site_config

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "display"

Tree = dict[str, Any]
OPEN_NOW = "2026-12-07T10:00:00+07:00"  # a Monday, 10.00 WIB: the default hours are 08:00-15:30

# The running text of the test site's ``[display]``. The hub seeds ``display/running_text`` from
# its own TOML (the same file on every device of an office, docs/deploy.md); a hub started without
# it publishes an empty text, which wins over the display's (docs/mqtt.md), and the bar is empty.
RUNNING_TEXT = "Selamat datang di PST BPS Kabupaten Tulang Bawang · Layanan gratis"
HUB_DISPLAY_TOML = f"\n[display]\nrunning_text = {json.dumps(RUNNING_TEXT)}\n"

RECORDER = """#!/bin/sh
# The speaker, faked at the hardware edge: note which WAV would have played, take a moment.
echo "$1" >> "{log}"
sleep 0.2
"""


def display_env(workdir: Path, mqtt_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANTRE_", "KIVY_"))}
    env.update(
        ANTRE_MQTT_URL=mqtt_url,
        ANTRE_DATA_DIR=str(workdir / "data"),
        SDL_VIDEODRIVER="offscreen",
        KIVY_NO_ARGS="1",
        KIVY_HOME=str(workdir / "kivy"),
    )
    return env


@dataclass
class DisplayProcess:
    workdir: Path
    mqtt_url: str
    size: tuple[int, int]
    label: str  # names the screenshots: artifacts/display/{label}-{state}.png
    display: dict[str, Any] = field(default_factory=dict)
    # The wall's time of day: a Monday morning, open, whatever the hour the tests run at (the
    # hub's site/schedule and the display's own hours would say "closed" at night); None: real.
    now: str | None = OPEN_NOW
    process: subprocess.Popen[bytes] | None = None

    @property
    def played_log(self) -> Path:
        return self.workdir / "played.txt"

    @property
    def voice_cache(self) -> Path:
        return self.workdir / "voice"

    @property
    def probe_dir(self) -> Path:
        return self.workdir / "probe"

    def write_config(self) -> Path:
        self.workdir.mkdir(parents=True, exist_ok=True)
        recorder = self.workdir / "speaker.sh"
        recorder.write_text(RECORDER.format(log=self.played_log), encoding="utf-8")
        recorder.chmod(recorder.stat().st_mode | stat.S_IXUSR)
        table = {
            "id": f"test-{self.label}",
            "voice": True,
            "volume": 0.8,
            "audio_command": str(recorder),
            "voice_cache": str(self.voice_cache),
            "flash_seconds": 6,
            "running_text": RUNNING_TEXT,
            **self.display,
        }
        lines = ["", "[display]"] + [f"{key} = {json.dumps(value)}" for key, value in table.items()]
        path = site_config(self.workdir / "antre.toml")
        path.write_text(path.read_text(encoding="utf-8") + "\n".join(lines) + "\n", encoding="utf-8")
        return path

    def command(self, *extra: str) -> list[str]:
        width, height = self.size
        config = self.write_config()
        return [
            sys.executable,
            "-m",
            "tests.display.probed_app",
            "--probe",
            str(self.probe_dir),
            "--config",
            str(config),
            "--size",
            f"{width}x{height}",
            *(["--now", self.now] if self.now else []),
            *extra,
        ]

    def start(self) -> None:
        log = (self.workdir / "display.log").open("ab")
        self.process = subprocess.Popen(
            self.command(), env=display_env(self.workdir, self.mqtt_url), stdout=log, stderr=log, cwd=ROOT
        )

    def screenshot_once(self, name: str, timeout: float = 60) -> Tree:
        """``--screenshot``: start, draw what the broker holds, write the PNG, exit."""
        png = ARTIFACTS / f"{self.label}-{name}.png"
        png.parent.mkdir(parents=True, exist_ok=True)
        done = run_or_show_stacks(
            self.command("--screenshot", str(png)), env=display_env(self.workdir, self.mqtt_url),
            timeout=timeout, cwd=ROOT,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr.decode(errors="replace")[-3000:]
        return json.loads(png.with_suffix(".json").read_text(encoding="utf-8"))

    def _request(self, name: str, timeout: float) -> None:
        requests = self.probe_dir / "requests"
        deadline = time.monotonic() + timeout
        while not requests.is_dir():
            self._check_alive()
            if time.monotonic() > deadline:
                raise AssertionError(f"the display made no probe dir in {timeout} s; log:\n{self.log_tail()}")
            time.sleep(0.05)
        (requests / name).write_text("", encoding="utf-8")
        while (requests / name).exists():
            self._check_alive()
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"the display did not answer {name} in {timeout} s; log:\n{self.log_tail()}"
                )
            time.sleep(0.02)

    def tree(self, timeout: float = 20) -> Tree:
        """What the widget tree shows now (no PNG)."""
        self._request("tree.json", timeout)
        return json.loads((self.probe_dir / "tree.json").read_text(encoding="utf-8"))

    def snapshot(self, state: str, timeout: float = 30) -> Tree:
        """A PNG (kept as an artifact) and the widget tree of the same frame."""
        name = f"{self.label}-{state}"
        self._request(name, timeout)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(self.probe_dir / f"{name}.png", ARTIFACTS / f"{name}.png")
        shutil.copy(self.probe_dir / f"{name}.json", ARTIFACTS / f"{name}.json")
        return json.loads((self.probe_dir / f"{name}.json").read_text(encoding="utf-8"))

    def wait_tree(self, check: Callable[[Tree], bool], timeout: float, what: str) -> Tree:
        deadline = time.monotonic() + timeout
        while True:
            tree = self.tree()
            if check(tree):
                return tree
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"timed out after {timeout} s waiting for {what}; shown: {summary(tree)}"
                )
            time.sleep(0.1)

    def played(self) -> list[Path]:
        if not self.played_log.exists():
            return []
        return [Path(line) for line in self.played_log.read_text(encoding="utf-8").split()]

    def _check_alive(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            raise AssertionError(
                f"the display exited with {self.process.returncode}; log:\n{self.log_tail()}"
            )

    def log_tail(self) -> str:
        path = self.workdir / "display.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def stop(self) -> int | None:
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        return self.process.returncode


# --- reading a tree ------------------------------------------------------------------------


def desks(tree: Tree) -> dict[str, str]:
    """Desk name -> the code its tile shows (from the labels inside each tile)."""
    names = {label["desk"]: label["text"] for label in tree["labels"] if label["role"] == "desk-name"}
    codes = {label["desk"]: label["text"] for label in tree["labels"] if label["role"] == "desk-code"}
    return {names[desk]: codes[desk] for desk in codes}


def texts(tree: Tree, role: str) -> list[str]:
    return [label["text"] for label in tree["labels"] if label["role"] == role]


def tile(tree: Tree, desk: str) -> dict[str, Any]:
    return next(t for t in tree["tiles"] if t["desk"] == desk)


def summary(tree: Tree) -> str:
    return json.dumps(
        {
            "desks": desks(tree),
            "call": tree.get("call"),
            "recent": texts(tree, "recent-code"),
            "overlay": tree.get("overlay"),
        },
        ensure_ascii=False,
    )


def pixel(png: Path, x: float, y: float) -> tuple[int, int, int]:
    """The colour at window point (x, y) (origin bottom left) of a PNG the display wrote (8-bit
    RGB, filter 0 on every row, as ``shared.kivy_base.screenshot.encode_png`` makes them)."""
    return row_pixels(png, y)[int(x)]


def row_pixels(png: Path, y: float) -> list[tuple[int, int, int]]:
    """The colours of the window row at height ``y`` (origin bottom left), left to right."""
    data = png.read_bytes()
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    start = data.index(b"IDAT")
    size = int.from_bytes(data[start - 4 : start], "big")
    rows = zlib.decompress(data[start + 4 : start + 4 + size])
    stride = 1 + 3 * width
    row = height - 1 - int(y)
    assert rows[row * stride] == 0, "a filtered PNG row: not one the display wrote"
    line = rows[row * stride + 1 : (row + 1) * stride]
    return [(line[i], line[i + 1], line[i + 2]) for i in range(0, 3 * width, 3)]
