"""The doctor's view of the lobby network, without a broker: which account it would log in with,
and the console's rules (plain HTTP on loopback only)."""

from __future__ import annotations

from pathlib import Path

import pytest

from broker.mosquitto.server import mosquitto_version
from deploy.ops.doctor_console import check_console, hub_target
from deploy.ops.doctor_network import check_connection_bound, doctor_account, shared_accounts
from shared.config import ConfigError, settings_from_mapping

DEVICES = [{"id": "hub", "role": "hub"}, {"id": "k1", "role": "kiosk"}, {"id": "doctor", "role": "doctor"}]


@pytest.mark.parametrize(
    ("section", "address", "in_clear"),
    [
        ("console", "127.0.0.1:8742", False),
        ("console", "[::1]:8742", False),
        ("console", "localhost:8742", False),
        ("console", "0.0.0.0:8742", True),
        ("console", "192.168.1.10:8742", True),
        ("hub", "0.0.0.0:8742", True),  # the old [hub] staff_api, read when [console] does not say
        ("hub", "127.0.0.1:8742", False),
    ],
)
def test_a_console_off_loopback_without_https_is_a_problem(
    section: str, address: str, in_clear: bool
) -> None:
    """The console's own rule (broker/console/settings.py): off loopback without a certificate the
    hub refuses to start, and the doctor says so with the fix, before trying to connect."""
    key = "listen" if section == "console" else "staff_api"
    target = hub_target(settings_from_mapping({section: {key: address}}, {}))
    assert (target.problem is not None) is in_clear
    if target.problem:
        check = check_console(target)
        assert check.status == "PROBLEM" and "HTTPS only" in check.text and "tls_cert" in check.text
        assert "antre broker certs" in check.text
    else:
        assert target.url.startswith("http://") and target.ca_file is None


def test_the_doctor_never_logs_in_as_the_hub() -> None:
    env = {"ANTRE_MQTT_URL": "mqtt://hub:pw@127.0.0.1:1883"}
    account = doctor_account(settings_from_mapping({"devices": DEVICES}, env), env)
    assert account.endpoint is None and "hub's account" in account.why and "pw" not in account.why
    env["ANTRE_DOCTOR_MQTT_URL"] = "mqtts://doctor:pw2@192.168.1.10:8883"
    account = doctor_account(settings_from_mapping({"devices": DEVICES}, env), env)
    assert account.endpoint is not None and account.endpoint.username == "doctor"
    kiosk = {"ANTRE_MQTT_URL": "mqtts://k1:pw@192.168.1.10:8883"}
    assert doctor_account(settings_from_mapping({"devices": DEVICES}, kiosk), kiosk).endpoint is not None


def test_the_doctors_own_url_must_not_be_plain_to_another_box() -> None:
    env = {"ANTRE_DOCTOR_MQTT_URL": "mqtt://doctor:pw@192.168.1.10:1883"}
    with pytest.raises(ConfigError, match="mqtts://"):
        doctor_account(settings_from_mapping({"devices": DEVICES}, {}), env)


def test_programs_sharing_one_account_on_a_box_are_a_problem(tmp_path: Path) -> None:
    """The hub and the wall display on one machine, both with antre.env's account: the broker takes
    the user name as the client id, so each login would push the other off."""
    from deploy.ops.setup import setup

    setup("hub", root=tmp_path, antre_bin="/opt/antre/.venv/bin/antre")
    setup("display", root=tmp_path, antre_bin="/opt/antre/.venv/bin/antre")
    base = {"ANTRE_MQTT_URL": "mqtt://hub:pw@127.0.0.1:1883"}
    why = shared_accounts(tmp_path, base)
    assert why is not None and "display and hub all log in as hub" in why and "/etc/antre/display.env" in why
    (tmp_path / "etc/antre/display.env").write_text("ANTRE_MQTT_URL=mqtt://tv:pw2@127.0.0.1:1883\n")
    assert shared_accounts(tmp_path, base) is None
    assert shared_accounts(tmp_path, {"ANTRE_MQTT_URL": "mqtt://127.0.0.1:1883"}) is None  # the open demo


def test_the_doctor_warns_when_the_broker_miscounts_lobby_connections() -> None:
    """Debian 12's mosquitto 2.0.11: its bound on the lobby listener wears off (the xfail in
    tests/broker/mosquitto/test_broker_lan.py shows it on the real broker)."""
    deployment = settings_from_mapping({"devices": DEVICES}, {})
    old = check_connection_bound(deployment, (2, 0, 11))
    assert old is not None and old.status == "WARN" and "2.0.12" in old.text and "256" in old.text
    fixed = check_connection_bound(deployment, (2, 0, 18))
    assert fixed is not None and fixed.status == "OK"
    assert check_connection_bound(deployment, None).status == "UNKNOWN"  # type: ignore[union-attr]
    assert check_connection_bound(settings_from_mapping({}, {}), (2, 0, 11)) is None  # loopback demo


def test_the_installed_mosquitto_says_its_version() -> None:
    version = mosquitto_version()
    assert version is not None and version >= (2, 0, 0)
