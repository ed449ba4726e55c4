"""Fixtures: a real Mosquitto on a free port, the hub as a subprocess, SQLite files on disk and,
where a server answers, a fresh PostgreSQL database per test.

Two guards for every test: a handler error the MQTT bus swallowed fails the test
(``fail_on_swallowed_handler_errors``), and a test that starts a process (the broker, the hub, an
app, the ``antre`` command) is marked ``e2e``: ``pytest -m "not e2e"`` runs the pure and
in-process tests only, ``pytest -m e2e`` the rest.
"""

from __future__ import annotations

import os
import threading
import traceback
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared import mqtt
from tests.support import (
    Broker,
    HubProcess,
    Probe,
    free_port,
    hub_env,
    officers_toml,
    site_config,
    staff_call,
    wait_until,
)

PG_ADMIN_URL = os.environ.get("ANTRE_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/test")

# Fixtures that start a process (here, in tests/counter/conftest.py, tests/kiosk/conftest.py and a
# few test modules). pytest lists a test's fixtures with what they depend on, so a fixture built
# on ``broker`` marks its tests too; the names are spelled out so the list reads as the inventory.
# A module that starts a process without one of these says ``pytestmark = pytest.mark.e2e``.
PROCESS_FIXTURES = frozenset({
    "broker", "hub_factory", "hub", "staff_hub", "console_hub", "probe",  # Mosquitto, the hub
    "counter_site", "app_factory", "keypad",  # the counter app and the keypad bridge
    "emupos",  # the receipt-printer emulator
    "secure_broker",  # Mosquitto with the site's ACL and TLS (tests/broker/mosquitto)
    "antre",  # the antre command in a subprocess (tests/deploy)
    "browser",  # headless Chromium (tests/console/conftest.py)
})  # fmt: skip


SLOWEST_FIRST = ("tests/display/", "tests/kiosk/", "tests/soak/", "tests/faults/", "tests/counter/")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if PROCESS_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.e2e)
    # The long tests (Kivy apps on software GL, processes) first, the quick ones last: the workers
    # then finish together instead of one running a minute-long test alone at the end.
    items.sort(key=_slowness_rank)


def _slowness_rank(item: pytest.Item) -> int:
    path = item.nodeid
    if item.get_closest_marker("e2e") is None:
        return 2
    return 0 if path.startswith(SLOWEST_FIRST) else 1


@pytest.fixture(autouse=True, scope="session")
def site_key_of_the_tests(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Commands run in this process (``antre report`` records its export in the access log, and
    makes the site key when there is none) use a key file of the test session, never the user's
    data folder or /etc/antre. Subprocesses given their own ANTRE_DATA_DIR keep theirs there."""
    if "ANTRE_KEY_FILE" in os.environ:
        yield
        return
    os.environ["ANTRE_KEY_FILE"] = str(tmp_path_factory.mktemp("site-key") / "antre.key")
    try:
        yield
    finally:
        os.environ.pop("ANTRE_KEY_FILE", None)


@pytest.fixture(autouse=True)
def fail_on_swallowed_handler_errors(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail the test when a message handler raised inside an ``MqttBus`` of this process.

    The bus logs such an error and goes on (in production the network thread must live), so a
    test would otherwise pass with a broken handler (as Home Assistant's MQTT tests guard too).
    The error is reported at the test's teardown, with its traceback. Only buses in the test
    process are watched: the hub and the apps a test starts as subprocesses are other processes
    (their logs show their errors). A test that provokes a handler error on purpose says
    ``@pytest.mark.allow_handler_errors``.
    """
    if request.node.get_closest_marker("allow_handler_errors"):
        yield
        return
    caught: list[str] = []
    lock = threading.Lock()

    def observe(handler: str, exc: Exception) -> None:
        text = "".join(traceback.format_exception(exc))
        with lock:
            caught.append(f"handler {handler} raised:\n{text}")

    mqtt.handler_error_observers.append(observe)
    try:
        yield
    finally:
        mqtt.handler_error_observers.remove(observe)
    if caught:
        pytest.fail(
            f"{len(caught)} MQTT handler error(s) were swallowed by the bus during this test "
            "(mark it allow_handler_errors if that is on purpose):\n\n" + "\n".join(caught),
            pytrace=False,
        )


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Broker]:
    workdir = tmp_path / "broker"
    workdir.mkdir()
    server = Broker(workdir)
    server.start()
    yield server
    server.stop()


def _pg_database() -> Iterator[str]:
    try:
        import psycopg
    except ImportError:
        pytest.skip("psycopg is not installed, so the PostgreSQL variant cannot run")
    try:
        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=2)
    except psycopg.OperationalError as exc:
        pytest.skip(f"no PostgreSQL server reachable at {PG_ADMIN_URL}: {exc}".splitlines()[0])
    name = f"antre_test_{uuid.uuid4().hex[:10]}"
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
        base = PG_ADMIN_URL.rsplit("/", 1)[0]
        try:
            yield f"{base}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_url() -> Iterator[str]:
    yield from _pg_database()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Each test using this runs on an SQLite file and on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'antre.db'}"
    else:
        yield from _pg_database()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'antre.db'}"


@pytest.fixture
def hub_factory(tmp_path: Path, broker: Broker) -> Iterator[object]:
    started: list[HubProcess] = []

    def start(db_url: str, desks: int = 8, extra: str = "") -> HubProcess:
        workdir = tmp_path / "hub"
        workdir.mkdir(exist_ok=True)
        config = site_config(workdir / "antre.toml", desks=desks, extra=extra)
        hub = HubProcess(workdir, hub_env(config, broker.url, db_url, workdir))
        hub.start()
        started.append(hub)
        wait_for_hub_online(broker.port)
        return hub

    yield start
    for hub in started:
        hub.stop()


def wait_for_hub_online(port: int, timeout: float = 60) -> None:
    probe = Probe(port)
    try:
        wait_until(lambda: _online(probe), timeout, "the hub's presence online")
    finally:
        probe.close()


def _online(probe: Probe) -> bool:
    return any(
        m.topic == probe.t("presence/antre-hub-pst") and m.payload == b"online" for m in list(probe.messages)
    )


@pytest.fixture
def hub(hub_factory, sqlite_url: str) -> HubProcess:  # type: ignore[no-untyped-def]
    return hub_factory(sqlite_url)


@pytest.fixture
def probe(broker: Broker) -> Iterator[Probe]:
    client = Probe(broker.port)
    wait_until(lambda: client.client.is_connected(), 5, "probe connected")
    yield client
    client.close()


@pytest.fixture
def staff_hub(tmp_path: Path, broker: Broker) -> Iterator[tuple[HubProcess, str]]:
    """A hub with the test officers, and the base URL of its staff API once it answers."""
    port = free_port()
    workdir = tmp_path / "hub"
    workdir.mkdir()
    config = site_config(workdir / "antre.toml", desks=2, staff_port=port, extra=officers_toml())
    hub = HubProcess(workdir, hub_env(config, broker.url, f"sqlite:///{workdir / 'antre.db'}", workdir))
    hub.start()
    base = f"http://127.0.0.1:{port}"
    _wait_for_console(hub, base, "the staff API")  # a busy machine: migrations first
    wait_for_hub_online(broker.port)  # the staff API may answer before the hub is on MQTT
    yield hub, base
    hub.stop()


@pytest.fixture
def console_hub(tmp_path: Path, broker: Broker) -> Iterator[tuple[HubProcess, str]]:
    """A hub with the console's test accounts (officers, a supervisor, a technician:
    ``tests.support.CONSOLE_ACCOUNTS``), two desks, and the base URL of its console once it answers.
    Sign in with ``tests.support.console_client(base, "sari")``."""
    from tests.support import console_accounts_toml

    port = free_port()
    workdir = tmp_path / "hub"
    workdir.mkdir()
    config = site_config(workdir / "antre.toml", desks=2, staff_port=port, extra=console_accounts_toml())
    hub = HubProcess(workdir, hub_env(config, broker.url, f"sqlite:///{workdir / 'antre.db'}", workdir))
    hub.start()
    base = f"http://127.0.0.1:{port}"
    _wait_for_console(hub, base, "the console")
    wait_for_hub_online(broker.port)
    yield hub, base
    hub.stop()


def _wait_for_console(hub: HubProcess, base: str, what: str) -> None:
    """Until the hub's console answers; a hub that exited (say, its port taken meanwhile) or never
    answers fails the fixture with the end of its log, which says why."""
    try:
        wait_until(lambda: not hub.alive() or _staff_api_answers(base), 60, what)
    except AssertionError as exc:
        raise AssertionError(f"{exc}; hub log:\n{hub.log_text()[-3000:]}") from None
    if not hub.alive():
        raise AssertionError(f"the hub exited before {what} answered; hub log:\n{hub.log_text()[-3000:]}")


def _staff_api_answers(base: str) -> bool:
    try:
        return staff_call(base, "/api/v1/visitor")[0] == 401
    except OSError:
        return False
