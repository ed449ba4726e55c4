"""``antre access-log`` (a supervisor reads who reached whose personal data, and checks the chain)
and ``antre key`` (the site key's file and fingerprint, or the key itself to copy for recovery).
Only argparse at import time."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, time
from typing import Any


def add_parsers(sub: Any) -> None:
    log = sub.add_parser("access-log", help="who looked at, exported or erased personal data, and when")
    log.add_argument("--since", metavar="YYYY-MM-DD", help="only from this day on (office time)")
    log.add_argument("--verify", action="store_true", help="check the whole chain; status 1 when broken")
    person = log.add_mutually_exclusive_group()
    person.add_argument("--id-number", metavar="NIK", help="only the lines about this ID number")
    person.add_argument("--email", metavar="EMAIL", help="only the lines about this email")
    log.set_defaults(func=cmd_access_log)

    key = sub.add_parser("key", help="the site key that encrypts backups: where it is, its fingerprint")
    key.add_argument("--show", action="store_true", help="print the key line to copy onto paper (recovery)")
    files = key.add_mutually_exclusive_group()
    files.add_argument("--encrypt", metavar="FILE", help="write FILE.enc with the site key (e.g. a pg_dump)")
    files.add_argument("--decrypt", metavar="FILE.enc", help="write FILE back from FILE.enc, checked")
    key.set_defaults(func=cmd_key)


def cmd_access_log(args: argparse.Namespace) -> int:
    from sqlalchemy.exc import OperationalError, ProgrammingError
    from sqlalchemy.orm import Session

    from shared.config import load_settings
    from shared.store import access_log, erasure
    from shared.store.db import make_engine
    from shared.store.keys import KeyFileError, key_file, read_key

    settings = load_settings(args.config)
    since = None
    if args.since:
        try:
            since = datetime.combine(datetime.strptime(args.since, "%Y-%m-%d").date(), time(), settings.tz)
        except ValueError:
            print(f"antre access-log: --since must look like 2026-12-01, got {args.since!r}", file=sys.stderr)
            return 2
    key = None
    if args.verify or args.id_number or args.email:  # reading the lines needs no key
        try:
            key = read_key(key_file(settings))
        except KeyFileError as exc:
            print(f"antre access-log: {exc}", file=sys.stderr)
            return 1
    wanted = None
    if key is not None and (args.id_number or args.email):
        kind, value = (erasure.ID_NUMBER, args.id_number) if args.id_number else (erasure.EMAIL, args.email)
        wanted = access_log.subject_for(key, kind, value)
    engine = make_engine(settings.db_url)
    try:
        with Session(engine) as session:
            shown = [r for r in access_log.rows(session, since) if wanted is None or r.subject == wanted]
            for row in shown:
                print(access_log.in_words(row, settings.tz))
            print(f"{len(shown)} line(s)")
            if key is None or not args.verify:
                return 0
            problems = access_log.verify(session, key)
            last = access_log.head(session)
    except (OperationalError, ProgrammingError) as exc:
        first = str(exc.orig).splitlines()[0] if exc.orig else type(exc).__name__
        print(
            f"antre access-log: the database is not ready ({first}); run `antre db upgrade`", file=sys.stderr
        )
        return 1
    finally:
        engine.dispose()
    for problem in problems:
        if problem.what == "tampered":
            print(f"line {problem.line} tampered: it is not the line that was written")
        else:
            print(f"line {problem.line}: a line before it is missing (removed or renumbered)")
    if problems:
        return 1
    print(f"chain intact (last seal {last[:16] or '-'}: note it down to show later that nothing was cut off)")
    return 0


def cmd_key(args: argparse.Namespace) -> int:
    from shared.config import load_settings
    from shared.store.keys import KeyFileError, key_file, key_text, read_key

    settings = load_settings(args.config)
    path = key_file(settings)
    try:
        key = read_key(path)
    except KeyFileError as exc:
        print(f"antre key: {exc}", file=sys.stderr)
        return 1
    print(f"site key: {path} (fingerprint {key.key_id})")
    if args.encrypt or args.decrypt:
        return _crypt_file(key, args.encrypt, args.decrypt)
    if args.show:
        print("copy this line onto paper or a USB stick kept in the office safe, then clear the screen:")
        print(key_text(key))
        print(f"to recover: write that line into {path} (mode 0600, owner antre)")
    return 0


def _crypt_file(key: Any, encrypt: str | None, decrypt: str | None) -> int:
    """The backups' encryption for a file Antre did not write (a PostgreSQL dump, docs/backup.md)."""
    from pathlib import Path

    from deploy.ops.backup_crypto import SUFFIX, DecryptError, decrypt_file, encrypt_file

    source = Path(encrypt or decrypt or "").expanduser()
    if not source.is_file():
        print(f"antre key: there is no file at {source}", file=sys.stderr)
        return 1
    if encrypt:
        target = source.with_name(source.name + SUFFIX)
        encrypt_file(source, target, key)
    else:
        if not source.name.endswith(SUFFIX):
            print(f"antre key: {source.name} does not end in {SUFFIX}", file=sys.stderr)
            return 2
        target = source.with_name(source.name[: -len(SUFFIX)])
        if target.exists():
            print(f"antre key: {target} exists; move it away first", file=sys.stderr)
            return 1
        try:
            decrypt_file(source, target, key)
        except DecryptError as exc:
            print(f"antre key: {exc}", file=sys.stderr)
            return 1
    print(f"written: {target}")
    return 0
