"""``antre doctor``: what is wrong with this device, in plain words, one line per check.

Each line is ``OK``, ``WARN``, ``PROBLEM`` or ``UNKNOWN`` (could not tell), and a line that is
not OK says how to fix it. The exit status is 1 when any line is a PROBLEM. It reads the settings
the services read: ``/etc/antre/antre.toml`` and ``/etc/antre/antre.env`` (the variables of the
shell running it win), and checks the roles whose units are enabled here (or those given).
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

from broker.mosquitto.server import mosquitto_version
from deploy.ops.doctor_base import BrokerProbe, Check, probe_broker
from deploy.ops.doctor_console import check_console, counter_target, hub_target
from deploy.ops.doctor_devices import check_printer, check_spoken_guide, check_voice
from deploy.ops.doctor_network import (
    DoctorAccount,
    check_connection_bound,
    doctor_account,
    read_env_file,
    shared_accounts,
)
from deploy.ops.doctor_setup import check_setup
from deploy.ops.setup import CONFIG_PATH, ENV_PATH, HOME, UNIT_DIR, USER
from shared.config import ConfigError, MqttEndpoint, Settings, load_settings
from shared.contract import topics as contract

WARN_FREE = 1_000_000_000
PROBLEM_FREE = 200_000_000


def device_env(root: Path = Path("/"), environ: dict[str, str] | None = None) -> dict[str, str]:
    """The variables the units give the services, then the shell's (which win)."""
    env: dict[str, str] = {}
    if (root / str(CONFIG_PATH).lstrip("/")).is_file():
        env["ANTRE_CONFIG"] = str(root / str(CONFIG_PATH).lstrip("/"))
    if (root / HOME.lstrip("/")).is_dir():
        env["ANTRE_DATA_DIR"] = str(root / HOME.lstrip("/"))
    env.update(read_env_file(root / str(ENV_PATH).lstrip("/")))
    env.update(os.environ if environ is None else environ)
    return env


def enabled_roles(root: Path = Path("/")) -> tuple[str, ...]:
    """The roles whose units ``antre setup`` enabled on this system."""
    wants = root / UNIT_DIR / "multi-user.target.wants"
    names = [p.name for p in wants.glob("antre-*")] if wants.is_dir() else []
    roles = {
        "hub": "antre-hub.service" in names,
        "kiosk": "antre-kiosk.service" in names,
        "display": "antre-display.service" in names,
        "counter": any(n.startswith("antre-counter@") for n in names),
        "rating": any(n.startswith("antre-rate@") for n in names),
    }
    return tuple(role for role, on in roles.items() if on)


# --- MQTT: one short connection as this device ------------------------------------------------


# --- the checks --------------------------------------------------------------------------------


def check_config(config: str | None, env: dict[str, str]) -> tuple[Check, Settings | None]:
    where = config or env.get("ANTRE_CONFIG") or "the user config dir"
    try:
        settings = load_settings(config, env)
    except ConfigError as exc:
        fix = f"Fix: correct {where} (template: {CONFIG_PATH}.example)"
        return Check("PROBLEM", "config", f"{exc}. {fix}"), None
    except OSError as exc:
        return Check("PROBLEM", "config", f"cannot read {where}: {exc.strerror}. Fix: check its owner"), None
    desks = ",".join(d.id for d in settings.desks)
    return Check("OK", "config", f"{where} read: site {settings.site}, desks {desks}"), settings


def check_broker(endpoint: MqttEndpoint, probe: BrokerProbe) -> Check:
    url = endpoint.url()
    env_hint = f"ANTRE_MQTT_URL in {ENV_PATH}"
    if probe.error:
        return Check(
            "PROBLEM",
            "broker",
            f"nothing answers at {url} ({probe.error}). Fix: on the hub machine `systemctl restart "
            f"antre-broker` and read `journalctl -u antre-broker -n 50`; check the address in {env_hint}",
        )
    if probe.refused:
        return Check(
            "PROBLEM",
            "broker",
            f"the broker at {url} refused this device's account ({probe.refused}). Fix: check the user "
            f"and password in {env_hint} against the broker's accounts",
        )
    return Check("OK", "broker", f"connected to {url}")


def check_hub_presence(settings: Settings, probe: BrokerProbe, topic: str) -> Check:
    if probe.skipped:
        return Check("UNKNOWN", "hub", "could not tell: the doctor did not log in to the broker (see above)")
    if not probe.connected:
        return Check("UNKNOWN", "hub", "could not tell: the broker did not let this device in")
    if topic in probe.denied:
        return Check("UNKNOWN", "hub", f"could not tell: this device's account may not read {topic}")
    state = probe.retained.get(topic)
    fix = "Fix: on the hub machine `systemctl restart antre-hub` and read `journalctl -u antre-hub -n 50`"
    if state == contract.ONLINE.encode():
        return Check("OK", "hub", "the hub is online")
    if state is None:
        return Check("PROBLEM", "hub", f"the hub has never connected to this broker. {fix}")
    return Check("PROBLEM", "hub", f"the hub is offline (it stopped or lost the broker). {fix}")


def check_database(settings: Settings) -> Check:
    from sqlalchemy.engine import make_url

    url = make_url(settings.db_url)
    if url.get_backend_name() != "sqlite":
        return _check_server_database(settings.db_url)
    path = Path(url.database or "").expanduser()
    folder = path.parent
    if not folder.is_dir():
        return Check("PROBLEM", "database", f"no folder {folder}. Fix: `antre setup --role hub`")
    if not path.exists():
        return Check("PROBLEM", "database", f"no database at {path} yet. Fix: `systemctl start antre-hub`")
    files = [folder, path] + [Path(f"{path}{end}") for end in ("-wal", "-shm", "-journal")]
    files = [f for f in files if f.exists()]
    try:
        owner = pwd.getpwnam(USER).pw_uid if os.geteuid() == 0 else None
    except KeyError:
        owner = None
    for item in files:
        # As root every access check passes: what matters is whether the hub's user may write.
        if owner is not None and item.stat().st_uid != owner:
            return Check(
                "PROBLEM",
                "database",
                f"{item} does not belong to {USER}, so the hub cannot write it. "
                f"Fix: `chown {USER}:{USER} {folder} {path}*`",
            )
        if owner is None and not os.access(item, os.W_OK):
            return Check("PROBLEM", "database", f"{item} is not writable by this user")
    return Check("OK", "database", f"{path} is writable by the hub")


def _check_server_database(db_url: str) -> Check:
    from sqlalchemy import create_engine, text

    engine = create_engine(db_url, connect_args={"connect_timeout": 3}, hide_parameters=True)
    try:
        with engine.connect() as conn:
            read_only = conn.execute(text("SHOW transaction_read_only")).scalar()
    except Exception as exc:  # any driver error: the first line says what (never the password)
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return Check("PROBLEM", "database", f"cannot use the database server: {first}")
    finally:
        engine.dispose()
    if read_only == "on":
        return Check("PROBLEM", "database", "the database server is read-only (a standby?)")
    return Check("OK", "database", "the database server accepts writes")


def _unique(checks: list[Check]) -> list[Check]:
    return list(dict.fromkeys(checks))


def check_site_key(path: Path, installed: bool) -> Check:
    """The hub's site key (backups, access log): there, private, readable by this user. Missing on
    an installed hub is a problem (the nightly backup cannot make it in /etc/antre); on a
    developer's machine the first ``antre backup`` makes it."""
    from shared.store.keys import KeyFileError, read_key

    if not path.exists():
        fix = "Fix: `sudo antre setup --role hub`, then copy it off the machine (docs/backup.md)"
        if installed:
            return Check("PROBLEM", "site key", f"no site key at {path}: backups cannot be made. {fix}")
        return Check("WARN", "site key", f"no site key at {path} yet (the first `antre backup` makes it)")
    if path.stat().st_mode & 0o077:
        return Check(
            "PROBLEM", "site key", f"{path} can be read by other users. Fix: `sudo chmod 600 {path}`"
        )
    try:
        key = read_key(path)
    except KeyFileError as exc:
        return Check(
            "PROBLEM", "site key", f"{exc}. Fix: put the key from the office safe back (docs/backup.md)"
        )
    return Check("OK", "site key", f"{path} (fingerprint {key.key_id}): it must match the one in the safe")


def check_disk(folder: Path) -> Check:
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    free = shutil.disk_usage(folder).free
    text = f"{free / 1e9:.1f} GB free on the disk of {folder}"
    fix = ". Fix: remove old files, or move backups to a USB stick (`journalctl --vacuum-size=100M`)"
    if free < PROBLEM_FREE:
        return Check("PROBLEM", "disk", text + fix)
    if free < WARN_FREE:
        return Check("WARN", "disk", text + fix)
    return Check("OK", "disk", text)


def check_clock() -> Check:
    try:
        done = subprocess.run(
            ["timedatectl", "show", "-p", "NTPSynchronized", "--value"],
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.SubprocessError):
        return Check("UNKNOWN", "clock", "could not tell (no timedatectl here); compare `date` with a phone")
    value = done.stdout.strip()
    if done.returncode != 0 or value not in ("yes", "no"):
        return Check(
            "UNKNOWN", "clock", "could not tell (systemd is not running); compare `date` with a phone"
        )
    if value == "yes":
        return Check("OK", "clock", "synchronised with a time server")
    return Check(
        "PROBLEM",
        "clock",
        "not synchronised: ticket dates and the 10-minute clocks depend on it. Fix: point "
        "/etc/systemd/timesyncd.conf NTP= at the hub (docs/deploy.md, 'The clock')",
    )


def run_checks(
    roles: Iterable[str],
    config: str | None = None,
    env: dict[str, str] | None = None,
    root: Path = Path("/"),
) -> list[Check]:
    """Every check that applies to ``roles``, in order (``root``: where the units are)."""
    roles = set(roles)
    env = device_env() if env is None else env
    config_check, settings = check_config(config, env)
    checks = [config_check]
    clash = shared_accounts(root, env)
    if clash:
        checks.append(Check("PROBLEM", "accounts", clash))
    if settings is not None:
        hub_topic = contract.topic(settings.site, "presence", client_id=f"antre-hub-{settings.site}")
        kiosk_id = str(settings.section("kiosk").get("id", "k1"))
        status_topic = contract.topic(settings.site, "kiosk_status", kiosk_id=kiosk_id)
        voice_topic = ""
        if "display" in roles:
            from display.options import display_config

            voice_topic = contract.topic(
                settings.site, "display_status", display_id=display_config(settings).display_id
            )
        topics = [hub_topic, *([status_topic] if "kiosk" in roles else [])]
        topics += [voice_topic] if voice_topic else []
        try:
            account = doctor_account(settings, env)
        except ConfigError as exc:
            account = DoctorAccount(None, f"{exc}. Fix: correct it in {ENV_PATH}")
        if account.endpoint is None:
            probe = BrokerProbe(skipped=account.why)
            checks.append(Check("WARN", "broker", account.why))
        else:
            probe = probe_broker(account.endpoint, topics)
            checks.append(check_broker(account.endpoint, probe))
        checks.append(check_hub_presence(settings, probe, hub_topic))
        if "hub" in roles:
            database = check_database(settings)
            checks += [check_console(hub_target(settings)), database]
            bound = check_connection_bound(settings, mosquitto_version())
            checks += [bound] if bound else []
            if database.status == "OK":
                checks.append(check_setup(settings))
            from shared.store.keys import INSTALLED_KEY_FILE, key_file

            where = key_file(settings)
            checks.append(check_site_key(where, installed=where == INSTALLED_KEY_FILE))
        if "counter" in roles:
            checks.append(check_console(counter_target(settings)))
        if "kiosk" in roles:
            checks.append(check_printer(probe, status_topic))
            guide = check_spoken_guide(probe, status_topic)
            checks += [guide] if guide else []
        if voice_topic:
            checks.append(check_voice(probe, voice_topic))
        checks = _unique(checks)  # hub and counter on one box share one console
        checks.append(check_disk(settings.data_dir))
    checks.append(check_clock())
    return checks
