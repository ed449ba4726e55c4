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

from broker.mosquitto import BrokerConfig, is_listening, start
from shared.config import Settings
from shared.db import upgrade

_LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def _wait_listening(host: str, port: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if is_listening(host, port):
            return True
        time.sleep(0.05)
    return False


def _child(args: list[str], config: str | None) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "shared.cli"]
    if config:
        command += ["--config", config]
    return subprocess.Popen(command + args, env=os.environ.copy())


APPS = {
    "kiosk": ["kiosk"],
    "display": ["display"],
    "counter": ["counter", "--desk", "{desk}"],
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
    print("antre up: the lobby is running; press Ctrl-C to stop it", flush=True)

    while not stop.wait(0.5):
        for name, process in children:
            if process.poll() is not None:
                print(
                    f"antre up: {name} stopped (exit {process.returncode}); stopping the rest",
                    file=sys.stderr,
                )
                return _stop_all(children, 1)
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
