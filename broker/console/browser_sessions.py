"""Browser sessions of the console: sign-in with an officer id and a PIN or passphrase, a cookie
holding a random token, the session itself kept by the hub (``shared.store.staff_sessions``: only
the token's hash stored, idle and absolute expiry, revoked when the account is disabled, removed,
reset or signs in elsewhere). A page load whose session was used within the last minute is read
without a write beside the worker (``staff_sessions.recently_used``); any other check runs on the
hub's worker, which touches ``last_seen`` and says why a session ended. A revocation ends the
session row at once, so it is never read as current.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session
from starlette.requests import Request

from broker.console.web import User
from shared.contract.staff_bodies import error_code, error_detail
from shared.store import staff_sessions
from shared.store.models import OfficerRow

if TYPE_CHECKING:
    from broker.console.context import ConsoleContext


@dataclass(frozen=True)
class SigninOutcome:
    token: str | None
    code: str = ""  # why not: bad_secret, slow_down, weak_pin
    values: dict[str, object] = field(default_factory=dict)  # for the message: seconds to wait


class BrowserSessions:
    def __init__(self, ctx: ConsoleContext) -> None:
        self.ctx = ctx

    async def signin(self, officer_id: str, secret: str, client: str) -> SigninOutcome:
        staff = self.ctx.staff
        result = await self.ctx.on_worker(lambda: staff.console_signin(officer_id, secret, client))
        if result.status == 200:
            return SigninOutcome(str(result.body["token"]))
        code = error_code(result.body) or "bad_secret"
        if code == "slow_down":
            return SigninOutcome(None, code, {"seconds": int(error_detail(result.body, "retry_after") or 60)})
        return SigninOutcome(None, code if code == "weak_pin" else "bad_secret")

    async def check(self, token: str, request: Request) -> User | None:
        staff = self.ctx.staff
        now = staff.hub.clock()

        def read(session: Session) -> User | None:
            row = staff_sessions.recently_used(session, token, now, kind=staff_sessions.CONSOLE)
            officer = session.get(OfficerRow, row.officer_id) if row is not None else None
            if officer is None or not officer.active:
                return None
            return User(officer.id, officer.name, officer.role)

        user = await self.ctx.read(read)
        if user is not None:
            return user  # the common case: no worker job, no write
        result = await self.ctx.on_worker(lambda: staff.console_session(token))
        if result.status == 200:
            body = result.body
            return User(str(body["officer"]), str(body["officer_name"]), str(body["role"]))
        code = error_code(result.body)
        if code in ("session_expired", "session_revoked"):
            request.state.session_end = code
            request.state.session_reason = str(error_detail(result.body, "reason") or "")
        return None

    async def signout(self, token: str) -> None:
        staff = self.ctx.staff
        await self.ctx.on_worker(lambda: staff.console_signout(token))
