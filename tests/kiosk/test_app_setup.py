"""What ``kiosk.app.main`` sets up before python-escpos is imported: its printer database pickled once
in the user cache dir (not into a new /tmp/tmpXXXX folder per start), and the kiosk's own log format
(escpos calls ``logging.basicConfig()`` on import)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.kiosk.real_app import REPO, kivy_env
from tests.support import free_port

pytestmark = pytest.mark.e2e  # the kiosk app in a fresh Python process
REPORT = (
    "import logging, os, sys; root = logging.getLogger(); "
    "print(os.environ.get('ESCPOS_CAPABILITIES_PICKLE_DIR')); "
    "print('escpos.capabilities' in sys.modules, len(root.handlers), logging.getLevelName(root.level), "
    "root.handlers[0].formatter._fmt if root.handlers else None)"
)


def run_python(tmp_path: Path, code: str) -> list[str]:
    temp = tmp_path / "tmp"
    temp.mkdir(exist_ok=True)
    env = kivy_env(tmp_path / "kivy-home")
    env.pop("ESCPOS_CAPABILITIES_PICKLE_DIR", None)
    env.update(
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        TMPDIR=str(temp),
        ANTRE_CONFIG=str(tmp_path / "none.toml"),
        ANTRE_MQTT_URL=f"mqtt://127.0.0.1:{free_port()}",  # nobody there: the kiosk just keeps trying
    )
    (tmp_path / "none.toml").write_text("")
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout.strip().splitlines()[-2:]


def main_code(png: Path) -> str:
    """Start the kiosk with its default ports (the dummy printer: python-escpos imported) and stop
    it after its first screenshot."""
    args = ["--screenshot", str(png), "--size", "1280x800"]
    return f"from kiosk.app import main; assert main({args!r}) == 0; "


def test_python_escpos_pickles_into_the_user_cache_dir_not_into_temp(tmp_path: Path) -> None:
    for _ in range(2):  # the second start reads the pickle the first wrote
        folder, _ = run_python(tmp_path, f"{main_code(tmp_path / 'welcome.png')}{REPORT}")
        assert folder == str(tmp_path / "cache" / "antre" / "escpos")
    assert [p.name.endswith(".capabilities.pickle") for p in Path(folder).iterdir()] == [True]
    # python-escpos 3.1 still calls mkdtemp() on every import (environ.get's default): empty ones.
    assert [list(d.iterdir()) for d in (tmp_path / "tmp").iterdir()] == [[], []]


@pytest.mark.parametrize("escpos_first", [False, True])
def test_the_kiosk_log_format_wins_over_python_escpos(tmp_path: Path, escpos_first: bool) -> None:
    png = tmp_path / "welcome.png"
    first = "import kiosk.printing; " if escpos_first else ""
    code = f"{first}{main_code(png)}{REPORT}"
    _, facts = run_python(tmp_path, code)
    assert facts == "True 1 INFO %(asctime)s %(levelname)s %(name)s: %(message)s"
    assert png.exists()
