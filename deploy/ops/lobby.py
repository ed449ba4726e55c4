"""``antre up``: the whole lobby on one machine, for a demo or a one-box site.

Starts Mosquitto (or reuses one already listening at ``ANTRE_MQTT_URL``), then the hub and the
apps as child processes; Ctrl-C (or SIGTERM) stops them all, newest first.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

from broker.mosquitto.server import BrokerConfig, is_listening, start
from shared.config import Settings
from shared.store.db import upgrade

_LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
# As the systemd units set it (deploy/systemd/antre-*.service): glibc gives threads that allocate
# their own malloc arenas (up to 8 per core) and keeps what is freed in them, so a long-running
# app's heap creeps up (the kiosk: ~0.8 MB a visit after its warm-up); two arenas bound that (see
# bench/soak.py). A value already in the environment wins.
ALLOCATOR_ENV = {"MALLOC_ARENA_MAX": "2"}


def _wait_listening(host: str, port: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if is_listening(host, port):
            return True
        time.sleep(0.05)
    return False


def _child(args: list[str], config: str | None) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "deploy.cli.main"]
    if config:
        command += ["--config", config]
    # A session of its own: Ctrl-C reaches `antre up` alone, which then stops each child in turn
    # (an app would otherwise die mid-frame with a KeyboardInterrupt traceback).
    return subprocess.Popen(command + args, env=child_env(), start_new_session=True)


def child_env() -> dict[str, str]:
    """The hub's and the apps' environment: ours, with the allocator set as the units set it."""
    return {**ALLOCATOR_ENV, **os.environ}


APPS = {
    "kiosk": ["kiosk"],
    "display": ["display"],
    "counter": ["counter", "--desk", "{desk}"],
    "rate": ["rate", "--desk", "{desk}"],  # optional: antre up --apps kiosk,display,counter,rate
}


def run_lobby(settings: Settings, config: str | None, apps: tuple[str, ...] = tuple(APPS)) -> int:
    endpoint = settings.mqtt
    children: list[tuple[str, subprocess.Popen[bytes]]] = []
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())

    if is_listening(endpoint.host, endpoint.port):
        print(f"antre up: using the broker already listening at {endpoint.url()}", flush=True)
    elif endpoint.host in _LOCAL_HOSTS:
        path = BrokerConfig(port=endpoint.port, host=endpoint.host).write(
            settings.data_dir / "mosquitto.conf"
        )
        children.append(("broker", start(path)))
        if not _wait_listening(endpoint.host, endpoint.port, 5):
            print(f"antre up: mosquitto did not start on {endpoint.url()}", file=sys.stderr)
            return _stop_all(children, 1)
        print(f"antre up: started mosquitto on {endpoint.url()}", flush=True)
    else:
        print(f"antre up: no broker answers at {endpoint.url()}", file=sys.stderr)
        return 1

    upgrade(settings.db_url)
    children.append(("hub", _child(["hub"], config)))
    essential = {"broker", "hub"}
    first_desk = settings.desks[0].id
    for app in apps:
        children.append((app, _child([part.format(desk=first_desk) for part in APPS[app]], config)))
    print("antre up: the lobby is running; press Ctrl-C to stop it", flush=True)

    reported: set[str] = set()
    while not stop.wait(0.5):
        for name, process in children:
            if process.poll() is None or name in reported:
                continue
            if name in essential:
                print(
                    f"antre up: {name} stopped (exit {process.returncode}); stopping the rest",
                    file=sys.stderr,
                )
                return _stop_all(children, 1)
            # An app may fail alone (no screen on this machine, say): the queue goes on without it.
            reported.add(name)
            print(f"antre up: the {name} app stopped (exit {process.returncode}); broker and hub go on",
                  file=sys.stderr)  # fmt: skip
    print("antre up: stopping", flush=True)
    return _stop_all(children, 0)


def _stop_all(children: list[tuple[str, subprocess.Popen[bytes]]], code: int) -> int:
    for _name, process in reversed(children):
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    return code
