"""The floor plan holds: every import points down (docs/architecture.md draws the layers).

The imports of every product module are read with ``ast`` (imports inside functions count too: a
lazy import is still an arrow) and held against the rules below. Each rule is also shown to fail on
a made-up violation, so a check that has quietly stopped looking would be caught.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRODUCT = ("shared", "broker", "kiosk", "counter", "display", "deploy")
APPS = ("kiosk", "counter", "display")


@dataclass(frozen=True)
class Arrow:
    source: str  # the importing module, dotted
    target: str  # the imported module (or module.name), dotted
    line: int

    def __str__(self) -> str:
        return f"{self.source} -> {self.target} (line {self.line})"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def arrows_of(source: str, code: str, is_package: bool = False) -> Iterator[Arrow]:
    """Every import in ``code`` as an arrow from ``source`` (relative imports resolved)."""
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Arrow(source, alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = source.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                prefix = ".".join([*base, node.module] if node.module else base)
            else:
                prefix = node.module or ""
            for alias in node.names:
                yield Arrow(source, f"{prefix}.{alias.name}", node.lineno)


def product_arrows() -> list[Arrow]:
    found = []
    for top in PRODUCT:
        for path in sorted((ROOT / top).rglob("*.py")):
            found += arrows_of(module_name(path), path.read_text(), path.name == "__init__.py")
    return found


def within(name: str, *packages: str) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def top(name: str) -> str:
    return name.split(".")[0]


# --- the rules: each returns the arrows that break it ---------------------------------------------


def core_imports_nothing_above(arrows: Iterable[Arrow]) -> list[Arrow]:
    above = ("broker", "kiosk", "counter", "display", "deploy", "tests")
    return [a for a in arrows if within(a.source, "shared") and within(a.target, *above)]


def domain_is_pure(arrows: Iterable[Arrow]) -> list[Arrow]:
    """The domain imports no I/O library and nothing of the core outside itself."""
    io_libraries = ("sqlalchemy", "paho", "kivy", "escpos", "alembic", "shared")
    return [
        a
        for a in arrows
        if within(a.source, "shared.domain")
        and within(a.target, *io_libraries)
        and not within(a.target, "shared.domain")
    ]


def apps_never_import_each_other(arrows: Iterable[Arrow]) -> list[Arrow]:
    """An app imports the core and itself: not another app, not the hub box, not the command."""
    return [
        a
        for a in arrows
        if top(a.source) in APPS
        and top(a.target) in (*APPS, "broker", "deploy")
        and top(a.target) != top(a.source)
    ]


def hub_box_imports_no_app(arrows: Iterable[Arrow]) -> list[Arrow]:
    return [a for a in arrows if within(a.source, "broker") and within(a.target, *APPS, "deploy", "tests")]


def hub_box_rooms_stay_apart(arrows: Iterable[Arrow]) -> list[Arrow]:
    """Mosquitto's files, the hub and the reports are three rooms: none reaches into another."""
    rooms = ("broker.mosquitto", "broker.hub", "broker.reports")
    return [
        a
        for a in arrows
        for room in rooms
        if within(a.source, room) and within(a.target, *(r for r in rooms if r != room))
    ]


def no_test_code_in_the_product(arrows: Iterable[Arrow]) -> list[Arrow]:
    return [a for a in arrows if within(a.target, "tests", "kivy.tests", "pytest")]


def keypad_bridge_has_no_kivy(arrows: Iterable[Arrow]) -> list[Arrow]:
    """The USB keypad bridge is its own program: no Kivy, nothing of the counter's window."""
    allowed_counter = ("counter.keypad", "counter.options", "counter.texts", "counter.texts_online")
    return [
        a
        for a in arrows
        if within(a.source, "counter.keypad")
        and (
            within(a.target, "kivy")
            or (within(a.target, "counter") and not within(a.target, *allowed_counter))
        )
    ]


RULES = [
    core_imports_nothing_above,
    domain_is_pure,
    apps_never_import_each_other,
    hub_box_imports_no_app,
    hub_box_rooms_stay_apart,
    no_test_code_in_the_product,
    keypad_bridge_has_no_kivy,
]


@pytest.fixture(scope="module")
def arrows() -> list[Arrow]:
    found = product_arrows()
    assert len(found) > 500, "the walk found too few imports: is it still reading the product?"
    return found


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.__name__)
def test_every_arrow_points_down(rule, arrows) -> None:
    broken = rule(arrows)
    assert not broken, f"{rule.__doc__ or rule.__name__}\n" + "\n".join(map(str, broken))


# Each rule must catch what it is there to catch.
VIOLATIONS = {
    core_imports_nothing_above: ("shared.store.models", "from broker.hub import commands"),
    domain_is_pure: ("shared.domain.queue", "import sqlalchemy"),
    apps_never_import_each_other: ("counter.viewmodel", "from kiosk.texts import t"),
    hub_box_imports_no_app: ("broker.hub.staff", "from deploy.cli.online import mask_contact"),
    hub_box_rooms_stay_apart: ("broker.reports.data", "from broker.hub.commands import Hub"),
    no_test_code_in_the_product: ("counter.ui", "from kivy.tests.common import UnitTestTouch"),
    keypad_bridge_has_no_kivy: ("counter.keypad.bridge", "from counter.viewmodel import CounterViewModel"),
}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.__name__)
def test_each_rule_catches_a_violation(rule) -> None:
    source, code = VIOLATIONS[rule]
    assert rule(list(arrows_of(source, code))), f"{rule.__name__} let through: {code}"


def test_relative_imports_are_resolved() -> None:
    got = {a.target for a in arrows_of("kiosk.rating.view", "from ..texts import t\nfrom . import steps")}
    assert got == {"kiosk.texts.t", "kiosk.rating.steps"}
