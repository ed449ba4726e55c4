"""The ``emupos`` receipt-printer emulator for end-to-end printing tests.

emupos needs Python >= 3.13, so it lives in its own venv, ``.venv-emupos/`` in the repo root
(Python 3.13's venv writes a ``.gitignore`` into it, so git and ruff leave it alone). The
Python comes from ``$ANTRE_EMUPOS_PYTHON``, else ``python3.13`` (with ``PYENV_VERSION=3.13.0``
for a pyenv shim). Without one the tests skip and say why.

The emulator speaks ESC/POS on a TCP port, writes each receipt as PNG + text into a folder, and
takes faults (paper-out, offline, ...) on its control API. Both ports are on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from tests.support import free_port, wait_until

REPO = Path(__file__).resolve().parents[2]
VENV = REPO / ".venv-emupos"
EMUPOS_REQUIREMENT = "emupos>=0.4,<0.5"  # the config schema and control API used below are 0.4's
MIN_VERSION = (3, 13)


class Unavailable(Exception):
    """No emulator can run here; the message is the skip reason."""


def _version_ok(python: str, env: dict[str, str]) -> bool:
    probe = "import sys; raise SystemExit(sys.version_info < (3, 13))"
    try:
        return subprocess.run([python, "-c", probe], env=env, capture_output=True, timeout=30).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def find_python() -> tuple[str, dict[str, str]]:
    """A Python >= 3.13 and the environment to run it in."""
    env = dict(os.environ)
    chosen = os.environ.get("ANTRE_EMUPOS_PYTHON")
    if chosen:
        if not _version_ok(chosen, env):
            raise Unavailable(f"ANTRE_EMUPOS_PYTHON={chosen} is not a Python >= 3.13")
        return chosen, env
    found = shutil.which("python3.13")
    if found:
        # A pyenv shim runs the version PYENV_VERSION names (often set, even empty, to another one).
        env["PYENV_VERSION"] = "3.13.0"
        if _version_ok(found, env):
            return found, env
    raise Unavailable(
        "emupos needs Python >= 3.13: set ANTRE_EMUPOS_PYTHON or install python3.13 (e.g. pyenv 3.13.0)"
    )


def emupos_binary() -> Path:
    """``.venv-emupos/bin/emupos``, making the venv first when it is missing or broken."""
    binary = VENV / "bin" / "emupos"
    if binary.exists() and subprocess.run([binary, "--version"], capture_output=True).returncode == 0:
        return binary
    python, env = find_python()
    steps = (
        [python, "-m", "venv", "--clear", str(VENV)],
        [str(VENV / "bin" / "python"), "-m", "pip", "install", "-q", EMUPOS_REQUIREMENT],
    )
    for step in steps:
        done = subprocess.run(step, env=env, capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            raise Unavailable(f"could not set up {VENV.name} ({' '.join(step[:4])}): {tail[0]}")
    return binary


CONFIG = """schema: 1
api: {{ host: 127.0.0.1, port: {api_port} }}
devices:
  - id: {device}
    type: printer
    profile: {profile}
    connections:
      - tcp: {{ host: 127.0.0.1, port: {port} }}
    job_idle_timeout_ms: 300
    receipts_dir: {receipts}
"""


@dataclass
class Emulator:
    """One ``emupos run`` process with one printer, ``device``, on ``127.0.0.1:port``."""

    binary: Path
    workdir: Path
    device: str = "kiosk"
    profile: str = "epson-tm-t20iii"  # 80 mm, 203 dpi, 576 dots
    port: int = field(default_factory=free_port)
    api_port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def receipts_dir(self) -> Path:
        return self.workdir / "receipts"

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.api_port}/api/v1"

    def start(self) -> None:
        config = self.workdir / "emupos.yaml"
        config.write_text(
            CONFIG.format(
                api_port=self.api_port,
                device=self.device,
                profile=self.profile,
                port=self.port,
                receipts=json.dumps(str(self.receipts_dir)),
            ),
            encoding="utf-8",
        )
        log = (self.workdir / "emupos.log").open("ab")
        self.process = subprocess.Popen(
            [self.binary, "run", "--config", str(config)], cwd=self.workdir, stdout=log, stderr=log
        )
        wait_until(self._healthy, 30, f"emupos on 127.0.0.1:{self.api_port} (log: {self.workdir}/emupos.log)")

    def _healthy(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise AssertionError(f"emupos exited: {self.log()}")
        try:
            with urllib.request.urlopen(f"{self.api}/health", timeout=1) as answer:
                return bool(answer.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def set_fault(self, fault: str, active: bool = True) -> None:
        """``paper-out``, ``paper-near-end``, ``cover-open`` or ``offline``, as a person would cause."""
        method = "PUT" if active else "DELETE"
        request = urllib.request.Request(f"{self.api}/devices/{self.device}/faults/{fault}", method=method)
        with urllib.request.urlopen(request, timeout=5) as answer:
            assert answer.status == 204, answer.status

    def receipt_ids(self) -> list[str]:
        return sorted(p.stem for p in self.receipts_dir.glob("*.json"))

    def wait_for_receipt(self, known: int = 0, timeout: float = 10) -> tuple[bytes, str, dict[str, object]]:
        """The PNG, text dump and metadata of the first receipt after the ``known`` ones."""
        wait_until(lambda: len(self.receipt_ids()) > known, timeout, "a receipt from emupos")
        newest = self.receipt_ids()[known]
        meta = json.loads((self.receipts_dir / f"{newest}.json").read_text(encoding="utf-8"))
        png = (self.receipts_dir / f"{newest}.png").read_bytes()
        text = (self.receipts_dir / f"{newest}.txt").read_text(encoding="utf-8")
        return png, text, meta

    def log(self) -> str:
        path = self.workdir / "emupos.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)
