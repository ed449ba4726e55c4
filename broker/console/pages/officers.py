"""6. Officers: the staff accounts (id, name, role, active or disabled, kept in the config file or
the console, and where each is signed in now: which desk or the console, since when, from which
address), adding an account, disabling or enabling one, resetting a PIN or passphrase (typed
twice; hashed by ``shared.domain.secrets_policy`` as every secret is), and giving a console
account another role (with the secret the new role asks for).

Who may do what (enforced here, on the server, whatever the form offered):

- the page is for supervisors and technicians; an officer gets 403;
- a supervisor manages every account; a technician (who looks after the devices) manages officer
  and technician accounts but never a supervisor's: they cannot add one, disable or enable one, nor
  reset one's passphrase, so a technician cannot make themselves the office's supervisor;
- nobody disables their own account or changes their own role (the last supervisor would lock the
  office out); a config account's role is the config file's.

The list is read with ``ctx.read``; every change runs on the hub's worker (``StaffDesk.officer_*``),
which ends the account's sessions (a desk it held is freed) and writes the access log.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from broker.console.context import ConsoleContext, context_of
from broker.console.pages.officers_texts import TEXTS
from broker.console.web import User, language, render, require, words
from broker.hub.staff import StaffResult
from shared.contract import staff_bodies as bodies
from shared.domain import secrets_policy
from shared.store import officers, staff_sessions
from shared.store.models import OfficerRow

ROLES = ("supervisor", "technician")
FIELD_MAX = 200  # longer than any valid id, name or passphrase: the store refuses what is left
ADD_FIELDS = ("officer_id", "name", "role")  # kept when a form comes back (the secret never is)
DONE = ("added", "disabled", "enabled", "reset", "role")
_FIELD_OF = {"bad_id": "officer_id", "exists": "officer_id", "bad_name": "name", "bad_role": "role",
             "pin_shape": "secret", "passphrase_short": "secret", "passphrase_long": "secret",
             "passphrase_control": "secret", "mismatch": "confirm", "role_forbidden": "role"}  # fmt: skip


def may_manage(user: User, role: str) -> bool:
    """Whether ``user`` may add, disable, enable or reset an account of ``role``."""
    return user.role == "supervisor" or (user.role == "technician" and role != "supervisor")


def actor_of(user: User) -> str:
    return f"{user.role}/{user.id}"


async def listing(request: Request) -> Response:
    user = await require(request, *ROLES)
    return await _page(request, user)


async def add(request: Request) -> Response:
    user = await require(request, *ROLES)
    ctx = context_of(request)
    form = await request.form()
    typed = {name: str(form.get(name, ""))[:FIELD_MAX].strip() for name in ADD_FIELDS}
    secret, confirm = (str(form.get(name, ""))[:FIELD_MAX] for name in ("secret", "confirm"))
    role = typed["role"]
    if role in secrets_policy.ROLES and not may_manage(user, role):
        result = _refused(403, "role_forbidden")
    elif secret != confirm:
        result = _refused(400, "mismatch")
    else:
        result = await _on_worker(ctx, lambda: ctx.staff.officer_add(
            actor_of(user), typed["officer_id"], typed["name"], role, secret
        ))  # fmt: skip
    if result.status == 201:
        return _done("added", typed["officer_id"])
    message = _message(request, result)
    field = _FIELD_OF.get(_code(result), "")
    errors = {field: message} if field else {}
    # The form is below the table: the field to fix takes the focus, which scrolls it into view.
    focus = "secret" if field == "confirm" else field
    return await _page(request, user, status=result.status, add_form=typed, add_errors=errors, focus=focus,
                       add_error=words(request, TEXTS)("fix_below") if field else message)  # fmt: skip


async def set_active(request: Request) -> Response:
    user = await require(request, *ROLES)
    ctx = context_of(request)
    officer_id = request.path_params["officer_id"]
    active = str((await request.form()).get("active", "")) == "1"
    if not active and officer_id == user.id:
        result = _refused(400, "self_disable")
    else:
        result = await _on_worker(ctx, _guarded(ctx, user, officer_id, lambda: ctx.staff.officer_set_active(
            actor_of(user), officer_id, active
        )))  # fmt: skip
    if result.status == 200:
        return _done("enabled" if active else "disabled", officer_id, result.body.get("ended_sessions", 0))
    errors = {officer_id: _message(request, result)}
    return await _page(request, user, status=result.status, row_errors=errors)


async def reset(request: Request) -> Response:
    user = await require(request, *ROLES)
    ctx = context_of(request)
    officer_id = request.path_params["officer_id"]
    form = await request.form()
    secret, confirm = (str(form.get(name, ""))[:FIELD_MAX] for name in ("secret", "confirm"))
    if secret != confirm:
        result = _refused(400, "mismatch")
    else:
        result = await _on_worker(ctx, _guarded(ctx, user, officer_id, lambda: ctx.staff.officer_reset(
            actor_of(user), officer_id, secret
        )))  # fmt: skip
    if result.status == 200:
        if officer_id == user.id:  # their own console session just ended with the reset
            return RedirectResponse("/signin?why=session_revoked&reason=pin_reset", status_code=303)
        return _done("reset", officer_id, result.body.get("ended_sessions", 0))
    errors = {officer_id: _message(request, result)}
    return await _page(request, user, status=result.status, row_errors=errors, open_reset=officer_id,
                       focus=f"reset-{officer_id}")  # fmt: skip


async def change_role(request: Request) -> Response:
    user = await require(request, *ROLES)
    ctx = context_of(request)
    officer_id = request.path_params["officer_id"]
    form = await request.form()
    role = str(form.get("role", ""))[:FIELD_MAX]
    secret, confirm = (str(form.get(name, ""))[:FIELD_MAX] for name in ("secret", "confirm"))
    if officer_id == user.id:
        result = _refused(400, "self_role")  # a supervisor demoting themselves could lock the office out
    elif role in secrets_policy.ROLES and not may_manage(user, role):
        result = _refused(403, "role_forbidden")  # a technician cannot make anyone a supervisor
    elif secret != confirm:
        result = _refused(400, "mismatch")
    else:
        result = await _on_worker(ctx, _guarded(ctx, user, officer_id, lambda: ctx.staff.officer_change_role(
            actor_of(user), officer_id, role, secret
        )))  # fmt: skip
    if result.status == 200:
        return _done("role", officer_id, result.body.get("ended_sessions", 0))
    errors = {officer_id: _message(request, result)}
    return await _page(request, user, status=result.status, row_errors=errors, open_role=officer_id,
                       focus=f"role-secret-{officer_id}")  # fmt: skip


def _guarded(ctx: ConsoleContext, user: User, officer_id: str, change: Any) -> Any:
    """``change`` on the worker, once the account's role (read there, so no change slips between)
    says ``user`` may manage it."""

    def run() -> StaffResult:
        with Session(ctx.engine) as session:
            row = session.get(OfficerRow, officer_id)
            role = row.role if row is not None else None
        if role is None:
            return _refused(404, "unknown_officer")
        if not may_manage(user, role):
            return _refused(403, "role_forbidden")
        return change()  # type: ignore[no-any-return]

    return run


async def _on_worker(ctx: ConsoleContext, call: Any) -> StaffResult:
    try:
        return await ctx.on_worker(call)
    except TimeoutError:
        return StaffResult(503, bodies.error_body("busy", "the hub is busy"))


def _refused(status: int, code: str) -> StaffResult:
    """A refusal of this page's own (its words are in ``TEXTS``, ``err_<code>``)."""
    if code in officers.MESSAGES:
        english, indonesian = officers.MESSAGES[code][1], officers.MESSAGES[code][0]
        return StaffResult(status, bodies.error_body(code, english, message_id=indonesian))
    return StaffResult(status, bodies.error_body(code, code))


def _code(result: StaffResult) -> str:
    return str(result.body.get("error", {}).get("code", ""))


def _message(request: Request, result: StaffResult) -> str:
    """The refusal in the reader's language: the hub's ``message_id``/``message``, or this page's."""
    t = words(request, TEXTS)
    error = result.body.get("error", {})
    if TEXTS.has("id", f"err_{_code(result)}"):
        return t(f"err_{_code(result)}")
    if "message_id" in error:
        return str(error["message_id"] if language(request) == "id" else error["message"])
    return t("busy") if result.status >= 500 else t("server_error")


def _done(done: str, officer_id: str, ended: int = 0) -> Response:
    target = f"/officers?done={done}&id={quote(officer_id)}&ended={int(ended)}"
    return RedirectResponse(target, status_code=303)


async def _page(request: Request, user: User, status: int = 200, **values: Any) -> Response:
    ctx = context_of(request)
    now = ctx.staff.hub.clock()
    desk_names = ctx.staff.hub.desk_names

    def query(session: Session) -> list[dict[str, Any]]:
        where: dict[str, list[staff_sessions.SignedIn]] = {}
        for signed in staff_sessions.signed_in(session, now):
            where.setdefault(signed.officer_id, []).append(signed)
        return [
            {"id": row.id, "name": row.name, "role": row.role, "active": row.active, "source": row.source,
             "manage": may_manage(user, row.role), "me": row.id == user.id,
             "where": [{"desk": desk_names.get(s.desk, s.desk) if s.desk else None, "since": s.started_at,
                        "client": s.client} for s in where.get(row.id, [])]}
            for row in officers.all_officers(session)
        ]  # fmt: skip

    accounts = await ctx.read(query)
    t = words(request, TEXTS)
    done, flash = request.query_params.get("done", ""), ""
    done_id = request.query_params.get("id", "")
    if done in DONE and any(a["id"] == done_id for a in accounts) and not values:
        ended = request.query_params.get("ended", "0")
        flash = t(f"done_{done}", id=done_id, ended=int(ended) if ended.isdigit() else 0)
    roles = [role for role in secrets_policy.ROLES if may_manage(user, role)]
    values.setdefault("add_form", {"role": "officer"})
    return render(
        request, "officers.html", TEXTS, status=status, accounts=accounts, flash=flash, roles=roles,
        add_errors=values.pop("add_errors", {}), add_error=values.pop("add_error", ""),
        row_errors=values.pop("row_errors", {}), open_reset=values.pop("open_reset", ""),
        open_role=values.pop("open_role", ""),
        focus=values.pop("focus", ""), **values,
    )  # fmt: skip


ROUTES = [
    Route("/officers", listing, methods=["GET"]),
    Route("/officers/add", add, methods=["POST"]),
    Route("/officers/{officer_id}/active", set_active, methods=["POST"]),
    Route("/officers/{officer_id}/reset", reset, methods=["POST"]),
    Route("/officers/{officer_id}/role", change_role, methods=["POST"]),
]
