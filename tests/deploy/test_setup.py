"""``antre setup`` in a throw-away root: the same files on every run, the technician's config kept,
and every unit it installs accepted by ``systemd-analyze verify``."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from deploy.ops.setup import DEPLOY_DIR, ROLES, setup
from shared.config import ConfigError

ANTRE_BIN = str(Path(sys.executable).parent / "antre")
ALL_ROLES = (("hub", None), ("kiosk", None), ("display", None), ("counter", "2"), ("rating", "2"))


def _snapshot(root: Path) -> dict[str, tuple[str, bytes | str]]:
    found: dict[str, tuple[str, bytes | str]] = {}
    for path in sorted(root.rglob("*")):
        key = str(path.relative_to(root))
        if path.is_symlink():
            found[key] = ("link", str(path.readlink()))
        elif path.is_file():
            found[key] = (oct(path.stat().st_mode), path.read_bytes())
    return found


def _setup_all(root: Path, cage: str = "/usr/bin/cage") -> list[str]:
    log: list[str] = []
    for role, desk in ALL_ROLES:
        log += setup(role, desk=desk, root=root, antre_bin=ANTRE_BIN, cage_bin=cage)
    return log


def test_setup_twice_gives_byte_identical_files(tmp_path: Path) -> None:
    first = _setup_all(tmp_path)
    before = _snapshot(tmp_path)
    second = _setup_all(tmp_path)
    assert _snapshot(tmp_path) == before
    assert any(line.startswith("wrote") for line in first)
    assert not [line for line in second if line.startswith(("wrote", "linked"))]
    # Under --root nothing touches the live system: no user, no systemctl.
    assert "skipped   create user antre (--root)" in first
    assert all(not line.startswith("ran ") for line in first + second)
    units = tmp_path / "etc/systemd/system"
    assert (units / "multi-user.target.wants/antre-counter@2.service").readlink() == Path(
        "/etc/systemd/system/antre-counter@.service"
    )
    assert (units / "timers.target.wants/antre-backup.timer").is_symlink()
    assert (units / "mosquitto.service").readlink() == Path("/dev/null")
    assert f"ExecStart={ANTRE_BIN} hub" in (units / "antre-hub.service").read_text()
    assert (tmp_path / "etc/udev/rules.d/60-antre-printer.rules").exists()


def test_setup_keeps_the_technicians_config(tmp_path: Path) -> None:
    setup("hub", root=tmp_path, antre_bin=ANTRE_BIN)
    config = tmp_path / "etc/antre/antre.toml"
    config.write_text('site = "tulangbawang"\n', encoding="utf-8")
    log = setup("hub", root=tmp_path, antre_bin=ANTRE_BIN)
    assert config.read_text(encoding="utf-8") == 'site = "tulangbawang"\n'
    assert "kept      /etc/antre/antre.toml (yours: not overwritten)" in log
    example = (tmp_path / "etc/antre/antre.toml.example").read_text(encoding="utf-8")
    assert example == (DEPLOY_DIR / "etc/antre.toml").read_text(encoding="utf-8")
    assert oct((tmp_path / "etc/antre/antre.env").stat().st_mode & 0o777) == "0o640"


def test_the_hub_gets_a_certificate_naming_its_addresses(tmp_path: Path) -> None:
    """`--hub-name`: the lobby's CA and the broker's certificate, whose names are the addresses
    the other devices put in their mqtts:// URL (they check it, see test_broker_lan.py)."""
    log = setup("hub", root=tmp_path, antre_bin=ANTRE_BIN, hub_names=["192.168.1.10", "antre-hub.local"])
    tls = tmp_path / "var/lib/antre/tls"
    assert "made      /var/lib/antre/tls/ca.crt and server.crt for 192.168.1.10, antre-hub.local" in log
    assert any(line.startswith("COPY      /var/lib/antre/tls/ca.crt") for line in log)
    text = subprocess.run(
        ["openssl", "x509", "-noout", "-ext", "subjectAltName", "-in", str(tls / "server.crt")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "IP Address:192.168.1.10" in text and "DNS:antre-hub.local" in text
    assert oct((tls / "server.key").stat().st_mode & 0o777) == "0o600"
    before = (tls / "server.crt").read_bytes()
    again = setup("hub", root=tmp_path, antre_bin=ANTRE_BIN, hub_names=["192.168.1.10"])
    assert (tls / "server.crt").read_bytes() == before  # devices already trust it: never remade here
    assert any(line.startswith("kept      /var/lib/antre/tls/server.crt") for line in again)
    with pytest.raises(ConfigError, match="--role hub"):
        setup("kiosk", root=tmp_path, hub_names=["192.168.1.10"])
    dry = tmp_path / "dry"
    setup("hub", root=dry, dry_run=True, antre_bin=ANTRE_BIN, hub_names=["192.168.1.10"])
    assert not dry.exists()


def test_the_hub_gets_a_private_site_key_made_once(tmp_path: Path) -> None:
    from shared.store.keys import read_key

    log = setup("hub", root=tmp_path, antre_bin=ANTRE_BIN)
    key_file = tmp_path / "etc/antre/antre.key"
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert any(
        line.startswith("wrote     /etc/antre/antre.key") and "antre key --show" in line for line in log
    )
    first = read_key(key_file)
    again = setup("hub", root=tmp_path, antre_bin=ANTRE_BIN)
    assert "kept      /etc/antre/antre.key (the site key)" in again and read_key(key_file) == first
    setup("kiosk", root=tmp_path / "kiosk", antre_bin=ANTRE_BIN)
    assert not (tmp_path / "kiosk/etc/antre/antre.key").exists()  # only the hub holds it


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    log = setup("kiosk", root=tmp_path, dry_run=True, antre_bin=ANTRE_BIN)
    assert list(tmp_path.iterdir()) == []
    assert "wrote     /etc/systemd/system/antre-kiosk.service" in log


def test_desk_roles_need_a_safe_desk_id(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--desk"):
        setup("counter", root=tmp_path)
    with pytest.raises(ConfigError, match="letters, digits"):
        setup("rating", desk="2; rm -rf /", root=tmp_path)


def test_every_role_installs_only_units_that_exist() -> None:
    shipped = {p.name for p in (DEPLOY_DIR / "systemd").iterdir()}
    for role in ROLES.values():
        assert set(role.units) <= shipped
    assert shipped == {u for role in ROLES.values() for u in role.units}


def test_systemd_analyze_verify_accepts_every_installed_unit(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed here (Debian's systemd package brings it)")
    # verify also checks that ExecStart's program exists: where cage is not installed (a build or
    # CI machine), a stand-in executable takes its path so the rest of the unit is still checked.
    cage = shutil.which("cage")
    if cage is None:
        stand_in = tmp_path / "bin/cage"
        stand_in.parent.mkdir()
        stand_in.write_text("#!/bin/sh\nexit 0\n")
        stand_in.chmod(0o755)
        cage = str(stand_in)
    root = tmp_path / "root"
    _setup_all(root, cage=cage)
    units = root / "etc/systemd/system"
    check = tmp_path / "check"
    check.mkdir()
    for unit in units.glob("antre-*"):
        # A template is verified through an instance of it, as systemd would load it.
        shutil.copy(unit, check / unit.name.replace("@.", "@2."))
    names = sorted(str(p) for p in check.iterdir())
    assert len(names) == len(list((DEPLOY_DIR / "systemd").iterdir()))
    done = subprocess.run(
        [analyze, "verify", "--man=no", *names], capture_output=True, text=True, timeout=120, cwd=check
    )
    assert done.returncode == 0, done.stderr
    # Warnings (an unknown key, a bad value) do not fail verify: none may appear either.
    assert done.stderr.strip() == "", done.stderr


def test_a_hub_with_certificates_opens_its_console_over_https(tmp_path: Path) -> None:
    """With `--hub-name` the site config puts the console on the lobby network, serving the
    broker's certificate (which also names localhost, for the hub machine's own counters) with its
    key readable by the service user only; the hub reads it as it will start."""
    import os
    import tomllib

    from broker.console.settings import ConsoleSettings
    from shared.config import settings_from_mapping

    log = setup("hub", root=tmp_path, antre_bin=ANTRE_BIN, hub_names=["192.168.1.10"])
    raw = tomllib.loads((tmp_path / "etc/antre/antre.toml").read_text(encoding="utf-8"))
    assert raw["console"] == {
        "listen": "0.0.0.0:8742",
        "tls_cert": "/var/lib/antre/tls/server.crt",
        "tls_key": "/var/lib/antre/tls/server.key",
    }
    tls = tmp_path / "var/lib/antre/tls"
    key = (tls / "server.key").stat()
    assert oct(key.st_mode & 0o777) == "0o600" and key.st_uid == os.geteuid()  # the broker's user
    names = subprocess.run(
        ["openssl", "x509", "-noout", "-ext", "subjectAltName", "-in", str(tls / "server.crt")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "IP Address:192.168.1.10" in names and "DNS:localhost" in names
    raw["console"].update(tls_cert=str(tls / "server.crt"), tls_key=str(tls / "server.key"))
    where = ConsoleSettings.from_settings(settings_from_mapping(raw, {}))
    assert where.https and where.host == "0.0.0.0"
    assert not any(line.startswith("EDIT") for line in log)
    # A technician's older config is kept, and setup says what to add.
    (tmp_path / "etc/antre/antre.toml").write_text('[hub]\nstaff_api = "127.0.0.1:8742"\n', encoding="utf-8")
    again = setup("hub", root=tmp_path, antre_bin=ANTRE_BIN)
    assert any(line.startswith("EDIT      /etc/antre/antre.toml: under [console]") for line in again)
    example = (tmp_path / "etc/antre/antre.toml.example").read_text(encoding="utf-8")
    assert 'listen = "0.0.0.0:8742"' in example
    # Other roles keep the loopback console of the template.
    setup("kiosk", root=tmp_path / "kiosk", antre_bin=ANTRE_BIN)
    kiosk = tomllib.loads((tmp_path / "kiosk/etc/antre/antre.toml").read_text(encoding="utf-8"))
    assert kiosk["console"] == {"listen": "127.0.0.1:8742"}
