"""The broker's config from the site config: the open demo broker, or a deployment with device
passwords, a per-role ACL and, for the other boxes of the lobby, a TLS listener. Either way the
plain listener stays on loopback.

A deployment is asked for by ``antre broker --secure``, ``[broker] secure = true``, or simply by
listing ``[[devices]]``. Its files live in the data dir: ``mqtt-secrets.toml`` (the passwords in
clear, mode 0600), ``mosquitto.passwd`` (their hashes) and ``mosquitto.acl``. Running it twice on
the same config writes the same files: existing passwords are never made anew.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from broker.mosquitto.acl import accounts, device_desks, devices_from_config, render_acl
from broker.mosquitto.certs import CertFiles
from broker.mosquitto.passwords import ensure_secrets, write_password_file, write_private
from broker.mosquitto.server import BrokerConfig, TlsListener
from shared.config import ConfigError, Settings, is_loopback

DEFAULT_HOST = "127.0.0.1"
_BROKER_KEYS = {"secure", "host", "port", "tls_port", "tls_host", "cafile", "certfile", "keyfile"}


@dataclass(frozen=True)
class SecurityFiles:
    secrets: Path
    password_file: Path
    acl_file: Path

    @classmethod
    def in_dir(cls, data_dir: Path) -> SecurityFiles:
        return cls(data_dir / "mqtt-secrets.toml", data_dir / "mosquitto.passwd", data_dir / "mosquitto.acl")


def _broker_section(settings: Settings) -> Mapping[str, Any]:
    section = settings.section("broker")
    unknown = sorted(set(section) - _BROKER_KEYS)
    if unknown:
        raise ConfigError(f"[broker] has unknown keys {unknown}; known: {sorted(_BROKER_KEYS)}")
    return section


def is_secure(settings: Settings, flag: bool = False) -> bool:
    """A deployment broker: asked for, or devices are listed."""
    return flag or bool(_broker_section(settings).get("secure", False)) or bool(settings.raw.get("devices"))


def write_security_files(settings: Settings) -> SecurityFiles:
    """The secrets, password and ACL files for the ``[[devices]]`` of ``settings``."""
    devices = devices_from_config(settings.raw)
    if not devices:
        raise ConfigError("a secure broker needs [[devices]] in the site config (see docs/security.md)")
    if not any(d.role == "hub" for d in devices):
        raise ConfigError('[[devices]] lists no role = "hub": nothing could serve the lobby')
    files = SecurityFiles.in_dir(settings.data_dir)
    passwords = ensure_secrets(files.secrets, [d.id for d in devices])
    # A hub's desk connections' accounts share the hub's password.
    desks = device_desks(devices)
    users = {user: passwords[d.id] for d in devices for user in accounts(d, desks)}
    write_password_file(files.password_file, users)
    acl = render_acl(devices, settings.site)
    if not files.acl_file.exists() or files.acl_file.read_text(encoding="utf-8") != acl:
        write_private(files.acl_file, acl)
    return files


def _tls(section: Mapping[str, Any], data_dir: Path) -> TlsListener | None:
    if "tls_port" not in section:
        return None
    certs = CertFiles(data_dir / "tls")
    listener = TlsListener(
        port=int(section["tls_port"]),
        host=str(section["tls_host"]) if section.get("tls_host") else None,
        cafile=Path(section.get("cafile", certs.ca_cert)).expanduser(),
        certfile=Path(section.get("certfile", certs.server_cert)).expanduser(),
        keyfile=Path(section.get("keyfile", certs.server_key)).expanduser(),
    )
    missing = [str(p) for p in (listener.cafile, listener.certfile, listener.keyfile) if not p.is_file()]
    if missing:
        raise ConfigError(
            f"the TLS listener needs {', '.join(missing)}; make them with: antre broker certs --name <host>"
        )
    return listener


def broker_config(
    settings: Settings, *, host: str | None = None, port: int | None = None, secure: bool = False
) -> BrokerConfig:
    """The broker config for ``settings``: command-line ``host``/``port`` first, then ``[broker]``,
    then the port of ``ANTRE_MQTT_URL`` on loopback. Writes the deployment's files when secure."""
    section = _broker_section(settings)
    host = host or str(section.get("host", DEFAULT_HOST))
    port = port or int(section.get("port", settings.mqtt.port))
    if not is_loopback(host):
        raise ConfigError(
            f"the plain MQTT listener stays on loopback, not {host!r}: on the network it would carry "
            "device passwords and visitors' data in clear. Devices on other boxes use the TLS "
            "listener: [broker] tls_port = 8883 and `antre broker certs` (docs/security.md, TLS)"
        )
    if not is_secure(settings, secure):
        if "tls_port" in section:
            raise ConfigError("[broker] tls_port needs a secure broker: list [[devices]] (docs/security.md)")
        return BrokerConfig(port=port, host=host)
    files = write_security_files(settings)
    return BrokerConfig(
        port=port,
        host=host,
        password_file=files.password_file,
        acl_file=files.acl_file,
        tls=_tls(section, settings.data_dir),
        user="root" if os.geteuid() == 0 else None,
    )
