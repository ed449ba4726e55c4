"""ASGI middleware in front of every route: request size, cross-site requests, response headers.

- A request body over ``MAX_BODY`` is refused 413 before it is read whole, and a
  ``Content-Length`` that is not a number 400 (the old API left a traceback).
- A browser's unsafe request (POST ...) to a page must come from the console's own pages: its
  ``Origin`` (or ``Referer``) must be this host. With the session cookie's ``SameSite=Strict``
  this stops cross-site request forgery; the JSON API carries a bearer token, no cookie, and is
  not checked.
- Every answer: no caching of pages, no framing, no MIME sniffing, a strict content security
  policy (scripts and styles from this server only), HSTS over HTTPS.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY = 64 * 1024
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)


class Guards:
    def __init__(self, app: ASGIApp, https: bool, api_prefix: str = "/api/") -> None:
        self.app = app
        self.https = https
        self.api_prefix = api_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        length = headers.get("content-length")
        if length is not None and not length.isdigit():
            await _plain(send, 400, "bad Content-Length")
            return
        if length is not None and int(length) > MAX_BODY:
            await _plain(send, 413, "request too large")
            return
        is_api = scope["path"].startswith(self.api_prefix)
        if scope["method"] in UNSAFE and not is_api and not _same_origin(headers):
            await _plain(send, 403, "cross-site request refused")
            return
        await self.app(scope, _capped(receive), self._with_headers(send, scope["path"]))

    def _with_headers(self, send: Send, path: str) -> Send:
        static = path.startswith("/static/")

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"same-origin"),  # no-referrer would make a form's Origin "null"
                    (b"content-security-policy", CSP.encode()),
                ]
                if not static:
                    extra.append((b"cache-control", b"no-store"))
                if self.https:
                    extra.append((b"strict-transport-security", b"max-age=31536000"))
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in extra if k not in present
                ]
            await send(message)

        return wrapped


def _same_origin(headers: dict[str, str]) -> bool:
    host = headers.get("host", "")
    source = headers.get("origin") or headers.get("referer") or ""
    return bool(host) and urlsplit(source).netloc == host


def _capped(receive: Receive) -> Receive:
    """A chunked body (no Content-Length) may not grow past ``MAX_BODY`` either."""
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > MAX_BODY:
                raise BodyTooLarge
        return message

    return wrapped


class BodyTooLarge(Exception):
    pass


async def _plain(send: Send, status: int, text: str) -> None:
    body = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
