"""The README's by-hand example, run as a newcomer would: its own commands against the demo site."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest

from tests.conftest import wait_for_hub_online
from tests.support import Broker, HubProcess, hub_env, wait_until

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.e2e


def readme_example() -> list[str]:
    """The shell lines of the README block that follows "With `antre up` running"."""
    text = (ROOT / "README.md").read_text("utf-8")
    block = re.search(r"With `antre up` running.*?```sh\n(.*?)```", text, re.DOTALL)
    assert block, "the README's by-hand example is gone"
    return [line.split("  #")[0].strip() for line in block.group(1).splitlines() if line.strip()]


def on_port(line: str, port: int) -> list[str]:
    """One README line as argv, pointed at the test's broker instead of port 1883."""
    argv = shlex.split(line.rstrip("&").strip())
    assert argv[0] in ("mosquitto_sub", "mosquitto_pub"), line
    return [argv[0], "-h", "127.0.0.1", "-p", str(port), *argv[1:]]


def test_the_readme_example_shows_the_ticket_and_the_call(tmp_path: Path, broker: Broker) -> None:
    lines = readme_example()
    assert lines[0].startswith("mosquitto_sub") and lines[0].endswith("&")
    hub = HubProcess(tmp_path, hub_env((ROOT / "deploy/demo.toml").resolve(), broker.url,
                                       f"sqlite:///{tmp_path / 'demo.db'}", tmp_path))  # fmt: skip
    hub.start()
    sub = None
    try:
        wait_for_hub_online(broker.port)
        out = tmp_path / "sub.txt"
        with out.open("wb") as sink:
            sub = subprocess.Popen(on_port(lines[0], broker.port), stdout=sink, stderr=subprocess.STDOUT)
            wait_until(lambda: "antre/pst/" in out.read_text(), 10, "the subscriber's first retained state")
            for line in lines[1:]:
                subprocess.run(on_port(line, broker.port), check=True, timeout=10)
                wait_until(lambda: "A-001" in out.read_text(), 10, f"an answer to {line!r}")
            wait_until(lambda: "antre/pst/event/call" in out.read_text(), 10, "the call")
        seen = out.read_text()
        assert re.search(r"antre/pst/kiosk/kiosk-1/response \{.*\"ticket\": ?\"A-001\"", seen), seen
        assert re.search(r"antre/pst/event/call \{.*A-001", seen), seen
    finally:
        if sub is not None:
            sub.terminate()
            sub.wait(timeout=5)
        hub.stop()
