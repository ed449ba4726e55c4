"""Configuration: a TOML file, then the ``ANTRE_*`` environment variables of contract v1 (they win).

Looked up in this order: the ``path`` given, ``$ANTRE_CONFIG``, ``antre.toml`` in the user config
dir. A missing file means defaults. The settings are plain frozen dataclasses so every part of the
system (and every test) can build them by hand.
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs

from shared.domain.queue import Desk, Service

APP_NAME = "antre"
DEFAULT_MQTT_URL = "mqtt://127.0.0.1:1883"
DEFAULT_SITE = "pst"
DEFAULT_TIMEZONE = "Asia/Jakarta"
DEFAULT_SERVICES = (Service(prefix="A", name="Konsultasi Statistik"),)


class ConfigError(ValueError):
    """The configuration cannot be used; the message says which setting and why."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (``localhost``, 127.0.0.0/8, ``::1``): traffic to
    it never leaves the box, so it may go in clear."""
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


# The hub's other broker accounts (``broker.hub.desk_connections``), with the hub's password and
# grants (``broker.mosquitto.acl``): its outlet's (the hub's user name and this suffix) and one per
# desk for its desk connections (the hub's user name, this infix and the desk id).
HUB_OUT_SUFFIX = "-out"
HUB_DESK_INFIX = "-desk-"


def hub_desk_user(hub_user: str, desk: str) -> str:
    """The broker account (and client id) of the hub's connection for ``desk``'s commands."""
    return f"{hub_user}{HUB_DESK_INFIX}{desk}"


# The ``[[devices]]`` roles that sit at a desk and send its commands.
DESK_ROLES = frozenset({"counter", "button", "rating"})


def desks_with_devices(raw_devices: object) -> tuple[str, ...]:
    """The desks some desk-bound device of the ``[[devices]]`` array sits at: the broker gives the
    hub an account for each of them (``broker.mosquitto.acl``) and the hub opens a connection on
    each (``broker.hub.desk_connections``), so both read them here. Entries ``antre broker``
    would refuse are skipped."""
    items = raw_devices if isinstance(raw_devices, list) else []
    desks = {
        str(item["desk"])
        for item in items
        if isinstance(item, Mapping) and item.get("role") in DESK_ROLES and item.get("desk") is not None
    }
    return tuple(sorted(desks))


@dataclass(frozen=True)
class MqttEndpoint:
    """Where the broker is, parsed from ``ANTRE_MQTT_URL`` (``mqtt://`` or ``mqtts://``)."""

    host: str
    port: int
    tls: bool = False
    username: str | None = None
    password: str | None = None
    # For mqtts://: the CA that signed the broker's certificate (a lobby's own CA); None: the
    # system's trusted CAs.
    ca_file: str | None = None

    @classmethod
    def from_url(cls, url: str, ca_file: str | None = None) -> MqttEndpoint:
        parts = urlsplit(url)
        if parts.scheme not in ("mqtt", "mqtts"):
            raise ConfigError(f"ANTRE_MQTT_URL must start with mqtt:// or mqtts://, got {url!r}")
        if not parts.hostname:
            raise ConfigError(f"ANTRE_MQTT_URL has no host: {url!r}")
        tls = parts.scheme == "mqtts"
        try:
            port = parts.port or (8883 if tls else 1883)
        except ValueError as exc:
            raise ConfigError(f"ANTRE_MQTT_URL has a bad port: {url!r}") from exc
        return cls(
            host=parts.hostname,
            port=port,
            tls=tls,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            ca_file=ca_file or None,
        )

    def url(self) -> str:
        """The URL again, without the password (safe to log)."""
        scheme = "mqtts" if self.tls else "mqtt"
        user = f"{self.username}@" if self.username else ""
        return f"{scheme}://{user}{self.host}:{self.port}"


@dataclass(frozen=True)
class Settings:
    site: str = DEFAULT_SITE
    office_name: str = "BPS Kabupaten Tulang Bawang"
    timezone: str = DEFAULT_TIMEZONE
    mqtt_url: str = DEFAULT_MQTT_URL
    mqtt_ca_file: str = ""  # ANTRE_MQTT_CA or [mqtt] ca_file: the CA file for mqtts://
    db_url: str = ""
    services: tuple[Service, ...] = DEFAULT_SERVICES
    desks: tuple[Desk, ...] = ()
    data_dir: Path = field(default_factory=lambda: Path(platformdirs.user_data_dir(APP_NAME)))
    # The whole TOML document, for the sections each app reads itself ([kiosk], [display], ...).
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def section(self, name: str) -> Mapping[str, Any]:
        """``[name]`` of the config file (``{}`` when absent)."""
        value = self.raw.get(name, {})
        if not isinstance(value, Mapping):
            raise ConfigError(f"[{name}] must be a table")
        return value

    def __post_init__(self) -> None:
        if not self.db_url:
            object.__setattr__(self, "db_url", f"sqlite:///{self.data_dir / 'antre.db'}")
        if not self.desks:
            prefixes = tuple(s.prefix for s in self.services)
            default = tuple(Desk(id=str(n), name=f"Meja {n}", services=prefixes) for n in (1, 2))
            object.__setattr__(self, "desks", default)
        _check(self)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def mqtt(self) -> MqttEndpoint:
        return MqttEndpoint.from_url(self.mqtt_url, self.mqtt_ca_file)


def _check(settings: Settings) -> None:
    try:
        ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"unknown time zone {settings.timezone!r}") from exc
    endpoint = MqttEndpoint.from_url(settings.mqtt_url)
    if not endpoint.tls and not is_loopback(endpoint.host):
        # A device's password and, from a kiosk, visitors' personal data would cross the lobby
        # network readable by anyone on it (issue 15, H1).
        raise ConfigError(
            f"ANTRE_MQTT_URL {endpoint.url()} is plain mqtt:// to another machine: its password and "
            "the visitors' data would cross the network unencrypted. Use "
            f"mqtts://<user>:<password>@{endpoint.host}:8883 with ANTRE_MQTT_CA=<the hub's ca.crt> "
            "(docs/security.md, TLS)"
        )
    if settings.mqtt_ca_file and not Path(settings.mqtt_ca_file).is_file():
        raise ConfigError(
            f"the MQTT CA file (ANTRE_MQTT_CA, [mqtt] ca_file) is not a file: {settings.mqtt_ca_file}"
        )
    if not settings.site or "/" in settings.site or "+" in settings.site or "#" in settings.site:
        raise ConfigError(f"site must be a single topic level, got {settings.site!r}")
    prefixes = [s.prefix for s in settings.services]
    if len(set(prefixes)) != len(prefixes):
        raise ConfigError(f"service prefixes must be unique, got {prefixes}")
    desk_ids = [d.id for d in settings.desks]
    if len(set(desk_ids)) != len(desk_ids):
        raise ConfigError(f"desk ids must be unique, got {desk_ids}")
    for desk in settings.desks:
        unknown = set(desk.services) - set(prefixes)
        if unknown:
            raise ConfigError(f"desk {desk.id} serves unknown services {sorted(unknown)}")


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "antre.toml"


def load_settings(path: str | Path | None = None, env: dict[str, str] | None = None) -> Settings:
    """Read the TOML file (if any), then apply the ``ANTRE_*`` variables."""
    env = dict(os.environ) if env is None else env
    chosen = Path(path) if path else Path(env["ANTRE_CONFIG"]) if env.get("ANTRE_CONFIG") else None
    raw: dict[str, Any] = {}
    if chosen is not None:
        if not chosen.is_file():
            raise ConfigError(f"config file not found: {chosen}")
        raw = _read_toml(chosen)
    elif default_config_path().is_file():
        raw = _read_toml(default_config_path())
    return settings_from_mapping(raw, env)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc


def settings_from_mapping(raw: dict[str, Any], env: dict[str, str] | None = None) -> Settings:
    env = env or {}
    kwargs: dict[str, Any] = {"raw": raw}
    for key in ("site", "office_name", "timezone"):
        if key in raw:
            kwargs[key] = str(raw[key])
    if "url" in raw.get("mqtt", {}):
        kwargs["mqtt_url"] = str(raw["mqtt"]["url"])
    if "ca_file" in raw.get("mqtt", {}):
        kwargs["mqtt_ca_file"] = str(Path(raw["mqtt"]["ca_file"]).expanduser())
    if "url" in raw.get("db", {}):
        kwargs["db_url"] = str(raw["db"]["url"])
    if "data_dir" in raw:
        kwargs["data_dir"] = Path(raw["data_dir"]).expanduser()
    if "services" in raw:
        kwargs["services"] = tuple(_service(item) for item in raw["services"])
    if "desks" in raw:
        kwargs["desks"] = tuple(
            _desk(item, kwargs.get("services", DEFAULT_SERVICES)) for item in raw["desks"]
        )
    for var, key in (
        ("ANTRE_MQTT_URL", "mqtt_url"),
        ("ANTRE_MQTT_CA", "mqtt_ca_file"),
        ("ANTRE_DB_URL", "db_url"),
        ("ANTRE_SITE", "site"),
    ):
        if env.get(var):
            kwargs[key] = env[var]
    if env.get("ANTRE_DATA_DIR"):
        kwargs["data_dir"] = Path(env["ANTRE_DATA_DIR"])
    return Settings(**kwargs)


def _service(item: dict[str, Any]) -> Service:
    try:
        return Service(prefix=str(item["prefix"]), name=str(item["name"]))
    except KeyError as exc:
        raise ConfigError(f"each [[services]] needs prefix and name; {item!r} lacks {exc}") from exc
    except ValueError as exc:
        raise ConfigError(f"[[services]] {item!r}: {exc}") from exc


def _desk(item: dict[str, Any], services: tuple[Service, ...]) -> Desk:
    if "id" not in item:
        raise ConfigError(f"each [[desks]] needs an id; got {item!r}")
    desk_id = str(item["id"])
    served = tuple(str(p) for p in item.get("services", [s.prefix for s in services]))
    try:
        return Desk(id=desk_id, name=str(item.get("name", f"Meja {desk_id}")), services=served)
    except ValueError as exc:
        raise ConfigError(f"[[desks]] {item!r}: {exc}") from exc
