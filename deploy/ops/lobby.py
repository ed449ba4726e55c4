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
# And large blocks (>= 64 KiB: the screens' textures and pixel buffers) in their own mappings,
# given back when freed: glibc's default threshold climbs after the first such free, and then
# they are carved out of the heap, which they fragment (the kiosk over 70 visits: 681 -> 775 MB
# with two arenas alone, 508 -> 553 MB with this; bench/README.md, "Soak"). Setting it also
# stops the climb. (The rest of the kiosk's growth was software GL's queued frames: the screens
# now wait for each frame, and a 300-visit day grows it 0.8%.)
ALLOCATOR_ENV = {"MALLOC_ARENA_MAX": "2", "MALLOC_MMAP_THRESHOLD_": "65536"}


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

DEFAULT_SCREEN = (1920, 1080)
TITLE_BAR = 32  # what a window manager adds above each window, so stacked windows do not overlap

Box = tuple[tuple[int, int], tuple[int, int]]
"""A window's (width, height) and (left, top)."""


def window_layout(screen: tuple[int, int], apps: tuple[str, ...]) -> dict[str, Box]:
    """Lay the apps out side by side, each in the shape it has in a lobby.

    The kiosk stands portrait (9:16) on the left, full height: at a landscape 800x600 its keyboard
    hid most of the form. The wall display (16:9) fills the top of the rest, the counter (a 16:10
    tablet) and the rating screen share the row below it. The apps scale with their windows, so each
    looks as it will on its own screen, only smaller."""
    width, height = screen
    boxes: dict[str, Box] = {}
    left = 0
    if "kiosk" in apps:
        kiosk_h = height - TITLE_BAR
        boxes["kiosk"] = ((kiosk_h * 9 // 16, kiosk_h), (0, TITLE_BAR))
        left = kiosk_h * 9 // 16
    rest_w = width - left
    top = 0
    if "display" in apps:
        display_h = min(rest_w * 9 // 16, int(height * 0.55) - TITLE_BAR)
        boxes["display"] = ((display_h * 16 // 9, display_h), (left, TITLE_BAR))
        top = display_h + TITLE_BAR
    row_h = height - top - TITLE_BAR
    row_left = left
    for app, aspect in (("counter", 1.6), ("rate", 1.1)):
        if app in apps:
            row_w = min(int(row_h * aspect), width - row_left)
            boxes[app] = ((row_w, row_h), (row_left, top + TITLE_BAR))
            row_left += row_w
    return boxes


def app_commands(settings: Settings, apps: tuple[str, ...], screen: tuple[int, int]) -> dict[str, list[str]]:
    """Each app's ``antre`` arguments: the first desk's counter, each window in its place."""
    first_desk = settings.desks[0].id
    layout = window_layout(screen, apps)
    commands: dict[str, list[str]] = {}
    for app in apps:
        (w, h), (x, y) = layout[app]
        args = [part.format(desk=first_desk) for part in APPS[app]]
        commands[app] = [*args, "--size", f"{w}x{h}", "--position", f"{x},{y}"]
    return commands


def _console_url(settings: Settings) -> str:
    from broker.console.settings import ConsoleSettings

    where = ConsoleSettings.from_settings(settings)
    host = "127.0.0.1" if where.host in ("0.0.0.0", "::") else where.host
    return ConsoleSettings(host, where.port, where.cert, where.key).base_url()


def run_lobby(
    settings: Settings,
    config: str | None,
    apps: tuple[str, ...] = tuple(APPS),
    screen: tuple[int, int] = DEFAULT_SCREEN,
) -> int:
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
    for app, args in app_commands(settings, apps, screen).items():
        children.append((app, _child(args, config)))
    print("antre up: the lobby is running; press Ctrl-C to stop it", flush=True)
    print(f"antre up: the staff console is at {_console_url(settings)}/ (docs/console.md)", flush=True)

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
