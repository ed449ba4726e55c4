"""``display.app`` imports neither Kivy nor sets the environment until ``main`` runs, and the
product holds no test instrumentation (the probe lives in ``tests.display``)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, os, sys
before = dict(os.environ)
import display.app
changed = sorted(k for k in set(before) | set(os.environ) if before.get(k) != os.environ.get(k))
print(json.dumps({
    "kivy": sorted(m for m in sys.modules if m.split(".")[0] == "kivy"),
    "tests": sorted(m for m in sys.modules if m.split(".")[0] == "tests"),
    "env_changed": changed,
}))
"""


def test_importing_the_app_touches_neither_kivy_nor_the_environment() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.splitlines()[-1])
    assert seen == {"kivy": [], "tests": [], "env_changed": []}


def test_the_display_package_holds_no_test_instrumentation() -> None:
    package = ROOT / "display"
    assert not (package / "probe.py").exists()
    sources = "\n".join(path.read_text(encoding="utf-8") for path in package.rglob("*.py"))
    assert not re.search(r"^\s*(from|import) tests\b", sources, re.MULTILINE)
    assert "ANTRE_DISPLAY_PROBE" not in sources
