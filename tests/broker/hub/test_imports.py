"""The floor plan's arrows, read from the source: inside ``broker/hub`` every import points one way
(no cycle), and neither the hub box's code nor the core imports anything above it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
ABOVE_BROKER = ("deploy", "kiosk", "counter", "display")


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top, inside a function or under TYPE_CHECKING; for
    ``from package import name`` also ``package.name`` (it may be a module)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def modules(package: str) -> dict[str, Path]:
    return {
        ".".join(path.relative_to(ROOT).with_suffix("").parts): path
        for path in sorted((ROOT / package).rglob("*.py"))
    }


def test_the_hub_modules_import_each_other_one_way() -> None:
    hub = modules("broker/hub")
    graph = {name: imported(path) & set(hub) - {name} for name, path in hub.items()}
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        assert name not in path, "import cycle: " + " -> ".join([*path[path.index(name) :], name])
        if name in done:
            return
        for dep in sorted(graph[name]):
            visit(dep, [*path, name])
        done.add(name)

    for name in graph:
        visit(name, [])


def test_broker_and_shared_import_nothing_above_them() -> None:
    upward = {
        f"{name} imports {dep}"
        for package, above in (("broker", ABOVE_BROKER), ("shared", (*ABOVE_BROKER, "broker")))
        for name, path in modules(package).items()
        for dep in imported(path)
        if dep.split(".")[0] in above
    }
    assert not upward, sorted(upward)
