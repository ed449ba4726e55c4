"""The counter's entry points import no more than they need: ``counter.app`` neither Kivy nor the
environment until ``main`` runs, and the keypad bridge (a separate program) nothing of the Kivy app."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

# What the keypad bridge may load of counter/: its own package, the options and words it shares
# with the desk app, and the parsing of the contract's messages.
KEYPAD_MAY_IMPORT = {
    "counter",
    "counter.keypad",
    "counter.keypad.bridge",
    "counter.keypad.keys",
    "counter.options",
    "counter.texts",
    "counter.texts_actions",
    "counter.texts_errors",
    "counter.texts_online",
}

PROBE = """
import json, os, sys
before = dict(os.environ)
{code}
changed = sorted(k for k in set(before) | set(os.environ) if before.get(k) != os.environ.get(k))
print(json.dumps({{
    "kivy": sorted(m for m in sys.modules if m.split(".")[0] == "kivy"),
    "counter": sorted(m for m in sys.modules if m.split(".")[0] == "counter"),
    "env_changed": changed,
    "result": result,
}}))
"""


def fresh_interpreter(code: str) -> dict[str, Any]:
    """Run ``code`` (which sets ``result``) in a new Python and report what it imported."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE.format(code=code)], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.splitlines()[-1])


def test_importing_the_app_touches_neither_kivy_nor_the_environment() -> None:
    seen = fresh_interpreter("import counter.app\nresult = None")
    assert seen["kivy"] == [] and seen["env_changed"] == []
    assert "counter.ui" not in seen["counter"]


def test_the_keypad_bridge_imports_nothing_of_the_kivy_app() -> None:
    seen = fresh_interpreter("import counter.keypad.bridge\nresult = None")
    assert seen["kivy"] == []
    assert set(seen["counter"]) <= KEYPAD_MAY_IMPORT, set(seen["counter"]) - KEYPAD_MAY_IMPORT


def test_antre_counter_keypad_dispatches_to_the_bridge_without_kivy(tmp_path: Path) -> None:
    missing = tmp_path / "missing.toml"
    seen = fresh_interpreter(
        "from counter.app import main\n"
        f"result = main(['--keypad', '--config', {str(missing)!r}, '--desk', '1'])"
    )
    assert seen["result"] == 2  # the bridge's configuration error, not the desk app's
    assert seen["kivy"] == []
    assert set(seen["counter"]) - {"counter.app"} <= KEYPAD_MAY_IMPORT
