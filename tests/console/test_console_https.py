"""The console over HTTPS with the lobby's CA (issue 16): a real hub serving the certificate
``broker/mosquitto/certs.py`` makes (as ``antre setup --role hub --hub-name ...`` does), checked by
Python's ssl the way the counter checks it; the counter signing in and fetching the visitor over
it; plain HTTP refused off loopback, on the hub's side and on the counter's."""

from __future__ import annotations

import http.client
import socket
import ssl
import subprocess
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from broker.console.settings import ConsoleSettings
from broker.mosquitto.certs import CertFiles, make_certs
from counter.options import staff_ca_from, staff_url_from
from counter.staff_client import StaffClient, StaffError
from deploy.ops.doctor_console import ConsoleTarget, check_console, hub_target
from shared.config import ConfigError, settings_from_mapping
from tests.broker.hub.test_hub_commands import GUEST
from tests.conftest import wait_for_hub_online
from tests.support import (
    Broker,
    HubProcess,
    Probe,
    console_accounts_toml,
    console_secret,
    free_port,
    hub_env,
    site_config,
    wait_until,
)

HubStarter = Callable[[str], tuple[HubProcess, str, CertFiles]]


def _context(ca: Path) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(ca))  # check_hostname on, CERT_REQUIRED


def _answers(host: str, port: int, ca: Path) -> bool:
    try:
        conn = http.client.HTTPSConnection(host, port, context=_context(ca), timeout=5)
        conn.request("GET", "/api/v1/visitor")
        status = conn.getresponse().status
        conn.close()
        return status == 401
    except OSError:
        return False


@pytest.fixture
def https_hub(tmp_path: Path, broker: Broker) -> Iterator[HubStarter]:
    """``start(host)``: a hub whose console listens on ``host`` with a certificate of the lobby's
    CA naming that host only (``localhost`` reaches it too, and is not named), and the console
    accounts (``budi`` / "246810")."""
    started: list[HubProcess] = []

    def start(host: str) -> tuple[HubProcess, str, CertFiles]:
        files = make_certs(tmp_path / "tls", [host])
        port = free_port()
        workdir = tmp_path / "hub"
        workdir.mkdir()
        console = (
            f'\n[console]\nlisten = "{host}:{port}"\n'
            f'tls_cert = "{files.server_cert}"\ntls_key = "{files.server_key}"\n'
        )
        extra = console_accounts_toml() + console
        config = site_config(workdir / "antre.toml", desks=2, extra=extra)
        hub = HubProcess(workdir, hub_env(config, broker.url, f"sqlite:///{workdir / 'antre.db'}", workdir))
        hub.start()
        started.append(hub)
        try:
            wait_until(lambda: _answers(host, port, files.ca_cert), 60, "the console over HTTPS")
        except AssertionError as exc:
            raise AssertionError(f"{exc}; hub log:\n{hub.log_text()[-3000:]}") from None
        wait_for_hub_online(broker.port)
        return hub, f"https://{host}:{port}", files

    yield start
    for hub in started:
        hub.stop()


def test_the_console_speaks_https_only_with_a_chain_to_the_lobby_ca(https_hub: HubStarter) -> None:
    _hub, base, files = https_hub("127.0.0.1")
    port = int(base.rpartition(":")[2])
    # A verified chain (the lobby's CA, the host name checked), HSTS on every answer.
    with (
        socket.create_connection(("127.0.0.1", port), timeout=10) as raw,
        _context(files.ca_cert).wrap_socket(raw, server_hostname="127.0.0.1") as tls,
    ):
        assert tls.version() in ("TLSv1.2", "TLSv1.3")
        cert = tls.getpeercert()
        assert ("IP Address", "127.0.0.1") in cert["subjectAltName"]
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=_context(files.ca_cert), timeout=10)
    conn.request("GET", "/signin")
    answer = conn.getresponse()
    assert answer.status == 200 and answer.getheader("Strict-Transport-Security") == "max-age=31536000"
    assert answer.getheader("Server") is None
    conn.close()
    # Plain HTTP to the HTTPS port gets no page.
    plain = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    with pytest.raises((http.client.HTTPException, OSError)):
        plain.request("GET", "/signin")
        plain.getresponse()
    plain.close()
    # TLS 1.1 is refused by the server: this client offers it (it completes a TLS 1.1 handshake
    # with a server that allows it; a client unable to would fail with NO_PROTOCOLS_AVAILABLE),
    # and the console answers with a protocol-version alert or closes the connection.
    old = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    old.check_hostname, old.verify_mode = False, ssl.CERT_NONE
    old.set_ciphers("DEFAULT:@SECLEVEL=0")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # TLSv1_1 itself is deprecated
        old.minimum_version = old.maximum_version = ssl.TLSVersion.TLSv1_1
    with (
        socket.create_connection(("127.0.0.1", port), timeout=10) as raw,
        pytest.raises(ssl.SSLError, match=r"ALERT_PROTOCOL_VERSION|UNEXPECTED_EOF"),
    ):
        old.wrap_socket(raw)
    # A client trusting another CA is refused (the system's CAs do not sign for a lobby).
    other = make_certs(files.directory.parent / "other", ["127.0.0.1"])
    with (
        socket.create_connection(("127.0.0.1", port), timeout=10) as raw,
        pytest.raises(ssl.SSLCertVerificationError),
    ):
        _context(other.ca_cert).wrap_socket(raw, server_hostname="127.0.0.1")


def test_the_counter_signs_in_over_https_and_fetches_the_visitor(
    https_hub: HubStarter, probe: Probe, tmp_path: Path
) -> None:
    _hub, base, files = https_hub("127.0.0.1")
    settings = settings_from_mapping(
        {"counter": {"staff_url": base, "ca_file": str(files.ca_cert)}, "desks": [], "services": []}, {}
    )
    url = staff_url_from(settings)
    client = StaffClient(url, ca_file=staff_ca_from(settings, url))
    signed = client.signin("1", "budi", console_secret("budi"))
    assert signed.officer_name == "Budi Santoso"
    assert probe.wait_for("counter/1/state", lambda p: p["status"] == "idle")
    probe.issue("A", guest=GUEST)
    probe.command("1", "next")
    visitor = client.visitor(signed.token)
    assert visitor is not None and visitor.ticket == "A-001" and visitor.name == "Siti Aminah"
    # The same hub, but the counter trusting another CA or naming a host the certificate does not
    # hold: no sign-in, no PIN sent.
    other = make_certs(tmp_path / "other", ["127.0.0.1"])
    with pytest.raises(StaffError) as wrong_ca:
        StaffClient(base, ca_file=str(other.ca_cert)).signin("2", "rina", console_secret("rina"))
    assert wrong_ca.value.code == "unreachable"
    unnamed = base.replace("127.0.0.1", "localhost")  # reaches the console; not in its certificate
    with pytest.raises(StaffError) as wrong_name:
        StaffClient(unnamed, ca_file=str(files.ca_cert)).signin("2", "rina", console_secret("rina"))
    assert isinstance(wrong_name.value.__cause__.reason, ssl.SSLCertVerificationError)  # type: ignore[union-attr]
    assert isinstance(wrong_ca.value.__cause__.reason, ssl.SSLCertVerificationError)  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="CA"):
        StaffClient(base)


def _lan_address() -> str | None:
    try:
        words = subprocess.run(["hostname", "-I"], capture_output=True, text=True, timeout=5).stdout.split()
    except (OSError, subprocess.SubprocessError):
        return None
    for word in words:
        if ":" in word or word.startswith("127."):
            continue
        try:  # bindable here, so the console can listen on it
            with socket.socket() as probe_socket:
                probe_socket.bind((word, 0))
            return word
        except OSError:
            continue
    return None


def test_a_counter_on_another_box_reaches_the_console_off_loopback(
    https_hub: HubStarter, probe: Probe
) -> None:
    """The console on the machine's LAN address (off loopback: HTTPS required), and a counter
    configured as a counter box is (mqtts:// to the hub with the lobby's CA, no staff_url): it
    finds the console at the broker's host, over HTTPS with that CA, and signs in."""
    lan = _lan_address()
    if lan is None:
        pytest.skip("this machine has no non-loopback IPv4 address to listen on (hostname -I)")
    _hub, base, files = https_hub(lan)
    port = base.rpartition(":")[2]
    env = {"ANTRE_MQTT_URL": f"mqtts://desk1:pw@{lan}:8883", "ANTRE_MQTT_CA": str(files.ca_cert)}
    counter_box = settings_from_mapping({"console": {"listen": f"127.0.0.1:{port}"}}, env)
    url = staff_url_from(counter_box)
    assert url == base and staff_ca_from(counter_box, url) == str(files.ca_cert)
    client = StaffClient(url, ca_file=staff_ca_from(counter_box, url))
    signed = client.signin("2", "budi", console_secret("budi"))
    assert signed.desk_name == "Meja 2"
    assert probe.wait_for("counter/2/state", lambda p: p["status"] == "idle")
    assert client.visitor(signed.token) is None
    client.signout(signed.token)
    # Plain HTTP to that address is refused by the counter before anything is sent.
    with pytest.raises(ConfigError, match="plain http://"):
        staff_url_from(settings_from_mapping({"counter": {"staff_url": f"http://{lan}:{port}"}}, {}))


def test_the_console_off_loopback_without_certificates_is_refused_with_the_fix() -> None:
    for listen in ("0.0.0.0:8742", "192.168.1.10:8742", "[fd00::2]:8742"):
        with pytest.raises(ConfigError, match="HTTPS only") as refused:
            ConsoleSettings.from_settings(settings_from_mapping({"console": {"listen": listen}}, {}))
        assert "tls_cert" in str(refused.value) and "antre broker certs" in str(refused.value)
    loopback = settings_from_mapping({"console": {"listen": "127.0.0.1:1"}}, {})
    assert not ConsoleSettings.from_settings(loopback).https


def test_the_counter_refuses_plain_http_to_another_machine(tmp_path: Path) -> None:
    for url in ("http://192.168.1.10:8742", "http://hub.local:8742", "http://[fd00::2]:8742"):
        with pytest.raises(ConfigError, match="plain http:// to another machine") as refused:
            staff_url_from(settings_from_mapping({"counter": {"staff_url": url}}, {}))
        assert "https://" in str(refused.value) and "ANTRE_MQTT_CA" in str(refused.value)
    assert staff_url_from(settings_from_mapping({}, {})) == "http://127.0.0.1:8742"  # the hub machine
    # HTTPS needs the lobby's CA: none given is refused at start too.
    https = settings_from_mapping({"counter": {"staff_url": "https://192.168.1.10:8742"}}, {})
    with pytest.raises(ConfigError, match="no CA"):
        staff_ca_from(https, staff_url_from(https))
    # On the hub machine with the console on HTTPS: localhost, with the CA beside its certificate.
    files = make_certs(tmp_path / "tls", ["localhost", "192.168.1.10"])
    hub_box = settings_from_mapping(
        {"console": {"listen": "0.0.0.0:8742", "tls_cert": str(files.server_cert)}}, {}
    )
    url = staff_url_from(hub_box)
    assert url == "https://localhost:8742" and staff_ca_from(hub_box, url) == str(files.ca_cert)


def test_the_doctor_checks_the_console_as_a_counter_would(https_hub: HubStarter) -> None:
    """`antre doctor` on the hub: HTTPS with the CA beside the certificate, the certificate valid
    and naming the address, its days left; under 30 days a warning, a name it lacks a problem."""
    hub, base, files = https_hub("127.0.0.1")
    target = hub_target(settings_from_mapping(_toml(hub.env["ANTRE_CONFIG"]), {}))
    assert target.url == base and target.ca_file == str(files.ca_cert)
    check = check_console(target)
    assert check.status == "OK" and "over HTTPS" in check.text and "more days" in check.text
    soon = check_console(target, now=time.time() + 810 * 86400)  # the certificate lasts 825 days
    assert soon.status == "WARN" and "antre broker certs --renew" in soon.text
    unnamed = check_console(ConsoleTarget(base.replace("127.0.0.1", "localhost"), str(files.ca_cert)))
    assert unnamed.status == "PROBLEM" and "does not name localhost" in unnamed.text


def _toml(path: str) -> dict[str, object]:
    import tomllib

    return tomllib.loads(Path(path).read_text(encoding="utf-8"))


def test_the_counter_app_does_not_start_with_plain_http_to_another_machine(tmp_path: Path) -> None:
    """The real ``antre counter`` command: a configuration error before any window or request."""
    import os
    import sys

    config = site_config(
        tmp_path / "antre.toml", desks=2, extra='\n[counter]\nstaff_url = "http://192.168.1.10:8742"\n'
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANTRE_", "KIVY_"))}
    env.update(
        SDL_VIDEODRIVER="offscreen", KIVY_HOME=str(tmp_path / "kivy"), ANTRE_MQTT_URL="mqtt://127.0.0.1:9"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-m", "counter.app", "--config", str(config), "--desk", "1"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2, done.stderr[-2000:]
    assert "configuration error" in done.stderr and "plain http:// to another machine" in done.stderr
    assert "https://192.168.1.10:8742" in done.stderr
