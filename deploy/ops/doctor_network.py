"""``antre doctor`` and the lobby network: which MQTT account the doctor logs in with, and whether
two programs of this box share one (the console's rules: ``doctor_console``).

The deployment broker takes the user name as the client id (one account, one connection), so a
doctor logging in with an app's account replaces that app's connection. For the hub that would
also end its persistent session, queued commands and all; the doctor never does it. It uses its
own read-only account when ``ANTRE_DOCTOR_MQTT_URL`` gives one, or else the device's (a kiosk or a
display reconnects within a second).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from broker.mosquitto.acl import devices_from_config
from broker.mosquitto.server import COUNTS_CONNECTIONS_RIGHT_FROM, LAN_MAX_CONNECTIONS
from deploy.ops.doctor_base import Check
from shared.config import ConfigError, MqttEndpoint, Settings, is_loopback

DOCTOR_URL_VAR = "ANTRE_DOCTOR_MQTT_URL"
# A program's unit -> its own env file in /etc/antre (read after antre.env, see deploy/systemd/).
_PROGRAM_UNIT = re.compile(r"^antre-(hub|kiosk|display|counter|rate)(?:@([^.]+))?\.service$")


@dataclass(frozen=True)
class DoctorAccount:
    endpoint: MqttEndpoint | None  # None: not logged in at all (``why`` says why)
    why: str = ""


def doctor_account(settings: Settings, env: dict[str, str]) -> DoctorAccount:
    """The account the doctor's broker probe uses on this device."""
    url = env.get(DOCTOR_URL_VAR, "")
    if url:
        endpoint = MqttEndpoint.from_url(url, settings.mqtt_ca_file)
        if not endpoint.tls and not is_loopback(endpoint.host):
            raise ConfigError(
                f"{DOCTOR_URL_VAR} {endpoint.url()} is plain mqtt:// to another box: use mqtts://"
            )
        return DoctorAccount(endpoint)
    endpoint = settings.mqtt
    roles = {d.id: d.role for d in devices_from_config(settings.raw)}
    if endpoint.username is not None and roles.get(endpoint.username) == "hub":
        return DoctorAccount(
            None,
            f"not logged in as {endpoint.username}: that is the hub's account, and a second login would "
            f"cut the hub off and drop its queued commands. Fix: add a [[devices]] entry with "
            f'role = "doctor" and put its URL in {DOCTOR_URL_VAR} (docs/security.md)',
        )
    return DoctorAccount(endpoint)


def read_env_file(path: Path) -> dict[str, str]:
    """``KEY=value`` lines as systemd's ``EnvironmentFile=`` reads them (comments skipped)."""
    found: dict[str, str] = {}
    if path.is_file():
        for raw in path.read_text(encoding="utf-8").splitlines():
            key, sep, value = raw.strip().partition("=")
            if sep and not key.startswith("#"):
                found[key.strip()] = value.strip().strip('"').strip("'")
    return found


def shared_accounts(root: Path, base: dict[str, str]) -> str | None:
    """Why two programs enabled on this box would push each other off the broker (the same MQTT
    account: one account is one connection), or None. ``base``: antre.env's variables."""
    wants = root / "etc/systemd/system/multi-user.target.wants"
    users: dict[str, list[str]] = {}
    for unit in sorted(p.name for p in wants.glob("antre-*.service")) if wants.is_dir() else []:
        found = _PROGRAM_UNIT.match(unit)
        if not found:
            continue
        program = "-".join(part for part in found.groups() if part)
        own = read_env_file(root / "etc/antre" / f"{program}.env")
        url = own.get("ANTRE_MQTT_URL") or base.get("ANTRE_MQTT_URL", "")
        try:
            user = MqttEndpoint.from_url(url).username if url else None
        except ConfigError:
            continue  # the config check says what is wrong with it
        if user:
            users.setdefault(user, []).append(program)
    clashes = {user: programs for user, programs in users.items() if len(programs) > 1}
    if not clashes:
        return None
    user, programs = next(iter(clashes.items()))
    files = ", ".join(f"/etc/antre/{p}.env" for p in programs)
    return (
        f"{' and '.join(programs)} all log in as {user}: one account is one connection, so they push "
        f"each other off the broker. Fix: give each its own [[devices]] account and its "
        f"ANTRE_MQTT_URL in {files}"
    )


def check_connection_bound(settings: Settings, version: tuple[int, ...] | None) -> Check | None:
    """Whether the broker's bound on lobby connections holds (None: no lobby listener here)."""
    if not devices_from_config(settings.raw):
        return None  # the open demo broker listens on loopback only
    if version is None:
        return Check("UNKNOWN", "connection bound", "mosquitto did not say its version")
    shown = ".".join(str(part) for part in version)
    if version >= COUNTS_CONNECTIONS_RIGHT_FROM:
        held = f"mosquitto {shown} holds {LAN_MAX_CONNECTIONS} lobby connections"
        return Check("OK", "connection bound", held)
    fixed = ".".join(str(part) for part in COUNTS_CONNECTIONS_RIGHT_FROM)
    return Check(
        "WARN",
        "connection bound",
        f"mosquitto {shown} counts a closed connection out twice, so its bound of {LAN_MAX_CONNECTIONS} "
        f"lobby connections wears off after the first reconnects (fixed in {fixed}); the hub keeps its "
        "own loopback listener. Fix: install mosquitto "
        f"{fixed} or later when the distribution has it",
    )
