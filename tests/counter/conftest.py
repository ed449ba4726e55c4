"""A site for counter tests: a real Mosquitto, the hub as a subprocess with officers and its staff
API, and the real counter app (``tests.counter.harness``) in its own process."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from shared.domain.pins import hash_pin
from tests.conftest import wait_for_hub_online
from tests.counter.driver import AppDriver
from tests.support import Broker, HubProcess, free_port, fresh_retained, hub_env, site_config, wait_until

OFFICERS = (("budi", "Budi Santoso", "246813"), ("rina", "Rina Marlina", "135724"))
# The 10-minute clocks run only in opening hours: open all day, so tests see them at any hour.
ALWAYS_OPEN = "\n[timing.opening_hours]\n" + "".join(
    f'{day} = "00:00-23:59"\n' for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
)
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "counter"


@dataclass
class CounterSite:
    broker: Broker
    hub: HubProcess
    config: Path
    staff_url: str
    workdir: Path


def _staff_up(base: str) -> bool:
    try:
        urllib.request.urlopen(base + "/api/v1/visitor", timeout=2)
    except urllib.error.HTTPError as error:
        return error.code == 401
    except OSError:
        return False
    return False


def officers_toml(extra: str = "") -> str:
    rows = "".join(
        f'[[officers]]\nid = "{oid}"\nname = "{name}"\npin_hash = "{hash_pin(pin, iterations=1000)}"\n'
        for oid, name, pin in OFFICERS
    )
    return rows + ALWAYS_OPEN + extra


@pytest.fixture
def counter_site(request: pytest.FixtureRequest, tmp_path: Path, broker: Broker) -> Iterator[CounterSite]:
    """Parametrize it indirectly with TOML text to add to the site config (e.g. ``[timing]``)."""
    workdir = tmp_path / "hub"
    workdir.mkdir()
    port = free_port()
    extra = officers_toml(getattr(request, "param", ""))
    config = site_config(workdir / "antre.toml", desks=2, staff_port=port, extra=extra)
    hub = HubProcess(workdir, hub_env(config, broker.url, f"sqlite:///{workdir / 'antre.db'}", workdir))
    hub.start()
    base = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_until(lambda: _staff_up(base), 45, "the hub's staff API")  # a loaded CI box is slow
        except AssertionError as exc:
            raise AssertionError(f"{exc}; hub log:\n{hub.log_text()[-3000:]}") from None
        # The API can answer before the hub's first MQTT subscription: a kiosk request sent in
        # between would be lost (no session yet), so wait for its presence too.
        wait_for_hub_online(broker.port)
        yield CounterSite(broker, hub, config, base, workdir)
    finally:
        hub.stop()


@pytest.fixture
def app_factory(tmp_path: Path, counter_site: CounterSite) -> Iterator[object]:
    started: list[AppDriver] = []

    def start(*args: str, desk: str = "1", env: dict[str, str] | None = None) -> AppDriver:
        driver = AppDriver(
            tmp_path / f"app{len(started)}",
            ["--config", str(counter_site.config), "--desk", desk, *args],
            counter_site.broker.url,
            env,
        )
        started.append(driver)
        driver.start()
        return driver

    yield start
    for driver in started:
        driver.stop()


def wait_retained(port: int, expected: dict[str, dict[str, Any]], timeout: float = 5) -> dict[str, dict]:
    """What a client connecting now gets, once it shows ``expected`` (topic suffix -> fields). The
    hub answers a command before it publishes the states, so a check right after an answer
    could see the previous state for a moment."""
    deadline = time.monotonic() + timeout
    while True:
        states = fresh_retained(port, list(expected))
        if all(states[s].get(k) == v for s, fields in expected.items() for k, v in fields.items()):
            return states
        if time.monotonic() > deadline:
            raise AssertionError(f"retained states {states} never matched {expected}")
        time.sleep(0.05)


def without_clocks(items: list[str]) -> list[str]:
    """Waiting-list lines with the chips' minute clocks taken off ("A-001 0 mnt" -> "A-001")."""
    return [re.sub(r" \d+ (mnt|min)$", "", item) for item in items]


def shot_path(name: str) -> str:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return str(ARTIFACTS / f"{name}.png")


def widget(dump: dict, name: str) -> dict:
    return dump["widgets"][name]


def all_texts(dump: dict) -> str:
    return json.dumps(dump, ensure_ascii=False)
