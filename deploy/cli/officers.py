"""``antre officer``: accounts from the hub's own terminal, for the first supervisor (after that,
supervisors manage accounts in the console's Officers page).

    antre officer add sari --name "Sari Wulandari" --role supervisor   # asks the passphrase twice
    antre officer list
    antre officer reset sari                                           # a new PIN or passphrase

The secret is asked with ``getpass`` (never an argument: it would stay in the shell's history and
in ``ps``), or read from standard input with ``--secret-stdin`` for scripts. Each change is in the
access log with the actor ``technician/terminal``. Only argparse at import time.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

ACTOR = "technician/terminal"


def add_parsers(sub: Any) -> None:
    officer = sub.add_parser("officer", help="staff accounts: the first supervisor, list, reset")
    actions = officer.add_subparsers(dest="officer_action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="a new account (asks its PIN or passphrase twice)")
    add.add_argument("officer_id")
    add.add_argument("--name", required=True)
    add.add_argument("--role", choices=("officer", "supervisor", "technician"), default="officer")
    add.add_argument("--secret-stdin", action="store_true", help="read the PIN or passphrase from stdin")
    add.set_defaults(func=cmd_officer)
    listing = actions.add_parser("list", help="every account, its role and whether it is active")
    listing.set_defaults(func=cmd_officer)
    reset = actions.add_parser("reset", help="a new PIN or passphrase (ends the account's sessions)")
    reset.add_argument("officer_id")
    reset.add_argument("--secret-stdin", action="store_true", help="read the PIN or passphrase from stdin")
    reset.set_defaults(func=cmd_officer)


def _secret(args: argparse.Namespace, role: str) -> str | None:
    what = "PIN (6-8 digits)" if role == "officer" else "passphrase (at least 12 characters)"
    if args.secret_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass(f"{what}: ")
    if getpass.getpass(f"{what} again: ") != first:
        print("antre officer: the two entries differ; nothing changed", file=sys.stderr)
        return None
    return first


def cmd_officer(args: argparse.Namespace) -> int:
    from sqlalchemy.orm import Session

    from shared.config import load_settings
    from shared.domain.queue import utc_now
    from shared.store import officers
    from shared.store.db import make_engine, write_transaction
    from shared.store.keys import KeyFileError, key_file, load_or_create

    settings = load_settings(args.config)
    engine = make_engine(settings.db_url)
    try:
        if args.officer_action == "list":
            with Session(engine) as session:
                for row in officers.all_officers(session):
                    state = "active" if row.active else "disabled"
                    print(f"{row.id}\t{row.name}\t{row.role}\t{state}\t{row.source}")
            return 0
        try:
            key, _created = load_or_create(key_file(settings))
        except KeyFileError as exc:
            print(f"antre officer: {exc}", file=sys.stderr)
            return 1
        with Session(engine) as session:
            existing = officers.find(session, args.officer_id)
        role = args.role if args.officer_action == "add" else (existing.role if existing else "officer")
        secret = _secret(args, role)
        if secret is None:
            return 2
        try:
            with write_transaction(engine) as session:
                now = utc_now()
                if args.officer_action == "add":
                    officers.add(session, key, ACTOR, now, officer_id=args.officer_id, name=args.name,
                                 role=role, secret=secret)  # fmt: skip
                else:
                    # Resetting ends the account's open sessions (shared.store.officers).
                    officers.reset_secret(session, key, ACTOR, now, args.officer_id, secret)
        except officers.OfficerError as exc:
            print(f"antre officer: {exc.message('en')}", file=sys.stderr)
            return 2
    finally:
        engine.dispose()
    done = "added" if args.officer_action == "add" else "has a new PIN or passphrase"
    print(f"{args.officer_id} {done}; sign in to the console at its address (docs/console.md)")
    return 0
