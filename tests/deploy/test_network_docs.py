"""The templates and the technician's docs say what the code enforces: plain MQTT and the console
in plain HTTP only on loopback, TLS everywhere else (issues 15 and 16)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from shared.config import is_loopback

ROOT = Path(__file__).resolve().parents[2]
TEXTS = (
    "deploy/etc/antre.toml",
    "deploy/etc/antre.env",
    "docs/deploy.md",
    "docs/security.md",
    "docs/hardware.md",
    "README.md",
)
PLAIN_MQTT = re.compile(r"mqtt://(?:[^\s@/`'\"]+@)?(\[[^\]]+\]|[^\s:/`'\")]+)")
# The old plain-HTTP staff_api address, or a counter's staff_url in plain http:// (https:// is fine).
STAFF = re.compile(r"(?:staff_api\s*=\s*\"|staff_url\s*=\s*\"http://)(\[[^\]]+\]|[^\":]*):")


@pytest.mark.parametrize("name", TEXTS)
def test_plain_mqtt_and_plain_http_to_the_console_appear_on_loopback_only(name: str) -> None:
    text = (ROOT / name).read_text(encoding="utf-8")
    plain = [host for host in PLAIN_MQTT.findall(text) if not is_loopback(host)]
    assert not plain, f"{name} gives a plain mqtt:// URL to another machine: {plain}"
    staff = [host for host in STAFF.findall(text) if not is_loopback(host)]
    assert not staff, f"{name} puts plain HTTP to the console off loopback: {staff}"


def test_the_checks_above_can_see_a_bad_line() -> None:
    assert PLAIN_MQTT.findall("ANTRE_MQTT_URL=mqtt://kiosk-1:PW@192.168.1.10:1883") == ["192.168.1.10"]
    assert STAFF.findall('staff_api = "0.0.0.0:8742"') == ["0.0.0.0"]
    assert STAFF.findall('staff_url = "http://192.168.1.10:8742"') == ["192.168.1.10"]
    assert STAFF.findall('staff_url = "https://192.168.1.10:8742"') == []


def test_the_site_template_opens_the_console_to_the_network_only_over_https() -> None:
    """As written for every box the console stays on loopback; for a hub with certificates
    (``antre setup --role hub --hub-name ...``) it listens on the network with them."""
    from deploy.ops.setup import site_template

    site = tomllib.loads((ROOT / "deploy/etc/antre.toml").read_text(encoding="utf-8"))
    assert is_loopback(str(site["console"]["listen"]).rpartition(":")[0])
    assert "tls_cert" not in site["console"] and "hub" not in site
    assert "broker" not in site or is_loopback(str(site["broker"].get("host", "127.0.0.1")))
    hub = tomllib.loads(site_template(console_https=True))["console"]
    assert not is_loopback(str(hub["listen"]).rpartition(":")[0])
    assert hub["tls_cert"].endswith("/tls/server.crt") and hub["tls_key"].endswith("/tls/server.key")


def test_every_test_the_threat_model_names_exists() -> None:
    """docs/security.md backs each claim with a named test (`file.py::test`, then `::test` for
    another in the same file): a renamed or deleted test fails here."""
    text = (ROOT / "docs/security.md").read_text(encoding="utf-8")
    files = {p.name: p for p in (ROOT / "tests").rglob("test_*.py")}
    current: Path | None = None
    checked = 0
    for match in re.finditer(r"`(?:tests/[\w/]+/)?(test_\w+\.py)?(?:::(test_\w+))?`", text):
        file_name, test_name = match.groups()
        if file_name:
            assert file_name in files, f"docs/security.md names {file_name}, which does not exist"
            current = files[file_name]
        if test_name:
            assert current is not None, test_name
            assert f"def {test_name}(" in current.read_text(encoding="utf-8"), f"{current.name}::{test_name}"
            checked += 1
    assert checked >= 15
