"""Sign-in, sessions and accounts of the staff side: desks (a PIN at the counter) and the console
(any active role, a PIN or passphrase), on the hub's worker thread like every command.

- Before a secret is checked the sign-in throttle (``broker.hub.signin_throttle``) may answer
  ``429 slow_down`` with ``retry_after``; there is no lockout. An address that signed in to the
  account in the last 30 days (the session table says so, across restarts) is trusted.
- An unknown or inactive account costs what a wrong PIN costs (a dummy PBKDF2 check) and answers
  the same ``401 bad_pin``; a PIN of fewer than 6 digits is ``400 weak_pin`` (the officer asks a
  supervisor for a new one) and is never checked.
- A desk held by another officer is ``409 desk_taken`` (naming them) unless ``take_over``: the
  sitter's session then ends ``taken_over``. The same officer signing in at another desk ends their
  earlier desk session (``signed_in_elsewhere``) and closes that desk if nobody is at it.
- A request with a session that ended says why: ``401 session_expired`` or ``session_revoked`` with
  ``reason`` (``shared.store.staff_sessions``); an unknown token is ``401 signed_out``.
- Sign-ins, failures (with the client address, escaped) and sign-outs go into the access log.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from broker.hub.commands import Hub
from broker.hub.publications import Publication
from broker.hub.signin_throttle import TRUST_S, SigninThrottle
from shared.config import ConfigError
from shared.contract import staff_bodies as bodies
from shared.domain import pins, secrets_policy
from shared.domain.queue import Action, QueueError
from shared.store import access_log, officers, staff_sessions
from shared.store.db import write_transaction
from shared.store.models import DeskRow, OfficerRow, StaffSessionRow
from shared.store.repository import SqlQueueRepository

log = logging.getLogger(__name__)

_CLIENT_SAFE = re.compile(r"[^0-9A-Za-z.:%\[\]_-]")


@dataclass
class StaffResult:
    status: int  # the HTTP status to answer with
    body: dict[str, Any]
    publications: list[Publication] = field(default_factory=list)


def _error(status: int, code: str, message: str, **details: Any) -> StaffResult:
    return StaffResult(status, bodies.error_body(code, message, **details))


def escaped(text: str, limit: int = 64) -> str:
    """Text a stranger typed or sent (an officer id, a client address), safe in a log line: plain
    characters kept, any other as ``\\xNN`` or ``\\uNNNN`` (a new line cannot forge a line), cut."""
    return _CLIENT_SAFE.sub(lambda m: _escape(m.group()), text)[:limit]


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


class StaffSignin:
    """The sign-in half of ``broker.hub.staff.StaffDesk``."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.throttle = SigninThrottle(lambda: hub.clock().timestamp())
        self._iterations: int | None = None  # as the stored hashes: a dummy check costs the same

    # --- accounts -----------------------------------------------------------------------------

    def sync_officers(self, items: list[dict[str, Any]]) -> StaffResult:
        """The config's ``[[officers]]`` into the database (``shared.store.officers``)."""
        with write_transaction(self.hub.engine) as session:
            now = self.hub.clock()
            try:
                result = officers.sync_from_config(session, self.hub.key, items, now)
            except officers.OfficerError as exc:
                raise ConfigError(f"[[officers]]: {exc}") from None
            pubs = self._release_desks(session, self._just_ended(session, now))
            self._note_iterations(session)
        if pubs:
            self.hub.forget_book()
        return StaffResult(200, {"added": result.added, "updated": result.updated,
                                 "deactivated": result.deactivated}, pubs)  # fmt: skip

    def _note_iterations(self, session: Session) -> int:
        stored = session.scalar(select(OfficerRow.pin_hash).where(OfficerRow.active).limit(1))
        try:
            self._iterations = int(str(stored).split("$")[1]) if stored else pins.ITERATIONS
        except (IndexError, ValueError):
            self._iterations = pins.ITERATIONS
        return self._iterations

    # --- desks --------------------------------------------------------------------------------

    def signin(
        self, desk: str, officer_id: str, pin: str, client: str = "", take_over: bool = False
    ) -> StaffResult:
        # Desk ids are public (the display shows them): an unknown one costs no secret check.
        if desk not in self.hub.desk_names:
            return _error(404, "unknown_desk", f"unknown desk {desk!r}")
        if secrets_policy.short_pin(pin):
            return _error(400, "weak_pin", secrets_policy.refusal_text("weak_pin", "en"))
        with write_transaction(self.hub.engine) as session:
            now = self.hub.clock()
            officer, refusal = self._check(session, officer_id, pin, client, now, f"desk {desk}")
            if officer is None:
                return refusal  # type: ignore[return-value]
            sitter = staff_sessions.at_desk(session, desk, now)
            if sitter is not None and sitter.officer_id != officer.id and not take_over:
                sitting = session.get(OfficerRow, sitter.officer_id)
                name = sitting.name if sitting else sitter.officer_id
                message = f"{name} is signed in at this desk; sign in with take_over to take it over"
                self.throttle.succeeded(officer.id, client)  # the PIN was right: no guess to slow
                return _error(409, "desk_taken", message, officer=sitter.officer_id, officer_name=name)
            if sitter is not None and sitter.officer_id != officer.id:
                staff_sessions.end(sitter, now, staff_sessions.TAKEN_OVER)
                log.info("desk %s: officer %s took over from %s", desk, officer.id, sitter.officer_id)
            earlier = staff_sessions.revoke_officer(
                session, officer.id, now, staff_sessions.SIGNED_IN_ELSEWHERE, kind=staff_sessions.DESK
            )
            repo = SqlQueueRepository(session)
            pubs = self._release_desks(session, [row for row in earlier if row.desk != desk], repo)
            outcome = self.hub.rules(repo).command(desk, Action.OPEN)
            token, _row = staff_sessions.create(
                session, officer.id, staff_sessions.DESK, now, desk=desk, client=client
            )
            desk_row = session.get(DeskRow, desk)
            assert desk_row is not None  # OPEN saved it
            desk_row.officer_id = officer.id
            access_log.record(session, self.hub.key, f"officer/{officer.id}", access_log.SIGN_IN,
                              f"desk {desk} from {escaped(client)}", now)  # fmt: skip
            pubs += self.hub.state_publications(repo, outcome)
        self.throttle.succeeded(officer.id, client)
        self.hub.forget_book()  # the desk and its officer changed outside the command path
        log.info("desk %s: officer %s signed in from %s", desk, officer.id, escaped(client))
        body = bodies.signin_answer(token, desk, self.hub.desk_names[desk], officer.name)
        return StaffResult(200, body, pubs)

    def _check(
        self, session: Session, officer_id: str, secret: str, client: str, now: datetime, where: str
    ) -> tuple[OfficerRow | None, StaffResult | None]:
        """The active account whose secret this is, or the refusal (throttled, or wrong)."""
        trusted = self.throttle.is_trusted(officer_id, client) or self._recent_success(
            session, officer_id, client, now
        )
        verdict = self.throttle.check(officer_id, client, trusted)
        if not verdict.allowed:
            log.warning("sign-in %s: slowed down (%s) from %s", where, verdict.limit, escaped(client))
            return None, _error(429, "slow_down", f"too many failed sign-ins; wait {verdict.retry_after} s",
                                retry_after=verdict.retry_after)  # fmt: skip
        officer = officers.find(session, officer_id)
        if officer is not None and officer.active:
            right = secrets_policy.verify_secret(secret, officer.pin_hash)
        else:
            iterations = self._iterations or self._note_iterations(session)
            right = secrets_policy.dummy_verify(secret, iterations)
        if right:
            return officer, None
        self.throttle.failed(officer_id, client, trusted)
        access_log.record(session, self.hub.key, f"client/{escaped(client)}", access_log.SIGN_IN_FAILED,
                          f"officer {escaped(officer_id, 32)} at {where}", now)  # fmt: skip
        log.warning("sign-in %s: a wrong PIN or unknown officer from %s", where, escaped(client))
        return None, _error(401, "bad_pin", "unknown officer or wrong PIN")

    def _recent_success(self, session: Session, officer_id: str, client: str, now: datetime) -> bool:
        if not client or not officer_id:
            return False
        query = select(StaffSessionRow.token_hash).where(
            StaffSessionRow.officer_id == officer_id,
            StaffSessionRow.client == client[: staff_sessions.CLIENT_MAX],
            StaffSessionRow.started_at >= now - timedelta(seconds=TRUST_S),
        )
        return session.scalar(query.limit(1)) is not None

    def signout(self, token: str) -> StaffResult:
        """Close the desk (sign-out or a break: the desk takes no one until someone signs in)."""
        with write_transaction(self.hub.engine) as session:
            now = self.hub.clock()
            found = self._session_of(session, token)
            if not found.ok:
                return self._refusal(found)
            staff = found.row
            assert staff is not None and staff.desk is not None
            repo = SqlQueueRepository(session)
            try:
                outcome = self.hub.rules(repo).command(staff.desk, Action.CLOSE)
            except QueueError as exc:
                return _error(409, exc.code, exc.message)
            staff_sessions.end(staff, now, staff_sessions.SIGNED_OUT)
            desk_row = session.get(DeskRow, staff.desk)
            if desk_row is not None:
                desk_row.officer_id = None
            access_log.record(session, self.hub.key, f"officer/{staff.officer_id}", access_log.SIGN_OUT,
                              f"desk {staff.desk}", now)  # fmt: skip
            pubs = self.hub.state_publications(repo, outcome)
        self.hub.forget_book()
        log.info("desk %s: officer %s signed out", staff.desk, staff.officer_id)
        return StaffResult(200, bodies.signout_answer(staff.desk), pubs)

    def _session_of(self, session: Session, token: str) -> staff_sessions.Lookup:
        """The current desk session of ``token`` (its last use noted), or why there is none."""
        return staff_sessions.lookup(session, token, self.hub.clock(), kind=staff_sessions.DESK)

    @staticmethod
    def _refusal(found: staff_sessions.Lookup) -> StaffResult:
        if found.code == staff_sessions.SESSION_EXPIRED:
            return _error(
                401, "session_expired", "this sign-in has expired; sign in again", reason=found.reason
            )
        if found.code == staff_sessions.SESSION_REVOKED:
            return _error(401, "session_revoked", f"this sign-in was ended ({found.reason}); sign in again",
                          reason=found.reason)  # fmt: skip
        return _error(401, "signed_out", "this sign-in is no longer valid")

    def expire_sessions(self) -> list[Publication]:
        """End every session that has run out (a sweep the hub runs once a minute; lookups end them
        one by one too) and free their desks: no officer shown there, closed if nobody is at it.
        The sign-in throttle drops its expired counts here too, so an idle hub frees them."""
        self.throttle.prune()  # and the throttle's counts whose time has passed
        with write_transaction(self.hub.engine) as session:
            ended = staff_sessions.expire_due(session, self.hub.clock())
            pubs = self._release_desks(session, [row for row in ended if row.kind == staff_sessions.DESK])
        if ended:
            log.info("staff sessions: %d ran out and ended", len(ended))
        if pubs:
            self.hub.forget_book()
        return pubs

    def _just_ended(self, session: Session, now: datetime) -> list[StaffSessionRow]:
        query = select(StaffSessionRow).where(
            StaffSessionRow.ended_at == now, StaffSessionRow.kind == staff_sessions.DESK
        )
        session.flush()
        return list(session.scalars(query))

    def _release_desks(
        self, session: Session, ended: list[StaffSessionRow], repo: SqlQueueRepository | None = None
    ) -> list[Publication]:
        """The desks of desk sessions just ended by someone else: no officer there any more, and
        closed unless a visitor is at the desk (then it stays open for the next sign-in)."""
        repo = repo or SqlQueueRepository(session)
        pubs: list[Publication] = []
        for row in ended:
            desk_row = session.get(DeskRow, row.desk) if row.desk else None
            if desk_row is None or desk_row.officer_id != row.officer_id:
                continue
            desk_row.officer_id = None
            try:
                outcome = self.hub.rules(repo).command(desk_row.id, Action.CLOSE)
            except QueueError:
                continue
            pubs += self.hub.state_publications(repo, outcome)
        return pubs

    # --- the console ----------------------------------------------------------------------------

    def console_signin(self, officer_id: str, secret: str, client: str) -> StaffResult:
        """Any active account opens the console with its PIN or passphrase; an earlier console
        session of the same account ends (``signed_in_elsewhere``). 200 with the token."""
        if secrets_policy.short_pin(secret):
            return _error(400, "weak_pin", secrets_policy.refusal_text("weak_pin", "en"))
        with write_transaction(self.hub.engine) as session:
            now = self.hub.clock()
            officer, refusal = self._check(session, officer_id, secret, client, now, "console")
            if officer is None:
                return refusal  # type: ignore[return-value]
            staff_sessions.revoke_officer(
                session, officer.id, now, staff_sessions.SIGNED_IN_ELSEWHERE, kind=staff_sessions.CONSOLE
            )
            token, row = staff_sessions.create(
                session, officer.id, staff_sessions.CONSOLE, now, client=client
            )
            access_log.record(session, self.hub.key, f"{officer.role}/{officer.id}", access_log.SIGN_IN,
                              f"console from {escaped(client)}", now)  # fmt: skip
            body = bodies.console_signin_answer(token, officer.id, officer.name, officer.role, row.expires_at)
        self.throttle.succeeded(officer.id, client)
        log.info("console: %s %s signed in from %s", officer.role, officer.id, escaped(client))
        return StaffResult(200, body)

    def console_session(self, token: str) -> StaffResult:
        """The console session of ``token``: 200 with the officer (id, name, role), or the 401."""
        with write_transaction(self.hub.engine) as session:
            found = staff_sessions.lookup(session, token, self.hub.clock(), kind=staff_sessions.CONSOLE)
            if not found.ok:
                return self._refusal(found)
            assert found.row is not None
            officer = session.get(OfficerRow, found.row.officer_id)
            assert officer is not None
            return StaffResult(
                200, {"officer": officer.id, "officer_name": officer.name, "role": officer.role}
            )

    def console_signout(self, token: str) -> StaffResult:
        with write_transaction(self.hub.engine) as session:
            now = self.hub.clock()
            found = staff_sessions.lookup(session, token, now, kind=staff_sessions.CONSOLE, touch=False)
            if not found.ok:
                return self._refusal(found)
            assert found.row is not None
            staff_sessions.end(found.row, now, staff_sessions.SIGNED_OUT)
            access_log.record(session, self.hub.key, f"officer/{found.row.officer_id}", access_log.SIGN_OUT,
                              "console", now)  # fmt: skip
        return StaffResult(200, {"status": "signed_out"})

    # --- account changes from the console (the store's rules; the desks of ended sessions freed) ---

    def officer_add(self, actor: str, officer_id: str, name: str, role: str, secret: str) -> StaffResult:
        """201 with the new account, or 400 with the store's refusal (``OfficerError`` code; the
        body's ``message`` in English, ``message_id`` in Indonesian)."""
        return self._account_change(lambda s, now: officers.add(
            s, self.hub.key, actor, now, officer_id=officer_id, name=name, role=role, secret=secret,
        ), created=True)  # fmt: skip

    def officer_set_active(self, actor: str, officer_id: str, active: bool) -> StaffResult:
        return self._account_change(
            lambda s, now: officers.set_active(s, self.hub.key, actor, now, officer_id, active)
        )

    def officer_reset(self, actor: str, officer_id: str, secret: str) -> StaffResult:
        return self._account_change(lambda s, now: officers.reset_secret(
            s, self.hub.key, actor, now, officer_id, secret
        ))  # fmt: skip

    def officer_change_role(self, actor: str, officer_id: str, role: str, secret: str) -> StaffResult:
        return self._account_change(lambda s, now: officers.change_role(
            s, self.hub.key, actor, now, officer_id, role, secret
        ))  # fmt: skip

    def signed_in(self) -> list[staff_sessions.SignedIn]:
        """Who is signed in where, now."""
        with write_transaction(self.hub.engine) as session:
            return staff_sessions.signed_in(session, self.hub.clock())

    def _account_change(self, change: Any, created: bool = False) -> StaffResult:
        try:
            with write_transaction(self.hub.engine) as session:
                now = self.hub.clock()
                outcome = change(session, now)
                pubs = self._release_desks(session, self._just_ended(session, now))
        except officers.OfficerError as exc:
            status = 404 if exc.code == "unknown_officer" else 409 if exc.code == "exists" else 400
            return StaffResult(
                status, bodies.error_body(exc.code, exc.message("en"), message_id=exc.message("id"))
            )
        if pubs:
            self.hub.forget_book()
        body = {"officer": outcome.id, "role": outcome.role} if created else {"ended_sessions": outcome}
        return StaffResult(201 if created else 200, body, pubs)
