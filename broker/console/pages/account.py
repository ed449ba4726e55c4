"""Sign-in, sign-out and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from broker.console.context import client_address, context_of
from broker.console.web import LANG_COOKIE, SESSION_COOKIE, current_user, render, words
from shared.texts import LANGUAGES

FIELD_MAX = 200
REASONS = (
    "expired_idle", "expired", "revoked_disabled", "revoked_removed", "signed_in_elsewhere", "taken_over",
    "pin_reset", "role_changed",
)  # fmt: skip


def _safe_next(target: str) -> str:
    """Only a path of this site: an open redirect would help a phishing page."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/lobby"
    return target


async def signin_page(request: Request) -> Response:
    t = words(request)
    why = request.query_params.get("why", "")
    reason = request.query_params.get("reason", "")
    message = t(why) if why in ("session_expired", "signed_out") else ""
    if why == "session_revoked" and reason in REASONS:
        message = t("session_revoked", reason=t(f"reason_{reason}"))
    return render(request, "signin.html", next=_safe_next(request.query_params.get("next", "/lobby")),
                  message=message, error="")  # fmt: skip


async def signin_submit(request: Request) -> Response:
    form = await request.form()
    officer = str(form.get("officer", ""))[:FIELD_MAX].strip()
    secret = str(form.get("secret", ""))[:FIELD_MAX]
    target = _safe_next(str(form.get("next", "/lobby")))
    outcome = await context_of(request).sessions.signin(officer, secret, client_address(request))
    token = outcome.token
    if token is None:
        error = words(request)(outcome.code or "bad_secret", **outcome.values)
        status = {"slow_down": 429, "weak_pin": 400}.get(outcome.code, 401)
        return render(request, "signin.html", status=status, next=target, message="", error=error,
                      officer=officer)  # fmt: skip
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="strict", secure=context_of(request).https, path="/"
    )
    return response


async def signout(request: Request) -> Response:
    token = request.cookies.get(SESSION_COOKIE, "")
    if token:
        await context_of(request).sessions.signout(token)
    response = RedirectResponse("/signin?why=signed_out", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


async def set_language(request: Request) -> Response:
    form = await request.form()
    lang = str(form.get("lang", ""))
    back = _safe_next(str(form.get("next", "/")))
    response = RedirectResponse(back, status_code=303)
    if lang in LANGUAGES:
        response.set_cookie(LANG_COOKIE, lang, samesite="strict", max_age=365 * 86400, path="/")
    return response


async def home(request: Request) -> Response:
    user = await current_user(request)
    return RedirectResponse("/lobby" if user else "/signin", status_code=303)


ROUTES = [
    Route("/", home, methods=["GET"]),
    Route("/signin", signin_page, methods=["GET"]),
    Route("/signin", signin_submit, methods=["POST"]),
    Route("/signout", signout, methods=["POST"]),
    Route("/language", set_language, methods=["POST"]),
]
