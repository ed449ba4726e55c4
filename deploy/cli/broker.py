"""``antre broker`` and its actions: run Mosquitto with Antre's config (the open demo broker, or a
deployment's with passwords, ACL and TLS), ``certs`` (a local CA and server certificate) and
``url`` (a device's connection URL, password included, for its ``ANTRE_MQTT_URL``)."""

from __future__ import annotations

import argparse
import os
from typing import Any

from shared.config import ConfigError, Settings, load_settings


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(args.config)


def cmd_broker(args: argparse.Namespace) -> int:
    from broker.mosquitto.security import broker_config
    from broker.mosquitto.server import mosquitto_binary

    settings = _settings(args)
    config = broker_config(settings, host=args.host, port=args.port, secure=args.secure)
    path = config.write(settings.data_dir / "mosquitto.conf")
    listening = [f"{config.host}:{config.port}"] if config.port is not None else []
    if config.tls is not None:
        listening.append(f"TLS {config.tls.host or '*'}:{config.tls.port}")
    mode = "devices with passwords and ACL" if config.acl_file else "open, no passwords"
    if args.no_run:
        print(f"antre broker: wrote {path} ({mode}; {', '.join(listening)})")
        return 0
    binary = mosquitto_binary()
    print(f"antre broker: {binary} -c {path} ({mode}; listening on {', '.join(listening)})", flush=True)
    os.execv(binary, [binary, "-c", str(path)])
    return 0  # not reached


def cmd_certs(args: argparse.Namespace) -> int:
    from pathlib import Path

    from broker.mosquitto.certs import make_certs

    settings = _settings(args)
    directory = Path(args.dir).expanduser() if args.dir else settings.data_dir / "tls"
    files = make_certs(directory, args.name, renew_server=args.renew)
    print(f"CA certificate (copy it to every device; ANTRE_MQTT_CA=<its path>): {files.ca_cert}")
    print(f"server certificate and key (the broker's, stay here): {files.server_cert}, {files.server_key}")
    print(f"CA key (keep it private and backed up; it signs the next server certificate): {files.ca_key}")
    return 0


def cmd_url(args: argparse.Namespace) -> int:
    import sys
    from urllib.parse import quote

    from broker.mosquitto.acl import devices_from_config
    from broker.mosquitto.passwords import ensure_secrets
    from broker.mosquitto.security import SecurityFiles
    from shared.config import is_loopback

    settings = _settings(args)
    devices = devices_from_config(settings.raw)
    if args.device not in {d.id for d in devices}:
        raise ConfigError(f"no [[devices]] entry with id = {args.device!r}")
    # The same passwords `antre broker` makes and keeps: asking first creates them, once.
    password = ensure_secrets(SecurityFiles.in_dir(settings.data_dir).secrets, [d.id for d in devices])
    section: Any = settings.section("broker")
    # Off this box the plain listener does not exist (it stays on loopback): TLS, always.
    tls = args.tls or not is_loopback(args.host)
    if args.port:
        port = args.port
    elif tls:
        if "tls_port" not in section:
            raise ConfigError(
                f"{args.host} is another box's way to the broker, which only the TLS listener serves: "
                "set [broker] tls_port = 8883 and make the certificate (antre broker certs --name ...)"
            )
        port = int(section["tls_port"])
    else:
        port = int(section.get("port", settings.mqtt.port))
    scheme = "mqtts" if tls else "mqtt"
    print(f"{scheme}://{args.device}:{quote(password[args.device], safe='')}@{args.host}:{port}")
    if tls:
        ca = settings.data_dir / "tls" / "ca.crt"
        print(f"with ANTRE_MQTT_CA=/etc/antre/ca.crt on the device (a copy of {ca})", file=sys.stderr)
    return 0


def add_parser(sub: Any) -> None:
    """``antre broker [--secure] [--no-run]``, ``antre broker certs``, ``antre broker url``."""
    broker = sub.add_parser("broker", help="write Antre's Mosquitto config and run mosquitto")
    broker.add_argument("--port", type=int, help="listen port (default: [broker] port, or ANTRE_MQTT_URL's)")
    broker.add_argument("--host", help="listen address (default: [broker] host, or loopback only)")
    broker.add_argument(
        "--secure", action="store_true", help="device passwords and ACL (implied by [[devices]])"
    )
    broker.add_argument("--no-run", action="store_true", help="write the config and files, do not run")
    broker.set_defaults(func=cmd_broker)
    actions = broker.add_subparsers(dest="broker_action", metavar="ACTION")

    certs = actions.add_parser("certs", help="make a local CA (once) and the broker's TLS certificate")
    certs.add_argument(
        "--name", action="append", required=True, help="a host name or IP address devices use (repeat)"
    )
    certs.add_argument("--dir", help="where to write them (default: <data dir>/tls)")
    certs.add_argument("--renew", action="store_true", help="a new server certificate (the CA is kept)")
    certs.set_defaults(func=cmd_certs)

    url = actions.add_parser("url", help="print a device's broker URL with its password")
    url.add_argument("device", help="the id of a [[devices]] entry")
    url.add_argument("--host", required=True, help="the broker's address as the device reaches it")
    url.add_argument(
        "--tls", action="store_true", help="mqtts:// on [broker] tls_port (always, for a --host off this box)"
    )
    url.add_argument("--port", type=int, help="override the port")
    url.set_defaults(func=cmd_url)
