"""``antre setup`` and ``antre doctor``: the technician's two commands (argparse only until they run)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

ROLE_NAMES = ("hub", "kiosk", "display", "counter", "rating")


def cmd_setup(args: argparse.Namespace) -> int:
    from deploy.ops.setup import setup

    root = Path(args.root)
    log = setup(
        args.role,
        desk=args.desk,
        root=root,
        dry_run=args.dry_run,
        antre_bin=args.antre_bin,
        hub_names=args.hub_name or (),
    )
    for line in log:
        print(line)
    failed = any(line.startswith("FAILED") for line in log)
    if not args.dry_run and root.resolve() == Path("/"):
        print("antre setup: done. Edit /etc/antre/antre.toml and antre.env, then reboot;")
        print("             `antre doctor` tells what is still wrong.")
    return 1 if failed else 0


def cmd_doctor(args: argparse.Namespace) -> int:
    from deploy.ops.doctor import device_env, enabled_roles, run_checks

    root = Path(args.root)
    roles = tuple(args.role) if args.role else enabled_roles(root)
    print(f"antre doctor: checking roles {', '.join(roles) or '(none enabled here)'}", flush=True)
    checks = run_checks(roles, args.config, device_env(root), root)
    for check in checks:
        print(check.line(), flush=True)
    return 1 if any(c.status == "PROBLEM" for c in checks) else 0


def add_parsers(sub: Any) -> None:
    """Register ``setup`` and ``doctor`` on ``antre``'s subparsers."""
    setup = sub.add_parser("setup", help="install this device's part under systemd (idempotent; root)")
    setup.add_argument("--role", required=True, choices=ROLE_NAMES, help="what this device does")
    setup.add_argument("--desk", help="the desk id (counter and rate roles)")
    setup.add_argument("--root", default="/", help="install into this folder instead of / (an image, a test)")
    setup.add_argument("--dry-run", action="store_true", help="print what would be done, change nothing")
    setup.add_argument("--antre-bin", help="path of antre in the units (default: the one running now)")
    setup.add_argument(
        "--hub-name",
        action="append",
        help="hub: an IP address or host name the other devices reach it by; the broker's TLS "
        "certificate names each (repeat)",
    )
    setup.set_defaults(func=cmd_setup)

    doctor = sub.add_parser("doctor", help="check this device and say in plain words what is wrong")
    doctor.add_argument(
        "--role",
        action="append",
        choices=ROLE_NAMES,
        help="check as this role (repeatable; default: the enabled)",
    )
    doctor.add_argument("--root", default="/", help=argparse.SUPPRESS)
    doctor.set_defaults(func=cmd_doctor)
