"""What every page uses: the signed-in user and their role, the language, and rendering a template.

A page calls ``await require(request, "supervisor", ...)``: it returns the user, or raises
``Denied`` whose response (to the sign-in page, or 403) the app sends. Templates get ``t`` (the
page's catalogue, then the common one), ``user``, ``lang``, ``nav`` and ``path``; Jinja2 escapes
every value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.templating import Jinja2Templates

from broker.console.context import context_of
from broker.console.texts import COMMON, NAV
from shared.texts import DEFAULT_LANGUAGE, LANGUAGES, Catalog

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
SESSION_COOKIE = "antre_session"
LANG_COOKIE = "antre_lang"
ROLES = ("officer", "supervisor", "technician")


@dataclass(frozen=True)
class User:
    id: str
    name: str
    role: str

    def can(self, *roles: str) -> bool:
        return not roles or self.role in roles


class Denied(Exception):
    """Raised by ``require``: the app answers with ``response``."""

    def __init__(self, response: Response) -> None:
        super().__init__("denied")
        self.response = response


def language(request: Request) -> str:
    lang = request.cookies.get(LANG_COOKIE, DEFAULT_LANGUAGE)
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def words(request: Request, catalog: Catalog | None = None) -> Any:
    """``t(key, **values)`` for ``request``'s language: the page's words, then the common ones."""
    lang = language(request)

    def t(key: str, **values: object) -> str:
        if catalog is not None and catalog.has(lang, key):
            return catalog.t(lang, key, **values)
        return COMMON.t(lang, key, **values)

    return t


async def current_user(request: Request) -> User | None:
    if "user" in request.scope.get("state", {}):
        return request.state.user  # type: ignore[no-any-return]
    token = request.cookies.get(SESSION_COOKIE, "")
    found = await context_of(request).sessions.check(token, request) if token else None
    request.state.user = found
    return found


async def require(request: Request, *roles: str) -> User:
    """The signed-in user if their role is one of ``roles`` (any role when none are given)."""
    user = await current_user(request)
    if user is None:
        state = request.scope.get("state", {})
        why = state.get("session_end", "")
        reason = state.get("session_reason", "")
        target = f"/signin?next={quote(request.url.path)}"
        target += (f"&why={quote(why)}" if why else "") + (f"&reason={quote(reason)}" if reason else "")
        if request.headers.get("hx-request"):
            raise Denied(Response(status_code=401, headers={"HX-Redirect": target}))
        raise Denied(RedirectResponse(target, status_code=303))
    if not user.can(*roles):
        t = words(request)
        names = ", ".join(t(f"role_{role}") for role in roles)
        raise Denied(render(request, "message.html", status=403, message=t("forbidden", roles=names)))
    return user


def _local_time(tz: Any) -> Any:
    """``local(moment, "%H:%M")`` in templates: an aware time in the office's zone, "-" for None."""

    def local(moment: datetime | None, fmt: str = "%H:%M") -> str:
        return moment.astimezone(tz).strftime(fmt) if moment is not None else "-"

    return local


def render(
    request: Request, template: str, catalog: Catalog | None = None, status: int = 200, **values: Any
) -> HTMLResponse:
    user = request.state.user if "user" in request.scope.get("state", {}) else None
    nav = [(path, key) for path, key, roles in NAV if user is not None and user.can(*roles)]
    context = {
        "t": words(request, catalog),
        "lang": language(request),
        "user": user,
        "nav": nav,
        "path": request.url.path,
        "site_name": context_of(request).settings.office_name,
        "local": _local_time(context_of(request).settings.tz),
        **values,
    }
    return TEMPLATES.TemplateResponse(request, template, context, status_code=status)
