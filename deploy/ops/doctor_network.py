"""``antre doctor`` and the lobby network: which MQTT account the doctor logs in with, and whether
this box offers anything in clear off loopback.

The deployment broker takes the user name as the client id (one account, one connection), so a
doctor logging in with an app's account replaces that app's connection. For the hub that would
also end its persistent session, queued commands and all; the doctor never does it. It uses its
own read-only account when ``ANTRE_DOCTOR_MQTT_URL`` gives one, or else the device's (a kiosk or a
display reconnects within a second).
"""

from __future__ import annotations

from dataclasses import dataclass

from broker.mosquitto.acl import devices_from_config
from shared.config import ConfigError, MqttEndpoint, Settings, is_loopback

DOCTOR_URL_VAR = "ANTRE_DOCTOR_MQTT_URL"


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


def staff_api_in_clear(settings: Settings) -> str | None:
    """Why ``[hub] staff_api`` is unsafe (plain HTTP off loopback), or None."""
    host = str(settings.section("hub").get("staff_api", "127.0.0.1:8742")).rpartition(":")[0]
    if is_loopback(host):
        return None
    return (
        f"[hub] staff_api listens on {host or 'every address'} in plain HTTP: officers' PINs, their "
        "session tokens and visitors' details cross the network readable. Fix: staff_api = "
        '"127.0.0.1:8742" (counters on other boxes wait for HTTPS, docs/security.md)'
    )
