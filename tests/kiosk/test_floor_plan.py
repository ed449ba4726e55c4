"""The floor plan of the touch programs, held by reading their source (no Kivy, no window):

- ``kiosk.touch`` (the toolkit) imports only ``kiosk.touch`` and ``shared``;
- ``kiosk.rating`` (the desk's rating screen) imports only ``kiosk.rating``, ``kiosk.touch`` and
  ``shared``: nothing of the kiosk program;
- the kiosk program (``kiosk/*.py``) imports ``kiosk``, ``kiosk.touch``, ``shared`` and the parts of
  the rating survey it embeds, never the rating screen's ``app`` or ``ui``;
- each ``app.py`` takes the app shape: importing it loads no Kivy and changes no environment
  variable (``main`` prepares Kivy's environment, then imports ``ui``)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
KIOSK = REPO / "kiosk"
FIRST_PARTY = ("kiosk", "shared", "broker", "display", "counter", "deploy", "tests", "bench")


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(name: str) -> bool:
    path = REPO.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def first_party_imports(path: Path) -> set[str]:
    """Every first-party module ``path`` imports, at the top or inside a function
    (``from kiosk import texts`` counts as ``kiosk.texts``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.add(full if is_module(full) else node.module)
    return {name for name in found if name.split(".")[0] in FIRST_PARTY}


def within(name: str, *packages: str) -> bool:
    return any(name == p or name.startswith(f"{p}.") for p in packages)


def allowed(importer: str, imported: str) -> bool:
    if within(importer, "kiosk.touch"):
        return within(imported, "kiosk.touch", "shared")
    if within(importer, "kiosk.rating"):
        return within(imported, "kiosk.rating", "kiosk.touch", "shared")
    # The kiosk program: its own modules, the toolkit, and the survey it embeds.
    if within(imported, "kiosk.rating.app", "kiosk.rating.ui"):
        return False
    return within(imported, "kiosk", "shared")


def test_the_touch_programs_import_along_the_floor_plan() -> None:
    sources = sorted(KIOSK.rglob("*.py"))
    assert len(sources) > 30 and (KIOSK / "touch" / "app_base.py") in sources
    wrong = [
        f"{module_name(path)} imports {imported}"
        for path in sources
        for imported in sorted(first_party_imports(path))
        if not allowed(module_name(path), imported)
    ]
    assert wrong == []


def test_the_rule_sees_what_it_forbids() -> None:
    assert not allowed("kiosk.rating.view", "kiosk.texts")
    assert not allowed("kiosk.touch.widgets", "kiosk.rating.widgets")
    assert not allowed("kiosk.ui", "kiosk.rating.ui")
    assert not allowed("kiosk.viewmodel", "broker.hub.commands")
    assert allowed("kiosk.ui", "kiosk.rating.survey_screens")
    assert first_party_imports(KIOSK / "rating" / "view.py") >= {"kiosk.rating.texts", "kiosk.touch.texts"}


@pytest.mark.parametrize("module", ["kiosk.app", "kiosk.rating.app"])
def test_importing_an_app_loads_no_kivy_and_changes_no_environment(module: str, tmp_path: Path) -> None:
    code = (
        "import json, os, sys; before = dict(os.environ); "
        f"import {module}; "
        "print(json.dumps({'kivy': sorted(m for m in sys.modules if m.split('.')[0] == 'kivy'), "
        "'changed': sorted(k for k in {*before, *os.environ} if before.get(k) != os.environ.get(k))}))"
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "HOME": str(tmp_path)}
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert json.loads(proc.stdout) == {"kivy": [], "changed": []}
